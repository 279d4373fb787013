/**
 * deploy/k8s against a real Kubernetes API server (`npm run test:k8s`, issue 19): etcd and a
 * kube-apiserver v1.36.3 on free loopback ports (api-server.ts). The kustomization renders,
 * the server accepts every object with strict field validation (`kubectl apply --dry-run=server
 * --validate=strict -k deploy/k8s`: schema, defaulting and admission, PodSecurity included),
 * and a copy of our own Deployment with one misspelt field is refused, which proves the
 * validation is live. The numbers the manifests must agree on (the drain against the grace
 * period, the probes against the drain) are checked from the rendered objects.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { startApiServer } from './api-server.ts';
import type { ApiServer } from './api-server.ts';

const KUSTOMIZATION = fileURLToPath(new URL('.', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

/** The integer value of `--flag=N` in `args`. */
function flag(args: readonly string[], name: string): string | undefined {
  return args.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
}

describe('deploy/k8s on a real kube-apiserver', () => {
  let api: ApiServer;
  let objects: K8sObject[];
  const scratch = mkdtempSync(join(tmpdir(), 'streamlab-k8s-manifests-'));

  before(async () => {
    api = await startApiServer();
    const rendered = api.kubectl$(['kustomize', KUSTOMIZATION]);
    assert.equal(rendered.code, 0, `kubectl kustomize failed: ${rendered.stderr}`);
    objects = parseAllDocuments(rendered.stdout).map((document) => document.toJS() as K8sObject).filter(Boolean);
  });
  after(async () => {
    await api?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  const find = (kind: string, name: string): K8sObject => {
    const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
    assert.ok(found, `no ${kind} ${name} in the rendered kustomization: ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
    return found;
  };

  test('the server accepts every object with strict field validation (dry run, admission included)', () => {
    // A dry run creates nothing, so the namespace must exist for real before its objects are
    // admitted (NamespaceLifecycle); created from our own manifest, so PodSecurity warns by its labels.
    const namespace = api.kubectl$(['apply', '--validate=strict', '-f', join(KUSTOMIZATION, 'namespace.yaml')]);
    assert.equal(namespace.code, 0, `namespace: ${namespace.stderr}\n${api.logs()}`);
    const applied = api.kubectl$(['apply', '--dry-run=server', '--validate=strict', '-k', KUSTOMIZATION]);
    assert.equal(applied.code, 0, `kubectl apply --dry-run=server refused deploy/k8s:\n${applied.stderr}`);
    // One line per object: `deployment.apps/streamlab-server created (server dry run)`.
    for (const object of objects) {
      const line = new RegExp(`^${object.kind.toLowerCase()}(\\.[a-z0-9.]+)?/${object.metadata.name} (created|unchanged|configured) \\(server dry run\\)$`);
      assert.ok(applied.stdout.split('\n').some((out) => line.test(out)), `${object.kind}/${object.metadata.name} not in:\n${applied.stdout}`);
    }
    assert.ok(objects.length >= 10, `only ${objects.length} objects rendered`);
  });

  // kubectl prints warnings (deprecated fields, PodSecurity "would violate") on stderr, which
  // a successful run does not hand back: --warnings-as-errors makes any of them a failure.
  test('no PodSecurity (restricted) or deprecation warnings', () => {
    const warned = api.kubectl$(['apply', '--dry-run=server', '--validate=strict', '--warnings-as-errors', '-k', KUSTOMIZATION]);
    assert.equal(warned.code, 0, `warnings:\n${warned.stderr}`);
  });

  test('a misspelt field in our own Deployment is refused: validation is live', () => {
    const deployment = structuredClone(find('Deployment', 'streamlab-server')) as K8sObject & { spec: { template: { spec: Record<string, unknown> } } };
    const podSpec = deployment.spec.template.spec;
    podSpec.terminationGracePeriodSecond = podSpec.terminationGracePeriodSeconds;
    delete podSpec.terminationGracePeriodSeconds;
    const file = join(scratch, 'misspelt.json');
    writeFileSync(file, JSON.stringify(deployment));
    const refused = api.kubectl$(['apply', '--dry-run=server', '--validate=strict', '-f', file]);
    assert.notEqual(refused.code, 0, `the misspelt field was accepted:\n${refused.stdout}`);
    assert.match(refused.stderr, /unknown field "spec\.template\.spec\.terminationGracePeriodSecond"/);
    // The same object spelt right is accepted: the refusal was the misspelling's.
    writeFileSync(file, JSON.stringify(find('Deployment', 'streamlab-server')));
    const accepted = api.kubectl$(['apply', '--dry-run=server', '--validate=strict', '-f', file]);
    assert.equal(accepted.code, 0, accepted.stderr);
  });

  test('the server Deployment: gRPC probes, and a grace period that covers preStop + drain + flush', () => {
    const pod = (find('Deployment', 'streamlab-server').spec as { template: { spec: Record<string, never> } }).template.spec as {
      terminationGracePeriodSeconds: number;
      containers: Array<{ args: string[]; lifecycle: { preStop: { sleep: { seconds: number } } }; readinessProbe: { grpc: { port: number } }; livenessProbe: { grpc: { port: number }; periodSeconds: number; failureThreshold: number }; startupProbe: { grpc: { port: number } } }>;
    };
    const [server] = pod.containers;
    assert.ok(server);
    const port = Number(flag(server.args, 'port'));
    for (const probe of [server.readinessProbe, server.livenessProbe, server.startupProbe]) assert.equal(probe.grpc.port, port);
    const graceMs = Number(flag(server.args, 'shutdown-grace-ms'));
    // src/server/create-server.ts: 1 s to flush the last statuses; 5 s for the telemetry flush.
    const drainS = server.lifecycle.preStop.sleep.seconds + graceMs / 1000 + 1 + 5;
    assert.ok(pod.terminationGracePeriodSeconds >= drainS, `terminationGracePeriodSeconds ${pod.terminationGracePeriodSeconds} < preStop + drain + flush = ${drainS} s`);
    const livenessS = server.livenessProbe.periodSeconds * server.livenessProbe.failureThreshold;
    assert.ok(livenessS > pod.terminationGracePeriodSeconds, `liveness gives up after ${livenessS} s, within the ${pod.terminationGracePeriodSeconds} s drain (NOT_SERVING)`);
    const config = find('ConfigMap', objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('streamlab-server-config'))!.metadata.name);
    for (const variable of server.args.flatMap((arg) => [...arg.matchAll(/\$\((\w+)\)/g)].map((match) => match[1]!))) {
      assert.ok(config.data?.[variable] !== undefined, `$(${variable}) in the args is not in ${config.metadata.name}`);
    }
  });

  test('the headless and the ClusterIP Service select the same pods; the fleet API stays in the cluster', () => {
    const headless = find('Service', 'streamlab-server-headless').spec as { clusterIP: string; selector: object };
    const clusterIp = find('Service', 'streamlab-server').spec as { type: string; selector: object };
    assert.equal(headless.clusterIP, 'None');
    assert.equal(clusterIp.type, 'ClusterIP');
    assert.deepEqual(headless.selector, clusterIp.selector);
    const fleetServices = objects.filter((o) => o.kind === 'Service' && o.metadata.name.startsWith('streamlab-fleet'));
    for (const service of fleetServices) assert.equal((service.spec as { type: string }).type, 'ClusterIP');
    assert.ok(!objects.some((o) => o.kind === 'Ingress'), 'no Ingress');
    find('NetworkPolicy', 'streamlab-fleet-api');
  });

  test('the collector ConfigMap is otel/collector.yaml itself', () => {
    const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('otel-collector-config'));
    assert.ok(config?.data, 'no otel-collector-config ConfigMap');
    assert.equal(config.data['collector.yaml'], readFileSync(join(ROOT, 'otel/collector.yaml'), 'utf8'));
  });
});
