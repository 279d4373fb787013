/**
 * The server side of every call's life, for every method of every service and all four
 * RPC kinds: `observeHandler` wraps a method's handler when the service is added, so the
 * handler itself needs to know nothing about telemetry.
 *
 * The handler's own end (and its messages) is seen through hooks on the call object
 * (hook-server-call.ts). Every other end arrives as 'cancelled', which grpc-js emits on
 * every call end since 1.10, so it counts only when the handler had not ended the call.
 * Then the fate of the TCP connection that carried the call tells client cancel from FIN,
 * RST and keepalive timeout (design §1).
 *
 * Span ownership: instrumentation-grpc's SERVER span is active when the wrapped handler
 * runs. On the handler's own end the attributes are set before the status is sent and
 * instrumentation-grpc ends the span. On any other end it never does (0.22x-0.30x), so this
 * layer ends it.
 */
import { propagation, context, trace, SpanStatusCode, INVALID_SPAN_CONTEXT } from '@opentelemetry/api';
import { status as Status } from '@grpc/grpc-js';
import type { UntypedHandleCall, sendUnaryData } from '@grpc/grpc-js';
import type { EndCause } from '../../core/end-cause.ts';
import { StreamlabError, toStatus } from '../../core/errors.ts';
import { createDeferred, withTimeout } from '../../core/deferred.ts';
import type { SocketFate } from '../../core/socket-fate.ts';
import type { MethodInfo } from '../method-info.ts';
import type { ConnectionTracker } from './connection-tracker.ts';
import { causeOfHandlerStatus, classifyCancel, deadlinePassed } from './classify-server-end.ts';
import { hookServerCall } from './hook-server-call.ts';
import type { AnyServerCall } from './hook-server-call.ts';
import { registerObservation } from './server-call-observation.ts';
import type { ServerCallObservation } from './server-call-observation.ts';
import { createStreamRecorder } from '../../telemetry/stream-recorder.ts';
import type { RecorderDeps } from '../../telemetry/stream-recorder.ts';
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

let nextStreamId = 1;

function scenarioOf(): string {
  return propagation.getBaggage(context.active())?.getEntry(BAGGAGE_SCENARIO)?.value ?? SCENARIO_NONE;
}

/**
 * Wraps `handler`, the implementation of method `info`, so every call of it is observed.
 * The wrapper has the handler's signature; register it in place of the handler.
 */
export function observeHandler(info: MethodInfo, handler: UntypedHandleCall, deps: ServerCallDeps): UntypedHandleCall {
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
    const observation: ServerCallObservation = { recorder, signal: aborted.signal, ended: ended.promise, fail, ...(connection ? { connectionId: connection.id } : {}) };
    registerObservation(call, observation);
    deps.active.add(observation);

    function finish(cause: EndCause, grpcCode: number, details: string, endedAtMs?: number, fate?: SocketFate): void {
      const record = recorder.end({ cause, grpcCode, details, ...(fate ? { closeKind: fate.kind } : {}) }, endedAtMs);
      deps.active.delete(observation);
      ended.resolve(record);
      aborted.abort(cause);
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
        if (connection) await withTimeout(connection.fullyClosed, deps.settleMs ?? 50);
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

    const callback = hookServerCall(call, info.kind, rawCallback, {
      isEnded: () => ended.settled,
      received: (message) => recorder.receivedMessage(message),
      sent: (message) => recorder.sentMessage(message),
      handlerEnded(code, details) {
        const cause = pendingCause ?? causeOfHandlerStatus(code);
        if (cause === 'server_shutdown') recorder.goaway();
        finish(cause, code, details);
        return cause;
      },
    });

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
