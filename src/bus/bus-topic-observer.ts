/**
 * Watching topics' numbering on the bus from outside the servers (issue 18): the fleet
 * controller on `--bus` sees each event when the bus numbers it, as the embedded relay's
 * `onEvent` does, so it can time the fan-out of a Notify to its subscribers and knows each
 * topic's last id. It reads from the stream's end on (no history), and announces nothing:
 * it is no server, and the Notify census does not wait for it.
 */
import { jetstream } from '@nats-io/jetstream';
import { connectBus } from './bus-connection.ts';
import { BUS_DEFAULTS } from './bus-topics.ts';
import type { BusTopicsOptions } from './bus-topics.ts';
import { parseBusUrls } from './bus-url.ts';
import type { TopicEvent } from '../services/topic-log.ts';
import type { TelemetryDeps } from '../telemetry/telemetry-deps.ts';
import { startTopicConsumer } from './topic-consumer.ts';
import type { TopicConsumer } from './topic-consumer.ts';
import { ensureTopicStream } from './topic-stream.ts';

/**
 * Connects to the bus and returns the observer.
 * @param onEvent called with each event of a watched topic as the bus numbered it (atMs: the bus's timestamp). Must not throw.
 * @throws BusUnavailableError when the bus is not reachable within the connect timeout
 */
export async function createBusTopicObserver(deps: TelemetryDeps, options: BusTopicsOptions, onEvent: (topic: string, event: TopicEvent) => void) {
  const settings = { ...BUS_DEFAULTS, ...options };
  const bus = await connectBus({ metrics: deps.metrics.bus, tracer: deps.tracer, logger: deps.logger }, {
    servers: parseBusUrls(settings.bus), label: settings.bus, name: 'streamlab fleet', reconnectWaitMs: settings.reconnectWaitMs, connectTimeoutMs: settings.connectTimeoutMs,
  });
  // As the servers' consumers: requests bounded by the expiry (bus-topic-source.ts).
  const consumerJs = jetstream(bus.nc, { timeout: settings.expiresMs });
  const consumers = new Map<string, Promise<TopicConsumer | undefined>>();
  let closed = false;

  async function start(topic: string): Promise<TopicConsumer | undefined> {
    while (!closed) {
      try {
        const info = await ensureTopicStream(bus.jsm, topic, { history: settings.history, replicas: settings.replicas });
        const consumer = startTopicConsumer({ js: consumerJs, logger: deps.logger, onReconnect: (listener) => bus.onStatus((status) => status.type === 'reconnect' && listener()), onEvent: (event) => onEvent(topic, event) }, topic, {
          expiresMs: settings.expiresMs, retryMs: settings.reconnectWaitMs, afterId: info.state.last_seq,
        });
        await consumer.started;
        return consumer;
      } catch (error) {
        deps.logger.warn('bus: cannot watch topic yet, retrying', { topic, error: (error as Error).message });
        await new Promise((resolve) => setTimeout(resolve, settings.reconnectWaitMs));
      }
    }
    return undefined;
  }

  return {
    bus,
    /** Watches `topic` from its current end on (once). Resolves once it reads. */
    async watch(topic: string): Promise<void> {
      let consumer = consumers.get(topic);
      if (!consumer) {
        consumer = start(topic);
        consumers.set(topic, consumer);
      }
      await consumer;
    },
    /** The last id seen of `topic` (0 before the first, or when not watched). */
    async lastId(topic: string): Promise<number> {
      return (await consumers.get(topic))?.lastId ?? 0;
    },
    /** Stops watching and closes the connection. */
    async close(): Promise<void> {
      closed = true;
      await Promise.all([...consumers.values()].map(async (consumer) => (await consumer)?.close()));
      await bus.close();
    },
  };
}

/** The observer built by {@link createBusTopicObserver}. */
export type BusTopicObserver = Awaited<ReturnType<typeof createBusTopicObserver>>;
