/**
 * Where the observation layer hooks into a grpc-js 1.14 server call object (server.ts
 * `handle*`, server-call.ts) to see its messages and the handler's own end, for every kind:
 * - received messages: `call.request` (unary, server streaming) or each `call.push(message)`
 *   grpc-js makes (client streaming, bidi: the call is a Duplex it pushes into);
 * - sent messages: each `call.write()` (server streaming, bidi) or the callback's value
 *   (unary, client streaming);
 * - the handler's own end: `call.end()` (OK), an 'error' emitted on the call, or the
 *   callback's error. An error emitted on the call ends the SERVER span in
 *   instrumentation-grpc's `errorMonitor` listener; ours is prepended so the end is
 *   recorded first.
 * Every status the handler sends carries the `streamlab-end-cause` trailer.
 */
import { errorMonitor } from 'node:events';
import { status as Status, Metadata } from '@grpc/grpc-js';
import type { sendUnaryData } from '@grpc/grpc-js';
import { END_CAUSE_TRAILER } from '../../core/end-cause.ts';
import type { EndCause } from '../../core/end-cause.ts';
import { statusOfServiceError } from '../../core/errors.ts';
import type { RpcKind } from '../method-info.ts';
import { deadlinePassed } from './classify-server-end.ts';

/** Any grpc-js server call object (ServerWritableStreamImpl or ServerDuplexStreamImpl in 1.14). */
export interface AnyServerCall {
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

/** What the hooks report to. */
export interface CallHooks {
  /** True once the call's end is recorded: messages and statuses after it go nowhere. */
  isEnded(): boolean;
  received(message: unknown): void;
  sent(message: unknown): void;
  /** The handler ended the call with this status: record the end; returns its cause for the trailer. */
  handlerEnded(code: number, details: string): EndCause;
}

/** `metadata` (or a new one) with the end-cause trailer set, so the client can read the server's cause. */
function withCauseTrailer(metadata: Metadata | null | undefined, cause: EndCause): Metadata {
  const trailer = metadata ?? new Metadata();
  trailer.set(END_CAUSE_TRAILER, cause);
  return trailer;
}

/**
 * Installs the hooks on `call`, a call of kind `kind`.
 * @param respond grpc-js's callback for unary and client-streaming calls
 * @returns the callback to hand the handler in place of `respond` (undefined for response streams)
 */
export function hookServerCall(call: AnyServerCall, kind: RpcKind, respond: sendUnaryData<unknown> | undefined, hooks: CallHooks): sendUnaryData<unknown> | undefined {
  const requestStreams = kind === 'client_stream' || kind === 'bidi_stream';
  const responseStreams = kind === 'server_stream' || kind === 'bidi_stream';

  if (requestStreams && call.push) {
    const push = call.push;
    call.push = function observedPush(this: unknown, chunk: unknown, encoding?: BufferEncoding): boolean {
      if (chunk !== null && !hooks.isEnded()) hooks.received(chunk);
      return push.call(this, chunk, encoding);
    };
  } else if (!requestStreams) {
    hooks.received(call.request);
  }

  /**
   * Runs an OK end of a call whose request streams once the turn of the event loop is
   * over, unless the call turned out cancelled meanwhile. A client that cancels sends
   * END_STREAM just before RST_STREAM (Node's Http2Stream.close ends the writable side
   * first), and a session grpc-js destroys after a keepalive timeout ends its streams'
   * readable side too: either way the handler sees a half-close and may answer OK to a
   * client that is gone. grpc-js marks the call cancelled in the ticks that follow; then
   * 'cancelled' classifies the end instead. A second OK end in that window is ignored.
   * A half-close at the deadline is the client's deadline timer cancelling (the same
   * END_STREAM before RST_STREAM), so it is not completed either: grpc-js's own deadline
   * timer or the RST_STREAM ends the call as deadline_exceeded.
   */
  let completing = false;
  const afterHalfCloseRace = (complete: () => void): void => {
    if (!requestStreams) return complete();
    if (completing) return;
    completing = true;
    setImmediate(() => {
      if (!call.cancelled && !hooks.isEnded() && !deadlinePassed(call.getDeadline(), Date.now())) complete();
    });
  };

  if (!responseStreams) {
    const reply = respond as sendUnaryData<unknown>;
    return (error, value, trailer, flags) => {
      if (hooks.isEnded()) return; // too late: the call already ended (cancel, deadline, shutdown)
      if (error) {
        const status = statusOfServiceError(error);
        const cause = hooks.handlerEnded(status.code, status.details);
        reply(error, value, withCauseTrailer(trailer ?? (error as { metadata?: Metadata }).metadata, cause), flags);
        return;
      }
      afterHalfCloseRace(() => {
        hooks.sent(value);
        hooks.handlerEnded(Status.OK, 'OK');
        reply(null, value, withCauseTrailer(trailer, 'completed'), flags);
      });
    };
  }

  const write = call.write as NonNullable<AnyServerCall['write']>;
  call.write = function observedWrite(this: unknown, chunk: unknown, ...rest: unknown[]): boolean {
    if (hooks.isEnded()) return false; // the call has ended: the message would go nowhere
    hooks.sent(chunk);
    return write.call(this, chunk, ...rest);
  };
  // An error emitted on the call is recorded here, before grpc-js's own 'error' listener
  // calls end(); so end() sees a non-OK pending status only after the end is recorded.
  call.prependListener(errorMonitor, (error: unknown) => {
    if (hooks.isEnded()) return;
    const status = statusOfServiceError(error);
    const cause = hooks.handlerEnded(status.code, status.details);
    if (typeof error === 'object' && error !== null) {
      const carrier = error as { metadata?: Metadata | null };
      carrier.metadata = withCauseTrailer(carrier.metadata, cause);
    }
  });
  const end = call.end as NonNullable<AnyServerCall['end']>;
  call.end = function observedEnd(this: unknown, metadata?: Metadata): unknown {
    const pending = call.pendingStatus ?? { code: Status.OK, details: 'OK' };
    if (hooks.isEnded()) return end.call(this, metadata);
    if (pending.code === Status.OK) {
      afterHalfCloseRace(() => {
        hooks.handlerEnded(Status.OK, 'OK');
        end.call(this, withCauseTrailer(metadata ?? call.trailingMetadata, 'completed'));
      });
      return this;
    }
    const cause = hooks.handlerEnded(pending.code, pending.details);
    if (pending.metadata) withCauseTrailer(pending.metadata, cause);
    else metadata = withCauseTrailer(metadata ?? call.trailingMetadata, cause);
    return end.call(this, metadata);
  };
  return undefined;
}
