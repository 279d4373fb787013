/**
 * The runs a child server process takes part in: those its parent (the scenario runner)
 * announces over IPC (server-process-protocol.ts `open-run`, `mark-cause`), and those the
 * calls it serves name in their baggage (a lab's fleet servers serve a run they were not
 * told of). Calls of a run report to the parent and measure their detection from the cause
 * time the parent marks. At most {@link KEPT} runs are kept, the oldest forgotten first: the
 * wire cannot grow the process. A run met only in baggage has no scenario name of its own,
 * so its calls' `scenario` label is bounded as any baggage value is (telemetry/scenario-label.ts).
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
  /** Keeps run `id` (replacing what was kept of it), forgetting the oldest past KEPT. */
  const keep = (id: string, scenario: string): RunScope => {
    const cause = runs.get(id)?.cause;
    const run: RunScope & { cause?: number } = { id, scenario, observer, causeAtMs: () => run.cause, ...(cause !== undefined ? { cause } : {}) };
    runs.delete(id);
    runs.set(id, run);
    for (const old of runs.keys()) {
      if (runs.size <= KEPT) break;
      runs.delete(old);
    }
    return run;
  };
  return {
    get: (id) => runs.get(id) ?? keep(id, ''),
    announce(id, scenario) {
      keep(id, scenario);
    },
    markCause(id, atMs) {
      const run = runs.get(id);
      if (run) run.cause ??= atMs;
    },
  };
}
