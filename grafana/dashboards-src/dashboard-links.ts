/**
 * The links in every streamlab dashboard's top bar: the other streamlab dashboards (a
 * dropdown of every dashboard tagged {@link DASHBOARD_TAG}), the Jaeger UI and Prometheus'
 * alerts page.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DashboardLinkBuilder, DashboardLinkType } from '@grafana/grafana-foundation-sdk/dashboard';
import { withoutPlacement } from './placement.ts';
import { JAEGER_UI, PROMETHEUS_UI } from './refs.ts';

/** The tag every streamlab dashboard carries. */
export const DASHBOARD_TAG = 'streamlab';

/** The top-bar links, left to right. */
export function dashboardLinks(): cog.Builder<dashboard.DashboardLink>[] {
  return [
    withoutPlacement(new DashboardLinkBuilder('streamlab dashboards').type(DashboardLinkType.Dashboards).tags([DASHBOARD_TAG]).asDropdown(true)),
    withoutPlacement(new DashboardLinkBuilder('Jaeger').url(JAEGER_UI).targetBlank(true).icon('external link')),
    withoutPlacement(new DashboardLinkBuilder('Prometheus alerts').url(`${PROMETHEUS_UI}/alerts`).targetBlank(true).icon('external link')),
  ];
}
