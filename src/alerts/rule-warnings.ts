/**
 * Warnings about how an alert behaved over the profiles (issue 17): one that never fired in
 * any profile (it cannot catch any of these endings: a threshold, a window or a selector to
 * look at), and one that fired in the baseline-only profile (it pages when nothing is wrong).
 */
import type { ProfileResult } from './evaluate-profiles.ts';
import type { AlertWarning } from './warnings.ts';

/** An alert's row: where it is and its result per profile. */
export interface AlertOutcome {
  name: string;
  file: string;
  line: number;
  results: readonly ProfileResult[];
}

/** The warnings about one alert's results. */
export function ruleWarnings(row: AlertOutcome): AlertWarning[] {
  const where = { file: row.file, line: row.line, rule: row.name };
  const baseline = row.results.find((result) => result.baseline);
  const scenarios = row.results.filter((result) => !result.baseline);
  const warnings: AlertWarning[] = [];
  if (baseline?.fired) {
    warnings.push({ ...where, kind: 'fires-in-baseline', message: `fires in the baseline-only profile (${baseline.scenario}), ${baseline.first_firing_s} s in: it would page when nothing is wrong` });
  }
  if (!row.results.some((result) => result.fired) && scenarios.length) {
    warnings.push({ ...where, kind: 'never-fires', message: `never fires in any profile (${scenarios.map((result) => result.scenario).join(', ')}): check its threshold, window and selectors against these endings` });
  }
  return warnings;
}
