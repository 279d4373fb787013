/**
 * Labels from the wire are bounded (issue 16 item 2, design §4). The measurement at a
 * small scale: calls whose W3C baggage names 500 distinct scenarios add no series to the
 * server's registry (each is labelled `other`) while each server span keeps its value, cut to
 * 64 characters; a 4 KiB value is cut too. The other labels a peer can reach: methods the
 * server does not register never become `grpc_service`/`grpc_method` values (grpc-js answers
 * them UNIMPLEMENTED before any interceptor), and status codes outside gRPC's 0-16 that a
 * hostile server sends become one `grpc_code` value, `Unknown`, on the client.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { once } from 'node:events';
import { SpanKind, context, propagation } from '@opentelemetry/api';
import * as grpc from '@grpc/grpc-js';
import { telemetry } from '../../src/instrumentation.ts';
import { createStreamlabClient } from '../../src/client/streamlab-client.ts';
import type { StreamlabClient } from '../../src/client/streamlab-client.ts';
import { createTelemetryDeps } from '../../src/telemetry/create-telemetry-deps.ts';
import type { Metrics } from '../../src/telemetry/metrics.ts';
import { BAGGAGE_SCENARIO } from '../../src/telemetry/semconv.ts';
import { SCENARIO_ATTRIBUTE_MAX_CHARS } from '../../src/telemetry/scenario-label.ts';
import { CATALOGUE } from '../../src/scenarios/catalogue.ts';
import { startHarness } from '../helpers/harness.ts';
import type { Harness } from '../helpers/harness.ts';

let harness: Harness;
let client: StreamlabClient;
/** A client with its own registry, so the server's series are counted alone. */
const clientDeps = createTelemetryDeps({ pipeline: telemetry, logger: { level: 'error' } });

before(async () => {
  harness = await startHarness({ deps: { scenarioLabels: [...CATALOGUE.map((scenario) => scenario.name), 'configured-label'] } });
  client = createStreamlabClient(clientDeps, { target: harness.target });
});
after(async () => {
  client.close();
  await harness.close();
});

/** Series (label sets) in a registry, every metric together. */
async function seriesCount(metrics: Metrics): Promise<number> {
  const all = await metrics.registry.getMetricsAsJSON();
  return all.reduce((sum, metric) => sum + metric.values.length, 0);
}

/** One Notify whose baggage names `scenario`; resolves with its server end's scenario label. */
async function notifyAs(scenario: string): Promise<void> {
  const baggage = propagation.createBaggage({ [BAGGAGE_SCENARIO]: { value: scenario } });
  const call = context.with(propagation.setBaggage(context.active(), baggage), () => client.notify({ topic: 'labels', text: 'x' }));
  const end = await call.ended;
  assert.equal(end.endCause, 'completed');
}

/** The server spans whose streamlab.scenario attribute starts with `prefix`. */
function serverSpansNamed(prefix: string) {
  return harness.spans.spans().filter((span) => span.kind === SpanKind.SERVER && String(span.attributes['streamlab.scenario'] ?? '').startsWith(prefix));
}

test('500 distinct baggage scenarios add no series: each is labelled other, its span keeps the value', async () => {
  for (let i = 0; i < 10; i++) await notifyAs(`warm-${i}`);
  await telemetry.forceFlush();
  const before = await seriesCount(harness.deps.metrics);
  const text = (await harness.deps.metrics.registry.metrics()).length;
  for (let i = 0; i < 500; i++) await notifyAs(`scenario-${i}-${'x'.repeat(40)}`);
  await telemetry.forceFlush();
  assert.equal(await seriesCount(harness.deps.metrics), before, 'no new series');
  // /metrics grows by counter digits at most, not by series.
  assert.ok((await harness.deps.metrics.registry.metrics()).length < text + 2_000, '/metrics did not grow by series');
  const ends = harness.observer.ends().filter((end) => end.side === 'server' && end.method === 'Notify');
  assert.ok(ends.length >= 510);
  assert.deepEqual(new Set(ends.map((end) => end.scenario)), new Set(['other']));
  assert.equal(await harness.metric('streamlab_stream_ends_total', { side: 'server', scenario: 'other', end_cause: 'completed' }), ends.length);
  const spans = serverSpansNamed('scenario-');
  assert.equal(spans.length, 500, 'every server span kept its scenario value');
  assert.equal(new Set(spans.map((span) => span.attributes['streamlab.scenario'])).size, 500);
});

test('a 4 KB baggage scenario is cut to 64 characters on the span and labelled other', async () => {
  // W3C baggage allows 4,096 bytes per entry (the OTel propagator drops longer ones).
  const huge = `huge-${'y'.repeat(4_000)}`;
  await notifyAs(huge);
  await telemetry.forceFlush();
  const [span] = serverSpansNamed('huge-');
  assert.ok(span, 'the server span');
  const value = String(span.attributes['streamlab.scenario']);
  assert.equal(value.length, SCENARIO_ATTRIBUTE_MAX_CHARS);
  assert.equal(value, `${huge.slice(0, SCENARIO_ATTRIBUTE_MAX_CHARS - 1)}…`);
  const end = harness.observer.ends().find((candidate) => candidate.side === 'server' && candidate.traceId === span.spanContext().traceId);
  assert.equal(end?.scenario, 'other');
});

test('a catalogue scenario and a configured one label their series', async () => {
  await notifyAs('cancel');
  await notifyAs('configured-label');
  assert.equal(await harness.metric('streamlab_stream_ends_total', { side: 'server', scenario: 'cancel', end_cause: 'completed' }), 1);
  assert.equal(await harness.metric('streamlab_stream_ends_total', { side: 'server', scenario: 'configured-label', end_cause: 'completed' }), 1);
});

test('methods the server does not register never become label values', async () => {
  const before = await seriesCount(harness.deps.metrics);
  const raw = new grpc.Client(harness.target, grpc.credentials.createInsecure());
  try {
    for (let i = 0; i < 50; i++) {
      const code = await new Promise<number>((resolve) => {
        raw.makeUnaryRequest(`/evil${i}.Service/Method${i}`, (value: Buffer) => value, (value: Buffer) => value, Buffer.alloc(0), (error) => resolve(error?.code ?? 0));
      });
      assert.equal(code, grpc.status.UNIMPLEMENTED);
    }
  } finally {
    raw.close();
  }
  assert.equal(await seriesCount(harness.deps.metrics), before, 'no new series');
  const text = await harness.deps.metrics.registry.metrics();
  assert.doesNotMatch(text, /evil/);
});

test('status codes outside 0-16 from a hostile server are one grpc_code value on the client: Unknown', async () => {
  // A raw HTTP/2 server answering every call trailers-only with grpc-status 1000 + n.
  const hostile = http2.createServer();
  let n = 0;
  hostile.on('stream', (stream) => {
    stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': String(1000 + n++), 'grpc-message': 'hostile' }, { endStream: true });
  });
  hostile.listen(0, '127.0.0.1');
  await once(hostile, 'listening');
  const deps = createTelemetryDeps({ pipeline: telemetry, logger: { level: 'error' } });
  const victim = createStreamlabClient(deps, { target: `127.0.0.1:${(hostile.address() as { port: number }).port}`, settleMs: 1 });
  try {
    for (let i = 0; i < 30; i++) {
      const end = await victim.notify({ topic: 'hostile', text: 'x' }).ended;
      assert.equal(end.grpcCode, 1000 + i, 'the end record keeps the code received');
      assert.equal(end.endCause, 'failed');
    }
    const handled = (await deps.metrics.registry.getSingleMetric('grpc_client_handled_total')?.get())?.values ?? [];
    assert.deepEqual(handled.map((value) => value.labels['grpc_code']), ['Unknown']);
    assert.equal(handled[0]?.value, 30);
  } finally {
    victim.close();
    hostile.close();
  }
});
