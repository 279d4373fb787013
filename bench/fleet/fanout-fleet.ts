/**
 * The bus arm's fan-out (issue 18): createFleet itself with 3 servers (child processes) and
 * N subscribers spread over them, no ticks; each Notify is timed from the call to the last
 * subscriber's receipt (the subscribers' own counts, polled every 5 ms in this process), and
 * from the call to its reply (which, on the bus, waits for every server's count). Through the
 * embedded relay, or — with BENCH_FLEET_BUS=nats://… — through NATS JetStream.
 *
 * Usage (a child of bench/fleet/run.ts; prints one JSON line, {@link BusFanoutResult}):
 *   [BENCH_FLEET_BUS=nats://127.0.0.1:4222] OTEL_TRACES_EXPORTER=none node --import ./src/instrumentation.ts bench/fleet/fanout-fleet.ts
 */
import { Writable } from 'node:stream';
import winston from 'winston';
import { telemetry } from '../../src/instrumentation.ts';
import { createFleet } from '../../src/fleet/fleet.ts';
import { createTelemetryDeps } from '../../src/telemetry/create-telemetry-deps.ts';
import { FLEET_SIZES, FLEET_TOPIC, until } from './common.ts';
import type { BusFanoutResult } from './common.ts';

const bus = process.env.BENCH_FLEET_BUS;
const subscribers = FLEET_SIZES.busStreams;
const devNull = new Writable({ write: (_chunk, _encoding, done) => done() });
const deps = createTelemetryDeps({ logger: { level: 'info', format: 'json', transports: [new winston.transports.Stream({ stream: devNull })] } });
const fleet = await createFleet({ telemetry: deps, importSpans: (spans) => telemetry.importSpans(spans) }, {
  servers: 3, slots: 3, basePort: 0, clients: subscribers, topic: FLEET_TOPIC, tickMs: 0,
  ...(bus ? { bus: { bus, tickMs: 0, history: 1_000 } } : {}),
});
const views = () => fleet.listSubscribers();
await until(() => views().every((s) => s.state === 'streaming'), 'every subscriber streaming', undefined, 50);
const received = () => views().reduce((sum, view) => sum + view.received, 0);

const lastReceiptMs: number[] = [];
const replyMs: number[] = [];
for (let index = 0; index < FLEET_SIZES.notifies; index++) {
  const target = received() + subscribers;
  const startedAt = performance.now();
  const { delivered } = await fleet.notify(FLEET_TOPIC, `bus fan-out ${index + 1}`);
  replyMs.push(performance.now() - startedAt);
  if (delivered !== subscribers) throw new Error(`Notify ${index + 1} delivered ${delivered} of ${subscribers}`);
  await until(() => received() >= target, `every subscriber received Notify ${index + 1}`, undefined, 5);
  lastReceiptMs.push(performance.now() - startedAt);
}
const result: BusFanoutResult = { subscribers, servers: 3, lastReceiptMs, replyMs };
await fleet.close();
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
