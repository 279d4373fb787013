/**
 * The bare arm of the reconnect storm: 3 bare grpc-js servers (bench/fleet/bare-server.ts,
 * child processes), this process numbering the topic's ticks and sending each to every
 * server over IPC (the part streamlab's relay plays), and M bare subscribers on one
 * round-robin channel over an `ipv4:` target (warmed until every backend answered, as
 * src/fleet/warm-up.ts does). A subscriber whose stream ends waits out gRPC's backoff and
 * subscribes again, without resume: it gets the topic from its next event on, and what was
 * published while it was away is counted as its gap.
 *
 * Usage (a child of bench/fleet/run.ts; prints one JSON line, bench/fleet/common.ts StormResult):
 *   node bench/fleet/storm-bare.ts
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';
import type { ProtoGrpcType as TickerProto } from '../../src/generated/ticker.ts';
import type { Event__Output } from '../../src/generated/streamlab/v1/Event.ts';
import { bareBackoff, FLEET_SIZES, FLEET_TOPIC, startChild, stormTimes, until, WARMUP_TOPIC } from './common.ts';
import type { StormPath, StormResult } from './common.ts';

const PROTO = fileURLToPath(new URL('../../proto/streamlab/v1/ticker.proto', import.meta.url));
const proto = grpc.loadPackageDefinition(protoLoader.loadSync(PROTO, { longs: Number, defaults: true, oneofs: true, keepCase: false })) as unknown as TickerProto;
const nowMs = () => performance.timeOrigin + performance.now();

const servers = await Promise.all(Array.from({ length: FLEET_SIZES.stormServers }, () => startChild('bench/fleet/bare-server.ts', [], { BENCH_FLEET_RELAY: '1' })));
let lastId = 0;
const ticker = setInterval(() => {
  lastId += 1;
  // A callback takes the EPIPE of a server just killed (else an 'error' event): it is gone, like a relay member that left.
  for (const server of servers) if (server.process.connected) server.process.send({ type: 'event', topic: FLEET_TOPIC, id: lastId }, () => {});
}, FLEET_SIZES.stormTickMs);

// The channel options of src/client/streamlab-client.ts with round_robin.
const client = new proto.streamlab.v1.Ticker(`ipv4:${servers.map((s) => `127.0.0.1:${s.ready.port}`).join(',')}`, grpc.credentials.createInsecure(), {
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.keepalive_permit_without_calls': 0,
  'grpc.enable_retries': 0,
  'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
});

// Warm-up: unary calls until every backend answered, so the streams spread.
const seen = new Set<string>();
const warmUntil = Date.now() + 5_000;
while (seen.size < servers.length && Date.now() < warmUntil) {
  await Promise.all(servers.map(() => new Promise<void>((resolve) => {
    const call = client.notify({ topic: WARMUP_TOPIC, text: '' }, { deadline: Date.now() + 1_000 }, () => {
      seen.add(call.getPeer());
      resolve();
    });
  })));
}

interface BareSubscriber {
  backend: string | null;
  streaming: boolean;
  lastId: number;
  gaps: number;
  duplicates: number;
  attempts: number;
  /** When each of its streams ended, epoch ms. */
  endedAtMs: number[];
  /** Its last attempt: started, response headers. */
  startedAtMs: number;
  streamingAtMs?: number;
}

function startSubscriber(): BareSubscriber {
  const state: BareSubscriber = { backend: null, streaming: false, lastId: 0, gaps: 0, duplicates: 0, attempts: 0, endedAtMs: [], startedAtMs: 0 };
  const backoff = bareBackoff();
  const subscribe = () => {
    state.attempts += 1;
    state.startedAtMs = nowMs();
    delete state.streamingAtMs;
    const call = client.subscribe({ topic: FLEET_TOPIC, count: 0, follow: true });
    call.on('metadata', () => {
      state.streaming = true;
      state.backend = call.getPeer();
      state.streamingAtMs = nowMs();
      backoff.reset();
    });
    call.on('data', (event: Event__Output) => {
      if (state.lastId > 0 && event.id <= state.lastId) state.duplicates += 1;
      else {
        if (state.lastId > 0) state.gaps += event.id - state.lastId - 1;
        state.lastId = event.id;
      }
    });
    call.on('error', () => {});
    call.on('status', () => {
      state.streaming = false;
      state.backend = null;
      state.endedAtMs.push(nowMs());
      setTimeout(subscribe, backoff.next());
    });
  };
  subscribe();
  return state;
}

const subscribers = Array.from({ length: FLEET_SIZES.storm }, startSubscriber);
await until(() => subscribers.every((s) => s.streaming && s.lastId > 0), 'every subscriber streaming with an event id', undefined, 50);

const victim = servers[0]!;
const victimAddress = `127.0.0.1:${victim.ready.port}`;
const affected = subscribers.filter((s) => s.backend === victimAddress);
const attemptsBefore = new Map(affected.map((s) => [s, s.attempts]));
const killedAtMs = nowMs();
await victim.kill();
await until(() => affected.every((s) => s.streaming && s.attempts > (attemptsBefore.get(s) ?? 0)), 'every affected subscriber streaming again', undefined, 50);
const paths: StormPath[] = affected.map((s) => ({
  endedAtMs: s.endedAtMs.find((atMs) => atMs >= killedAtMs) ?? Number.NaN, restartedAtMs: s.startedAtMs, streamingAtMs: s.streamingAtMs ?? Number.NaN,
}));
const idAtRecovery = lastId;
await until(() => subscribers.every((s) => s.lastId > idAtRecovery), 'every subscriber past the storm', undefined, 50);

const spread: Record<string, number> = {};
for (const s of subscribers) spread[s.backend ?? 'none'] = (spread[s.backend ?? 'none'] ?? 0) + 1;
const result: StormResult = {
  subscribers: subscribers.length, servers: servers.length, affected: affected.length,
  ...stormTimes(killedAtMs, paths),
  gaps: subscribers.reduce((sum, s) => sum + s.gaps, 0), duplicates: subscribers.reduce((sum, s) => sum + s.duplicates, 0), spread,
};
clearInterval(ticker);
client.close();
await Promise.all(servers.map((server) => server.stop()));
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
