/**
 * The panels of the failure-modes dashboard, by row:
 * - over the dashboard's time range: end causes per scenario with client and server side by
 *   side, and detection latency p50 | p99 per scenario and side (tables);
 * - the catalogue: what each scenario does (generated from CATALOGUE), next to its runs by verdict;
 * - over time (5m windows): each side's end causes and the detection latency p99, per scenario.
 * Every panel links to traces: table cells open the spans of their row's scenario (and end
 * cause), series their scenario's, exemplar dots the one trace behind them.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { LABEL_END_CAUSE, LABEL_SCENARIO, LABEL_SIDE, LABEL_VERDICT } from '../../src/telemetry/semconv.ts';
import { cataloguePanel } from './catalogue-panel.ts';
import type { CatalogueEntry } from './catalogue-panel.ts';
import * as q from './failure-modes-promql.ts';
import { timeseriesPanel } from './panels.ts';
import { DRIVER_SERVICE } from './refs.ts';
import { matrix, mergedColumns, tablePanel } from './table-panel.ts';
import {
  endCauseTraceLinks, jaegerSearchUrl, link, mismatchTracesUrl, rowField, scenarioSeriesTraceLinks, scenarioTraceLinks, seriesLabel,
  sideEndCauseTraceLink,
} from './trace-links.ts';
import type { Link } from './trace-links.ts';

/** Column titles of the end-causes table's two value columns, in query order (A, B). */
export const SIDES = ['client', 'server'] as const;

/** Detection quantiles of the detection-latency table, in query order (A, B). */
export const DETECTION_QUANTILES = [0.5, 0.99] as const;

const TABLE_HEIGHT = 14;
const SERIES_HEIGHT = 8;

/** Panel links of every panel: all scenario runs in Jaeger. */
const allRunsLinks = (): Link[] => [link('Jaeger: all scenario runs (driver traces)', jaegerSearchUrl(DRIVER_SERVICE, {}), true)];

/** The two tables over the dashboard's time range, left to right (ids `firstId`, `firstId + 1`). */
export function rangeTables(firstId: number): cog.Builder<dashboard.Panel>[] {
  const scenario = rowField(LABEL_SCENARIO);
  const cause = rowField(LABEL_END_CAUSE);
  return [
    tablePanel({
      id: firstId,
      title: 'End causes per scenario: client | server',
      description: 'Streams that ended in the dashboard\'s time range, per scenario and streamlab.end_cause, counted on each side of the wire: the client column is the driver\'s view, the server column the server\'s. A row with only one side filled is a stream the two sides explain differently (a blackhole is keepalive_timeout at the client and may be connection_closed at the server); a scenario with no server rows never reached a server (connect_failed). Click a cell for the spans of that scenario that ended that way.',
      height: TABLE_HEIGHT,
      width: 12,
      links: allRunsLinks(),
      exprs: SIDES.map((side) => q.endCausesInRange(side)),
      transformations: mergedColumns([LABEL_SCENARIO, LABEL_END_CAUSE], SIDES),
      unit: 'short',
      decimals: 0,
      sortBy: LABEL_SCENARIO,
      columnLinks: {
        [LABEL_SCENARIO]: scenarioTraceLinks(scenario),
        [LABEL_END_CAUSE]: endCauseTraceLinks(scenario, cause),
        ...Object.fromEntries(SIDES.map((side) => [side, [sideEndCauseTraceLink(side, scenario, cause)]])),
      },
    }),
    tablePanel({
      id: firstId + 1,
      title: 'Detection latency per scenario and side: p50 | p99',
      description: 'Seconds from the cause (a cancel(), a network fault, a killed or frozen process, a deadline) to each side noticing the end, over the dashboard\'s time range. Only a side that shares a process with whoever caused it knows the cause time: the driver\'s client side always, a server only when it runs inside the runner. completion has no cause and no row. Compare a scenario\'s two sides, and the keepalive scenarios with the instant ones (RST, FIN, GOAWAY). Click a scenario for its spans.',
      height: TABLE_HEIGHT,
      width: 12,
      links: allRunsLinks(),
      exprs: DETECTION_QUANTILES.map((quantile) => q.detectionQuantileInRange(quantile)),
      transformations: mergedColumns([LABEL_SCENARIO, LABEL_SIDE], DETECTION_QUANTILES.map((quantile) => `p${Math.round(quantile * 100)}`)),
      unit: 's',
      sortBy: LABEL_SCENARIO,
      columnLinks: { [LABEL_SCENARIO]: scenarioSeriesTraceLinks(scenario) },
    }),
  ];
}

/** The catalogue text and the runs-by-verdict table beside it (ids `firstId`, `firstId + 1`). */
export function catalogueRow(firstId: number, scenarios: readonly CatalogueEntry[]): cog.Builder<dashboard.Panel>[] {
  const catalogue = cataloguePanel({
    id: firstId,
    title: 'Scenario catalogue',
    description: 'Every scenario of the catalogue (src/scenarios/catalogue.ts): its RPC kind, what the client, the network or the server process does, and its traces.',
    width: 16,
    links: allRunsLinks(),
  }, scenarios);
  return [
    catalogue,
    tablePanel({
      id: firstId + 1,
      title: 'Runs per scenario: ok | mismatch',
      description: 'Scenario runs in the dashboard\'s time range by verdict: ok when both sides ended the way the scenario expects, mismatch otherwise (alert StreamScenarioVerdictMismatch). No mismatch column means no mismatch; the link lists mismatched runs in Jaeger.',
      height: scenarios.length + 4,
      width: 8,
      links: [link('Jaeger: mismatched runs', mismatchTracesUrl(), true), ...allRunsLinks()],
      exprs: [q.runsInRange()],
      transformations: matrix(LABEL_SCENARIO, LABEL_VERDICT),
      unit: 'short',
      decimals: 0,
    }),
  ];
}

/** The time series, left to right (ids `firstId` .. `firstId + 2`). */
export function overTimePanels(firstId: number): cog.Builder<dashboard.Panel>[] {
  const endCauses = (side: q.Side, id: number) => timeseriesPanel({
    id,
    title: `${side} end causes per scenario (5m)`,
    description: `Streams that ended on the ${side} side in the last 5 minutes, per scenario and end cause. Exemplar dots link to the trace of one such stream; click a series for the spans of that scenario that ended that way.`,
    height: SERIES_HEIGHT,
    width: 8,
    unit: 'short',
    links: allRunsLinks(),
    dataLinks: endCauseTraceLinks(seriesLabel(LABEL_SCENARIO)),
    targets: [{ expr: q.endCauses5m(side), legend: '{{scenario}} {{end_cause}}', exemplar: true }],
  });
  return [
    endCauses('client', firstId),
    endCauses('server', firstId + 1),
    timeseriesPanel({
      id: firstId + 2,
      title: 'Detection latency p99 per scenario and side (5m)',
      description: 'p99 of the seconds from cause to detection over 5 minutes, per scenario and side. Keepalive detections sit at keepalive time + timeout; a cancel, RST, FIN or GOAWAY within milliseconds. Exemplar dots link to traces.',
      height: SERIES_HEIGHT,
      width: 8,
      unit: 's',
      links: allRunsLinks(),
      dataLinks: scenarioSeriesTraceLinks(),
      targets: [{ expr: q.detectionQuantile5m(0.99), legend: '{{scenario}} {{side}} p99', exemplar: true }],
    }),
  ];
}
