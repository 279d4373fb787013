/**
 * The scenario names a command's servers and clients may use as `scenario` label values
 * (telemetry/scenario-label.ts): every catalogue scenario, the fleet's long-lived
 * subscriptions, and the names configured with STREAMLAB_SCENARIO_LABELS. Any other
 * scenario a client names in its baggage is labelled `other`.
 */
import { CATALOGUE } from '../scenarios/catalogue.ts';
import { SCENARIO_FLEET } from '../telemetry/semconv.ts';
import type { CliContext } from './cli-context.ts';

/** The known scenario names of this process. */
export function knownScenarioLabels(context: Pick<CliContext, 'scenarioLabels'>): string[] {
  return [...CATALOGUE.map((scenario) => scenario.name), SCENARIO_FLEET, ...(context.scenarioLabels ?? [])];
}
