/**
 * One client call as the observation layer sees it, for every RPC kind, through grpc-js's
 * client interceptor API (client-interceptors.ts): it is the call's InterceptingCall (what
 * the application's messages, half-close and cancel pass through on the way out) and its
 * listener (what the response metadata, messages and status pass through on the way in).
 * No call object is patched.
 *
 * The status is held back until the end is classified: a transport-looking status waits
 * (at most the settle window) for the fate of the channel's socket, which tells a FIN from
 * a RST and from this client's own keepalive timeout (design §1); then the span ends (span
 * mode streamlab) and the application sees the status.
 */
import { InterceptingCall, Metadata, status as Status } from '@grpc/grpc-js';
import type { InterceptingListener, InterceptorOptions, StatusObject } from '@grpc/grpc-js';
import { context } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import { nowMs } from '../../core/clock.ts';
import { END_CAUSE_TRAILER } from '../../core/end-cause.ts';
import { tidyStatusDetails } from '../../core/status-details.ts';
import { settledFate } from '../../core/socket-fate.ts';
import type { SocketFate } from '../../core/socket-fate.ts';
import type { CallEndListener, CallRecorder } from '../../telemetry/call-recorder.ts';
import type { StreamEnd } from '../../telemetry/lifecycle-event.ts';
import type { MethodInfo } from '../../core/method-info.ts';
import { classifyClientEnd, connectErrorOf } from './classify-client-end.ts';
import type { ClientCallShared } from './client-call-shared.ts';

/** The next call in the chain, as grpc-js's InterceptingCall takes it (not exported by name). */
type InterceptingCallInterface = ConstructorParameters<typeof InterceptingCall>[0];
type MessageContext = Parameters<InterceptingCall['sendMessageWithContext']>[0];

/** The observation of one client call. */
export class ObservedClientCall extends InterceptingCall implements InterceptingListener, CallEndListener {
  readonly #next: InterceptingCallInterface;
  readonly #shared: ClientCallShared;
  readonly #method: MethodInfo;
  readonly #span: Span;
  #downstream: Partial<InterceptingListener> | undefined;
  #recorder: CallRecorder | undefined;
  #cancelledAtMs: number | undefined;
  /** Whether a connection existed or was made for the call: set at start, updated at the end. */
  #connectedAtStart = false;
  #connectionsAtStart = 0;
  #end: StreamEnd | undefined;
  /** The application has seen the status (`ended` resolves after that, as it did before streamlab saw it). */
  #statusDelivered = false;
  #endWaiters: Array<(end: StreamEnd) => void> | undefined;

  constructor(next: InterceptingCallInterface, options: InterceptorOptions, shared: ClientCallShared) {
    super(next);
    this.#next = next;
    this.#shared = shared;
    this.#method = shared.describe(options.method_definition);
    this.#span = shared.spans.start(this.#method);
  }

  /** The call's recorder (messages so far, scenario, trace id); present once the call started. */
  get recorder(): CallRecorder {
    if (!this.#recorder) throw new Error('streamlab: the client call has not started');
    return this.#recorder;
  }

  /** Resolves with the client-side end record once the status arrived and the end is classified. Never rejects. */
  get ended(): Promise<StreamEnd> {
    if (this.#end && this.#statusDelivered) return Promise.resolve(this.#end);
    return new Promise((resolve) => (this.#endWaiters ??= []).push(resolve));
  }

  // ---- the way out ----

  override start(metadata: Metadata, listener?: Partial<InterceptingListener>): void {
    const shared = this.#shared;
    const socket = shared.currentSocket();
    this.#connectedAtStart = socket !== undefined && socket.fate === undefined;
    this.#connectionsAtStart = shared.connectionCount();
    this.#downstream = listener;
    shared.spans.inject(this.#span, metadata);
    this.#recorder = shared.telemetry.open({ side: 'client', method: this.#method, span: this.#span, context: context.active() }, this);
    this.#next.start(metadata, this);
  }

  override sendMessageWithContext(messageContext: MessageContext, message: unknown): void {
    this.#recorder?.sentMessage(message);
    this.#next.sendMessageWithContext(messageContext, message);
  }

  override sendMessage(message: unknown): void {
    this.sendMessageWithContext({}, message);
  }

  override halfClose(): void {
    this.#next.halfClose();
  }

  override cancelWithStatus(code: Status, details: string): void {
    if (code === Status.CANCELLED && this.#cancelledAtMs === undefined && !this.#end) {
      this.#cancelledAtMs = nowMs();
      this.#recorder?.cancel(this.#cancelledAtMs);
    }
    this.#next.cancelWithStatus(code, details);
  }

  // ---- the way in ----

  onReceiveMetadata(metadata: Metadata): void {
    this.#downstream?.onReceiveMetadata?.(metadata);
  }

  onReceiveMessage(message: unknown): void {
    // grpc-js passes null to a unary or client-streaming call that got no response.
    if (message !== null) this.#recorder?.receivedMessage(message);
    this.#downstream?.onReceiveMessage?.(message);
  }

  onReceiveStatus(status: StatusObject): void {
    const statusAtMs = nowMs();
    const recorder = this.#recorder;
    if (!recorder) return this.#deliver(status);
    const peer = this.#next.getPeer();
    const socket = this.#shared.currentSocket(peer && peer !== 'unknown' ? peer : undefined);
    const serverCause = status.metadata?.get(END_CAUSE_TRAILER)[0]?.toString();
    const connected = this.#connectedAtStart || this.#shared.connectionCount() > this.#connectionsAtStart;
    const transportLooking = status.code !== Status.OK && this.#cancelledAtMs === undefined && serverCause === undefined;
    if (!socket || !transportLooking || !connected) {
      // Nothing to wait for: classified and delivered in this turn (every OK status takes this path).
      this.#record(recorder, status, statusAtMs, serverCause, connected, undefined);
      this.#deliver(status);
      return;
    }
    void settledFate(socket, this.#shared.settleMs).then((fate) => {
      this.#record(recorder, status, statusAtMs, serverCause, connected, fate);
      this.#deliver(status);
    });
  }

  /** Hands the status on to the application, then resolves `ended` once the record is final. */
  #deliver(status: StatusObject): void {
    this.#downstream?.onReceiveStatus?.(status);
    this.#statusDelivered = true;
    this.#settleEnded();
  }

  /** Classifies and records the end; `fate` is the socket's, when a transport-looking status waited for it. */
  #record(recorder: CallRecorder, status: StatusObject, statusAtMs: number, serverCause: string | undefined, connected: boolean, fate: SocketFate | undefined): void {
    const cancelledByClient = this.#cancelledAtMs !== undefined;
    const cause = classifyClientEnd({ code: status.code, cancelledByClient, connected, ...(serverCause ? { serverCause } : {}), ...(fate ? { fate } : {}) });
    const connectError = cause === 'connect_failed' ? connectErrorOf(status.details) : undefined;
    const noticedAtMs = cause === 'client_cancelled' ? (this.#cancelledAtMs ?? statusAtMs) : fate ? Math.min(fate.atMs, statusAtMs) : statusAtMs;
    // The cause's own event (keepalive.timeout, goaway) and transport.close: recorded by end().
    recorder.end({
      cause, grpcCode: status.code, details: tidyStatusDetails(status.details),
      ...(fate ? { closeKind: fate.kind, closedAtMs: fate.atMs } : {}), ...(connectError ? { connectError } : {}),
    }, noticedAtMs);
  }

  callRecorded(end: StreamEnd): void {
    this.#end = end;
    this.#settleEnded();
  }

  #settleEnded(): void {
    if (!this.#end || !this.#statusDelivered) return;
    for (const waiter of this.#endWaiters ?? []) waiter(this.#end);
    this.#endWaiters = undefined;
  }
}
