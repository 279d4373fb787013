/**
 * The scenario catalogue (design §3): every module of src/scenarios/catalogue/, one scenario
 * each — its definition, expectation and lesson — read in file-name order, which is the
 * report's order. A module is named `NNN-name.ts` (NNN its place, name the scenario's) and
 * its default export is the scenario. Adding a scenario is adding a module; CONTRIBUTING.md
 * says how. Here too: the core set, the `--rpc` matrix and the selection of scenarios by name.
 */
import { readdirSync } from 'node:fs';
import { didYouMean } from '../core/did-you-mean.ts';
import { RPC_KINDS } from '../core/method-info.ts';
import type { RpcKind } from '../core/method-info.ts';
import type { Scenario } from './scenario.ts';

export type { Scenario } from './scenario.ts';

/** The folder of the scenario modules. */
const MODULES = new URL('./catalogue/', import.meta.url);

/** A scenario module's file name: its place in the report and the scenario's name. */
const MODULE_NAME = /^(\d{3})-([a-z0-9]+(?:-[a-z0-9]+)*)\.ts$/;

/**
 * Every module of src/scenarios/catalogue/, in file-name order.
 * @throws Error naming a file that is not `NNN-name.ts`, or whose default export is not the scenario `name`
 */
async function loadCatalogue(): Promise<Scenario[]> {
  const files = readdirSync(MODULES).filter((file) => file.endsWith('.ts')).sort();
  return Promise.all(files.map(async (file) => {
    const match = MODULE_NAME.exec(file);
    if (!match) throw new Error(`src/scenarios/catalogue/${file}: a scenario module is named NNN-name.ts (NNN its place in the report, name the scenario's)`);
    const { default: scenario } = await import(new URL(file, MODULES).href) as { default?: Scenario };
    if (!scenario || scenario.name !== match[2]) {
      throw new Error(`src/scenarios/catalogue/${file}: its default export must be the scenario "${match[2]}"${scenario?.name ? `, not "${scenario.name}"` : ''}`);
    }
    return scenario;
  }));
}

/** Every scenario, in report order: the core set first. */
export const CATALOGUE: readonly Scenario[] = await loadCatalogue();

/** The core set (scenarios marked `core`), in report order: what `streamlab run` runs when none is named. */
export const CORE_SCENARIOS: readonly Scenario[] = CATALOGUE.filter((scenario) => scenario.core);

/** The scenarios `--rpc` runs over every kind: the core transport endings. */
export const TRANSPORT_SCENARIOS: readonly string[] = CORE_SCENARIOS.map((scenario) => scenario.name);

/**
 * `scenarios` run over each of `kinds`, kind by kind (the `--rpc` matrix): each transport
 * scenario as a copy with that RPC kind; other scenarios keep their own kind and run once.
 */
export function expandMatrix(scenarios: readonly Scenario[], kinds: readonly RpcKind[]): Scenario[] {
  const transport = scenarios.filter((scenario) => TRANSPORT_SCENARIOS.includes(scenario.name));
  const others = scenarios.filter((scenario) => !TRANSPORT_SCENARIOS.includes(scenario.name));
  return [...kinds.flatMap((rpc) => transport.map((scenario) => ({ ...scenario, rpc }))), ...others];
}

/**
 * Parses `--rpc`: one kind, or `all`.
 * @throws Error naming the value and the allowed ones
 */
export function parseRpcKinds(value: string): RpcKind[] {
  if (value === 'all') return [...RPC_KINDS];
  if ((RPC_KINDS as readonly string[]).includes(value)) return [value as RpcKind];
  throw new Error(`--rpc "${value}" is not allowed: use one of ${RPC_KINDS.join(', ')}, all`);
}

/**
 * What to say about a scenario name the catalogue does not have: the name, the closest known
 * one when it is likely a typo, and every known name.
 * @returns e.g. `unknown scenario "blackhol": did you mean "blackhole"? allowed are completion, cancel, …`
 */
export function unknownScenarioMessage(name: string, catalogue: readonly Scenario[] = CATALOGUE): string {
  const names = catalogue.map((scenario) => scenario.name);
  const suggestion = didYouMean(name, names);
  return `unknown scenario "${name}": ${suggestion ? `did you mean "${suggestion}"? ` : ''}allowed are ${names.join(', ')}`;
}

/**
 * The scenarios named, in the order given; the core scenarios when `names` is empty (the
 * whole catalogue is `CATALOGUE`, `run --all`).
 * @throws Error naming the unknown scenario, the closest known one and every known one ({@link unknownScenarioMessage})
 */
export function selectScenarios(names: readonly string[], catalogue: readonly Scenario[] = CATALOGUE): Scenario[] {
  if (names.length === 0) return catalogue.filter((scenario) => CORE_SCENARIOS.includes(scenario));
  return names.map((name) => {
    const scenario = catalogue.find((candidate) => candidate.name === name);
    if (!scenario) throw new Error(unknownScenarioMessage(name, catalogue));
    return scenario;
  });
}

/** The "after N messages" triggers of `scenario` (cancel, network fault, process fault, attack). */
function triggersOf(scenario: Scenario): number[] {
  const triggers: number[] = [];
  if (scenario.client.kind === 'cancel') triggers.push(scenario.client.afterMessages);
  if (scenario.network.kind === 'fault') triggers.push(scenario.network.afterMessages);
  if (scenario.server?.kind === 'process' || scenario.server?.kind === 'bus') triggers.push(scenario.server.fault.afterMessages);
  if (scenario.attack) triggers.push(scenario.attack.afterMessages);
  return triggers;
}

/**
 * `scenario` with `count` data messages instead of its own when its own stream is finite
 * (count > 0); a never-ending stream (count 0) stays so. `--count 3 --interval-ms 2000` is
 * the seed experiment's pace (3 responses, 2 s apart).
 * @throws Error naming the scenario when `count` leaves no message after one of its triggers
 */
export function withCount(scenario: Scenario, count: number): Scenario {
  if (scenario.count === 0 || count === scenario.count) return scenario;
  const last = Math.max(0, ...triggersOf(scenario));
  if (count <= last) {
    throw new Error(`--count ${count} is too small for "${scenario.name}": it acts after ${last} message(s), so use at least ${last + 1}`);
  }
  return { ...scenario, count };
}
