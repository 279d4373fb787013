/**
 * What the fleet benchmark's processes share (no streamlab code, so the bare children stay
 * bare): the sizes (from the environment the runner passes on), the IPC commands between
 * the runner and its children, memory readings after a forced GC, and a child launcher.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeHeapSnapshot } from 'node:v8';

/** Workload sizes; the runner passes them on, a child started by hand gets the defaults. */
export const FLEET_SIZES = {
  /** Idle subscribers for the memory, open-time and fan-out measurements (issue 8: 10,000). */
  streams: Number(process.env.BENCH_FLEET_STREAMS ?? 10_000),
  /** Notify calls fanned out to every idle subscriber, one at a time; the median is reported. */
  notifies: Number(process.env.BENCH_FLEET_NOTIFIES ?? 3),
  /** Subscribers of the reconnect storm, over 3 servers (issue 8: 3,000). */
  storm: Number(process.env.BENCH_FLEET_STORM ?? 3_000),
  /** Servers of the reconnect storm. */
  stormServers: Number(process.env.BENCH_FLEET_STORM_SERVERS ?? 3),
  /** Tick of the storm's topic, ms: the events a subscriber can miss while it is away. */
  stormTickMs: Number(process.env.BENCH_FLEET_STORM_TICK_MS ?? 100),
  /** Subscribers of the bus arm's fan-out, over 3 servers (issue 18: 10,000). */
  busStreams: Number(process.env.BENCH_FLEET_BUS_STREAMS ?? 10_000),
} as const;

/** The topic of the idle subscribers and of the storm. */
export const FLEET_TOPIC = 'bench-fleet';
/** The topic of the warm-up Notify (nobody subscribes to it). */
export const WARMUP_TOPIC = 'bench-fleet-warmup';
/** Longest wait for one phase (all headers, one fan-out, everyone streaming again), ms. */
export const PHASE_TIMEOUT_MS = 120_000;

/** Memory of a process after a forced full GC, bytes. */
export interface MemoryReading {
  rss: number;
  heapUsed: number;
  external: number;
}

let readings = 0;

/**
 * Forces full GCs (the process runs with --expose-gc), letting finalizers and weak callbacks
 * run in between, then reads `process.memoryUsage()`. With BENCH_FLEET_HEAP_SNAPSHOTS=DIR
 * it also writes DIR/<script>-<pid>-<n>.heapsnapshot after the reading, to see what a
 * stream costs (diff the before and after snapshots in Chrome DevTools' Comparison view).
 * @throws Error when the process was started without --expose-gc
 */
export async function readMemory(): Promise<MemoryReading> {
  const gc = globalThis.gc;
  if (!gc) throw new Error('bench: run with --expose-gc');
  for (let pass = 0; pass < 3; pass++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const { rss, heapUsed, external } = process.memoryUsage();
  const snapshots = process.env.BENCH_FLEET_HEAP_SNAPSHOTS;
  if (snapshots) writeHeapSnapshot(path.join(snapshots, `${path.basename(process.argv[1] ?? 'child', '.ts')}-${process.pid}-${++readings}.heapsnapshot`));
  return { rss, heapUsed, external };
}

/** A command from the runner to a child; the child answers `{ id, value }` or `{ id, error }`. */
export type Command =
  | { id: number; cmd: 'memory' }
  /** Server: subscribers it holds now. */
  | { id: number; cmd: 'streams' }
  /** Client: connect and warm up (one Notify on the warm-up topic). */
  | { id: number; cmd: 'connect'; target: string }
  /** Client: opens `count` idle follow subscriptions; answers the ms until every one had its response headers. */
  | { id: number; cmd: 'open'; count: number }
  /** Client: one Notify; answers {@link FanoutResult}. */
  | { id: number; cmd: 'fanout'; text: string };

/** One Notify fanned out. */
export interface FanoutResult {
  /** Notify call → the last subscriber's receipt, ms (client clock, the same process). */
  lastReceiptMs: number;
  /** Notify call → its reply, ms. */
  replyMs: number;
  /** The reply's `delivered`. */
  delivered: number;
  /** Subscribers that received it. */
  received: number;
}

/** What a child sends. */
export type ChildReply = { type: 'ready'; port?: number } | { type: 'reply'; id: number; value?: unknown; error?: string };

/** Serves the runner's commands over IPC with `handle`; sends `ready` (with `port`) first. */
export function serveCommands(handle: (command: Command) => Promise<unknown>, port?: number): void {
  const send = (message: ChildReply) => process.send?.(message);
  process.on('message', (raw) => {
    if (typeof raw !== 'object' || raw === null || !('cmd' in raw)) return; // not a command (a storm's relayed event)
    const command = raw as Command;
    void handle(command).then(
      (value) => send({ type: 'reply', id: command.id, value }),
      (error: unknown) => send({ type: 'reply', id: command.id, error: error instanceof Error ? error.stack ?? error.message : String(error) }),
    );
  });
  // The runner went away: nothing left to measure for.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', ...(port !== undefined ? { port } : {}) });
}

/** A child started by {@link startChild}. */
export interface Child {
  readonly process: ChildProcess;
  /** Its `ready` message. */
  readonly ready: { port?: number };
  /** Sends a command and resolves with the child's answer. @throws Error with the child's error or when it exits */
  request<T>(command: DistributiveOmit<Command, 'id'>, timeoutMs?: number): Promise<T>;
  /** SIGKILL now; resolves once it exited. */
  kill(): Promise<void>;
  /** Disconnects (the child exits by itself, writing a --cpu-prof profile if asked), SIGKILL after 10 s; resolves once it exited. */
  stop(): Promise<void>;
}
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const root = fileURLToPath(new URL('../..', import.meta.url));
/** The runner's children never outlive it. */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/**
 * Forks `script` (relative to the repository root) with `execArgv` and `env` added to the
 * runner's, and resolves once it sent `ready`.
 * @throws Error when it exits first or is not ready within 60 s
 */
export async function startChild(script: string, execArgv: string[], env: Record<string, string>): Promise<Child> {
  const child = fork(script, [], {
    cwd: root,
    execArgv: ['--expose-gc', ...execArgv],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  child.on('error', () => {}); // a send to a child that just died; its exit says the rest
  const exited = new Promise<void>((resolve) => child.once('exit', () => {
    children.delete(child);
    resolve();
  }));
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  let readyResolve!: (ready: { port?: number }) => void;
  const ready = new Promise<{ port?: number }>((resolve) => (readyResolve = resolve));
  child.on('message', (raw) => {
    const message = raw as ChildReply;
    if (message.type === 'ready') readyResolve(message.port !== undefined ? { port: message.port } : {});
    else {
      const waiter = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.error !== undefined) waiter?.reject(new Error(`${script}: ${message.error}`));
      else waiter?.resolve(message.value);
    }
  });
  void exited.then(() => {
    for (const waiter of waiting.values()) waiter.reject(new Error(`${script} exited (${child.exitCode ?? child.signalCode})`));
    waiting.clear();
  });
  const started = await Promise.race([
    ready,
    exited.then(() => Promise.reject(new Error(`${script} exited before it was ready (${child.exitCode ?? child.signalCode})`))),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${script} not ready within 60 s`)), 60_000).unref()),
  ]);
  return {
    process: child,
    ready: started,
    request<T>(command: DistributiveOmit<Command, 'id'>, timeoutMs = PHASE_TIMEOUT_MS): Promise<T> {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error(`${script}: ${command.cmd} took more than ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(id, {
          resolve: (value) => {
            clearTimeout(timer);
            resolve(value as T);
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        });
        child.send({ ...command, id });
      });
    },
    async kill(): Promise<void> {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop(): Promise<void> {
      if (child.exitCode === null && child.signalCode === null) {
        if (child.connected) child.disconnect();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await exited;
    },
  };
}

/**
 * gRPC's connection backoff (grpc/grpc doc/connection-backoff.md: initial 1 s, multiplier
 * 1.6, jitter ±20 %, max 120 s), for the bare storm's re-subscribes. The same formula as
 * src/core/backoff.ts, written out here so the bare arm imports no streamlab code.
 */
export function bareBackoff(initialMs = 1_000, multiplier = 1.6, jitter = 0.2, maxMs = 120_000) {
  let attempt = 0;
  return {
    next(): number {
      attempt += 1;
      return Math.min(initialMs * multiplier ** (attempt - 1), maxMs) * (1 + jitter * (2 * Math.random() - 1));
    },
    reset(): void {
      attempt = 0;
    },
  };
}

/** One affected subscriber through the storm, epoch ms. */
export interface StormPath {
  /** Its stream on the killed server ended (as it noticed it). */
  endedAtMs: number;
  /** Its last subscribe attempt started (after the backoff). */
  restartedAtMs: number;
  /** That attempt's response headers arrived: streaming again. */
  streamingAtMs: number;
}

/** p50 and max of some ms, from the kill or between two steps. */
export interface Spread {
  p50: number;
  max: number;
}

/** What a storm arm prints as its last stdout line. */
export interface StormResult {
  subscribers: number;
  servers: number;
  /** Subscribers that streamed from the killed server. */
  affected: number;
  /** Kill → the last affected subscriber's response headers on its new stream, ms. */
  recoverMs: number;
  /** Kill → each affected subscriber noticed its end, ms. */
  endMs: Spread;
  /** End noticed → new attempt started (the backoff drawn, 0.8-1.2 s, plus what runs in between), ms. */
  backoffMs: Spread;
  /** New attempt started → its response headers, ms. */
  subscribeMs: Spread;
  /** Events never received, summed over every subscriber. */
  gaps: number;
  /** Events received twice, summed. */
  duplicates: number;
  /** Subscribers per surviving backend after the storm. */
  spread: Record<string, number>;
}

/** What the bus arm's fan-out prints as its last stdout line (bench/fleet/fanout-fleet.ts). */
export interface BusFanoutResult {
  subscribers: number;
  servers: number;
  /** Each Notify: the call → the last subscriber's receipt, ms. */
  lastReceiptMs: number[];
  /** Each Notify: the call → its reply (the relay's or the bus census's count), ms. */
  replyMs: number[];
}

/** The timing part of a {@link StormResult} from the affected subscribers' paths. */
export function stormTimes(killedAtMs: number, paths: StormPath[]): Pick<StormResult, 'recoverMs' | 'endMs' | 'backoffMs' | 'subscribeMs'> {
  const spread = (values: number[]): Spread => {
    const sorted = [...values].sort((a, b) => a - b);
    return { p50: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN, max: sorted.at(-1) ?? Number.NaN };
  };
  return {
    recoverMs: Math.max(...paths.map((path) => path.streamingAtMs)) - killedAtMs,
    endMs: spread(paths.map((path) => path.endedAtMs - killedAtMs)),
    backoffMs: spread(paths.map((path) => path.restartedAtMs - path.endedAtMs)),
    subscribeMs: spread(paths.map((path) => path.streamingAtMs - path.restartedAtMs)),
  };
}

/** Polls `condition` every `everyMs` until it holds. @throws Error after `timeoutMs` naming `what` */
export async function until(condition: () => boolean, what: string, timeoutMs = PHASE_TIMEOUT_MS, everyMs = 10): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`bench: ${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
