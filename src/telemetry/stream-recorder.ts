/**
 * The telemetry of one stream on one side: span events and attributes, metrics, logs and
 * lifecycle records, from `stream.open` to the end cause (design §4). Server and client
 * lifecycles drive it; it decides nothing about *why* a stream ended.
 */
import { context, trace } from '@opentelemetry/api';
import type { Span, Tracer } from '@opentelemetry/api';
import type { EndCause, CloseKind } from '../core/end-cause.ts';
import type { LifecycleEvent, LifecycleObserver, LifecyclePhase, StreamEnd } from './lifecycle-event.ts';
import { nowMs } from './lifecycle-event.ts';
import type { CauseClock } from './cause-clock.ts';
import type { Logger } from './logger.ts';
import type { Metrics, Side } from './metrics.ts';
import { traceExemplar } from './metrics.ts';
import * as sc from './semconv.ts';
import { grpcCodeLabel } from './grpc-status.ts';
import { startStreamSegments } from './stream-segments.ts';

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

/** Identity of the stream being recorded. */
export interface StreamIdentity {
  side: Side;
  streamId: string;
  scenario: string;
  /** The RPC span (instrumentation-grpc's CLIENT or SERVER span). */
  span: Span;
  service: string;
  method: string;
  connectionId?: string;
}

/** How a stream ended, as the side's lifecycle classified it. */
export interface EndInput {
  cause: EndCause;
  grpcCode: number;
  details: string;
  closeKind?: CloseKind;
}

/** Records one stream. Create it when the stream opens; call `end` exactly once. */
export function createStreamRecorder(deps: RecorderDeps, id: StreamIdentity) {
  const { metrics, logger, observer } = deps;
  const cap = deps.messageEventCap ?? 100;
  const traceId = id.span.spanContext().traceId;
  const spanId = id.span.spanContext().spanId;
  const grpc = id.side === 'server' ? metrics.server : metrics.client;
  const grpcLabels = { grpc_type: 'server_stream', grpc_service: id.service, grpc_method: id.method };
  const exemplar = traceExemplar(id.span.isRecording() ? traceId : undefined);
  const messageCounter = (id.side === 'server' ? grpc.msgSent : grpc.msgReceived).labels(grpcLabels);
  const streamMessages = metrics.streamMessages.labels({ side: id.side, scenario: id.scenario });
  const spanContext = trace.setSpan(context.active(), id.span);
  const openedAtMs = nowMs();
  let messages = 0;
  let ended: StreamEnd | undefined;
  const segments = startStreamSegments({
    tracer: deps.tracer, parent: spanContext, side: id.side, streamId: id.streamId,
    ...(deps.segmentIntervalMs !== undefined ? { intervalMs: deps.segmentIntervalMs } : {}),
    ...(deps.segmentMessages !== undefined ? { messages: deps.segmentMessages } : {}),
  });

  const logFields = (phase: LifecyclePhase) => ({
    event: phase,
    side: id.side,
    scenario: id.scenario,
    stream_id: id.streamId,
    trace_id: traceId,
    span_id: spanId,
  });

  function emit(phase: LifecyclePhase, detail?: string, atMs = nowMs()): void {
    const event: LifecycleEvent = { side: id.side, streamId: id.streamId, scenario: id.scenario, phase, atMs };
    if (detail !== undefined) event.detail = detail;
    observer?.onEvent?.(event);
  }

  metrics.streamsActive.inc({ side: id.side, scenario: id.scenario });
  grpc.started.inc({ labels: grpcLabels, value: 1, exemplarLabels: exemplar as never });
  id.span.setAttributes({
    [sc.ATTR_STREAM_ID]: id.streamId,
    [sc.ATTR_SCENARIO]: id.scenario,
    ...(id.connectionId ? { [sc.ATTR_CONNECTION_ID]: id.connectionId } : {}),
  });
  id.span.addEvent(sc.EVENT_STREAM_OPEN);
  logger.info('stream open', logFields('stream.open'));
  emit('stream.open', undefined, openedAtMs);

  return {
    streamId: id.streamId,
    /** Hex trace id of the RPC span. */
    traceId,
    /** Messages sent (server) or received (client) so far. */
    get messages(): number {
      return messages;
    },
    /** Records message N (1-based) of `sizeBytes` uncompressed bytes. */
    message(sizeBytes: number): void {
      messages += 1;
      messageCounter.inc();
      streamMessages.inc();
      if (messages <= cap) {
        id.span.addEvent(sc.EVENT_MESSAGE, {
          [sc.ATTR_RPC_MESSAGE_TYPE]: id.side === 'server' ? 'SENT' : 'RECEIVED',
          [sc.ATTR_RPC_MESSAGE_ID]: messages,
          [sc.ATTR_RPC_MESSAGE_UNCOMPRESSED_SIZE]: sizeBytes,
        });
      }
      if (observer?.onEvent) emit('message', String(messages));
      segments.message();
    },
    /** Starts a `backpressure.wait` span; call the returned function on 'drain'. */
    backpressureWait(): () => void {
      const startMs = nowMs();
      const span = deps.tracer.startSpan(sc.SPAN_BACKPRESSURE_WAIT, { startTime: startMs }, spanContext);
      emit('backpressure.wait', undefined, startMs);
      return () => {
        span.end();
        metrics.backpressureWaitSeconds.observe({
          labels: { side: id.side, scenario: id.scenario },
          value: (nowMs() - startMs) / 1000,
          exemplarLabels: exemplar as never,
        });
      };
    },
    /** The stream was cancelled (RST_STREAM CANCEL seen, or this client called cancel()). */
    cancel(atMs = nowMs()): void {
      id.span.addEvent(sc.EVENT_STREAM_CANCEL, undefined, atMs);
      logger.info('stream cancel', logFields('stream.cancel'));
      emit('stream.cancel', undefined, atMs);
    },
    /** The TCP connection under the stream closed, and how. */
    transportClose(kind: CloseKind, atMs = nowMs()): void {
      id.span.addEvent(sc.EVENT_TRANSPORT_CLOSE, { [sc.ATTR_TRANSPORT_CLOSE_KIND]: kind }, atMs);
      logger.info('transport close', { ...logFields('transport.close'), close_kind: kind });
      emit('transport.close', kind, atMs);
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
     * Records the end once: attributes on the RPC span, metrics, the log record and the
     * lifecycle record. Neither sets the span's status nor ends it: whoever ends the span does. Later calls return the first end.
     */
    end(input: EndInput, endedAtMs = nowMs()): StreamEnd {
      if (ended) return ended;
      segments.end();
      const causeAt = deps.causeClock?.causeAt(id.scenario);
      const detectionMs = causeAt !== undefined && endedAtMs >= causeAt ? endedAtMs - causeAt : undefined;
      ended = {
        side: id.side, streamId: id.streamId, scenario: id.scenario, traceId,
        endCause: input.cause, grpcCode: input.grpcCode, details: input.details,
        messages, openedAtMs, endedAtMs,
        ...(detectionMs !== undefined ? { detectionMs } : {}),
        ...(id.connectionId ? { connectionId: id.connectionId } : {}),
        ...(input.closeKind ? { closeKind: input.closeKind } : {}),
      };
      id.span.setAttributes({
        [sc.ATTR_END_CAUSE]: input.cause,
        [sc.ATTR_RPC_GRPC_STATUS_CODE]: input.grpcCode,
        [id.side === 'server' ? sc.ATTR_MESSAGES_SENT : sc.ATTR_MESSAGES_RECEIVED]: messages,
        [id.side === 'server' ? sc.ATTR_MESSAGES_RECEIVED : sc.ATTR_MESSAGES_SENT]: 1,
        ...(detectionMs !== undefined ? { [sc.ATTR_DETECTION_MS]: detectionMs } : {}),
      });
      const labels = { side: id.side, end_cause: input.cause, scenario: id.scenario };
      metrics.streamsActive.dec({ side: id.side, scenario: id.scenario });
      metrics.streamEnds.inc({ labels, value: 1, exemplarLabels: exemplar as never });
      if (detectionMs !== undefined) {
        metrics.detectionSeconds.observe({ labels, value: detectionMs / 1000, exemplarLabels: exemplar as never });
      }
      grpc.handled.inc({ labels: { ...grpcLabels, grpc_code: grpcCodeLabel(input.grpcCode) }, value: 1, exemplarLabels: exemplar as never });
      grpc.handlingSeconds.observe({ labels: grpcLabels, value: (endedAtMs - openedAtMs) / 1000, exemplarLabels: exemplar as never });
      (id.side === 'server' ? grpc.msgReceived : grpc.msgSent).inc(grpcLabels, 1);
      id.span.addEvent(sc.EVENT_STREAM_END, { [sc.ATTR_END_CAUSE]: input.cause }, endedAtMs);
      logger.info('stream end', {
        ...logFields('stream.end'),
        end_cause: input.cause,
        grpc_code: input.grpcCode,
        messages,
        ...(detectionMs !== undefined ? { detection_ms: Math.round(detectionMs * 100) / 100 } : {}),
      });
      emit('stream.end', input.cause, endedAtMs);
      observer?.onEnd?.(ended);
      return ended;
    },
  };
}

/** The recorder of one stream. */
export type StreamRecorder = ReturnType<typeof createStreamRecorder>;
