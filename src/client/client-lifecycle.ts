/**
 * The client side of one stream's life, as a grpc-js client interceptor.
 *
 * instrumentation-grpc creates the CLIENT span and makes it active while the call is being
 * created, which is exactly when grpc-js builds the interceptor chain, so the interceptor
 * finds that span with `trace.getActiveSpan()`. The interceptor holds the status back until
 * the end is classified, so the end attributes land on the span before
 * instrumentation-grpc ends it on the 'status' event.
 */
import { InterceptingCall, status as Status } from '@grpc/grpc-js';
import type { Interceptor, StatusObject } from '@grpc/grpc-js';
import { context, propagation, trace, INVALID_SPAN_CONTEXT } from '@opentelemetry/api';
import { classifyClientEnd } from '../rpc/client/classify-client-end.ts';
import { eventWireBytes } from '../event-size.ts';
import { settledFate } from '../core/socket-fate.ts';
import type { SocketWatch } from '../core/socket-fate.ts';
import { END_CAUSE_TRAILER } from '../core/end-cause.ts';
import { TICKER_SERVICE, SUBSCRIBE_METHOD } from '../proto.ts';
import { createStreamRecorder } from '../telemetry/stream-recorder.ts';
import type { RecorderDeps, StreamRecorder } from '../telemetry/stream-recorder.ts';
import { nowMs } from '../telemetry/lifecycle-event.ts';
import type { StreamEnd } from '../telemetry/lifecycle-event.ts';
import { BAGGAGE_SCENARIO, SCENARIO_NONE } from '../telemetry/semconv.ts';
import type { Event__Output } from '../generated/streamlab/v1/Event.ts';

/** What the interceptor needs besides the telemetry deps. */
export interface ClientLifecycleOptions {
  /** The channel's current socket, if connected. */
  currentSocket(): SocketWatch | undefined;
  /** How long to wait for the socket's fate after a transport-looking status, ms. */
  settleMs: number;
}

/** The observed client stream: its recorder, once the call has started, and its end. */
export interface ClientStreamObservation {
  readonly recorder: () => StreamRecorder | undefined;
  /** Resolves with the end record once the call has emitted 'status'. */
  readonly ended: Promise<StreamEnd>;
  /** The interceptor to pass in the call's `interceptors` option. */
  readonly interceptor: Interceptor;
}

let nextStreamId = 1;

function messageBytes(event: Event__Output): number {
  return eventWireBytes(event.id, event.sentAt?.seconds ?? 0, event.sentAt?.nanos ?? 0, Buffer.byteLength(event.topic), event.payload.length);
}

/** Creates the lifecycle observation of one client stream. */
export function observeClientStream(deps: RecorderDeps, options: ClientLifecycleOptions): ClientStreamObservation {
  let recorder: StreamRecorder | undefined;
  let cancelledAtMs: number | undefined;
  let resolveEnd!: (end: StreamEnd) => void;
  const ended = new Promise<StreamEnd>((resolve) => (resolveEnd = resolve));

  async function end(status: StatusObject): Promise<StreamEnd | undefined> {
    if (!recorder) return undefined;
    const statusAtMs = nowMs();
    const serverCause = status.metadata?.get(END_CAUSE_TRAILER)[0]?.toString();
    const cancelledByClient = cancelledAtMs !== undefined;
    const socket = options.currentSocket();
    const transportLooking = status.code !== Status.OK && !cancelledByClient && serverCause === undefined;
    const fate = socket && transportLooking ? await settledFate(socket, options.settleMs) : undefined;
    const cause = classifyClientEnd({ code: status.code, cancelledByClient, ...(serverCause ? { serverCause } : {}), ...(fate ? { fate } : {}) });
    const noticedAtMs = cause === 'client_cancelled' ? (cancelledAtMs ?? statusAtMs) : fate ? Math.min(fate.atMs, statusAtMs) : statusAtMs;
    if (cause === 'keepalive_timeout') recorder.keepaliveTimeout(noticedAtMs);
    if (cause === 'server_shutdown') recorder.goaway(statusAtMs);
    if (fate) recorder.transportClose(fate.kind, fate.atMs);
    return recorder.end({ cause, grpcCode: status.code, details: status.details, ...(fate ? { closeKind: fate.kind } : {}) }, noticedAtMs);
  }

  const interceptor: Interceptor = (callOptions, nextCall) => {
    const span = trace.getActiveSpan() ?? trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    const scenario = propagation.getBaggage(context.active())?.getEntry(BAGGAGE_SCENARIO)?.value ?? SCENARIO_NONE;
    return new InterceptingCall(nextCall(callOptions), {
      start(metadata, _listener, next) {
        recorder = createStreamRecorder(deps, {
          side: 'client', streamId: `c-${nextStreamId++}`, scenario, span,
          service: TICKER_SERVICE, method: SUBSCRIBE_METHOD,
        });
        next(metadata, {
          onReceiveMessage(message: Event__Output, nextMessage) {
            recorder?.message(messageBytes(message));
            nextMessage(message);
          },
          onReceiveStatus(status, nextStatus) {
            // The status goes on (and instrumentation-grpc ends the CLIENT span) only after
            // the end is recorded; `ended` resolves after that, with every span ended.
            void end(status).then((record) => {
              nextStatus(status);
              if (record) resolveEnd(record);
            });
          },
        });
      },
      cancel(next) {
        cancelledAtMs = nowMs();
        recorder?.cancel(cancelledAtMs);
        next();
      },
    });
  };

  return { recorder: () => recorder, ended, interceptor };
}
