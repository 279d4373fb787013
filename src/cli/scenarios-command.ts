/**
 * `streamlab scenarios [--json] [--explain NAME]`: the catalogue as a product — every
 * scenario with its summary, RPC kind, cause and the end causes it expects on each side, and
 * why; with `--explain`, one scenario's lesson (src/scenarios/catalogue/): the wire, what
 * grpc-js reports and why that misleads, how streamlab tells, Jaeger, Grafana, the alert.
 */
import Table from 'cli-table3';
import { Option } from 'commander';
import type { Command } from 'commander';
import { CATALOGUE, CORE_SCENARIOS, selectScenarios } from '../scenarios/catalogue.ts';
import type { Scenario } from '../scenarios/catalogue.ts';
import { describeExpected } from '../scenarios/scenario.ts';
import { causeOf } from '../scenarios/describe-scenario.ts';
import { explainText } from '../scenarios/lessons/explain-text.ts';
import { grpcCodeName } from '../telemetry/grpc-status.ts';
import type { CliContext } from './cli-context.ts';
import { toJsonScenario } from '../scenarios/scenario-json.ts';

/** Widest `--explain` text, even on a wide terminal: long lines are hard to read. */
const MAX_WIDTH = 100;

interface ScenariosOptions {
  json: boolean;
  explain?: string;
}

/** Prints the catalogue: a table and each scenario's summary and why, or the JSON document. */
function printCatalogue(context: CliContext, json: boolean): void {
  if (json) {
    context.stdout.write(`${JSON.stringify({ scenarios: CATALOGUE.map(toJsonScenario) })}\n`);
    return;
  }
  const table = new Table({
    head: ['scenario', 'rpc', 'cause', 'expected client', 'expected server'],
    style: { head: [], border: [] },
  });
  for (const scenario of CATALOGUE) {
    const core = CORE_SCENARIOS.includes(scenario) ? ' *' : '';
    table.push([`${scenario.name}${core}`, scenario.rpc, causeOf(scenario), `${describeExpected(scenario.expect.client)} (${grpcCodeName(scenario.expect.clientCode)})`, describeExpected(scenario.expect.server)]);
  }
  const notes = CATALOGUE.map((scenario) => `${scenario.name}: ${scenario.summary}.\n  Why: ${scenario.expect.why}.`);
  context.stdout.write(`${table.toString()}\n* core: \`streamlab run\` with no names runs these\n` +
    `\`streamlab scenarios --explain NAME\` tells what each one teaches\n\n${notes.join('\n')}\n`);
}

/** Prints `scenario`'s lesson, as text for a terminal or as the JSON document. */
function printLesson(context: CliContext, scenario: Scenario, json: boolean): void {
  const lesson = scenario.lesson;
  if (!lesson) {
    // A catalogue scenario without its lesson is a bug test/scenarios/lessons.test.ts reports.
    context.stderr.write(`error: scenario "${scenario.name}" has no lesson yet: add it to its module in src/scenarios/catalogue/\n`);
    context.setExitCode(1);
    return;
  }
  if (json) {
    context.stdout.write(`${JSON.stringify({ ...toJsonScenario(scenario), lesson })}\n`);
    return;
  }
  const columns = context.stdout.isTTY ? (context.stdout as { columns?: number }).columns ?? 80 : 80;
  context.stdout.write(explainText(scenario, lesson, CORE_SCENARIOS.includes(scenario), Math.min(columns, MAX_WIDTH)));
}

/** Adds `scenarios` to `program`. */
export function registerScenariosCommand(program: Command, context: CliContext): Command {
  const command = program
    .command('scenarios')
    .summary('list every scenario of the catalogue and what it expects; --explain NAME: its lesson')
    .description(
      'List the scenario catalogue: name, RPC kind, what causes the end, the end\n' +
        'cause each side is expected to report (a set where the kernel decides) and\n' +
        'why. `streamlab run NAME...` runs some, `streamlab run --all` runs them all,\n' +
        '`streamlab run` the core ones (marked *).\n' +
        '\n' +
        '--explain NAME prints what one scenario teaches: its summary and what each\n' +
        'side expects, then what happens on the wire (HTTP/2 frames, TCP segments),\n' +
        'what grpc-js reports on each side and why that alone misleads, how streamlab\n' +
        'tells the ending apart, where to look in Jaeger and Grafana, and which alert\n' +
        'rule fires (or why none does). docs/scenarios.md is the same text. An\n' +
        'unknown NAME exits 2.',
    )
    .addOption(new Option('--json', 'print one JSON document: {"scenarios":[{name, summary, rpc, core, cause, expected}]}; with --explain: {name, summary, rpc, core, cause, expected, lesson}').default(false))
    .addOption(new Option('--explain <name>', 'print the lesson of scenario NAME (see the list)'));
  return command.action((options: ScenariosOptions) => {
    if (options.explain === undefined) return printCatalogue(context, options.json);
    let scenario: Scenario;
    try {
      [scenario] = selectScenarios([options.explain]) as [Scenario];
    } catch (error) {
      return command.error(`error: ${(error as Error).message}`, { exitCode: 2, code: 'streamlab.unknownScenario' });
    }
    printLesson(context, scenario, options.json);
  });
}
