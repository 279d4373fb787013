/**
 * A throwaway Kubernetes control plane for the manifest test (deploy/k8s/k8s.test.ts): Debian's
 * etcd and a kube-apiserver built by `stack/install-tools.sh kube`, on free loopback ports in a
 * temporary folder, with credentials made at start: a CA and a serving certificate (openssl),
 * a service-account signing key (node:crypto) and a static bearer token for an admin in
 * system:masters. No controller manager, scheduler or kubelet: objects are validated, admitted
 * and (without --dry-run) stored, never run.
 */
import { spawn, execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { unusedPort } from '../../src/core/unused-port.ts';
import { findTool } from '../../test/helpers/native-tool.ts';

const INSTALL = 'Run `bash stack/install-tools.sh kube` (builds kube-apiserver and kubectl, installs etcd-server).';

/** A running control plane; `stop()` in `after`. */
export interface ApiServer {
  /** https://127.0.0.1:PORT */
  readonly url: string;
  /** A kubeconfig for an admin (token auth, the CA verified). */
  readonly kubeconfig: string;
  /** The kubectl binary. */
  readonly kubectl: string;
  /** Runs kubectl with `args` against this server; never throws. */
  kubectl$(args: readonly string[]): { code: number; stdout: string; stderr: string };
  /** The logs of etcd and kube-apiserver (their last KiB each), for failure messages. */
  logs(): string;
  /** Stops both processes (SIGTERM, SIGKILL after 5 s) and removes the folder. Idempotent. */
  stop(): Promise<void>;
}

/** Waits until `probe` resolves true, polling every 250 ms, at most `boundMs`. */
async function until(probe: () => Promise<boolean>, boundMs: number): Promise<boolean> {
  const end = Date.now() + boundMs;
  while (Date.now() < end) {
    if (await probe().catch(() => false)) return true;
    await delay(250);
  }
  return false;
}

/** The CA, and a serving certificate for 127.0.0.1 / localhost it signed (openssl, in `dir`). */
function makeCertificates(dir: string): void {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=streamlab-test-ca');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'apiserver.key', '-out', 'apiserver.csr', '-subj', '/CN=kube-apiserver');
  writeFileSync(join(dir, 'san.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\n');
  openssl('x509', '-req', '-in', 'apiserver.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'apiserver.crt', '-days', '1', '-extfile', 'san.cnf');
}

/** Spawns `command` with its output to `log` in `dir`. */
function start(command: string, args: string[], log: string): ChildProcess {
  const fd = openSync(log, 'w');
  const child = spawn(command, args, { stdio: ['ignore', fd, fd] });
  child.on('error', () => {});
  return child;
}

/** Sends SIGTERM, then SIGKILL after `graceMs`; resolves once `child` exited. */
async function stopProcess(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts etcd and kube-apiserver and resolves once /readyz answers ok.
 * @throws Error naming a missing tool (and how to install it), or a server that did not get
 *   ready within `readyBoundMs` (default 90 s), with the end of its log
 */
export async function startApiServer(readyBoundMs = 90_000): Promise<ApiServer> {
  const etcd = findTool(['etcd'], INSTALL);
  const apiserver = findTool(['kube-apiserver'], INSTALL);
  const kubectl = findTool(['kubectl'], INSTALL);
  const dir = mkdtempSync(join(tmpdir(), 'streamlab-k8s-'));
  makeCertificates(dir);
  const serviceAccount = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(dir, 'sa.key'), serviceAccount.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(dir, 'sa.pub'), serviceAccount.publicKey.export({ type: 'spki', format: 'pem' }));
  const token = randomBytes(24).toString('hex');
  writeFileSync(join(dir, 'tokens.csv'), `${token},admin,admin,"system:masters"\n`);
  const [etcdClient, etcdPeer, securePort] = [await unusedPort(), await unusedPort(), await unusedPort()];
  const url = `https://127.0.0.1:${securePort}`;
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, [
    'apiVersion: v1', 'kind: Config', 'current-context: test',
    'clusters:', `- name: test`, '  cluster:', `    server: ${url}`, `    certificate-authority: ${join(dir, 'ca.crt')}`,
    'users:', '- name: admin', '  user:', `    token: ${token}`,
    'contexts:', '- name: test', '  context:', '    cluster: test', '    user: admin', '',
  ].join('\n'));

  const etcdUrl = `http://127.0.0.1:${etcdClient}`;
  const peerUrl = `http://127.0.0.1:${etcdPeer}`;
  const etcdProcess = start(etcd, [
    '--name', 'test', '--data-dir', join(dir, 'etcd'),
    '--listen-client-urls', etcdUrl, '--advertise-client-urls', etcdUrl,
    '--listen-peer-urls', peerUrl, '--initial-advertise-peer-urls', peerUrl, '--initial-cluster', `test=${peerUrl}`,
  ], join(dir, 'etcd.log'));
  let apiProcess: ChildProcess | undefined;
  let stopped = false;
  const tail = (file: string) => {
    try {
      return readFileSync(join(dir, file), 'utf8').slice(-1_500);
    } catch {
      return '(no log)';
    }
  };
  const logs = () => `--- etcd.log\n${tail('etcd.log')}\n--- kube-apiserver.log\n${tail('kube-apiserver.log')}`;
  const server: ApiServer = {
    url, kubeconfig, kubectl, logs,
    kubectl$(args) {
      try {
        const stdout = execFileSync(kubectl, ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
        return { code: 0, stdout, stderr: '' };
      } catch (error) {
        const failed = error as { status?: number; stdout?: string; stderr?: string };
        return { code: failed.status ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? String(error) };
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (apiProcess) await stopProcess(apiProcess);
      await stopProcess(etcdProcess);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    if (!(await until(async () => (await fetch(`${etcdUrl}/health`)).ok, 30_000))) throw new Error(`etcd did not get healthy within 30 s on ${etcdUrl}`);
    apiProcess = start(apiserver, [
      '--etcd-servers', etcdUrl,
      '--bind-address', '127.0.0.1', '--advertise-address', '127.0.0.1', '--secure-port', String(securePort),
      '--tls-cert-file', join(dir, 'apiserver.crt'), '--tls-private-key-file', join(dir, 'apiserver.key'),
      '--client-ca-file', join(dir, 'ca.crt'),
      '--token-auth-file', join(dir, 'tokens.csv'),
      '--authorization-mode', 'RBAC',
      '--service-account-issuer', 'https://kubernetes.default.svc.cluster.local',
      '--service-account-key-file', join(dir, 'sa.pub'), '--service-account-signing-key-file', join(dir, 'sa.key'),
      '--service-cluster-ip-range', '10.96.0.0/16',
      '--cert-dir', join(dir, 'certs'),
    ], join(dir, 'kube-apiserver.log'));
    const ready = await until(async () => server.kubectl$(['get', '--raw', '/readyz']).stdout.trim() === 'ok', readyBoundMs);
    if (!ready) throw new Error(`kube-apiserver was not ready within ${readyBoundMs / 1000} s on ${url}\n${logs()}`);
    return server;
  } catch (error) {
    await server.stop();
    throw error;
  }
}
