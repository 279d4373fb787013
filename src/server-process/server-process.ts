/**
 * A `streamlab serve` child process the scenario runner can kill, stop, freeze and resume
 * (process faults, design §3). The child listens on 127.0.0.1 port 0 and reports its port,
 * its lifecycle records and its spans over the IPC channel (server-process-protocol.ts),
 * so the report shows the server's side whenever the child survives.
 *
 * Children never outlive this process:
 * - on Linux the child runs under `setpriv --pdeathsig KILL` (util-linux), so the kernel
 *   kills it when the runner dies, even by SIGKILL and even while the child is stopped;
 * - every child still running when this process exits gets SIGKILL from an 'exit' hook;
 * - a child whose IPC channel closes (the parent is gone) exits (src/main.ts).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createDeferred, withTimeout } from '../core/deferred.ts';
import { nowMs } from '../core/clock.ts';
import type { LifecycleObserver } from '../telemetry/lifecycle-event.ts';
import type { SpanRecord } from '../telemetry/span-record.ts';
import { isChildMessage, REPORT_TO_PARENT_ENV } from './server-process-protocol.ts';
import type { ChildMessage, ParentMessage, ParentRequest } from './server-process-protocol.ts';

/** A child's answer to a request. */
export type ChildAck = Extract<ChildMessage, { type: 'ack' }>;

/** Where the child's telemetry goes in the parent. */
export interface ServerProcessDeps {
  /** Receives the child's lifecycle events and stream ends, as they arrive. */
  observer: LifecycleObserver;
  /** Receives the child's finished spans (the parent exports them with its own). */
  importSpans(spans: readonly SpanRecord[]): void;
  /** Receives the child's final metrics (prom-client's JSON form) when it shuts down; a killed child sends none. */
  onMetrics?(metrics: Extract<ChildMessage, { type: 'metrics' }>['metrics']): void;
  /** Receives the child's topic messages (`follow`, `publish`) when it takes its topics from us. */
  onTopicMessage?(message: Extract<ChildMessage, { type: 'follow' | 'publish' }>): void;
}

/** Options of the child server; every field but the keepalive ones has a default. */
export interface ServerProcessOptions {
  /** Server keepalive PING interval, ms. */
  keepaliveTimeMs: number;
  /** Server keepalive PING timeout, ms. */
  keepaliveTimeoutMs: number;
  /** On SIGTERM, how long streams may go on after GOAWAY, ms. Default 0. */
  shutdownGraceMs?: number;
  /** Give up when the child has not reported its port after this long, ms. Default 15,000. */
  startTimeoutMs?: number;
  /** gRPC port. Default 0 (a free port). */
  port?: number;
  /** Address the child's gRPC and /metrics listen on. Default 127.0.0.1. */
  host?: string;
  /** Message events per RPC span in the child. Default serve's (100). */
  messageEvents?: number;
  /** `parent`: the child takes its topic events from us (`serve --topics parent`, a fleet's server). Default local. */
  topics?: 'local' | 'parent';
  /** Events the child keeps per topic for resumes. Default: serve's default (1,000). */
  historySize?: number;
  /** `serve --max-connection-age-ms` / `--max-connection-age-grace-ms`. Default: unlimited. */
  maxConnectionAge?: { ageMs: number; graceMs?: number };
  /**
   * Another streamlab command speaking the same protocol, with its flags, instead of `serve`
   * (the options above are then ignored): `['lab-subscribers', '--target', …]`.
   */
  command?: string[];
  /** Variables added to the child's environment. */
  env?: Record<string, string>;
  /** More `serve` flags, appended (e.g. `--bus …` for a server on the bus). */
  extraArgs?: readonly string[];
}

/** How a child process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running child server. */
export interface ServerProcess {
  readonly pid: number;
  /** Where its gRPC server listens, and its /metrics port. */
  readonly address: { host: string; port: number; metricsPort: number };
  /** The command line that started it, for error messages. */
  readonly command: string;
  /** Resolves when the child has exited. Never rejects. */
  readonly exited: Promise<ProcessExit>;
  /**
   * Sends `signal` (SIGKILL, SIGTERM, SIGSTOP, SIGCONT) now.
   * @returns the epoch ms at which it was sent
   */
  signal(signal: NodeJS.Signals): number;
  /** Tells the child about run `runId` of `scenario` before its calls start; false when it did not answer within `timeoutMs` (default 2,000). */
  openRun(runId: string, scenario: string, timeoutMs?: number): Promise<boolean>;
  /** Tells the child the cause time of run `runId`; false when it did not answer within `timeoutMs` (default 2,000). */
  markCause(runId: string, atMs: number, timeoutMs?: number): Promise<boolean>;
  /** Asks the child to export its finished spans now; false when it did not answer within `timeoutMs` (default 5,000). */
  flush(timeoutMs?: number): Promise<boolean>;
  /** Sends `message` and resolves with the child's ack, or undefined after `timeoutMs` or when the child is gone. */
  request(message: ParentRequest, timeoutMs: number): Promise<ChildAck | undefined>;
  /** Sends `message`, expecting no answer; false when the channel is closed. */
  send(message: ParentMessage): boolean;
  /** Resumes it if stopped, SIGTERM, waits `timeoutMs` (default 5,000), then SIGKILL. Resolves once it exited. */
  stop(timeoutMs?: number): Promise<ProcessExit>;
  /** The last few KiB the child wrote to stderr. */
  stderr(): string;
}

const BIN = fileURLToPath(new URL('../../bin/streamlab.js', import.meta.url));
const SETPRIV = '/usr/bin/setpriv';
const STDERR_TAIL_BYTES = 8_192;
const running = new Set<ChildProcess>();

process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** The argv that runs `streamlab serve` reporting to us, under setpriv where it exists. */
function commandLine(options: ServerProcessOptions): string[] {
  const serve = options.command ? [process.execPath, BIN, ...options.command] : [
    process.execPath, BIN, 'serve', '--host', options.host ?? '127.0.0.1', '--port', String(options.port ?? 0), '--metrics-port', '0',
    '--keepalive-time-ms', String(options.keepaliveTimeMs), '--keepalive-timeout-ms', String(options.keepaliveTimeoutMs),
    '--shutdown-grace-ms', String(options.shutdownGraceMs ?? 0), '--log-level', 'warn', '--log-format', 'json',
    ...(options.topics ? ['--topics', options.topics] : []),
    ...(options.historySize !== undefined ? ['--history', String(options.historySize)] : []),
    ...(options.messageEvents !== undefined ? ['--message-events', String(options.messageEvents)] : []),
    ...(options.maxConnectionAge ? ['--max-connection-age-ms', String(options.maxConnectionAge.ageMs)] : []),
    ...(options.maxConnectionAge?.graceMs !== undefined ? ['--max-connection-age-grace-ms', String(options.maxConnectionAge.graceMs)] : []),
    ...(options.extraArgs ?? []),
  ];
  return process.platform === 'linux' && existsSync(SETPRIV) ? [SETPRIV, '--pdeathsig', 'KILL', '--', ...serve] : serve;
}

/**
 * Starts a child server and resolves once it listens.
 * @throws Error naming the command and the child's stderr when it exits, fails to spawn or
 *   does not report its port within `startTimeoutMs`
 */
export async function startServerProcess(deps: ServerProcessDeps, options: ServerProcessOptions): Promise<ServerProcess> {
  const argv = commandLine(options);
  const command = argv.join(' ');
  const child = spawn(argv[0]!, argv.slice(1), {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    // The parent exports the child's spans (they arrive over IPC): the child exports none itself.
    env: { ...process.env, [REPORT_TO_PARENT_ENV]: '1', OTEL_TRACES_EXPORTER: 'none', OTEL_SERVICE_NAME: 'streamlab-server-process', ...options.env },
  });
  running.add(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => void (stderr = (stderr + chunk).slice(-STDERR_TAIL_BYTES)));
  const exited = createDeferred<ProcessExit>();
  // 'close' rather than 'exit': stderr has been read to its end by then. A spawn failure
  // ('error') may emit neither.
  child.once('close', (code, signal) => {
    running.delete(child);
    exited.resolve({ code, signal });
  });
  child.once('error', () => {
    if (child.pid === undefined) {
      running.delete(child);
      exited.resolve({ code: null, signal: null });
    }
  });
  const listening = createDeferred<{ host: string; port: number; metricsPort: number }>();
  const acks = new Map<number, (ack: ChildAck) => void>();
  let nextId = 1;
  child.on('message', (message: unknown) => {
    if (!isChildMessage(message)) return;
    if (message.type === 'listening') listening.resolve({ host: message.host, port: message.port, metricsPort: message.metricsPort });
    else if (message.type === 'event') deps.observer.onEvent?.(message.event);
    else if (message.type === 'end') deps.observer.onEnd?.(message.end);
    else if (message.type === 'spans') deps.importSpans(message.spans);
    else if (message.type === 'metrics') deps.onMetrics?.(message.metrics);
    else if (message.type === 'ack') acks.get(message.id)?.(message);
    else deps.onTopicMessage?.(message);
  });

  /** Sends a request; resolves with its ack, or undefined after `timeoutMs` or when the child is gone. */
  async function request(message: ParentRequest, timeoutMs: number): Promise<ChildAck | undefined> {
    if (!child.connected) return undefined;
    const id = nextId++;
    const acked = createDeferred<ChildAck | undefined>();
    acks.set(id, acked.resolve);
    child.send({ ...message, id }, (error) => error && acked.resolve(undefined));
    const answer = await withTimeout(Promise.race([acked.promise, exited.promise.then(() => undefined)]), timeoutMs);
    acks.delete(id);
    return answer;
  }

  const failure = (why: string) => new Error(`server process did not start: ${command} ${why}${stderr.trim() ? `; stderr: ${stderr.trim()}` : ''}`);
  const startTimeoutMs = options.startTimeoutMs ?? 15_000;
  const address = await new Promise<{ host: string; port: number; metricsPort: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(failure(`did not report its port within ${startTimeoutMs} ms`)), startTimeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    void listening.promise.then((bound) => {
      clearTimeout(timer);
      resolve(bound);
    });
    child.once('error', (error) => fail(failure(`failed: ${error.message}`)));
    // After `resolve` this is a no-op.
    void exited.promise.then(({ code, signal }) => fail(failure(`exited (${signal ?? `code ${code}`}) before listening`)));
  }).catch(async (error: unknown) => {
    child.kill('SIGKILL');
    await exited.promise;
    throw error;
  });

  const signal = (name: NodeJS.Signals): number => {
    const atMs = nowMs();
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    return atMs;
  };
  return {
    pid: child.pid!,
    address,
    command,
    exited: exited.promise,
    signal,
    openRun: async (runId, scenario, timeoutMs = 2_000) => (await request({ type: 'open-run', runId, scenario }, timeoutMs)) !== undefined,
    markCause: async (runId, atMs, timeoutMs = 2_000) => (await request({ type: 'mark-cause', runId, atMs }, timeoutMs)) !== undefined,
    flush: async (timeoutMs = 5_000) => (await request({ type: 'flush' }, timeoutMs)) !== undefined,
    request,
    send: (message) => {
      if (!child.connected) return false;
      child.send(message, () => {});
      return true;
    },
    async stop(timeoutMs = 5_000) {
      signal('SIGCONT');
      signal('SIGTERM');
      const exit = await withTimeout(exited.promise, timeoutMs);
      if (exit) return exit;
      signal('SIGKILL');
      return exited.promise;
    },
    stderr: () => stderr,
  };
}
