/**
 * Table panels of instant Prometheus queries, in the dashboards' house style (panels.ts), and
 * the two ways they are pivoted:
 * - {@link mergedColumns}: several queries with the same labels, merged into one row per label
 *   set, each query's value in a column of its own (e.g. client | server);
 * - {@link matrix}: one query, one label's values turned into columns (e.g. ok | mismatch).
 * Prometheus returns a table query as columns Time, <labels...>, Value (Value #A, #B, ... when
 * a panel has several queries), which is what these transformations start from.
 */
import type { DataTransformerConfig, DynamicConfigValue } from '@grafana/grafana-foundation-sdk/dashboard';
import { ThresholdsConfigBuilder, ThresholdsMode } from '@grafana/grafana-foundation-sdk/dashboard';
import { TableSortByFieldStateBuilder } from '@grafana/grafana-foundation-sdk/common';
import { DataqueryBuilder, PromQueryFormat, QueryEditorMode } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as TablePanelBuilder } from '@grafana/grafana-foundation-sdk/table';
import type { PanelSpec } from './panels.ts';
import { withSpec } from './panels.ts';
import { PROMETHEUS } from './refs.ts';
import type { Link } from './trace-links.ts';

/** The refId of the `index`-th query of a panel: A, B, ... */
const refId = (index: number): string => String.fromCharCode(65 + index);

/** An instant query returning a table (one row per series, labels as columns). */
export function instantTableQuery(expr: string, index: number): DataqueryBuilder {
  return new DataqueryBuilder()
    .datasource(PROMETHEUS)
    .refId(refId(index))
    .editorMode(QueryEditorMode.Code)
    .expr(expr)
    .format(PromQueryFormat.Table)
    .instant();
}

/**
 * Merges the tables of queries A, B, ... into one, joined on the label columns `keys`, and
 * names each query's Value column: `columns[i]` for query i. Drops Time; orders keys first.
 */
export function mergedColumns(keys: readonly string[], columns: readonly string[]): DataTransformerConfig[] {
  const values = columns.map((_column, i) => `Value #${refId(i)}`);
  return [
    { id: 'merge', options: {} },
    {
      id: 'organize',
      options: {
        excludeByName: { Time: true },
        indexByName: Object.fromEntries([...keys, ...values].map((name, i) => [name, i])),
        renameByName: Object.fromEntries(values.map((value, i) => [value, columns[i]])),
      },
    },
  ];
}

/**
 * One row per value of label `row`, one column per value of label `column`, cells the query's
 * Value (Grafana's "Grouping to matrix"); the first column is titled `<row>\<column>`.
 */
export function matrix(row: string, column: string): DataTransformerConfig[] {
  return [{ id: 'groupingToMatrix', options: { rowField: row, columnField: column, valueField: 'Value' } }];
}

/**
 * A table panel of instant queries.
 * @param spec.exprs the queries, refIds A, B, ... in order
 * @param spec.transformations how the query results become one table ({@link mergedColumns}, {@link matrix})
 * @param spec.sortBy the column sorted on (ascending) when the dashboard opens
 * @param spec.columnLinks data links per column: clicking a cell of that column offers them;
 *   their URLs may use the row's other cells ({@link rowField} in trace-links.ts)
 */
export function tablePanel(spec: PanelSpec & {
  exprs: string[];
  transformations: DataTransformerConfig[];
  unit: string;
  decimals?: number;
  sortBy?: string;
  columnLinks?: Record<string, Link[]>;
}): TablePanelBuilder {
  const panel = withSpec(new TablePanelBuilder(), spec)
    .datasource(PROMETHEUS)
    .targets(spec.exprs.map(instantTableQuery))
    .transformations(spec.transformations)
    .unit(spec.unit)
    .thresholds(new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([{ value: null, color: 'text' }]))
    .showHeader(true)
    .filterable(true);
  if (spec.decimals !== undefined) panel.decimals(spec.decimals);
  if (spec.sortBy) panel.sortBy([new TableSortByFieldStateBuilder().displayName(spec.sortBy)]);
  for (const [column, links] of Object.entries(spec.columnLinks ?? {})) {
    const properties: DynamicConfigValue[] = [{ id: 'links', value: links.map((l) => l.build()) }];
    panel.overrideByName(column, properties);
  }
  return panel;
}
