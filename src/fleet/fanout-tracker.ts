/**
 * Fan-out latency (issue 8): from the moment the relay numbers a Notify to the moment the
 * last of the fleet's subscribers streaming that topic received it, into
 * `streamlab_fleet_fanout_seconds`. Subscribers outside the fleet (a grpcurl) are not
 * waited for: the fleet cannot see them. On the bus (issue 18) the fleet learns of the
 * numbering through its own consumer, which may come after some subscribers received the
 * event: receipts that come first are counted and matched when the event is published.
 */
import type { Metrics } from '../telemetry/metrics.ts';
import type { TopicEvent } from '../services/topic-log.ts';

/** A Notify not received by everyone after this long is dropped from tracking, ms. */
const GIVE_UP_MS = 60_000;

interface Pending {
  /** When the event was numbered, once published() told; undefined for receipts that came first. */
  atMs?: number;
  expected: number;
  received: number;
  /** When the entry was made, for dropping it. */
  seenAtMs: number;
}

/**
 * Creates the tracker.
 * @param streaming how many of the fleet's subscribers stream `topic` now
 */
export function createFanoutTracker(metrics: Metrics['fleet'], streaming: (topic: string) => number) {
  const pending = new Map<string, Pending>();
  const last = new Map<string, number>();
  function complete(key: string, topic: string, entry: Pending): void {
    if (entry.atMs === undefined || entry.received < entry.expected) return;
    pending.delete(key);
    const seconds = Math.max(0, Date.now() - entry.atMs) / 1000;
    last.set(topic, seconds);
    metrics.fanoutSeconds.observe(seconds);
  }
  function prune(nowMs: number): void {
    for (const [key, entry] of pending) if (nowMs - entry.seenAtMs > GIVE_UP_MS) pending.delete(key);
  }
  return {
    /** The relay (or the bus) numbered `event` of `topic` (ticks are not tracked). */
    published(topic: string, event: TopicEvent): void {
      if (event.text === '') return;
      const key = `${topic}#${event.id}`;
      const early = pending.get(key);
      const expected = streaming(topic);
      if (expected === 0 && !early) return;
      prune(Date.now());
      const entry: Pending = { atMs: event.atMs, expected, received: early?.received ?? 0, seenAtMs: early?.seenAtMs ?? Date.now() };
      pending.set(key, entry);
      complete(key, topic, entry);
    },
    /** A subscriber received Notify `id` of `topic` live (callers skip ticks and replays). */
    received(topic: string, id: number): void {
      const key = `${topic}#${id}`;
      let entry = pending.get(key);
      if (!entry) {
        prune(Date.now());
        entry = { expected: Infinity, received: 0, seenAtMs: Date.now() };
        pending.set(key, entry);
      }
      entry.received += 1;
      complete(key, topic, entry);
    },
    /** The last complete fan-out of `topic`, seconds. */
    lastSeconds: (topic: string): number | undefined => last.get(topic),
  };
}
