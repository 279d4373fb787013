/**
 * Reads one topic's stream into a server (issue 18): a JetStream ordered consumer (ephemeral,
 * in order, no acks) from the first event the stream keeps — or after a given id — handing
 * every event to `onEvent` with the stream sequence as its id.
 *
 * Recovery, bounded by configuration (docs/fleet-bus.md):
 * - the connection came back (the bus restarted, or the client moved to another node): the
 *   consumer is recreated after the last id at once. nats.js would re-pull on the old one,
 *   which a restarted server may have kept from its disk with no pull waiting: a stall until
 *   the heartbeats below notice it;
 * - the consumer stalls without a disconnect (its node died in a cluster; its stream got a
 *   new leader): the pull's idle heartbeats (every `expiresMs`/2) stop; after two missed
 *   ones (`expiresMs`) this module recreates the consumer after the last id, retrying every
 *   `retryMs` while the bus cannot answer. nats.js alone only re-pulls, which can wait forever.
 * Either way the next id is the one after the last handed out: no gap, no repeat.
 */
import { DeliverPolicy } from '@nats-io/jetstream';
import type { ConsumerMessages, JetStreamClient } from '@nats-io/jetstream';
import type { TopicEvent } from '../services/topic-log.ts';
import type { Logger } from '../telemetry/logger.ts';
import { topicStream } from './topic-stream.ts';

/** Options of {@link startTopicConsumer}. */
export interface TopicConsumerOptions {
  /** Pull expiry, ms (≥ 1,000, nats.js's minimum); heartbeats every half of it; a stall is noticed after it. */
  expiresMs: number;
  /** Pause between two attempts to recreate the consumer, ms. */
  retryMs: number;
  /** Start after this id (0: from the first event the stream keeps). */
  afterId?: number;
}

/** What the consumer needs. */
export interface TopicConsumerDeps {
  js: JetStreamClient;
  logger: Logger;
  /** Called with every event, in id order, each once. Must not throw. */
  onEvent(event: TopicEvent): void;
  /** Called each time the consumer is recreated (after a reconnect or a stall), with the id it resumes after. */
  onRecreated?(afterId: number, why: 'reconnect' | 'stall'): void;
  /** Subscribes to the connection's reconnects (BusConnection.onStatus); returns the removal. */
  onReconnect?(listener: () => void): () => void;
}

/** Missed idle heartbeats after which the consumer is recreated. */
const MISSED_HEARTBEATS = 2;

/**
 * Starts reading `topic` (its stream must exist). Never rejects: while the bus cannot
 * answer, it retries every `retryMs` until closed.
 */
export function startTopicConsumer(deps: TopicConsumerDeps, topic: string, options: TopicConsumerOptions) {
  const { stream } = topicStream(topic);
  let lastId = options.afterId ?? 0;
  let messages: ConsumerMessages | undefined;
  let closed = false;

  function receive(seq: number, text: string, atMs: number): void {
    if (seq <= lastId) return;
    lastId = seq;
    deps.onEvent({ id: seq, text, atMs });
  }

  async function open(): Promise<void> {
    while (!closed) {
      try {
        const consumer = await deps.js.consumers.get(stream, lastId > 0
          ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: lastId + 1 }
          : { deliver_policy: DeliverPolicy.All });
        const opened = await consumer.consume({ expires: options.expiresMs, callback: (m) => receive(m.seq, m.string(), m.time.getTime()) });
        if (closed) {
          await opened.close();
          return;
        }
        messages = opened;
        void watch(opened);
        return;
      } catch (error) {
        deps.logger.debug('bus consumer not open yet, retrying', { topic, after_id: lastId, error: (error as Error).message });
        await new Promise((resolve) => setTimeout(resolve, options.retryMs));
      }
    }
  }

  /** Closes the current consumer and opens a new one after the last id (once at a time). */
  async function recreate(why: 'reconnect' | 'stall'): Promise<void> {
    const current = messages;
    if (closed || !current) return;
    messages = undefined;
    await current.close().catch(() => undefined);
    deps.onRecreated?.(lastId, why);
    await open();
  }

  async function watch(watched: ConsumerMessages): Promise<void> {
    for await (const status of watched.status()) {
      if (status.type !== 'heartbeats_missed' || status.count < MISSED_HEARTBEATS || closed || watched !== messages) continue;
      deps.logger.warn('bus consumer stalled: recreating it', { topic, after_id: lastId, missed_heartbeats: status.count });
      await recreate('stall');
      return;
    }
  }

  const stopListening = deps.onReconnect?.(() => void recreate('reconnect'));
  const started = open();
  return {
    /** Resolves once the consumer is reading (or closed first). */
    started,
    /** The last id handed to onEvent (0 before the first). */
    get lastId(): number {
      return lastId;
    },
    /** Stops reading. Idempotent. */
    async close(): Promise<void> {
      closed = true;
      stopListening?.();
      await messages?.close().catch(() => undefined);
      messages = undefined;
    },
  };
}

/** A consumer started by {@link startTopicConsumer}. */
export type TopicConsumer = ReturnType<typeof startTopicConsumer>;
