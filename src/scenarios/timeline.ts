/**
 * A compact text timeline of one scenario run: both sides' lifecycle events on one time
 * axis, then the key events with their times relative to the stream's start.
 */
import type { LifecycleEvent, LifecyclePhase } from '../telemetry/lifecycle-event.ts';
import type { ScenarioResult } from './runner.ts';

/** Columns of the axis. */
const WIDTH = 60;

/** Marker per phase, and which marker wins when two fall in one column (higher wins). */
const MARKERS: Record<LifecyclePhase, { char: string; rank: number }> = {
  'message': { char: '·', rank: 1 },
  'backpressure.wait': { char: 'b', rank: 2 },
  'stream.open': { char: 'o', rank: 3 },
  'goaway': { char: 'g', rank: 4 },
  'transport.close': { char: 'c', rank: 5 },
  'keepalive.timeout': { char: 'k', rank: 6 },
  'stream.cancel': { char: 'x', rank: 7 },
  'stream.end': { char: 'E', rank: 8 },
};

function label(event: LifecycleEvent): string {
  const name = event.phase.replace('stream.', '');
  if (event.phase === 'transport.close') return `close(${event.detail})`;
  if (event.phase === 'stream.end') return `end ${event.detail}`;
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

  const header = `${result.scenario.name} — ${result.scenario.summary}`;
  const lines = [header, `  ${'time'.padEnd(6)} 0 ms${' '.repeat(WIDTH - 4 - `${(endMs - startMs).toFixed(0)} ms`.length)}${(endMs - startMs).toFixed(0)} ms`];
  if (result.causeAtMs !== undefined) {
    const cause = Array.from({ length: WIDTH }, () => ' ');
    cause[column(result.causeAtMs)] = result.scenario.client.kind === 'cancel' ? 'x' : '!';
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
    const parts = key.map((e) => `${label(e)} ${relative(e.atMs)}`);
    if (lastMessage) parts.splice(1, 0, `${messages.length} msgs (last ${relative(lastMessage.atMs)})`);
    lines.push(`  ${side}: ${parts.length ? parts.join(', ') : '(no events)'} ms`);
  }
  return lines.join('\n');
}
