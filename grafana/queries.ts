/**
 * The PromQL queries of the committed dashboards (grafana/dashboards/*.json), as Grafana
 * will run them: every Prometheus target of every panel (rows' nested panels included) and
 * every Prometheus annotation query. The stack test runs each against a live Prometheus;
 * the dashboard test checks none is empty and each parses. Both run them through
 * {@link runnableExpr}, which fills in the Grafana macros the dashboards may use.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DASHBOARDS_DIR } from './render.ts';

/** One PromQL query of a dashboard. */
export interface DashboardQuery {
  /** The dashboard's file name under grafana/dashboards/. */
  dashboard: string;
  /** The panel's title, or `annotation "<name>"` for an annotation query. */
  panel: string;
  /** The target's refId. */
  refId: string;
  expr: string;
  /** An instant query (one value per series, e.g. a table over the dashboard's range), not a range query. */
  instant: boolean;
}

/**
 * The Grafana macros a dashboard query may use, and the value each takes where a query runs
 * outside Grafana. Only `$__range` (the dashboard's time range, for instant table queries over
 * it); 5m is what the stack test's few minutes of data and every other window use.
 */
export const GRAFANA_MACROS: Readonly<Record<string, string>> = { $__range: '5m' };

/** `expr` with every macro of {@link GRAFANA_MACROS} replaced by its value, as Prometheus can run it. */
export function runnableExpr(expr: string): string {
  return Object.entries(GRAFANA_MACROS).reduce((text, [macro, value]) => text.replaceAll(macro, value), expr);
}

interface DatasourceRef { type?: string; uid?: string }
interface Target { datasource?: DatasourceRef; expr?: string; refId?: string; instant?: boolean }
interface PanelJson { title?: string; datasource?: DatasourceRef; targets?: Target[]; panels?: PanelJson[] }
interface AnnotationJson { name?: string; datasource?: DatasourceRef; expr?: string; target?: Target }
interface DashboardJson { panels?: PanelJson[]; annotations?: { list?: AnnotationJson[] } }

const isPrometheus = (ref: DatasourceRef | undefined): boolean => ref?.type === 'prometheus';

function* panelsOf(panels: PanelJson[] | undefined): Generator<PanelJson> {
  for (const panel of panels ?? []) {
    yield panel;
    yield* panelsOf(panel.panels);
  }
}

/**
 * The Prometheus queries of one dashboard model (parsed JSON).
 * @param dashboard the name to report them under
 */
export function queriesOf(model: unknown, dashboard: string): DashboardQuery[] {
  const json = model as DashboardJson;
  const queries: DashboardQuery[] = [];
  for (const panel of panelsOf(json.panels)) {
    for (const target of panel.targets ?? []) {
      if (!isPrometheus(target.datasource ?? panel.datasource)) continue;
      queries.push({ dashboard, panel: panel.title ?? '', refId: target.refId ?? '', expr: target.expr ?? '', instant: target.instant === true });
    }
  }
  for (const annotation of json.annotations?.list ?? []) {
    if (!isPrometheus(annotation.datasource)) continue;
    queries.push({
      dashboard,
      panel: `annotation "${annotation.name ?? ''}"`,
      refId: annotation.target?.refId ?? '',
      expr: annotation.target?.expr ?? annotation.expr ?? '',
      instant: false,
    });
  }
  return queries;
}

/**
 * Every PromQL query of every committed dashboard, in file-name then panel order.
 * @param dir the directory of dashboard JSON files (default grafana/dashboards/)
 * @throws Error naming the file when one is not valid JSON
 */
export function dashboardQueries(dir: string = DASHBOARDS_DIR): DashboardQuery[] {
  const files = readdirSync(dir).filter((file) => file.endsWith('.json')).sort();
  return files.flatMap((file) => {
    let model: unknown;
    try {
      model = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch (error) {
      throw new Error(`grafana/dashboards/${file} is not valid JSON: ${String(error)}`, { cause: error });
    }
    return queriesOf(model, file);
  });
}
