/**
 * `streamlab alerts test` as a function: check the rule files, run the baseline and each
 * scenario for real, build a traffic profile per scenario (and the baseline-only one),
 * evaluate the rules over them with promtool, and collect the matrix and the warnings.
 */
import { captureRun } from './capture-run.ts';
import type { CaptureOptions, CapturedRun } from './capture-run.ts';
import { evaluateProfiles } from './evaluate-profiles.ts';
import type { ProfileResult } from './evaluate-profiles.ts';
import { streamlabVocabulary } from './exported-series.ts';
import { checkRuleFiles } from './promtool.ts';
import { readRules } from './rule-files.ts';
import type { Rule } from './rule-files.ts';
import { ruleWarnings } from './rule-warnings.ts';
import { selectorWarnings } from './selector-warnings.ts';
import { buildProfile } from './traffic-profile.ts';
import type { ProfileOptions } from './traffic-profile.ts';
import type { AlertWarning } from './warnings.ts';
import { writeTests } from './write-tests.ts';
import type { Scenario } from '../scenarios/scenario.ts';

/** Everything one `alerts test` needs. */
export interface AlertsTestOptions {
  ruleFiles: readonly string[];
  baseline: Scenario;
  scenarios: readonly Scenario[];
  profile: ProfileOptions;
  /** Seconds between two rule evaluations. */
  evaluationIntervalS: number;
  /** The promtool to run. */
  promtool: string;
  /** How the scenarios run (pace, keepalive), logger, span sink. */
  capture: CaptureOptions;
  /** Write promtool test files here. */
  writeTestsDir?: string;
  /** The command line, for the written files' heads. */
  commandLine: string;
  /** Progress, one line at a time (the CLI writes it to stderr). */
  progress(line: string): void;
}

/** One alert's row of the matrix. */
export interface AlertRow {
  name: string;
  file: string;
  line: number;
  /** The baseline-only profile first, then one per scenario. */
  results: ProfileResult[];
}

/** What an `alerts test` found. */
export interface AlertsTestResult {
  alerts: AlertRow[];
  warnings: AlertWarning[];
  /** Test files written with `writeTestsDir`. */
  written: string[];
  /** Wall time of each real run, ms, by scenario. */
  runMs: Record<string, number>;
}

/** Runs the scenarios, one after the other, reporting progress. */
async function captureAll(scenarios: readonly Scenario[], options: AlertsTestOptions): Promise<CapturedRun[]> {
  const runs: CapturedRun[] = [];
  for (const [index, scenario] of scenarios.entries()) {
    const prefix = `[${index + 1}/${scenarios.length}] ${scenario.name}${index === 0 ? ' (baseline)' : ''}`;
    options.progress(`${prefix}: running…`);
    const run = await captureRun(scenario, options.capture);
    options.progress(`${prefix}: ${run.ok ? 'ok' : 'MISMATCH'} in ${(run.wallMs / 1000).toFixed(1)} s`);
    runs.push(run);
  }
  return runs;
}

/**
 * Runs the whole test.
 * @throws RuleFileError when promtool refuses a rule file (its message names file and line)
 * @throws PromtoolError when promtool cannot run or evaluate the rules
 * @throws Error when a scenario cannot be set up
 */
export async function runAlertsTest(options: AlertsTestOptions): Promise<AlertsTestResult> {
  await checkRuleFiles(options.promtool, options.ruleFiles);
  const rules: Rule[] = options.ruleFiles.flatMap((file) => readRules(file));
  const alertRules = rules.filter((rule) => rule.alert !== undefined);
  const recorded = new Set(rules.flatMap((rule) => (rule.record ? [rule.record] : [])));
  const vocabulary = streamlabVocabulary();
  const warnings = rules.flatMap((rule) => selectorWarnings(rule, vocabulary, recorded));

  const [baselineRun, ...faultRuns] = await captureAll([options.baseline, ...options.scenarios], options);
  for (const run of [baselineRun!, ...faultRuns]) {
    if (!run.ok) warnings.push({ kind: 'run-mismatch', message: `the run of ${run.scenario} ended differently from its expectation (${run.mismatches.join('; ')}); its series are used as observed` });
  }
  const profiles = [buildProfile(baselineRun!, undefined, options.profile), ...faultRuns.map((run) => buildProfile(baselineRun!, run, options.profile))];
  const alerts = [...new Set(alertRules.map((rule) => rule.alert!))];
  const settings = { ...options.profile, baselineName: options.baseline.name };
  const files = { ruleFiles: options.ruleFiles, evaluationIntervalS: options.evaluationIntervalS, groupOrder: rules.map((rule) => rule.group) };
  options.progress(`evaluating ${alertRules.length} alert(s) over ${profiles.length} profile(s) of ${options.profile.minutes} min with promtool…`);
  const results = alerts.length ? await evaluateProfiles(options.promtool, files, alerts, profiles, settings) : new Map<string, ProfileResult[]>();
  const rows = alertRules.map((rule) => ({ name: rule.alert!, file: rule.file, line: rule.line, results: results.get(rule.alert!) ?? [] }));
  // A rule already called out for series no profile has needs no "never fires" too.
  const explained = new Set(warnings.filter((warning) => warning.kind === 'prometheus-series' || warning.kind === 'not-in-profiles').map((warning) => `${warning.file}:${warning.line}`));
  warnings.push(...rows.flatMap((row) => ruleWarnings(row)).filter((warning) => warning.kind !== 'never-fires' || !explained.has(`${warning.file}:${warning.line}`)));
  let written: string[] = [];
  if (options.writeTestsDir !== undefined && alerts.length) {
    options.progress(`writing promtool tests to ${options.writeTestsDir}…`);
    written = await writeTests(options.promtool, options.writeTestsDir, files, profiles, results, { ...settings, commandLine: options.commandLine });
  }
  const runMs = Object.fromEntries([baselineRun!, ...faultRuns].map((run) => [run.scenario, Math.round(run.wallMs)]));
  return { alerts: rows, warnings, written, runMs };
}
