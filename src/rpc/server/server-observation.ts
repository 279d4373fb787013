/**
 * The server side of every call's life, for every method of every service and all four
 * RPC kinds, as one grpc-js server interceptor (`ServerOptions.interceptors`): each call
 * becomes an ObservedServerCall (observed-server-call.ts), so handlers need to know
 * nothing about telemetry, and those that want their call's telemetry ask for its context
 * (call-context.ts).
 */
import type { ServerInterceptor } from '@grpc/grpc-js';
import { withTimeout } from '../../core/deferred.ts';
import { createRecentTimerLateness } from '../../core/timer-lateness.ts';
import { CallTelemetry } from '../../telemetry/call-telemetry.ts';
import type { TelemetryDeps } from '../../telemetry/telemetry-deps.ts';
import { createMethodInfoCache } from '../../core/method-info.ts';
import { currentServerCall } from './call-context.ts';
import type { ConnectionTracker } from './connection-tracker.ts';
import type { Http2Sessions } from './http2-sessions.ts';
import { ObservedServerCall } from './observed-server-call.ts';
import type { OpenServerCall } from './server-call-shared.ts';
import { ServerSpans } from './server-spans.ts';

/** What the observation needs from its server besides the telemetry. */
export interface ServerObservationOptions {
  connections: ConnectionTracker;
  /** The server's HTTP/2 sessions (GOAWAYs it sent). Default: none known. */
  sessions?: Pick<Http2Sessions, 'sessionOf'>;
  /** True once the server has begun shutting down. */
  isShuttingDown(): boolean;
  /**
   * How long a cancelled call waits for its connection's fate before it is called a
   * client cancel, ms. Default 50: socket 'end'/'error'/'close' arrive within a few
   * event-loop turns of grpc-js's cancel on loopback.
   */
  settleMs?: number;
}

/** The observation of one server's calls. */
export interface ServerObservation {
  /** Pass it in `ServerOptions.interceptors`. */
  readonly interceptor: ServerInterceptor;
  /** Calls open right now. */
  readonly active: ReadonlySet<OpenServerCall>;
  /** Stops listening to the stock instrumentation (span mode contrib). */
  close(): void;
}

/** Creates the observation of a server's calls. */
export function createServerObservation(deps: TelemetryDeps, options: ServerObservationOptions): ServerObservation {
  const telemetry = new CallTelemetry(deps);
  const spans = new ServerSpans(deps.tracer, deps.logger, telemetry.rpcSpans);
  const active = new Set<OpenServerCall>();
  const settleMs = options.settleMs ?? 50;
  const lateness = createRecentTimerLateness();
  const shared = {
    telemetry, spans, active, connections: options.connections,
    isShuttingDown: options.isShuttingDown,
    timerLatenessMs: () => lateness.recentMs(),
    sessionOf: (peer: string) => options.sessions?.sessionOf(peer),
    settle: async (connection: { fullyClosed: Promise<void> }) => void (await withTimeout(connection.fullyClosed, settleMs)),
  };
  const describe = createMethodInfoCache();
  // Span mode contrib: the stock instrumentation starts the SERVER span inside grpc-js's
  // handler invocation, which the call runs in its own context: the call adopts the span.
  const stop = deps.pipeline?.stockSpans?.onStart((span, kind) => {
    const call = currentServerCall();
    if (kind === 'server' && call instanceof ObservedServerCall) call.adoptStockSpan(span);
  });
  return {
    interceptor: (descriptor, call) => new ObservedServerCall(call, describe(descriptor as never), shared),
    active,
    close: () => {
      stop?.();
      lateness.close();
    },
  };
}
