/**
 * One server call as the observation layer sees it, for every RPC kind, through grpc-js's
 * server interceptor API (server-interceptors.ts, grpc-js ≥ 1.10): it is the call's
 * ServerInterceptingCall (what the handler's status and messages pass through on the way
 * out) and its listener (what the request's metadata, messages, half-close and cancel pass
 * through on the way in). No call object is patched and no private field is read.
 *
 * How a call ends (checked with grpc-js 1.14 on injected connections, test/rpc/interceptors.test.ts):
 * - the handler's own end passes through `sendStatus` (so do grpc-js's UNIMPLEMENTED for a
 *   missing or extra request and UNKNOWN for a handler that threw);
 * - `onCancel` then follows every end, an OK status included (grpc-js notifies it when the
 *   HTTP/2 stream closes or right after the status went out), so a cancel is a call whose
 *   `onCancel` came before any status; grpc-js's own deadline timer ends a call that way too;
 * - when a status comes after the request half-closed, it is held for one turn of the event
 *   loop: a client that cancels sends END_STREAM just before RST_STREAM (Node's
 *   Http2Stream.close), Node's server stream ends its readable side on an RST_STREAM anyway
 *   (checked with a grpcio client, which sends RST_STREAM alone), and a peer that vanishes
 *   ends the readable side too, so the handler answers a client that is gone; if `onCancel`
 *   or the connection's fate arrives meanwhile, that decides the end cause, whatever the
 *   handler answered (issue 16). Unary and server-streaming calls half-close before their
 *   handler runs, so their status is held only when no request came: then the status is
 *   grpc-js's own "Received no request message" answering such an end.
 * The fate of the TCP connection (connection-tracker.ts) tells a client cancel from FIN,
 * RST and keepalive timeout (design §1).
 */
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { ServerInterceptingCall, Metadata, status as Status } from '@grpc/grpc-js';
import type { ServerInterceptingCallInterface, StatusObject } from '@grpc/grpc-js';
import { trace, ROOT_CONTEXT } from '@opentelemetry/api';
import type { Attributes, Context, Span } from '@opentelemetry/api';
import { nowMs } from '../../core/clock.ts';
import { causeOfStatus, END_CAUSE_TRAILER } from '../../core/end-cause.ts';
import type { EndCause } from '../../core/end-cause.ts';
import { StreamlabError, toStatus } from '../../core/errors.ts';
import type { CallRecorder, CallEndListener, EndAttachment } from '../../telemetry/call-recorder.ts';
import type { EventLevel } from '../../telemetry/call-writer.ts';
import type { LifecyclePhase, StreamEnd } from '../../telemetry/lifecycle-event.ts';
import type { Metrics } from '../../telemetry/metrics.ts';
import type { MethodInfo } from '../../core/method-info.ts';
import type { ServerCallContext } from './call-context.ts';
import { runInCallContext } from './call-context.ts';
import { classifyTransportEnd, deadlinePassed } from './classify-server-end.ts';
import type { ServerCallShared } from './server-call-shared.ts';
import type { TrackedConnection } from './connection-tracker.ts';
import type { SentGoaway } from './http2-sessions.ts';
import { ATTR_HTTP2_ERROR_CODE, ATTR_HTTP2_LAST_STREAM_ID, EVENT_GOAWAY } from '../../telemetry/semconv.ts';

/** The status and listener types of grpc-js's server interceptors (not exported by name). */
type PartialStatusObject = Parameters<ServerInterceptingCall['sendStatus']>[0];
type InterceptingServerListener = Parameters<ServerInterceptingCall['start']>[0];

/** The observation of one server call; also the call's context (call-context.ts). */
export class ObservedServerCall extends ServerInterceptingCall implements InterceptingServerListener, ServerCallContext, CallEndListener {
  readonly #next: ServerInterceptingCallInterface;
  readonly #shared: ServerCallShared;
  readonly #method: MethodInfo;
  #downstream: InterceptingServerListener | undefined;
  #recorder: CallRecorder | undefined;
  #connection: TrackedConnection | undefined;
  #session: { readonly goaway?: SentGoaway } | undefined;
  #otelContext: Context | undefined;
  #halfClosed = false;
  /** A request message arrived (unary and server streaming: the handler has run or will). */
  #requested = false;
  /** onCancel arrived: the call is over, whatever comes after. */
  #cancelled = false;
  /** The end is decided (a status went out, or a cancel is being classified). */
  #decided = false;
  #held: PartialStatusObject | undefined;
  #pendingCause: EndCause | undefined;
  #abort: AbortController | undefined;
  #end: StreamEnd | undefined;
  #endWaiters: Array<(end: StreamEnd) => void> | undefined;
  /** onEnd listeners, called once when the call is over (a single one kept without an array). */
  #onEnd: (() => void) | Array<() => void> | undefined;
  /** grpc-js's own call object and callback, handed over by the handler adapter (bindHandler). */
  #handlerCall: { emit(event: 'error', error: unknown): boolean } | undefined;
  #callback: ((error: StatusObject) => void) | undefined;
  /** A reply counted when the handler gave it (replying()), not again when it is sent. */
  #replied: unknown;
  /** Span mode contrib: requests received before the stock span started (at most one: unary, server streaming). */
  #early: unknown[] | undefined;

  constructor(next: ServerInterceptingCallInterface, method: MethodInfo, shared: ServerCallShared) {
    super(next);
    this.#next = next;
    this.#method = method;
    this.#shared = shared;
  }

  // ---- the way in (InterceptingServerListener) ----

  override start(listener: InterceptingServerListener): void {
    this.#downstream = listener;
    this.#next.start(this);
  }

  onReceiveMetadata(metadata: Metadata): void {
    const shared = this.#shared;
    this.#connection = shared.connections.byPeer(this.#next.getPeer());
    this.#session = shared.sessionOf(this.#next.getPeer());
    const opened = shared.spans.open(this.#method, metadata, this.#next.getConnectionInfo());
    this.#otelContext = opened.context;
    shared.active.add(this);
    if (opened.span) this.#record(opened.span);
    this.#inContext(() => this.#downstream?.onReceiveMetadata(metadata));
  }

  onReceiveMessage(message: unknown): void {
    this.#requested = true;
    if (!this.#decided) {
      if (this.#recorder) this.#recorder.receivedMessage(message);
      else (this.#early ??= []).push(message);
    }
    this.#downstream?.onReceiveMessage(message);
  }

  onReceiveHalfClose(): void {
    this.#halfClosed = true;
    this.#inContext(() => this.#downstream?.onReceiveHalfClose());
  }

  onCancel(): void {
    this.#cancelled = true;
    this.#abort?.abort();
    this.#over();
    if (!this.#decided) {
      this.#decided = true;
      void this.#classifyCancel();
    }
    this.#downstream?.onCancel();
  }

  // ---- the way out (ServerInterceptingCall) ----

  override sendMessage(message: unknown, callback: () => void): void {
    if (message === this.#replied && message !== undefined) this.#replied = undefined;
    else if (!this.#decided) this.#recorder?.sentMessage(message);
    this.#next.sendMessage(message, callback);
  }

  override sendStatus(status: PartialStatusObject): void {
    if (this.#decided || this.#held) return this.#next.sendStatus(status);
    // Held also for a unary or server-streaming call half-closed without its request (issue 16).
    if (this.#connection?.fate || !(this.#requestHalfClosed() || (this.#halfClosed && !this.#requested))) {
      return this.#settle(status);
    }
    this.#held = status;
    setImmediate(() => {
      const held = this.#held as PartialStatusObject;
      this.#held = undefined;
      if (this.#decided) return; // onCancel came: the cancel decides
      // A half-close at the deadline is the client's deadline timer cancelling: grpc-js's own
      // deadline timer or the RST_STREAM ends the call as deadline_exceeded.
      if (held.code === Status.OK && deadlinePassed(this.#next.getDeadline(), Date.now(), this.#shared.timerLatenessMs)) return;
      this.#settle(held);
    });
  }

  /** Decides the end from a status the handler sent, unless the connection's fate already decided it. */
  #settle(status: PartialStatusObject): void {
    this.#decided = true;
    const fate = this.#connection?.fate;
    if (fate) {
      this.#next.sendStatus(status);
      return this.#endByTransport(classifyTransportEnd(fate, fate, this.#connection?.peerEnded ?? false), fate, nowMs());
    }
    const cause = this.#pendingCause ?? causeOfStatus(status.code);
    const recorder = this.#ensureRecorder();
    const metadata = status.metadata ?? new Metadata();
    metadata.set(END_CAUSE_TRAILER, cause);
    recorder.end({ cause, grpcCode: status.code, details: status.details ?? '' });
    this.#next.sendStatus({ ...status, metadata });
  }

  /** The call was cancelled before any status: shutdown, deadline, or the connection's fate decides. */
  async #classifyCancel(): Promise<void> {
    const detectedAtMs = nowMs();
    const shared = this.#shared;
    if (shared.isShuttingDown()) return this.#endByTransport('server_shutdown', undefined, detectedAtMs);
    if (deadlinePassed(this.#next.getDeadline(), Date.now(), this.#shared.timerLatenessMs)) return this.#endByTransport('deadline_exceeded', undefined, detectedAtMs);
    const connection = this.#connection;
    const knownAtCancel = connection?.fate;
    // After a GOAWAY the server sent on this call's session (http2-sessions.ts): ended by it.
    const goaway = this.#session?.goaway;
    if (goaway && !knownAtCancel) return this.#endByTransport('server_shutdown', undefined, detectedAtMs, goaway);
    if (connection) await shared.settle(connection);
    // A GOAWAY sent after this cancel closed the connection itself: the cancel was the client's.
    const cause = this.#session?.goaway && !knownAtCancel ? 'client_cancelled' : classifyTransportEnd(knownAtCancel, connection?.fate, connection?.peerEnded ?? false);
    this.#endByTransport(cause, cause === 'client_cancelled' ? undefined : connection?.fate, detectedAtMs);
  }

  #endByTransport(cause: EndCause, fate: TrackedConnection['fate'], detectedAtMs: number, goaway?: SentGoaway): void {
    const recorder = this.#ensureRecorder();
    const noticedAtMs = fate ? Math.min(fate.atMs, detectedAtMs) : detectedAtMs;
    // The GOAWAY this server sent, with its error code; the cause's own event otherwise
    // (stream.cancel, keepalive.timeout, goaway) and transport.close are recorded by end().
    if (goaway) {
      recorder.event(EVENT_GOAWAY, { [ATTR_HTTP2_ERROR_CODE]: goaway.errorName, [ATTR_HTTP2_LAST_STREAM_ID]: goaway.lastStreamId }, 'info', 'goaway', goaway.errorName);
    }
    const grpcCode = cause === 'deadline_exceeded' ? Status.DEADLINE_EXCEEDED : Status.CANCELLED;
    const details = goaway ? `call ended by the GOAWAY the server sent (${goaway.errorName}, ${goaway.reason})` : `call ended by ${cause.replaceAll('_', ' ')}`;
    recorder.end({ cause, grpcCode, details, ...(fate ? { closeKind: fate.kind, closedAtMs: fate.atMs } : {}) }, noticedAtMs);
  }

  // ---- the recorder ----

  #record(span: Span): CallRecorder {
    const recorder = this.#shared.telemetry.open({
      side: 'server', method: this.#method, span, context: this.#otelContext as Context,
      ...(this.#connection ? { connectionId: this.#connection.id } : {}),
    }, this);
    this.#recorder = recorder;
    for (const message of this.#early ?? []) recorder.receivedMessage(message);
    this.#early = undefined;
    return recorder;
  }

  /** The recorder; a call that ends before its stock span started (span mode contrib) is recorded without a span. */
  #ensureRecorder(): CallRecorder {
    return this.#recorder ?? this.#record(this.#shared.spans.none());
  }

  /** Span mode contrib: the stock instrumentation started this call's SERVER span (its handler is starting). */
  adoptStockSpan(span: Span): void {
    if (this.#recorder || this.#decided) return;
    this.#otelContext = trace.setSpan(this.#otelContext ?? ROOT_CONTEXT, span);
    this.#record(span);
  }

  callRecorded(end: StreamEnd): void {
    this.#end = end;
    this.#shared.active.delete(this);
    this.#abort?.abort();
    this.#over();
    for (const waiter of this.#endWaiters ?? []) waiter(end);
    this.#endWaiters = undefined;
  }

  /** The call is over: the onEnd listeners run, once. */
  #over(): void {
    const listeners = this.#onEnd;
    if (!listeners) return;
    this.#onEnd = undefined;
    if (typeof listeners === 'function') listeners();
    else for (const listener of listeners) listener();
  }

  #inContext(fn: () => void): void {
    runInCallContext(this, () => this.#shared.spans.withSpan(this.#otelContext, fn));
  }

  // ---- ServerCallContext ----

  get signal(): AbortSignal {
    this.#abort ??= new AbortController();
    if (this.#cancelled || this.#end) this.#abort.abort();
    return this.#abort.signal;
  }

  get finished(): boolean {
    // A request half-closed at the deadline is the client's deadline timer cancelling (see sendStatus).
    return this.#decided || this.#held !== undefined || (this.#requestHalfClosed() && deadlinePassed(this.#next.getDeadline(), Date.now(), this.#shared.timerLatenessMs));
  }

  /** Whether the request stream (client streaming, bidi) has half-closed. */
  #requestHalfClosed(): boolean {
    return this.#halfClosed && this.#method.kind !== 'unary' && this.#method.kind !== 'server_stream';
  }

  onEnd(listener: () => void): void {
    if (this.#cancelled || this.#end) return listener();
    const listeners = this.#onEnd;
    this.#onEnd = listeners === undefined ? listener : typeof listeners === 'function' ? [listeners, listener] : [...listeners, listener];
  }

  get ended(): Promise<StreamEnd> {
    if (this.#end) return Promise.resolve(this.#end);
    return new Promise((resolve) => (this.#endWaiters ??= []).push(resolve));
  }

  get connectionId(): string | undefined {
    return this.#connection?.id;
  }

  get scenario(): string {
    return this.#recorder?.scenario ?? 'none';
  }

  get traceId(): string {
    return this.#recorder?.traceId ?? '';
  }

  get otelContext(): Context {
    return this.#otelContext as Context;
  }

  get metrics(): Metrics {
    return this.#shared.telemetry.deps.metrics;
  }

  event(name: string, attributes: Attributes, level?: EventLevel, lifecyclePhase?: LifecyclePhase, detail?: string): void {
    this.#recorder?.event(name, attributes, level, lifecyclePhase, detail);
  }

  replying(message: unknown): void {
    if (this.#decided || this.#held) return;
    this.#replied = message;
    this.#recorder?.sentMessage(message);
  }

  attach<T>(attachment: EndAttachment<T>): void {
    this.#ensureRecorder().attach(attachment);
  }

  async waitForDrain(stream: Writable): Promise<void> {
    if (this.#cancelled || this.#end) return;
    const startMs = this.#recorder?.backpressureWaiting() ?? nowMs();
    try {
      await once(stream, 'drain', { signal: this.signal });
    } catch {
      // the call ended while waiting; its end is classified by the observation
    }
    this.#recorder?.backpressureWaited(startMs);
  }

  bindHandler(call: { emit(event: 'error', error: unknown): boolean }, callback?: (error: StatusObject) => void): void {
    this.#handlerCall = call;
    this.#callback = callback;
  }

  fail(error: unknown, cause?: EndCause): void {
    if (this.#decided || this.#held) return;
    if (!(error instanceof StreamlabError)) this.#shared.spans.recordException(this.#recorder?.span, this.#method, this.#recorder?.streamId, error);
    const status = toStatus(error);
    this.#pendingCause = cause;
    // grpc-js's own path when the adapter handed it over: the status reaches sendStatus below.
    if (this.#callback) this.#callback(status);
    else if (this.#handlerCall) this.#handlerCall.emit('error', status);
    else this.sendStatus(status);
  }

  cut(error: unknown, cause: EndCause): void {
    if (this.#decided || this.#held) return;
    const status = toStatus(error);
    this.#pendingCause = cause;
    this.sendStatus(status);
  }
}
