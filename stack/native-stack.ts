/**
 * Starts the compose stack natively for the stack test: the same config files compose
 * mounts, run by native builds of the same components (stack/install-tools.sh), with only
 * hostnames and ports substituted. Every process logs to `<logDir>/<name>.log`.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { composeService, withOptions } from './compose-service.ts';
import { BUS_PROMETHEUS_HOSTS } from './native-bus.ts';

/** Native ports: Jaeger keeps its defaults (as in compose); everything else moves out of its way. */
export const PORTS = {
  jaegerOtlpGrpc: 4317, jaegerQuery: 16686, jaegerMetrics: 8888, jaegerHealth: 13133,
  collectorOtlpGrpc: 24317, collectorOtlpHttp: 24318, collectorPrometheus: 28889, collectorHealth: 23133, collectorTelemetry: 28888,
  prometheus: 19090, toxiproxyApi: 18474, toxiproxyListen: 15052,
  server: 15051, serverMetrics: 15464, driverMetrics: 15465,
  // The fleet (compose: API 7080, slots 7071..7075); its servers' /metrics ports are the kernel's.
  fleetApi: 17080, fleetBasePort: 17071,
} as const;

/** A started process. */
export interface Service {
  name: string;
  child: ChildProcess;
  logFile: string;
}

/** Options of {@link startService}. */
interface ServiceSpec {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** Polled until it answers 2xx. */
  readyUrl: string;
  /** Give up after this many ms. Default 60,000. */
  readyTimeoutMs?: number;
}

/** Polls `url` until it answers 2xx, or throws after `timeoutMs` naming the service and its log. */
export async function waitForUrl(url: string, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await delay(250);
  }
  throw new Error(`${what}: ${url} not ready after ${timeoutMs} ms (${last})`);
}

/** Starts one process and waits until it is ready. */
export async function startService(spec: ServiceSpec, logDir: string): Promise<Service> {
  const logFile = join(logDir, `${spec.name}.log`);
  const log = createWriteStream(logFile);
  const child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: { ...process.env, ...spec.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`${spec.name} exited with ${String(code)} before it was ready; see ${logFile}`);
  });
  await Promise.race([waitForUrl(spec.readyUrl, spec.readyTimeoutMs ?? 60_000, `${spec.name} (log ${logFile})`), exited]);
  exited.catch(() => {}); // later exits are the test's business
  return { name: spec.name, child, logFile };
}

/** Stops services in reverse order: SIGTERM, then SIGKILL after 5 s. */
export async function stopServices(services: Service[]): Promise<void> {
  for (const service of [...services].reverse()) {
    if (service.child.exitCode !== null || service.child.signalCode !== null) continue;
    const exited = once(service.child, 'exit');
    service.child.kill('SIGTERM');
    const timer = setTimeout(() => service.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

/** Each compose `host:port` prometheus.yml names, and where it is natively. */
export const PROMETHEUS_HOSTS: Readonly<Record<string, string>> = {
  'server:9464': `127.0.0.1:${PORTS.serverMetrics}`,
  'driver:9465': `127.0.0.1:${PORTS.driverMetrics}`,
  'otel-collector:8889': `127.0.0.1:${PORTS.collectorPrometheus}`,
  'otel-collector:8888': `127.0.0.1:${PORTS.collectorTelemetry}`,
  'jaeger:8888': `127.0.0.1:${PORTS.jaegerMetrics}`,
  'fleet:7080': `127.0.0.1:${PORTS.fleetApi}`,
  'localhost:9090': `127.0.0.1:${PORTS.prometheus}`,
  ...BUS_PROMETHEUS_HOSTS,
};

/**
 * Writes prometheus.yml with the compose targets replaced by native addresses, next to a
 * copy of the rules, into `dir`. A `host:port` is replaced where it is a whole quoted target
 * (`"server:9464"`) and where it is the authority of a quoted URL (`"http://fleet:7080/…"`,
 * the fleet's http_sd). Returns the config path.
 * @throws Error naming any quoted `name:port` left over (a compose host this map misses)
 */
export function nativePrometheusConfig(root: string, dir: string): string {
  let config = readFileSync(join(root, 'prometheus/prometheus.yml'), 'utf8');
  for (const [compose, native] of Object.entries(PROMETHEUS_HOSTS)) {
    config = config.replaceAll(`"${compose}"`, `"${native}"`).replaceAll(`"http://${compose}/`, `"http://${native}/`);
  }
  const left = [...config.matchAll(/"(?:https?:\/\/)?([A-Za-z][\w.-]*:\d+)/g)].map((m) => m[1] as string);
  if (left.length > 0) throw new Error(`prometheus.yml names ${left.join(', ')}: add the native address to PROMETHEUS_HOSTS in stack/native-stack.ts`);
  mkdirSync(dir, { recursive: true });
  cpSync(join(root, 'prometheus/rules'), join(dir, 'rules'), { recursive: true });
  const path = join(dir, 'prometheus.yml');
  writeFileSync(path, config);
  return path;
}

/** The collector's environment: its config's ${env:...} endpoints, natively. */
export function collectorEnv(): Record<string, string> {
  return {
    OTLP_GRPC_ENDPOINT: `127.0.0.1:${PORTS.collectorOtlpGrpc}`,
    OTLP_HTTP_ENDPOINT: `127.0.0.1:${PORTS.collectorOtlpHttp}`,
    JAEGER_OTLP_ENDPOINT: `127.0.0.1:${PORTS.jaegerOtlpGrpc}`,
    PROMETHEUS_EXPORTER_ENDPOINT: `127.0.0.1:${PORTS.collectorPrometheus}`,
    HEALTH_CHECK_ENDPOINT: `127.0.0.1:${PORTS.collectorHealth}`,
    OTELCOL_TELEMETRY_HOST: '127.0.0.1',
    OTELCOL_TELEMETRY_PORT: String(PORTS.collectorTelemetry),
  };
}

/** The OTel SDK environment of the server and the driver, as compose sets it. */
export function appOtelEnv(serviceName: string): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${PORTS.collectorOtlpGrpc}`,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    OTEL_SERVICE_NAME: serviceName,
    STREAMLAB_LOG_FORMAT: 'json',
  };
}

/**
 * The fleet as compose runs it (service `fleet`: its command and OTEL_SERVICE_NAME), natively:
 * the same flags with 127.0.0.1 for every host and the native API port and slots.
 * @returns the argv after `node` (compose's `node` is the caller's Node 24) and the environment
 * @throws Error when the compose command does not run `node` or no longer has a host flag
 */
export function nativeFleet(root: string): { args: string[]; env: Record<string, string>; serviceName: string } {
  const { command, environment } = composeService(root, 'fleet');
  if (command[0] !== 'node') throw new Error(`compose service fleet runs ${command[0]}, not node`);
  const hosts = ['--api-host', '--server-host', '--advertise-host'];
  const missing = hosts.filter((flag) => !command.includes(flag));
  if (missing.length > 0) throw new Error(`compose service fleet has no ${missing.join(', ')}: the native run would not mirror it`);
  const args = withOptions(command.slice(1), {
    ...Object.fromEntries(hosts.map((flag) => [flag, '127.0.0.1'])),
    '--api-port': String(PORTS.fleetApi),
    '--base-port': String(PORTS.fleetBasePort),
  });
  const serviceName = environment.OTEL_SERVICE_NAME;
  if (!serviceName) throw new Error('compose service fleet sets no OTEL_SERVICE_NAME');
  return { args, env: appOtelEnv(serviceName), serviceName };
}
