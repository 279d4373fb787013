/**
 * The client side of every call's life, for all four RPC kinds: one ClientCallShared per
 * channel, and a grpc-js client interceptor per call that makes the call an
 * ObservedClientCall (observed-client-call.ts).
 */
import type { Interceptor } from '@grpc/grpc-js';
import type { SocketWatch } from '../../core/socket-fate.ts';
import { CallTelemetry } from '../../telemetry/call-telemetry.ts';
import type { TelemetryDeps } from '../../telemetry/telemetry-deps.ts';
import { createMethodInfoCache } from '../../core/method-info.ts';
import type { MethodInfo } from '../../core/method-info.ts';
import type { ClientCallShared } from './client-call-shared.ts';
import { ClientSpans } from './client-spans.ts';
import { ObservedClientCall } from './observed-client-call.ts';

/** What a channel's observation needs besides the telemetry. */
export interface ClientObservationOptions {
  /** The channel's target (`host:port`, `dns:…`, `ipv4:…`): `server.address`/`server.port` of its spans. */
  target: string;
  /** See ClientCallShared.currentSocket. */
  currentSocket(peer?: string): SocketWatch | undefined;
  /** See ClientCallShared.connectionCount. */
  connectionCount(): number;
  /** How long to wait for the socket's fate after a transport-looking status, ms. */
  settleMs: number;
  /** Method infos by path, from the service definitions (they know response sizes). */
  methods?: ReadonlyMap<string, MethodInfo>;
}

/** The observation of one channel's calls. */
export function createClientObservation(deps: TelemetryDeps, options: ClientObservationOptions): ClientCallShared {
  const telemetry = new CallTelemetry(deps);
  const fromDefinition = createMethodInfoCache();
  return {
    telemetry,
    spans: new ClientSpans(deps.tracer, options.target, telemetry.rpcSpans),
    currentSocket: options.currentSocket,
    connectionCount: options.connectionCount,
    settleMs: options.settleMs,
    describe: (definition) => options.methods?.get(definition.path) ?? fromDefinition(definition as never),
  };
}

/**
 * An interceptor for one call, and the observed call it made once grpc-js has built the
 * call's interceptor chain (synchronously, while the call is created).
 */
export function interceptOneCall(shared: ClientCallShared): { interceptor: Interceptor; observed(): ObservedClientCall | undefined } {
  let observed: ObservedClientCall | undefined;
  return {
    interceptor: (options, nextCall) => (observed = new ObservedClientCall(nextCall(options), options, shared)),
    observed: () => observed,
  };
}
