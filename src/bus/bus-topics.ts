/**
 * A server's topics on the bus (`serve --bus`, issue 18): connects to NATS JetStream, then
 * builds the TopicLog the Ticker reads, the bus topic source that feeds it, the presence
 * announcements and the Notify census — the bus counterpart of createLocalTopics
 * (src/services/streamlab-services.ts). See docs/fleet-bus.md.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { TelemetryDeps } from '../telemetry/telemetry-deps.ts';
import { createTopicLog } from '../services/topic-log.ts';
import { connectBus } from './bus-connection.ts';
import { startBusPresence } from './bus-presence.ts';
import { createBusTopicSource } from './bus-topic-source.ts';
import { parseBusUrls } from './bus-url.ts';
import { startDeliveryCensus } from './delivery-census.ts';
import type { DeliveryCensus } from './delivery-census.ts';

/** Options; `bus`, `tickMs` and `history` are the server's, the rest tune recovery. */
export interface BusTopicsOptions {
  /** `nats://HOST:PORT[,…]` (src/bus/bus-url.ts). */
  bus: string;
  /** Tick period of the topics this server reads, ms; 0 never ticks. */
  tickMs: number;
  /** Events kept per topic: the log's size and a new topic stream's max_msgs. */
  history: number;
  /** Copies of a new topic stream. Default 1. */
  replicas?: number;
  /** Consumers' pull expiry, ms: a stalled consumer is recreated after it. Default {@link BUS_DEFAULTS}.expiresMs. */
  expiresMs?: number;
  /** Pause between reconnect attempts and retries, ms. Default {@link BUS_DEFAULTS}.reconnectWaitMs. */
  reconnectWaitMs?: number;
  /** Give up connecting at start after this long, ms. Default {@link BUS_DEFAULTS}.connectTimeoutMs. */
  connectTimeoutMs?: number;
  /** How long a Notify may wait for the bus, ms. Default {@link BUS_DEFAULTS}.publishTimeoutMs. */
  publishTimeoutMs?: number;
  /** How long a Notify's census waits for the servers present, ms. Default {@link BUS_DEFAULTS}.censusTimeoutMs. */
  censusTimeoutMs?: number;
}

/** Defaults of {@link BusTopicsOptions}, ms. */
export const BUS_DEFAULTS = {
  replicas: 1, expiresMs: 5_000, reconnectWaitMs: 250, connectTimeoutMs: 10_000, publishTimeoutMs: 10_000, censusTimeoutMs: 1_000,
} as const;

/** Pause between two presence announcements, ms. */
const PRESENCE_MS = 1_000;

/**
 * Connects to the bus and builds the topics.
 * @throws Error for a bad `bus` value; BusUnavailableError when the bus is not reachable
 *   within connectTimeoutMs (retried with backoff until then) or has no JetStream
 */
export async function createBusTopics(deps: TelemetryDeps, options: BusTopicsOptions) {
  const servers = parseBusUrls(options.bus);
  const self = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const reconnectWaitMs = options.reconnectWaitMs ?? BUS_DEFAULTS.reconnectWaitMs;
  const publishTimeoutMs = options.publishTimeoutMs ?? BUS_DEFAULTS.publishTimeoutMs;
  const bus = await connectBus({ metrics: deps.metrics.bus, tracer: deps.tracer, logger: deps.logger }, {
    servers, label: options.bus, name: `streamlab ${self}`, reconnectWaitMs,
    connectTimeoutMs: options.connectTimeoutMs ?? BUS_DEFAULTS.connectTimeoutMs,
  });
  let census: DeliveryCensus | undefined;
  let source: ReturnType<typeof createBusTopicSource> | undefined;
  const log = createTopicLog({ historySize: options.history, onFirstListener: (topic) => source?.follow(topic) });
  source = createBusTopicSource({ bus, log, logger: deps.logger, metrics: deps.metrics.bus, census: () => census as DeliveryCensus }, {
    self, tickMs: options.tickMs, history: options.history, replicas: options.replicas ?? BUS_DEFAULTS.replicas,
    expiresMs: options.expiresMs ?? BUS_DEFAULTS.expiresMs, retryMs: reconnectWaitMs, publishTimeoutMs,
  });
  const presence = startBusPresence(bus.nc, { server: self }, PRESENCE_MS);
  const counting = source;
  census = startDeliveryCensus({ nc: bus.nc, presence, logger: deps.logger, self, countOf: (topic, id, waitMs) => counting.countOf(topic, id, waitMs) }, options.censusTimeoutMs ?? BUS_DEFAULTS.censusTimeoutMs);
  deps.logger.info('on the bus', { bus: options.bus, server_id: self, attempts: bus.attempts });
  return {
    log,
    source: counting,
    /** This server's id on the bus. */
    self,
    bus,
    /** Stops ticking, reading, announcing and answering, then closes the connection. */
    async close(): Promise<void> {
      counting.close();
      presence.close();
      census?.close();
      await bus.close();
    },
  };
}

/** The topics built by {@link createBusTopics}. */
export type BusTopics = Awaited<ReturnType<typeof createBusTopics>>;
