/**
 * Collects the lifecycle records of one scenario run, both sides, in process, so the runner
 * can wait for each side's end and draw the timeline. Each run has its own (run-directory.ts).
 */
import type { LifecycleEvent, LifecycleObserver, Side, StreamEnd } from '../telemetry/lifecycle-event.ts';

/** A LifecycleObserver plus the queries the runner needs. */
export interface RunObserver extends LifecycleObserver {
  /** Every event recorded so far, in arrival order. */
  events(): LifecycleEvent[];
  /** Every end recorded so far. */
  ends(): StreamEnd[];
  /** Resolves with the first end recorded on `side` (one already recorded included), or undefined after `timeoutMs`. */
  nextEnd(side: Side, timeoutMs: number): Promise<StreamEnd | undefined>;
  /** Resolves with the next event of `phase` (any side) from now on, or undefined after `timeoutMs`. */
  nextEvent(phase: LifecycleEvent['phase'], timeoutMs: number): Promise<LifecycleEvent | undefined>;
}

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

/** Creates an empty run observer. Message events are kept only up to `maxMessageEvents` (default 2,000). */
export function createRunObserver(maxMessageEvents = 2_000): RunObserver {
  const events: LifecycleEvent[] = [];
  const ends: StreamEnd[] = [];
  let messageEvents = 0;
  const endWaiters = new Set<{ side: Side; resolve: (end: StreamEnd) => void }>();
  const eventWaiters = new Set<{ phase: string; resolve: (event: LifecycleEvent) => void }>();
  return {
    onEvent(event) {
      if (event.phase !== 'message' || messageEvents++ < maxMessageEvents) events.push(event);
      for (const waiter of eventWaiters) if (waiter.phase === event.phase) waiter.resolve(event);
    },
    onEnd(end) {
      ends.push(end);
      for (const waiter of endWaiters) if (waiter.side === end.side) waiter.resolve(end);
    },
    events: () => [...events],
    ends: () => [...ends],
    nextEnd(side, timeoutMs) {
      const known = ends.find((end) => end.side === side);
      if (known) return Promise.resolve(known);
      return waitFor<StreamEnd>(timeoutMs, (resolve) => {
        const waiter = { side, resolve };
        endWaiters.add(waiter);
        return () => endWaiters.delete(waiter);
      });
    },
    nextEvent(phase, timeoutMs) {
      return waitFor<LifecycleEvent>(timeoutMs, (resolve) => {
        const waiter = { phase, resolve };
        eventWaiters.add(waiter);
        return () => eventWaiters.delete(waiter);
      });
    },
  };
}
