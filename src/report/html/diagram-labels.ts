/**
 * Words of the sequence diagram: which lane sits between the sides (network or process),
 * the label of each lifecycle event, and where the runner's own actions go.
 */
import { phaseSpec } from '../../core/lifecycle-events.ts';
import type { LifecycleEvent, StreamEnd } from '../../telemetry/lifecycle-event.ts';
import { grpcCodeName } from '../../telemetry/grpc-status.ts';
import type { Scenario } from '../../scenarios/scenario.ts';
import type { RunAction } from '../../scenarios/run-action.ts';
import type { DiagramItem, LaneId } from './diagram-model.ts';

/**
 * The middle lane: `process` when the scenario's cause is done to the server process (a
 * `process` server plan: kill, SIGTERM, freeze), `network` otherwise (the fault proxy, or
 * the nothing an absent server leaves on the path).
 */
export function middleLaneOf(scenario: Scenario): { id: LaneId; label: string } {
  const plan = scenario.server;
  if (plan?.kind === 'process') return { id: 'process', label: 'process (streamlab serve)' };
  if (plan?.kind === 'absent') return { id: 'network', label: 'network (nothing listens)' };
  if (plan?.kind === 'lab') return { id: 'network', label: plan.lab.lane };
  if (plan?.kind === 'bus') return { id: 'process', label: 'process (nats-server: the bus)' };
  return { id: 'network', label: 'network (fault proxy)' };
}

/** What a network fault does on the wire, for its label. */
const FAULT_WORDS: Record<string, string> = {
  reset: 'reset: the proxy sends RST both ways',
  close: 'close: the proxy sends FIN both ways',
  blackhole: 'blackhole: the proxy drops everything and closes nothing',
};

/** What a process action does, for its label (the action's own label names signal and pid). */
const PROCESS_WORDS: Record<string, string> = {
  kill: 'kill',
  terminate: 'terminate (drain: GOAWAY)',
  freeze: 'freeze (stop, sockets stay open)',
  resume: 'resume',
};

/**
 * The item of a runner action at `atMs` (ms since the scenario started): network and
 * process faults and an absent server on the middle lane (`fault`, `resume`), a deadline
 * and the runner's cancel() on the client's lane.
 */
export function actionItem(action: RunAction, middle: LaneId, atMs: number): DiagramItem | undefined {
  switch (action.kind) {
    case 'cancel':
      return { event: 'stream.cancel', lane: 'client', side: 'client', atMs, label: action.label };
    case 'deadline':
      return { event: 'deadline', lane: 'client', side: 'client', atMs, label: action.label };
    case 'fault':
      return { event: 'fault', lane: middle, atMs, label: FAULT_WORDS[action.label] ?? `fault: ${action.label}`, kind: action.label };
    case 'no-server':
      return { event: 'fault', lane: middle, atMs, label: `no server: ${action.label}`, kind: 'no-server' };
    case 'resume':
      return { event: 'resume', lane: middle, atMs, label: `${PROCESS_WORDS.resume}: ${action.label}`, kind: action.kind };
    default:
      return { event: 'fault', lane: middle, atMs, label: `${PROCESS_WORDS[action.kind] ?? action.kind}: ${action.label}`, kind: action.kind };
  }
}

/** The label of a single lifecycle event: cancel, close and end worded from their details (`stream.cancel` on the client takes the runner's words when it cancelled), the others as declared. */
export function eventLabel(event: LifecycleEvent, end: StreamEnd | undefined, actions: readonly RunAction[]): string {
  switch (event.phase) {
    case 'stream.cancel': {
      if (event.side === 'server') return 'cancel received (RST_STREAM CANCEL)';
      const runner = actions.find((action) => action.kind === 'cancel');
      return runner ? `${runner.label}: RST_STREAM CANCEL` : 'cancel: RST_STREAM CANCEL';
    }
    case 'transport.close':
      return `transport close (${event.detail === 'local' ? 'local' : (event.detail ?? '?').toUpperCase()})`;
    case 'stream.end': {
      const code = end ? ` · ${grpcCodeName(end.grpcCode)}` : '';
      return `end: ${event.detail ?? end?.endCause ?? '?'}${code}`;
    }
    default: {
      // The other phases' words are declared with them (src/core/lifecycle-events.ts).
      const drawing = phaseSpec(event.phase).diagram;
      return 'item' in drawing ? drawing.item : event.phase;
    }
  }
}
