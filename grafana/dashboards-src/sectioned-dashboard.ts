/**
 * The frame the Failure modes and Fleet dashboards share: title, uid, description and tags,
 * the crosshair and links every streamlab dashboard has, then rows ("sections") of panels
 * with ids numbered top to bottom.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DashboardBuilder, DashboardCursorSync, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { DASHBOARD_TAG, dashboardLinks } from './dashboard-links.ts';

/** What differs between the dashboards. */
export interface DashboardFrame {
  title: string;
  uid: string;
  description: string;
  /** Tags besides `streamlab` and `grpc`. */
  tag: string;
  /** Default time range start, e.g. `now-1h`. */
  from: string;
  /** Auto-refresh, e.g. `30s`. */
  refresh: string;
}

/** One row: its title and its panels, given the id of the first. */
export type Section = readonly [title: string, panels: (firstId: number) => cog.Builder<dashboard.Panel>[]];

/** Builds the dashboard model: the frame, then each section's row and panels. Pure. */
export function sectionedDashboard(frame: DashboardFrame, sections: readonly Section[]): dashboard.Dashboard {
  const builder = new DashboardBuilder(frame.title)
    .uid(frame.uid)
    .description(frame.description)
    .tags([DASHBOARD_TAG, 'grpc', frame.tag])
    .time({ from: frame.from, to: 'now' })
    .refresh(frame.refresh)
    .timezone('browser')
    .tooltip(DashboardCursorSync.Crosshair)
    .links(dashboardLinks());
  let nextId = 1;
  for (const [title, panels] of sections) {
    builder.withRow(new RowBuilder(title).id(nextId++));
    const built = panels(nextId);
    for (const panel of built) builder.withPanel(panel);
    nextId += built.length;
  }
  return builder.build();
}
