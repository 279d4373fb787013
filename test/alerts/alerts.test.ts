/**
 * Dogfood of `streamlab alerts test` (issue 17, item 3): streamlab's own rules
 * (prometheus/rules/streamlab.rules.yml) checked against real runs of the scenarios. Each
 * alert a tested scenario's lesson names fires for that scenario, the ending-specific alerts
 * fire for no other tested scenario, and every alert stays quiet over the baseline-only
 * profile; the promtool tests it writes pass `promtool test rules`, and so do the
 * hand-written ones (prometheus/tests/), which stay.
 *
 * Sizes, to keep the wall time modest on 2 cores: 4 real runs at the runner's default pace
 * (completion, blackhole, disconnect, cancel; about 4 s together, keepalive 1 s + 1 s), and
 * 4 profiles of 20 simulated minutes (fault at 10 m, 600 streams/min, 10 % share so that the
 * cancel share rises above StreamClientCancelRatioRising's 5 %), evaluated by 3 promtool runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runAlertsTest } from '../../src/alerts/alerts-test.ts';
import type { AlertsTestResult } from '../../src/alerts/alerts-test.ts';
import { CATALOGUE, selectScenarios } from '../../src/scenarios/catalogue.ts';
import { findTool } from '../helpers/native-tool.ts';
import { ROOT } from '../helpers/cli.ts';

const RULES = join(ROOT, 'prometheus/rules/streamlab.rules.yml');
const TESTED = ['blackhole', 'disconnect', 'cancel'];
/** The lesson of catalogue scenario `name`. */
const lessonOf = (name: string) => CATALOGUE.find((scenario) => scenario.name === name)?.lesson;
const promtool = findTool(['promtool'], 'Install it: bash stack/install-tools.sh prometheus (Debian\'s prometheus package).');
const written = mkdtempSync(join(tmpdir(), 'streamlab-alerts-test-'));

let outcome: Promise<AlertsTestResult> | undefined;
/** The one `alerts test` every test of this file reads (run once, on first use). */
function result(): Promise<AlertsTestResult> {
  outcome ??= runAlertsTest({
    ruleFiles: [RULES],
    baseline: selectScenarios(['completion'])[0]!,
    scenarios: selectScenarios(TESTED),
    profile: { ratePerMin: 600, share: 0.1, minutes: 20, faultAtS: 600, scrapeIntervalS: 15, scenarioLabel: 'none' },
    evaluationIntervalS: 15,
    promtool,
    capture: { run: {} },
    writeTestsDir: written,
    commandLine: 'test/alerts/alerts.test.ts',
    progress: () => {},
  });
  return outcome;
}

/** The result of `alert` for `scenario`'s profile. */
async function cell(alert: string, scenario: string) {
  const row = (await result()).alerts.find((candidate) => candidate.name === alert);
  assert.ok(row, `no alert ${alert} in ${RULES}`);
  const found = row.results.find((candidate) => candidate.scenario === scenario && !candidate.baseline);
  assert.ok(found, `no ${scenario} profile for ${alert}`);
  return found;
}

test('each alert a tested scenario\'s lesson names fires for that scenario, within a few minutes of the fault', async () => {
  for (const scenario of TESTED) {
    const rule = lessonOf(scenario)?.alert?.rule;
    assert.ok(rule, `${scenario}'s lesson names no alert`);
    const found = await cell(rule, scenario);
    assert.equal(found.fired, true, `${rule} did not fire for ${scenario}`);
    assert.ok(found.first_firing_s !== null && found.first_firing_s > 0 && found.first_firing_s <= 600, `${rule} fired for ${scenario} ${found.first_firing_s} s after the fault`);
  }
});

test('an ending-specific alert fires for no tested scenario whose lesson does not name it', async () => {
  const named = new Set(TESTED.map((scenario) => lessonOf(scenario)?.alert?.rule));
  for (const rule of named) {
    for (const scenario of TESTED.filter((other) => lessonOf(other)?.alert?.rule !== rule)) {
      assert.equal((await cell(rule!, scenario)).fired, false, `${rule} fired for ${scenario}`);
    }
  }
});

test('every alert stays quiet over the baseline-only profile, and none is called out for it', async () => {
  const { alerts, warnings } = await result();
  assert.equal(alerts.length, 15);
  for (const row of alerts) {
    const baseline = row.results.find((candidate) => candidate.baseline);
    assert.equal(baseline?.scenario, 'completion');
    assert.equal(baseline?.fired, false, `${row.name} fires in the baseline at ${baseline?.first_firing_s} s`);
  }
  assert.deepEqual(warnings.filter((warning) => warning.kind === 'fires-in-baseline'), []);
  // streamlab's own selectors name only what it exports (up is Prometheus's own series).
  assert.deepEqual(warnings.filter((warning) => ['unknown-metric', 'unknown-label', 'unknown-value', 'grpc-code-spelling'].includes(warning.kind)), []);
  assert.deepEqual(warnings.filter((warning) => warning.kind === 'prometheus-series').map((warning) => warning.rule), ['StreamlabTargetDown']);
  assert.deepEqual(warnings.filter((warning) => warning.kind === 'not-in-profiles').map((warning) => warning.rule), [
    'scenario_verdict:streamlab_scenario_runs:rate5m', 'StreamScenarioVerdictMismatch', 'FleetReconnectStorm', 'FleetResumeGaps',
  ]);
});

test('every lesson names an alert that exists in the rules', async () => {
  const names = new Set((await result()).alerts.map((row) => row.name));
  for (const { name, lesson } of CATALOGUE) if (lesson.alert) assert.ok(names.has(lesson.alert.rule), `${name}: ${lesson.alert.rule}`);
});

test('the written promtool tests and the hand-written ones (prometheus/tests/) pass promtool test rules', async () => {
  const { written: files } = await result();
  assert.deepEqual(readdirSync(written).sort(), ['baseline-completion.test.yml', 'blackhole.test.yml', 'cancel.test.yml', 'disconnect.test.yml']);
  assert.deepEqual(files.map((file) => file.slice(written.length + 1)).sort(), readdirSync(written).sort());
  const blackhole = readFileSync(join(written, 'blackhole.test.yml'), 'utf8');
  assert.match(blackhole, /group_eval_order:/);
  assert.match(blackhole, /alertname: StreamKeepaliveTimeouts\n\s+exp_alerts:\n\s+- exp_labels:\n\s+end_cause: keepalive_timeout/);
  assert.match(blackhole, /series: streamlab_stream_ends_total\{end_cause="keepalive_timeout",grpc_service="streamlab.v1.Ticker",scenario="none",side="client"\}/);
  // One promtool run for both (each run costs seconds on a busy machine).
  const check = spawnSync(promtool, ['test', 'rules', 'prometheus/tests/streamlab.rules.test.yml', ...files], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(check.status, 0, `${check.stdout}\n${check.stderr}`);
  assert.equal(check.stdout.match(/SUCCESS/g)?.length, 5);
  rmSync(written, { recursive: true, force: true });
});
