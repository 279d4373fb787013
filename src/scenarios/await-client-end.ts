/**
 * Waiting for the client's end of a scenario run — and, for a client that cannot notice
 * its peer is gone (a frozen server, no keepalive), ending the lesson after a bound.
 */
import { withTimeout } from '../core/deferred.ts';
import { nowMs } from '../core/clock.ts';
import type { StreamEnd } from '../telemetry/lifecycle-event.ts';
import type { ActionLog } from './run-action.ts';
import type { Scenario } from './scenario.ts';
import type { ScenarioCall } from './scenario-call.ts';
import type { Observed } from './verdict.ts';

/** The bounds of the wait, ms. */
export interface ClientWaitBounds {
  /** Give up on the client's end after this long. */
  endTimeoutMs: number;
  /** How long a client expected to notice nothing is watched after the cause before the runner cancels it. */
  frozenWaitMs: number;
}

/**
 * Resolves with the client's end (undefined after `endTimeoutMs`). For a scenario whose
 * client is expected to notice nothing (`expect.clientNoticesNothing`), it waits for the
 * cause, then `frozenWaitMs`; if the client is still waiting then, it records a `cancel`
 * action, cancels the call and reports the silence. Never rejects.
 */
export async function awaitClientEnd(scenario: Scenario, call: ScenarioCall, log: ActionLog, bounds: ClientWaitBounds): Promise<{ end?: StreamEnd; silence?: Observed['silence'] }> {
  const { endTimeoutMs, frozenWaitMs } = bounds;
  if (!scenario.expect.clientNoticesNothing) return { end: await withTimeout(call.ended, endTimeoutMs) };
  if ((await withTimeout(log.cause.promise, endTimeoutMs)) === undefined) return { end: await withTimeout(call.ended, endTimeoutMs) };
  const early = await withTimeout(call.ended, frozenWaitMs);
  if (early) return { end: early, silence: { boundMs: frozenWaitMs, noticed: true } };
  log.act('cancel', nowMs(), `cancel() after ${frozenWaitMs} ms of silence`);
  call.cancel();
  return { end: await withTimeout(call.ended, endTimeoutMs), silence: { boundMs: frozenWaitMs, noticed: false } };
}
