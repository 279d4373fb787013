/**
 * A typed client of streamlab's services (Ticker: Subscribe, Notify, Publish; Delivery:
 * Exchange) whose every call is observed: spans, metrics, logs and the end cause on the
 * client side. One channel per client, shared by both services; the channel's socket is
 * watched through its credentials.
 */
import { Metadata } from '@grpc/grpc-js';
import type {
  CallOptions, ChannelOptions, ClientDuplexStream, ClientReadableStream, ClientUnaryCall, ClientWritableStream, ServiceError,
} from '@grpc/grpc-js';
import { loadStreamlabProto } from '../proto.ts';
import type { SubscribeRequest } from '../generated/streamlab/v1/SubscribeRequest.ts';
import type { Event__Output } from '../generated/streamlab/v1/Event.ts';
import type { NotifyRequest } from '../generated/streamlab/v1/NotifyRequest.ts';
import type { NotifyReply__Output } from '../generated/streamlab/v1/NotifyReply.ts';
import type { PublishRequest } from '../generated/streamlab/v1/PublishRequest.ts';
import type { PublishSummary__Output } from '../generated/streamlab/v1/PublishSummary.ts';
import type { ExchangeRequest } from '../generated/streamlab/v1/ExchangeRequest.ts';
import type { ExchangeResponse__Output } from '../generated/streamlab/v1/ExchangeResponse.ts';
import { watchSocketFate } from '../core/socket-fate.ts';
import type { SocketWatch } from '../core/socket-fate.ts';
import { methodInfoOf } from '../rpc/method-info.ts';
import type { MethodInfo } from '../rpc/method-info.ts';
import { createWatchedCredentials } from '../rpc/client/watched-credentials.ts';
import { observeClientCall } from '../rpc/client/observe-client-call.ts';
import type { RecorderDeps, StreamRecorder } from '../telemetry/stream-recorder.ts';
import type { StreamEnd } from '../telemetry/lifecycle-event.ts';

/** Client options; every field but `target` has a default. */
export interface StreamlabClientOptions {
  /**
   * `host:port` of the server (or of a proxy in front of it), or any grpc-js target:
   * `ipv4:127.0.0.1:7071,127.0.0.1:7072` or `dns:host:port` for several backends.
   */
  target: string;
  /**
   * Load-balancing policy over the target's addresses. Default `pick_first` (grpc's own
   * default). `round_robin` connects to every address and spreads calls over the READY ones
   * (gRPC load-balancing doc); calls started before more than one is READY all go to the first.
   */
  loadBalancing?: 'pick_first' | 'round_robin';
  /**
   * Interval between the client's keepalive PINGs while a call is open, ms. Default
   * 30,000: the same reasoning as the server's (src/server/create-server.ts). grpc-core and
   * grpc-go servers refuse pings more often than every 5 min by default (gRFC A8) and
   * answer with GOAWAY ENHANCE_YOUR_CALM; grpc-js servers, like ours, do not enforce it.
   * 0 sends no PINGs at all: a frozen server is then never noticed (design §1).
   */
  keepaliveTimeMs?: number;
  /** How long a PING may go unanswered before the client drops the connection, ms. Default 10,000. */
  keepaliveTimeoutMs?: number;
  /** How long to wait for the socket's fate after an UNAVAILABLE-like status, ms. Default 100. */
  settleMs?: number;
}

/** Defaults of {@link StreamlabClientOptions}. */
export const CLIENT_DEFAULTS = { keepaliveTimeMs: 30_000, keepaliveTimeoutMs: 10_000, settleMs: 100 } as const;

/** One observed call of any kind. */
export interface ObservedCall<Call> {
  /** The grpc-js call: read 'data' (streams), write (client streams); 'error'/'status' after `ended`. */
  readonly call: Call;
  /** Resolves with the client-side end record (never rejects). */
  readonly ended: Promise<StreamEnd>;
  /** The call's recorder (messages so far, trace id). */
  readonly recorder: StreamRecorder;
  /** Cancels the call: RST_STREAM CANCEL on the live connection. */
  cancel(): void;
}

/** An observed call with a single response (unary, client streaming). */
export interface ObservedUnaryCall<Call, Response> extends ObservedCall<Call> {
  /** The response, or undefined when the call ended without one (see `ended` for why). Never rejects. */
  readonly response: Promise<Response | undefined>;
}

/** Per-call options. */
export interface ClientCallOptions {
  /** Deadline as an absolute Date. Default: none. */
  deadline?: Date;
  /** Wait for the channel to be READY instead of failing fast when it cannot connect. Default false. */
  waitForReady?: boolean;
}

/** Method infos of every method of `service`, by path (with response serializers, so received sizes are known). */
function methodInfos(...services: Array<Record<string, { path: string }>>): Map<string, MethodInfo> {
  const infos = new Map<string, MethodInfo>();
  for (const service of services) {
    for (const definition of Object.values(service)) infos.set(definition.path, methodInfoOf(definition as never));
  }
  return infos;
}

/**
 * Creates the client; nothing connects until the first call.
 * @param deps telemetry dependencies (the same kinds the server takes)
 */
export function createStreamlabClient(deps: RecorderDeps, options: StreamlabClientOptions) {
  /** The latest socket, and the latest socket to each peer (`host:port`, as grpc-js's getPeer() names it). */
  let socket: SocketWatch | undefined;
  const sockets = new Map<string, SocketWatch>();
  let connections = 0;
  const keepaliveTimeMs = options.keepaliveTimeMs ?? CLIENT_DEFAULTS.keepaliveTimeMs;
  const channelOptions: ChannelOptions = {
    // grpc-js sends no keepalive PINGs when the option is absent (transport.ts): 0 turns it off.
    ...(keepaliveTimeMs > 0 ? { 'grpc.keepalive_time_ms': keepaliveTimeMs } : {}),
    'grpc.keepalive_timeout_ms': options.keepaliveTimeoutMs ?? CLIENT_DEFAULTS.keepaliveTimeoutMs,
    // Ping only while a call is open: idle pings need the server's permission (gRFC A8).
    'grpc.keepalive_permit_without_calls': 0,
    // No transparent retries: a retried call would hide the very end the lab shows.
    'grpc.enable_retries': 0,
    ...(options.loadBalancing === 'round_robin'
      ? { 'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }) }
      : {}),
  };
  const { Ticker, Delivery } = loadStreamlabProto().streamlab.v1;
  const credentials = createWatchedCredentials((connected) => {
    connections += 1;
    socket = watchSocketFate(connected);
    sockets.set(`${connected.remoteAddress}:${connected.remotePort}`, socket);
  });
  /**
   * The socket that carries calls to `peer`; without a peer (a call starting), an open one —
   * the latest if it is open: with several backends, a dead latest socket does not mean the
   * channel has none — else the latest.
   */
  const socketOf = (peer?: string): SocketWatch | undefined => {
    const own = peer ? sockets.get(peer) : undefined;
    if (own) return own;
    if (socket && socket.fate === undefined) return socket;
    for (const candidate of sockets.values()) if (candidate.fate === undefined) return candidate;
    return socket;
  };
  const ticker = new Ticker(options.target, credentials, channelOptions);
  const delivery = new Delivery(options.target, credentials, { ...channelOptions, channelOverride: ticker.getChannel() });
  const methods = methodInfos(Ticker.service, Delivery.service);
  const settleMs = options.settleMs ?? CLIENT_DEFAULTS.settleMs;

  /** Opens one observed call with `open`, which receives the grpc-js call options. */
  function observed<Call extends { cancel(): void; on(event: 'error', listener: () => void): unknown }>(
    callOptions: ClientCallOptions, open: (metadata: Metadata, grpcOptions: CallOptions) => Call,
  ): ObservedCall<Call> {
    const observation = observeClientCall(deps, { currentSocket: socketOf, connectionCount: () => connections, settleMs, methods });
    // grpc-js takes waitForReady as a metadata option, not a call option (metadata.ts MetadataOptions).
    const metadata = new Metadata(callOptions.waitForReady ? { waitForReady: true } : {});
    const call = open(metadata, {
      interceptors: [observation.interceptor],
      ...(callOptions.deadline ? { deadline: callOptions.deadline } : {}),
    });
    // Errors are observed through `ended`; a stream with no 'error' listener would throw.
    call.on('error', () => {});
    const recorder = observation.recorder();
    if (!recorder) throw new Error('streamlab: the client interceptor did not start');
    return { call, ended: observation.ended, recorder, cancel: () => call.cancel() };
  }

  /** A response promise and the callback that settles it. */
  function responseSlot<Response>(): { response: Promise<Response | undefined>; callback: (error: ServiceError | null, value?: Response) => void } {
    let resolve!: (value: Response | undefined) => void;
    const response = new Promise<Response | undefined>((done) => (resolve = done));
    return { response, callback: (error, value) => resolve(error ? undefined : value) };
  }

  return {
    /**
     * Ticker/Subscribe (server streaming). Call it inside the context whose baggage carries
     * the scenario name (and whose span should parent the CLIENT span); likewise below.
     */
    subscribe(request: SubscribeRequest, callOptions: ClientCallOptions = {}): ObservedCall<ClientReadableStream<Event__Output>> {
      return observed(callOptions, (metadata, grpcOptions) => ticker.subscribe(request, metadata, grpcOptions));
    },
    /** Ticker/Notify (unary). */
    notify(request: NotifyRequest, callOptions: ClientCallOptions = {}): ObservedUnaryCall<ClientUnaryCall, NotifyReply__Output> {
      const slot = responseSlot<NotifyReply__Output>();
      return { ...observed(callOptions, (metadata, grpcOptions) => ticker.notify(request, metadata, grpcOptions, slot.callback)), response: slot.response };
    },
    /** Ticker/Publish (client streaming): write PublishRequests, then `call.end()`. */
    publish(callOptions: ClientCallOptions = {}): ObservedUnaryCall<ClientWritableStream<PublishRequest>, PublishSummary__Output> {
      const slot = responseSlot<PublishSummary__Output>();
      return { ...observed(callOptions, (metadata, grpcOptions) => ticker.publish(metadata, grpcOptions, slot.callback)), response: slot.response };
    },
    /** Delivery/Exchange (bidi): see src/client/delivery-client.ts for the protocol. */
    exchange(callOptions: ClientCallOptions = {}): ObservedCall<ClientDuplexStream<ExchangeRequest, ExchangeResponse__Output>> {
      return observed(callOptions, (metadata, grpcOptions) => delivery.exchange(metadata, grpcOptions));
    },
    /** The delivery metrics of the client's registry (duplicates are counted client side). */
    metrics: deps.metrics.delivery,
    /** The channel both services share (connectivity state, warm-up). */
    channel: ticker.getChannel(),
    /** Sockets connected so far, over the client's life (one per backend per reconnect). */
    get connections(): number {
      return connections;
    },
    /** Closes the channel. */
    close(): void {
      delivery.close();
      ticker.close();
    },
  };
}

/** The client built by {@link createStreamlabClient}. */
export type StreamlabClient = ReturnType<typeof createStreamlabClient>;
