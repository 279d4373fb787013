/**
 * Evaluates rule files over traffic profiles with Prometheus's own rule engine: one
 * `promtool test rules` run for every profile together (one test group each), reading when
 * each alert first fired (firing-times.ts).
 *
 * Why promtool and not a real Prometheus: promtool's unit tests run the same rule manager
 * and PromQL engine on simulated time, so a 30-minute profile takes seconds instead of 30
 * minutes, needs no ports, no storage directory and no process to stop, and is
 * deterministic; and its test files are what a user commits and runs in CI.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { firingTimeTests, parseFiringTimes } from './firing-times.ts';
import type { FirstFiring } from './firing-times.ts';
import { runPromtool } from './promtool.ts';
import { testFileText, testGroupOf } from './test-file.ts';
import type { TestFiles, TestGroup } from './test-file.ts';
import type { ProfileOptions, TrafficProfile } from './traffic-profile.ts';

/** promtool may take this long for one run, ms. */
export const PROMTOOL_BOUND_MS = 600_000;

/** One alert in one profile. */
export interface ProfileResult {
  /** The profile's scenario (the baseline's name for the baseline-only profile). */
  scenario: string;
  baseline: boolean;
  fired: boolean;
  /**
   * Seconds from the fault to the first evaluation at which the alert was firing (after its
   * `for:`); for the baseline profile, from the profile's start. Null when it never fired.
   */
  first_firing_s: number | null;
  /** A scenario profile: the alert also fired before the fault (in the baseline's traffic). */
  fired_before_fault?: boolean;
}

/** The test group name of a profile (promtool prints it with each result). */
export function groupName(profile: TrafficProfile, options: ProfileOptions, baselineName: string): string {
  const rate = `${options.ratePerMin} streams/min`;
  if (profile.baseline) return `${profile.scenario}: baseline only, ${rate} all ending like ${baselineName} for ${options.minutes} min`;
  return `${profile.scenario}: ${rate}, ${Math.round(options.share * 1000) / 10} % ending like ${profile.scenario} from ${options.faultAtS} s on (the rest like ${baselineName})`;
}

/** The test groups of `profiles` with the checks `checksOf` asks of each. */
export function groupsOf(profiles: readonly TrafficProfile[], options: ProfileOptions, baselineName: string, checksOf: (profile: TrafficProfile, index: number) => Pick<TestGroup, 'alert_rule_test' | 'promql_expr_test'>): TestGroup[] {
  return profiles.map((profile, index) => testGroupOf(groupName(profile, options, baselineName), profile, options.scrapeIntervalS, checksOf(profile, index)));
}

/**
 * Runs promtool once over `groups` in a temporary folder (removed afterwards).
 * @throws PromtoolError when promtool cannot be run or does not finish within {@link PROMTOOL_BOUND_MS}
 */
export async function runTestGroups(promtool: string, files: TestFiles, groups: readonly TestGroup[]) {
  const folder = mkdtempSync(join(tmpdir(), 'streamlab-alerts-'));
  try {
    const file = join(folder, 'profiles.test.yml');
    writeFileSync(file, testFileText({ ...files, ruleFiles: files.ruleFiles.map((ruleFile) => resolve(ruleFile)) }, groups));
    return await runPromtool(promtool, ['test', 'rules', file], { boundMs: PROMTOOL_BOUND_MS });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The result of one alert in one profile from its first firing times. */
function resultOf(profile: TrafficProfile, firing: FirstFiring | undefined, faultAtS: number): ProfileResult {
  const base = { scenario: profile.scenario, baseline: profile.baseline };
  if (profile.baseline) {
    const times = [firing?.beforeFaultS, firing?.afterFaultS].filter((time): time is number => time !== undefined);
    return { ...base, fired: times.length > 0, first_firing_s: times.length ? Math.min(...times) : null };
  }
  const after = firing?.afterFaultS;
  return {
    ...base, fired: after !== undefined, first_firing_s: after === undefined ? null : after - faultAtS,
    fired_before_fault: firing?.beforeFaultS !== undefined,
  };
}

/**
 * Evaluates the rule files over `profiles` (the baseline-only one included) in one promtool run.
 * @returns alert name → one result per profile, in the profiles' order
 * @throws PromtoolError when promtool fails or cannot evaluate a rule
 */
export async function evaluateProfiles(
  promtool: string, files: TestFiles, alerts: readonly string[], profiles: readonly TrafficProfile[],
  options: ProfileOptions & { baselineName: string },
): Promise<Map<string, ProfileResult[]>> {
  const endS = options.minutes * 60;
  const groups = groupsOf(profiles, options, options.baselineName, (_, index) => ({
    promql_expr_test: firingTimeTests(index, options.faultAtS, endS, files.evaluationIntervalS),
  }));
  const times = parseFiringTimes(await runTestGroups(promtool, files, groups));
  return new Map(alerts.map((alert) => [alert, profiles.map((profile, index) => resultOf(profile, times.get(index)?.get(alert), options.faultAtS))]));
}
