/**
 * The topic source of a server in a fleet: the fleet's relay (src/fleet/topic-relay.ts)
 * numbers every topic event and sends it to every server over IPC, so all servers keep the
 * same ids and a subscriber can resume on any of them (issue 8). This server tells the relay
 * which topics it needs ticked and hands its Notify calls to the relay to fan out.
 */
import { status as Status } from '@grpc/grpc-js';
import { StreamlabError } from '../core/errors.ts';
import { createDeferred, withTimeout } from '../core/deferred.ts';
import type { ParentLink } from './server-process-protocol.ts';
import type { TopicLog } from '../services/topic-log.ts';
import type { TopicSource } from '../services/topic-source.ts';

/** How long a Notify waits for the relay to fan it out, ms. */
const PUBLISH_TIMEOUT_MS = 10_000;

/**
 * Creates the source and starts taking the relay's events into `log`.
 * Pass `follow` to the log's onFirstListener hook.
 */
export function createParentTopicSource(link: ParentLink, log: TopicLog) {
  const answers = new Map<number, (delivered: number) => void>();
  let nextId = 1;
  link.onMessage((message) => {
    if (message.type === 'topic-event') {
      void link.send({ type: 'ack', id: message.id, value: log.deliver(message.topic, message.event) });
    } else if (message.type === 'topic-history') {
      for (const [topic, events] of Object.entries(message.topics)) for (const event of events) log.deliver(topic, event);
      void link.send({ type: 'ack', id: message.id });
    } else if (message.type === 'published') {
      answers.get(message.id)?.(message.delivered);
    }
  });
  const source = {
    /** Asks the relay to tick `topic`. */
    follow: (topic: string): void => void link.send({ type: 'follow', topic }),
    /**
     * Hands the Notify to the relay, which numbers it and sends it to every server.
     * @throws StreamlabError UNAVAILABLE when the relay does not answer within 10 s
     */
    async publish(topic: string, text: string): Promise<number> {
      const id = nextId++;
      const answer = createDeferred<number>();
      answers.set(id, answer.resolve);
      await link.send({ type: 'publish', id, topic, text });
      const delivered = await withTimeout(answer.promise, PUBLISH_TIMEOUT_MS);
      answers.delete(id);
      if (delivered === undefined) throw new StreamlabError(Status.UNAVAILABLE, `the fleet's topic relay did not fan out the Notify within ${PUBLISH_TIMEOUT_MS} ms`);
      return delivered;
    },
    close(): void {},
  };
  return source satisfies TopicSource;
}
