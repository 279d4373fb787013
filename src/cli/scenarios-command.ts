/**
 * `streamlab scenarios [--json]`: the catalogue as a product — every scenario with its
 * summary, RPC kind, cause and the end causes it expects on each side, and why.
 */
import Table from 'cli-table3';
import { Option } from 'commander';
import type { Command } from 'commander';
import { CATALOGUE, CORE_SCENARIOS } from '../scenarios/catalogue.ts';
import { describeExpected } from '../scenarios/scenario.ts';
import { causeOf } from '../scenarios/describe-scenario.ts';
import { grpcCodeName } from '../telemetry/grpc-status.ts';
import type { CliContext } from './cli-context.ts';
import { toJsonScenario } from '../scenarios/scenario-json.ts';

/** Adds `scenarios` to `program`. */
export function registerScenariosCommand(program: Command, context: CliContext): Command {
  return program
    .command('scenarios')
    .summary('list every scenario of the catalogue and what it expects')
    .description(
      'List the scenario catalogue: name, RPC kind, what causes the end, the end cause each side\n' +
        'is expected to report (a set where the kernel decides) and why. `streamlab run NAME...`\n' +
        'runs some, `streamlab run --all` runs them all, `streamlab run` the core ones (marked *).',
    )
    .addOption(new Option('--json', 'print one JSON document: {"scenarios":[{name, summary, rpc, core, cause, expected}]}').default(false))
    .action((options: { json: boolean }) => {
      if (options.json) {
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
      context.stdout.write(`${table.toString()}\n* core: \`streamlab run\` with no names runs these\n\n${notes.join('\n')}\n`);
    });
}
