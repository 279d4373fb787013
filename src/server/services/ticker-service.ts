/**
 * The Ticker service, one method per request/response shape:
 * - Subscribe (server streaming): numbered Events at the requested pace until the count is
 *   reached or the call ends otherwise; Notify texts published to its topic meanwhile;
 * - Notify (unary): waits delay_ms, publishes a text to the topic's subscribers;
 * - Publish (client streaming): counts the uploaded events, their bytes and a CRC-32.
 * The handlers know nothing of telemetry: the RPC layer observes every call.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { crc32 } from 'node:zlib';
import type { sendUnaryData, ServerReadableStream, ServerUnaryCall, ServerWritableStream } from '@grpc/grpc-js';
import type { Event } from '../../generated/streamlab/v1/Event.ts';
import type { SubscribeRequest__Output } from '../../generated/streamlab/v1/SubscribeRequest.ts';
import type { NotifyRequest__Output } from '../../generated/streamlab/v1/NotifyRequest.ts';
import type { NotifyReply } from '../../generated/streamlab/v1/NotifyReply.ts';
import type { PublishRequest__Output } from '../../generated/streamlab/v1/PublishRequest.ts';
import type { PublishSummary } from '../../generated/streamlab/v1/PublishSummary.ts';
import { loadStreamlabProto, TICKER_SERVICE } from '../../proto.ts';
import { callSignal } from '../../rpc/server/server-call-observation.ts';
import { waitForDrain } from '../../rpc/server/backpressure.ts';
import type { ServiceRegistration } from '../service-registration.ts';
import { toTimestamp } from '../../core/timestamp.ts';
import { validateNotifyRequest, validatePublishRequest, validateSubscribeRequest } from '../validate-request.ts';
import type { TopicHub } from './topic-hub.ts';


/** Streams the events of one validated request; resolves when the call has ended. */
async function streamEvents(call: ServerWritableStream<SubscribeRequest__Output, Event>, hub: TopicHub): Promise<void> {
  const { topic, count, intervalMs, payloadBytes } = call.request;
  const signal = callSignal(call);
  const payload = Buffer.alloc(payloadBytes, 0x61);
  let id = 0;
  const unsubscribe = hub.subscribe(topic, (text) => void call.write({ id: ++id, sentAt: toTimestamp(Date.now()), topic, payload: Buffer.alloc(0), text }));
  signal.addEventListener('abort', unsubscribe, { once: true });
  try {
    for (let tick = 1; tick <= (count === 0 ? Infinity : count) && !signal.aborted; tick++) {
      if (tick > 1 && intervalMs > 0) await delay(intervalMs, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return;
      // Write synchronously while the transport takes more; await only on backpressure.
      if (!call.write({ id: ++id, sentAt: toTimestamp(Date.now()), topic, payload })) await waitForDrain(call);
    }
    if (!signal.aborted) call.end();
  } finally {
    unsubscribe();
  }
}

/** Builds the Ticker service. @param hub the topics Notify publishes to and Subscribe listens on */
export function createTickerService(hub: TopicHub): ServiceRegistration {
  return {
    name: TICKER_SERVICE,
    definition: loadStreamlabProto().streamlab.v1.Ticker.service,
    handlers: {
      async Subscribe(call: ServerWritableStream<SubscribeRequest__Output, Event>): Promise<void> {
        validateSubscribeRequest(call.request);
        await streamEvents(call, hub);
      },
      async Notify(call: ServerUnaryCall<NotifyRequest__Output, NotifyReply>, callback: sendUnaryData<NotifyReply>): Promise<void> {
        validateNotifyRequest(call.request);
        const signal = callSignal(call);
        if (call.request.delayMs > 0) await delay(call.request.delayMs, undefined, { signal }).catch(() => undefined);
        if (signal.aborted) return; // cancelled, timed out or cut mid-flight: nothing was published
        const delivered = hub.publish(call.request.topic, call.request.text);
        callback(null, { delivered, publishedAt: toTimestamp(Date.now()) });
      },
      Publish(call: ServerReadableStream<PublishRequest__Output, PublishSummary>, callback: sendUnaryData<PublishSummary>): void {
        let count = 0;
        let bytes = 0;
        let checksum = 0;
        call.on('data', (request: PublishRequest__Output) => {
          try {
            validatePublishRequest(request);
          } catch (error) {
            callback(error as Error);
            return;
          }
          count += 1;
          bytes += request.payload.length;
          checksum = crc32(request.payload, checksum);
        });
        call.on('end', () => callback(null, { count, bytes, checksum: checksum.toString(16).padStart(8, '0') }));
      },
    },
  };
}
