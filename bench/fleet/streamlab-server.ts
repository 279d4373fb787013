/**
 * The streamlab side of the fleet benchmark's server, as `streamlab serve` builds it
 * (src/cli/serve-command.ts): createServer with streamlab's services over local topics
 * (tick off: the subscribers stay idle) and the admin services (the default), every call
 * observed, the OTel SDK preloaded (traces exporter none, default sampler), logs at info
 * formatted as JSON and thrown away (the cost stays, the terminal stays clean).
 *
 * Usage (a child of bench/fleet/run.ts):
 *   OTEL_TRACES_EXPORTER=none node --expose-gc --import ./src/instrumentation.ts bench/fleet/streamlab-server.ts
 */
import { Writable } from 'node:stream';
import winston from 'winston';
import { createServer } from '../../src/server/create-server.ts';
import { createLocalTopics, createStreamlabServices } from '../../src/services/streamlab-services.ts';
import { createTelemetryDeps } from '../../src/telemetry/create-telemetry-deps.ts';
import { FLEET_TOPIC, readMemory, serveCommands } from './common.ts';

const devNull = new Writable({ write: (_chunk, _encoding, done) => done() });
const deps = createTelemetryDeps({ logger: { level: 'info', format: 'json', transports: [new winston.transports.Stream({ stream: devNull })] } });
const topics = createLocalTopics({ tickMs: 0 });
// As bare-server.ts, streams per connection unbounded: streamlab's server caps them at 10,000 by
// default (SERVER_DEFAULTS.maxConcurrentStreams, issue 16), and the one client connection holds
// BENCH_FLEET_STREAMS subscribers plus the Notify, which would wait forever for a free stream.
const server = createServer(deps, { services: createStreamlabServices(deps, topics), maxConcurrentStreams: 2 ** 32 - 1 });
const { port } = await server.listen({ host: '127.0.0.1', port: 0 });

serveCommands(async (command) => {
  if (command.cmd === 'memory') return readMemory();
  if (command.cmd === 'streams') return topics.log.followedTopics().includes(FLEET_TOPIC) ? server.activeStreams : 0;
  throw new Error(`streamlab server: unknown command ${command.cmd}`);
}, port);
