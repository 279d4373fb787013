/**
 * streamlab's own services, as a server serves them by default: Ticker (Subscribe, Notify,
 * Publish) sharing one topic hub, and Delivery (Exchange).
 */
import type { RecorderDeps } from '../../telemetry/stream-recorder.ts';
import type { ServiceRegistration } from '../service-registration.ts';
import { createDeliveryService } from './delivery-service.ts';
import { createTickerService } from './ticker-service.ts';
import { createTopicHub } from './topic-hub.ts';

/** Builds Ticker and Delivery with a fresh topic hub. */
export function createStreamlabServices(deps: RecorderDeps): ServiceRegistration[] {
  return [createTickerService(createTopicHub()), createDeliveryService(deps.metrics.delivery)];
}
