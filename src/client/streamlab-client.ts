/**
 * A typed client of streamlab's services (Ticker: Subscribe, Notify, Publish; Delivery:
 * Exchange) whose every call is observed: spans, metrics, logs and the end cause on the
 * client side. One channel per client, shared by both services; the channel's sockets are
 * watched through its credentials (src/client/observed-channel.ts).
 */
import type { CallOptions, ClientDuplexStream, ClientReadableStream, ClientUnaryCall, ClientWritableStream, Metadata } from '@grpc/grpc-js';
import { loadStreamlabProto } from '../core/proto.ts';
import type { SubscribeRequest } from '../generated/streamlab/v1/SubscribeRequest.ts';
import type { Event__Output } from '../generated/streamlab/v1/Event.ts';
import type { NotifyRequest } from '../generated/streamlab/v1/NotifyRequest.ts';
import type { NotifyReply__Output } from '../generated/streamlab/v1/NotifyReply.ts';
import type { PublishRequest } from '../generated/streamlab/v1/PublishRequest.ts';
import type { PublishSummary__Output } from '../generated/streamlab/v1/PublishSummary.ts';
import type { ExchangeRequest } from '../generated/streamlab/v1/ExchangeRequest.ts';
import type { ExchangeResponse__Output } from '../generated/streamlab/v1/ExchangeResponse.ts';
import { deliveryMetricsOf } from '../delivery/delivery-metrics.ts';
import { methodInfoOf } from '../core/method-info.ts';
import type { MethodInfo } from '../core/method-info.ts';
import type { TelemetryDeps } from '../telemetry/telemetry-deps.ts';
import { CLIENT_DEFAULTS } from './client-options.ts';
import type { ClientCallOptions, ObservedCall, ObservedUnaryCall, StreamlabClientOptions } from './client-options.ts';
import { createObservedChannel, createWatchedSockets, observedChannelOptions, openObservedCall, responseSlot } from './observed-channel.ts';
import type { ObservedChannel } from './observed-channel.ts';

export { CLIENT_DEFAULTS } from './client-options.ts';
export type { ClientCallOptions, ObservedCall, ObservedUnaryCall, StreamlabClientOptions } from './client-options.ts';

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
export function createStreamlabClient(deps: TelemetryDeps, options: StreamlabClientOptions) {
  const { Ticker, Delivery } = loadStreamlabProto().streamlab.v1;
  const sockets = createWatchedSockets();
  const channelOptions = observedChannelOptions(options);
  const ticker = new Ticker(options.target, sockets.credentials, channelOptions);
  const delivery = new Delivery(options.target, sockets.credentials, { ...channelOptions, channelOverride: ticker.getChannel() });
  const channel: ObservedChannel = createObservedChannel(deps, sockets, options.target, methodInfos(Ticker.service, Delivery.service), options.settleMs ?? CLIENT_DEFAULTS.settleMs);
  const observed = <Call extends { cancel(): void; on(event: 'error', listener: () => void): unknown }>(
    callOptions: ClientCallOptions, open: (metadata: Metadata, grpcOptions: CallOptions) => Call,
  ): ObservedCall<Call> => openObservedCall(channel, callOptions, open);

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
    metrics: deliveryMetricsOf(deps.metrics.registry),
    /** The channel both services share (connectivity state, warm-up). */
    channel: ticker.getChannel(),
    /** Sockets connected so far, over the client's life (one per backend per reconnect). */
    get connections(): number {
      return sockets.connections;
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
