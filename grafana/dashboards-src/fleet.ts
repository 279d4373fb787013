/**
 * The Fleet dashboard, "Fleet — subscribers, reconnects, resume and fan-out" (uid
 * streamlab-fleet): the long-lived subscribers of `streamlab fleet` and the servers they spread
 * over. Where they stream (per backend, and each server's open Ticker streams), the reconnect
 * storm after a server dies (reconnects by end cause, with alert FleetReconnectStorm's line),
 * what resuming cost (gap and duplicate events, alert FleetResumeGaps; time to resume), how fast
 * a Notify reaches every subscriber, and how the Ticker streams ended on each side.
 * Queries: fleet-promql.ts.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { ATTR_END_CAUSE, LABEL_END_CAUSE } from '../../src/telemetry/semconv.ts';
import { sectionedDashboard } from './sectioned-dashboard.ts';
import * as q from './fleet-promql.ts';
import { timeseriesPanel } from './panels.ts';
import { FLEET_SERVICE } from './refs.ts';
import { exploreTracesUrl, jaegerSearchUrl, link, seriesLabel } from './trace-links.ts';
import type { Link } from './trace-links.ts';

/** The dashboard's uid: stable, so links and the provisioned copy keep pointing at it. */
export const FLEET_UID = 'streamlab-fleet';

/** The dashboard's title. */
export const FLEET_TITLE = 'Fleet — subscribers, reconnects, resume and fan-out';

/** The rows' titles, top to bottom. */
export const FLEET_ROWS = ['Where the subscribers stream', 'Reconnects and resume', 'Fan-out and stream ends'] as const;

/** Reconnects per second of alert FleetReconnectStorm (prometheus/rules/streamlab.rules.yml). */
export const FLEET_RECONNECT_STORM_ALERT = 1;

const HEIGHT = 8;

/** Panel links of every panel: the fleet's traces in the Jaeger UI and in Explore. */
const fleetTraceLinks = (): Link[] => [
  link('Jaeger: fleet traces (subscribers, notify)', jaegerSearchUrl(FLEET_SERVICE, {}), true),
  link('Explore: fleet traces (Jaeger datasource)', exploreTracesUrl(FLEET_SERVICE, {})),
];

/** Data links from a series labelled end_cause to the fleet's spans that ended that way. */
const endCauseLinks = (): Link[] => {
  const cause = seriesLabel(LABEL_END_CAUSE);
  return [link(`Fleet spans that ended ${cause}`, exploreTracesUrl(FLEET_SERVICE, { [ATTR_END_CAUSE]: cause }))];
};

function wherePanels(firstId: number): cog.Builder<dashboard.Panel>[] {
  return [
    timeseriesPanel({
      id: firstId,
      title: 'Subscribers per backend',
      description: 'Subscribers streaming from each backend (server host:port) right now, stacked: the top is every subscriber. backend="none" counts those between subscriptions (backing off or connecting). When a backend dies its band moves to the others within the backoff; nothing moves subscribers back when it returns or a server is added (round robin only picks for new streams), so an uneven spread after a restart is expected.',
      height: HEIGHT,
      width: 12,
      unit: 'short',
      stacked: true,
      links: fleetTraceLinks(),
      targets: [{ expr: q.subscribersPerBackend(), legend: '{{backend}}' }],
    }),
    timeseriesPanel({
      id: firstId + 1,
      title: 'Open Ticker streams per server (server side)',
      description: 'The fleet\'s Ticker streams (Subscribe, scenario "fleet") open on each server process, as each server counts them (streamlab_streams_active{side="server"}), stacked, one series per scrape target. Compare with the subscribers\' view on the left: a server that still counts streams its subscribers have left has not noticed their end yet (a silent network: keepalive).',
      height: HEIGHT,
      width: 12,
      unit: 'short',
      stacked: true,
      links: fleetTraceLinks(),
      targets: [{ expr: q.tickerStreamsPerInstance(), legend: '{{instance}}' }],
    }),
  ];
}

function resumePanels(firstId: number): cog.Builder<dashboard.Panel>[] {
  return [
    timeseriesPanel({
      id: firstId,
      title: `Reconnects/s by end cause (${q.RECONNECT_WINDOW})`,
      description: `Re-subscribes per second over ${q.RECONNECT_WINDOW}, stacked by the end cause of the subscription that ended: a killed server shows as connection_reset or connection_closed, a drained one as server_shutdown, retries against no server as connect_failed. One server dying makes one burst (its subscribers, spread by the backoff's jitter); a storm keeps going. The dashed line is alert FleetReconnectStorm (above ${FLEET_RECONNECT_STORM_ALERT}/s for a minute more). Exemplar dots link to a reconnect's trace; click a series for the fleet's spans that ended that way.`,
      height: HEIGHT,
      width: 8,
      unit: 'suffix: /s',
      stacked: true,
      alertLine: FLEET_RECONNECT_STORM_ALERT,
      links: fleetTraceLinks(),
      dataLinks: endCauseLinks(),
      targets: [{ expr: q.reconnectsPerSecond(), legend: '{{end_cause}}', exemplar: true }],
    }),
    timeseriesPanel({
      id: firstId + 1,
      title: `Resume gap and duplicate events (${q.RESUME_EVENTS_WINDOW})`,
      description: `Topic events lost to resumes (gaps: the subscriber resumed after an event older than the history the server keeps, so events in between were never delivered; alert FleetResumeGaps) and events delivered twice across a resume (duplicates), in the last ${q.RESUME_EVENTS_WINDOW}. Both are 0 when resume works: every subscriber carries its last event id and the server continues from the next. Exemplar dots link to the trace of the resume that lost or repeated events.`,
      height: HEIGHT,
      width: 8,
      unit: 'short',
      links: fleetTraceLinks(),
      targets: [
        { expr: q.resumeGapEvents(), legend: 'gap events', exemplar: true },
        { expr: q.resumeDuplicateEvents(), legend: 'duplicate events', exemplar: true },
      ],
    }),
    timeseriesPanel({
      id: firstId + 2,
      title: 'Time to resume p50 | p99 (5m)',
      description: 'Seconds from a subscription\'s end to its successor streaming (response headers received), backoff included, p50 and p99 over 5 minutes. The backoff between attempts (gRPC connection backoff: 1 s, ×1.6 per failed attempt, ±20 % jitter, at most 120 s) is part of it, so p99 far above the first delay means attempts failed (no backend left, or none answering). Empty when nobody resumed in the window. Exemplar dots link to traces.',
      height: HEIGHT,
      width: 8,
      unit: 's',
      links: fleetTraceLinks(),
      targets: [
        { expr: q.resumeQuantile(0.5), legend: 'p50', exemplar: true },
        { expr: q.resumeQuantile(0.99), legend: 'p99', exemplar: true },
      ],
    }),
  ];
}

function fanoutPanels(firstId: number): cog.Builder<dashboard.Panel>[] {
  return [
    timeseriesPanel({
      id: firstId,
      title: 'Fan-out latency p50 | p99 (5m)',
      description: 'Seconds from a Notify sent by the fleet to the last subscriber\'s receipt of it, over every server, p50 and p99 over 5 minutes. It grows with the number of subscribers of the topic; a jump at a constant count points at a slow server or a subscriber that reads slowly (backpressure). Empty when no Notify was sent in the window.',
      height: HEIGHT,
      width: 12,
      unit: 's',
      links: fleetTraceLinks(),
      targets: [
        { expr: q.fanoutQuantile(0.5), legend: 'p50' },
        { expr: q.fanoutQuantile(0.99), legend: 'p99' },
      ],
    }),
    timeseriesPanel({
      id: firstId + 1,
      title: 'Ticker stream ends by side and cause (5m)',
      description: 'Ticker streams that ended in the last 5 minutes, by side and streamlab.end_cause: client is the subscribers\' view, server the servers\'. After a server kill the subscribers see connection_reset or connection_closed while the killed server reports nothing (it is gone); after a drain both sides say server_shutdown. Only the fleet\'s subscriptions (scenario "fleet"); the lab driver\'s scenarios are on the other dashboards. Exemplar dots link to traces; click a series for the fleet\'s spans that ended that way.',
      height: HEIGHT,
      width: 12,
      unit: 'short',
      links: fleetTraceLinks(),
      dataLinks: endCauseLinks(),
      targets: [{ expr: q.tickerStreamEnds(), legend: '{{side}} {{end_cause}}', exemplar: true }],
    }),
  ];
}

/** Builds the dashboard model. Pure: the same model on every call. */
export function fleetDashboard(): dashboard.Dashboard {
  const [whereRow, resumeRow, fanoutRow] = FLEET_ROWS;
  return sectionedDashboard({
    title: FLEET_TITLE,
    uid: FLEET_UID,
    description: 'The long-lived subscribers of `streamlab fleet` across its servers: where they stream, how they reconnect and resume when a server dies (gaps, duplicates, time to resume), and how fast a Notify fans out to all of them, with links to the traces behind them.',
    tag: 'fleet',
    from: 'now-30m',
    refresh: '10s',
  }, [
    [whereRow, wherePanels],
    [resumeRow, resumePanels],
    [fanoutRow, fanoutPanels],
  ]);
}
