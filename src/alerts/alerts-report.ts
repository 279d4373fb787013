/**
 * The report of `streamlab alerts test`: the matrix (alert × profile: fired or quiet, and
 * the simulated time from the fault to the first firing) with the warnings under it, or the
 * JSON document of issue 17.
 */
import Table from 'cli-table3';
import type { AlertsTestResult } from './alerts-test.ts';
import type { ProfileResult } from './evaluate-profiles.ts';
import { durationText } from './test-file.ts';
import type { ProfileOptions } from './traffic-profile.ts';
import { formatWarning } from './warnings.ts';

/** The profile settings as the report states them. */
export interface ProfileSummary extends ProfileOptions {
  baseline: string;
  evaluationIntervalS: number;
}

const RED = '\u001b[31m';
const GREEN = '\u001b[32m';
const RESET = '\u001b[0m';

/** One cell: `fires +1m45s`, `quiet`; the baseline's `FIRES at 2m` stands out. */
function cell(result: ProfileResult | undefined, color: boolean): string {
  const paint = (code: string, text: string) => (color ? `${code}${text}${RESET}` : text);
  if (!result) return '';
  if (!result.fired || result.first_firing_s === null) return paint(GREEN, 'quiet');
  if (result.baseline) return paint(RED, `FIRES at ${durationText(result.first_firing_s)}`);
  const before = result.fired_before_fault ? ' (also before)' : '';
  return paint(RED, `fires +${durationText(result.first_firing_s)}${before}`);
}

/** One sentence on what the profiles were. */
export function describeProfile(summary: ProfileSummary): string {
  const label = summary.scenarioLabel === undefined ? 'each run\'s own scenario label' : `scenario="${summary.scenarioLabel}" on every series`;
  return `Profiles: ${summary.ratePerMin} streams/min for ${summary.minutes} min; from ${durationText(summary.faultAtS)} on, ` +
    `${Math.round(summary.share * 1000) / 10} % of them end like the column's scenario, the rest like ${summary.baseline} ` +
    `(the baseline column: all of them, all the time); ${label}; sampled every ${summary.scrapeIntervalS} s, rules evaluated every ` +
    `${summary.evaluationIntervalS} s by promtool. A time is from the fault to the first evaluation at which the alert was firing (after its for:).`;
}

/** The matrix, the profile sentence and the warnings, for a terminal. */
export function renderMatrix(result: AlertsTestResult, summary: ProfileSummary, color: boolean): string {
  const first = result.alerts[0]?.results ?? [];
  const table = new Table({
    head: ['alert', ...first.map((profile) => (profile.baseline ? `${profile.scenario} (baseline)` : profile.scenario))],
    style: { head: color ? ['cyan'] : [], border: color ? ['grey'] : [] },
  });
  for (const row of result.alerts) table.push([row.name, ...first.map((_, index) => cell(row.results[index], color))]);
  const lines = [result.alerts.length ? table.toString() : 'No alerting rules in these files.', describeProfile(summary)];
  if (result.written.length) lines.push(`promtool tests written: ${result.written.join(', ')}`);
  if (result.warnings.length) lines.push('', `Warnings (${result.warnings.length}):`, ...result.warnings.map((warning) => `- ${formatWarning(warning)}`));
  return lines.join('\n');
}

/** The `--json` document: `{"profile":{…},"alerts":[{"name","file","results":[{"scenario","fired","first_firing_s"}]}],"warnings":[…]}`. */
export function toAlertsJson(result: AlertsTestResult, summary: ProfileSummary) {
  return {
    profile: {
      rate_per_min: summary.ratePerMin, share: summary.share, minutes: summary.minutes, fault_at_s: summary.faultAtS,
      scrape_interval_s: summary.scrapeIntervalS, evaluation_interval_s: summary.evaluationIntervalS,
      baseline: summary.baseline, scenario_label: summary.scenarioLabel ?? null, run_ms: result.runMs,
    },
    alerts: result.alerts.map((row) => ({ name: row.name, file: row.file, line: row.line, results: row.results })),
    warnings: result.warnings,
    written: result.written,
  };
}
