/**
 * The runs a child server process takes part in, as its parent (the scenario runner)
 * announces them over IPC (server-process-protocol.ts `open-run`, `mark-cause`): calls that
 * name an announced run in their baggage report to the parent and measure their detection
 * from the cause time the parent marks. Runs the parent did not announce are unknown here.
 */
import type { LifecycleObserver } from '../telemetry/lifecycle-event.ts';
import type { RunDirectory, RunScope } from '../telemetry/run-scope.ts';

/** Runs announced by the parent. */
export interface AnnouncedRuns extends RunDirectory {
  /** The parent opened run `id` of `scenario`. */
  announce(id: string, scenario: string): void;
  /** The cause of run `id` happened at `atMs` (epoch ms). */
  markCause(id: string, atMs: number): void;
}

/** Runs kept at most; a child serves one run at a time, a few are kept for late records. */
const KEPT = 16;

/** Creates the directory; every run's records go to `observer` (the reporter to the parent). */
export function createAnnouncedRuns(observer: LifecycleObserver): AnnouncedRuns {
  const runs = new Map<string, RunScope & { cause?: number }>();
  return {
    get: (id) => runs.get(id),
    announce(id, scenario) {
      const run: RunScope & { cause?: number } = { id, scenario, observer, causeAtMs: () => run.cause };
      runs.set(id, run);
      for (const old of runs.keys()) {
        if (runs.size <= KEPT) break;
        runs.delete(old);
      }
    },
    markCause(id, atMs) {
      const run = runs.get(id);
      if (run) run.cause ??= atMs;
    },
  };
}
