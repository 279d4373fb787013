/**
 * `npm run bench:fleet` (issue 8 item 7): the long-lived fleet at scale, each figure beside
 * bare grpc-js doing the same work in the same run (design §5). Prints, never asserts.
 *
 * 1. Idle subscribers: N `Subscribe(follow, count 0)` streams, tick off, one server process
 *    and one client process per arm (so heaps never mix, each started with --expose-gc):
 *    memory per stream on each side (rss and heapUsed after forced GCs, minus a baseline
 *    read after the connection and one warm-up Notify, before any stream), and the time
 *    to open them all (the first subscribe → the last one's response headers).
 * 2. Fan-out: one Notify on the same channel → the last of the N subscribers received it
 *    (client clock); BENCH_FLEET_NOTIFIES of them, one at a time, median.
 * 3. Reconnect storm: M subscribers over 3 servers (child processes), a topic ticking every
 *    100 ms, one server killed (SIGKILL): kill → the last affected subscriber streaming
 *    again, and gaps / duplicates over every subscriber (bench/fleet/storm-*.ts).
 *
 * Arms: bare — @grpc/grpc-js only (bench/fleet/bare-*.ts, no preload); streamlab — its
 * server (createServer + Ticker over local topics + admin services) and its client
 * (observed calls), or createFleet itself for the storm, under the OTel SDK
 * (--import ./src/instrumentation.ts, traces exporter none, default sampler).
 *
 * Env: BENCH_FLEET_STREAMS (10,000), BENCH_FLEET_NOTIFIES (3), BENCH_FLEET_STORM (3,000),
 * BENCH_FLEET_STORM_SERVERS (3), BENCH_FLEET_STORM_TICK_MS (100), BENCH_FLEET_ROUNDS (3;
 * the arms' order rotates every round, medians), BENCH_FLEET_PARTS (comma list of idle, storm; default both),
 * BENCH_FLEET_ARMS (add sdk and/or off to the idle part, e.g. bare,sdk,off,streamlab),
 * BENCH_FLEET_HEAP_SNAPSHOTS (a directory: every memory reading also writes a heap snapshot).
 */
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FLEET_SIZES, startChild } from './common.ts';
import type { FanoutResult, MemoryReading, StormResult } from './common.ts';

/**
 * bare and streamlab are the comparison; sdk (the bare code under the OTel SDK and
 * instrumentation-grpc) and off (streamlab with STREAMLAB_TELEMETRY=off: no SDK, the
 * observation layer, metrics and logs still run) split streamlab's cost, as in `npm run
 * bench`. Storms run bare and streamlab only.
 */
const ALL_ARMS = ['bare', 'sdk', 'off', 'streamlab'] as const;
type Arm = (typeof ALL_ARMS)[number];
const PRELOAD = ['--import', './src/instrumentation.ts'];
/** The SDK as in production: on, traces exporter none (nothing to export to here), default sampler. */
const SDK_ENV = { STREAMLAB_TELEMETRY: 'on', OTEL_TRACES_EXPORTER: 'none' };
const LAUNCH: Record<Arm, { server: string; clients: string; storm?: string; execArgv: string[]; env: Record<string, string> }> = {
  bare: { server: 'bench/fleet/bare-server.ts', clients: 'bench/fleet/bare-clients.ts', storm: 'bench/fleet/storm-bare.ts', execArgv: [], env: {} },
  // instrumentation-grpc is loaded only in span mode contrib (src/instrumentation.ts).
  sdk: { server: 'bench/fleet/bare-server.ts', clients: 'bench/fleet/bare-clients.ts', execArgv: PRELOAD, env: { ...SDK_ENV, STREAMLAB_RPC_SPANS: 'contrib' } },
  off: { server: 'bench/fleet/streamlab-server.ts', clients: 'bench/fleet/streamlab-clients.ts', execArgv: PRELOAD, env: { STREAMLAB_TELEMETRY: 'off' } },
  streamlab: { server: 'bench/fleet/streamlab-server.ts', clients: 'bench/fleet/streamlab-clients.ts', storm: 'bench/fleet/storm-streamlab.ts', execArgv: PRELOAD, env: { ...SDK_ENV, STREAMLAB_RPC_SPANS: 'streamlab' } },
};
const ARMS = ALL_ARMS.filter((arm) => (process.env.BENCH_FLEET_ARMS?.split(',') ?? ['bare', 'streamlab']).includes(arm) || arm === 'bare' || arm === 'streamlab');
const EXTRA_ARMS = ARMS.filter((arm) => arm === 'sdk' || arm === 'off');
const rounds = Number(process.env.BENCH_FLEET_ROUNDS ?? 3);
const parts = new Set(process.env.BENCH_FLEET_PARTS?.split(',') ?? ['idle', 'storm']);
const root = fileURLToPath(new URL('../..', import.meta.url));
/** A storm arm that takes longer than this has hung. */
const STORM_TIMEOUT_MS = 300_000;

/** One arm's idle and fan-out figures. */
interface IdleResult {
  streams: number;
  openMs: number;
  /** Bytes per stream, after minus before. */
  server: { rss: number; heapUsed: number };
  client: { rss: number; heapUsed: number };
  fanouts: FanoutResult[];
  /** heapUsed kept per stream per Notify received, bytes (after the fan-outs minus after the open): what an open stream accumulates per message. */
  retainedPerEvent: { server: number; client: number };
}

const perStream = (after: MemoryReading, before: MemoryReading, streams: number) => ({
  rss: (after.rss - before.rss) / streams,
  heapUsed: (after.heapUsed - before.heapUsed) / streams,
});

async function runIdle(arm: Arm): Promise<IdleResult> {
  const { server: serverScript, clients: clientsScript, execArgv, env } = LAUNCH[arm];
  const streams = FLEET_SIZES.streams;
  const server = await startChild(serverScript, execArgv, env);
  const clients = await startChild(clientsScript, execArgv, env);
  try {
    await clients.request({ cmd: 'connect', target: `127.0.0.1:${server.ready.port}` });
    const [serverBefore, clientBefore] = await Promise.all([server.request<MemoryReading>({ cmd: 'memory' }), clients.request<MemoryReading>({ cmd: 'memory' })]);
    const openMs = await clients.request<number>({ cmd: 'open', count: streams });
    const held = await server.request<number>({ cmd: 'streams' });
    if (held !== streams) throw new Error(`${arm}: the server holds ${held} of ${streams} subscriptions`);
    const [serverAfter, clientAfter] = await Promise.all([server.request<MemoryReading>({ cmd: 'memory' }), clients.request<MemoryReading>({ cmd: 'memory' })]);
    const fanouts: FanoutResult[] = [];
    for (let index = 0; index < FLEET_SIZES.notifies; index++) {
      const fanout = await clients.request<FanoutResult>({ cmd: 'fanout', text: `fan-out ${index + 1}` });
      if (fanout.received !== streams || fanout.delivered !== streams) {
        throw new Error(`${arm}: Notify ${index + 1} delivered ${fanout.delivered}, received by ${fanout.received} of ${streams}`);
      }
      fanouts.push(fanout);
    }
    const [serverLater, clientLater] = await Promise.all([server.request<MemoryReading>({ cmd: 'memory' }), clients.request<MemoryReading>({ cmd: 'memory' })]);
    const perEvent = (later: MemoryReading, after: MemoryReading) => (later.heapUsed - after.heapUsed) / streams / Math.max(1, fanouts.length);
    return {
      streams, openMs, server: perStream(serverAfter, serverBefore, streams), client: perStream(clientAfter, clientBefore, streams), fanouts,
      retainedPerEvent: { server: perEvent(serverLater, serverAfter), client: perEvent(clientLater, clientAfter) },
    };
  } finally {
    await Promise.all([clients.stop(), server.stop()]);
  }
}

function runStorm(arm: Arm): StormResult {
  const { storm, execArgv, env } = LAUNCH[arm];
  if (!storm) throw new Error(`bench:fleet: arm ${arm} has no storm`);
  const child = spawnSync(process.execPath, [...execArgv, storm], {
    cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: STORM_TIMEOUT_MS,
  });
  const last = child.stdout.trim().split('\n').at(-1) ?? '';
  if (child.status !== 0 || !last.startsWith('{')) throw new Error(`bench:fleet: storm ${arm} failed (exit ${child.status ?? child.signal}): ${child.error?.message ?? last}`);
  return JSON.parse(last) as StormResult;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
};
const kib = (bytes: number) => (bytes / 1024).toFixed(1);
const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
const ratio = (value: number, bare: number) => (value / bare).toFixed(2);
/** `ratio` and, when a goal applies (lower is better), whether it was met. */
const verdict = (value: number, bare: number, goal?: number) => `${ratio(value, bare)}×${goal === undefined ? '' : ` (goal <= ${goal.toFixed(2)}: ${value / bare <= goal ? 'met' : 'MISSED'})`}`;

const idle: Record<Arm, IdleResult[]> = { bare: [], sdk: [], off: [], streamlab: [] };
const storms: Record<Arm, StormResult[]> = { bare: [], sdk: [], off: [], streamlab: [] };
const startedAt = performance.now();
process.stderr.write(`bench:fleet: ${rounds} round(s), parts ${[...parts].join(', ')}; ${fmt(FLEET_SIZES.streams)} idle subscribers, storm ${fmt(FLEET_SIZES.storm)} over ${FLEET_SIZES.stormServers} servers\n`);
for (let round = 0; round < rounds; round++) {
  const order = ARMS.map((_, index) => ARMS[(index + round) % ARMS.length] as Arm);
  for (const arm of order) {
    if (parts.has('idle')) {
      process.stderr.write(`  round ${round + 1}/${rounds}: ${arm} idle + fan-out…\n`);
      idle[arm].push(await runIdle(arm));
    }
    if (parts.has('storm') && LAUNCH[arm].storm) {
      process.stderr.write(`  round ${round + 1}/${rounds}: ${arm} reconnect storm…\n`);
      storms[arm].push(runStorm(arm));
    }
  }
}

console.log(`streamlab bench:fleet: node ${process.version}, ${os.availableParallelism()} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; ${rounds} round(s), each arm's processes fresh; medians; ratio = streamlab / bare`);
if (parts.has('idle')) {
  const m = (arm: Arm, pick: (result: IdleResult) => number) => median(idle[arm].map(pick));
  const row = (label: string, pick: (result: IdleResult) => number, unit: (n: number) => string, goal?: number) =>
    console.log(`  ${label.padEnd(31)} bare ${unit(m('bare', pick)).padStart(8)}   streamlab ${unit(m('streamlab', pick)).padStart(8)}   ${verdict(m('streamlab', pick), m('bare', pick), goal)}${
      EXTRA_ARMS.map((arm) => `; ${arm} ${unit(m(arm, pick))} ${ratio(m(arm, pick), m('bare', pick))}×`).join('')}`);
  console.log(`\n${fmt(FLEET_SIZES.streams)} idle subscribers (Subscribe follow, count 0, tick off), one server and one client process per arm`);
  console.log('memory per stream, KiB (after forced GC, minus the baseline before the first stream):');
  row('server rss', (r) => r.server.rss, kib);
  row('server heapUsed', (r) => r.server.heapUsed, kib);
  row('client rss', (r) => r.client.rss, kib);
  row('client heapUsed', (r) => r.client.heapUsed, kib);
  row('both sides rss', (r) => r.server.rss + r.client.rss, kib, 1.25);
  // Goals of issue 15: RSS ≤ 1.25×, heapUsed ≤ 1.5×, opening ≤ 1.3×, one Notify ≤ 1.2×.
  row('both sides heapUsed', (r) => r.server.heapUsed + r.client.heapUsed, kib, 1.5);
  row('open all, s (last headers)', (r) => r.openMs / 1000, (n) => n.toFixed(2), 1.3);
  console.log(`\nfan-out: one Notify -> the last of ${fmt(FLEET_SIZES.streams)} subscribers received it (median of ${FLEET_SIZES.notifies} Notify per round)`);
  row('notify -> last receipt, s', (r) => median(r.fanouts.map((f) => f.lastReceiptMs)) / 1000, (n) => n.toFixed(3), 1.2);
  row('notify -> reply, s', (r) => median(r.fanouts.map((f) => f.replyMs)) / 1000, (n) => n.toFixed(3));
  row('server heap kept per Notify, B', (r) => r.retainedPerEvent.server, fmt);
  row('client heap kept per Notify, B', (r) => r.retainedPerEvent.client, fmt);
  for (const arm of ARMS) {
    console.log(`  ${arm.padEnd(9)} each Notify, s: ${idle[arm].flatMap((r) => r.fanouts.map((f) => (f.lastReceiptMs / 1000).toFixed(3))).join(', ')}`);
  }
}
if (parts.has('storm')) {
  const m = (arm: Arm, pick: (result: StormResult) => number) => median(storms[arm].map(pick));
  console.log(`\nreconnect storm: ${fmt(FLEET_SIZES.storm)} subscribers over ${FLEET_SIZES.stormServers} servers, topic ticking every ${FLEET_SIZES.stormTickMs} ms, one server SIGKILLed;`);
  console.log('re-subscribe after gRPC backoff (initial 1 s, ×1.6, ±20 %); bare re-subscribes without resume');
  console.log(`  ${'affected subscribers'.padEnd(31)} bare ${fmt(m('bare', (r) => r.affected)).padStart(8)}   streamlab ${fmt(m('streamlab', (r) => r.affected)).padStart(8)}`);
  const seconds = (pick: (result: StormResult) => number, arm: Arm) => (m(arm, pick) / 1000).toFixed(2);
  const time = (label: string, pick: (result: StormResult) => number, max?: (result: StormResult) => number) => {
    const cell = (arm: Arm) => (max ? `${seconds(pick, arm)} / ${seconds(max, arm)}` : seconds(pick, arm)).padStart(max ? 11 : 8);
    const ratios = max ? `${ratio(m('streamlab', pick), m('bare', pick))}× / ${ratio(m('streamlab', max), m('bare', max))}×` : `${ratio(m('streamlab', pick), m('bare', pick))}×`;
    console.log(`  ${label.padEnd(31)} bare ${cell('bare')}   streamlab ${cell('streamlab')}   ${ratios}`);
  };
  time('kill -> all streaming again, s', (r) => r.recoverMs);
  console.log('  per affected subscriber, s (p50 / max):');
  time('  kill -> end noticed', (r) => r.endMs.p50, (r) => r.endMs.max);
  time('  end -> re-subscribe started', (r) => r.backoffMs.p50, (r) => r.backoffMs.max);
  time('  re-subscribe -> headers', (r) => r.subscribeMs.p50, (r) => r.subscribeMs.max);
  for (const arm of ['bare', 'streamlab'] as const) {
    const results = storms[arm];
    const gaps = results.map((r) => r.gaps).join('/');
    const duplicates = results.map((r) => r.duplicates).join('/');
    const goal = arm === 'streamlab' ? ` (goal 0 / 0: ${results.every((r) => r.gaps === 0 && r.duplicates === 0) ? 'met' : 'MISSED'})` : ' (no resume: events published while away)';
    console.log(`  ${arm.padEnd(9)} gaps ${gaps}, duplicates ${duplicates}${goal}; spread after: ${JSON.stringify(results.at(-1)?.spread ?? {})}`);
  }
}
console.log(`\nbench:fleet took ${((performance.now() - startedAt) / 1000).toFixed(0)} s`);
process.exit(0);
