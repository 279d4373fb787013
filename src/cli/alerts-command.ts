/**
 * `streamlab alerts test RULES.yml…`: prototype alert rules against real stream failures
 * (issue 17, docs/alerts.md). Runs the baseline and each scenario for real, builds a traffic
 * profile per scenario over simulated time, evaluates the rules over the profiles with
 * promtool and prints the matrix (or `--json`); `--write-tests DIR` writes promtool tests.
 */
import { existsSync, statSync } from 'node:fs';
import { Argument, Option } from 'commander';
import type { Command } from 'commander';
import { runAlertsTest } from '../alerts/alerts-test.ts';
import { renderMatrix, toAlertsJson } from '../alerts/alerts-report.ts';
import type { ProfileSummary } from '../alerts/alerts-report.ts';
import { defaultPromtool, RuleFileError } from '../alerts/promtool.ts';
import { CATALOGUE, CORE_SCENARIOS, selectScenarios } from '../scenarios/catalogue.ts';
import type { Scenario } from '../scenarios/catalogue.ts';
import { RUN_DEFAULTS } from '../scenarios/runner.ts';
import { SUBSCRIBE_LIMITS } from '../server/validate-request.ts';
import { SCENARIO_NONE } from '../telemetry/semconv.ts';
import type { CliContext } from './cli-context.ts';
import { addLogOptions } from './log-options.ts';
import type { LogOptions } from './log-options.ts';
import { durationMs, integerIn } from './parse-integer.ts';
import { parseRate, parseScenarioList, parseSeconds, parseShare } from './alerts-options.ts';

/** Seconds between two samples of a profile, as Prometheus scrapes; rules are evaluated as often. */
const SCRAPE_INTERVAL_S = 15;

interface AlertsTestCliOptions extends LogOptions {
  scenarios?: string[] | 'all';
  baseline: string;
  share: number;
  rate: number;
  minutes: number;
  faultAt: number;
  scenarioLabel: string;
  json: boolean;
  writeTests?: string;
  promtool: string;
  color?: boolean;
  intervalMs: number;
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
}

const DEFAULT_SCENARIOS = CORE_SCENARIOS.map((scenario) => scenario.name).filter((name) => name !== 'completion');

/**
 * The baseline and the scenarios the options name.
 * @throws Error naming a bad value (unknown scenario: the list of known ones)
 */
function chooseScenarios(options: AlertsTestCliOptions): { baseline: Scenario; scenarios: Scenario[] } {
  const [baseline] = selectScenarios([options.baseline]);
  const names = options.scenarios === 'all' ? CATALOGUE.map((scenario) => scenario.name).filter((name) => name !== options.baseline) : options.scenarios ?? DEFAULT_SCENARIOS;
  const scenarios = selectScenarios(names);
  if (options.faultAt % SCRAPE_INTERVAL_S !== 0) throw new Error(`--fault-at ${options.faultAt}s: use a multiple of the ${SCRAPE_INTERVAL_S} s scrape interval`);
  if (options.faultAt >= options.minutes * 60) throw new Error(`--fault-at ${options.faultAt}s is not inside the ${options.minutes}-minute profile: make it earlier or --minutes longer`);
  return { baseline: baseline!, scenarios };
}

/** Adds `alerts test` to `program`. */
export function registerAlertsCommand(program: Command, context: CliContext): Command {
  const alerts = program.command('alerts').summary('prototype alert rules against real stream failures');
  const command = alerts
    .command('test')
    .summary('which of your alert rules fire for which stream ending, how fast, and which stay quiet')
    .description([
      'Runs the baseline scenario and each scenario once for real (as `streamlab run` does) and takes what each run added to every series streamlab exports (both sides, all labels).',
      'Builds, per scenario, a traffic profile over simulated time: --rate streams ending per minute, all like the baseline until --fault-at, then --share of them like the scenario (with the detection times and message counts of the real runs), sampled every 15 s.',
      'Evaluates the rules over each profile with promtool (Prometheus\'s own rule engine) and prints a matrix, alert × scenario: quiet, or the simulated time from the fault to the first firing (after `for:`); the baseline-only profile is the column that must stay quiet.',
      'Warns about selectors that name series, labels or values streamlab never exports (with the closest real one), about rules that never fire and rules that fire in the baseline. Exit 2 for bad input (a rule file promtool refuses, an unknown scenario). See docs/alerts.md.',
    ].join('\n\n'))
    .addArgument(new Argument('<rules...>', 'Prometheus rule files (YAML, as rule_files takes them)'))
    .addOption(new Option('--scenarios <list>', `"all" (the catalogue but the baseline) or names separated by commas (default: ${DEFAULT_SCENARIOS.join(',')})`).argParser(parseScenarioList))
    .addOption(new Option('--baseline <scenario>', 'how streams end when nothing is wrong').default('completion'))
    .addOption(new Option('--share <share>', 'share of the streams that end like the scenario after the fault: 5% or 0.05').argParser(parseShare).default(0.05, '5%'))
    .addOption(new Option('--rate <rate>', 'streams ending per minute in the profile: 600/min, 10/s, 3000/h').argParser(parseRate).default(600, '600/min'))
    .addOption(new Option('--minutes <n>', 'length of each profile, minutes of simulated time').argParser(integerIn(2, 1440)).default(30))
    .addOption(new Option('--fault-at <duration>', 'when the fault starts in each profile (a multiple of 15 s)').argParser(parseSeconds).default(600, '10m'))
    .addOption(new Option('--scenario-label <value>', `the scenario label every series gets: "${SCENARIO_NONE}" is what streamlab exports for traffic without scenario baggage; "keep" keeps each run's scenario name`).default(SCENARIO_NONE))
    .addOption(new Option('--json', 'print one JSON document instead of the matrix').default(false))
    .addOption(new Option('--write-tests <dir>', 'write a promtool test file per profile into this folder (created if needed), checked with promtool before exit'))
    .addOption(new Option('--promtool <path>', 'the promtool to run').default(defaultPromtool(), '~/.cache/streamlab-tools/bin/promtool when present, else promtool on PATH'))
    .addOption(new Option('--no-color', 'no colours in the matrix (default: colours on a terminal)'))
    .addOption(new Option('--interval-ms <ms>', 'pause between the events of each real run').argParser(integerIn(SUBSCRIBE_LIMITS.interval_ms.min, SUBSCRIBE_LIMITS.interval_ms.max)).default(RUN_DEFAULTS.intervalMs))
    .addOption(new Option('--keepalive-time-ms <ms>', 'keepalive PING interval of the real runs (sets blackhole detection times)').argParser(durationMs).default(RUN_DEFAULTS.keepaliveTimeMs))
    .addOption(new Option('--keepalive-timeout-ms <ms>', 'keepalive PING timeout of the real runs').argParser(durationMs).default(RUN_DEFAULTS.keepaliveTimeoutMs));
  return addLogOptions(command, context, 'error').action(async (ruleFiles: string[], options: AlertsTestCliOptions) => {
    let chosen: ReturnType<typeof chooseScenarios>;
    try {
      const missing = ruleFiles.find((file) => !existsSync(file) || !statSync(file).isFile());
      if (missing !== undefined) throw new Error(`rule file ${missing}: no such file`);
      chosen = chooseScenarios(options);
    } catch (error) {
      return command.error(`error: ${(error as Error).message}`, { exitCode: 2, code: 'streamlab.badInput' });
    }
    context.onShutdown(async () => {
      // main.ts exits right after: child server processes are killed on exit (src/server-process/server-process.ts).
      context.setExitCode(130);
      context.stderr.write('interrupted: stopping\n');
    });
    const profile = {
      ratePerMin: options.rate, share: options.share, minutes: options.minutes, faultAtS: options.faultAt, scrapeIntervalS: SCRAPE_INTERVAL_S,
      ...(options.scenarioLabel === 'keep' ? {} : { scenarioLabel: options.scenarioLabel }),
    };
    const summary: ProfileSummary = { ...profile, baseline: chosen.baseline.name, evaluationIntervalS: SCRAPE_INTERVAL_S };
    const commandLine = [
      'streamlab alerts test', ...ruleFiles, `--scenarios ${chosen.scenarios.map((scenario) => scenario.name).join(',')}`, `--baseline ${chosen.baseline.name}`,
      `--share ${Math.round(options.share * 1000) / 10}%`, `--rate ${options.rate}/min`, `--minutes ${options.minutes}`, `--fault-at ${options.faultAt}s`,
    ].join(' ');
    try {
      const result = await runAlertsTest({
        ruleFiles, ...chosen, profile, evaluationIntervalS: SCRAPE_INTERVAL_S, promtool: options.promtool, commandLine,
        capture: {
          run: { intervalMs: options.intervalMs, keepaliveTimeMs: options.keepaliveTimeMs, keepaliveTimeoutMs: options.keepaliveTimeoutMs },
          logger: { format: options.logFormat, level: options.logLevel },
          importSpans: (spans) => context.spans.importSpans(spans),
        },
        ...(options.writeTests !== undefined ? { writeTestsDir: options.writeTests } : {}),
        progress: (line) => void context.stderr.write(`${line}\n`),
      });
      const color = options.color !== false && Boolean(context.stdout.isTTY);
      context.stdout.write(options.json ? `${JSON.stringify(toAlertsJson(result, summary))}\n` : `${renderMatrix(result, summary, color)}\n`);
    } catch (error) {
      if (error instanceof RuleFileError) return command.error(`error: ${error.message}`, { exitCode: 2, code: 'streamlab.badRuleFile' });
      throw error;
    }
  });
}
