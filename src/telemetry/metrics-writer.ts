/**
 * Writes a call's telemetry into the Prometheus metrics (design §4): the go-grpc-prometheus
 * series by `grpc_type`/`grpc_service`/`grpc_method`, and streamlab's own by side, end
 * cause and scenario, with the trace id as exemplar where the series takes one.
 *
 * Counters and gauges are not written per call: this writer adds integers to the call's
 * series (call-series.ts), which prom-client hears on the next scrape; message counts are
 * added at every segment, at the end, and on every scrape (metrics.ts `PendingCounts`).
 * Histograms are observed at once, with the trace id as exemplar.
 */
import type { CallView, CallWriter, EndInput } from './call-writer.ts';
import type { StreamEnd } from './lifecycle-event.ts';
import type { Metrics } from './metrics.ts';
import { traceExemplar } from './metrics.ts';

/** `{ side, scenario, grpc_service }` of a call. */
const streamLabels = (call: CallView) => ({ side: call.side, scenario: call.scenario, grpc_service: call.method.service });

/** The metrics writer. */
export class MetricsWriter implements CallWriter {
  readonly #metrics: Metrics;

  constructor(metrics: Metrics) {
    this.#metrics = metrics;
  }

  open(call: CallView): void {
    const metrics = this.#metrics;
    metrics.batch.opened(metrics.batch.of(call.side, call.scenario, call.method), call.traceId);
    metrics.pending.add(call);
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
    const { sent, received, flushedSent, flushedReceived } = call;
    if (sent === flushedSent && received === flushedReceived) return;
    const series = this.#metrics.batch.of(call.side, call.scenario, call.method);
    series.msgSent += sent - flushedSent;
    series.msgReceived += received - flushedReceived;
    // The data direction (see StreamEnd.messages): requests for client streaming, responses otherwise.
    const dataIsSent = call.method.kind === 'client_stream' ? call.side === 'client' : call.side === 'server';
    series.dataMessages += dataIsSent ? sent - flushedSent : received - flushedReceived;
    call.flushedSent = sent;
    call.flushedReceived = received;
  }

  end(call: CallView, end: StreamEnd, input: EndInput): void {
    const metrics = this.#metrics;
    const grpc = call.side === 'server' ? metrics.server : metrics.client;
    this.flush(call);
    metrics.pending.delete(call);
    metrics.batch.ended(metrics.batch.of(call.side, call.scenario, call.method), input.cause, input.grpcCode, call.traceId);
    const exemplarLabels = traceExemplar(call.traceId) as never;
    if (end.detectionMs !== undefined) {
      const labels = { side: call.side, end_cause: input.cause, scenario: call.scenario, grpc_service: call.method.service };
      metrics.detectionSeconds.observe({ labels, value: end.detectionMs / 1000, exemplarLabels });
    }
    grpc.handlingSeconds.observe({ labels: call.method.grpcLabels, value: (end.endedAtMs - end.openedAtMs) / 1000, exemplarLabels });
  }
}
