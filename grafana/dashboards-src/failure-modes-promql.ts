/**
 * Every PromQL expression of the failure-modes dashboard, built from the names in
 * src/telemetry/semconv.ts like promql.ts. Unlike the stream-lifecycle columns, these keep the
 * scenario label (`sum by (scenario, ...)`): one dashboard compares every scenario of the
 * catalogue, so each query returns one series or table row per scenario.
 *
 * Two kinds of query:
 * - Tables: instant queries over the dashboard's time range, `[$__range]`. `$__range` is the
 *   one Grafana macro these use; grafana/queries.ts `runnableExpr` substitutes it (5m) where an
 *   expression runs outside Grafana (the promtool parse check, the stack test).
 * - Time series: 5m windows, no macros, as in promql.ts.
 * Like promql.ts, every query leaves gRPC's admin services out (NOT_ADMIN_SERVICE).
 */
import * as sc from '../../src/telemetry/semconv.ts';
import { NOT_ADMIN_SERVICE } from './promql.ts';

/** A side of the wire, as the `side` label spells it. */
export type Side = 'client' | 'server';

/** The dashboard's range as a PromQL range selector (Grafana fills in `$__range`). */
const RANGE = '$__range';

const ends = (side: Side): string => `${sc.METRIC_STREAM_ENDS}{${sc.LABEL_SIDE}="${side}",${NOT_ADMIN_SERVICE}}`;
/** The detection histogram's buckets, admin services (health, reflection, channelz) left out. */
const detectionBuckets = `${sc.METRIC_DETECTION_SECONDS}_bucket{${NOT_ADMIN_SERVICE}}`;

/**
 * Streams of one side that ended in the dashboard's time range, by scenario and end cause
 * (a table query: one row per scenario and cause). The end-causes table runs it for both sides
 * and merges the two on (scenario, end_cause), so client and server counts sit side by side.
 */
export function endCausesInRange(side: Side): string {
  return `sum by (${sc.LABEL_SCENARIO}, ${sc.LABEL_END_CAUSE}) (increase(${ends(side)}[${RANGE}]))`;
}

/**
 * Quantile `q` of the detection latency (cause -> this side noticed) over the dashboard's time
 * range, by scenario and side (a table query). Scenarios without a cause time (completion, or
 * a standalone `streamlab serve`, which no run tells its cause time: src/telemetry/run-scope.ts) have no rows;
 * `>= 0` drops the NaN of a scenario whose histogram did not move in the range.
 */
export function detectionQuantileInRange(q: number): string {
  return `histogram_quantile(${q}, sum by (${sc.LABEL_SCENARIO}, ${sc.LABEL_SIDE}, le) (increase(${detectionBuckets}[${RANGE}]))) >= 0`;
}

/** Scenario runs in the dashboard's time range, by scenario and verdict (ok | mismatch; a table query). */
export function runsInRange(): string {
  return `sum by (${sc.LABEL_SCENARIO}, ${sc.LABEL_VERDICT}) (increase(${sc.METRIC_SCENARIO_RUNS}[${RANGE}]))`;
}

/** Streams of one side that ended in the last 5 minutes, by scenario and end cause (time series). */
export function endCauses5m(side: Side): string {
  return `sum by (${sc.LABEL_SCENARIO}, ${sc.LABEL_END_CAUSE}) (increase(${ends(side)}[5m]))`;
}

/** Quantile `q` of the detection latency over 5 minutes, by scenario and side (time series). */
export function detectionQuantile5m(q: number): string {
  return `histogram_quantile(${q}, sum by (${sc.LABEL_SCENARIO}, ${sc.LABEL_SIDE}, le) (rate(${detectionBuckets}[5m])))`;
}
