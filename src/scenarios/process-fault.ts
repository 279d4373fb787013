/**
 * Sends a process scenario's fault to its child server (scenario.ts `ProcessFault`) and
 * records it in the run's action log.
 */
import { nowMs } from '../core/clock.ts';
import type { ActionLog } from './run-action.ts';
import type { Scenario } from './scenario.ts';
import type { ScenarioEndpoint } from './scenario-endpoint.ts';

/**
 * SIGKILL at once; SIGTERM or SIGSTOP once the child has learned the cause time (an IPC
 * round trip, under 1 ms), so its own `streamlab.detection_ms` is measured from it too.
 * Does nothing when the scenario has no process fault. Never rejects.
 */
export async function signalProcessFault(scenario: Scenario, endpoint: ScenarioEndpoint, log: ActionLog, runId: string): Promise<void> {
  const child = endpoint.process;
  const fault = scenario.server?.kind === 'process' ? scenario.server.fault : undefined;
  if (!child || !fault) return;
  if (fault.kind === 'kill') return log.act('kill', child.signal('SIGKILL'), `SIGKILL pid ${child.pid}`);
  const atMs = nowMs();
  await child.markCause(runId, atMs);
  const signal = fault.kind === 'terminate' ? 'SIGTERM' : 'SIGSTOP';
  child.signal(signal);
  log.act(fault.kind, atMs, `${signal} pid ${child.pid}`);
}
