/**
 * The call context a handler gets from the observation layer: its call's signal, end,
 * scenario and telemetry (backpressure, protocol events, attachments), typed, without a
 * lookup keyed by the call object (nice-grpc's CallContext is the model).
 *
 * The server interceptor (observed-server-call.ts) runs grpc-js's handler invocation
 * inside an AsyncLocalStorage scope holding its call, so a handler reads its context with
 * `serverCallContext()` — synchronously, when it starts; a handler written with the adapters
 * of handlers.ts receives it as an argument instead.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Writable } from 'node:stream';
import type { Attributes, Context } from '@opentelemetry/api';
import type { StatusObject } from '@grpc/grpc-js';
import type { EndCause } from '../../core/end-cause.ts';
import type { EndAttachment } from '../../telemetry/call-recorder.ts';
import type { EventLevel } from '../../telemetry/call-writer.ts';
import type { LifecyclePhase, StreamEnd } from '../../telemetry/lifecycle-event.ts';
import type { Metrics } from '../../telemetry/metrics.ts';

/** What a handler may know and do about its own call. */
export interface ServerCallContext {
  /** Aborted as soon as the call ends, whoever ended it: stop working on it then. */
  readonly signal: AbortSignal;
  /**
   * True once the call is over or ending (it was cancelled, or a status is on its way): a
   * reply now goes nowhere. Cheaper than `signal.aborted` when the signal is not needed.
   */
  readonly finished: boolean;
  /**
   * Calls `listener` once, as soon as the call is over (cancelled, or its status on the way):
   * a cleanup hook that allocates no AbortController or promise (a long-lived, idle stream
   * keeps what it holds for its whole life). Called at once when the call is already over.
   */
  onEnd(listener: () => void): void;
  /** Resolves with the end record once the call has ended on this side (every writer done). Never rejects. */
  readonly ended: Promise<StreamEnd>;
  /** The `scenario` label of the call (a known scenario, `none` or `other`). */
  readonly scenario: string;
  /** Hex trace id of the call's RPC span, '' when it does not record. */
  readonly traceId: string;
  /** A context whose active span is the call's RPC span, to parent spans of the handler's own. */
  readonly otelContext: Context;
  /** The server's metrics (a service registers its own on `metrics.registry`). */
  readonly metrics: Metrics;
  /**
   * A protocol event of the service on the RPC span (e.g. `delivery.ack`), with a log record
   * at `level` (default debug) and, for a phase the timeline draws, a lifecycle record.
   */
  event(name: string, attributes: Attributes, level?: EventLevel, lifecyclePhase?: LifecyclePhase, detail?: string): void;
  /**
   * The handler is about to answer with `message` (a unary or client-streaming reply): it is
   * counted now, before grpc-js sends it. The handler adapters (handlers.ts) call this, so the
   * reply is on the span even where the stock instrumentation ends the span on the callback
   * (span mode contrib).
   */
  replying(message: unknown): void;
  /** Attaches a snapshot taken at the end to the end record and its attributes to the span. */
  attach<T>(attachment: EndAttachment<T>): void;
  /**
   * Waits for `stream`'s 'drain' after its write() returned false, recorded as backpressure
   * (the metric always, a `backpressure.wait` span for waits of 1 ms or more). Resolves
   * early when the call ends. Write synchronously while write() returns true:
   *   if (!call.write(message)) await context.waitForDrain(call);
   */
  waitForDrain(stream: Writable): Promise<void>;
  /**
   * Hands over grpc-js's own call object (and, for unary and client-streaming calls, its
   * callback) so `fail` ends the call the way a handler does: the callback's error, or an
   * 'error' emitted on the stream — grpc-js's own path, which the stock instrumentation sees
   * too (span mode contrib). The adapters (handlers.ts) do it; without it `fail` sends the
   * status directly. Nothing is patched: the call is only used through its public API.
   */
  bindHandler(call: { emit(event: 'error', error: unknown): boolean }, callback?: (error: StatusObject) => void): void;
  /**
   * Ends the call with the status `error` maps to (core/errors.ts `toStatus`); `cause`
   * defaults to what that status means (failed; deadline_exceeded for DEADLINE_EXCEEDED).
   * Records the exception on the span unless it is a StreamlabError. No-op once ended.
   */
  fail(error: unknown, cause?: EndCause): void;
  /**
   * Ends the call now with the status `error` maps to, past grpc-js's own path (which would
   * send it only after what the handler wrote has gone out: never, to a reader that stopped).
   * `cause` as for `fail`. No-op once ended.
   */
  cut(error: unknown, cause: EndCause): void;
}

const storage = new AsyncLocalStorage<ServerCallContext>();

/** Runs `fn` with `call` as the current call context (the interceptor does, around grpc-js's handler invocation). */
export function runInCallContext<T>(call: ServerCallContext, fn: () => T): T {
  return storage.run(call, fn);
}

/**
 * The context of the call whose handler is running.
 * @throws Error when no observed call is running (the handler's server was not built by
 *   createServer, or the context was asked for outside the handler's own async flow)
 */
export function serverCallContext(): ServerCallContext {
  const call = storage.getStore();
  if (!call) throw new Error('streamlab: no observed call here; build the server with createServer and ask for the context when the handler starts');
  return call;
}

/** The running call's context, if any (the stock-span hook of span mode contrib). */
export function currentServerCall(): ServerCallContext | undefined {
  return storage.getStore();
}
