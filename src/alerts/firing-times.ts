/**
 * When each alert first fired in each profile, read from promtool in one run.
 *
 * How: promtool's rule engine evaluates the rule groups at every evaluation step and, as
 * Prometheus does, writes `ALERTS{alertstate="firing"}` with the evaluation's timestamp
 * whenever an alert fires (after its `for:`), and a staleness marker when it resolves. Each
 * profile's test group asks, after the evaluation, for
 *   min by (alertname) (min_over_time(timestamp(ALERTS{alertstate="firing"})[W:step]))
 * over two windows: up to the fault (evaluated at the fault) and after it (evaluated at the
 * end). The subquery's steps are the evaluation steps (both start at 0), so the smallest
 * timestamp is exactly the first evaluation at which the alert was firing. The expected
 * samples are left empty, so promtool prints what it got (`{alertname=…} 6.3E+02`), labelled
 * with the profile and window by label_replace.
 */
import { PromtoolError } from './promtool.ts';
import type { PromtoolRun } from './promtool.ts';
import type { ExprTest } from './test-file.ts';
import { durationText } from './test-file.ts';

/** First firing of one alert in one profile, seconds from the profile's start. */
export interface FirstFiring {
  /** First firing at or before the fault. */
  beforeFaultS?: number;
  /** First firing after the fault (or the time it was still firing right after it). */
  afterFaultS?: number;
}

/** The checks that read the first firing times of profile number `profile`. */
export function firingTimeTests(profile: number, faultAtS: number, endS: number, stepS: number): ExprTest[] {
  const test = (window: string, evalS: number, rangeS: number): ExprTest => ({
    expr: `label_replace(label_replace(min by (alertname) (min_over_time(timestamp(ALERTS{alertstate="firing"})[${durationText(rangeS)}:${durationText(stepS)}])), "profile", "${profile}", "", ""), "window", "${window}", "", "")`,
    eval_time: durationText(evalS),
    exp_samples: [],
  });
  return [test('before', faultAtS, faultAtS + stepS), test('after', endS, endS - faultAtS)];
}

/** Rule evaluation errors promtool reported (`rule: NAME, time: T, err: …`). */
function evaluationErrors(output: string): string[] {
  return output.split('\n').map((line) => line.trim()).filter((line) => /^rule: .*, err: /.test(line));
}

/**
 * The first firing times in promtool's output of the tests built by {@link firingTimeTests}:
 * profile number → alert name → times.
 * @throws PromtoolError when a rule could not be evaluated or promtool failed otherwise
 */
export function parseFiringTimes(run: PromtoolRun): Map<number, Map<string, FirstFiring>> {
  const output = `${run.stdout}\n${run.stderr}`;
  const errors = evaluationErrors(output);
  if (errors.length) throw new PromtoolError(`promtool could not evaluate the rules:\n${errors.join('\n')}`);
  if (run.code !== 0 && run.code !== 1) throw new PromtoolError(`promtool test rules failed (exit ${run.code}):\n${output.trim()}`);
  const times = new Map<number, Map<string, FirstFiring>>();
  const sample = /\{alertname="((?:[^"\\]|\\.)*)", profile="(\d+)", window="(before|after)"\} ([-+0-9.eE]+)/g;
  for (const match of output.matchAll(sample)) {
    const alert = JSON.parse(`"${match[1]}"`) as string;
    const profile = Number(match[2]);
    const byAlert = times.get(profile) ?? new Map<string, FirstFiring>();
    times.set(profile, byAlert);
    const firing = byAlert.get(alert) ?? {};
    firing[match[3] === 'before' ? 'beforeFaultS' : 'afterFaultS'] = Number(match[4]);
    byAlert.set(alert, firing);
  }
  if (run.code === 1 && times.size === 0) throw new PromtoolError(`promtool test rules failed:\n${output.trim()}`);
  return times;
}
