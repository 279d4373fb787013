/**
 * Every PromQL expression of the Fleet dashboard, built from the names in
 * src/telemetry/semconv.ts like promql.ts.
 *
 * The fleet (`streamlab fleet`) runs long-lived subscribers in one process and its servers as
 * child processes, each a scrape target of its own. The queries name metrics, never a job: the
 * streamlab_fleet_* metrics come from the process that runs the subscribers, whatever its job
 * is called, and the server side is every target's Ticker streams (`instance` tells them apart).
 * No Grafana macros: the stack test runs each expression verbatim.
 */
import * as sc from '../../src/telemetry/semconv.ts';
import { TICKER_SERVICE } from '../../src/core/proto.ts';

/**
 * The fleet's subscriptions: Ticker streams whose subscriber put scenario "fleet" in their
 * baggage, on both sides; the lab driver's Ticker scenarios on the same Prometheus stay out.
 */
const FLEET_STREAMS = `${sc.LABEL_SCENARIO}="${sc.SCENARIO_FLEET}",${sc.LABEL_GRPC_SERVICE}="${TICKER_SERVICE}"`;

/**
 * The window of the reconnect rate: the window of alert FleetReconnectStorm
 * (prometheus/rules/streamlab.rules.yml), so the panel shows what the alert sees.
 */
export const RECONNECT_WINDOW = '1m';

/** The window of the gap and duplicate counts: the window of alert FleetResumeGaps. */
export const RESUME_EVENTS_WINDOW = '5m';

/** Subscribers streaming from each backend right now (host:port), and those between subscriptions (backend="none"). */
export function subscribersPerBackend(): string {
  return `sum by (${sc.LABEL_BACKEND}) (${sc.METRIC_FLEET_SUBSCRIBERS})`;
}

/** The servers' side: the fleet's Ticker streams open on each server, by scrape target (one per server process). */
export function tickerStreamsPerInstance(): string {
  return `sum by (instance) (${sc.METRIC_STREAMS_ACTIVE}{${sc.LABEL_SIDE}="server",${FLEET_STREAMS}})`;
}

/** Re-subscribes per second, by the end cause of the subscription that ended. */
export function reconnectsPerSecond(): string {
  return `sum by (${sc.LABEL_END_CAUSE}) (rate(${sc.METRIC_FLEET_RECONNECTS}[${RECONNECT_WINDOW}]))`;
}

/** Topic events resumed subscriptions never received (the server no longer kept them), in the alert's window. */
export function resumeGapEvents(): string {
  return `sum(increase(${sc.METRIC_FLEET_RESUME_GAP_EVENTS}[${RESUME_EVENTS_WINDOW}]))`;
}

/** Topic events subscribers received more than once across resumes, in the same window. */
export function resumeDuplicateEvents(): string {
  return `sum(increase(${sc.METRIC_FLEET_RESUME_DUPLICATE_EVENTS}[${RESUME_EVENTS_WINDOW}]))`;
}

/** Quantile `q` of the time to resume (a subscription's end -> its successor streaming, backoff included), over 5 minutes. */
export function resumeQuantile(q: number): string {
  return `histogram_quantile(${q}, sum by (le) (rate(${sc.METRIC_FLEET_RESUME_SECONDS}_bucket[5m])))`;
}

/** Quantile `q` of the fan-out latency (a Notify sent -> the last subscriber's receipt), over 5 minutes. */
export function fanoutQuantile(q: number): string {
  return `histogram_quantile(${q}, sum by (le) (rate(${sc.METRIC_FLEET_FANOUT_SECONDS}_bucket[5m])))`;
}

/** The fleet's Ticker streams that ended in the last 5 minutes, by side and end cause (client: the subscribers, server: the servers). */
export function tickerStreamEnds(): string {
  return `sum by (${sc.LABEL_SIDE}, ${sc.LABEL_END_CAUSE}) (increase(${sc.METRIC_STREAM_ENDS}{${FLEET_STREAMS}}[5m]))`;
}
