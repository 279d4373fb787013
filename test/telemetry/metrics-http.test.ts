/**
 * The /metrics endpoint (src/telemetry/metrics-http.ts) on a real HTTP server on port 0:
 * Prometheus text 0.0.4 without exemplars for curl and friends, OpenMetrics with exemplars
 * when the scraper's Accept prefers it (q-values honoured, Prometheus' own headers), the
 * counter names the same in both, /healthz and 404.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { createMetricsHttpServer, negotiateMetricsFormat, parseAccept } from '../../src/telemetry/metrics-http.ts';
import { createMetrics, createRegistry, traceExemplar } from '../../src/telemetry/metrics.ts';
import * as sc from '../../src/telemetry/semconv.ts';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
/** What Prometheus 2.42 (Debian, the stack test) sends. */
const PROMETHEUS_2_ACCEPT = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
/** What Prometheus 3 sends with its default scrape_protocols (compose). */
const PROMETHEUS_3_ACCEPT = 'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2';
/** Prometheus with `scrape_protocols: [PrometheusText0.0.4, OpenMetricsText1.0.0]`: it prefers text. */
const PROMETHEUS_TEXT_FIRST_ACCEPT = 'text/plain;version=0.0.4;q=0.3,application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.2,*/*;q=0.1';

const labels = { [sc.LABEL_SIDE]: 'server', [sc.LABEL_END_CAUSE]: 'completed', [sc.LABEL_SCENARIO]: 'none', [sc.LABEL_GRPC_SERVICE]: 'streamlab.v1.Ticker' };

/** A registry with one stream end and one detection latency, both with a trace_id exemplar, served on port 0. */
async function serve(t: { after(fn: () => void | Promise<void>): void }): Promise<string> {
  const metrics = createMetrics(createRegistry());
  const exemplar = traceExemplar(TRACE_ID);
  metrics.streamEnds.inc({ labels, value: 1, exemplarLabels: exemplar });
  metrics.detectionSeconds.observe({ labels, value: 0.002, exemplarLabels: exemplar });
  const server = createMetricsHttpServer(metrics.registry).listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function scrape(base: string, accept?: string): Promise<{ status: number; type: string | null; vary: string | null; body: string }> {
  // fetch sends `Accept: */*` when none is given, as curl does.
  const response = await fetch(`${base}/metrics`, accept === undefined ? {} : { headers: { accept } });
  return { status: response.status, type: response.headers.get('content-type'), vary: response.headers.get('vary'), body: await response.text() };
}

const endsLine = (body: string): string | undefined => body.split('\n').find((l) => l.startsWith(`${sc.METRIC_STREAM_ENDS}{`));

function assertText(result: Awaited<ReturnType<typeof scrape>>, why: string): void {
  assert.equal(result.status, 200, why);
  assert.equal(result.type, Registry.PROMETHEUS_CONTENT_TYPE, why);
  assert.equal(result.type, 'text/plain; version=0.0.4; charset=utf-8', why);
  assert.ok(!result.body.includes('# {trace_id='), `${why}: no exemplar in text 0.0.4`);
  assert.ok(!result.body.includes('# EOF'), why);
  assert.match(endsLine(result.body) ?? '', /^streamlab_stream_ends_total\{[^}]*\} 1$/, `${why}: the value ends the sample line`);
  assert.match(result.body, new RegExp(`^# TYPE ${sc.METRIC_STREAM_ENDS} counter$`, 'm'), why);
  assert.match(result.body, /^streamlab_detection_seconds_bucket\{le="0\.0025",[^}]*\} 1$/m, `${why}: histogram buckets without exemplars`);
}

function assertOpenMetrics(result: Awaited<ReturnType<typeof scrape>>, why: string): void {
  assert.equal(result.status, 200, why);
  assert.equal(result.type, Registry.OPENMETRICS_CONTENT_TYPE, why);
  assert.ok(result.body.endsWith('# EOF\n'), `${why}: ends with # EOF`);
  assert.match(endsLine(result.body) ?? '', new RegExp(`^streamlab_stream_ends_total\\{[^}]*\\} 1 # \\{trace_id="${TRACE_ID}"\\} 1 \\d+(\\.\\d+)?$`), `${why}: counter exemplar`);
  assert.match(result.body, new RegExp(`^streamlab_detection_seconds_bucket\\{le="0\\.0025",[^}]*\\} 1 # \\{trace_id="${TRACE_ID}"\\} 0\\.002 `, 'm'), `${why}: bucket exemplar`);
}

test('a plain scrape (curl: Accept */*, or none, or text/plain) gets Prometheus text 0.0.4 without exemplars', async (t) => {
  const base = await serve(t);
  assertText(await scrape(base), 'Accept: */*');
  assertText(await scrape(base, ''), 'no Accept');
  assertText(await scrape(base, 'text/plain'), 'text/plain');
  assertText(await scrape(base, 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'), 'a browser');
  assert.equal((await scrape(base)).vary, 'Accept', 'caches keep the two formats apart');
});

test('an OpenMetrics Accept gets OpenMetrics with exemplars and # EOF', async (t) => {
  const base = await serve(t);
  assertOpenMetrics(await scrape(base, 'application/openmetrics-text'), 'bare');
  assertOpenMetrics(await scrape(base, 'application/openmetrics-text; version=1.0.0; charset=utf-8'), 'with parameters');
  assertOpenMetrics(await scrape(base, 'text/plain;q=0.5, application/openmetrics-text'), 'preferred by q');
});

test("Prometheus' real Accept headers get what they prefer", async (t) => {
  const base = await serve(t);
  assertOpenMetrics(await scrape(base, PROMETHEUS_2_ACCEPT), 'Prometheus 2.42');
  assertOpenMetrics(await scrape(base, PROMETHEUS_3_ACCEPT), 'Prometheus 3');
  assertOpenMetrics(await scrape(base, 'application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2'), 'Prometheus with exemplar storage');
  assertText(await scrape(base, PROMETHEUS_TEXT_FIRST_ACCEPT), 'Prometheus preferring text');
});

test('counter names keep _total in text after an OpenMetrics scrape, and concurrent scrapes of both formats stay apart', async (t) => {
  // prom-client's OpenMetrics rendering renames counter objects in place (x_total -> x).
  const base = await serve(t);
  assertOpenMetrics(await scrape(base, 'application/openmetrics-text'), 'first OpenMetrics');
  assertText(await scrape(base), 'text after OpenMetrics');
  const results = await Promise.all(Array.from({ length: 10 }, (_v, i) => scrape(base, i % 2 === 0 ? PROMETHEUS_3_ACCEPT : '*/*')));
  for (const [i, result] of results.entries()) {
    if (i % 2 === 0) assertOpenMetrics(result, `concurrent OpenMetrics ${i}`);
    else assertText(result, `concurrent text ${i}`);
  }
});

test('the text a plain scrape gets parses as Prometheus text 0.0.4 (promtool check metrics)', async (t) => {
  if (spawnSync('promtool', ['--version']).error) {
    t.skip('promtool is not on PATH (Debian: apt-get install prometheus)');
    return;
  }
  const base = await serve(t);
  const check = spawnSync('promtool', ['check', 'metrics'], { input: (await scrape(base)).body, encoding: 'utf8' });
  assert.equal(check.status, 0, `${check.stdout}${check.stderr}`);
  // The parser this protects: it rejects exemplars, which is why text never carries them.
  const openMetrics = spawnSync('promtool', ['check', 'metrics'], { input: (await scrape(base, 'application/openmetrics-text')).body, encoding: 'utf8' });
  assert.notEqual(openMetrics.status, 0, 'a text parser cannot read exemplars');
});

test('/healthz answers ok; other paths and methods 404', async (t) => {
  const base = await serve(t);
  const health = await fetch(`${base}/healthz`);
  assert.equal(health.status, 200);
  assert.equal(await health.text(), 'ok\n');
  for (const [path, method] of [['/', 'GET'], ['/metricsx', 'GET'], ['/metrics', 'POST']] as const) {
    const response = await fetch(`${base}${path}`, { method });
    assert.equal(response.status, 404, `${method} ${path}`);
    await response.text();
  }
  assert.equal((await fetch(`${base}/metrics?debug=1`)).status, 200, 'a query string is not part of the path');
});

test('Accept negotiation: q-values, specificity, versions, malformed ranges', () => {
  const cases: Array<[string | undefined, 'openmetrics' | 'text', string]> = [
    [undefined, 'text', 'no header'],
    ['*/*', 'text', 'anything: the readable format'],
    ['application/*', 'openmetrics', 'application/* matches OpenMetrics only'],
    ['text/*', 'text', ''],
    ['application/openmetrics-text;q=0, */*', 'text', 'OpenMetrics refused'],
    ['text/plain;q=0, */*;q=0.1', 'openmetrics', 'text refused, OpenMetrics through */*'],
    ['application/openmetrics-text;q=0.2, text/plain;q=0.2', 'openmetrics', 'a tie goes to the range listed first'],
    ['text/plain;q=0.2, application/openmetrics-text;q=0.2', 'text', ''],
    ['application/openmetrics-text;version=2.0.0', 'text', 'a version we cannot write'],
    ['application/openmetrics-text;version=2.0.0, application/openmetrics-text;version=0.0.1;q=0.9, text/plain;q=0.5', 'openmetrics', ''],
    ['application/openmetrics-text;version=1.0.0;q=0.1, application/openmetrics-text;q=0.9, text/plain;q=0.5', 'text', 'the most specific range decides'],
    ['APPLICATION/OpenMetrics-Text; Q=1', 'openmetrics', 'case-insensitive'],
    ['application/openmetrics-text;q=abc, text/plain;q=0.1', 'text', 'a malformed q drops its range'],
    ['application/openmetrics-text;q=1.5, text/plain;q=0.1', 'text', 'q above 1 drops its range'],
    ['garbage, application/openmetrics-text', 'openmetrics', 'a malformed range is skipped'],
    ['application/openmetrics-text;charset="utf-8, really";q=0.9, text/plain;q=0.8', 'openmetrics', 'a quoted comma'],
    [PROMETHEUS_2_ACCEPT, 'openmetrics', 'Prometheus 2.42'],
    [PROMETHEUS_3_ACCEPT, 'openmetrics', 'Prometheus 3'],
    [PROMETHEUS_TEXT_FIRST_ACCEPT, 'text', 'Prometheus preferring text'],
  ];
  for (const [accept, expected, why] of cases) assert.equal(negotiateMetricsFormat(accept), expected, `${JSON.stringify(accept)} ${why}`);
  assert.deepEqual(parseAccept('text/plain;version=0.0.4;q=0.3;ext=1, */*'), [
    { type: 'text', subtype: 'plain', version: '0.0.4', q: 0.3, index: 0 },
    { type: '*', subtype: '*', version: undefined, q: 1, index: 1 },
  ]);
});
