/**
 * What every observed client needs besides its stubs: channel options that keep a stream's
 * ending visible (keepalive, no transparent retries), credentials that watch the channel's
 * own TCP sockets, and the opening of one call with the lifecycle interceptor. The dynamic
 * client (any method, found at run time) and streamlab's own client are built on it.
 */
import { Metadata } from '@grpc/grpc-js';
import type { CallOptions, ChannelCredentials, ChannelOptions, ServiceError } from '@grpc/grpc-js';
import { watchSocketFate } from '../core/socket-fate.ts';
import type { SocketWatch } from '../core/socket-fate.ts';
import type { MethodInfo } from '../core/method-info.ts';
import { createWatchedCredentials } from '../rpc/client/watched-credentials.ts';
import { createClientObservation, interceptOneCall } from '../rpc/client/client-observation.ts';
import type { ClientCallShared } from '../rpc/client/client-call-shared.ts';
import type { TelemetryDeps } from '../telemetry/telemetry-deps.ts';
import { CLIENT_DEFAULTS } from './client-options.ts';
import type { ClientCallOptions, ObservedCall, StreamlabClientOptions } from './client-options.ts';

/**
 * grpc-js's per-call retry buffer, bytes (`grpc.per_rpc_retry_buffer_size`; grpc-js's default is
 * 256 KiB). Retries are off, so it buys nothing, and it costs: a write that fits in it completes
 * at once, so a stream writing faster than its connection sends (a bidi client's ACKs) piles up
 * to 256 KiB of messages there, and grpc-js 1.14 (RetryingCall.clearSentMessages) copies the
 * pending part of that buffer on every message sent: quadratic. Measured with `npm run bench`'s
 * bidi arm at 60,000 messages (BENCH_BIDI_MESSAGES): 4,000 messages/s with the default, 22,000
 * with 4 KiB. Past 4 KiB a write completes when the transport took it, so `write()` applies
 * backpressure as Node streams do.
 */
export const RETRY_BUFFER_BYTES = 4_096;

/** The channel settings of {@link StreamlabClientOptions}. */
export type ChannelSettings = Pick<StreamlabClientOptions, 'keepaliveTimeMs' | 'keepaliveTimeoutMs' | 'loadBalancing' | 'dnsMinTimeBetweenResolutionsMs'>;

/**
 * grpc-js channel options for an observed client: keepalive PINGs every `keepaliveTimeMs`
 * (default 30,000 ms; 0 sends none) only while a call is open, no transparent retries (a
 * retried call would hide the very end the lab shows), the load-balancing policy, and a small
 * per-call retry buffer ({@link RETRY_BUFFER_BYTES}).
 */
export function observedChannelOptions(settings: ChannelSettings = {}): ChannelOptions {
  const keepaliveTimeMs = settings.keepaliveTimeMs ?? CLIENT_DEFAULTS.keepaliveTimeMs;
  return {
    // grpc-js sends no keepalive PINGs when the option is absent (transport.ts): 0 turns it off.
    ...(keepaliveTimeMs > 0 ? { 'grpc.keepalive_time_ms': keepaliveTimeMs } : {}),
    'grpc.keepalive_timeout_ms': settings.keepaliveTimeoutMs ?? CLIENT_DEFAULTS.keepaliveTimeoutMs,
    'grpc.keepalive_permit_without_calls': 0,
    'grpc.enable_retries': 0,
    'grpc.per_rpc_retry_buffer_size': RETRY_BUFFER_BYTES,
    ...(settings.dnsMinTimeBetweenResolutionsMs !== undefined ? { 'grpc.dns_min_time_between_resolutions_ms': settings.dnsMinTimeBetweenResolutionsMs } : {}),
    ...(settings.loadBalancing === 'round_robin'
      ? { 'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }) }
      : {}),
  };
}

/** The sockets of one channel, watched through its credentials. */
export interface WatchedSockets {
  /** Pass these to the channel (every client sharing it). */
  readonly credentials: ChannelCredentials;
  /**
   * The socket that carries calls to `peer` (`host:port`, as grpc-js getPeer() names it);
   * without a peer, an open one (the latest if open), else the latest.
   */
  socketOf(peer?: string): SocketWatch | undefined;
  /** Sockets connected so far, over the channel's life. */
  readonly connections: number;
}

/** Creates the watched credentials and the record of the sockets they see. */
export function createWatchedSockets(): WatchedSockets {
  let latest: SocketWatch | undefined;
  const byPeer = new Map<string, SocketWatch>();
  let connections = 0;
  const credentials = createWatchedCredentials((connected) => {
    connections += 1;
    latest = watchSocketFate(connected);
    byPeer.set(`${connected.remoteAddress}:${connected.remotePort}`, latest);
  });
  return {
    credentials,
    socketOf(peer) {
      const own = peer ? byPeer.get(peer) : undefined;
      if (own) return own;
      if (latest && latest.fate === undefined) return latest;
      for (const candidate of byPeer.values()) if (candidate.fate === undefined) return candidate;
      return latest;
    },
    get connections() {
      return connections;
    },
  };
}

/** What {@link openObservedCall} needs about the channel: the observation of its calls. */
export interface ObservedChannel {
  readonly observation: ClientCallShared;
}

/**
 * The observed channel of a client.
 * @param target the channel's target (span attributes `server.address`/`server.port`)
 * @param methods method infos by path, built from definitions with both serializers (so received sizes are known)
 * @param settleMs how long to wait for the socket's fate after an UNAVAILABLE-like status, ms
 */
export function createObservedChannel(deps: TelemetryDeps, sockets: WatchedSockets, target: string, methods: ReadonlyMap<string, MethodInfo>, settleMs: number): ObservedChannel {
  return {
    observation: createClientObservation(deps, {
      target, methods, settleMs,
      currentSocket: (peer) => sockets.socketOf(peer),
      connectionCount: () => sockets.connections,
    }),
  };
}

/** A call as grpc-js returns it, as far as opening one needs. */
type Cancellable = { cancel(): void; on(event: 'error', listener: () => void): unknown };

/**
 * Opens one observed call with `open`, which receives the metadata and the grpc-js call
 * options (the lifecycle interceptor, the deadline). Call it inside the context whose
 * baggage carries the scenario name (and run).
 * @throws Error when the interceptor did not start (the call was not made through grpc-js's interceptors)
 */
export function openObservedCall<Call extends Cancellable>(
  channel: ObservedChannel, callOptions: ClientCallOptions, open: (metadata: Metadata, grpcOptions: CallOptions) => Call,
): ObservedCall<Call> {
  const intercept = interceptOneCall(channel.observation);
  // grpc-js takes waitForReady as a metadata option, not a call option (metadata.ts MetadataOptions).
  const metadata = new Metadata(callOptions.waitForReady ? { waitForReady: true } : {});
  const call = open(metadata, {
    interceptors: [intercept.interceptor],
    ...(callOptions.deadline ? { deadline: callOptions.deadline } : {}),
  });
  // Errors are observed through `ended`; a stream with no 'error' listener would throw.
  call.on('error', () => {});
  const observed = intercept.observed();
  if (!observed) throw new Error('streamlab: the client interceptor did not start');
  return { call, ended: observed.ended, recorder: observed.recorder, cancel: () => call.cancel() };
}

/** A response promise (never rejects: undefined when the call failed) and the grpc-js callback that settles it. */
export function responseSlot<Response>(): { response: Promise<Response | undefined>; callback: (error: ServiceError | null, value?: Response) => void } {
  let resolve!: (value: Response | undefined) => void;
  const response = new Promise<Response | undefined>((done) => (resolve = done));
  return { response, callback: (error, value) => resolve(error ? undefined : value) };
}
