/**
 * What every benchmark arm shares: the workload sizes (from the environment the runner
 * passes on), one driver that times the four RPC kinds the same way whatever the arm, the
 * JSON line an arm prints, and small statistics helpers. No streamlab code is imported
 * here, so the bare arm stays bare.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** The four RPC kinds, in the order every arm runs them. */
export const KINDS = ['unary', 'client_stream', 'server_stream', 'bidi_stream'] as const;
export type Kind = (typeof KINDS)[number];

/**
 * The arms: bare grpc-js, bare with a pass-through interceptor on each side, bare + OTel SDK
 * and instrumentation-grpc, streamlab with telemetry off, streamlab in full (span mode
 * streamlab), streamlab in full with span mode contrib.
 */
export const ARMS = ['bare', 'intercepted', 'sdk', 'off', 'full', 'contrib'] as const;
export type Arm = (typeof ARMS)[number];

/** Workload sizes; the runner sets them, an arm started by hand gets the defaults. */
export const SIZES = {
  /** Ticker/Notify calls (delay_ms 0) per measurement. */
  unaryCalls: Number(process.env.BENCH_UNARY_CALLS ?? 10_000),
  /** Unary calls in flight at once. */
  concurrency: Number(process.env.BENCH_CONCURRENCY ?? 64),
  /** PublishRequests on one Ticker/Publish stream. */
  clientMessages: Number(process.env.BENCH_CLIENT_MESSAGES ?? 30_000),
  /** Events on one Ticker/Subscribe stream. */
  serverMessages: Number(process.env.BENCH_MESSAGES ?? 100_000),
  /**
   * Delivery/Exchange messages, each acknowledged, on one stream. Kept at 15,000, like the
   * client stream at 30,000: a client stream whose writes outrun the socket goes quadratic
   * in grpc-js 1.14 (RetryingCall re-slices its write buffer after every sent message,
   * retrying-call.js clearSentMessages, even with grpc.enable_retries 0), so past ~20,000
   * ACKs (bidi) or ~40,000 requests (client streaming) per stream the rates fall with the
   * stream length, the slower arm first, and the ratios would measure that cliff.
   */
  bidiMessages: Number(process.env.BENCH_BIDI_MESSAGES ?? 15_000),
  /** Cancel trials per RPC kind (streamlab arms). */
  trials: Number(process.env.BENCH_TRIALS ?? 100),
  /**
   * Warm-up scale: each kind first runs, untimed, this times its own warm-up share of its
   * size (unary 1, client stream 0.5, server stream 0.3, bidi 0.5: unary calls warm up
   * the slowest, ~10,000 calls before the rate stops climbing).
   */
  warmup: Number(process.env.BENCH_WARMUP ?? 1),
} as const;

/** Payload of every streamed message, bytes. */
export const PAYLOAD_BYTES = 16;
/** Topic of every call. */
export const TOPIC = 'bench';

/** One arm's way of doing each kind's work; each resolves when the work is done and checked. */
export interface Workloads {
  /** `calls` Ticker/Notify calls (delay_ms 0), `concurrency` in flight. */
  unary(calls: number, concurrency: number): Promise<void>;
  /** One Ticker/Publish stream of `messages` PublishRequests, then half-close and the summary. */
  clientStream(messages: number): Promise<void>;
  /** One Ticker/Subscribe stream of `messages` Events (interval 0). */
  serverStream(messages: number): Promise<void>;
  /** One Delivery/Exchange stream of `messages` messages, every one acknowledged. */
  bidi(messages: number): Promise<void>;
}

/** Throughput of one kind: units are calls (unary) or messages. */
export interface Throughput {
  count: number;
  seconds: number;
  perSecond: number;
}

/** Cancel → server detection latency of one kind, ms. */
export interface CancelLatency {
  trials: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** The JSON line an arm prints last. */
export interface ArmResult {
  arm: Arm;
  throughput: Record<Kind, Throughput>;
  cancel?: Record<Kind, CancelLatency>;
  /** Peak RSS of the arm's process, MB. */
  maxRssMb: number;
}

/**
 * Runs `calls` calls of `callOnce`, `concurrency` at a time (each worker starts its next
 * call when its last one finished).
 */
export async function callPool(calls: number, concurrency: number, callOnce: (index: number) => Promise<void>): Promise<void> {
  let started = 0;
  const worker = async () => {
    while (started < calls) await callOnce(started++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, calls) }, worker));
}

/**
 * Writes `count` messages made by `make` to `stream`: synchronously while write() returns
 * true, awaiting 'drain' when it returned false. Then half-closes.
 */
export async function writeAll(stream: Writable, count: number, make: (index: number) => unknown): Promise<void> {
  for (let index = 1; index <= count; index++) {
    if (!stream.write(make(index))) await once(stream, 'drain');
  }
  stream.end();
}

/**
 * Times each kind of `workloads`: an untimed warm-up run (see `SIZES.warmup`), then the
 * measured run. `between` runs after every run, untimed (span captures are reset there).
 */
export async function measureThroughput(workloads: Workloads, between: () => void = () => {}): Promise<Record<Kind, Throughput>> {
  const plan: Record<Kind, { count: number; warmup: number; run: (count: number) => Promise<void> }> = {
    unary: { count: SIZES.unaryCalls, warmup: 1, run: (count) => workloads.unary(count, SIZES.concurrency) },
    client_stream: { count: SIZES.clientMessages, warmup: 0.5, run: (count) => workloads.clientStream(count) },
    server_stream: { count: SIZES.serverMessages, warmup: 0.3, run: (count) => workloads.serverStream(count) },
    bidi_stream: { count: SIZES.bidiMessages, warmup: 0.5, run: (count) => workloads.bidi(count) },
  };
  const results = {} as Record<Kind, Throughput>;
  for (const kind of KINDS) {
    const { count, run } = plan[kind];
    progress(`${kind}: ${count}`);
    const warmup = Math.max(1, Math.round(count * plan[kind].warmup * SIZES.warmup));
    await run(warmup);
    between();
    const startedAt = performance.now();
    await run(count);
    const seconds = (performance.now() - startedAt) / 1000;
    between();
    results[kind] = { count, seconds, perSecond: count / seconds };
  }
  return results;
}

/** The q-quantile (nearest rank) of ascending `sorted`. */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

/** Latency summary of unsorted `latencies`. */
export function latencySummary(latencies: number[]): CancelLatency {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { trials: sorted.length, p50Ms: quantile(sorted, 0.5), p99Ms: quantile(sorted, 0.99), maxMs: sorted.at(-1) ?? Number.NaN };
}

/** Prints the arm's result as the last line of stdout. */
export function printResult(result: Omit<ArmResult, 'maxRssMb'>): void {
  const full: ArmResult = { ...result, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
  process.stdout.write(`${JSON.stringify(full)}\n`);
}

/** A progress line on stderr when BENCH_VERBOSE is set. */
export function progress(message: string): void {
  if (process.env.BENCH_VERBOSE) process.stderr.write(`  [${process.env.BENCH_ARM ?? process.pid}] ${message}\n`);
}

/** Throws `message` unless `condition`. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`bench: ${message}`);
}
