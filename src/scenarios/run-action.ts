/**
 * What the runner itself did during a scenario run, on one time axis with the streams'
 * lifecycle records: the timeline's cause row draws these.
 */

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
