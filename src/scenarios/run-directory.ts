/**
 * The scenario runs of one runner (or test), by id: each run has its own observer and cause
 * time, reached by the calls that belong to it through their baggage (`streamlab.run`;
 * telemetry/run-scope.ts). Runs of the same scenario may overlap; nothing is keyed by
 * scenario name.
 */
import { randomUUID } from 'node:crypto';
import { context as otelContext, propagation } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import type { RunDirectory, RunScope } from '../telemetry/run-scope.ts';
import { BAGGAGE_RUN, BAGGAGE_SCENARIO } from '../telemetry/semconv.ts';
import { createRunObserver } from './run-observer.ts';
import type { RunObserver } from './run-observer.ts';

/** One open run. */
export interface ScenarioRun extends RunScope, Omit<RunObserver, 'onEvent' | 'onEnd'> {
  readonly observer: RunObserver;
  /** Marks when the cause of the run's stream end happened (epoch ms); the first mark wins. */
  markCause(atMs: number): void;
  /** `parent` (default: the active context) with this run's baggage: the scenario name and the run id. */
  context(parent?: Context): Context;
  /** Closes the run: calls that name it from now on belong to no run. */
  close(): void;
}

/** The runs of one runner. */
export interface ScenarioRuns extends RunDirectory {
  /** Opens a run of `scenario`. */
  open(scenario: string): ScenarioRun;
}

/** Creates an empty directory. */
export function createRunDirectory(): ScenarioRuns {
  const runs = new Map<string, ScenarioRun>();
  return {
    get: (id) => runs.get(id),
    open(scenario) {
      const id = randomUUID();
      const observer = createRunObserver();
      let causeAtMs: number | undefined;
      const run: ScenarioRun = {
        id, scenario, observer,
        causeAtMs: () => causeAtMs,
        markCause: (atMs) => void (causeAtMs ??= atMs),
        context(parent = otelContext.active()) {
          const baggage = (propagation.getBaggage(parent) ?? propagation.createBaggage())
            .setEntry(BAGGAGE_SCENARIO, { value: scenario })
            .setEntry(BAGGAGE_RUN, { value: id });
          return propagation.setBaggage(parent, baggage);
        },
        events: observer.events,
        ends: observer.ends,
        nextEnd: observer.nextEnd,
        nextEvent: observer.nextEvent,
        close: () => void runs.delete(id),
      };
      runs.set(id, run);
      return run;
    },
  };
}
