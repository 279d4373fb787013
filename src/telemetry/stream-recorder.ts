/**
 * The telemetry of one call on one side, for every RPC kind: span events and attributes,
 * metrics, logs and lifecycle records, from `stream.open` to the end cause (design §4).
 * The RPC layer (src/rpc/) drives it; it decides nothing about *why* a call ended.
 *
 * The per-message path is kept lean (`sent()`/`received()`): a counter increment, a
 * segment tick, and — for the first `messageEventCap` messages only — a span event with
 * the message's size and a lifecycle record. Metric counts are flushed in batches (see
 * `PendingCounts` in metrics.ts).
 */
import { context, trace } from '@opentelemetry/api';
import type { Attributes, Span, Tracer } from '@opentelemetry/api';
import type { EndCause, CloseKind } from '../core/end-cause.ts';
import type { MethodInfo } from '../rpc/method-info.ts';
import type { DeliveryAccount, LifecycleEvent, LifecycleObserver, LifecyclePhase, StreamEnd } from './lifecycle-event.ts';
import { nowMs } from './lifecycle-event.ts';
import type { CauseClock } from './cause-clock.ts';
import type { Logger } from './logger.ts';
import type { Metrics, Side } from './metrics.ts';
import { traceExemplar } from './metrics.ts';
import * as sc from './semconv.ts';
import { grpcCodeLabel } from './grpc-status.ts';
import { startStreamSegments } from './stream-segments.ts';
import { createMessageCounts } from './message-counts.ts';
import { deliveryAttributes } from './delivery-attributes.ts';

/** What every stream recorder needs; built once per process (or per test). */
export interface RecorderDeps {
  metrics: Metrics;
  logger: Logger;
  /** Tracer for our own child spans (backpressure.wait, stream.segment). */
  tracer: Tracer;
  observer?: LifecycleObserver;
  causeClock?: CauseClock;
  /** Message events recorded per RPC span at most; counts stay exact. Default 100. */
  messageEventCap?: number;
  /** A `stream.segment` span closes every this many ms. Default 30,000. */
  segmentIntervalMs?: number;
  /** ... or every this many messages, whichever comes first. Default 1,000. */
  segmentMessages?: number;
}

/** Identity of the call being recorded. */
export interface StreamIdentity {
  side: Side;
  streamId: string;
  scenario: string;
  /** The RPC span (instrumentation-grpc's CLIENT or SERVER span). */
  span: Span;
  method: MethodInfo;
  connectionId?: string;
}

/** How a call ended, as the side's lifecycle classified it. */
export interface EndInput {
  cause: EndCause;
  grpcCode: number;
  details: string;
  closeKind?: CloseKind;
  /** `connect_failed`: the OS error, recorded as `error.type`. */
  connectError?: string;
}

/** Records one call. Create it when the call opens; call `end` exactly once. */
export function createStreamRecorder(deps: RecorderDeps, id: StreamIdentity) {
  const { metrics, logger, observer } = deps;
  const spanContext = id.span.spanContext();
  const traceId = spanContext.traceId;
  const spanId = spanContext.spanId;
  const isServer = id.side === 'server';
  const grpc = isServer ? metrics.server : metrics.client;
  const kind = id.method.kind;
  const grpcLabels = { grpc_type: kind, grpc_service: id.method.service, grpc_method: id.method.method };
  const exemplar = traceExemplar(id.span.isRecording() ? traceId : undefined) as never;
  const parent = trace.setSpan(context.active(), id.span);
  const openedAtMs = nowMs();
  let delivery: (() => DeliveryAccount) | undefined;
  let ended: StreamEnd | undefined;
  const counts = createMessageCounts({
    metrics, side: id.side, scenario: id.scenario, method: id.method, span: id.span, cap: deps.messageEventCap ?? 100,
    onMessageEvent: (type, n) => emit('message', `${type} ${n}`),
  });
  const segments = kind === 'unary'
    ? undefined
    : startStreamSegments({
      tracer: deps.tracer, parent, streamId: id.streamId, onClose: counts.flushCounts,
      ...(deps.segmentIntervalMs !== undefined ? { intervalMs: deps.segmentIntervalMs } : {}),
      ...(deps.segmentMessages !== undefined ? { messages: deps.segmentMessages } : {}),
    });

  const logFields = (phase: LifecyclePhase) => ({
    event: phase, side: id.side, scenario: id.scenario, stream_id: id.streamId,
    rpc_kind: kind, rpc_method: id.method.path, trace_id: traceId, span_id: spanId,
  });

  function emit(phase: LifecyclePhase, detail?: string, atMs = nowMs()): void {
    if (!observer?.onEvent) return;
    const event: LifecycleEvent = { side: id.side, streamId: id.streamId, scenario: id.scenario, phase, atMs };
    if (detail !== undefined) event.detail = detail;
    observer.onEvent(event);
  }

  metrics.streamsActive.inc({ side: id.side, scenario: id.scenario, grpc_service: id.method.service });
  grpc.started.inc({ labels: grpcLabels, value: 1, exemplarLabels: exemplar });
  id.span.setAttributes({
    [sc.ATTR_STREAM_ID]: id.streamId,
    [sc.ATTR_SCENARIO]: id.scenario,
    [sc.ATTR_RPC_KIND]: kind,
    ...(id.connectionId ? { [sc.ATTR_CONNECTION_ID]: id.connectionId } : {}),
  });
  id.span.addEvent(sc.EVENT_STREAM_OPEN, undefined, openedAtMs);
  if (logger.isDebugEnabled()) logger.debug('stream open', logFields('stream.open'));
  emit('stream.open', undefined, openedAtMs);

  return {
    streamId: id.streamId,
    /** The scenario name (W3C baggage), or `none`. */
    scenario: id.scenario,
    /** Hex trace id of the RPC span. */
    traceId,
    /** The RPC span. */
    span: id.span,
    /** A context whose active span is the RPC span, to parent child spans. */
    context: parent,
    /** Messages this side sent so far. */
    get sent(): number {
      return counts.sent;
    },
    /** Messages this side received so far. */
    get received(): number {
      return counts.received;
    },
    /** Records that this side sent `message` (its size is computed for the first `messageEventCap` only). */
    sentMessage(message: unknown): void {
      counts.sentMessage(message);
      segments?.sent();
    },
    /** Records that this side received `message`. */
    receivedMessage(message: unknown): void {
      counts.receivedMessage(message);
      segments?.received();
    },
    /** Starts a `backpressure.wait` span; call the returned function on 'drain'. */
    backpressureWait(): () => void {
      const startMs = nowMs();
      const span = deps.tracer.startSpan(sc.SPAN_BACKPRESSURE_WAIT, { startTime: startMs }, parent);
      emit('backpressure.wait', undefined, startMs);
      return () => {
        span.end();
        metrics.backpressureWaitSeconds.observe({
          labels: { side: id.side, scenario: id.scenario, grpc_service: id.method.service },
          value: (nowMs() - startMs) / 1000,
          exemplarLabels: exemplar,
        });
      };
    },
    /** The call was cancelled (RST_STREAM CANCEL seen, or this client called cancel()). */
    cancel(atMs = nowMs()): void {
      id.span.addEvent(sc.EVENT_STREAM_CANCEL, undefined, atMs);
      logger.info('stream cancel', logFields('stream.cancel'));
      emit('stream.cancel', undefined, atMs);
    },
    /** The TCP connection under the call closed, and how. */
    transportClose(closeKind: CloseKind, atMs = nowMs()): void {
      id.span.addEvent(sc.EVENT_TRANSPORT_CLOSE, { [sc.ATTR_TRANSPORT_CLOSE_KIND]: closeKind }, atMs);
      logger.info('transport close', { ...logFields('transport.close'), close_kind: closeKind });
      emit('transport.close', closeKind, atMs);
    },
    /** This side's keepalive PING went unanswered. */
    keepaliveTimeout(atMs = nowMs()): void {
      id.span.addEvent(sc.EVENT_KEEPALIVE_TIMEOUT, undefined, atMs);
      logger.warn('keepalive timeout', logFields('keepalive.timeout'));
      emit('keepalive.timeout', undefined, atMs);
    },
    /** A GOAWAY was sent (server) or seen (client). */
    goaway(atMs = nowMs()): void {
      id.span.addEvent(sc.EVENT_GOAWAY, undefined, atMs);
      logger.info('goaway', logFields('goaway'));
      emit('goaway', undefined, atMs);
    },
    /**
     * A protocol event of the service on the RPC span (e.g. `delivery.ack`), with a log
     * record at `level` and, for the phases the timeline draws, a lifecycle record.
     */
    event(name: string, attributes: Attributes, level: 'debug' | 'info' | 'warn' = 'debug'): void {
      id.span.addEvent(name, attributes);
      logger.log(level, name, { ...logFields(name as LifecyclePhase), ...attributes });
      if (name === 'delivery.redeliver' || name === 'delivery.exhausted') emit(name, String(attributes[sc.ATTR_DELIVERY_MESSAGE_ID]));
    },
    /**
     * Attaches the delivery accounting: `snapshot` is called when the call ends, and its
     * account goes into the end record, the span's attributes and the end log record.
     */
    attachDelivery(snapshot: () => DeliveryAccount): void {
      delivery = snapshot;
    },
    /**
     * Records the end once: attributes on the RPC span, metrics, the log record and the
     * lifecycle record. Neither sets the span's status nor ends it: whoever ends the span
     * does. Later calls return the first end.
     */
    end(input: EndInput, endedAtMs = nowMs()): StreamEnd {
      if (ended) return ended;
      segments?.end();
      counts.close();
      const { sent, received } = counts;
      const causeAt = deps.causeClock?.causeAt(id.scenario);
      const detectionMs = causeAt !== undefined && endedAtMs >= causeAt ? endedAtMs - causeAt : undefined;
      const messages = counts.data;
      ended = {
        side: id.side, streamId: id.streamId, scenario: id.scenario, traceId,
        rpc: kind, service: id.method.service, method: id.method.method,
        endCause: input.cause, grpcCode: input.grpcCode, details: input.details,
        messages, sent, received, openedAtMs, endedAtMs,
        ...(detectionMs !== undefined ? { detectionMs } : {}),
        ...(id.connectionId ? { connectionId: id.connectionId } : {}),
        ...(input.closeKind ? { closeKind: input.closeKind } : {}),
        ...(input.connectError ? { connectError: input.connectError } : {}),
        ...(delivery ? { delivery: delivery() } : {}),
      };
      id.span.setAttributes({
        [sc.ATTR_END_CAUSE]: input.cause,
        [sc.ATTR_RPC_GRPC_STATUS_CODE]: input.grpcCode,
        [sc.ATTR_MESSAGES_SENT]: sent,
        [sc.ATTR_MESSAGES_RECEIVED]: received,
        ...(detectionMs !== undefined ? { [sc.ATTR_DETECTION_MS]: detectionMs } : {}),
        ...(input.connectError ? { [sc.ATTR_ERROR_TYPE]: input.connectError } : {}),
        ...(ended.delivery ? deliveryAttributes(ended.delivery) : {}),
      });
      const labels = { side: id.side, end_cause: input.cause, scenario: id.scenario, grpc_service: id.method.service };
      metrics.streamsActive.dec({ side: id.side, scenario: id.scenario, grpc_service: id.method.service });
      metrics.streamEnds.inc({ labels, value: 1, exemplarLabels: exemplar });
      if (detectionMs !== undefined) {
        metrics.detectionSeconds.observe({ labels, value: detectionMs / 1000, exemplarLabels: exemplar });
      }
      grpc.handled.inc({ labels: { ...grpcLabels, grpc_code: grpcCodeLabel(input.grpcCode) }, value: 1, exemplarLabels: exemplar });
      grpc.handlingSeconds.observe({ labels: grpcLabels, value: (endedAtMs - openedAtMs) / 1000, exemplarLabels: exemplar });
      id.span.addEvent(sc.EVENT_STREAM_END, { [sc.ATTR_END_CAUSE]: input.cause }, endedAtMs);
      logger.info('stream end', {
        ...logFields('stream.end'),
        end_cause: input.cause,
        grpc_code: input.grpcCode,
        messages_sent: sent,
        messages_received: received,
        ...(detectionMs !== undefined ? { detection_ms: Math.round(detectionMs * 100) / 100 } : {}),
        ...(input.connectError ? { connect_error: input.connectError } : {}),
        ...(ended.delivery ? { delivery: ended.delivery } : {}),
      });
      emit('stream.end', input.cause, endedAtMs);
      observer?.onEnd?.(ended);
      return ended;
    },
  };
}

/** The recorder of one call. */
export type StreamRecorder = ReturnType<typeof createStreamRecorder>;
