/**
 * The firing alerts (labels and annotations) at chosen times, read from promtool in one
 * run: each asked time is an `alert_rule_test` that expects no alert, so promtool prints
 * every one that fired there (`got:[ 0: Labels:{…} Annotations:{…} ]`), under the test
 * group's name. Pending alerts are not listed: promtool, like Alertmanager, compares only
 * firing ones.
 */
import { parseDurationS, parseLabelSet } from './go-labels.ts';
import { PromtoolError } from './promtool.ts';
import type { PromtoolRun } from './promtool.ts';
import type { AlertRuleTest, ExpectedAlert } from './test-file.ts';
import { durationText } from './test-file.ts';

/** The checks that ask which `alerts` fire at each of `timesS`. */
export function observationTests(alerts: readonly string[], timesS: readonly number[]): AlertRuleTest[] {
  return [...new Set(timesS)].sort((a, b) => a - b).flatMap((timeS) => alerts.map((alertname) => ({ eval_time: durationText(timeS), alertname, exp_alerts: [] })));
}

/** `group name → "alert@seconds" → firing alerts` (a key absent: none fired). */
export type Observations = Map<string, Map<string, ExpectedAlert[]>>;

/** The key of one alert at one time in {@link Observations}. */
export const observationKey = (alertname: string, timeS: number): string => `${alertname}@${timeS}`;

/** The firing alerts in promtool's output of tests built by {@link observationTests}. */
export function parseObservations(run: PromtoolRun): Observations {
  const output = `${run.stdout}\n${run.stderr}`;
  if (run.code !== 0 && run.code !== 1) throw new PromtoolError(`promtool test rules failed (exit ${run.code}):\n${output.trim()}`);
  const observations: Observations = new Map();
  const block = /name: (.*),\n\s*alertname: (.*), time: (\S+), \n\s*exp:\[\], \n\s*got:\[\n([\s\S]*?)\n\s*\]\n?/g;
  for (const match of output.matchAll(block)) {
    const alerts: ExpectedAlert[] = [];
    let labels: Record<string, string> | undefined;
    for (const line of match[4]!.split('\n').map((text) => text.trim())) {
      if (line.startsWith('Labels:')) labels = parseLabelSet(line.slice('Labels:'.length));
      else if (line.startsWith('Annotations:') && labels) {
        const { alertname: _name, ...rest } = labels;
        alerts.push({ exp_labels: rest, exp_annotations: parseLabelSet(line.slice('Annotations:'.length)) });
        labels = undefined;
      }
    }
    const group = observations.get(match[1]!) ?? new Map<string, ExpectedAlert[]>();
    observations.set(match[1]!, group);
    group.set(observationKey(match[2]!, parseDurationS(match[3]!)), alerts);
  }
  if (run.code === 1 && observations.size === 0) throw new PromtoolError(`promtool test rules failed:\n${output.trim()}`);
  return observations;
}
