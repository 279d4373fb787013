/**
 * Fan-out latency (issue 8): from the moment the relay numbers a Notify to the moment the
 * last of the fleet's subscribers streaming that topic received it, into
 * `streamlab_fleet_fanout_seconds`. Subscribers outside the fleet (a grpcurl) are not
 * waited for: the fleet cannot see them.
 */
import type { Metrics } from '../telemetry/metrics.ts';
import type { TopicEvent } from '../server/services/topic-log.ts';

/** A Notify not received by everyone after this long is dropped from tracking, ms. */
const GIVE_UP_MS = 60_000;

interface Pending {
  atMs: number;
  expected: number;
  received: number;
}

/**
 * Creates the tracker.
 * @param streaming how many of the fleet's subscribers stream `topic` now
 */
export function createFanoutTracker(metrics: Metrics['fleet'], streaming: (topic: string) => number) {
  const pending = new Map<string, Pending>();
  const last = new Map<string, number>();
  return {
    /** The relay numbered `event` of `topic` (ticks are not tracked). */
    published(topic: string, event: TopicEvent): void {
      if (event.text === '') return;
      const expected = streaming(topic);
      if (expected === 0) return;
      for (const [key, entry] of pending) if (event.atMs - entry.atMs > GIVE_UP_MS) pending.delete(key);
      pending.set(`${topic}#${event.id}`, { atMs: event.atMs, expected, received: 0 });
    },
    /** A subscriber received event `id` of `topic` live. */
    received(topic: string, id: number): void {
      const key = `${topic}#${id}`;
      const entry = pending.get(key);
      if (!entry) return;
      entry.received += 1;
      if (entry.received < entry.expected) return;
      pending.delete(key);
      const seconds = (Date.now() - entry.atMs) / 1000;
      last.set(topic, seconds);
      metrics.fanoutSeconds.observe(seconds);
    },
    /** The last complete fan-out of `topic`, seconds. */
    lastSeconds: (topic: string): number | undefined => last.get(topic),
  };
}
