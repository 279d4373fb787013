/**
 * Every dashboard generated into grafana/dashboards/, by file name. Add a dashboard here and
 * `npm run grafana:generate` writes it; test/grafana/grafana-dashboards.test.ts then keeps the
 * committed JSON equal to what this code builds.
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { failureModesDashboard } from './failure-modes.ts';
import { fleetDashboard } from './fleet.ts';
import { streamLifecycleDashboard } from './stream-lifecycle.ts';

/** A dashboard source: the JSON file it is written to and the function that builds it. */
export interface DashboardSource {
  /** File name under grafana/dashboards/. */
  file: string;
  build(): dashboard.Dashboard;
}

/** The dashboards, in generation order. */
export const DASHBOARDS: readonly DashboardSource[] = [
  { file: 'stream-lifecycle.json', build: streamLifecycleDashboard },
  { file: 'failure-modes.json', build: failureModesDashboard },
  { file: 'fleet.json', build: fleetDashboard },
];
