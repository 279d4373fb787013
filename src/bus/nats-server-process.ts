/**
 * A real NATS server with JetStream as a child process (issue 18): for the bus scenarios,
 * the bus tests and the bus bench arm — never a mock broker. The binary is the one
 * `stack/install-tools.sh nats` builds (nats-server v2.15.2, in the tools cache), else
 * `nats-server` on PATH. Like the scenario's server processes, a node never outlives its
 * parent: it runs under `setpriv --pdeathsig KILL` on Linux and is killed on exit.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createDeferred, withTimeout } from '../core/deferred.ts';
import { unusedPort } from '../core/unused-port.ts';

/** How one node runs. */
export interface NatsNodeOptions {
  /** The nats-server binary. Default {@link findNatsServer}(). */
  binary?: string;
  /** Its JetStream store (-sd); kept across restarts. */
  storeDir: string;
  /** Client port. Default: a free one. */
  port?: number;
  /** Server name (-n), required in a cluster. */
  name?: string;
  /** Cluster membership: its route port and every member's route URL. */
  cluster?: { name: string; port: number; routes: string[] };
  /** Give up when it is not ready after this long, ms. Default 20,000. */
  startTimeoutMs?: number;
}

/** A running node. */
export interface NatsNode {
  readonly pid: number;
  readonly port: number;
  /** `nats://127.0.0.1:PORT`. */
  readonly url: string;
  readonly name: string;
  /** Resolves when it has exited. */
  readonly exited: Promise<void>;
  /** Sends `signal` now. @returns the epoch ms it was sent */
  signal(signal: NodeJS.Signals): number;
  /** SIGTERM (lame duck off: nats-server exits at once), SIGKILL after 5 s; resolves once exited. */
  stop(): Promise<void>;
  /** The last lines it logged. */
  log(): string;
}

const SETPRIV = '/usr/bin/setpriv';
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

const executable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** How to get nats-server, for error messages. */
export const NATS_INSTALL_HINT = 'run `stack/install-tools.sh nats` (go install github.com/nats-io/nats-server/v2@v2.15.2), or put nats-server on PATH';

/** The nats-server binary: the tools cache's (`~/.cache/streamlab-tools/bin`) when there is one, else `nats-server` (found on PATH by spawn). */
export function findNatsServer(): string {
  const cached = join(homedir(), '.cache/streamlab-tools/bin/nats-server');
  return executable(cached) ? cached : 'nats-server';
}

/**
 * Starts a node and resolves once it accepts clients (its log says "Server is ready").
 * @throws Error with its log when it exits or is not ready in time
 */
export async function startNatsNode(options: NatsNodeOptions): Promise<NatsNode> {
  const binary = options.binary ?? findNatsServer();
  const port = options.port ?? await unusedPort();
  const name = options.name ?? `streamlab-${port}`;
  mkdirSync(options.storeDir, { recursive: true });
  const args = ['-js', '-sd', options.storeDir, '-a', '127.0.0.1', '-p', String(port), '-n', name,
    ...(options.cluster ? ['--cluster_name', options.cluster.name, '--cluster', `nats://127.0.0.1:${options.cluster.port}`, '--routes', options.cluster.routes.join(',')] : [])];
  const argv = process.platform === 'linux' && executable(SETPRIV) ? [SETPRIV, '--pdeathsig', 'KILL', '--', binary, ...args] : [binary, ...args];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  let log = '';
  const ready = createDeferred<boolean>();
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    log = (log + chunk).slice(-16_384);
    if (log.includes('Server is ready')) ready.resolve(true);
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => {
    running.delete(child);
    ready.resolve(false);
    resolve();
  }));
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
    ready.resolve(false);
  });
  const timeoutMs = options.startTimeoutMs ?? 20_000;
  if (!(await withTimeout(ready.promise, timeoutMs, false))) {
    child.kill('SIGKILL');
    if (child.pid !== undefined) await exited;
    running.delete(child);
    if (spawnError) throw new Error(`cannot run ${binary}: ${spawnError.message}; ${NATS_INSTALL_HINT}`);
    throw new Error(`nats-server did not start within ${timeoutMs} ms (if it is missing: ${NATS_INSTALL_HINT}): ${argv.join(' ')}\n${log.trim().split('\n').slice(-10).join('\n')}`);
  }
  return {
    pid: child.pid!, port, url: `nats://127.0.0.1:${port}`, name, exited,
    signal(signal) {
      const atMs = Date.now();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return atMs;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      if (!(await withTimeout(exited.then(() => true), 5_000, false))) child.kill('SIGKILL');
      await exited;
    },
    log: () => log,
  };
}
