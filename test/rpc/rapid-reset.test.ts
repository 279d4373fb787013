/**
 * Rapid reset (CVE-2023-44487, issue 16 item 4) against a real server on port 0, from a raw
 * HTTP/2 client (src/faults/rapid-reset.ts): the server answers the flood's connection with
 * GOAWAY ENHANCE_YOUR_CALM after 500 premature resets (src/rpc/server/http2-sessions.ts), as a
 * connection event (log record, `streamlab_goaways_sent_total`); the streams the flood reset
 * before it are client cancels, the ones the GOAWAY ended are `server_shutdown` with a `goaway`
 * event naming its error code; without streamlab's bound, Node answers with GOAWAY
 * INTERNAL_ERROR after about 1,000; a client that cancels many streams it held for more than a
 * second is not a flood.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind } from '@opentelemetry/api';
import { telemetry } from '../../src/instrumentation.ts';
import { rapidReset } from '../../src/faults/rapid-reset.ts';
import { createStreamlabClient } from '../../src/client/streamlab-client.ts';
import { createTelemetryDeps } from '../../src/telemetry/create-telemetry-deps.ts';
import { startHarness } from '../helpers/harness.ts';
import { pollProcesses } from '../helpers/processes.ts';

const NOTIFY = '/streamlab.v1.Ticker/Notify';
const BAGGAGE = 'streamlab.scenario=rapid-reset';

test('a flood gets GOAWAY ENHANCE_YOUR_CALM after 500 premature resets, recorded as a connection event', async (t) => {
  const harness = await startHarness();
  t.after(() => harness.close());
  const flood = await rapidReset({ target: harness.target, path: NOTIFY, baggage: BAGGAGE, hold: 3 });
  assert.ok(flood.goaway, `a GOAWAY after ${flood.opened} streams`);
  assert.equal(flood.goaway.errorName, 'ENHANCE_YOUR_CALM');
  assert.equal(flood.goaway.errorCode, 11);
  assert.ok(flood.reset >= 500 && flood.reset < 1_000, `${flood.reset} resets: before Node's own limit`);
  assert.equal(flood.goaway.lastStreamId % 2, 1, 'a client stream id');
  assert.equal(flood.maxConcurrentStreams, 10_000);
  // The server's ends: each flood stream once, none a keepalive timeout or a failure.
  const ended = (end: { side: string; scenario: string }) => end.side === 'server' && end.scenario === 'rapid-reset';
  assert.ok(await pollProcesses(() => harness.server.activeStreams === 0, 5_000), 'every flood call ended');
  await telemetry.forceFlush();
  const ends = harness.observer.ends().filter(ended);
  const causes = Object.groupBy(ends, (end) => end.endCause);
  assert.deepEqual(Object.keys(causes).sort(), ['client_cancelled', 'server_shutdown'], `causes ${Object.keys(causes).join(', ')}`);
  t.diagnostic(`flood: ${flood.opened} opened, GOAWAY after ${flood.reset}; server ends: ${Object.entries(causes).map(([cause, list]) => `${cause} ${list?.length}`).join(', ')}`);
  assert.ok((causes.client_cancelled?.length ?? 0) >= 500, 'the resets before the GOAWAY are client cancels');
  assert.ok((causes.server_shutdown?.length ?? 0) >= 3, 'the streams open at the GOAWAY (the 3 held at least) ended by it');
  for (const end of causes.server_shutdown ?? []) assert.match(end.details, /^call ended by the GOAWAY the server sent \(ENHANCE_YOUR_CALM, rapid reset\)$/);
  const goawaySpans = harness.spans.spans().filter((span) => span.kind === SpanKind.SERVER && span.attributes['streamlab.end_cause'] === 'server_shutdown');
  // Span mode contrib: a call whose handler never ran has no span (the stock instrumentation starts it there).
  assert.equal(goawaySpans.length, telemetry.rpcSpans === 'contrib' ? 0 : causes.server_shutdown?.length);
  for (const span of goawaySpans) {
    const event = span.events.find((candidate) => candidate.name === 'goaway');
    assert.equal(event?.attributes?.['streamlab.http2.error_code'], 'ENHANCE_YOUR_CALM');
    assert.equal(event?.attributes?.['streamlab.http2.last_stream_id'], flood.goaway.lastStreamId);
  }
  // The connection event.
  const records = harness.logs.filter((record) => record['message'] === 'goaway sent');
  assert.equal(records.length, 1);
  const [record] = records as [Record<string, unknown>];
  assert.equal(record['level'], 'warn');
  assert.equal(record['error_code'], 'ENHANCE_YOUR_CALM');
  assert.equal(record['last_stream_id'], flood.goaway.lastStreamId);
  assert.equal(record['reason'], 'rapid reset');
  assert.equal(record['premature_resets'], causes.client_cancelled?.length, 'each premature reset one client cancel');
  assert.match(String(record['connection_id']), /^conn-\d+$/);
  assert.equal(await harness.metric('streamlab_goaways_sent_total', { error_code: 'ENHANCE_YOUR_CALM' }), 1);
  assert.equal(await harness.metric('streamlab_stream_ends_total', { side: 'server', scenario: 'rapid-reset', end_cause: 'client_cancelled' }), causes.client_cancelled?.length);
});

test('with streamlab\'s bound off, Node answers the flood itself: GOAWAY INTERNAL_ERROR after about 1,000 resets, which the server never hears of', async (t) => {
  const harness = await startHarness({ server: { maxPrematureResets: 0 } });
  t.after(() => harness.close());
  const flood = await rapidReset({ target: harness.target, path: NOTIFY, baggage: BAGGAGE });
  assert.equal(flood.goaway?.errorName, 'INTERNAL_ERROR');
  assert.ok(flood.reset >= 1_000, `${flood.reset} resets`);
  t.diagnostic(`Node's GOAWAY after ${flood.reset} resets, last stream id ${flood.goaway?.lastStreamId}`);
  assert.equal(await harness.metric('streamlab_goaways_sent_total', { error_code: 'INTERNAL_ERROR' }), 0);
  assert.equal(harness.logs.filter((record) => record['message'] === 'goaway sent').length, 0);
});

test('a client that cancels 520 calls it held for more than a second gets no GOAWAY', async (t) => {
  const harness = await startHarness();
  const client = createStreamlabClient(createTelemetryDeps({ pipeline: telemetry, logger: { level: 'error' } }), { target: harness.target });
  t.after(async () => {
    client.close();
    await harness.close();
  });
  const calls = Array.from({ length: 520 }, () => client.notify({ topic: 'held', text: 'x', delayMs: 60_000 }));
  assert.ok(await pollProcesses(() => harness.server.activeStreams === 520, 10_000), 'all open on the server');
  const heldSince = performance.now();
  await pollProcesses(() => performance.now() - heldSince > 1_100, 2_000);
  for (const call of calls) call.cancel();
  const ends = await Promise.all(calls.map((call) => call.ended));
  assert.ok(ends.every((end) => end.endCause === 'client_cancelled'));
  assert.ok(await pollProcesses(() => harness.server.activeStreams === 0, 5_000));
  assert.equal(harness.observer.ends().filter((end) => end.side === 'server' && end.endCause !== 'client_cancelled').length, 0);
  assert.equal(harness.logs.filter((record) => record['message'] === 'goaway sent').length, 0);
});
