/**
 * promtool unit-test files (Prometheus docs, "Unit testing for rules"): one test group per
 * traffic profile, its input series in expanding notation, and the checks asked of it.
 */
import { stringify } from 'yaml';
import { expandingNotation } from './series-notation.ts';
import type { TrafficProfile } from './traffic-profile.ts';

/** One expected alert: its labels (alertname aside) and annotations, as promtool compares them. */
export interface ExpectedAlert {
  exp_labels: Record<string, string>;
  exp_annotations: Record<string, string>;
}

/** An `alert_rule_test`: the firing alerts named `alertname` at `eval_time`. */
export interface AlertRuleTest {
  eval_time: string;
  alertname: string;
  exp_alerts: ExpectedAlert[];
}

/** A `promql_expr_test` whose expected samples are left empty (its `got` is what we read). */
export interface ExprTest {
  expr: string;
  eval_time: string;
  exp_samples: { labels: string; value: number }[];
}

/** One `<test_group>`. */
export interface TestGroup {
  name: string;
  interval: string;
  input_series: { series: string; values: string }[];
  alert_rule_test?: AlertRuleTest[];
  promql_expr_test?: ExprTest[];
}

/** Seconds as a promtool duration (`15s`, `10m`, `10m15s`); promtool prints them the same way. */
export function durationText(seconds: number): string {
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const text = `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
  return text || '0s';
}

/** A test group over `profile`'s series, sampled every `scrapeIntervalS`. */
export function testGroupOf(name: string, profile: TrafficProfile, scrapeIntervalS: number, checks: Pick<TestGroup, 'alert_rule_test' | 'promql_expr_test'>): TestGroup {
  return {
    name,
    interval: durationText(scrapeIntervalS),
    input_series: profile.series.map((series) => ({ series: series.key, values: expandingNotation(series.values) })),
    ...checks,
  };
}

/** What a test file says about the rules it tests. */
export interface TestFiles {
  /** The rule files, as promtool should find them from the test file's folder. */
  ruleFiles: readonly string[];
  evaluationIntervalS: number;
  /**
   * The rule groups in the order they are evaluated at each step: the files' order. Without
   * it promtool evaluates groups in a random order, and an alert over a recorded series
   * would see that series one evaluation late in some runs and not in others.
   */
  groupOrder: readonly string[];
}

/**
 * The text of a test file.
 * @param comment lines for the head of the file (without `#`)
 */
export function testFileText(files: TestFiles, groups: readonly TestGroup[], comment: readonly string[] = []): string {
  const head = comment.map((line) => `# ${line}`.trimEnd()).join('\n');
  const body = stringify({
    rule_files: files.ruleFiles, evaluation_interval: durationText(files.evaluationIntervalS), group_eval_order: [...new Set(files.groupOrder)], tests: groups,
  }, { lineWidth: 0, aliasDuplicateObjects: false });
  return head ? `${head}\n${body}` : body;
}
