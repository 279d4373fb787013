/**
 * The second dashboard, "Failure modes — end causes and detection per scenario" (uid
 * streamlab-failure-modes): every scenario of the catalogue on one page, both sides of the
 * wire side by side. Tables over the dashboard's time range (end causes client | server,
 * detection latency p50 | p99 per side), the catalogue itself (name, RPC kind, summary, trace
 * links) beside the runs by verdict, then the same end causes and detection latency over time.
 * Panels: failure-modes-panels.ts; queries: failure-modes-promql.ts.
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { CATALOGUE } from '../../src/scenarios/catalogue.ts';
import { sectionedDashboard } from './sectioned-dashboard.ts';
import { catalogueRow, overTimePanels, rangeTables } from './failure-modes-panels.ts';

/** The dashboard's uid: stable, so links and the provisioned copy keep pointing at it. */
export const FAILURE_MODES_UID = 'streamlab-failure-modes';

/** The dashboard's title. */
export const FAILURE_MODES_TITLE = 'Failure modes — end causes and detection per scenario';

/** The rows' titles, top to bottom. */
export const FAILURE_MODES_ROWS = ['Per scenario, over the time range', 'Scenario catalogue', 'Over time (5m windows)'] as const;

/** Builds the dashboard model. Pure: the same model for the same catalogue. */
export function failureModesDashboard(): dashboard.Dashboard {
  const scenarios = CATALOGUE.map(({ name, rpc, summary }) => ({ name, rpc, summary }));
  const [rangeRow, catalogueRowTitle, overTimeRow] = FAILURE_MODES_ROWS;
  return sectionedDashboard({
    title: FAILURE_MODES_TITLE,
    uid: FAILURE_MODES_UID,
    description: 'Every scenario of the catalogue side by side: how each side of the wire explained the end of its streams (streamlab.end_cause), how long each took to notice, and what the scenario does, with links from every panel to the traces behind it.',
    tag: 'failure-modes',
    from: 'now-1h',
    refresh: '30s',
  }, [
    [rangeRow, rangeTables],
    [catalogueRowTitle, (firstId) => catalogueRow(firstId, scenarios)],
    [overTimeRow, overTimePanels],
  ]);
}
