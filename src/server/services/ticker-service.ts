/**
 * The Ticker service, one method per request/response shape:
 * - Subscribe (server streaming): numbered Events at the requested pace until the count is
 *   reached or the call ends otherwise; Notify texts published to its topic meanwhile.
 *   With `follow`, the topic's own events instead (ticks and Notify texts with the topic's
 *   ids), resuming after `resume_after_id` from the kept history;
 * - Notify (unary): waits delay_ms, publishes a text to the topic's subscribers (through
 *   the topic source: on a fleet, to the subscribers of every server);
 * - Publish (client streaming): counts the uploaded events, their bytes and a CRC-32.
 * The handlers know nothing of telemetry: the RPC layer observes every call.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { Metadata } from '@grpc/grpc-js';
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
import { createDeferred } from '../../core/deferred.ts';
import { validateNotifyRequest, validatePublishRequest, validateSubscribeRequest } from '../validate-request.ts';
import type { TopicEvent, TopicLog } from './topic-log.ts';
import type { TopicSource } from './topic-source.ts';

/** Response header of a resumed follow stream: how many events after resume_after_id the server no longer kept. */
export const RESUME_GAP_HEADER = 'streamlab-resume-gap';

/** What the Ticker serves topics from. */
export interface TickerDeps {
  log: TopicLog;
  source: TopicSource;
}


/** Streams the events of one validated request; resolves when the call has ended. */
async function streamEvents(call: ServerWritableStream<SubscribeRequest__Output, Event>, log: TopicLog): Promise<void> {
  const { topic, count, intervalMs, payloadBytes } = call.request;
  const signal = callSignal(call);
  const payload = Buffer.alloc(payloadBytes, 0x61);
  let id = 0;
  const unsubscribe = log.listen(topic, (event) => void call.write({ id: ++id, sentAt: toTimestamp(Date.now()), topic, payload: Buffer.alloc(0), text: event.text }), { ticks: false });
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

/**
 * Follows the topic's log: response headers at once (the subscriber is streaming again),
 * the kept events after `resume_after_id`, then live events, until `count` or the call
 * ends. Writes do not wait on backpressure: a follower that reads too slowly buffers in
 * grpc-js, as every pub/sub fan-out must choose between buffering and dropping.
 */
async function followTopic(call: ServerWritableStream<SubscribeRequest__Output, Event>, log: TopicLog): Promise<void> {
  const { topic, count, payloadBytes, resumeAfterId } = call.request;
  const signal = callSignal(call);
  const payload = Buffer.alloc(payloadBytes, 0x61);
  const limit = count === 0 ? Infinity : count;
  let lastSent = resumeAfterId;
  let sent = 0;
  const done = createDeferred<void>();
  const send = (event: TopicEvent, replayed: boolean): void => {
    // A live event the replay already carried (or the client had) is not sent twice.
    if (event.id <= lastSent || sent >= limit || signal.aborted) return;
    lastSent = event.id;
    sent += 1;
    call.write({ id: event.id, sentAt: toTimestamp(Date.now()), topic, payload, text: event.text, replayed });
    if (sent >= limit) done.resolve();
  };
  const follow = log.follow(topic, resumeAfterId, (event) => send(event, false));
  signal.addEventListener('abort', () => done.resolve(), { once: true });
  try {
    const headers = new Metadata();
    if (follow.gap > 0) headers.set(RESUME_GAP_HEADER, String(follow.gap));
    call.sendMetadata(headers);
    for (const event of follow.replay) send(event, true);
    await done.promise;
    if (!signal.aborted) call.end();
  } finally {
    follow.unfollow();
  }
}

/** Builds the Ticker service. @param deps the topics Notify publishes to and Subscribe reads */
export function createTickerService(deps: TickerDeps): ServiceRegistration {
  return {
    name: TICKER_SERVICE,
    definition: loadStreamlabProto().streamlab.v1.Ticker.service,
    handlers: {
      async Subscribe(call: ServerWritableStream<SubscribeRequest__Output, Event>): Promise<void> {
        validateSubscribeRequest(call.request);
        // A source shared across servers (the bus) first catches up with the topic, so the resume's replay and gap are right.
        if (call.request.follow) await deps.source.ready?.(call.request.topic);
        if (callSignal(call).aborted) return;
        await (call.request.follow ? followTopic(call, deps.log) : streamEvents(call, deps.log));
      },
      async Notify(call: ServerUnaryCall<NotifyRequest__Output, NotifyReply>, callback: sendUnaryData<NotifyReply>): Promise<void> {
        validateNotifyRequest(call.request);
        const signal = callSignal(call);
        if (call.request.delayMs > 0) await delay(call.request.delayMs, undefined, { signal }).catch(() => undefined);
        if (signal.aborted) return; // cancelled, timed out or cut mid-flight: nothing was published
        const delivered = await deps.source.publish(call.request.topic, call.request.text);
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
