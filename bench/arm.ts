/**
 * One benchmark arm, in its own process so telemetry can be on or off (STREAMLAB_TELEMETRY):
 * an embedded server and client on loopback. Prints one JSON line:
 *   {"telemetry":"on","throughput":{"messages":N,"seconds":S,"perSecond":R},"cancel":{"trials":T,"p50Ms":..,"p99Ms":..}}
 * Usage: node --import ./src/instrumentation.ts bench/arm.ts <messages> <cancelTrials>
 */
import { Writable } from 'node:stream';
import winston from 'winston';
import { context, propagation } from '@opentelemetry/api';
import { telemetry } from '../src/instrumentation.ts';
import { createServer } from '../src/server/create-server.ts';
import { createStreamlabClient } from '../src/client/streamlab-client.ts';
import { createTelemetryDeps } from '../src/telemetry/create-telemetry-deps.ts';
import { createLogger } from '../src/telemetry/logger.ts';
import { createRunObserver } from '../src/scenarios/run-observer.ts';
import { nowMs } from '../src/telemetry/lifecycle-event.ts';

const messages = Number(process.argv[2] ?? 100_000);
const trials = Number(process.argv[3] ?? 100);
const on = telemetry.enabled;

// Logs are formatted in full and thrown away: the cost stays, the terminal stays clean.
const devNull = new Writable({ write: (_chunk, _encoding, done) => done() });
const logger = createLogger({ level: 'info', format: 'json', silent: !on, transports: [new winston.transports.Stream({ stream: devNull })] });
const observer = createRunObserver(0);
const deps = createTelemetryDeps({ logger, observer });
const server = createServer(deps, { settleMs: 5 });
const address = await server.listen({ host: '127.0.0.1', port: 0 });
const client = createStreamlabClient(deps, { target: `127.0.0.1:${address.port}` });
const capture = on ? telemetry.captureSpans() : undefined; // spans are exported (to memory) like a real pipeline would
const scenario = (name: string) => propagation.setBaggage(context.active(), propagation.createBaggage({ 'streamlab.scenario': { value: name } }));

// Throughput: one stream, small payload, as fast as the client reads.
const stream = context.with(scenario('bench-throughput'), () => client.subscribe({ topic: 'bench', count: messages, intervalMs: 0, payloadBytes: 16 }));
let first = 0;
stream.call.on('data', () => {
  if (first === 0) first = performance.now();
});
const end = await stream.ended;
const seconds = (performance.now() - first) / 1000;
if (end.endCause !== 'completed' || end.messages !== messages) throw new Error(`throughput stream ended ${end.endCause} after ${end.messages}`);

// Cancel → server detection latency.
const latencies: number[] = [];
for (let trial = 0; trial < trials; trial++) {
  const name = on ? `bench-cancel-${trial}` : 'none';
  const trialStream = context.with(scenario(name), () => client.subscribe({ topic: 'cancel', count: 0, intervalMs: 1 }));
  await new Promise<void>((resolve) => trialStream.call.once('data', () => resolve()));
  observer.forget(name);
  deps.causeClock.mark(name, nowMs());
  trialStream.cancel();
  const serverEnd = await observer.nextEnd('server', name, 5_000);
  await trialStream.ended;
  if (serverEnd?.endCause !== 'client_cancelled' || serverEnd.detectionMs === undefined) throw new Error(`trial ${trial}: server saw ${serverEnd?.endCause}`);
  latencies.push(serverEnd.detectionMs);
  capture?.reset();
}
latencies.sort((a, b) => a - b);
const quantile = (q: number) => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)] ?? Number.NaN;

client.close();
await server.shutdown(0);
await telemetry.shutdown();
process.stdout.write(`${JSON.stringify({
  telemetry: on ? 'on' : 'off',
  throughput: { messages, seconds, perSecond: messages / seconds },
  cancel: { trials, p50Ms: quantile(0.5), p99Ms: quantile(0.99) },
})}\n`);
process.exit(0);
