/**
 * What the runner itself did during a scenario run, on one time axis with the streams'
 * lifecycle records: the timeline's cause row draws these. The first action is the cause
 * of the end, from which each side's detection is measured.
 */
import { createDeferred } from '../core/deferred.ts';
import type { Deferred } from '../core/deferred.ts';

/** The kinds of runner actions, with the marker the timeline draws and its legend word. */
export const RUN_ACTIONS = {
  'cancel': { char: 'x', legend: 'cancel()' },
  'fault': { char: '!', legend: 'network fault' },
  'kill': { char: 'K', legend: 'SIGKILL' },
  'terminate': { char: 'T', legend: 'SIGTERM' },
  'freeze': { char: 'F', legend: 'SIGSTOP (freeze)' },
  'resume': { char: 'R', legend: 'SIGCONT (resume)' },
  'deadline': { char: 'D', legend: 'deadline' },
  'no-server': { char: 'N', legend: 'no server' },
  // The Kubernetes labs (src/scenarios/k8s/).
  'goaway': { char: 'G', legend: 'GOAWAY (max connection age, or to a flood)' },
  'dns': { char: 'd', legend: 'DNS answer changes' },
  'flood': { char: '#', legend: 'rapid-reset flood' },
} as const;

/** One kind of runner action. */
export type RunActionKind = keyof typeof RUN_ACTIONS;

/** One thing the runner did. */
export interface RunAction {
  kind: RunActionKind;
  /** When, epoch ms. */
  atMs: number;
  /** What exactly, for the timeline's caption (e.g. `reset`, `SIGKILL pid 123`). */
  label: string;
}

/** The actions of one run, in the order they were recorded. */
export interface ActionLog {
  readonly actions: RunAction[];
  /** Resolves with the time of the first action: the cause of the end (epoch ms). */
  readonly cause: Deferred<number>;
  /** Records an action; the first one also marks the cause on the run. */
  act(kind: RunActionKind, atMs: number, label: string): void;
}

/** Creates the action log of one run; the first action marks the run's cause time. */
export function createActionLog(run: { markCause(atMs: number): void }): ActionLog {
  const actions: RunAction[] = [];
  const cause = createDeferred<number>();
  return {
    actions, cause,
    act(kind, atMs, label) {
      actions.push({ kind, atMs, label });
      if (cause.settled) return;
      run.markCause(atMs);
      cause.resolve(atMs);
    },
  };
}
