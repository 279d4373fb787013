/**
 * The dashboards are code (grafana/dashboards-src/); the committed JSON in grafana/dashboards/
 * must be exactly what that code generates. Also checks the shape of each dashboard (stream
 * lifecycle, failure modes), that every query uses only metrics of the contract
 * (src/telemetry/semconv.ts), that the provisioning agrees with the dashboards and
 * docker-compose.yml, and (when promtool is on PATH) that every PromQL expression parses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DASHBOARDS_DIR, renderDashboards, renderJson } from '../../grafana/render.ts';
import { GRAFANA_MACROS, dashboardQueries, queriesOf, runnableExpr } from '../../grafana/queries.ts';
import { CORE_COLUMNS, DELIVERY_SCENARIO } from '../../grafana/dashboards-src/refs.ts';
import { NOT_ADMIN_SERVICE } from '../../grafana/dashboards-src/promql.ts';
import { STREAM_LIFECYCLE_TITLE, STREAM_LIFECYCLE_UID } from '../../grafana/dashboards-src/stream-lifecycle.ts';
import { DELIVERY_PANEL_WIDTH, DELIVERY_ROW_TITLE, REDELIVERY_RATIO_ALERT } from '../../grafana/dashboards-src/delivery-row.ts';
import { FAILURE_MODES_ROWS, FAILURE_MODES_TITLE, FAILURE_MODES_UID } from '../../grafana/dashboards-src/failure-modes.ts';
import { DETECTION_QUANTILES, SIDES } from '../../grafana/dashboards-src/failure-modes-panels.ts';
import { catalogueMarkdown } from '../../grafana/dashboards-src/catalogue-panel.ts';
import { DASHBOARD_TAG } from '../../grafana/dashboards-src/dashboard-links.ts';
import { FLEET_RECONNECT_STORM_ALERT, FLEET_ROWS, FLEET_TITLE, FLEET_UID } from '../../grafana/dashboards-src/fleet.ts';
import { RECONNECT_WINDOW, RESUME_EVENTS_WINDOW } from '../../grafana/dashboards-src/fleet-promql.ts';
import { createMetrics, createRegistry } from '../../src/telemetry/metrics.ts';
import { TICKER_SERVICE } from '../../src/core/proto.ts';
import { CATALOGUE } from '../../src/scenarios/catalogue.ts';
import * as sc from '../../src/telemetry/semconv.ts';

const HINT = 'the dashboards are generated: edit grafana/dashboards-src/ and run `npm run grafana:generate`';
const root = new URL('../../', import.meta.url);
const readRepoFile = (path: string): string => readFileSync(new URL(path, root), 'utf8');

interface Link { title: string; url: string }
interface Panel {
  id?: number; type: string; title: string; gridPos: { x: number; y: number; w: number; h: number };
  targets?: Array<{ expr?: string; exemplar?: boolean; instant?: boolean; format?: string; refId?: string }>; panels?: Panel[];
  links?: Link[]; options?: { content?: string };
  transformations?: Array<{ id: string; options: { renameByName?: Record<string, string>; rowField?: string; columnField?: string } }>;
  fieldConfig?: {
    defaults?: { thresholds?: { steps: Array<{ value: number | null }> }; links?: Link[]; custom?: { stacking?: { mode: string } } };
    overrides?: Array<{ matcher: { id: string; options: string }; properties: Array<{ id: string; value: Link[] }> }>;
  };
}
interface Dashboard {
  uid: string; title: string; tags: string[]; links: Array<{ type: string; tags: string[] }>; panels: Panel[];
  annotations: { list: Array<{ name: string; filter?: { ids: number[] } }> };
}

const allPanels = (panels: Panel[]): Panel[] => panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
const committed = (file: string): string => readFileSync(join(DASHBOARDS_DIR, file), 'utf8');
const main = (): Dashboard => JSON.parse(committed('stream-lifecycle.json')) as Dashboard;
const failureModes = (): Dashboard => JSON.parse(committed('failure-modes.json')) as Dashboard;
const fleet = (): Dashboard => JSON.parse(committed('fleet.json')) as Dashboard;
const dashboardFiles = (): string[] => readdirSync(DASHBOARDS_DIR).filter((f) => f.endsWith('.json')).sort();
/** The links a table panel's column offers (its field override), by column name. */
const columnLinks = (panel: Panel, column: string): Link[] =>
  panel.fieldConfig?.overrides?.find((o) => o.matcher.id === 'byName' && o.matcher.options === column)?.properties.find((p) => p.id === 'links')?.value ?? [];
/** A link to traces: the Jaeger UI or Explore on the Jaeger datasource. */
const isTraceLink = (l: Link): boolean => l.url.startsWith('http://localhost:16686/') || l.url.includes('%22datasource%22%3A%22jaeger%22');

/** First differing line of two texts, for a readable failure. */
function firstDifference(actual: string, expected: string): string {
  const a = actual.split('\n');
  const e = expected.split('\n');
  const line = a.findIndex((text, i) => text !== e[i]);
  const at = line === -1 ? Math.min(a.length, e.length) : line;
  return `line ${at + 1}: committed ${JSON.stringify(a[at])}, generated ${JSON.stringify(e[at])}`;
}

test('the committed dashboard JSON is what grafana/dashboards-src generates', () => {
  const rendered = renderDashboards();
  assert.ok(rendered.length > 0);
  for (const { file, text } of rendered) {
    let current: string;
    try {
      current = committed(file);
    } catch {
      assert.fail(`grafana/dashboards/${file} is missing; ${HINT}`);
    }
    if (current !== text) assert.fail(`grafana/dashboards/${file} differs from its source (${firstDifference(current, text)}); ${HINT}`);
  }
  const stale = readdirSync(DASHBOARDS_DIR).filter((f) => f.endsWith('.json') && !rendered.some((r) => r.file === f));
  assert.deepEqual(stale, [], `JSON without a source in grafana/dashboards-src/index.ts; ${HINT}`);
});

test('the rendering is canonical: sorted keys, 2-space indent, trailing newline', () => {
  assert.equal(renderJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: undefined, fn: () => 1 } }),
    '{\n  "a": {\n    "d": [\n      2,\n      {\n        "e": 0,\n        "f": 1\n      }\n    ]\n  },\n  "b": 1\n}\n');
  const [first] = renderDashboards();
  assert.ok(first);
  assert.equal(renderDashboards()[0]?.text, first.text, 'two generations are identical');
});

test('panel ids are unique within each dashboard', () => {
  for (const file of readdirSync(DASHBOARDS_DIR).filter((f) => f.endsWith('.json'))) {
    const ids = allPanels((JSON.parse(committed(file)) as Dashboard).panels).map((p) => p.id);
    assert.ok(ids.every((id) => typeof id === 'number'), `${file}: every panel has an id`);
    assert.equal(new Set(ids).size, ids.length, `${file}: duplicate panel ids ${ids.join(',')}`);
  }
});

test('every dashboard has its own uid and title, the streamlab tag and the link to the others', () => {
  const dashboards = dashboardFiles().map((file) => JSON.parse(committed(file)) as Dashboard);
  assert.deepEqual(dashboards.map((d) => d.uid).sort(), [FAILURE_MODES_UID, FLEET_UID, STREAM_LIFECYCLE_UID].sort());
  assert.deepEqual(dashboards.map((d) => d.title).sort(), [FAILURE_MODES_TITLE, FLEET_TITLE, STREAM_LIFECYCLE_TITLE].sort());
  for (const d of dashboards) {
    assert.ok(d.tags.includes(DASHBOARD_TAG), `${d.uid}: tagged ${DASHBOARD_TAG}`);
    assert.ok(d.links.some((l) => l.type === 'dashboards' && l.tags.includes(DASHBOARD_TAG)), `${d.uid}: links the other streamlab dashboards`);
  }
});

test('the main dashboard has the four scenario columns in order, each showing only its scenario', () => {
  const dashboard = main();
  assert.equal(dashboard.uid, STREAM_LIFECYCLE_UID);
  assert.equal(dashboard.title, STREAM_LIFECYCLE_TITLE);
  assert.deepEqual([...CORE_COLUMNS], ['completion', 'cancel', 'disconnect', 'blackhole']);
  const rows = dashboard.panels.filter((p) => p.type === 'row');
  const deliveryRow = rows.findIndex((p) => p.title === DELIVERY_ROW_TITLE);
  assert.equal(deliveryRow, rows.length - 1, 'the delivery row comes last, after the scenario columns');
  const columnRows = rows.slice(1, deliveryRow);
  const cells = dashboard.panels.slice(dashboard.panels.indexOf(columnRows[0] as Panel), dashboard.panels.indexOf(rows[deliveryRow] as Panel))
    .filter((p) => p.type !== 'row');
  assert.equal(cells.length, CORE_COLUMNS.length * columnRows.length, 'one panel per scenario per row');
  for (const [i, panel] of cells.entries()) {
    const column = i % CORE_COLUMNS.length;
    const scenario = CORE_COLUMNS[column] as string;
    assert.equal(panel.gridPos.w, 6, `${panel.title}: width`);
    assert.equal(panel.gridPos.x, 6 * column, `${panel.title}: column of ${scenario}`);
    assert.ok(panel.title.startsWith(scenario), `${panel.title}: titled by ${scenario}`);
    for (const target of panel.targets ?? []) {
      const named = [...(target.expr ?? '').matchAll(/scenario="([^"]*)"/g)].map((m) => m[1]);
      assert.ok(named.length > 0 && named.every((s) => s === scenario), `${panel.title}: ${target.expr}`);
    }
  }
  const rowYs = cells.map((p) => p.gridPos.y);
  for (let i = 0; i < rowYs.length; i += CORE_COLUMNS.length) {
    assert.equal(new Set(rowYs.slice(i, i + CORE_COLUMNS.length)).size, 1, 'a row of columns shares its y');
  }
  for (const [column, scenario] of CORE_COLUMNS.entries()) {
    const annotation = dashboard.annotations.list.find((a) => a.name === `${scenario} runs`);
    const ids = cells.filter((_p, i) => i % CORE_COLUMNS.length === column).map((p) => p.id);
    assert.deepEqual(annotation?.filter?.ids, ids, `${scenario} runs are marked on its column`);
  }
});

test('the delivery row: delivery metrics by scenario, exemplars where they exist, the alert line, ack-retry run marks', () => {
  const dashboard = main();
  const start = dashboard.panels.findIndex((p) => p.type === 'row' && p.title === DELIVERY_ROW_TITLE);
  assert.notEqual(start, -1, `a row titled ${DELIVERY_ROW_TITLE}`);
  const panels = dashboard.panels.slice(start + 1);
  assert.ok(panels.length >= 5 && panels.every((p) => p.type !== 'row'), 'the delivery panels follow their row, nothing after them');
  const delivery = new Set(Object.entries(sc).filter(([name]) => name.startsWith('METRIC_DELIVERY_')).map(([, value]) => value as string));
  for (const panel of panels) {
    assert.equal(panel.gridPos.w, DELIVERY_PANEL_WIDTH, `${panel.title}: width`);
    assert.equal(panel.gridPos.x % DELIVERY_PANEL_WIDTH, 0, `${panel.title}: on the three-per-line grid`);
    assert.ok(panel.title.startsWith('Delivery · '), `${panel.title}: titled Delivery`);
    for (const target of panel.targets ?? []) {
      const expr = target.expr ?? '';
      const metrics = [...expr.matchAll(/\bstreamlab_[a-z_]+\b/g)].map(([m]) => m.replace(/_(bucket|count|sum)$/, ''));
      assert.ok(metrics.length > 0 && metrics.every((m) => delivery.has(m)), `${panel.title}: only delivery metrics: ${expr}`);
      assert.doesNotMatch(expr, /scenario="/, `${panel.title}: every scenario, none named: ${expr}`);
      assert.match(expr, /sum by \(scenario\b/, `${panel.title}: one series per scenario: ${expr}`);
      // Exemplars where the plotted metric carries them (trace_id), never on a ratio: an
      // exemplar's value is the counter's, off the ratio's scale.
      const exemplars = !expr.includes(' / ') && ['redeliveries_total', 'exhausted_total', 'ack_latency_seconds'].some((m) => metrics[0] === `streamlab_delivery_${m}`);
      assert.equal(target.exemplar ?? false, exemplars, `${panel.title}: exemplars exactly on the metrics that carry them: ${expr}`);
    }
  }
  const covered = (metric: string) => panels.some((p) => (p.targets ?? []).some((t) => (t.expr ?? '').includes(metric)));
  for (const metric of delivery) assert.ok(covered(metric), `${metric} has a panel`);
  const ratio = panels.find((p) => (p.targets ?? []).some((t) => (t.expr ?? '').includes(' / ')));
  assert.deepEqual(ratio?.fieldConfig?.defaults?.thresholds?.steps.map((s) => s.value), [null, REDELIVERY_RATIO_ALERT], 'the ratio panel draws the alert threshold');
  const rules = readRepoFile('prometheus/rules/streamlab.rules.yml');
  assert.match(rules, new RegExp(`scenario:streamlab_delivery_redeliveries_per_sent:ratio_rate5m(\\{[^}]*\\})? > ${REDELIVERY_RATIO_ALERT}\\b`), 'the line is the alert\'s threshold');
  const marks = dashboard.annotations.list.find((a) => a.name === `${DELIVERY_SCENARIO} runs`);
  assert.deepEqual(marks?.filter?.ids, panels.map((p) => p.id), `${DELIVERY_SCENARIO} runs are marked on the delivery row`);
});

test('the failure-modes dashboard: end causes client | server and detection p50 | p99 per scenario, the catalogue, runs, series', () => {
  const dashboard = failureModes();
  assert.equal(dashboard.uid, FAILURE_MODES_UID);
  assert.equal(dashboard.title, FAILURE_MODES_TITLE);
  assert.deepEqual(dashboard.panels.filter((p) => p.type === 'row').map((p) => p.title), [...FAILURE_MODES_ROWS]);
  const panels = dashboard.panels.filter((p) => p.type !== 'row');
  const byTitle = (prefix: string): Panel => {
    const panel = panels.find((p) => p.title.startsWith(prefix));
    assert.ok(panel, `a panel titled ${prefix}...`);
    return panel;
  };

  // End causes: one instant table query per side, merged on (scenario, end_cause), the two
  // value columns named client and server, each cell linking to that side's spans.
  const ends = byTitle('End causes per scenario');
  assert.equal(ends.type, 'table');
  assert.deepEqual((ends.targets ?? []).map((t) => [t.instant, t.format]), SIDES.map(() => [true, 'table']));
  for (const [i, side] of SIDES.entries()) {
    assert.equal(ends.targets?.[i]?.expr, `sum by (scenario, end_cause) (increase(${sc.METRIC_STREAM_ENDS}{side="${side}",${NOT_ADMIN_SERVICE}}[$__range]))`);
  }
  assert.deepEqual(ends.transformations?.map((t) => t.id), ['merge', 'organize']);
  assert.deepEqual(ends.transformations?.[1]?.options.renameByName, { 'Value #A': 'client', 'Value #B': 'server' });
  for (const column of ['scenario', 'end_cause', ...SIDES]) {
    const links = columnLinks(ends, column);
    assert.ok(links.length > 0 && links.every(isTraceLink), `end causes: the ${column} column links to traces`);
    assert.ok(links.every((l) => l.url.includes('${__data.fields.scenario}')), `end causes: the ${column} links name the row's scenario`);
  }
  assert.match(columnLinks(ends, 'client')[0]?.url ?? '', /streamlab-driver/, 'the client column opens the driver\'s spans');
  assert.match(columnLinks(ends, 'server')[0]?.url ?? '', /streamlab-server/, 'the server column opens the server\'s spans');

  // Detection latency: p50 and p99 from the histogram's buckets, by scenario and side.
  const detection = byTitle('Detection latency per scenario and side');
  assert.equal(detection.type, 'table');
  assert.deepEqual((detection.targets ?? []).map((t) => t.expr?.match(/^histogram_quantile\(([\d.]+), sum by \(scenario, side, le\) \(increase\(streamlab_detection_seconds_bucket\{grpc_service!~"grpc\[\.\]\.\+"\}\[\$__range\]\)\)\)/)?.[1]),
    DETECTION_QUANTILES.map(String));
  assert.deepEqual(detection.transformations?.[1]?.options.renameByName, { 'Value #A': 'p50', 'Value #B': 'p99' });
  assert.ok(columnLinks(detection, 'scenario').every(isTraceLink) && columnLinks(detection, 'scenario').length > 0, 'detection: scenarios link to traces');

  // The catalogue, generated from CATALOGUE: every scenario's name, rpc and summary, with its traces.
  const catalogue = byTitle('Scenario catalogue');
  assert.equal(catalogue.type, 'text');
  const content = catalogue.options?.content ?? '';
  assert.equal(content, catalogueMarkdown(CATALOGUE), 'the panel is the catalogue as it is now');
  for (const s of CATALOGUE) {
    const line = content.split('\n').find((l) => l.startsWith(`| \`${s.name}\` |`));
    assert.ok(line, `${s.name} is listed`);
    assert.ok(line.includes(`| ${s.rpc} |`) && line.includes(s.summary.replaceAll('|', '\\|')), `${s.name}: rpc and summary`);
    assert.ok(line.includes(encodeURIComponent(JSON.stringify({ [sc.ATTR_SCENARIO]: s.name }))), `${s.name}: a link to its traces`);
  }
  const runs = byTitle('Runs per scenario');
  assert.deepEqual(runs.transformations?.[0]?.options, { rowField: 'scenario', columnField: 'verdict', valueField: 'Value' });

  // Every panel links to traces: its header menu, and its cells or series.
  for (const panel of panels) {
    assert.ok((panel.links ?? []).some(isTraceLink), `${panel.title}: a panel link to traces`);
    if (panel.type === 'timeseries') {
      assert.ok((panel.fieldConfig?.defaults?.links ?? []).every(isTraceLink) && (panel.fieldConfig?.defaults?.links ?? []).length > 0, `${panel.title}: series link to traces`);
      assert.ok((panel.targets ?? []).every((t) => t.exemplar === true && t.instant === false), `${panel.title}: range queries with exemplars`);
    }
  }
});

test('the fleet dashboard: every fleet metric, no job names, exemplars where they exist, the storm line, stacked spreads', () => {
  const dashboard = fleet();
  assert.equal(dashboard.uid, FLEET_UID);
  assert.equal(dashboard.title, FLEET_TITLE);
  assert.deepEqual(dashboard.panels.filter((p) => p.type === 'row').map((p) => p.title), [...FLEET_ROWS]);
  const panels = dashboard.panels.filter((p) => p.type !== 'row');
  assert.equal(panels.length, 7);
  const fleetMetrics = new Set(Object.entries(sc).filter(([name]) => name.startsWith('METRIC_FLEET_')).map(([, value]) => value as string));
  // Which metrics carry trace_id exemplars, from their definitions.
  const withExemplars = new Set((createMetrics(createRegistry()).registry.getMetricsAsArray() as unknown as Array<{ name: string; enableExemplars?: boolean }>)
    .filter((m) => m.enableExemplars === true).map((m) => m.name));
  const byMetric = (metric: string): Panel | undefined => panels.find((p) => (p.targets ?? []).some((t) => (t.expr ?? '').includes(metric)));
  for (const panel of panels) {
    assert.equal(panel.type, 'timeseries', panel.title);
    assert.ok((panel.links ?? []).some(isTraceLink), `${panel.title}: a panel link to traces`);
    assert.ok(panel.gridPos.x + panel.gridPos.w <= 24, `${panel.title}: fits the grid`);
    for (const target of panel.targets ?? []) {
      const expr = target.expr ?? '';
      assert.doesNotMatch(expr, /\bjob\b/, `${panel.title}: no job name, the fleet's targets are named later: ${expr}`);
      const metrics = [...expr.matchAll(/\bstreamlab_[a-z_]+\b/g)].map(([m]) => m.replace(/_(bucket|count|sum)$/, ''));
      assert.equal(metrics.length, 1, `${panel.title}: one metric a query: ${expr}`);
      const [metric] = metrics as [string];
      if (!fleetMetrics.has(metric)) {
        assert.ok([sc.METRIC_STREAMS_ACTIVE, sc.METRIC_STREAM_ENDS].includes(metric), `${panel.title}: ${metric}`);
        assert.ok(expr.includes(`scenario="${sc.SCENARIO_FLEET}",grpc_service="${TICKER_SERVICE}"`), `${panel.title}: the fleet's Ticker streams only: ${expr}`);
      }
      assert.equal(target.exemplar ?? false, withExemplars.has(metric), `${panel.title}: exemplars exactly on the metrics that carry them: ${expr}`);
    }
  }
  for (const metric of fleetMetrics) assert.ok(byMetric(metric), `${metric} has a panel`);
  assert.ok((byMetric(sc.METRIC_STREAMS_ACTIVE)?.targets ?? []).every((t) => (t.expr ?? '').includes('side="server"')), 'the servers\' open streams');

  const storm = byMetric(sc.METRIC_FLEET_RECONNECTS);
  assert.deepEqual(storm?.fieldConfig?.defaults?.thresholds?.steps.map((s) => s.value), [null, FLEET_RECONNECT_STORM_ALERT], 'the reconnect panel draws the storm threshold');
  assert.ok(storm?.targets?.every((t) => (t.expr ?? '').includes(`[${RECONNECT_WINDOW}]`)), 'over the alert\'s window');
  const rules = readRepoFile('prometheus/rules/streamlab.rules.yml');
  assert.match(rules, new RegExp(`rate\\(${sc.METRIC_FLEET_RECONNECTS}\\[${RECONNECT_WINDOW}\\]\\)\\) > ${FLEET_RECONNECT_STORM_ALERT}\\b`), 'the line is FleetReconnectStorm\'s threshold and window');
  assert.match(rules, new RegExp(`increase\\(${sc.METRIC_FLEET_RESUME_GAP_EVENTS}\\[${RESUME_EVENTS_WINDOW}\\]\\) > 0`), 'the gap panel\'s window is FleetResumeGaps\'');
  for (const metric of [sc.METRIC_FLEET_SUBSCRIBERS, sc.METRIC_STREAMS_ACTIVE, sc.METRIC_FLEET_RECONNECTS]) {
    assert.equal(byMetric(metric)?.fieldConfig?.defaults?.custom?.stacking?.mode, 'normal', `${metric}: stacked, the top is the total`);
  }
  for (const metric of [sc.METRIC_FLEET_RECONNECTS, sc.METRIC_STREAM_ENDS]) {
    const links = byMetric(metric)?.fieldConfig?.defaults?.links ?? [];
    assert.ok(links.length > 0 && links.every(isTraceLink) && links.every((l) => l.url.includes('${__field.labels.end_cause}')), `${metric}: a series opens the spans that ended with its cause`);
  }
});

test('the stream dashboards leave gRPC admin services (health, reflection, channelz) out of every stream and grpc_* query', () => {
  // Prometheus anchors label regexes; RE2 and JavaScript agree on this one.
  const adminPattern = /grpc_service!~"([^"]+)"/.exec(NOT_ADMIN_SERVICE)?.[1] ?? '';
  const admin = new RegExp(`^(?:${adminPattern})$`);
  for (const service of ['grpc.health.v1.Health', 'grpc.reflection.v1.ServerReflection', 'grpc.reflection.v1alpha.ServerReflection', 'grpc.channelz.v1.Channelz']) {
    assert.ok(admin.test(service), `${service} is left out`);
  }
  for (const service of ['streamlab.v1.Ticker', 'streamlab.v1.Delivery', 'grpcx.v1.Mock', 'grpc']) assert.ok(!admin.test(service), `${service} is kept`);
  // The metrics labelled grpc_service: go-grpc-prometheus's and the per-stream ones.
  const labelled = [sc.METRIC_STREAMS_ACTIVE, sc.METRIC_STREAM_ENDS, sc.METRIC_STREAM_MESSAGES, sc.METRIC_DETECTION_SECONDS, sc.METRIC_BACKPRESSURE_WAIT_SECONDS,
    ...Object.entries(sc).filter(([name]) => name.startsWith('METRIC_GRPC_')).map(([, value]) => value as string)];
  const selector = new RegExp(`\\b(${labelled.join('|')})(?:_bucket|_count|_sum)?\\b(\\{[^}]*\\})?`, 'g');
  const queries = dashboardQueries().filter((q) => ['stream-lifecycle.json', 'failure-modes.json'].includes(q.dashboard));
  let checked = 0;
  for (const { dashboard, panel, expr } of queries) {
    for (const [text, , matchers] of expr.matchAll(selector)) {
      assert.ok((matchers ?? '').includes(NOT_ADMIN_SERVICE), `${dashboard} / ${panel}: ${text} keeps the admin services: ${expr}`);
      checked++;
    }
  }
  assert.ok(checked > 20, `${checked} selectors checked`);
});

test('every Prometheus query is non-empty, has no Grafana variables and uses only contract metrics', () => {
  const queries = dashboardQueries();
  assert.ok(queries.length > 10, `${queries.length} queries`);
  const contract = (prefix: string) => new Set(Object.entries(sc).filter(([name]) => name.startsWith(prefix)).map(([, value]) => value as string));
  const known = contract('METRIC_');
  const labels = contract('LABEL_');
  // Label names (grpc_code, ...) match the pattern below too; they must be contract labels.
  const exists = (name: string): boolean => labels.has(name) || known.has(name) ||
    ['_bucket', '_count', '_sum'].some((s) => name.endsWith(s) && known.has(name.slice(0, -s.length)));
  for (const { dashboard, panel, refId, expr, instant } of queries) {
    const where = `${dashboard} / ${panel} / ${refId}`;
    assert.notEqual(expr.trim(), '', `${where}: empty expr`);
    // Variables would need values the stack test cannot guess; the few macros it fills in
    // (runnableExpr) are for instant queries over the dashboard's range only.
    assert.ok(!runnableExpr(expr).includes('$'), `${where}: Grafana variables cannot run in the stack test: ${expr}`);
    if (Object.keys(GRAFANA_MACROS).some((macro) => expr.includes(macro))) assert.ok(instant, `${where}: a range macro in a range query: ${expr}`);
    for (const [metric] of expr.matchAll(/\b(?:streamlab|grpc)_[a-z_]+\b/g)) {
      assert.ok(exists(metric), `${where}: ${metric} is not in src/telemetry/semconv.ts`);
    }
  }
  assert.deepEqual(queriesOf({ panels: [{ title: 'p', datasource: { type: 'prometheus' }, targets: [{ refId: 'A' }] }] }, 'x'),
    [{ dashboard: 'x', panel: 'p', refId: 'A', expr: '', instant: false }], 'a target without expr is reported, not skipped');
  assert.equal(runnableExpr('increase(m[$__range]) / increase(m[$__range])'), 'increase(m[5m]) / increase(m[5m])');
});

test('provisioning matches the dashboards and docker-compose.yml', () => {
  const datasources = readRepoFile('grafana/provisioning/datasources/datasources.yaml');
  const providers = readRepoFile('grafana/provisioning/dashboards/dashboards.yaml');
  const compose = readRepoFile('docker-compose.yml');
  const files = dashboardFiles();
  const json = files.map((f) => committed(f)).join('\n');
  const dashboardUids = new Set(files.map((f) => (JSON.parse(committed(f)) as Dashboard).uid));
  for (const uid of new Set([...json.matchAll(/"uid": "([^"]+)"/g)].map((m) => m[1]))) {
    if (dashboardUids.has(uid as string)) continue;
    assert.match(datasources, new RegExp(`^\\s+uid: ${uid}$`, 'm'), `datasource uid ${uid} is provisioned`);
  }
  assert.match(datasources, /exemplarTraceIdDestinations:\s+# [^\n]*\n\s+- name: trace_id\s+datasourceUid: jaeger/);
  // The file provider loads every *.json of the mounted directory, so each generated dashboard
  // is provisioned once it is in grafana/dashboards/ (the up-to-date test keeps it there).
  assert.match(providers, /type: file$/m);
  assert.match(providers, /path: \/var\/lib\/grafana\/dashboards$/m);
  assert.deepEqual(files, renderDashboards().map((d) => d.file).sort(), 'every generated dashboard is in the provisioned directory');
  assert.match(compose, /- \.\/grafana\/dashboards:\/var\/lib\/grafana\/dashboards(:ro)?$/m);
  assert.match(compose, /- \.\/grafana\/provisioning:\/etc\/grafana\/provisioning(:ro)?$/m);
  const home = /GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH: \/var\/lib\/grafana\/dashboards\/(\S+)/.exec(compose)?.[1];
  assert.equal(home, 'stream-lifecycle.json', 'compose opens the main dashboard as home');
});

test('every PromQL expression parses (promtool check rules)', (t) => {
  const probe = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  if (probe.error) {
    t.skip('promtool is not on PATH (Debian: apt-get install prometheus); PromQL syntax not checked');
    return;
  }
  const queries = dashboardQueries();
  const rules = queries.map((q, i) => ({ record: `grafana_dashboard:query_${i}`, expr: runnableExpr(q.expr) }));
  const dir = mkdtempSync(join(tmpdir(), 'streamlab-grafana-'));
  try {
    const file = join(dir, 'dashboard-queries.yml');
    // JSON is YAML: no quoting pitfalls for the expressions.
    writeFileSync(file, JSON.stringify({ groups: [{ name: 'grafana-dashboard-queries', rules }] }, null, 2));
    const check = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
    const failed = check.status !== 0 ? `${check.stdout}${check.stderr}` : '';
    const where = failed ? queries.map((q, i) => `query_${i}: ${q.dashboard} / ${q.panel} / ${q.refId}`).join('\n') : '';
    assert.equal(check.status, 0, `promtool check rules failed:\n${failed}\n${where}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
