/**
 * A compact text timeline of one scenario run: both sides' lifecycle events on one time
 * axis, then the key events with their times relative to the stream's start.
 */
import { LIFECYCLE_PHASES, phaseSpec } from '../core/lifecycle-events.ts';
import type { LifecyclePhase, TimelineMark } from '../core/lifecycle-events.ts';
import type { LifecycleEvent } from '../telemetry/lifecycle-event.ts';
import type { ScenarioResult } from './scenario.ts';
import { RUN_ACTIONS } from './run-action.ts';

/** Columns of the axis. */
const WIDTH = 60;

/** Marker per phase (src/core/lifecycle-events.ts), and its rank: when two fall in one column, the higher rank wins. */
const MARKERS = Object.fromEntries(LIFECYCLE_PHASES.map((phase, index) => [phase, { ...phaseSpec(phase).timeline, rank: index + 1 }])) as Record<LifecyclePhase, TimelineMark & { rank: number }>;

/** The legend of every marker the timeline can draw, e.g. `o open, · message, ...; cause row: x cancel(), ...`. */
export function timelineLegend(): string {
  const phases = Object.values(MARKERS).sort((a, b) => a.rank - b.rank).map((marker) => `${marker.char} ${marker.legend}`);
  const actions = Object.values(RUN_ACTIONS).map((marker) => `${marker.char} ${marker.legend}`);
  return `${phases.join(', ')}; cause row: ${actions.join(', ')}`;
}

function label(event: LifecycleEvent): string {
  const name = event.phase.replace('stream.', '');
  if (event.phase === 'transport.close') return `close(${event.detail})`;
  if (event.phase === 'stream.end') return `end ${event.detail}`;
  if (event.phase === 'delivery.redeliver') return `redeliver #${event.detail}`;
  if (event.phase === 'delivery.exhausted') return `exhausted #${event.detail}`;
  return name;
}

/** What the report says of a client that noticed nothing within the bound. */
export function silenceNote(boundMs: number): string {
  return `still waiting after ${boundMs / 1000} s — without keepalive it would wait forever; the runner cancelled it`;
}

/** Renders the timeline of `result` as a few lines of text. */
export function renderTimeline(result: ScenarioResult): string {
  // A side whose end counts no message (a call that never connected: what it was handed never
  // left) has none to draw either.
  const noMessages = (side: 'client' | 'server') => {
    const end = side === 'client' ? result.client : result.server;
    return end !== undefined && end !== null && end.sent + end.received === 0;
  };
  const events = result.events.filter((event) => event.phase !== 'message' || !noMessages(event.side));
  const startMs = Math.min(result.startedAtMs, ...events.map((e) => e.atMs));
  const endMs = Math.max(startMs + 1, ...events.map((e) => e.atMs), ...result.actions.map((action) => action.atMs));
  const column = (atMs: number) => Math.min(WIDTH - 1, Math.floor(((atMs - startMs) / (endMs - startMs)) * WIDTH));
  const relative = (atMs: number) => `+${(atMs - startMs).toFixed(1)}`;

  const row = (side: 'client' | 'server') => {
    const cells: Array<{ char: string; rank: number }> = Array.from({ length: WIDTH }, () => ({ char: ' ', rank: 0 }));
    for (const event of events.filter((e) => e.side === side)) {
      const marker = MARKERS[event.phase];
      const cell = cells[column(event.atMs)];
      if (cell && marker.rank > cell.rank) Object.assign(cell, marker);
    }
    return cells.map((cell) => cell.char).join('');
  };

  const header = `${result.scenario.name} [${result.scenario.rpc}] — ${result.scenario.summary}`;
  const lines = [header, `  ${'time'.padEnd(6)} 0 ms${' '.repeat(WIDTH - 4 - `${(endMs - startMs).toFixed(0)} ms`.length)}${(endMs - startMs).toFixed(0)} ms`];
  if (result.actions.length > 0) {
    const cause = Array.from({ length: WIDTH }, () => ' ');
    for (const action of result.actions) cause[column(action.atMs)] = RUN_ACTIONS[action.kind].char;
    const what = result.actions.map((action) => `${action.label} ${relative(action.atMs)}`).join(', ');
    lines.push(`  ${'cause'.padEnd(6)} ${cause.join('')}  ${what} ms`);
  }
  for (const side of ['client', 'server'] as const) {
    lines.push(`  ${side.padEnd(6)} ${row(side)}`);
  }
  for (const side of ['client', 'server'] as const) {
    const key = events.filter((e) => e.side === side && e.phase !== 'message').sort((a, b) => a.atMs - b.atMs);
    const messages = events.filter((e) => e.side === side && e.phase === 'message');
    const lastMessage = messages.at(-1);
    const end = side === 'client' ? result.client : result.server;
    const parts = key.map((e) => `${label(e)} ${relative(e.atMs)}`);
    // Counts from the end record: lifecycle records of messages stop at the event cap.
    const counted = end ? `${end.sent} sent, ${end.received} received` : `${messages.length} msgs`;
    if (lastMessage) parts.splice(1, 0, `${counted} (last ${relative(lastMessage.atMs)})`);
    const note = side === 'server' && result.serverNote ? result.serverNote : undefined;
    const seen = parts.length ? `${parts.join(', ')} ms${note ? ` — ${note}` : ''}` : `(${note ?? 'no events'})`;
    lines.push(`  ${side}: ${seen}`);
    if (side === 'client' && result.silentForMs !== undefined) lines.push(`  client: ${silenceNote(result.silentForMs)}`);
  }
  return lines.join('\n');
}
