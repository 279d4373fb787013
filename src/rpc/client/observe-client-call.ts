/**
 * The client side of every call's life, for all four RPC kinds, as a grpc-js client
 * interceptor: messages sent (`sendMessage`) and received (`onReceiveMessage`), the
 * client's cancel, and the end cause classified when the status arrives.
 *
 * instrumentation-grpc creates the CLIENT span and makes it active while the call is being
 * created, which is exactly when grpc-js builds the interceptor chain, so the interceptor
 * finds that span with `trace.getActiveSpan()`. The interceptor holds the status back until
 * the end is classified, so the end attributes land on the span before instrumentation-grpc
 * ends it on the status (streams: the 'status' event; unary and client streaming: the
 * callback, which grpc-js calls from the status).
 */
import { InterceptingCall, status as Status } from '@grpc/grpc-js';
import type { Interceptor, StatusObject } from '@grpc/grpc-js';
import { context, propagation, trace, INVALID_SPAN_CONTEXT } from '@opentelemetry/api';
import { classifyClientEnd, connectErrorOf } from './classify-client-end.ts';
import { settledFate } from '../../core/socket-fate.ts';
import type { SocketWatch } from '../../core/socket-fate.ts';
import { createDeferred } from '../../core/deferred.ts';
import { END_CAUSE_TRAILER } from '../../core/end-cause.ts';
import { methodInfoOf } from '../method-info.ts';
import type { MethodInfo } from '../method-info.ts';
import { createStreamRecorder } from '../../telemetry/stream-recorder.ts';
import type { RecorderDeps, StreamRecorder } from '../../telemetry/stream-recorder.ts';
import { nowMs } from '../../telemetry/lifecycle-event.ts';
import type { StreamEnd } from '../../telemetry/lifecycle-event.ts';
import { BAGGAGE_SCENARIO, SCENARIO_NONE } from '../../telemetry/semconv.ts';

/** What the interceptor needs besides the telemetry deps. */
export interface ClientCallOptions {
  /**
   * The channel's current socket, if connected; with `peer` (the call's remote `host:port`,
   * from grpc-js getPeer()), the socket to that peer when the channel has several.
   */
  currentSocket(peer?: string): SocketWatch | undefined;
  /** How many sockets the channel has connected so far (to tell a call no connection carried). */
  connectionCount(): number;
  /** How long to wait for the socket's fate after a transport-looking status, ms. */
  settleMs: number;
  /**
   * Method infos by path, built from the service definitions, which carry the response
   * serializers the client-side method definition lacks (so received sizes are known).
   * A method not found here is described from the call's own method definition.
   */
  methods?: ReadonlyMap<string, MethodInfo>;
}

/** The observed client call: its recorder, once the call has started, and its end. */
export interface ClientCallObservation {
  readonly recorder: () => StreamRecorder | undefined;
  /** Resolves with the end record once the status arrived and the end is classified. Never rejects. */
  readonly ended: Promise<StreamEnd>;
  /** The interceptor to pass in the call's `interceptors` option. */
  readonly interceptor: Interceptor;
}

let nextStreamId = 1;

/** Creates the observation of one client call. */
export function observeClientCall(deps: RecorderDeps, options: ClientCallOptions): ClientCallObservation {
  let recorder: StreamRecorder | undefined;
  let cancelledAtMs: number | undefined;
  /** Whether a connection existed or was made for the call: set at start, updated at the end. */
  let connectedAtStart = false;
  let connectionsAtStart = 0;
  const ended = createDeferred<StreamEnd>();

  async function end(status: StatusObject, peer: string | undefined): Promise<StreamEnd | undefined> {
    if (!recorder) return undefined;
    const statusAtMs = nowMs();
    const serverCause = status.metadata?.get(END_CAUSE_TRAILER)[0]?.toString();
    const cancelledByClient = cancelledAtMs !== undefined;
    const socket = options.currentSocket(peer);
    const transportLooking = status.code !== Status.OK && !cancelledByClient && serverCause === undefined;
    const connected = connectedAtStart || options.connectionCount() > connectionsAtStart;
    const fate = socket && transportLooking && connected ? await settledFate(socket, options.settleMs) : undefined;
    const cause = classifyClientEnd({ code: status.code, cancelledByClient, connected, ...(serverCause ? { serverCause } : {}), ...(fate ? { fate } : {}) });
    const connectError = cause === 'connect_failed' ? connectErrorOf(status.details) : undefined;
    const noticedAtMs = cause === 'client_cancelled' ? (cancelledAtMs ?? statusAtMs) : fate ? Math.min(fate.atMs, statusAtMs) : statusAtMs;
    if (cause === 'keepalive_timeout') recorder.keepaliveTimeout(noticedAtMs);
    if (cause === 'server_shutdown') recorder.goaway(statusAtMs);
    if (fate) recorder.transportClose(fate.kind, fate.atMs);
    return recorder.end({
      cause, grpcCode: status.code, details: status.details,
      ...(fate ? { closeKind: fate.kind } : {}), ...(connectError ? { connectError } : {}),
    }, noticedAtMs);
  }

  const interceptor: Interceptor = (callOptions, nextCall) => {
    const span = trace.getActiveSpan() ?? trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    const scenario = propagation.getBaggage(context.active())?.getEntry(BAGGAGE_SCENARIO)?.value ?? SCENARIO_NONE;
    const definition = callOptions.method_definition;
    const method = options.methods?.get(definition.path) ?? methodInfoOf(definition);
    const call = nextCall(callOptions);
    return new InterceptingCall(call, {
      start(metadata, _listener, next) {
        const socket = options.currentSocket();
        connectedAtStart = socket !== undefined && socket.fate === undefined;
        connectionsAtStart = options.connectionCount();
        const observed = createStreamRecorder(deps, { side: 'client', streamId: `c-${nextStreamId++}`, scenario, span, method });
        recorder = observed;
        next(metadata, {
          onReceiveMessage(message: unknown, nextMessage) {
            // grpc-js passes null to a unary or client-streaming call that got no response.
            if (message !== null) observed.receivedMessage(message);
            nextMessage(message);
          },
          onReceiveStatus(status, nextStatus) {
            // The status goes on (and instrumentation-grpc ends the CLIENT span) only after
            // the end is recorded; `ended` resolves after that, with every span ended.
            const peer = call.getPeer();
            void end(status, peer && peer !== 'unknown' ? peer : undefined).then((record) => {
              nextStatus(status);
              if (record) ended.resolve(record);
            });
          },
        });
      },
      sendMessage(message: unknown, next) {
        recorder?.sentMessage(message);
        next(message);
      },
      cancel(next) {
        if (cancelledAtMs === undefined) {
          cancelledAtMs = nowMs();
          recorder?.cancel(cancelledAtMs);
        }
        next();
      },
    });
  };

  return { recorder: () => recorder, ended: ended.promise, interceptor };
}
