/**
 * The calls' counters and gauges between scrapes (src/telemetry/call-series.ts): nothing
 * reaches prom-client until a scrape asks, then every series that moved is written once,
 * with the same names, labels, values and latest trace-id exemplar a per-call write gave.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMetrics, createRegistry } from '../../src/telemetry/metrics.ts';
import { methodInfoOf } from '../../src/core/method-info.ts';

const notify = methodInfoOf({ path: '/streamlab.v1.Ticker/Notify', requestStream: false, responseStream: false, requestSerialize: () => Buffer.alloc(0) });
const TRACE_A = 'a'.repeat(32);
const TRACE_B = 'b'.repeat(32);

/** The lines of an OpenMetrics scrape that start with `prefix`, exemplar timestamps cut off. */
const linesOf = (text: string, prefix: string) =>
  text.split('\n').filter((line) => line.startsWith(prefix)).map((line) => line.replace(/(# \{.*\} \d+) [\d.]+$/, '$1'));

const NOTIFY = 'grpc_type="unary",grpc_service="streamlab.v1.Ticker",grpc_method="Notify"';
const STREAM = 'scenario="cancel",grpc_service="streamlab.v1.Ticker"';

test('call series: counts wait for the scrape, then every moved series is written once, the exemplar the latest call', async () => {
  const metrics = createMetrics(createRegistry());
  const { batch } = metrics;
  const series = batch.of('server', 'cancel', notify);
  batch.opened(series, TRACE_A);
  batch.opened(batch.of('server', 'cancel', notify), TRACE_B);
  series.msgReceived += 2;
  series.msgSent += 1;
  series.dataMessages += 1;
  batch.ended(series, 'completed', 0, TRACE_A);
  batch.ended(series, 'client_cancelled', 1, TRACE_B);
  // get() on one metric runs its collect hook, as a scrape does: a reader of one metric sees the batch too.
  assert.deepEqual((await metrics.server.started.get()).values.map((value) => value.value), [2]);

  const text = await metrics.registry.metrics();
  assert.deepEqual(linesOf(text, 'grpc_server_started_total{'), [`grpc_server_started_total{${NOTIFY}} 2 # {trace_id="${TRACE_B}"} 1`]);
  assert.deepEqual(linesOf(text, 'grpc_server_handled_total{'), [
    `grpc_server_handled_total{${NOTIFY},grpc_code="OK"} 1 # {trace_id="${TRACE_A}"} 1`,
    `grpc_server_handled_total{${NOTIFY},grpc_code="Canceled"} 1 # {trace_id="${TRACE_B}"} 1`,
  ]);
  assert.deepEqual(linesOf(text, 'streamlab_stream_ends_total{'), [
    `streamlab_stream_ends_total{side="server",end_cause="completed",${STREAM}} 1 # {trace_id="${TRACE_A}"} 1`,
    `streamlab_stream_ends_total{side="server",end_cause="client_cancelled",${STREAM}} 1 # {trace_id="${TRACE_B}"} 1`,
  ]);
  // Two opened, two ended: the gauge is written, at 0, not left out.
  assert.deepEqual(linesOf(text, 'streamlab_streams_active{'), [`streamlab_streams_active{side="server",${STREAM}} 0`]);
  assert.deepEqual(linesOf(text, 'grpc_server_msg_received_total{'), [`grpc_server_msg_received_total{${NOTIFY}} 2`]);
  assert.deepEqual(linesOf(text, 'grpc_server_msg_sent_total{'), [`grpc_server_msg_sent_total{${NOTIFY}} 1`]);
  assert.deepEqual(linesOf(text, 'streamlab_stream_messages_total{'), [`streamlab_stream_messages_total{side="server",${STREAM}} 1`]);
  assert.deepEqual(linesOf(text, 'grpc_client_started_total{'), [], 'the client side did not move');

  // Nothing new: the next scrape is the same. One more call (no trace) adds to what was written.
  assert.equal(await metrics.registry.metrics(), text);
  batch.opened(batch.of('server', 'cancel', notify), '');
  const after = await metrics.registry.metrics();
  assert.deepEqual(linesOf(after, 'grpc_server_started_total{'), [`grpc_server_started_total{${NOTIFY}} 3 # {trace_id="${TRACE_B}"} 1`]);
  assert.deepEqual(linesOf(after, 'streamlab_streams_active{'), [`streamlab_streams_active{side="server",${STREAM}} 1`]);
});
