/**
 * The topics of one server: who listens to each, and a bounded history of each topic's
 * events so a subscriber that lost its stream can resume (issue 8).
 *
 * A topic event has an id that the topic's *source* assigns (src/services/topic-source.ts):
 * a standalone server numbers its own events; the servers of a fleet all receive the same
 * numbered events from the fleet's relay, so a subscriber can resume on any of them. The log itself numbers nothing: it keeps, hands out and replays.
 */

/** One event of a topic. */
export interface TopicEvent {
  /** The topic's event id: 1, 2, 3, … in the order the source published them. */
  id: number;
  /** The text of a Notify; empty for a tick. */
  text: string;
  /** When the source published it, epoch ms. */
  atMs: number;
}

/** Receives a topic's events. Must not throw. */
export type TopicListener = (event: TopicEvent) => void;

/** How a listener takes part. */
export interface ListenOptions {
  /** Also receive ticks (events with an empty text); false: Notify texts only. Default true. */
  ticks?: boolean;
}

/** What {@link TopicLog.follow} answers. */
export interface Follow {
  /** Kept events after the requested id, oldest first, to send before going live. */
  replay: TopicEvent[];
  /**
   * Events after the requested id the log no longer keeps (0 when the replay starts right
   * after it): the subscriber will see this many ids missing.
   */
  gap: number;
  /** Stops listening. Idempotent. */
  unfollow(): void;
}

/** Options of {@link createTopicLog}. */
export interface TopicLogOptions {
  /** Events kept per topic for resumes. Default 1,000 (about 16 min of one tick per second). */
  historySize?: number;
  /** Called once per topic, when it gets its first listener (the fleet starts ticking it). */
  onFirstListener?(topic: string): void;
}

/** Default of {@link TopicLogOptions.historySize}. */
export const DEFAULT_HISTORY_SIZE = 1_000;

interface Topic {
  /** Ring of the last `historySize` events, oldest at `start`. */
  history: TopicEvent[];
  start: number;
  lastId: number;
  listeners: Map<TopicListener, boolean>;
}

/**
 * Creates an empty log.
 * @throws RangeError when historySize is not an integer ≥ 1
 */
export function createTopicLog(options: TopicLogOptions = {}) {
  const historySize = options.historySize ?? DEFAULT_HISTORY_SIZE;
  if (!Number.isInteger(historySize) || historySize < 1) throw new RangeError(`historySize=${historySize} must be an integer ≥ 1`);
  const topics = new Map<string, Topic>();
  const seen = new Set<string>();

  function topicOf(name: string): Topic {
    let topic = topics.get(name);
    if (!topic) {
      topic = { history: [], start: 0, lastId: 0, listeners: new Map() };
      topics.set(name, topic);
    }
    return topic;
  }

  function kept(topic: Topic): TopicEvent[] {
    return [...topic.history.slice(topic.start), ...topic.history.slice(0, topic.start)];
  }

  function listen(name: string, listener: TopicListener, listenOptions: ListenOptions): () => void {
    const topic = topicOf(name);
    topic.listeners.set(listener, listenOptions.ticks ?? true);
    if (!seen.has(name)) {
      seen.add(name);
      options.onFirstListener?.(name);
    }
    return () => void topic.listeners.delete(listener);
  }

  return {
    /**
     * Keeps `event` (unless its id is not after the topic's last one: a repeat is dropped)
     * and hands it to the topic's listeners.
     * @returns how many listeners received it
     */
    deliver(name: string, event: TopicEvent): number {
      const topic = topicOf(name);
      if (event.id <= topic.lastId) return 0;
      topic.lastId = event.id;
      if (topic.history.length < historySize) topic.history.push(event);
      else {
        topic.history[topic.start] = event;
        topic.start = (topic.start + 1) % historySize;
      }
      let delivered = 0;
      for (const [listener, ticks] of topic.listeners) {
        if (!ticks && event.text === '') continue;
        listener(event);
        delivered += 1;
      }
      return delivered;
    },
    /** Adds a listener that receives events from now on. @returns its removal (idempotent) */
    listen(name: string, listener: TopicListener, listenOptions: ListenOptions = {}): () => void {
      return listen(name, listener, listenOptions);
    },
    /**
     * Follows `name` after event `afterId` (0: from now, no replay): the kept events after
     * it, how many are no longer kept, and the listener for what comes next.
     */
    follow(name: string, afterId: number, listener: TopicListener): Follow {
      const topic = topicOf(name);
      const events = afterId > 0 ? kept(topic).filter((event) => event.id > afterId) : [];
      const first = events[0]?.id ?? topic.lastId + 1;
      const gap = afterId > 0 ? Math.max(0, first - afterId - 1) : 0;
      return { replay: events, gap, unfollow: listen(name, listener, { ticks: true }) };
    },
    /** The kept events of `name` after event `afterId`, oldest first (a follower catching up). */
    after(name: string, afterId: number): TopicEvent[] {
      const topic = topics.get(name);
      return topic ? kept(topic).filter((event) => event.id > afterId) : [];
    },
    /** The last event id of `name` (0 before its first event). */
    lastId(name: string): number {
      return topics.get(name)?.lastId ?? 0;
    },
    /** Every topic's kept events, oldest first (for a server joining a fleet). */
    snapshot(): Record<string, TopicEvent[]> {
      return Object.fromEntries([...topics].map(([name, topic]) => [name, kept(topic)]));
    },
    /** Topics that have at least one listener now. */
    followedTopics(): string[] {
      return [...topics].filter(([, topic]) => topic.listeners.size > 0).map(([name]) => name);
    },
  };
}

/** The log built by {@link createTopicLog}. */
export type TopicLog = ReturnType<typeof createTopicLog>;
