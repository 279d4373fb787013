/**
 * The subscribers of each topic on this server, so Notify can publish to them. A minimal
 * in-process hub: the fleet (several servers) fans notifications out across servers.
 */

/** Receives a topic's notifications. Must not throw. */
export type TopicListener = (text: string) => void;

/** Creates an empty hub. */
export function createTopicHub() {
  const topics = new Map<string, Set<TopicListener>>();
  return {
    /**
     * Adds `listener` to `topic`.
     * @returns a function that removes it (idempotent)
     */
    subscribe(topic: string, listener: TopicListener): () => void {
      const listeners = topics.get(topic) ?? new Set<TopicListener>();
      listeners.add(listener);
      topics.set(topic, listeners);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && topics.get(topic) === listeners) topics.delete(topic);
      };
    },
    /**
     * Hands `text` to every listener of `topic`.
     * @returns how many listeners received it
     */
    publish(topic: string, text: string): number {
      const listeners = topics.get(topic);
      if (!listeners) return 0;
      for (const listener of listeners) listener(text);
      return listeners.size;
    },
  };
}

/** The hub built by {@link createTopicHub}. */
export type TopicHub = ReturnType<typeof createTopicHub>;
