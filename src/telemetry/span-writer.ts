/**
 * Writes a call's telemetry onto its RPC span (design §4): streamlab's attributes, the
 * `stream.open`, `message`, `stream.cancel`, `transport.close`, `keepalive.timeout`,
 * `goaway` and `stream.end` events, the end attributes, the status per the OTel RPC
 * semconv, and the child spans `backpressure.wait` and `stream.segment`.
 *
 * Span mode `streamlab`: the RPC layer started the span; this writer ends it.
 * Span mode `contrib`: the stock instrumentation started the span and may end it itself
 * (on a handler's status) or never (a cancelled server stream). This writer decorates what
 * is still open, and at the call's end waits one turn of the event loop to see whether the
 * stock instrumentation ends it; if not, it ends it and says so (`streamlab.span.ended_by`).
 * What the stock instrumentation recorded (its status, who ended the span) goes into the
 * end record for the reports.
 */
import { context, trace, SpanStatusCode } from '@opentelemetry/api';
import type { Attributes, Span, Tracer } from '@opentelemetry/api';
import { causeOfStatus } from '../core/end-cause.ts';
import type { CallView, CallWriter, EndInput, MessageType } from './call-writer.ts';
import type { LifecyclePhase, StockSpanFacts, StreamEnd } from './lifecycle-event.ts';
import { isServerError } from './grpc-status.ts';
import * as sc from './semconv.ts';
import type { RpcSpanPipeline } from './telemetry-deps.ts';

/** The shortest wait for 'drain' that gets a `backpressure.wait` span, ms (the metric sees every wait). */
export const BACKPRESSURE_SPAN_MIN_MS = 1;

const PHASE_EVENTS: Partial<Record<LifecyclePhase, string>> = {
  'stream.cancel': sc.EVENT_STREAM_CANCEL,
  'transport.close': sc.EVENT_TRANSPORT_CLOSE,
  'keepalive.timeout': sc.EVENT_KEEPALIVE_TIMEOUT,
  goaway: sc.EVENT_GOAWAY,
};

/**
 * streamlab's identity attributes of a call's span: stream id, scenario (the raw value when
 * it is not the label), RPC kind, connection id. Set when the span ends, not while it is
 * open: a long-lived idle stream then holds a smaller span.
 */
function identity(call: CallView): Attributes {
  return {
    [sc.ATTR_STREAM_ID]: call.streamId,
    [sc.ATTR_SCENARIO]: call.scenarioRaw ?? call.scenario,
    [sc.ATTR_RPC_KIND]: call.method.kind,
    ...(call.connectionId ? { [sc.ATTR_CONNECTION_ID]: call.connectionId } : {}),
  };
}

/** The status of an RPC span per the OTel RPC semconv: any non-OK code on a CLIENT span, only server errors on a SERVER span. */
export function rpcSpanStatus(side: 'client' | 'server', code: number, details: string): { code: SpanStatusCode; message?: string } {
  const error = side === 'client' ? code !== 0 : isServerError(code);
  return error ? { code: SpanStatusCode.ERROR, message: details } : { code: SpanStatusCode.UNSET };
}

/** The span writer. */
export class SpanWriter implements CallWriter {
  readonly #tracer: Tracer;
  readonly #contrib: boolean;
  /** Span mode contrib: open calls by their (stock) span, and what the stock recorded as each span ended. */
  readonly #calls = new WeakMap<Span, CallView>();
  readonly #stock = new WeakMap<Span, Omit<StockSpanFacts, 'endedBy'>>();
  /** Spans this writer ended itself (span mode contrib). */
  readonly #endedHere = new WeakSet<Span>();

  constructor(tracer: Tracer, pipeline: RpcSpanPipeline | undefined) {
    this.#tracer = tracer;
    this.#contrib = pipeline?.rpcSpans === 'contrib';
    pipeline?.stockSpans?.onEnding((span, facts) => {
      this.#stock.set(span, facts);
      const call = this.#calls.get(span);
      // The stock instrumentation ends a unary or client-streaming SERVER span on the handler's
      // callback, before the status reaches streamlab's interceptor: what is known so far goes on now.
      if (call && !this.#endedHere.has(span)) {
        span.setAttributes({ ...identity(call), [sc.ATTR_MESSAGES_SENT]: call.sent, [sc.ATTR_MESSAGES_RECEIVED]: call.received });
        if (facts.grpcStatusCode !== undefined) {
          const cause = causeOfStatus(facts.grpcStatusCode);
          span.setAttribute(sc.ATTR_END_CAUSE, cause);
          span.addEvent(sc.EVENT_STREAM_END, { [sc.ATTR_END_CAUSE]: cause });
        }
      }
    });
  }

  open(call: CallView): void {
    if (!call.recording) return;
    if (this.#contrib) this.#calls.set(call.span, call);
    // streamlab's own attributes go on at the end (identity()): an open span holds less.
    call.span.addEvent(sc.EVENT_STREAM_OPEN, undefined, call.openedAtMs);
  }

  message(call: CallView, type: MessageType, n: number, message: unknown): void {
    if (!call.recording || !call.span.isRecording()) return;
    const size = (call.side === 'server') === (type === 'SENT') ? call.method.responseBytes(message) : call.method.requestBytes(message);
    call.span.addEvent(sc.EVENT_MESSAGE, {
      [sc.ATTR_RPC_MESSAGE_TYPE]: type, [sc.ATTR_RPC_MESSAGE_ID]: n, [sc.ATTR_RPC_MESSAGE_UNCOMPRESSED_SIZE]: size,
    });
  }

  phase(call: CallView, phase: LifecyclePhase, atMs: number, detail: string | undefined): void {
    const name = PHASE_EVENTS[phase];
    if (!name || !call.recording) return;
    call.span.addEvent(name, phase === 'transport.close' && detail ? { [sc.ATTR_TRANSPORT_CLOSE_KIND]: detail } : undefined, atMs);
  }

  event(call: CallView, name: string, attributes: Attributes): void {
    if (call.recording) call.span.addEvent(name, attributes);
  }

  backpressure(call: CallView, startMs: number, endMs: number | undefined): void {
    if (endMs === undefined || !call.recording || endMs - startMs < BACKPRESSURE_SPAN_MIN_MS) return;
    this.#tracer.startSpan(sc.SPAN_BACKPRESSURE_WAIT, { startTime: startMs }, trace.setSpan(context.active(), call.span)).end(endMs);
  }

  segment(call: CallView, index: number, startMs: number, endMs: number, sent: number, received: number): void {
    this.#tracer
      .startSpan(sc.SPAN_STREAM_SEGMENT, {
        startTime: startMs,
        attributes: {
          [sc.ATTR_SEGMENT_INDEX]: index, [sc.ATTR_STREAM_ID]: call.streamId,
          [sc.ATTR_MESSAGES_SENT]: sent, [sc.ATTR_MESSAGES_RECEIVED]: received,
        },
      }, trace.setSpan(context.active(), call.span))
      .end(endMs);
  }

  flush(): void {}

  end(call: CallView, end: StreamEnd, input: EndInput): Promise<StockSpanFacts | undefined> | void {
    const span = call.span;
    if (!call.recording) return;
    if (span.isRecording()) {
      span.setAttributes({
        ...identity(call),
        [sc.ATTR_END_CAUSE]: input.cause,
        [sc.ATTR_RPC_GRPC_STATUS_CODE]: input.grpcCode,
        [sc.ATTR_MESSAGES_SENT]: end.sent,
        [sc.ATTR_MESSAGES_RECEIVED]: end.received,
        ...(end.detectionMs !== undefined ? { [sc.ATTR_DETECTION_MS]: end.detectionMs } : {}),
        ...(input.connectError ? { [sc.ATTR_ERROR_TYPE]: input.connectError } : {}),
        ...input.attributes,
      });
      span.addEvent(sc.EVENT_STREAM_END, { [sc.ATTR_END_CAUSE]: input.cause }, end.endedAtMs);
    }
    if (!this.#contrib) {
      span.setStatus(rpcSpanStatus(call.side, input.grpcCode, input.details));
      span.end(end.endedAtMs);
      return;
    }
    this.#calls.delete(span);
    return new Promise((resolve) => setImmediate(() => resolve(this.#endStock(call, input, end.endedAtMs))));
  }

  /** Span mode contrib, one turn after the call's end: ends the stock span if the stock instrumentation did not. */
  #endStock(call: CallView, input: EndInput, endedAtMs: number): StockSpanFacts | undefined {
    const span = call.span;
    let endedBy: StockSpanFacts['endedBy'] = 'instrumentation';
    if (span.isRecording()) {
      endedBy = 'streamlab';
      this.#endedHere.add(span);
      span.setAttribute(sc.ATTR_SPAN_ENDED_BY, 'streamlab');
      span.setStatus(rpcSpanStatus(call.side, input.grpcCode, input.details));
      span.end(endedAtMs);
    }
    const facts = this.#stock.get(span);
    if (!facts) return undefined;
    // A span the stock instrumentation never ended has no status or code of its own.
    return endedBy === 'instrumentation' ? { ...facts, endedBy } : { name: facts.name, statusCode: SpanStatusCode.UNSET, endedBy };
  }
}
