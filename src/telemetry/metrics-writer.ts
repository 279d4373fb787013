/**
 * Writes a call's telemetry into the Prometheus metrics (design §4): the go-grpc-prometheus
 * series by `grpc_type`/`grpc_service`/`grpc_method`, and streamlab's own by side, end
 * cause and scenario, with the trace id as exemplar where the series takes one.
 *
 * Message counts are not added per message: the recorder keeps them as integers and this
 * writer adds the difference at every segment, at the end, and on every scrape (metrics.ts
 * `PendingCounts`), so the per-message path never hashes a label set.
 */
import type { CallView, CallWriter, EndInput } from './call-writer.ts';
import type { StreamEnd } from './lifecycle-event.ts';
import type { Metrics } from './metrics.ts';
import { traceExemplar } from './metrics.ts';
import { grpcCodeLabel } from './grpc-status.ts';

/** `{ side, scenario, grpc_service }` of a call. */
const streamLabels = (call: CallView) => ({ side: call.side, scenario: call.scenario, grpc_service: call.method.service });

/** The metrics writer. */
export class MetricsWriter implements CallWriter {
  readonly #metrics: Metrics;

  constructor(metrics: Metrics) {
    this.#metrics = metrics;
  }

  open(call: CallView): void {
    const grpc = call.side === 'server' ? this.#metrics.server : this.#metrics.client;
    this.#metrics.streamsActive.inc(streamLabels(call));
    grpc.started.inc({ labels: call.method.grpcLabels, value: 1, exemplarLabels: traceExemplar(call.traceId) as never });
    this.#metrics.pending.add(call);
  }

  message(): void {}
  phase(): void {}
  event(): void {}
  segment(): void {}

  backpressure(call: CallView, startMs: number, endMs: number | undefined): void {
    if (endMs === undefined) return;
    this.#metrics.backpressureWaitSeconds.observe({ labels: streamLabels(call), value: (endMs - startMs) / 1000, exemplarLabels: traceExemplar(call.traceId) as never });
  }

  flush(call: CallView): void {
    const grpc = call.side === 'server' ? this.#metrics.server : this.#metrics.client;
    const { sent, received, flushedSent, flushedReceived } = call;
    if (sent > flushedSent) grpc.msgSent.inc(call.method.grpcLabels, sent - flushedSent);
    if (received > flushedReceived) grpc.msgReceived.inc(call.method.grpcLabels, received - flushedReceived);
    // The data direction (see StreamEnd.messages): requests for client streaming, responses otherwise.
    const dataIsSent = call.method.kind === 'client_stream' ? call.side === 'client' : call.side === 'server';
    const data = dataIsSent ? sent - flushedSent : received - flushedReceived;
    if (data > 0) this.#metrics.streamMessages.inc(streamLabels(call), data);
    call.flushedSent = sent;
    call.flushedReceived = received;
  }

  end(call: CallView, end: StreamEnd, input: EndInput): void {
    const metrics = this.#metrics;
    const grpc = call.side === 'server' ? metrics.server : metrics.client;
    const exemplarLabels = traceExemplar(call.traceId) as never;
    this.flush(call);
    metrics.pending.delete(call);
    const stream = streamLabels(call);
    metrics.streamsActive.dec(stream);
    const labels = { side: call.side, end_cause: input.cause, scenario: call.scenario, grpc_service: call.method.service };
    metrics.streamEnds.inc({ labels, value: 1, exemplarLabels });
    if (end.detectionMs !== undefined) metrics.detectionSeconds.observe({ labels, value: end.detectionMs / 1000, exemplarLabels });
    grpc.handled.inc({ labels: { ...call.method.grpcLabels, grpc_code: grpcCodeLabel(input.grpcCode) }, value: 1, exemplarLabels });
    grpc.handlingSeconds.observe({ labels: call.method.grpcLabels, value: (end.endedAtMs - end.openedAtMs) / 1000, exemplarLabels });
  }
}
