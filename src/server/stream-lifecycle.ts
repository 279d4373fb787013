/**
 * The server side of one stream's life: it opens the recorder, carries writes with
 * backpressure, and classifies the end (design §2, server column).
 *
 * grpc-js emits 'cancelled' on every call end since 1.10, successful ones included, so a
 * 'cancelled' counts only when the handler had not ended the call itself. Then the fate
 * of the TCP connection that carried the call tells client cancel (connection still
 * open) from FIN, RST and keepalive timeout (design §1).
 *
 * Span ownership: on complete/fail the attributes are set before the status is sent and
 * instrumentation-grpc ends the SERVER span. On a cancel it never does (0.22x-0.30x), so
 * this lifecycle ends it.
 */
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { propagation, context, trace, SpanStatusCode, INVALID_SPAN_CONTEXT } from '@opentelemetry/api';
import { status as Status, Metadata } from '@grpc/grpc-js';
import type { ServerWritableStream } from '@grpc/grpc-js';
import { END_CAUSE_TRAILER } from '../core/end-cause.ts';
import type { EndCause } from '../core/end-cause.ts';
import { toStatus } from '../core/errors.ts';
import type { ConnectionTracker } from '../rpc/server/connection-tracker.ts';
import type { SocketFate } from '../core/socket-fate.ts';
import { TICKER_SERVICE, SUBSCRIBE_METHOD } from '../proto.ts';
import { createStreamRecorder } from '../telemetry/stream-recorder.ts';
import type { RecorderDeps, StreamRecorder } from '../telemetry/stream-recorder.ts';
import { nowMs } from '../telemetry/lifecycle-event.ts';
import type { StreamEnd } from '../telemetry/lifecycle-event.ts';
import { isServerError } from '../telemetry/grpc-status.ts';
import { BAGGAGE_SCENARIO, SCENARIO_NONE } from '../telemetry/semconv.ts';

/** Dependencies of the server lifecycle. */
export interface ServerLifecycleDeps extends RecorderDeps {
  connections: ConnectionTracker;
  /** True once the server has begun shutting down. */
  isShuttingDown(): boolean;
  /**
   * How long a cancelled stream waits for its connection's fate before it is called a
   * client cancel, in ms. Default 50: socket 'end'/'error'/'close' arrive within a few
   * event-loop turns of grpc-js's 'cancelled' on loopback.
   */
  settleMs?: number;
}

let nextStreamId = 1;

/**
 * Why a stream the handler had not ended was cancelled, from its connection's fate
 * (socket events measured with grpc-js 1.14 on loopback):
 * - peer FIN or RST: the socket says so ('end' / 'error') before grpc-js cancels the
 *   streams the connection carried, so a fate known at 'cancelled' names the cause;
 * - keepalive timeout: grpc-js cancels the streams, then ends and destroys the socket
 *   itself ('finish', 'close', never 'end': the peer is silent);
 * - a client that cancels and then leaves: 'cancelled' first, the peer's FIN after.
 * @param knownAtCancel the fate when 'cancelled' fired
 * @param later the fate after the settle window
 * @param peerEnded whether the peer's FIN had arrived by the end of the settle window
 */
export function classifyCancel(knownAtCancel: SocketFate | undefined, later: SocketFate | undefined, peerEnded: boolean): EndCause {
  if (knownAtCancel) {
    if (knownAtCancel.kind === 'rst') return 'connection_reset';
    if (knownAtCancel.kind === 'fin' || peerEnded) return 'connection_closed';
    return 'keepalive_timeout';
  }
  if (later?.kind === 'local' && !peerEnded) return 'keepalive_timeout';
  return 'client_cancelled';
}

/**
 * How early before the server's copy of the deadline a cancel still counts as the deadline,
 * ms. The server's deadline is the grpc-timeout header added to the time the request
 * arrived, so it runs a little later than the client's; the client's own deadline timer
 * fires first and its RST_STREAM can arrive just before the server's deadline passes.
 */
const DEADLINE_SKEW_MS = 50;

/** Whether a call deadline (grpc-js: Date, or ms since the epoch, Infinity for none) has passed at `nowMs`, allowing for the client-server skew. */
export function deadlinePassed(deadline: Date | number, nowMs: number): boolean {
  const atMs = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(atMs) && atMs - DEADLINE_SKEW_MS <= nowMs;
}

/** The scenario name carried as W3C baggage, or `none`. */
function scenarioOf(): string {
  return propagation.getBaggage(context.active())?.getEntry(BAGGAGE_SCENARIO)?.value ?? SCENARIO_NONE;
}

/**
 * Starts observing a Subscribe call; call it first thing in the handler, inside the
 * handler's context (instrumentation-grpc's SERVER span is the active span there).
 */
export function openServerStream<Req, Res>(call: ServerWritableStream<Req, Res>, deps: ServerLifecycleDeps) {
  const span = trace.getActiveSpan() ?? trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
  const connection = deps.connections.byPeer(call.getPeer());
  const recorder: StreamRecorder = createStreamRecorder(deps, {
    side: 'server',
    streamId: `s-${nextStreamId++}`,
    scenario: scenarioOf(),
    span,
    service: TICKER_SERVICE,
    method: SUBSCRIBE_METHOD,
    ...(connection ? { connectionId: connection.id } : {}),
  });
  const aborted = new AbortController();
  let settled: StreamEnd | undefined;
  let resolveEnd!: (end: StreamEnd) => void;
  const ended = new Promise<StreamEnd>((resolve) => (resolveEnd = resolve));

  function finish(cause: EndCause, grpcCode: number, details: string, endedAtMs?: number, fate?: SocketFate): StreamEnd {
    settled = recorder.end({ cause, grpcCode, details, ...(fate ? { closeKind: fate.kind } : {}) }, endedAtMs);
    aborted.abort(cause);
    resolveEnd(settled);
    return settled;
  }

  function trailer(cause: EndCause): Metadata {
    const metadata = new Metadata();
    metadata.set(END_CAUSE_TRAILER, cause);
    return metadata;
  }

  async function onCancelled(): Promise<void> {
    if (settled) return; // our own end: 'cancelled' fires on every call end
    const detectedAtMs = nowMs();
    aborted.abort('cancelled');
    let cause: EndCause;
    let fate: SocketFate | undefined;
    if (deps.isShuttingDown()) cause = 'server_shutdown';
    else if (deadlinePassed(call.getDeadline(), Date.now())) {
      cause = 'deadline_exceeded';
    } else {
      const knownAtCancel = connection?.fate;
      if (connection) await Promise.race([connection.fullyClosed, delay(deps.settleMs ?? 50, undefined, { ref: false })]);
      cause = classifyCancel(knownAtCancel, connection?.fate, connection?.peerEnded ?? false);
      if (cause !== 'client_cancelled') fate = connection?.fate;
    }
    if (settled) return;
    const noticedAtMs = fate ? Math.min(fate.atMs, detectedAtMs) : detectedAtMs;
    if (cause === 'client_cancelled') recorder.cancel(detectedAtMs);
    if (cause === 'keepalive_timeout') recorder.keepaliveTimeout(noticedAtMs);
    if (fate) recorder.transportClose(fate.kind, fate.atMs);
    const grpcCode = cause === 'deadline_exceeded' ? Status.DEADLINE_EXCEEDED : Status.CANCELLED;
    finish(cause, grpcCode, `stream ended by ${cause.replace('_', ' ')}`, noticedAtMs, fate);
    if (isServerError(grpcCode)) span.setStatus({ code: SpanStatusCode.ERROR, message: cause });
    span.end(noticedAtMs);
  }
  call.on('cancelled', () => void onCancelled());

  return {
    recorder,
    /** Aborted as soon as the stream ends, whoever ended it. */
    signal: aborted.signal,
    /** Resolves with the end record once the stream has ended on this side. */
    ended,
    /**
     * Writes one message and records it.
     * @returns false when the caller must await `drain()` before writing more (the
     *   transport buffer is full, or the stream has ended)
     */
    write(message: Res, sizeBytes: number): boolean {
      if (aborted.signal.aborted) return false;
      recorder.message(sizeBytes);
      return call.write(message);
    },
    /**
     * Waits for 'drain' after write() returned false, as a `backpressure.wait` span.
     * Resolves early when the stream ends meanwhile.
     */
    async drain(): Promise<void> {
      if (aborted.signal.aborted) return;
      const done = recorder.backpressureWait();
      try {
        await once(call, 'drain', { signal: aborted.signal });
      } catch {
        // the stream ended while waiting; the end is classified elsewhere
      } finally {
        done();
      }
    },
    /** Ends the stream with OK. */
    complete(): void {
      if (settled) return;
      finish('completed', Status.OK, 'OK');
      call.end(trailer('completed'));
    },
    /**
     * Ends the stream with the status `error` maps to (see errors.ts `toStatus`);
     * `cause` defaults to failed (deadline_exceeded for DEADLINE_EXCEEDED).
     */
    fail(error: unknown, cause?: EndCause): void {
      if (settled) return;
      const status = toStatus(error);
      const endCause = cause ?? (status.code === Status.DEADLINE_EXCEEDED ? 'deadline_exceeded' : 'failed');
      finish(endCause, status.code, status.details);
      if (endCause === 'server_shutdown') recorder.goaway();
      call.emit('error', { code: status.code, details: status.details, metadata: trailer(endCause) });
    },
  };
}

/** A stream observed by {@link openServerStream}. */
export type ServerStream = ReturnType<typeof openServerStream>;
