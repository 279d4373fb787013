/**
 * Where a server's topic events come from. Two sources, one interface:
 * - {@link createLocalTopicSource}: a standalone server numbers its own events: a tick
 *   every `tickMs` on each topic somebody listens to, and every Notify;
 * - src/server-process/parent-topic-source.ts: a server of a fleet receives numbered
 *   events from the fleet's relay, so every server has the same ids (see src/fleet/topic-relay.ts);
 * - src/bus/bus-topic-source.ts: a server on the bus (`serve --bus`) reads numbered events
 *   from NATS JetStream, shared by servers on any host (docs/fleet-bus.md).
 */
import type { TopicLog } from './topic-log.ts';

/** Publishes Notify texts; the events themselves reach the server's {@link TopicLog}. */
export interface TopicSource {
  /**
   * Publishes `text` to `topic`.
   * @returns how many subscribers received it (on every server the source reaches)
   * @throws Error when the source cannot publish (a fleet relay that did not answer)
   */
  publish(topic: string, text: string): Promise<number>;
  /**
   * Resolves once the server's log holds every event of `topic` the source still has, so a
   * resume replays from it and counts gaps against it. Absent: the log is always complete.
   * @throws Error (a gRPC status error) when the source cannot say within its bound
   */
  ready?(topic: string): Promise<void>;
  /** Stops ticking. Idempotent. */
  close(): void;
}

/** Options of {@link createLocalTopicSource}. */
export interface LocalTopicSourceOptions {
  /** Pause between two ticks of a followed topic, ms; 0 never ticks. Default 1,000 (the seed service pushes every second). */
  tickMs?: number;
}

/** Default of {@link LocalTopicSourceOptions.tickMs}. */
export const DEFAULT_TICK_MS = 1_000;

/**
 * A standalone server's source: numbers the events of each topic itself.
 * @param log the server's log; call `watch(topic)` from its onFirstListener hook so the topic ticks
 */
export function createLocalTopicSource(log: TopicLog, options: LocalTopicSourceOptions = {}) {
  const tickMs = options.tickMs ?? DEFAULT_TICK_MS;
  const ticking = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const emit = (topic: string, text: string): number => log.deliver(topic, { id: log.lastId(topic) + 1, text, atMs: Date.now() });
  const source = {
    /** Starts ticking `topic` (once a stream follows it). */
    watch(topic: string): void {
      ticking.add(topic);
      if (timer || tickMs <= 0) return;
      timer = setInterval(() => {
        for (const name of ticking) emit(name, '');
      }, tickMs);
      timer.unref();
    },
    publish: (topic: string, text: string): Promise<number> => Promise.resolve(emit(topic, text)),
    close(): void {
      clearInterval(timer);
      timer = undefined;
    },
  };
  return source satisfies TopicSource;
}
