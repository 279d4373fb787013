/**
 * The main dashboard, "Stream lifecycle — scenarios side by side" (uid streamlab-lifecycle):
 * an overview row, then one column per core scenario (completion | cancel | disconnect |
 * blackhole, grid width 6 each) through the rows of scenario-rows.ts, then the delivery row
 * (delivery-row.ts: bidi ACK/redelivery, every delivery scenario as its own series). Each
 * column's panels, and the delivery row's, carry annotations marking that scenario's runs and
 * links to its traces.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import {
  AnnotationPanelFilterBuilder, AnnotationQueryBuilder, DashboardBuilder, DashboardCursorSync, RowBuilder,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder, QueryEditorMode } from '@grafana/grafana-foundation-sdk/prometheus';
import { CATALOGUE, selectScenarios } from '../../src/scenarios/catalogue.ts';
import { LABEL_SCENARIO } from '../../src/telemetry/semconv.ts';
import { DELIVERY_ROW_TITLE, deliveryPanels } from './delivery-row.ts';
import { overviewPanels } from './overview.ts';
import { scenarioRunMarks } from './promql.ts';
import { CORE_COLUMNS, DELIVERY_SCENARIO, PROMETHEUS } from './refs.ts';
import { DASHBOARD_TAG, dashboardLinks } from './dashboard-links.ts';
import { SCENARIO_ROWS } from './scenario-rows.ts';
import { withoutPlacement } from './placement.ts';

/** The dashboard's uid: stable, so links and the provisioned copy keep pointing at it. */
export const STREAM_LIFECYCLE_UID = 'streamlab-lifecycle';

/** The dashboard's title. */
export const STREAM_LIFECYCLE_TITLE = 'Stream lifecycle — scenarios side by side';

/** Annotation colour per scenario column. */
const RUN_COLORS: Record<string, string> = {
  completion: 'green', cancel: 'blue', disconnect: 'orange', blackhole: 'purple', [DELIVERY_SCENARIO]: 'yellow',
};

/**
 * Marks each run of `scenario` on its column's panels (`panelIds`).
 * The driver sets streamlab_scenario_last_run_timestamp_seconds when a run finishes; the
 * query returns that time in ms and "series value as timestamp" turns it into one mark per
 * run. Grafana merges marks less than one step apart into a region, so the minimum step is
 * the scrape interval (5 s): runs 20 s apart (compose) stay separate on short time ranges; on
 * long ranges Grafana's step grows and neighbouring runs merge into one region.
 */
function runAnnotation(scenario: string, panelIds: number[]): cog.Builder<dashboard.AnnotationQuery> {
  return withoutPlacement(new AnnotationQueryBuilder()
    .name(`${scenario} runs`)
    .datasource(PROMETHEUS)
    .enable(true)
    .iconColor(RUN_COLORS[scenario] ?? 'red')
    .target(new DataqueryBuilder()
      .refId('Anno')
      .editorMode(QueryEditorMode.Code)
      .expr(scenarioRunMarks(scenario))
      .interval('5s'))
    .useValueForTime(true)
    .titleFormat(`{{${LABEL_SCENARIO}}} run`)
    .textFormat(`The driver finished a run of scenario {{${LABEL_SCENARIO}}}.`)
    .tagKeys(LABEL_SCENARIO)
    .filter(new AnnotationPanelFilterBuilder().exclude(false).ids(panelIds)));
}

/** Builds the dashboard model. Pure: the same model on every call. */
export function streamLifecycleDashboard(): dashboard.Dashboard {
  const scenarios = selectScenarios([...CORE_COLUMNS]);
  const builder = new DashboardBuilder(STREAM_LIFECYCLE_TITLE)
    .uid(STREAM_LIFECYCLE_UID)
    .description('Why gRPC streams end: each core scenario in its own column, both sides of the wire, then at-least-once delivery over a bidi stream (ACKs, redeliveries), with links from every panel to the traces behind it.')
    .tags([DASHBOARD_TAG, 'grpc', 'streams'])
    .time({ from: 'now-15m', to: 'now' })
    .refresh('10s')
    .timezone('browser')
    .tooltip(DashboardCursorSync.Crosshair)
    .links(dashboardLinks());

  let nextId = 1;
  builder.withRow(new RowBuilder('Overview: all scenarios').id(nextId++));
  const overview = overviewPanels(nextId);
  for (const panel of overview) builder.withPanel(panel);
  nextId += overview.length;

  const columnIds = new Map<string, number[]>(scenarios.map((s) => [s.name, []]));
  for (const row of SCENARIO_ROWS) {
    builder.withRow(new RowBuilder(row.title).id(nextId++));
    for (const scenario of scenarios) {
      const id = nextId++;
      columnIds.get(scenario.name)?.push(id);
      builder.withPanel(row.panel(scenario, id));
    }
  }

  selectScenarios([DELIVERY_SCENARIO], CATALOGUE); // throws if the catalogue renamed it
  builder.withRow(new RowBuilder(DELIVERY_ROW_TITLE).id(nextId++));
  const delivery = deliveryPanels(nextId);
  for (const panel of delivery) builder.withPanel(panel);
  const deliveryIds = delivery.map((_panel, i) => nextId + i);
  nextId += delivery.length;

  for (const scenario of scenarios) builder.annotation(runAnnotation(scenario.name, columnIds.get(scenario.name) ?? []));
  builder.annotation(runAnnotation(DELIVERY_SCENARIO, deliveryIds));
  return builder.build();
}
