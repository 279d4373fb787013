/**
 * The server side of every call's life, for every method of every service and all four
 * RPC kinds: `observeHandler` wraps a method's handler when the service is added, so the
 * handler itself needs to know nothing about telemetry.
 *
 * What it watches on the grpc-js 1.14 call object (server.ts `handle*`, server-call.ts):
 * - received messages: `call.request` (unary, server streaming) or each `call.push(message)`
 *   grpc-js makes (client streaming, bidi: the call is a Duplex it pushes into);
 * - sent messages: each `call.write()` (server streaming, bidi) or the callback's value
 *   (unary, client streaming);
 * - the handler's own end: `call.end()` (OK), an 'error' emitted on the call, or the
 *   callback's error;
 * - every other end: 'cancelled', which grpc-js emits on every call end since 1.10, so it
 *   counts only when the handler had not ended the call. Then the fate of the TCP connection
 *   that carried the call tells client cancel from FIN, RST and keepalive timeout (design §1).
 *
 * Span ownership: instrumentation-grpc's SERVER span is active when the wrapped handler
 * runs. On the handler's own end the attributes are set before the status is sent and
 * instrumentation-grpc ends the span. On any other end it never does (0.22x-0.30x), so this
 * layer ends it. An error emitted on the call ends the span in instrumentation-grpc's
 * `errorMonitor` listener; ours is prepended so the attributes land first.
 */
import { errorMonitor } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { propagation, context, trace, SpanStatusCode, INVALID_SPAN_CONTEXT } from '@opentelemetry/api';
import { status as Status, Metadata } from '@grpc/grpc-js';
import type { UntypedHandleCall, sendUnaryData } from '@grpc/grpc-js';
import { END_CAUSE_TRAILER } from '../../core/end-cause.ts';
import type { EndCause } from '../../core/end-cause.ts';
import { StreamlabError, statusOfServiceError, toStatus } from '../../core/errors.ts';
import { createDeferred } from '../../core/deferred.ts';
import type { SocketFate } from '../../core/socket-fate.ts';
import type { MethodInfo } from '../method-info.ts';
import type { ConnectionTracker } from './connection-tracker.ts';
import { causeOfHandlerStatus, classifyCancel, deadlinePassed } from './classify-server-end.ts';
import { createStreamRecorder } from '../../telemetry/stream-recorder.ts';
import type { RecorderDeps, StreamRecorder } from '../../telemetry/stream-recorder.ts';
import { nowMs } from '../../telemetry/lifecycle-event.ts';
import type { StreamEnd } from '../../telemetry/lifecycle-event.ts';
import { isServerError } from '../../telemetry/grpc-status.ts';
import { BAGGAGE_SCENARIO, SCENARIO_NONE } from '../../telemetry/semconv.ts';

/** Dependencies of the server-side observation. */
export interface ServerCallDeps extends RecorderDeps {
  connections: ConnectionTracker;
  /** True once the server has begun shutting down. */
  isShuttingDown(): boolean;
  /** Calls open right now; the observation adds itself and leaves when the call ends. */
  active: Set<ServerCallObservation>;
  /**
   * How long a cancelled call waits for its connection's fate before it is called a
   * client cancel, ms. Default 50: socket 'end'/'error'/'close' arrive within a few
   * event-loop turns of grpc-js's 'cancelled' on loopback.
   */
  settleMs?: number;
}

/** The observation of one server call; handlers reach it with {@link observationOf}. */
export interface ServerCallObservation {
  readonly recorder: StreamRecorder;
  /** Aborted as soon as the call ends, whoever ended it: stop working on it then. */
  readonly signal: AbortSignal;
  /** Resolves with the end record once the call has ended on this side. Never rejects. */
  readonly ended: Promise<StreamEnd>;
  /**
   * Ends the call with the status `error` maps to (core/errors.ts `toStatus`); `cause`
   * defaults to failed (deadline_exceeded for DEADLINE_EXCEEDED). No-op once ended.
   */
  fail(error: unknown, cause?: EndCause): void;
}

/** Any grpc-js server call object (ServerWritableStreamImpl or ServerDuplexStreamImpl in 1.14). */
interface AnyServerCall {
  request?: unknown;
  getPeer(): string;
  getDeadline(): Date | number;
  on(event: 'cancelled', listener: () => void): unknown;
  prependListener(event: symbol, listener: (error: unknown) => void): unknown;
  emit(event: 'error', error: unknown): boolean;
  write?: (chunk: unknown, ...rest: unknown[]) => boolean;
  end?: (metadata?: Metadata) => unknown;
  push?: (chunk: unknown, encoding?: BufferEncoding) => boolean;
  pendingStatus?: { code: number; details: string; metadata?: Metadata | null };
  /** grpc-js: true once the call is cancelled or done (public ServerSurfaceCall field). */
  cancelled?: boolean;
  trailingMetadata?: Metadata;
}

const observations = new WeakMap<object, ServerCallObservation>();

/** The observation of `call`, if the call belongs to an observed method. */
export function observationOf(call: object): ServerCallObservation | undefined {
  return observations.get(call);
}

/**
 * The signal of `call`'s observation: aborted as soon as the call ends, whoever ended it.
 * @throws Error when `call` is not observed (its handler was not registered through createServer)
 */
export function callSignal(call: object): AbortSignal {
  const observation = observations.get(call);
  if (!observation) throw new Error('streamlab: this call is not observed; register its service through createServer');
  return observation.signal;
}

let nextStreamId = 1;

function scenarioOf(): string {
  return propagation.getBaggage(context.active())?.getEntry(BAGGAGE_SCENARIO)?.value ?? SCENARIO_NONE;
}

/** `metadata` (or a new one) with the end-cause trailer set, so the client can read the server's cause. */
function withCauseTrailer(metadata: Metadata | null | undefined, cause: EndCause): Metadata {
  const trailer = metadata ?? new Metadata();
  trailer.set(END_CAUSE_TRAILER, cause);
  return trailer;
}

/**
 * Wraps `handler`, the implementation of method `info`, so every call of it is observed.
 * The wrapper has the handler's signature; register it in place of the handler.
 */
export function observeHandler(info: MethodInfo, handler: UntypedHandleCall, deps: ServerCallDeps): UntypedHandleCall {
  const requestStreams = info.kind === 'client_stream' || info.kind === 'bidi_stream';
  const responseStreams = info.kind === 'server_stream' || info.kind === 'bidi_stream';

  return function observedHandler(this: unknown, rawCall: unknown, rawCallback?: sendUnaryData<unknown>): void {
    const call = rawCall as AnyServerCall;
    const span = trace.getActiveSpan() ?? trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    const connection = deps.connections.byPeer(call.getPeer());
    const recorder = createStreamRecorder(deps, {
      side: 'server', streamId: `s-${nextStreamId++}`, scenario: scenarioOf(), span, method: info,
      ...(connection ? { connectionId: connection.id } : {}),
    });
    const aborted = new AbortController();
    const ended = createDeferred<StreamEnd>();
    let pendingCause: EndCause | undefined;
    const observation: ServerCallObservation = { recorder, signal: aborted.signal, ended: ended.promise, fail };
    observations.set(call, observation);
    deps.active.add(observation);

    function finish(cause: EndCause, grpcCode: number, details: string, endedAtMs?: number, fate?: SocketFate): void {
      const record = recorder.end({ cause, grpcCode, details, ...(fate ? { closeKind: fate.kind } : {}) }, endedAtMs);
      deps.active.delete(observation);
      ended.resolve(record);
      aborted.abort(cause);
    }

    /** The handler (or fail()) ended the call with a status: record it, then let it go out. */
    function handlerEnded(code: number, details: string): EndCause {
      const cause = pendingCause ?? causeOfHandlerStatus(code);
      if (cause === 'server_shutdown') recorder.goaway();
      finish(cause, code, details);
      return cause;
    }

    async function onCancelled(): Promise<void> {
      if (ended.settled) return; // our own end: 'cancelled' fires on every call end
      const detectedAtMs = nowMs();
      let cause: EndCause;
      let fate: SocketFate | undefined;
      if (deps.isShuttingDown()) cause = 'server_shutdown';
      else if (deadlinePassed(call.getDeadline(), Date.now())) cause = 'deadline_exceeded';
      else {
        const knownAtCancel = connection?.fate;
        if (connection) await Promise.race([connection.fullyClosed, delay(deps.settleMs ?? 50, undefined, { ref: false })]);
        cause = classifyCancel(knownAtCancel, connection?.fate, connection?.peerEnded ?? false);
        if (cause !== 'client_cancelled') fate = connection?.fate;
      }
      if (ended.settled) return;
      const noticedAtMs = fate ? Math.min(fate.atMs, detectedAtMs) : detectedAtMs;
      if (cause === 'client_cancelled') recorder.cancel(detectedAtMs);
      if (cause === 'keepalive_timeout') recorder.keepaliveTimeout(noticedAtMs);
      if (fate) recorder.transportClose(fate.kind, fate.atMs);
      const grpcCode = cause === 'deadline_exceeded' ? Status.DEADLINE_EXCEEDED : Status.CANCELLED;
      finish(cause, grpcCode, `call ended by ${cause.replaceAll('_', ' ')}`, noticedAtMs, fate);
      if (isServerError(grpcCode)) span.setStatus({ code: SpanStatusCode.ERROR, message: cause });
      span.end(noticedAtMs);
    }
    call.on('cancelled', () => void onCancelled());

    // Received messages.
    if (requestStreams && call.push) {
      const push = call.push;
      call.push = function observedPush(this: unknown, chunk: unknown, encoding?: BufferEncoding): boolean {
        if (chunk !== null && !ended.settled) recorder.receivedMessage(chunk);
        return push.call(this, chunk, encoding);
      };
    } else if (!requestStreams) {
      recorder.receivedMessage(call.request);
    }

    /**
     * Runs an OK end of a call whose request streams once the turn of the event loop is
     * over, unless the call turned out cancelled meanwhile. A client that cancels sends
     * END_STREAM just before RST_STREAM (Node's Http2Stream.close ends the writable side
     * first), and a session grpc-js destroys after a keepalive timeout ends its streams'
     * readable side too: either way the handler sees a half-close and may answer OK to a
     * client that is gone. grpc-js marks the call cancelled in the ticks that follow; then
     * 'cancelled' classifies the end instead.
     */
    const afterHalfCloseRace = (complete: () => void): void => {
      if (!requestStreams) return complete();
      setImmediate(() => {
        if (!call.cancelled && !ended.settled) complete();
      });
    };

    // Sent messages and the handler's own end.
    let callback: sendUnaryData<unknown> | undefined;
    if (responseStreams) {
      const write = call.write as NonNullable<AnyServerCall['write']>;
      call.write = function observedWrite(this: unknown, chunk: unknown, ...rest: unknown[]): boolean {
        if (ended.settled) return false; // the call has ended: the message would go nowhere
        recorder.sentMessage(chunk);
        return write.call(this, chunk, ...rest);
      };
      const end = call.end as NonNullable<AnyServerCall['end']>;
      call.end = function observedEnd(this: unknown, metadata?: Metadata): unknown {
        const pending = call.pendingStatus ?? { code: Status.OK, details: 'OK' };
        if (ended.settled) return end.call(this, metadata);
        if (pending.code === Status.OK && !pendingCause) {
          afterHalfCloseRace(() => {
            handlerEnded(Status.OK, 'OK');
            end.call(this, withCauseTrailer(metadata ?? call.trailingMetadata, 'completed'));
          });
          return this;
        }
        const cause = handlerEnded(pending.code, pending.details);
        if (pending.metadata) withCauseTrailer(pending.metadata, cause);
        else metadata = withCauseTrailer(metadata ?? call.trailingMetadata, cause);
        return end.call(this, metadata);
      };
      call.prependListener(errorMonitor, (error: unknown) => {
        if (ended.settled) return;
        const status = statusOfServiceError(error);
        const cause = handlerEnded(status.code, status.details);
        if (typeof error === 'object' && error !== null) {
          const carrier = error as { metadata?: Metadata | null };
          carrier.metadata = withCauseTrailer(carrier.metadata, cause);
        }
      });
    } else {
      const respond = rawCallback as sendUnaryData<unknown>;
      callback = (error, value, trailer, flags) => {
        if (ended.settled) return; // too late: the call already ended (cancel, deadline, shutdown)
        if (error) {
          const status = statusOfServiceError(error);
          const cause = handlerEnded(status.code, status.details);
          respond(error, value, withCauseTrailer(trailer ?? (error as { metadata?: Metadata }).metadata, cause), flags);
          return;
        }
        afterHalfCloseRace(() => {
          recorder.sentMessage(value);
          handlerEnded(Status.OK, 'OK');
          respond(null, value, withCauseTrailer(trailer, 'completed'), flags);
        });
      };
    }

    /** See ServerCallObservation.fail. */
    function fail(error: unknown, cause?: EndCause): void {
      if (ended.settled) return;
      const status = toStatus(error);
      pendingCause = cause;
      if (callback) callback({ code: status.code, details: status.details, metadata: status.metadata });
      else call.emit('error', { code: status.code, details: status.details, metadata: status.metadata });
    }

    /** A handler that threw (or whose promise rejected): log it with its stack, record it on the span, end the call. */
    function onHandlerThrow(error: unknown): void {
      if (!(error instanceof StreamlabError)) {
        deps.logger.error('handler failed', {
          stream_id: recorder.streamId, rpc_method: info.path,
          error: error instanceof Error ? error.message : String(error),
          ...(error instanceof Error && error.stack ? { stack: error.stack } : {}),
        });
        span.recordException(error instanceof Error ? error : new Error(String(error)));
      }
      fail(error);
    }

    try {
      const result: unknown = callback ? handler.call(this, rawCall as never, callback) : (handler as (call: unknown) => unknown).call(this, rawCall);
      if (result instanceof Promise) result.catch(onHandlerThrow);
    } catch (error) {
      onHandlerThrow(error);
    }
  } as UntypedHandleCall;
}
