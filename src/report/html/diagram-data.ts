/**
 * The sequence diagram of one scenario run as data: lanes (client, network or process,
 * server) and the items on them, on one time axis in ms since the scenario started. Pure:
 * the page embeds it as JSON and diagram-view.js draws it with d3 in the browser.
 */
import { LIFECYCLE_PHASES, phaseSpec } from '../../core/lifecycle-events.ts';
import type { LifecycleEvent, StreamEnd } from '../../telemetry/lifecycle-event.ts';
import type { Side } from '../../telemetry/metrics.ts';
import type { ScenarioResult } from '../../scenarios/scenario.ts';
import type { RunAction } from '../../scenarios/run-action.ts';
import { actionItem, eventLabel, middleLaneOf } from './diagram-labels.ts';
import type { DiagramData, DiagramDetection, DiagramEventName, DiagramItem, LaneId } from './diagram-model.ts';

const LANE_ORDER: readonly LaneId[] = ['client', 'network', 'process', 'server'];

/** `ms` rounded to 0.1. */
export const tenth = (ms: number): number => Math.round(ms * 10) / 10;

/** Builds the diagram of `result`. */
export function diagramData(result: ScenarioResult): DiagramData {
  const { scenario, events, actions } = result;
  const origin = Math.min(result.startedAtMs, ...events.map((e) => e.atMs), ...actions.map((a) => a.atMs));
  const rel = (atMs: number) => tenth(atMs - origin);
  const middle = middleLaneOf(scenario);
  const items: DiagramItem[] = [];
  for (const side of ['client', 'server'] as const) {
    const end = side === 'client' ? result.client : result.server;
    items.push(...sideItems(side, events.filter((e) => e.side === side), end, actions, rel));
  }
  // A runner's cancel() is the client's own stream.cancel; drawn from the action only when the client recorded none.
  const clientCancelled = items.some((i) => i.event === 'stream.cancel' && i.side === 'client');
  const caused = actions.map((action) => actionItem(action, middle.id, rel(action.atMs)))
    .filter((item): item is DiagramItem => item !== undefined && !(item.event === 'stream.cancel' && clientCancelled));
  // Causes first, so one at the same time as an event it causes is listed (and drawn) before it.
  items.unshift(...caused);
  const detection: DiagramDetection[] = [];
  if (result.causeAtMs !== undefined) {
    for (const end of [result.client, result.server]) {
      if (!end || end.detectionMs === undefined) continue;
      detection.push({ side: end.side, fromMs: rel(result.causeAtMs), toMs: rel(end.endedAtMs), ms: tenth(end.detectionMs) });
    }
  }
  const first = actions[0];
  const causeLane = first ? (actionItem(first, middle.id, 0)?.lane ?? 'client') : undefined;
  const notes: DiagramData['notes'] = [];
  if (!result.server) notes.push({ lane: 'server', text: result.serverNote ?? 'not observed: no end recorded on the server side' });
  if (!result.client) notes.push({ lane: 'client', text: 'no end recorded on the client side' });
  const times = [...items.map((i) => i.untilMs ?? i.atMs), ...detection.map((d) => d.toMs)];
  items.sort((a, b) => LANE_ORDER.indexOf(a.lane) - LANE_ORDER.indexOf(b.lane) || a.atMs - b.atMs);
  return {
    scenario: scenario.name,
    rpc: scenario.rpc,
    durationMs: Math.max(1, ...times),
    lanes: [{ id: 'client', label: 'client' }, middle, { id: 'server', label: 'server' }],
    items,
    detection,
    ...(causeLane ? { causeLane } : {}),
    notes,
  };
}

/** The phases drawn one item per record, and those collapsed into one band per side (src/core/lifecycle-events.ts). */
const SINGLE: ReadonlySet<string> = new Set(LIFECYCLE_PHASES.filter((phase) => 'item' in phaseSpec(phase).diagram));
const BANDS = LIFECYCLE_PHASES.filter((phase) => phase !== 'message' && 'band' in phaseSpec(phase).diagram);

/** One side's items: single events, and its messages (and other repeated records) collapsed into bands. */
function sideItems(side: Side, events: readonly LifecycleEvent[], end: StreamEnd | undefined, actions: readonly RunAction[], rel: (atMs: number) => number): DiagramItem[] {
  const items: DiagramItem[] = [];
  for (const event of events) {
    if (!SINGLE.has(event.phase)) continue;
    items.push({ event: event.phase as DiagramEventName, lane: side, side, atMs: rel(event.atMs), label: eventLabel(event, end, actions) });
  }
  const messages = events.filter((e) => e.phase === 'message');
  if (messages.length > 0) {
    // The end record counts beyond the recorder's cap; without one, the records' own directions.
    const sent = end?.sent ?? messages.filter((m) => m.detail?.startsWith('SENT')).length;
    const received = end?.received ?? messages.filter((m) => m.detail?.startsWith('RECEIVED')).length;
    items.push(band('messages', side, messages, sent + received, `messages: ${sent} sent, ${received} received`, rel));
  }
  for (const phase of BANDS) {
    const records = events.filter((e) => e.phase === phase);
    const drawing = phaseSpec(phase).diagram;
    if ('band' in drawing && records.length > 0) items.push(band(phase as DiagramEventName, side, records, records.length, drawing.band(records.length), rel));
  }
  return items;
}

function band(event: DiagramEventName, side: Side, records: readonly LifecycleEvent[], count: number, label: string, rel: (atMs: number) => number): DiagramItem {
  const ticksMs = records.map((r) => rel(r.atMs)).sort((a, b) => a - b);
  return { event, lane: side, side, atMs: ticksMs[0] ?? 0, untilMs: ticksMs.at(-1) ?? 0, label, count, ticksMs };
}
