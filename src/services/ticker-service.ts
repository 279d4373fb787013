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
 * signal and to wait on backpressure. What a subscriber that does not read can make the
 * server queue is bounded (bounded-writes.ts): past the bound its stream ends
 * RESOURCE_EXHAUSTED and it resumes from the topic's history.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { Metadata } from '@grpc/grpc-js';
import { crc32 } from 'node:zlib';
import type { ServerReadableStream, ServerWritableStream } from '@grpc/grpc-js';
import type { Event } from '../generated/streamlab/v1/Event.ts';
import type { SubscribeRequest__Output } from '../generated/streamlab/v1/SubscribeRequest.ts';
import type { NotifyRequest__Output } from '../generated/streamlab/v1/NotifyRequest.ts';
import type { NotifyReply } from '../generated/streamlab/v1/NotifyReply.ts';
import type { PublishRequest__Output } from '../generated/streamlab/v1/PublishRequest.ts';
import type { PublishSummary } from '../generated/streamlab/v1/PublishSummary.ts';
import { loadStreamlabProto, TICKER_SERVICE } from '../core/proto.ts';
import type { ServerCallContext } from '../rpc/server/call-context.ts';
import { clientStream, serverStream, unary } from '../rpc/server/handlers.ts';
import type { ServiceRegistration } from '../server/service-registration.ts';
import { toTimestamp } from '../core/timestamp.ts';
import { validateNotifyRequest, validatePublishRequest, validateSubscribeRequest } from '../server/validate-request.ts';
import { BoundedWrites, DEFAULT_MAX_QUEUED_BYTES } from './bounded-writes.ts';
import type { TopicEvent, TopicLog } from './topic-log.ts';
import type { TopicSource } from './topic-source.ts';

/** Response header of a resumed follow stream: how many events after resume_after_id the server no longer kept. */
export const RESUME_GAP_HEADER = 'streamlab-resume-gap';

/** What the Ticker serves topics from. */
export interface TickerDeps {
  log: TopicLog;
  source: TopicSource;
}

/** Limits of the Ticker; every field has a default. */
export interface TickerOptions {
  /**
   * Bytes of fanned-out events (Notify texts, a followed topic's live events) a Subscribe
   * stream may have queued, not yet taken by a reader that does not keep up; past it the
   * stream ends RESOURCE_EXHAUSTED. Default {@link DEFAULT_MAX_QUEUED_BYTES} (1 MiB).
   */
  maxQueuedBytes?: number;
}

/** Wire bytes of an Event besides its payload, text and topic (id, sent_at, tags, lengths), about. */
const EVENT_OVERHEAD_BYTES = 32;

/** About how long `event` is on the wire for a stream of `topic` with `payloadBytes` payloads, bytes. */
const eventBytes = (topic: string, payloadBytes: number, text: string): number =>
  EVENT_OVERHEAD_BYTES + payloadBytes + Buffer.byteLength(text) + Buffer.byteLength(topic);


/** Streams the events of one validated request; resolves when the call has ended. */
async function streamEvents(call: ServerWritableStream<SubscribeRequest__Output, Event>, context: ServerCallContext, log: TopicLog, maxQueuedBytes: number): Promise<void> {
  const { topic, count, intervalMs, payloadBytes } = call.request;
  const { signal } = context;
  const payload = Buffer.alloc(payloadBytes, 0x61);
  const writes = new BoundedWrites<Event>(call, context, maxQueuedBytes);
  let id = 0;
  // Notify texts: offered (they wait for nobody), so bounded.
  const unsubscribe = log.listen(topic, (event) => {
    if (!signal.aborted) writes.offer({ id: ++id, sentAt: toTimestamp(Date.now()), topic, payload: NO_PAYLOAD, text: event.text }, eventBytes(topic, 0, event.text));
  }, { ticks: false });
  signal.addEventListener('abort', unsubscribe, { once: true });
  try {
    for (let tick = 1; tick <= (count === 0 ? Infinity : count) && !signal.aborted; tick++) {
      if (tick > 1 && intervalMs > 0) await delay(intervalMs, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return;
      // Write synchronously while the transport takes more; await only on backpressure.
      if (!writes.write({ id: ++id, sentAt: toTimestamp(Date.now()), topic, payload })) await context.waitForDrain(call);
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
 * the kept events after `resume_after_id` paced by backpressure (a catch-up, however long
 * the history), then live events, until `count` or the call ends. Live events are offered:
 * a follower that does not keep up ends RESOURCE_EXHAUSTED past the bound and resumes from
 * the history (bounded-writes.ts), instead of growing the server.
 *
 * Event-driven, not async: a follower is usually long-lived and idle, so it holds only its
 * listener and counters — no promise, generator or AbortController for its whole life (a
 * catch-up waits on 'drain' while it lasts).
 */
function followTopic(call: ServerWritableStream<SubscribeRequest__Output, Event>, context: ServerCallContext, log: TopicLog, maxQueuedBytes: number): void {
  const { topic, count, payloadBytes, resumeAfterId } = call.request;
  const payload = payloadBytes > 0 ? Buffer.alloc(payloadBytes, 0x61) : NO_PAYLOAD;
  const limit = count === 0 ? Infinity : count;
  const writes = new BoundedWrites<Event>(call, context, maxQueuedBytes);
  let lastSent = resumeAfterId;
  let sent = 0;
  /** False while catching up: live events are read from the log afterwards, in order. */
  let live = false;
  let over = false;
  const stop = (): void => {
    if (over) return;
    over = true;
    follow.unfollow();
  };
  const eventOf = (event: TopicEvent, replayed: boolean): Event => ({ id: event.id, sentAt: toTimestamp(Date.now()), topic, payload, text: event.text, replayed });
  /** Counts `event` as sent; at `count` ends the call. @returns false when the stream is done */
  const sentOne = (event: TopicEvent): boolean => {
    lastSent = event.id;
    sent += 1;
    if (sent < limit) return true;
    stop();
    call.end();
    return false;
  };
  const follow = log.follow(topic, resumeAfterId, (event) => {
    // A live event the replay already carried (or the client had) is not sent twice.
    if (!live || over || event.id <= lastSent) return;
    if (writes.offer(eventOf(event, false), eventBytes(topic, payloadBytes, event.text))) sentOne(event);
    else stop(); // overflowed: the stream is ending
  });
  context.onEnd(stop);
  const headers = new Metadata();
  if (follow.gap > 0) headers.set(RESUME_GAP_HEADER, String(follow.gap));
  call.sendMetadata(headers);
  // The kept events, then whatever arrived meanwhile, until the log has nothing newer: live
  // from the same turn as that last look, so no event falls between.
  const catchUp = (batch: readonly TopicEvent[]): void => {
    for (; !over; batch = log.after(topic, lastSent)) {
      if (batch.length === 0) {
        live = true;
        return;
      }
      // Events that arrived during the catch-up and left the history before it reached them.
      if ((batch[0] as TopicEvent).id > lastSent + 1 && lastSent !== resumeAfterId) {
        stop();
        return writes.overflow(`the catch-up fell behind the topic's history (next kept id ${(batch[0] as TopicEvent).id}, last sent ${lastSent})`);
      }
      for (let i = 0; i < batch.length; i++) {
        const event = batch[i] as TopicEvent;
        const more = writes.write(eventOf(event, true));
        if (!sentOne(event)) return;
        if (!more) {
          // After the drain: the rest of this batch or, when the paused write was its last
          // event, a new look at the log. The listener skipped what arrived during the wait
          // (not live yet), so an empty rest must not be taken for "nothing newer": going live
          // on it lost those events (the bus storm's gaps: a replay ending on a full buffer).
          const rest = batch.slice(i + 1);
          void context.waitForDrain(call).then(() => catchUp(rest.length > 0 ? rest : log.after(topic, lastSent)));
          return;
        }
      }
    }
  };
  catchUp(follow.replay);
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

/**
 * Builds the Ticker service.
 * @param deps the topics Notify publishes to and Subscribe reads
 * @param options limits; see {@link TickerOptions} for the defaults
 */
export function createTickerService(deps: TickerDeps, options: TickerOptions = {}): ServiceRegistration {
  const maxQueuedBytes = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
  return {
    name: TICKER_SERVICE,
    definition: loadStreamlabProto().streamlab.v1.Ticker.service,
    handlers: {
      Subscribe: serverStream<SubscribeRequest__Output, Event>((call, context) => {
        validateSubscribeRequest(call.request);
        if (!call.request.follow) return streamEvents(call, context, deps.log, maxQueuedBytes);
        // A source shared across servers (the bus) first catches up with the topic, so the resume's replay and gap are right.
        const ready = deps.source.ready?.(call.request.topic);
        if (!ready) return followTopic(call, context, deps.log, maxQueuedBytes);
        return ready.then(() => {
          if (!context.finished) followTopic(call, context, deps.log, maxQueuedBytes);
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
