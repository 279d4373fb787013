/**
 * A compact text timeline of one scenario run: both sides' lifecycle events on one time
 * axis, then the key events with their times relative to the stream's start.
 */
import type { LifecycleEvent, LifecyclePhase } from '../telemetry/lifecycle-event.ts';
import type { ScenarioResult } from './runner.ts';

/** Columns of the axis. */
const WIDTH = 60;

/** Marker per phase, which marker wins when two fall in one column (higher wins), and its legend word. */
const MARKERS: Record<LifecyclePhase, { char: string; rank: number; legend: string }> = {
  'message': { char: '·', rank: 1, legend: 'message' },
  'backpressure.wait': { char: 'b', rank: 2, legend: 'backpressure wait' },
  'stream.open': { char: 'o', rank: 3, legend: 'open' },
  'delivery.redeliver': { char: 'r', rank: 4, legend: 'redelivery' },
  'delivery.exhausted': { char: 'X', rank: 5, legend: 'exhausted' },
  'goaway': { char: 'g', rank: 6, legend: 'GOAWAY' },
  'transport.close': { char: 'c', rank: 7, legend: 'transport close' },
  'keepalive.timeout': { char: 'k', rank: 8, legend: 'keepalive timeout' },
  'stream.cancel': { char: 'x', rank: 9, legend: 'cancel' },
  'stream.end': { char: 'E', rank: 10, legend: 'end' },
};

/** Markers of the cause row (the runner's own action). */
const CAUSE_MARKERS = { cancel: { char: 'x', legend: 'cancel()' }, fault: { char: '!', legend: 'network fault' } } as const;

/** The legend of every marker the timeline can draw, e.g. `o open, · message, ...`. */
export function timelineLegend(): string {
  const phases = Object.values(MARKERS).sort((a, b) => a.rank - b.rank).map((marker) => `${marker.char} ${marker.legend}`);
  return [...phases, `${CAUSE_MARKERS.fault.char} ${CAUSE_MARKERS.fault.legend} (cause row)`].join(', ');
}

function label(event: LifecycleEvent): string {
  const name = event.phase.replace('stream.', '');
  if (event.phase === 'transport.close') return `close(${event.detail})`;
  if (event.phase === 'stream.end') return `end ${event.detail}`;
  if (event.phase === 'delivery.redeliver') return `redeliver #${event.detail}`;
  if (event.phase === 'delivery.exhausted') return `exhausted #${event.detail}`;
  return name;
}

/** Renders the timeline of `result` as a few lines of text. */
export function renderTimeline(result: ScenarioResult): string {
  const events = result.events;
  const startMs = Math.min(result.startedAtMs, ...events.map((e) => e.atMs));
  const endMs = Math.max(startMs + 1, ...events.map((e) => e.atMs), result.causeAtMs ?? startMs);
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
  if (result.causeAtMs !== undefined) {
    const cause = Array.from({ length: WIDTH }, () => ' ');
    cause[column(result.causeAtMs)] = result.scenario.client.kind === 'cancel' ? CAUSE_MARKERS.cancel.char : CAUSE_MARKERS.fault.char;
    const what = result.scenario.network.kind === 'fault' ? result.scenario.network.fault : 'cancel()';
    lines.push(`  ${'cause'.padEnd(6)} ${cause.join('')}  ${what} ${relative(result.causeAtMs)} ms`);
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
    lines.push(`  ${side}: ${parts.length ? parts.join(', ') : '(no events)'} ms`);
  }
  return lines.join('\n');
}
