/**
 * Panel factories with the dashboard's house style: Prometheus targets on the provisioned
 * datasource, legends shown, shared sizes. The SDK's defaults hide the legend and leave the
 * datasource and refId unset, so every panel goes through here.
 */
import {
  BigValueColorMode, BigValueGraphMode, BigValueTextMode, GraphThresholdsStyleMode, LegendDisplayMode, LegendPlacement,
  SortOrder, TooltipDisplayMode, VisibilityMode,
} from '@grafana/grafana-foundation-sdk/common';
import {
  GraphThresholdsStyleConfigBuilder, ReduceDataOptionsBuilder, StackingConfigBuilder, StackingMode, VizLegendOptionsBuilder, VizTooltipOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import { ThresholdsConfigBuilder, ThresholdsMode } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder, QueryEditorMode } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TextPanelBuilder, TextMode } from '@grafana/grafana-foundation-sdk/text';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { PROMETHEUS } from './refs.ts';
import type { Link } from './trace-links.ts';

/** Grid width of one scenario column: four columns fill Grafana's 24-unit grid. */
export const COLUMN_WIDTH = 6;

/** One Prometheus query of a panel. */
export interface PromTarget {
  expr: string;
  legend: string;
  /** Ask Prometheus for exemplars too: only for metrics that carry trace_id exemplars. */
  exemplar?: boolean;
}

/** What every panel factory takes. */
export interface PanelSpec {
  id: number;
  title: string;
  description: string;
  height: number;
  width?: number;
  /** Panel links (the header's link menu). */
  links?: Link[];
}

/** The builder methods every panel kind shares (each returns the builder). */
export interface SpecifiablePanel<Self> {
  id(id: number): Self;
  title(title: string): Self;
  description(description: string): Self;
  height(height: number): Self;
  span(width: number): Self;
  links(links: Link[]): Self;
}

/** Applies a {@link PanelSpec}: id, title, description, size and links. */
export function withSpec<P extends SpecifiablePanel<P>>(panel: P, spec: PanelSpec): P {
  panel.id(spec.id).title(spec.title).description(spec.description).height(spec.height).span(spec.width ?? COLUMN_WIDTH);
  if (spec.links) panel.links(spec.links);
  return panel;
}

/** A range query on the Prometheus datasource, refIds A, B, ... in order. */
export function promQuery(target: PromTarget, index: number): DataqueryBuilder {
  return new DataqueryBuilder()
    .datasource(PROMETHEUS)
    .refId(String.fromCharCode(65 + index))
    .editorMode(QueryEditorMode.Code)
    .expr(target.expr)
    .legendFormat(target.legend)
    .range()
    .exemplar(target.exemplar ?? false);
}

/**
 * A time series panel of Prometheus queries.
 * @param spec.alertLine draws a dashed red line at this value (an alert's threshold); the
 *   y axis reaches it even while the series stay far below.
 * @param spec.stacked stacks the series (parts of one whole: the top is their sum), filled.
 */
export function timeseriesPanel(
  spec: PanelSpec & { unit: string; targets: PromTarget[]; dataLinks?: Link[]; alertLine?: number; stacked?: boolean },
): TimeseriesPanelBuilder {
  const panel = withSpec(new TimeseriesPanelBuilder(), spec)
    .datasource(PROMETHEUS)
    .targets(spec.targets.map(promQuery))
    .unit(spec.unit)
    .min(0)
    .lineWidth(1)
    .fillOpacity(10)
    .showPoints(VisibilityMode.Auto)
    .legend(new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom).calcs([]))
    .tooltip(new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.Descending));
  if (spec.dataLinks) panel.dataLinks(spec.dataLinks);
  if (spec.stacked) panel.stacking(new StackingConfigBuilder().mode(StackingMode.Normal).group('A')).fillOpacity(35);
  if (spec.alertLine !== undefined) {
    panel
      .thresholds(new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([{ value: null, color: 'green' }, { value: spec.alertLine, color: 'red' }]))
      .thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed))
      .axisSoftMax(spec.alertLine);
  }
  return panel;
}

/**
 * A stat panel: one big number per series (last value), named by the legend.
 * @param spec.redAbove values at or above this turn red; default: no thresholds but green.
 */
export function statPanel(spec: PanelSpec & { unit: string; targets: PromTarget[]; redAbove?: number }): StatPanelBuilder {
  const steps = [{ value: null, color: 'green' }, ...(spec.redAbove === undefined ? [] : [{ value: spec.redAbove, color: 'red' }])];
  return withSpec(new StatPanelBuilder(), spec)
    .datasource(PROMETHEUS)
    .targets(spec.targets.map(promQuery))
    .unit(spec.unit)
    .decimals(0)
    .thresholds(new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps))
    .colorMode(spec.redAbove === undefined ? BigValueColorMode.None : BigValueColorMode.Value)
    .graphMode(BigValueGraphMode.Area)
    .textMode(BigValueTextMode.ValueAndName)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
}

/** A Markdown text panel (no queries). */
export function textPanel(spec: PanelSpec & { markdown: string }): TextPanelBuilder {
  return withSpec(new TextPanelBuilder(), spec).mode(TextMode.Markdown).content(spec.markdown);
}
