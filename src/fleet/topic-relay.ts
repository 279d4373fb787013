/**
 * The fleet's topic relay: the one place that numbers topic events, so every server of the
 * fleet holds the same ids and a subscriber can resume on whichever server round robin gives
 * it next (issue 8). It ticks every followed topic, numbers each Notify any server received,
 * keeps a bounded history, and fans each event out to every member server over IPC.
 *
 * Why a relay in the fleet rather than servers calling each other: resume needs one
 * sequence per topic; servers relaying Notify to peers would each number events their own
 * way. A production fleet puts a broker (NATS, Redis Streams, Kafka) in this role; the
 * relay is the smallest thing that plays it.
 */
import { createTopicLog } from '../services/topic-log.ts';
import type { TopicEvent } from '../services/topic-log.ts';

/** A server taking part: how the relay reaches it. */
export interface RelayMember {
  /** Sends one event; resolves with how many of its listeners received it (0 when it did not answer). */
  deliver(topic: string, event: TopicEvent): Promise<number>;
  /** Sends what the relay kept, before any live event (same channel, so in order). */
  sendHistory(topics: Record<string, TopicEvent[]>): void;
}

/** Options of {@link createTopicRelay}. */
export interface TopicRelayOptions {
  /** Pause between two ticks of each followed topic, ms; 0 never ticks. Default 1,000. */
  tickMs?: number;
  /** Events kept per topic for servers that join later. Default 1,000. */
  historySize?: number;
  /** Called with every event as it is numbered, before it is sent (fan-out is timed from here). Must not throw. */
  onEvent?(topic: string, event: TopicEvent): void;
}

/** Creates the relay; ticking starts with the first followed topic. */
export function createTopicRelay(options: TopicRelayOptions = {}) {
  const log = createTopicLog(options.historySize !== undefined ? { historySize: options.historySize } : {});
  const members = new Set<RelayMember>();
  const ticking = new Set<string>();
  const tickMs = options.tickMs ?? 1_000;
  let timer: NodeJS.Timeout | undefined;

  async function publish(topic: string, text: string): Promise<{ eventId: number; delivered: number }> {
    const event: TopicEvent = { id: log.lastId(topic) + 1, text, atMs: Date.now() };
    log.deliver(topic, event);
    options.onEvent?.(topic, event);
    const counts = await Promise.all([...members].map((member) => member.deliver(topic, event)));
    return { eventId: event.id, delivered: counts.reduce((sum, count) => sum + count, 0) };
  }

  return {
    /**
     * Numbers `text` as the next event of `topic` and sends it to every member.
     * @returns its id and how many subscribers received it, summed over the members
     */
    publish,
    /** Ticks `topic` from now on (a member has a listener on it). */
    follow(topic: string): void {
      ticking.add(topic);
      if (timer || tickMs <= 0) return;
      timer = setInterval(() => {
        for (const name of ticking) void publish(name, '');
      }, tickMs);
      timer.unref();
    },
    /** Adds a member: it gets the kept history first, then every new event. */
    join(member: RelayMember): void {
      member.sendHistory(log.snapshot());
      members.add(member);
    },
    /** Removes a member (its process is gone). */
    leave(member: RelayMember): void {
      members.delete(member);
    },
    /** The last event id of `topic` (0 before its first). */
    lastId: (topic: string): number => log.lastId(topic),
    /** Stops ticking. */
    close(): void {
      clearInterval(timer);
      timer = undefined;
    },
  };
}

/** The relay built by {@link createTopicRelay}. */
export type TopicRelay = ReturnType<typeof createTopicRelay>;
