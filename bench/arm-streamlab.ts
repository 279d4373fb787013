/**
 * The `off`, `full` and `contrib` arms: streamlab's server (createServer) and client
 * (createStreamlabClient) in one process, preloaded with src/instrumentation.ts.
 * - off: STREAMLAB_TELEMETRY=off — no OTel SDK (spans are API no-ops), logs silent;
 *   the observation layer, prom-client metrics and lifecycle records still run.
 * - full: telemetry on, OTEL_TRACES_EXPORTER=none, every finished span captured in memory
 *   (reset every second and between runs, so memory stays bounded), every log record
 *   formatted as JSON and thrown away.
 * - contrib: as full, with STREAMLAB_RPC_SPANS=contrib (instrumentation-grpc creates the
 *   RPC spans, streamlab decorates them).
 * Throughput of the four RPC kinds, then cancel → server detection latency per kind: the
 * client cancels mid-call and the server's end record (client_cancelled) carries
 * detectionMs, measured from the cause clock's mark just before cancel().
 *
 * The run observer (a scenario-runner tool; `streamlab serve` has none) is attached only
 * during the cancel trials, so throughput measures what a served call costs.
 *
 * Usage: STREAMLAB_TELEMETRY=on|off node --import ./src/instrumentation.ts bench/arm-streamlab.ts
 * Prints one JSON line (bench/common.ts ArmResult).
 */
import { Writable } from 'node:stream';
import winston from 'winston';
import { context, propagation } from '@opentelemetry/api';
import { telemetry } from '../src/instrumentation.ts';
import { createServer } from '../src/server/create-server.ts';
import { createStreamlabServices } from '../src/services/streamlab-services.ts';
import { createStreamlabClient } from '../src/client/streamlab-client.ts';
import { startDelivery } from '../src/client/delivery-client.ts';
import { createTelemetryDeps } from '../src/telemetry/create-telemetry-deps.ts';
import { createLogger } from '../src/telemetry/logger.ts';
import { nowMs } from '../src/core/clock.ts';
import type { LifecycleObserver, LifecyclePhase, StreamEnd } from '../src/telemetry/lifecycle-event.ts';
import { deliveryOf } from '../src/delivery/delivery-account.ts';
import { callPool, check, progress, KINDS, latencySummary, measureThroughput, PAYLOAD_BYTES, printResult, SIZES, TOPIC, writeAll } from './common.ts';
import type { CancelLatency, Kind, Workloads } from './common.ts';

const on = telemetry.enabled;

// Logs are formatted in full and thrown away: the cost stays, the terminal stays clean.
const devNull = new Writable({ write: (_chunk, _encoding, done) => done() });
const logger = createLogger({ level: 'info', format: 'json', silent: !on, transports: [new winston.transports.Stream({ stream: devNull })] });

let observing = false;
let serverEventWaiter: { phase: LifecyclePhase; resolve: () => void } | undefined;
let serverEndWaiter: ((end: StreamEnd) => void) | undefined;
const observer: LifecycleObserver = {
  onEvent(event) {
    if (!observing) return;
    if (serverEventWaiter && event.side === 'server' && event.phase === serverEventWaiter.phase) {
      const { resolve } = serverEventWaiter;
      serverEventWaiter = undefined;
      resolve();
    }
  },
  onEnd(end) {
    if (!observing || end.side !== 'server' || !serverEndWaiter) return;
    const resolve = serverEndWaiter;
    serverEndWaiter = undefined;
    resolve(end);
  },
};
/** Resolves at the next server-side lifecycle event of `phase` (trials run one at a time). */
const nextServerEvent = (phase: LifecyclePhase) => new Promise<void>((resolve) => (serverEventWaiter = { phase, resolve }));
/** Resolves with the next server-side end. */
const nextServerEnd = () => new Promise<StreamEnd>((resolve) => (serverEndWaiter = resolve));

const deps = createTelemetryDeps({ logger, observer, pipeline: telemetry });
const server = createServer(deps, { services: createStreamlabServices(deps), settleMs: 5 });
const address = await server.listen({ host: '127.0.0.1', port: 0 });
const client = createStreamlabClient(deps, { target: `127.0.0.1:${address.port}` });
const capture = on ? telemetry.captureSpans() : undefined;
const resetTimer = setInterval(() => capture?.reset(), 1_000);

/** Runs `open` in a context whose baggage names the scenario (a no-op context when telemetry is off). */
function inScenario<T>(name: string, open: () => T): T {
  return context.with(propagation.setBaggage(context.active(), propagation.createBaggage({ 'streamlab.scenario': { value: name } })), open);
}

const workloads: Workloads = {
  unary: (calls, concurrency) => inScenario('bench-unary', () => callPool(calls, concurrency, async () => {
    const reply = await client.notify({ topic: TOPIC, text: 'hello', delayMs: 0 }).response;
    check(reply !== undefined, 'Notify ended without a reply');
  })),
  async clientStream(messages) {
    const publish = inScenario('bench-client-stream', () => client.publish());
    const payload = Buffer.alloc(PAYLOAD_BYTES, 0x62);
    await writeAll(publish.call, messages, (id) => ({ topic: TOPIC, id, payload }));
    const summary = await publish.response;
    await publish.ended;
    check(summary?.count === messages, `Publish summary counted ${summary?.count} of ${messages}`);
  },
  async serverStream(messages) {
    const stream = inScenario('bench-server-stream', () => client.subscribe({ topic: TOPIC, count: messages, intervalMs: 0, payloadBytes: PAYLOAD_BYTES }));
    let received = 0;
    stream.call.on('data', () => void (received += 1)); // reading is the application's part, as in the bare arm
    const end = await stream.ended;
    check(end.endCause === 'completed' && received === messages, `Subscribe ended ${end.endCause} after ${received} of ${messages}`);
  },
  async bidi(messages) {
    const exchange = inScenario('bench-bidi', () => startDelivery(client, { count: messages, intervalMs: 0, payloadBytes: PAYLOAD_BYTES }));
    const end = await exchange.ended;
    const acked = deliveryOf(end)?.acked;
    check(end.endCause === 'completed' && acked === messages, `Exchange ended ${end.endCause} with ${acked} of ${messages} acked`);
  },
};

/** Opens a call of `kind` that stays open until cancelled; `ready` resolves once it is under way on the server. */
function openForCancel(kind: Kind): { ready: Promise<void>; cancel(): void; ended: Promise<unknown> } {
  switch (kind) {
    case 'unary': {
      const ready = nextServerEvent('stream.open'); // the handler is waiting out delay_ms
      return { ...client.notify({ topic: TOPIC, text: 'hello', delayMs: 60_000 }), ready };
    }
    case 'client_stream': {
      const ready = nextServerEvent('message'); // the server has taken the first request
      const publish = client.publish();
      publish.call.write({ topic: TOPIC, id: 1, payload: Buffer.alloc(PAYLOAD_BYTES, 0x62) });
      return { ...publish, ready };
    }
    case 'server_stream': {
      const stream = client.subscribe({ topic: TOPIC, count: 0, intervalMs: 1, payloadBytes: PAYLOAD_BYTES });
      return { ...stream, ready: new Promise((resolve) => stream.call.once('data', () => resolve())) };
    }
    case 'bidi_stream': {
      const exchange = startDelivery(client, { count: 0, intervalMs: 1, payloadBytes: PAYLOAD_BYTES });
      return { ...exchange, ready: new Promise((resolve) => exchange.call.once('data', () => resolve())) };
    }
  }
}

/** Cancel → server detection latency of `kind` over SIZES.trials trials. */
async function measureCancel(kind: Kind): Promise<CancelLatency> {
  progress(`cancel ${kind}: ${SIZES.trials} trials`);
  const latencies: number[] = [];
  for (let trial = 0; trial < SIZES.trials; trial++) {
    // Trials run one at a time, so the next server end is this trial's; detection is measured
    // from the bench's own cause time (with telemetry off no baggage, hence no run, travels).
    const serverEnded = nextServerEnd();
    const call = openForCancel(kind);
    await call.ready;
    const causeAtMs = nowMs();
    call.cancel();
    const serverEnd = await serverEnded;
    await call.ended;
    check(serverEnd.endCause === 'client_cancelled', `${kind} trial ${trial}: the server saw ${serverEnd.endCause}`);
    latencies.push(serverEnd.endedAtMs - causeAtMs);
    if (trial % 20 === 19) capture?.reset();
  }
  return latencySummary(latencies);
}

const throughput = await measureThroughput(workloads, () => capture?.reset());
observing = true;
const cancel = {} as Record<Kind, CancelLatency>;
for (const kind of KINDS) cancel[kind] = await measureCancel(kind);

clearInterval(resetTimer);
client.close();
await server.shutdown(0);
await telemetry.shutdown();
printResult({ arm: on ? (telemetry.rpcSpans === 'contrib' ? 'contrib' : 'full') : 'off', throughput, cancel });
process.exit(0);
