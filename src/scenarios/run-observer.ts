/**
 * Collects the lifecycle records of both sides, in process, so the runner can wait for
 * each side's end and draw the timeline. Pass it as the `observer` of the telemetry deps
 * that both the embedded server and the scenario clients use.
 */
import type { LifecycleEvent, LifecycleObserver, StreamEnd } from '../telemetry/lifecycle-event.ts';

/** The run observer: a LifecycleObserver plus queries the runner needs. */
export interface RunObserver extends LifecycleObserver {
  /** Every event recorded for `scenario` since the last `forget(scenario)`. */
  eventsOf(scenario: string): LifecycleEvent[];
  /**
   * Resolves with the first end recorded on `side` for `scenario` (one already recorded
   * included), or undefined after `timeoutMs`.
   */
  nextEnd(side: StreamEnd['side'], scenario: string, timeoutMs: number): Promise<StreamEnd | undefined>;
  /** Resolves with the next event of `phase` (any side, any scenario), or undefined after `timeoutMs`. */
  nextEvent(phase: LifecycleEvent['phase'], timeoutMs: number): Promise<LifecycleEvent | undefined>;
  /** Drops what was recorded for `scenario` (before it runs again). */
  forget(scenario: string): void;
}

/** Creates an empty run observer. Message events are kept only up to `maxEventsPerScenario` (default 2,000). */
export function createRunObserver(maxEventsPerScenario = 2_000): RunObserver {
  const events = new Map<string, LifecycleEvent[]>();
  const ends = new Map<string, StreamEnd[]>();
  const waiters = new Set<{ side: string; scenario: string; resolve: (end: StreamEnd) => void }>();
  const eventWaiters = new Set<{ phase: string; resolve: (event: LifecycleEvent) => void }>();

  /** A promise resolved by `register`'s callback, or with undefined after `timeoutMs`. */
  function waitFor<T>(timeoutMs: number, register: (resolve: (value: T) => void) => () => void): Promise<T | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        unregister();
        resolve(undefined);
      }, timeoutMs);
      const unregister = register((value) => {
        clearTimeout(timer);
        unregister();
        resolve(value);
      });
    });
  }

  return {
    onEvent(event) {
      const list = events.get(event.scenario) ?? [];
      if (list.length < maxEventsPerScenario || event.phase !== 'message') list.push(event);
      events.set(event.scenario, list);
      for (const waiter of eventWaiters) if (waiter.phase === event.phase) waiter.resolve(event);
    },
    onEnd(end) {
      const list = ends.get(end.scenario) ?? [];
      list.push(end);
      ends.set(end.scenario, list);
      for (const waiter of waiters) {
        if (waiter.side === end.side && waiter.scenario === end.scenario) waiter.resolve(end);
      }
    },
    eventsOf: (scenario) => [...(events.get(scenario) ?? [])],
    nextEnd(side, scenario, timeoutMs) {
      const known = ends.get(scenario)?.find((end) => end.side === side);
      if (known) return Promise.resolve(known);
      return waitFor<StreamEnd>(timeoutMs, (resolve) => {
        const waiter = { side, scenario, resolve };
        waiters.add(waiter);
        return () => waiters.delete(waiter);
      });
    },
    nextEvent(phase, timeoutMs) {
      return waitFor<LifecycleEvent>(timeoutMs, (resolve) => {
        const waiter = { phase, resolve };
        eventWaiters.add(waiter);
        return () => eventWaiters.delete(waiter);
      });
    },
    forget(scenario) {
      events.delete(scenario);
      ends.delete(scenario);
    },
  };
}
