/**
 * The second dashboard, "Failure modes — end causes and detection per scenario" (uid
 * streamlab-failure-modes): every scenario of the catalogue on one page, both sides of the
 * wire side by side. Tables over the dashboard's time range (end causes client | server,
 * detection latency p50 | p99 per side), the catalogue itself (name, RPC kind, summary, trace
 * links) beside the runs by verdict, then the same end causes and detection latency over time.
 * Panels: failure-modes-panels.ts; queries: failure-modes-promql.ts.
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DashboardBuilder, DashboardCursorSync, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { CATALOGUE } from '../../src/scenarios/catalogue.ts';
import { DASHBOARD_TAG, dashboardLinks } from './dashboard-links.ts';
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
  const builder = new DashboardBuilder(FAILURE_MODES_TITLE)
    .uid(FAILURE_MODES_UID)
    .description('Every scenario of the catalogue side by side: how each side of the wire explained the end of its streams (streamlab.end_cause), how long each took to notice, and what the scenario does, with links from every panel to the traces behind it.')
    .tags([DASHBOARD_TAG, 'grpc', 'failure-modes'])
    .time({ from: 'now-1h', to: 'now' })
    .refresh('30s')
    .timezone('browser')
    .tooltip(DashboardCursorSync.Crosshair)
    .links(dashboardLinks());

  const [rangeRow, catalogueRowTitle, overTimeRow] = FAILURE_MODES_ROWS;
  let nextId = 1;
  const section = (title: string, panels: (firstId: number) => cog.Builder<dashboard.Panel>[]) => {
    builder.withRow(new RowBuilder(title).id(nextId++));
    const built = panels(nextId);
    for (const panel of built) builder.withPanel(panel);
    nextId += built.length;
  };
  section(rangeRow, rangeTables);
  section(catalogueRowTitle, (firstId) => catalogueRow(firstId, scenarios));
  section(overTimeRow, overTimePanels);
  return builder.build();
}
