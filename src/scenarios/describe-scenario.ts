/**
 * A scenario in words, for `streamlab scenarios` and the report: what causes the end.
 */
import type { Scenario } from './scenario.ts';

/** What causes the end of `scenario`'s call, e.g. `SIGKILL after 1`, `proxy reset after 3`. */
export function causeOf(scenario: Scenario): string {
  const parts: string[] = [];
  const plan = scenario.server;
  if (plan?.kind === 'absent') parts.push('no server');
  if (plan?.kind === 'lab') parts.push(plan.lab.cause);
  if (plan?.kind === 'bus') parts.push(`${plan.fault.kind === 'restart' ? 'bus SIGKILL + restart' : 'bus stream leader SIGKILL'} after ${plan.fault.afterMessages}`);
  if (plan?.kind === 'process') {
    const { fault } = plan;
    if (fault.kind === 'kill') parts.push(`SIGKILL after ${fault.afterMessages}`);
    if (fault.kind === 'terminate') {
      const grace = typeof fault.graceMs === 'number' ? `${fault.graceMs} ms` : 'the rest of the stream + 1 s';
      parts.push(`SIGTERM after ${fault.afterMessages} (grace ${grace})`);
    }
    if (fault.kind === 'freeze') parts.push(`SIGSTOP after ${fault.afterMessages}, SIGCONT later`);
  }
  if (scenario.network.kind === 'fault') parts.push(`proxy ${scenario.network.fault} after ${scenario.network.afterMessages}`);
  if (scenario.client.kind === 'cancel') parts.push(`cancel() after ${scenario.client.afterMessages}`);
  if (scenario.client.kind === 'read-slowly') parts.push(`slow reader (${scenario.client.pauseMs} ms a message)`);
  if (scenario.call?.deadlineMs !== undefined) parts.push(`deadline ${scenario.call.deadlineMs} ms`);
  if (scenario.call?.waitForReady) parts.push('waitForReady');
  if (scenario.call?.keepalive === false) parts.push('client keepalive off');
  if (scenario.attack) parts.push(`another client's rapid-reset flood after ${scenario.attack.afterMessages}`);
  if (scenario.delivery) parts.push(`${scenario.delivery.dropRate * 100} % of ACKs dropped`);
  return parts.length ? parts.join(', ') : 'none';
}
