/**
 * The Ticker service, one method per request/response shape:
 * - Subscribe (server streaming): numbered Events at the requested pace until the count is
 *   reached or the call ends otherwise; Notify texts published to its topic meanwhile.
 *   With `follow`, the topic's own events instead (ticks and Notify texts with the topic's
 *   ids), resuming after `resume_after_id` from the kept history;
 * - Notify (unary): waits delay_ms, publishes a text to the topic's subscribers (through
 *   the topic source: on a fleet, to the subscribers of every server);
 * - Publish (client streaming): counts the uploaded events, their bytes and a CRC-32.
 * The RPC layer observes every call; the handlers use their call context only for its
 * signal and to wait on backpressure.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { Metadata } from '@grpc/grpc-js';
import { crc32 } from 'node:zlib';
import type { ServerReadableStream, ServerWritableStream } from '@grpc/grpc-js';
import type { Event } from '../../generated/streamlab/v1/Event.ts';
import type { SubscribeRequest__Output } from '../../generated/streamlab/v1/SubscribeRequest.ts';
import type { NotifyRequest__Output } from '../../generated/streamlab/v1/NotifyRequest.ts';
import type { NotifyReply } from '../../generated/streamlab/v1/NotifyReply.ts';
import type { PublishRequest__Output } from '../../generated/streamlab/v1/PublishRequest.ts';
import type { PublishSummary } from '../../generated/streamlab/v1/PublishSummary.ts';
import { loadStreamlabProto, TICKER_SERVICE } from '../../proto.ts';
import type { ServerCallContext } from '../../rpc/server/call-context.ts';
import { clientStream, serverStream, unary } from '../../rpc/server/handlers.ts';
import type { ServiceRegistration } from '../service-registration.ts';
import { toTimestamp } from '../../core/timestamp.ts';
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
async function streamEvents(call: ServerWritableStream<SubscribeRequest__Output, Event>, context: ServerCallContext, log: TopicLog): Promise<void> {
  const { topic, count, intervalMs, payloadBytes } = call.request;
  const { signal } = context;
  const payload = Buffer.alloc(payloadBytes, 0x61);
  let id = 0;
  const unsubscribe = log.listen(topic, (event) => void call.write({ id: ++id, sentAt: toTimestamp(Date.now()), topic, payload: Buffer.alloc(0), text: event.text }), { ticks: false });
  signal.addEventListener('abort', unsubscribe, { once: true });
  try {
    for (let tick = 1; tick <= (count === 0 ? Infinity : count) && !signal.aborted; tick++) {
      if (tick > 1 && intervalMs > 0) await delay(intervalMs, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return;
      // Write synchronously while the transport takes more; await only on backpressure.
      if (!call.write({ id: ++id, sentAt: toTimestamp(Date.now()), topic, payload })) await context.waitForDrain(call);
    }
    if (!signal.aborted) call.end();
  } finally {
    unsubscribe();
  }
}

/** The payload of events without one (shared: a follower holds no buffer of its own). */
const NO_PAYLOAD = Buffer.alloc(0);

/**
 * Follows the topic's log: response headers at once (the subscriber is streaming again),
 * the kept events after `resume_after_id`, then live events, until `count` or the call
 * ends. Writes do not wait on backpressure: a follower that reads too slowly buffers in
 * grpc-js, as every pub/sub fan-out must choose between buffering and dropping.
 *
 * Event-driven, not async: a follower is usually long-lived and idle, so it holds only its
 * listener and counters — no promise, generator or AbortController for its whole life.
 */
function followTopic(call: ServerWritableStream<SubscribeRequest__Output, Event>, context: ServerCallContext, log: TopicLog): void {
  const { topic, count, payloadBytes, resumeAfterId } = call.request;
  const payload = payloadBytes > 0 ? Buffer.alloc(payloadBytes, 0x61) : NO_PAYLOAD;
  const limit = count === 0 ? Infinity : count;
  let lastSent = resumeAfterId;
  let sent = 0;
  let over = false;
  const stop = (): void => {
    if (over) return;
    over = true;
    follow.unfollow();
  };
  const send = (event: TopicEvent, replayed: boolean): void => {
    // A live event the replay already carried (or the client had) is not sent twice.
    if (over || event.id <= lastSent) return;
    lastSent = event.id;
    sent += 1;
    call.write({ id: event.id, sentAt: toTimestamp(Date.now()), topic, payload, text: event.text, replayed });
    if (sent < limit) return;
    stop();
    call.end();
  };
  const follow = log.follow(topic, resumeAfterId, (event) => send(event, false));
  context.onEnd(stop);
  const headers = new Metadata();
  if (follow.gap > 0) headers.set(RESUME_GAP_HEADER, String(follow.gap));
  call.sendMetadata(headers);
  for (const event of follow.replay) send(event, true);
}

/**
 * Counts the uploaded events, their bytes and a CRC-32 until the client half-closes.
 * @throws StreamlabError INVALID_ARGUMENT (as a rejection) for an invalid request
 */
function summarize(call: ServerReadableStream<PublishRequest__Output, PublishSummary>): Promise<PublishSummary> {
  let count = 0;
  let bytes = 0;
  let checksum = 0;
  return new Promise((resolve, reject) => {
    call.on('data', (request: PublishRequest__Output) => {
      try {
        validatePublishRequest(request);
      } catch (error) {
        reject(error as Error);
        return;
      }
      count += 1;
      bytes += request.payload.length;
      checksum = crc32(request.payload, checksum);
    });
    call.on('end', () => resolve({ count, bytes, checksum: checksum.toString(16).padStart(8, '0') }));
  });
}

/** Builds the Ticker service. @param deps the topics Notify publishes to and Subscribe reads */
export function createTickerService(deps: TickerDeps): ServiceRegistration {
  return {
    name: TICKER_SERVICE,
    definition: loadStreamlabProto().streamlab.v1.Ticker.service,
    handlers: {
      Subscribe: serverStream<SubscribeRequest__Output, Event>((call, context) => {
        validateSubscribeRequest(call.request);
        if (!call.request.follow) return streamEvents(call, context, deps.log);
        // A source shared across servers (the bus) first catches up with the topic, so the resume's replay and gap are right.
        const ready = deps.source.ready?.(call.request.topic);
        if (!ready) return followTopic(call, context, deps.log);
        return ready.then(() => {
          if (!context.finished) followTopic(call, context, deps.log);
        });
      }),
      Notify: unary<NotifyRequest__Output, NotifyReply>(async (call, context) => {
        validateNotifyRequest(call.request);
        if (call.request.delayMs > 0) {
          await delay(call.request.delayMs, undefined, { signal: context.signal }).catch(() => undefined);
          // Cancelled, timed out or cut mid-flight: nothing is published (the reply goes nowhere).
          if (context.signal.aborted) return {};
        }
        const delivered = await deps.source.publish(call.request.topic, call.request.text);
        return { delivered, publishedAt: toTimestamp(Date.now()) };
      }),
      Publish: clientStream<PublishRequest__Output, PublishSummary>((call) => summarize(call)),
    },
  };
}
