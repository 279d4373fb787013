/**
 * `npm run bench`: what streamlab costs against bare grpc-js doing the same work, in one
 * run, for each RPC kind (design §5 "Performance is measured against bare grpc-js doing
 * the same work in the same run"). Six arms, each round running each arm in a fresh
 * process, arms interleaved (the order rotates every round), medians of the rounds:
 * - bare: plain @grpc/grpc-js server and client (bench/bare-grpc.ts), no OTel, no preload;
 * - intercepted: bare with one pass-through interceptor on each side (server and client):
 *   what grpc-js's interceptor API costs before an interceptor does any work — the floor
 *   under streamlab's off arm;
 * - sdk:  the same bare code under the OTel SDK + instrumentation-grpc (span mode contrib
 *   loads it), spans captured in memory;
 * - off:  streamlab's server and client with STREAMLAB_TELEMETRY=off;
 * - full: streamlab's server and client, telemetry on, spans captured in memory, logs
 *   formatted; streamlab's interceptors own the RPC spans (span mode streamlab);
 * - contrib: as full, in span mode contrib (instrumentation-grpc creates the RPC spans,
 *   streamlab decorates them): the price of the stock instrumentation under streamlab.
 * Throughput of unary (Ticker/Notify), client streaming (Ticker/Publish), server streaming
 * (Ticker/Subscribe) and bidi (Delivery/Exchange, every message ACKed), ratios against
 * bare, and cancel → server detection latency per kind in the streamlab arms. Prints, never
 * asserts.
 *
 * Env: BENCH_ROUNDS (default 3), BENCH_UNARY_CALLS (10,000), BENCH_CONCURRENCY (64),
 * BENCH_CLIENT_MESSAGES (30,000), BENCH_MESSAGES (server stream, 100,000),
 * BENCH_BIDI_MESSAGES (15,000; see bench/common.ts for why these sizes), BENCH_TRIALS (cancel trials per kind, 100),
 * BENCH_WARMUP (warm-up scale, 1), BENCH_ARMS (comma list, default all six),
 * BENCH_VERBOSE (progress on stderr).
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { ARMS, KINDS, SIZES } from './common.ts';
import type { Arm, ArmResult, Kind } from './common.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const arms = (process.env.BENCH_ARMS?.split(',') ?? [...ARMS]).filter((arm): arm is Arm => (ARMS as readonly string[]).includes(arm));
/** An arm that takes longer than this has hung. */
const ARM_TIMEOUT_MS = 180_000;

const PRELOAD = ['--import', './src/instrumentation.ts'];
const LAUNCH: Record<Arm, { args: string[]; env: Record<string, string> }> = {
  bare: { args: ['bench/arm-bare.ts'], env: { BENCH_ARM: 'bare' } },
  intercepted: { args: ['bench/arm-bare.ts'], env: { BENCH_ARM: 'intercepted' } },
  sdk: { args: [...PRELOAD, 'bench/arm-bare.ts'], env: { BENCH_ARM: 'sdk', STREAMLAB_TELEMETRY: 'on', STREAMLAB_RPC_SPANS: 'contrib', OTEL_TRACES_EXPORTER: 'none' } },
  off: { args: [...PRELOAD, 'bench/arm-streamlab.ts'], env: { BENCH_ARM: 'off', STREAMLAB_TELEMETRY: 'off', STREAMLAB_RPC_SPANS: 'streamlab', OTEL_TRACES_EXPORTER: 'none' } },
  full: { args: [...PRELOAD, 'bench/arm-streamlab.ts'], env: { BENCH_ARM: 'full', STREAMLAB_TELEMETRY: 'on', STREAMLAB_RPC_SPANS: 'streamlab', OTEL_TRACES_EXPORTER: 'none' } },
  contrib: { args: [...PRELOAD, 'bench/arm-streamlab.ts'], env: { BENCH_ARM: 'contrib', STREAMLAB_TELEMETRY: 'on', STREAMLAB_RPC_SPANS: 'contrib', OTEL_TRACES_EXPORTER: 'none' } },
};

function runArm(arm: Arm): ArmResult {
  const { args, env } = LAUNCH[arm];
  const child = spawnSync(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: ARM_TIMEOUT_MS,
  });
  const last = child.stdout.trim().split('\n').at(-1) ?? '';
  if (child.status !== 0 || !last.startsWith('{')) {
    throw new Error(`bench: arm ${arm} failed (exit ${child.status ?? child.signal}): ${child.error?.message ?? last}`);
  }
  return JSON.parse(last) as ArmResult;
}

const results = Object.fromEntries(arms.map((arm) => [arm, [] as ArmResult[]])) as Record<Arm, ArmResult[]>;
const startedAt = performance.now();
process.stderr.write(`bench: ${rounds} rounds × ${arms.length} arms (${arms.join(', ')}), interleaved, each arm a fresh process\n`);
for (let round = 0; round < rounds; round++) {
  const order = arms.map((_, index) => arms[(index + round) % arms.length] as Arm);
  for (const arm of order) {
    process.stderr.write(`  round ${round + 1}/${rounds}: ${arm}…\n`);
    results[arm].push(runArm(arm));
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
};
const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
const ms = (n: number) => n.toFixed(2);
const rates = (arm: Arm, kind: Kind) => results[arm].map((result) => result.throughput[kind].perSecond);
const rate = (arm: Arm, kind: Kind) => median(rates(arm, kind));
/** Goals (issue 15): full ≥ 0.80× bare for unary and ≥ 0.90× for the streaming kinds; telemetry off ≥ 0.95× for every kind. */
const GOALS: Record<Kind, Partial<Record<Arm, number>>> = {
  unary: { full: 0.8, off: 0.95 },
  client_stream: { full: 0.9, off: 0.95 },
  server_stream: { full: 0.9, off: 0.95 },
  bidi_stream: { full: 0.9, off: 0.95 },
};

const TITLES: Record<Kind, string> = {
  unary: `unary: Ticker/Notify, delay_ms 0, ${fmt(SIZES.unaryCalls)} calls, ${SIZES.concurrency} in flight (calls/s)`,
  client_stream: `client streaming: Ticker/Publish, one stream of ${fmt(SIZES.clientMessages)} requests of 16 bytes (messages/s)`,
  server_stream: `server streaming: Ticker/Subscribe, one stream of ${fmt(SIZES.serverMessages)} events of 16 bytes (messages/s)`,
  bidi_stream: `bidi: Delivery/Exchange, one stream of ${fmt(SIZES.bidiMessages)} messages of 16 bytes, each ACKed (acked messages/s)`,
};

console.log(`streamlab bench: node ${process.version}, ${os.availableParallelism()} CPUs; ${rounds} round${rounds === 1 ? '' : 's'}, arms interleaved, each a fresh process;`);
console.log('throughput = median of rounds [min-max]; ratio = median arm / median bare');
for (const kind of KINDS) {
  console.log(`\n${TITLES[kind]}`);
  for (const arm of arms) {
    const values = rates(arm, kind);
    let line = `  ${arm.padEnd(11)} ${fmt(rate(arm, kind)).padStart(8)}  [${fmt(Math.min(...values))}-${fmt(Math.max(...values))}]`;
    if (arm !== 'bare' && results.bare) {
      const ratio = rate(arm, kind) / rate('bare', kind);
      line = `${line.padEnd(40)} ratio vs bare ${ratio.toFixed(3)}`;
      const goal = GOALS[kind][arm];
      if (goal !== undefined) line += ` (goal >= ${goal.toFixed(2)}: ${ratio >= goal ? 'met' : 'MISSED'})`;
      if (arm === 'full' && results.sdk) line += `; vs sdk ${(rate('full', kind) / rate('sdk', kind)).toFixed(3)}`;
      if (arm === 'off' && results.intercepted) line += `; vs intercepted ${(rate('off', kind) / rate('intercepted', kind)).toFixed(3)}`;
    }
    console.log(line);
  }
}

const cancelArms = arms.filter((arm) => arm === 'off' || arm === 'full' || arm === 'contrib');
if (cancelArms.length > 0) {
  console.log(`\ncancel -> server detection, ms (server end record detectionMs; ${SIZES.trials} trials per kind per round;`);
  console.log('median of rounds, worst round in parentheses; goal p99 < 5 ms)');
  for (const kind of KINDS) {
    const parts = cancelArms.map((arm) => {
      const cancels = results[arm].map((result) => result.cancel?.[kind]).filter((cancel) => cancel !== undefined);
      const p99s = cancels.map((cancel) => cancel.p99Ms);
      const p99 = median(p99s);
      return `${arm} p50 ${ms(median(cancels.map((cancel) => cancel.p50Ms)))} p99 ${ms(p99)} (${ms(Math.max(...p99s))}) ${p99 < 5 ? 'met' : 'MISSED'}`;
    });
    console.log(`  ${kind.padEnd(13)} ${parts.join('   ')}`);
  }
}
const rss = arms.map((arm) => `${arm} ${Math.max(...results[arm].map((result) => result.maxRssMb))}`).join(', ');
console.log(`\npeak RSS per arm process, MB: ${rss}; bench took ${((performance.now() - startedAt) / 1000).toFixed(0)} s`);
