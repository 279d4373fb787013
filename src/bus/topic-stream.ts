/**
 * One JetStream stream per topic (issue 18, docs/fleet-bus.md): a topic's event id is its
 * stream's sequence number, so ids are 1, 2, 3, … per topic on every server that reads the
 * stream, and a resume counts gaps against what the stream still holds. The stream keeps
 * the last `history` events (`--history`: max_msgs, discard old), on disk, in `replicas`
 * copies; its duplicate window drops the copies of a tick several servers publish.
 *
 * Topic names are free text (1 to 128 characters); stream names and subjects are not, so
 * both carry a hash of the name: stream `STREAMLAB_TOPIC_<32 hex>`, subject
 * `streamlab.topic.<32 hex>`. The stream's description and metadata keep the name itself.
 */
import { createHash } from 'node:crypto';
import { nanos } from '@nats-io/transport-node';
import { DiscardPolicy, JetStreamApiError, StorageType } from '@nats-io/jetstream';
import type { JetStreamManager, StreamInfo } from '@nats-io/jetstream';

/** Where a topic lives on the bus. */
export interface TopicStream {
  topic: string;
  /** Stream name. */
  stream: string;
  /** The one subject its events are published to. */
  subject: string;
}

/** How a topic's stream is created (when it does not exist yet). */
export interface TopicStreamConfig {
  /** Events kept: max_msgs, the oldest dropped first. */
  history: number;
  /** Copies in a JetStream cluster (1 on a single server; 3 survives the loss of one node). */
  replicas: number;
}

/** How long JetStream remembers a message id to drop a repeat, ms (its default, 2 min). */
export const DUPLICATE_WINDOW_MS = 120_000;

/** The stream and subject of `topic`. */
export function topicStream(topic: string): TopicStream {
  const hash = createHash('sha256').update(topic, 'utf8').digest('hex').slice(0, 32);
  return { topic, stream: `STREAMLAB_TOPIC_${hash}`, subject: `streamlab.topic.${hash}` };
}

/** True when `error` is JetStream's "stream not found" (10059). */
export function isStreamNotFound(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.code === 10059;
}

/**
 * Makes sure `topic`'s stream exists: creates it with `config` when it does not. A stream
 * that exists keeps its own configuration (the first server to use a topic sets its
 * retention; servers on one bus should share `--history`).
 * @returns the stream's info (`state.last_seq` is the topic's last event id)
 * @throws JetStreamApiError / TimeoutError when the bus cannot answer
 */
export async function ensureTopicStream(jsm: JetStreamManager, topic: string, config: TopicStreamConfig): Promise<StreamInfo> {
  const { stream, subject } = topicStream(topic);
  try {
    return await jsm.streams.info(stream);
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
  }
  try {
    return await jsm.streams.add({
      name: stream, subjects: [subject], description: `streamlab topic ${JSON.stringify(topic).slice(0, 200)}`,
      metadata: { streamlab_topic: topic },
      max_msgs: config.history, discard: DiscardPolicy.Old, storage: StorageType.File,
      num_replicas: config.replicas, duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    });
  } catch (error) {
    // Another server created it in between (with its own configuration): use that one.
    if (error instanceof JetStreamApiError && error.code === 10058) return jsm.streams.info(stream);
    throw error;
  }
}
