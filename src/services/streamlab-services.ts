/**
 * streamlab's own services, as a server serves them by default: Ticker (Subscribe, Notify,
 * Publish) reading one topic log, and Delivery (Exchange).
 */
import type { TelemetryServices } from '../telemetry/telemetry-deps.ts';
import type { ServiceRegistration } from '../server/service-registration.ts';
import { overflowCounterOf } from './bounded-writes.ts';
import { createDeliveryService } from './delivery-service.ts';
import { createTickerService } from './ticker-service.ts';
import type { TickerDeps, TickerOptions } from './ticker-service.ts';
import { createTopicLog } from './topic-log.ts';
import { createLocalTopicSource } from './topic-source.ts';

/**
 * A standalone server's topics: a fresh log whose topics tick every `tickMs` (default
 * 1,000 ms) once followed, and number their own events.
 */
export function createLocalTopics(options: { tickMs?: number; historySize?: number } = {}): TickerDeps {
  let source: ReturnType<typeof createLocalTopicSource> | undefined;
  const log = createTopicLog({
    ...(options.historySize !== undefined ? { historySize: options.historySize } : {}),
    onFirstListener: (topic) => source?.watch(topic),
  });
  source = createLocalTopicSource(log, options.tickMs !== undefined ? { tickMs: options.tickMs } : {});
  return { log, source };
}

/**
 * Builds Ticker and Delivery.
 * @param topics where Ticker's topics come from; default {@link createLocalTopics}()
 * @param ticker the Ticker's limits (ticker-service.ts TickerOptions)
 */
export function createStreamlabServices(deps: Pick<TelemetryServices, 'metrics'>, topics: TickerDeps = createLocalTopics(), ticker: TickerOptions = {}): ServiceRegistration[] {
  overflowCounterOf(deps.metrics.registry); // on /metrics from the start, before the first overflow
  return [createTickerService(topics, ticker), createDeliveryService(deps.metrics.registry)];
}
