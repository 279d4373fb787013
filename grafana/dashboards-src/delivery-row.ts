/**
 * The delivery row of the stream-lifecycle dashboard: at-least-once delivery over the bidi
 * stream Delivery/Exchange (ACKs; a message not ACKed within the ack timeout, 2 s by default,
 * is redelivered at most 3 times, then reported exhausted). Not a scenario column: the
 * queries keep the scenario label, so each delivery scenario (ack-retry in compose) and real
 * traffic ("none") is its own series. Six panels, three per line.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as q from './promql.ts';
import { timeseriesPanel } from './panels.ts';
import { DELIVERY_SCENARIO } from './refs.ts';
import { scenarioSeriesTraceLinks, scenarioTraceLinks } from './trace-links.ts';

/** The row's title. */
export const DELIVERY_ROW_TITLE = 'Delivery (bidi ACK/redelivery)';

/** Grid width of one delivery panel: three per line. */
export const DELIVERY_PANEL_WIDTH = 8;

/** The redelivery ratio of alert StreamlabDeliveryRedeliveryRatioHigh (prometheus/rules/streamlab.rules.yml). */
export const REDELIVERY_RATIO_ALERT = 0.2;

const HEIGHT = 7;

/**
 * The delivery panels, left to right, top to bottom.
 * @param firstId the id of the first panel; the others follow consecutively
 */
export function deliveryPanels(firstId: number): cog.Builder<dashboard.Panel>[] {
  const common = {
    height: HEIGHT,
    width: DELIVERY_PANEL_WIDTH,
    links: scenarioTraceLinks(DELIVERY_SCENARIO),
    dataLinks: scenarioSeriesTraceLinks(),
  };
  return [
    timeseriesPanel({
      ...common,
      id: firstId,
      title: 'Delivery · first sends, ACKs, redeliveries/s',
      description: 'Per second over 5 minutes, per scenario (server side): distinct messages sent for the first time, messages acknowledged, and redelivery attempts (a message not ACKed within the ack timeout, sent again). Exemplar dots on redeliveries link to a trace with its delivery.redeliver event; click a series for that scenario\'s spans.',
      unit: 'suffix: msg/s',
      targets: [
        { expr: q.deliveryFirstSendsPerSecond(), legend: '{{scenario}} first sends' },
        { expr: q.deliveryAcksPerSecond(), legend: '{{scenario}} ACKs' },
        { expr: q.deliveryRedeliveriesPerSecond(), legend: '{{scenario}} redeliveries', exemplar: true },
      ],
    }),
    timeseriesPanel({
      ...common,
      id: firstId + 1,
      title: 'Delivery · redelivery ratio',
      description: `Redeliveries per first send over 5 minutes, per scenario: the share of traffic spent on retries. ack-retry redelivers 2 of its 10 messages on every run (seeded drops), so it sits at 0.2. The dashed line is alert StreamlabDeliveryRedeliveryRatioHigh (above ${REDELIVERY_RATIO_ALERT} for 10 minutes), which leaves ack-retry out for that reason.`,
      unit: 'percentunit',
      alertLine: REDELIVERY_RATIO_ALERT,
      targets: [{ expr: q.deliveryRedeliveryRatio(), legend: '{{scenario}}' }],
    }),
    timeseriesPanel({
      ...common,
      id: firstId + 2,
      title: 'Delivery · exhausted messages (10m)',
      description: 'Messages given up on in the last 10 minutes, per scenario: the last redelivery went unacknowledged, so at-least-once delivery failed for them (alert StreamlabDeliveryMessagesExhausted). 0 means messages were sent and none was exhausted. Exemplar dots link to the trace with the delivery.exhausted event.',
      unit: 'short',
      targets: [{ expr: q.deliveryExhausted(), legend: '{{scenario}}', exemplar: true }],
    }),
    timeseriesPanel({
      ...common,
      id: firstId + 3,
      title: 'Delivery · ACK latency',
      description: 'Seconds from the first send of a message to its ACK, p50 and p95 over 5 minutes, per scenario. A redelivered message waited at least the ack timeout (2 s), so when more than 5 % are redelivered (ack-retry: 2 of 10) p95 jumps from milliseconds to seconds while p50 stays at the round trip. Exemplar dots link to traces.',
      unit: 's',
      targets: [
        { expr: q.deliveryAckLatencyQuantile(0.5), legend: '{{scenario}} p50', exemplar: true },
        { expr: q.deliveryAckLatencyQuantile(0.95), legend: '{{scenario}} p95', exemplar: true },
      ],
    }),
    timeseriesPanel({
      ...common,
      id: firstId + 4,
      title: 'Delivery · unacked in flight',
      description: 'Messages sent and neither ACKed nor exhausted right now, per scenario. It returns to 0 when a stream completes; a plateau means messages wait for ACKs that do not come (each is redelivered, then exhausted).',
      unit: 'short',
      targets: [{ expr: q.deliveryUnacked(), legend: '{{scenario}}' }],
    }),
    timeseriesPanel({
      ...common,
      id: firstId + 5,
      title: 'Delivery · duplicates at the client/s',
      description: 'Per second over 5 minutes, per scenario: messages the client received again (a redelivery of a message it already had, because its ACK was lost or late) and did not deliver twice. The client side of at-least-once: redeliveries the client did not need. Duplicates close to redeliveries mean ACKs are lost; few duplicates mean the messages themselves were lost (ack-retry: 0, its client ignores the dropped messages themselves).',
      unit: 'suffix: msg/s',
      targets: [{ expr: q.deliveryDuplicatesPerSecond(), legend: '{{scenario}}' }],
    }),
  ];
}
