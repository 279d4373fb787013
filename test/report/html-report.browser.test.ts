/**
 * `streamlab run --html` in a real browser (issue 10): the report is written by the CLI,
 * opened from disk in headless Chromium with the network off, and checked against the run's
 * own `--json` document — every scenario's section, lanes, key events, end causes, detection
 * markers, lesson and trace link, no console errors, a screenshot per section that is not blank.
 *
 * The DOM contract the report is built to (src/report/html/):
 * - `table.summary` with one `tr[data-scenario=NAME]` per scenario;
 * - `section.scenario#scenario-NAME[data-scenario=NAME][data-ok=true|false]` per scenario;
 * - `figure.diagram` holding the drawing; lanes `[data-lane=client]`, `[data-lane=network]` or
 *   `[data-lane=process]` (process faults), `[data-lane=server]`, each with a visible label;
 * - events `[data-event=stream.open|messages|stream.cancel|fault|keepalive.timeout|goaway|
 *   transport.close|stream.end]`, side events with `data-side=client|server`; `messages` is a
 *   collapsed band with a count; `stream.end` is labelled with the end cause;
 * - detection `[data-detection=client|server][data-ms]`;
 * - `div.lesson` (`.lesson.missing` when the scenario has none);
 * - `code.trace-id`; with --jaeger-url also `a.trace-link[href=URL/trace/TRACEID]`.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium, openOffline, pngStats } from '../helpers/browser.ts';
import { runCli } from '../helpers/cli.ts';

/** Runs `streamlab ...args` (killed after 90 s). */
// --all includes the Kubernetes labs (a dozen seconds each, child processes): 4 minutes is the bound, not the expected time.
const cli = (args: string[]) => runCli(args, { boundMs: 240_000 });

const JAEGER = 'http://localhost:16686';

interface Side { end_cause: string | null; detection_ms: number | null; sent: number; received: number; messages: number }
interface JsonScenario { name: string; trace_id: string; ok: boolean; client: Side | null; server: Side | null }


const dir = mkdtempSync(join(tmpdir(), 'streamlab-html-'));
let browser: Browser;

/**
 * `streamlab run ARGS --interval-ms 20 --json --html FILE` (and --jaeger-url unless told not
 * to): the report file and the same run's JSON document.
 */
async function report(name: string, args: string[], jaeger = true): Promise<{ file: string; scenarios: JsonScenario[] }> {
  const file = join(dir, `${name}.html`);
  const run = await cli(['run', ...args, '--interval-ms', '20', '--json', '--html', file, ...(jaeger ? ['--jaeger-url', JAEGER] : [])]);
  assert.equal(run.code, 0, `streamlab run ${args.join(' ')} exited ${run.code}:\n${run.stderr}`);
  const { scenarios } = JSON.parse(run.stdout) as { scenarios: JsonScenario[] };
  assert.ok(statSync(file).size > 0, 'the report file is written');
  return { file, scenarios };
}

/** What an element says: its text (an SVG <title> included), aria-label, title and data-count. */
async function label(locator: Locator): Promise<string> {
  return locator.evaluate((element) => ['aria-label', 'title', 'data-count'].map((name) => element.getAttribute(name) ?? '')
    .concat(element.textContent ?? '').join(' ').replace(/\s+/g, ' ').trim());
}

/** Asserts `lane` shows a visible text matching `name`. */
async function assertLaneLabel(lane: Locator, name: RegExp, what: string): Promise<void> {
  const texts = lane.first().locator('text, .label, .lane-label').filter({ hasText: name });
  assert.ok(await texts.count() > 0 && await texts.first().isVisible(), `${what}: a visible label matching ${name}`);
}

async function assertVisible(locator: Locator, what: string): Promise<void> {
  assert.ok(await locator.count() > 0, `${what}: missing`);
  assert.ok(await locator.first().isVisible(), `${what}: not visible`);
}

/** Opened streams: every scenario but those where nothing listens. */
const NEVER_OPENED = new Set(['no-server', 'no-server-wait-for-ready']);
/** Scenarios whose fault is done to the server process: the diagram's middle lane is *process*. */
const PROCESS_FAULTS = new Set(['server-kill', 'server-stop', 'server-suspend', 'server-suspend-no-keepalive', 'shutdown', 'shutdown-cut']);
/** The events that make each ending what it is (beside open and end), with the side when it matters. */
const KEY_EVENTS: Record<string, { event: string; side?: 'client' | 'server'; label?: RegExp }[]> = {
  completion: [{ event: 'messages' }],
  cancel: [{ event: 'stream.cancel' }, { event: 'messages' }],
  disconnect: [{ event: 'fault' }, { event: 'transport.close' }],
  blackhole: [{ event: 'fault' }, { event: 'keepalive.timeout' }],
  close: [{ event: 'fault' }, { event: 'transport.close' }],
  'server-kill': [{ event: 'fault', label: /kill/i }],
  'server-stop': [{ event: 'fault', label: /SIGTERM/ }, { event: 'goaway', side: 'client' }],
  'server-suspend': [{ event: 'fault', label: /SIGSTOP/ }, { event: 'keepalive.timeout', side: 'client' }],
  // A graceful drain sends GOAWAY too, but the stream completes: only the cut one records it.
  'shutdown-cut': [{ event: 'fault', label: /SIGTERM/ }, { event: 'goaway', side: 'client' }, { event: 'goaway', side: 'server' }],
};

/** Checks one scenario's section against its JSON. */
async function assertSection(page: Page, scenario: JsonScenario, jaeger: boolean): Promise<Locator> {
  const { name } = scenario;
  const section = page.locator(`section.scenario#scenario-${name}`);
  assert.equal(await section.count(), 1, `${name}: one section`);
  assert.ok(await section.isVisible(), `${name}: section visible`);
  assert.equal(await section.getAttribute('data-scenario'), name);
  assert.equal(await section.getAttribute('data-ok'), String(scenario.ok), `${name}: data-ok as in --json`);
  assert.equal(await page.locator(`table.summary tr[data-scenario="${name}"]`).count(), 1, `${name}: one summary row`);

  const diagram = section.locator('figure.diagram');
  await assertVisible(diagram, `${name}: diagram`);
  for (const lane of ['client', 'server']) {
    const element = diagram.locator(`[data-lane="${lane}"]`);
    await assertVisible(element, `${name}: ${lane} lane`);
    await assertLaneLabel(element, new RegExp(lane, 'i'), `${name}: ${lane} lane`);
  }
  const middle = PROCESS_FAULTS.has(name) ? 'process' : undefined;
  const middleLane = diagram.locator(middle ? '[data-lane="process"]' : '[data-lane="network"], [data-lane="process"]');
  await assertVisible(middleLane, `${name}: ${middle ?? 'network or process'} lane`);
  await assertLaneLabel(middleLane, /network|proxy|process/i, `${name}: middle lane`);

  if (!NEVER_OPENED.has(name)) await assertVisible(diagram.locator('[data-event="stream.open"]'), `${name}: stream.open`);
  for (const { event, side, label: want } of KEY_EVENTS[name] ?? []) {
    const events = diagram.locator(`[data-event="${event}"]${side ? `[data-side="${side}"]` : ''}`);
    await assertVisible(events, `${name}: ${event}`);
    if (want) assert.match((await Promise.all((await events.all()).map(label))).join(' | '), want, `${name}: ${event} labelled`);
  }
  const bands = diagram.locator('[data-event="messages"]');
  if (await bands.count() > 0) {
    const counts = new Set((await Promise.all((await bands.all()).map(label))).join(' ').match(/\d+/g)?.map(Number));
    const sides = [scenario.client, scenario.server].filter((side): side is Side => side !== null);
    assert.ok(sides.some((side) => [side.sent, side.received, side.messages].some((n) => counts.has(n))),
      `${name}: the messages band counts what a side sent or received (band: ${[...counts].join(', ')})`);
  }

  for (const sideName of ['client', 'server'] as const) {
    const side = scenario[sideName];
    if (side?.end_cause) {
      const end = diagram.locator(`[data-event="stream.end"][data-side="${sideName}"]`);
      await assertVisible(end, `${name}: ${sideName} stream.end`);
      assert.match(await label(end.first()), new RegExp(`\\b${side.end_cause}\\b`), `${name}: ${sideName} stream.end labelled ${side.end_cause}`);
    }
    if (side?.detection_ms !== null && side?.detection_ms !== undefined) {
      const marker = section.locator(`[data-detection="${sideName}"]`);
      assert.ok(await marker.count() > 0, `${name}: ${sideName} detection marker`);
      const ms = Number(await marker.first().getAttribute('data-ms'));
      assert.ok(Math.abs(ms - side.detection_ms) <= Math.max(1, side.detection_ms * 0.01), `${name}: ${sideName} detection ${ms} ms, --json says ${side.detection_ms}`);
    }
  }

  const lesson = section.locator('div.lesson');
  await assertVisible(lesson, `${name}: lesson`);
  assert.equal(await section.locator('.lesson.missing').count(), 0, `${name}: has a lesson (no .lesson.missing)`);
  assert.ok((await lesson.first().innerText()).trim().length > 80, `${name}: the lesson says something`);

  const traceId = section.locator('code.trace-id');
  assert.equal((await traceId.first().innerText()).trim(), scenario.trace_id, `${name}: trace id as in --json`);
  const link = section.locator('a.trace-link');
  if (jaeger) {
    assert.equal(await link.first().getAttribute('href'), `${JAEGER}/trace/${scenario.trace_id}`, `${name}: trace link`);
    await assertVisible(link, `${name}: trace link`);
  } else {
    assert.equal(await link.count(), 0, `${name}: no trace link without --jaeger-url`);
  }
  return section;
}

/**
 * Opens `file` offline and checks the whole page: one summary row and section per scenario in
 * run order, each section (see assertSection), no request left the page, no error; saves
 * a screenshot per section under the temp dir and checks it is not blank.
 */
async function assertReport(file: string, scenarios: JsonScenario[], jaeger = true): Promise<void> {
  const opened = await openOffline(browser, file);
  const { context, page, requests, errors } = opened;
  try {
    const names = scenarios.map((s) => s.name);
    assert.deepEqual(await page.locator('table.summary tr[data-scenario]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-scenario'))), names, 'summary rows in run order');
    assert.deepEqual(await page.locator('section.scenario').evaluateAll((sections) => sections.map((section) => section.getAttribute('data-scenario'))), names, 'sections in run order');
    assert.equal(await page.locator('.lesson.missing').count(), 0, 'every scenario has its lesson');
    for (const scenario of scenarios) {
      const section = await assertSection(page, scenario, jaeger);
      const png = await section.screenshot({ path: join(dir, `${scenario.name}.png`), animations: 'disabled' });
      const stats = pngStats(png);
      assert.ok(stats.colours >= 16 && stats.lumaStdDev > 10 && stats.inkShare > 0.02,
        `${scenario.name}: screenshot is not blank (${JSON.stringify(stats)})`);
    }
    assert.deepEqual(requests, [], 'the report makes no network request');
    assert.equal(opened.aborted, 0, 'no request reached the router');
    assert.deepEqual(errors, [], 'no console or page errors');
  } finally {
    await context.close();
  }
}

describe('streamlab run --html in headless Chromium, offline', { timeout: 180_000 }, () => {
  before(async () => { browser = await launchChromium(); });
  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('core scenarios: sections, lanes, key events, end causes and trace links as in the run\'s --json', async () => {
    const { file, scenarios } = await report('core', []);
    assert.deepEqual(scenarios.map((s) => s.name), ['completion', 'cancel', 'disconnect', 'blackhole']);
    await assertReport(file, scenarios);
  });

  test('--all: every catalogue scenario has its section, diagram and lesson; process faults draw the process lane', async () => {
    const catalogue = await cli(['scenarios', '--json']);
    assert.equal(catalogue.code, 0, catalogue.stderr);
    const names = (JSON.parse(catalogue.stdout) as { scenarios: { name: string }[] }).scenarios.map((s) => s.name);
    for (const name of [...PROCESS_FAULTS, ...Object.keys(KEY_EVENTS)]) assert.ok(names.includes(name), `${name} is in the catalogue (this test names it)`);
    const { file, scenarios } = await report('all', ['--all']);
    assert.deepEqual(scenarios.map((s) => s.name), names, '--all runs the catalogue');
    await assertReport(file, scenarios);
  });

  test('without --jaeger-url: the trace id and no link; readable in light and dark', async () => {
    const { file, scenarios } = await report('no-jaeger', ['completion'], false);
    await assertReport(file, scenarios, false);
    const luma = (rgb: string) => {
      const [r = 0, g = 0, b = 0] = (rgb.match(/[\d.]+/g) ?? []).map(Number);
      return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
    };
    for (const scheme of ['light', 'dark'] as const) {
      const { context, page, errors } = await openOffline(browser, file, { colorScheme: scheme });
      try {
        const { background, color } = await page.locator('body').evaluate((body) => {
          const style = body.ownerDocument.defaultView.getComputedStyle(body);
          return { background: String(style.backgroundColor), color: String(style.color) };
        });
        const [bg, fg] = [luma(background), luma(color)];
        if (scheme === 'light') assert.ok(bg > 0.8 && fg < 0.35, `light: dark text (${color}) on a light page (${background})`);
        else assert.ok(bg < 0.2 && fg > 0.65, `dark: light text (${color}) on a dark page (${background})`);
        const png = await page.locator('section.scenario').first().screenshot({ path: join(dir, `completion-${scheme}.png`), animations: 'disabled' });
        const stats = pngStats(png);
        assert.ok(stats.colours >= 16 && stats.inkShare > 0.02, `${scheme}: screenshot is not blank (${JSON.stringify(stats)})`);
        assert.deepEqual(errors, [], `${scheme}: no console or page errors`);
      } finally {
        await context.close();
      }
    }
  });
});
