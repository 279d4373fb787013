/**
 * The streamlab arm of the reconnect storm: createFleet itself — its servers as
 * `streamlab serve --topics parent` child processes, its relay ticking the topic, its
 * long-lived subscribers on one round-robin channel (gRPC backoff, resume after the last
 * event id). Once every subscriber streams and has an event id, one server is SIGKILLed
 * (fleet.servers.stop(id, 'kill')); the figures come from the subscribers' own attempt
 * records. Slots = servers (the fleet's default adds 2 spare slots), so the channel
 * target has the same 3 addresses as the bare arm's. With BENCH_FLEET_BUS=nats://… (the bus
 * arm, issue 18) its servers take their topics from NATS JetStream instead of the relay.
 *
 * Usage (a child of bench/fleet/run.ts; prints one JSON line, bench/fleet/common.ts StormResult):
 *   OTEL_TRACES_EXPORTER=none node --import ./src/instrumentation.ts bench/fleet/storm-streamlab.ts
 */
import { Writable } from 'node:stream';
import winston from 'winston';
import { telemetry } from '../../src/instrumentation.ts';
import { createFleet } from '../../src/fleet/fleet.ts';
import { createTelemetryDeps } from '../../src/telemetry/create-telemetry-deps.ts';
import { nowMs } from '../../src/core/clock.ts';
import { FLEET_SIZES, FLEET_TOPIC, stormTimes, until } from './common.ts';
import type { StormPath, StormResult } from './common.ts';

const devNull = new Writable({ write: (_chunk, _encoding, done) => done() });
const deps = createTelemetryDeps({ logger: { level: 'info', format: 'json', transports: [new winston.transports.Stream({ stream: devNull })] } });
const fleet = await createFleet({ telemetry: deps, importSpans: (spans) => telemetry.importSpans(spans) }, {
  servers: FLEET_SIZES.stormServers, slots: FLEET_SIZES.stormServers, basePort: 0,
  clients: FLEET_SIZES.storm, topic: FLEET_TOPIC, tickMs: FLEET_SIZES.stormTickMs,
  ...(process.env.BENCH_FLEET_BUS ? { bus: { bus: process.env.BENCH_FLEET_BUS, tickMs: FLEET_SIZES.stormTickMs, history: 1_000 } } : {}),
});
const views = () => fleet.listSubscribers();
await until(() => views().every((s) => s.state === 'streaming' && s.last_event_id > 0), 'every subscriber streaming with an event id', undefined, 50);

const [victim] = await fleet.servers.list();
if (!victim) throw new Error('bench: no server');
const affected = views().filter((s) => s.backend === victim.address);
const reconnectsBefore = new Map(affected.map((s) => [s.id, s.reconnects]));
const killedAtMs = nowMs();
await fleet.servers.stop(victim.id, 'kill');
await until(() => affected.every((s) => {
  const view = fleet.subscriber(s.id).view();
  return view.state === 'streaming' && view.reconnects > (reconnectsBefore.get(s.id) ?? 0);
}), 'every affected subscriber streaming again', undefined, 50);

const paths: StormPath[] = affected.map(({ id }) => {
  const attempts = fleet.subscriber(id).attempts;
  const last = attempts.at(-1);
  const ended = attempts.find((attempt) => attempt.endedAtMs !== undefined && attempt.endedAtMs >= killedAtMs);
  return { endedAtMs: ended?.endedAtMs ?? Number.NaN, restartedAtMs: last?.startedAtMs ?? Number.NaN, streamingAtMs: last?.streamingAtMs ?? Number.NaN };
});
// Gaps show on the first event after a resume: wait until everyone has one newer than now.
const lastId = await fleet.lastEventId(FLEET_TOPIC);
await until(() => views().every((s) => s.last_event_id > lastId), 'every subscriber past the storm', undefined, 50);

const all = views();
const spread: Record<string, number> = {};
for (const s of all) spread[s.backend ?? 'none'] = (spread[s.backend ?? 'none'] ?? 0) + 1;
const result: StormResult = {
  subscribers: all.length, servers: FLEET_SIZES.stormServers, affected: affected.length,
  ...stormTimes(killedAtMs, paths),
  gaps: all.reduce((sum, s) => sum + s.gaps, 0), duplicates: all.reduce((sum, s) => sum + s.duplicates, 0), spread,
};
await fleet.close();
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
