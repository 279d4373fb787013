/**
 * A scenario's verdict: what each side observed against what the scenario expects
 * (scenario.ts `Expectation`), one sentence per mismatch.
 */
import type { EndCause } from '../core/end-cause.ts';
import { grpcCodeName } from '../telemetry/grpc-status.ts';
import type { StreamEnd } from '../telemetry/lifecycle-event.ts';
import { checkDelivery } from './delivery-verdict.ts';
import { causesOf, describeExpected } from './scenario.ts';
import type { Expectation, ExpectedCause, KeepaliveTimes, Scenario } from './scenario.ts';

/** What a run observed, as the verdict needs it. */
export interface Observed {
  client?: StreamEnd;
  server?: StreamEnd;
  /** False when the server's side could not be observed (a remote server). */
  serverObserved: boolean;
  /**
   * For `clientNoticesNothing`: how long the runner waited on the client after the cause,
   * ms, and whether the client noticed anything meanwhile.
   */
  silence?: { boundMs: number; noticed: boolean };
  /** `backpressure.wait` records the server emitted. */
  backpressureWaits: number;
}

/** Bounds and limits of the run, ms. */
export interface VerdictLimits {
  keepalive: KeepaliveTimes;
  endTimeoutMs: number;
  /**
   * How late the runner's timers fired during the run, ms (src/core/timer-lateness.ts; default 0): added
   * to detection bounds, since keepalive timers fire late by as much on a busy machine.
   */
  timerLatenessMs?: number;
}

function checkCause(side: string, end: StreamEnd | undefined, expected: ExpectedCause, limits: VerdictLimits): string[] {
  const allowed: readonly EndCause[] = causesOf(expected);
  if (!end) return [`${side} stream did not end within ${limits.endTimeoutMs} ms (expected ${describeExpected(expected)})`];
  if (!allowed.includes(end.endCause)) return [`${side} ended ${end.endCause}, expected ${describeExpected(expected)}`];
  return [];
}

function checkBound(side: string, end: StreamEnd | undefined, bound: ((keepalive: KeepaliveTimes) => number) | undefined, limits: VerdictLimits): string[] {
  const ms = bound?.(limits.keepalive);
  const lateMs = limits.timerLatenessMs ?? 0;
  if (ms === undefined || end?.detectionMs === undefined || end.detectionMs <= ms + lateMs) return [];
  const late = lateMs > 0 ? ` (+${lateMs} ms: this process's timers ran that late)` : '';
  return [`${side} noticed after ${end.detectionMs.toFixed(0)} ms, expected within ${ms} ms${late}`];
}

function checkServer(expect: Expectation, observed: Observed, limits: VerdictLimits): string[] {
  if (!observed.serverObserved) return [];
  if (expect.server === 'gone' || expect.server === 'none') {
    const what = expect.server === 'gone' ? 'a killed server records nothing' : 'there is no server';
    return observed.server ? [`server ended ${observed.server.endCause}, expected no record (${what})`] : [];
  }
  return [...checkCause('server', observed.server, expect.server, limits), ...checkBound('server', observed.server, expect.serverDetectionWithinMs, limits)];
}

/**
 * Compares `observed` with `expect`.
 * @returns one sentence per mismatch; empty when the run went as expected
 */
export function judge(scenario: Scenario, expect: Expectation, observed: Observed, limits: VerdictLimits): string[] {
  const { client } = observed;
  const mismatches = checkCause('client', client, expect.client, limits);
  if (client && client.grpcCode !== expect.clientCode) {
    mismatches.push(`client got ${grpcCodeName(client.grpcCode)}, expected ${grpcCodeName(expect.clientCode)}`);
  }
  mismatches.push(...checkBound('client', client, expect.clientDetectionWithinMs, limits));
  if (expect.clientNoticesNothing && observed.silence?.noticed !== false) {
    mismatches.push(observed.silence
      ? `client noticed the frozen server (${client?.endCause ?? 'no end'}) within ${observed.silence.boundMs} ms, expected it to notice nothing`
      : 'the runner never reached the frozen server (no cause), so the silence was not tested');
  }
  mismatches.push(...checkServer(expect, observed, limits));
  if (expect.backpressure && observed.serverObserved && observed.backpressureWaits === 0) {
    mismatches.push('the server never waited on backpressure (no backpressure.wait), expected at least once');
  }
  if (scenario.delivery) mismatches.push(...checkDelivery(scenario, client, observed.serverObserved ? observed.server : undefined));
  return mismatches;
}
