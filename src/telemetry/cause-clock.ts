/**
 * When the cause of a stream's end happened, per scenario, so each side can report how
 * long it took to notice (`streamlab.detection_ms`). Only an in-process scenario runner
 * knows these times (it cancels or cuts the network itself); elsewhere the clock stays
 * empty and no detection latency is recorded.
 */
export interface CauseClock {
  /** Records that the cause of `scenario`'s stream end happened at `atMs` (epoch ms). */
  mark(scenario: string, atMs: number): void;
  /** The recorded cause time of `scenario`, if any. */
  causeAt(scenario: string): number | undefined;
  /** Forgets `scenario`'s cause time (before the scenario runs again). */
  clear(scenario: string): void;
}

/** Creates an empty cause clock. */
export function createCauseClock(): CauseClock {
  const causes = new Map<string, number>();
  return {
    mark: (scenario, atMs) => void causes.set(scenario, atMs),
    causeAt: (scenario) => causes.get(scenario),
    clear: (scenario) => void causes.delete(scenario),
  };
}
