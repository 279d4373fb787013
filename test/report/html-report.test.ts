/**
 * `streamlab run --html` without a browser (the Chromium tests are in
 * html-report.browser.test.ts): the diagram data as pure functions on made-up runs, then
 * reports from real runs — in process and through the CLI — parsed with linkedom and their
 * inlined scripts (d3 and the view) executed against its DOM: the DOM contract, the cancel
 * diagram, trace links, the --json document unchanged, no external URL, escaping.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHTML } from 'linkedom';
import { CATALOGUE, selectScenarios } from '../../src/scenarios/catalogue.ts';
import { createEmbeddedFaultBackend } from '../../src/scenarios/fault-backend.ts';
import { createScenarioRunner } from '../../src/scenarios/runner.ts';
import type { ScenarioResult } from '../../src/scenarios/scenario.ts';
import type { RunAction } from '../../src/scenarios/run-action.ts';
import type { LifecycleEvent, StreamEnd } from '../../src/telemetry/lifecycle-event.ts';
import type { EndCause } from '../../src/core/end-cause.ts';
import { diagramData } from '../../src/report/html/diagram-data.ts';
import type { DiagramData } from '../../src/report/html/diagram-model.ts';
import { escapeHtml, inlineCode, jsonForScript } from '../../src/report/html/escape.ts';
import { renderHtmlReport } from '../../src/report/html/html-report.ts';
import { jaegerTraceUrl } from '../../src/report/html/scenario-section.ts';
import { startHarness } from '../helpers/harness.ts';
import { runCli } from '../helpers/cli.ts';

/** Runs `streamlab ...args` (killed after 60 s). */
const cli = (args: string[]) => runCli(args, { boundMs: 60_000 });
import type { Harness } from '../helpers/harness.ts';

const T0 = 1_800_000_000_000;
const scenario = (name: string) => CATALOGUE.find((s) => s.name === name) ?? assert.fail(`no scenario ${name}`);
const ev = (side: 'client' | 'server', phase: LifecycleEvent['phase'], at: number, detail?: string): LifecycleEvent =>
  ({ side, streamId: `${side[0]}-1`, scenario: 'x', phase, atMs: T0 + at, ...(detail ? { detail } : {}) });
function end(side: 'client' | 'server', cause: EndCause, at: number, extra: Partial<StreamEnd> = {}): StreamEnd {
  return {
    side, streamId: `${side[0]}-1`, scenario: 'x', rpc: 'server_stream', service: 'streamlab.v1.Ticker', method: 'Subscribe', traceId: '',
    endCause: cause, grpcCode: 1, details: '', messages: 3, sent: side === 'client' ? 1 : 3, received: side === 'client' ? 3 : 1,
    openedAtMs: T0, endedAtMs: T0 + at, ...extra,
  };
}
function result(name: string, events: LifecycleEvent[], actions: RunAction[], extra: Partial<ScenarioResult> = {}): ScenarioResult {
  const first = actions[0];
  return { scenario: scenario(name), traceId: '', ok: true, mismatches: [], actions, startedAtMs: T0, events, ...(first ? { causeAtMs: first.atMs } : {}), ...extra };
}
const on = (data: DiagramData, lane: string) => data.items.filter((item) => item.lane === lane).map((item) => item.event);

describe('diagram data (pure)', () => {
  test('cancel: open, one messages band, one cancel per side (the runner\'s merged), ends, detection from the cause', () => {
    const messages = [ev('client', 'message', 1, 'SENT 1'), ...[10, 20, 30].map((at, i) => ev('client', 'message', at, `RECEIVED ${i + 1}`))];
    const data = diagramData(result('cancel', [
      ev('client', 'stream.open', 0.5), ...messages, ev('client', 'stream.cancel', 30.2), ev('client', 'stream.end', 30.3, 'client_cancelled'),
      ev('server', 'stream.open', 2), ev('server', 'message', 9, 'SENT 1'), ev('server', 'stream.cancel', 33), ev('server', 'stream.end', 33, 'client_cancelled'),
    ], [{ kind: 'cancel', atMs: T0 + 30.1, label: 'cancel()' }], { client: end('client', 'client_cancelled', 30.3, { detectionMs: 0.2 }), server: end('server', 'client_cancelled', 33, { detectionMs: 2.9 }) }));
    assert.deepEqual(data.lanes.map((lane) => lane.id), ['client', 'network', 'server']);
    assert.deepEqual(on(data, 'client'), ['stream.open', 'messages', 'stream.cancel', 'stream.end']);
    assert.deepEqual(on(data, 'server'), ['stream.open', 'messages', 'stream.cancel', 'stream.end']);
    assert.deepEqual(on(data, 'network'), []);
    const band = data.items.find((item) => item.event === 'messages' && item.side === 'client');
    assert.deepEqual([band?.atMs, band?.untilMs, band?.count, band?.ticksMs?.length, band?.label], [1, 30, 4, 4, 'messages: 1 sent, 3 received']);
    assert.equal(data.items.find((item) => item.event === 'stream.cancel' && item.side === 'client')?.label, 'cancel(): RST_STREAM CANCEL');
    assert.match(data.items.find((item) => item.event === 'stream.end' && item.side === 'server')?.label ?? '', /client_cancelled · CANCELLED/);
    assert.deepEqual(data.detection, [{ side: 'client', fromMs: 30.1, toMs: 30.3, ms: 0.2 }, { side: 'server', fromMs: 30.1, toMs: 33, ms: 2.9 }]);
    assert.equal(data.causeLane, 'client');
    assert.equal(data.durationMs, 33);
    assert.deepEqual(data.notes, []);
  });

  test('a network fault sits on the network lane, named; keepalive timeout and a local close on the sides', () => {
    const data = diagramData(result('blackhole', [
      ev('client', 'stream.open', 0), ev('client', 'keepalive.timeout', 2000), ev('client', 'transport.close', 2001, 'local'), ev('client', 'stream.end', 2001, 'keepalive_timeout'),
    ], [{ kind: 'fault', atMs: T0 + 200, label: 'blackhole' }], { client: end('client', 'keepalive_timeout', 2001, { grpcCode: 14, detectionMs: 1801 }) }));
    const fault = data.items.find((item) => item.event === 'fault');
    assert.deepEqual([fault?.lane, fault?.kind, fault?.side], ['network', 'blackhole', undefined]);
    assert.match(fault?.label ?? '', /^blackhole: /);
    assert.deepEqual(on(data, 'client'), ['stream.open', 'keepalive.timeout', 'transport.close', 'stream.end']);
    assert.equal(data.items.find((item) => item.event === 'transport.close')?.label, 'transport close (local)');
    assert.equal(data.causeLane, 'network');
    assert.deepEqual(data.notes, [{ lane: 'server', text: 'not observed: no end recorded on the server side' }], 'the server lane says why it is empty');
  });

  test('a process fault: the process lane, SIGKILL named, the killed server\'s note, messages counted from its records', () => {
    const data = diagramData(result('server-kill', [
      ev('client', 'stream.open', 0), ev('server', 'stream.open', 10), ev('server', 'message', 11, 'RECEIVED 1'), ev('server', 'message', 12, 'SENT 1'),
    ], [{ kind: 'kill', atMs: T0 + 14, label: 'SIGKILL pid 42' }], { serverNote: 'gone: SIGKILL after 1 message(s)' }));
    assert.deepEqual(data.lanes.map((lane) => lane.id), ['client', 'process', 'server']);
    const fault = data.items.find((item) => item.event === 'fault');
    assert.deepEqual([fault?.lane, fault?.kind, fault?.label], ['process', 'kill', 'kill: SIGKILL pid 42']);
    assert.equal(data.items.find((item) => item.event === 'messages' && item.side === 'server')?.label, 'messages: 1 sent, 1 received');
    assert.deepEqual(data.notes, [{ lane: 'server', text: 'gone: SIGKILL after 1 message(s)' }, { lane: 'client', text: 'no end recorded on the client side' }]);
  });

  test('a deadline is the client\'s; times are ms since the scenario started even when an event precedes it', () => {
    const data = diagramData(result('deadline', [ev('client', 'stream.open', -2), ev('client', 'stream.end', 500, 'deadline_exceeded')], [{ kind: 'deadline', atMs: T0 + 500, label: 'deadline 500 ms' }]));
    assert.deepEqual(data.items.map((item) => [item.event, item.lane, item.atMs]), [['stream.open', 'client', 0], ['deadline', 'client', 502], ['stream.end', 'client', 502]]);
  });
});

describe('escaping', () => {
  test('text, attributes, JSON islands and lesson code spans', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const island = jsonForScript({ name: '</script><!-- \u2028' });
    assert.doesNotMatch(island, /</);
    assert.deepEqual(JSON.parse(island), { name: '</script><!-- \u2028' });
    assert.equal(inlineCode('see `a<b` & `c`'), 'see <code>a&lt;b</code> &amp; <code>c</code>');
    assert.equal(jaegerTraceUrl('http://jaeger:16686/', 'abc'), 'http://jaeger:16686/trace/abc');
  });
});

/** Parses `html` and runs its inline scripts (d3, the view) against linkedom's DOM; console errors and warnings are collected. */
function load(html: string) {
  const { document, window } = parseHTML(html);
  const errors: string[] = [];
  const report = (...args: unknown[]) => errors.push(args.map(String).join(' '));
  const context = vm.createContext({ document, window, console: { error: report, warn: report, log() {} } });
  for (const script of document.querySelectorAll('script')) {
    if (!script.getAttribute('type')) vm.runInContext(script.textContent ?? '', context);
  }
  return { document, errors };
}
type Doc = ReturnType<typeof load>['document'];
const attrs = (doc: Doc, selector: string, name: string) => [...doc.querySelectorAll(selector)].map((el) => el.getAttribute(name));

/** Checks the DOM contract of one section against its run. */
function assertSection(doc: Doc, run: { name: string; ok: boolean; traceId: string; detection: Record<string, number | null> }, jaeger?: string) {
  const section = doc.querySelector(`section.scenario#scenario-${run.name}`) ?? assert.fail(`${run.name}: no section`);
  assert.equal(section.getAttribute('data-scenario'), run.name);
  assert.equal(section.getAttribute('data-ok'), String(run.ok));
  const figure = section.querySelector('figure.diagram') ?? assert.fail(`${run.name}: no figure`);
  assert.ok(figure.classList.contains('drawn'), `${run.name}: the view drew the diagram`);
  assert.deepEqual(attrs(figure, '[data-lane]', 'data-lane'), ['client', 'network', 'server']);
  for (const lane of figure.querySelectorAll('[data-lane]')) assert.ok(lane.querySelector('.lane-label')?.textContent, `${run.name}: lane label`);
  for (const [side, ms] of Object.entries(run.detection)) {
    assert.deepEqual(attrs(figure, `[data-detection="${side}"]`, 'data-ms').map(Number), ms === null ? [] : [ms], `${run.name}: ${side} detection`);
  }
  assert.equal(section.querySelector('code.trace-id')?.textContent, run.traceId);
  assert.deepEqual(attrs(section, 'a.trace-link', 'href'), jaeger ? [`${jaeger}/trace/${run.traceId}`] : []);
  const lesson = section.querySelector('div.lesson') ?? assert.fail(`${run.name}: no lesson box`);
  assert.equal(lesson.classList.contains('missing'), CATALOGUE.find((scenario) => scenario.name === run.name)?.lesson === undefined, `${run.name}: lesson shown when it exists`);
  return figure;
}

/** Side events as `event side label`, in document order. */
const events = (figure: ReturnType<typeof assertSection>) => [...figure.querySelectorAll('[data-event]')]
  .map((el) => `${el.getAttribute('data-event')} ${el.getAttribute('data-side') ?? '-'} ${el.querySelector('text')?.textContent ?? ''}`);

describe('reports of real runs', () => {
  let harness: Harness;
  const results: ScenarioResult[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'streamlab-report-'));
  before(async () => {
    harness = await startHarness();
    const runner = createScenarioRunner({ telemetry: harness.deps, runs: harness.runs, faults: createEmbeddedFaultBackend(), upstream: harness.address }, { intervalMs: 20 });
    for (const s of selectScenarios(['completion', 'cancel'])) results.push(await runner.run(s));
  });
  after(async () => {
    await harness.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('in process: the contract, the cancel diagram as drawn, no console error', () => {
    const { document, errors } = load(renderHtmlReport(results, { jaegerUrl: 'http://jaeger:16686' }));
    assert.deepEqual(errors, []);
    assert.deepEqual(attrs(document, 'table.summary tr[data-scenario]', 'data-scenario'), ['completion', 'cancel']);
    for (const r of results) {
      const detection = { client: r.client?.detectionMs === undefined ? null : Math.round(r.client.detectionMs * 10) / 10, server: r.server?.detectionMs === undefined ? null : Math.round(r.server.detectionMs * 10) / 10 };
      assertSection(document, { name: r.scenario.name, ok: r.ok, traceId: r.traceId, detection }, 'http://jaeger:16686');
    }
    const cancel = events(assertSection(document, { name: 'cancel', ok: true, traceId: results[1]?.traceId ?? '', detection: {} }, 'http://jaeger:16686'));
    for (const side of ['client', 'server']) {
      const mine = cancel.filter((line) => line.split(' ')[1] === side).map((line) => line.split(' ')[0] ?? '');
      // A server may record more after its end (a write already under way, a backpressure wait): only the contract's events are checked.
      const contract = new Set(['stream.open', 'messages', 'stream.cancel', 'stream.end', 'fault', 'keepalive.timeout', 'goaway']);
      assert.deepEqual(mine.filter((e) => contract.has(e)), ['stream.open', 'messages', 'stream.cancel', 'stream.end'], `${side}: ${cancel.join(' | ')}`);
      assert.ok(cancel.some((line) => line.startsWith(`stream.end ${side} end: client_cancelled`)), `${side} ends client_cancelled`);
      assert.ok(cancel.some((line) => new RegExp(`^messages ${side} messages: \\d+ sent, \\d+ received`).test(line)), `${side}: the band says its count`);
    }
  });

  test('escaping: a scenario name, summary, status detail and mismatch with markup stay text', () => {
    const [base] = results;
    assert.ok(base?.client);
    const evil = '</script><img src=x onerror=alert(1)>';
    const tampered: ScenarioResult = {
      ...base, ok: false, mismatches: [`client <b>${evil}</b>`],
      scenario: { ...base.scenario, name: `x<y${evil}`, summary: `a ${evil} & b` },
      client: { ...base.client, details: `status <i>${evil}</i>` },
    };
    const { document, errors } = load(renderHtmlReport([tampered]));
    assert.deepEqual(errors, []);
    assert.equal(document.querySelectorAll('img, b, i').length, 0, 'no markup from the data');
    assert.equal(document.querySelectorAll('script').length, 3, 'the JSON island was not closed early: island, d3, view');
    const section = document.querySelector('section.scenario') ?? assert.fail('no section');
    assert.equal(section.getAttribute('data-scenario'), `x<y${evil}`);
    assert.ok(section.textContent?.includes(`status <i>${evil}</i>`), 'the status detail is shown as text');
    assert.equal(section.querySelector('[data-lane="client"]') !== null, true, 'the diagram still draws');
  });

  test('CLI: --html with --json and --jaeger-url writes the report, says where and how big, and leaves the JSON as it was', async () => {
    const file = join(dir, 'report.html');
    const both = await cli(['run', 'completion', 'cancel', '--interval-ms', '20', '--html', file, '--json', '--jaeger-url', 'http://jaeger:16686']);
    const plain = await cli(['run', 'completion', 'cancel', '--interval-ms', '20', '--json']);
    assert.equal(both.code, 0, both.stderr);
    assert.equal(plain.code, 0, plain.stderr);
    const size = statSync(file).size;
    assert.match(both.stderr, new RegExp(`HTML report: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(${(size / 1000).toFixed(1)} kB\\)`));
    assert.ok(size < 250_000, `small enough to mail: ${size} bytes`);
    type Json = { scenarios: Array<{ name: string; ok: boolean; trace_id: string; client: { detection_ms: number | null }; server: { detection_ms: number | null } }> };
    const json = JSON.parse(both.stdout) as Json;
    const stable = (doc: Json) => JSON.stringify(doc, (key, value: unknown) => (key === 'trace_id' || key === 'detection_ms' ? typeof value : value));
    assert.equal(stable(json), stable(JSON.parse(plain.stdout) as Json), 'the same document with and without --html (trace ids and timings aside)');
    assert.equal(both.stdout.trim().split('\n').length, 1, 'stdout holds the JSON document alone');

    const html = readFileSync(file, 'utf8');
    const { document, errors } = load(html);
    assert.deepEqual(errors, []);
    for (const s of json.scenarios) {
      assertSection(document, { name: s.name, ok: s.ok, traceId: s.trace_id, detection: { client: s.client.detection_ms, server: s.server.detection_ms } }, 'http://jaeger:16686');
    }
    const links = [...document.querySelectorAll('[src], [href]')].map((el) => el.getAttribute('src') ?? el.getAttribute('href') ?? '');
    const external = links.filter((url) => !url.startsWith('#') && !url.startsWith('data:') && !url.startsWith('http://jaeger:16686/trace/'));
    assert.deepEqual(external, [], 'no src or href leaves the file but the trace links');
    assert.deepEqual(document.querySelectorAll('link[rel="stylesheet"], script[src], img, iframe').length, 0);
    assert.doesNotMatch(document.querySelector('style')?.textContent ?? '', /url\(|@import/, 'the style loads nothing');
    assert.match(document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '', /default-src 'none'/);
  });

  test('CLI: --jaeger-url without --html, or to a folder that does not exist, is a usage error before any run', async () => {
    const lone = await cli(['run', 'completion', '--jaeger-url', 'http://jaeger:16686']);
    assert.equal(lone.code, 2);
    assert.match(lone.stderr, /--jaeger-url .*--html/);
    const nowhere = await cli(['run', 'completion', '--html', join(dir, 'missing', 'r.html')]);
    assert.equal(nowhere.code, 2);
    assert.match(nowhere.stderr, /no such folder/);
    assert.doesNotMatch(nowhere.stderr, /running/);
    const scheme = await cli(['run', 'completion', '--html', join(dir, 'r.html'), '--jaeger-url', 'ftp://x']);
    assert.equal(scheme.code, 2);
  });
});

