/**
 * `streamlab alerts test` as a user runs it: --help, bad input (a rule file promtool
 * refuses, an unknown scenario, a missing file: exit 2, one message, nothing run), and one
 * real run of a process scenario (server-stop, whose server side only a child process
 * records) over a user's rule file with typos, as --json, with --write-tests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { findTool } from '../helpers/native-tool.ts';

const promtool = findTool(['promtool'], 'Install it: bash stack/install-tools.sh prometheus (Debian\'s prometheus package).');
const folder = mkdtempSync(join(tmpdir(), 'streamlab-alerts-cli-'));
const file = (name: string, text: string) => {
  writeFileSync(join(folder, name), text);
  return join(folder, name);
};
const alerts = (...args: string[]) => runCli(['alerts', 'test', '--promtool', promtool, ...args], { boundMs: 120_000 });

test('--help explains every flag and its default', async () => {
  const help = await runCli(['alerts', 'test', '--help'], { boundMs: 30_000 });
  const [code, stdout] = [help.code, help.stdout.replace(/\s+/g, ' ')];
  assert.equal(code, 0);
  for (const flag of ['--scenarios', '--baseline', '--share', '--rate', '--minutes', '--fault-at', '--scenario-label', '--json', '--write-tests', '--promtool']) assert.ok(stdout.includes(flag), `--help does not mention ${flag}`);
  for (const fallback of ['(default: "completion")', '(default: 5%)', '(default: 600/min)', '(default: 30)', '(default: 10m)', '(default: "none")']) assert.ok(stdout.includes(fallback), `--help does not give ${fallback}`);
  assert.match(stdout, /blackhole,disconnect|cancel,disconnect,blackhole/);
});

test('a rule file promtool refuses: its message with file and line, exit 2, nothing run', async () => {
  const bad = file('bad.rules.yml', 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: sum(rate(x[5m])\n');
  const { code, stdout, stderr } = await alerts(bad, '--scenarios', 'cancel');
  assert.equal(code, 2, stderr);
  assert.equal(stdout, '');
  assert.match(stderr, /^error: .*bad\.rules\.yml: 5:\d+: group "g", rule 1, "A": could not parse expression: .*unclosed left parenthesis/m);
  assert.doesNotMatch(stderr, /running/);
});

test('an unknown scenario: one line with the closest name and the list, exit 2; a missing rule file: exit 2', async () => {
  const rules = file('ok.rules.yml', 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: vector(1) > 2\n');
  const unknown = await alerts(rules, '--scenarios', 'blackhole,blackhol');
  assert.equal(unknown.code, 2);
  assert.deepEqual(unknown.stderr.trim().split('\n'), [`error: unknown scenario "blackhol": did you mean "blackhole"? allowed are ${unknown.stderr.split('allowed are ')[1]!.trim()}`]);
  assert.match(unknown.stderr, /allowed are completion, cancel, disconnect, blackhole, ack-retry, server-kill/);
  const missing = await alerts(join(folder, 'nope.yml'));
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^error: rule file .*nope\.yml: no such file$/m);
  const late = await alerts(rules, '--fault-at', '40m');
  assert.equal(late.code, 2);
  assert.match(late.stderr, /--fault-at 2400s is not inside the 30-minute profile/);
});

test('a user\'s rules over server-stop: the child server\'s own series count, typos are named, the JSON and the written tests', async () => {
  const rules = file('user.rules.yml', [
    'groups:',
    '  - name: user',
    '    rules:',
    '      - alert: DrainedOnTheServer',
    '        expr: sum(rate(streamlab_stream_ends_total{side="server",end_cause="server_shutdown"}[5m])) > 0',
    '        for: 1m',
    '      - alert: Typo',
    '        expr: sum(rate(streamlab_stream_ends_total{end_cause="server_shutdwn"}[5m])) > 0',
    '      - alert: CanonicalCode',
    '        expr: sum(rate(grpc_client_handled_total{grpc_code="UNAVAILABLE"}[5m])) > 0',
    '      - alert: AnyCompletion',
    '        expr: sum(rate(streamlab_stream_ends_total{end_cause="completed"}[5m])) > 0',
    '',
  ].join('\n'));
  const out = join(folder, 'tests');
  const { code, stdout, stderr } = await alerts(rules, '--scenarios', 'server-stop', '--minutes', '10', '--fault-at', '5m', '--json', '--write-tests', out);
  assert.equal(code, 0, stderr);
  assert.match(stderr, /\[2\/2\] server-stop: ok in/);
  const report = JSON.parse(stdout) as {
    profile: Record<string, unknown>;
    alerts: { name: string; file: string; results: { scenario: string; baseline: boolean; fired: boolean; first_firing_s: number | null }[] }[];
    warnings: { kind: string; rule?: string; message: string }[];
  };
  assert.deepEqual({ ...report.profile, run_ms: undefined }, {
    rate_per_min: 600, share: 0.05, minutes: 10, fault_at_s: 300, scrape_interval_s: 15, evaluation_interval_s: 15, baseline: 'completion', scenario_label: 'none', run_ms: undefined,
  });
  const row = (name: string) => report.alerts.find((alert) => alert.name === name)!;
  // The server's server_shutdown ends exist only in the child's registry, sent as it shut down.
  const drained = row('DrainedOnTheServer').results;
  assert.deepEqual(drained.map((result) => [result.scenario, result.baseline, result.fired]), [['completion', true, false], ['server-stop', false, true]]);
  assert.ok(drained[1]!.first_firing_s! >= 60 && drained[1]!.first_firing_s! <= 120, `fired ${drained[1]!.first_firing_s} s after the fault`);
  assert.equal(row('DrainedOnTheServer').file, rules);
  assert.equal(row('Typo').results[1]!.fired, false);
  // A labelled series appears with its first stream (at 15 s); rate() needs two samples.
  assert.equal(row('AnyCompletion').results[0]!.first_firing_s, 30);
  const warnings = report.warnings.map((warning) => `${warning.kind} ${warning.rule}: ${warning.message}`);
  assert.ok(warnings.some((warning) => /^unknown-value Typo: end_cause="server_shutdwn" matches nothing.*did you mean server_shutdown\?/.test(warning)), warnings.join('\n'));
  assert.ok(warnings.some((warning) => /^grpc-code-spelling CanonicalCode: .*write grpc_code="Unavailable"/.test(warning)), warnings.join('\n'));
  assert.ok(warnings.includes('never-fires Typo: never fires in any profile (server-stop): check its threshold, window and selectors against these endings'), warnings.join('\n'));
  assert.ok(warnings.some((warning) => warning.startsWith('fires-in-baseline AnyCompletion: fires in the baseline-only profile (completion), 30 s in')), warnings.join('\n'));
  // Written, and already checked with promtool by the command itself (it exits 1 otherwise).
  assert.deepEqual(readdirSync(out).sort(), ['baseline-completion.test.yml', 'server-stop.test.yml']);
});
