/**
 * The streamlab side of the fleet benchmark's clients: streamlab's client
 * (createStreamlabClient: watched credentials, every call observed — CLIENT span,
 * recorder, metrics, end classification), the OTel SDK preloaded (traces exporter none,
 * default sampler), logs at info formatted and thrown away; each subscription a
 * `client.subscribe(follow)` in a context whose baggage names the fleet scenario, as
 * src/fleet/subscriber.ts opens them. Without the subscriber's own bookkeeping (backoff,
 * resume account, per-backend gauge): this measures the observed call.
 *
 * Usage (a child of bench/fleet/run.ts):
 *   OTEL_TRACES_EXPORTER=none node --expose-gc --import ./src/instrumentation.ts bench/fleet/streamlab-clients.ts
 */
import { Writable } from 'node:stream';
import winston from 'winston';
import { context, propagation } from '@opentelemetry/api';
import { createStreamlabClient } from '../../src/client/streamlab-client.ts';
import type { StreamlabClient } from '../../src/client/streamlab-client.ts';
import { createTelemetryDeps } from '../../src/telemetry/create-telemetry-deps.ts';
import * as sc from '../../src/telemetry/semconv.ts';
import type { Event__Output } from '../../src/generated/streamlab/v1/Event.ts';
import { driveSubscribers } from './subscriber-driver.ts';

const devNull = new Writable({ write: (_chunk, _encoding, done) => done() });
const deps = createTelemetryDeps({ logger: { level: 'info', format: 'json', transports: [new winston.transports.Stream({ stream: devNull })] } });
const fleetContext = propagation.setBaggage(context.active(), propagation.createBaggage({ [sc.BAGGAGE_SCENARIO]: { value: sc.SCENARIO_FLEET } }));

let streamlab: StreamlabClient | undefined;
const client = (): StreamlabClient => {
  if (!streamlab) throw new Error('streamlab client: not connected');
  return streamlab;
};

driveSubscribers({
  connect(target) {
    streamlab = createStreamlabClient(deps, { target });
  },
  subscribe(topic, onHeaders, onText) {
    const observed = context.with(fleetContext, () => client().subscribe({ topic, count: 0, follow: true }));
    observed.call.on('metadata', onHeaders);
    observed.call.on('data', (event: Event__Output) => onText(event.text));
    return observed;
  },
  async notify(topic, text) {
    const call = client().notify({ topic, text });
    const [reply, end] = await Promise.all([call.response, call.ended]);
    if (!reply) throw new Error(`Notify failed: ${end.endCause} (${end.details})`);
    return reply.delivered;
  },
});
