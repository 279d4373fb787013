/**
 * What a bus scenario checks beyond both sides' ends (issue 18): the follower got every id
 * once, and its events paused no longer than the bus settings allow — recovery is bounded
 * by configuration, not by a client library's 30 s default (docs/fleet-bus.md).
 */
import type { BusFault } from './scenario-plans.ts';
import type { BusFaultTimes } from './bus-fault.ts';

/** The bus settings of a run, ms. */
export interface BusRunSettings {
  /** Tick period (the run's interval). */
  tickMs: number;
  /** Consumers' pull expiry: a stall is noticed after it. */
  expiresMs: number;
  /** Pause between reconnect attempts. */
  reconnectWaitMs: number;
}

/**
 * Longest JetStream stream-leader election, ms. nats-server 2.15's raft (server/raft.go, not
 * configurable): a follower campaigns when no heartbeat came for its election timeout, drawn
 * between 4 and 9 s, after a campaign delay of 0.1 to 0.8 s. Measured 4.2 to 8.8 s from the
 * kill to the next event on this project's machines.
 */
export const ELECTION_MAX_MS = 9_800;
/** Slack for a busy host: process scheduling, the client's reconnect jitter, the vote's and the consumer's requests. */
const SLACK_MS = 2_000;

/**
 * How long the follower may wait for its next event, ms: after a restart, from the bus
 * being back (a reconnect, the consumer recreated at once, the next tick); after a leader
 * loss, from the kill (the election, then at worst a stalled consumer noticed after `expiresMs`).
 */
export function recoveryBoundMs(fault: BusFault, settings: BusRunSettings): number {
  const base = settings.reconnectWaitMs + settings.expiresMs + 2 * settings.tickMs + SLACK_MS;
  return fault.kind === 'restart' ? base : ELECTION_MAX_MS + base;
}

/** What the follower saw. */
export interface BusObserved {
  ids: readonly number[];
  /** Arrival of each id, epoch ms. */
  arrivals: readonly number[];
  /** Undefined when the fault never happened (the stream ended first). */
  fault?: BusFaultTimes;
}

/** The verdict's bus checks and the measured recovery. */
export interface BusVerdict {
  gaps: number;
  duplicates: number;
  /** First event after the fault − (restart: the bus back; leader loss: the kill), ms. */
  recoveryMs?: number;
  boundMs: number;
  /** One sentence per failed check. */
  mismatches: string[];
}

/** Checks `observed` against `fault`'s bound. */
export function judgeBus(fault: BusFault, settings: BusRunSettings, observed: BusObserved): BusVerdict {
  let gaps = 0;
  let duplicates = 0;
  for (let index = 1; index < observed.ids.length; index++) {
    const step = observed.ids[index]! - observed.ids[index - 1]!;
    if (step <= 0) duplicates += 1;
    else gaps += step - 1;
  }
  const boundMs = recoveryBoundMs(fault, settings);
  const mismatches: string[] = [];
  if (gaps > 0) mismatches.push(`the follower missed ${gaps} id(s), expected 0 gaps`);
  if (duplicates > 0) mismatches.push(`the follower got ${duplicates} id(s) twice, expected 0 duplicates`);
  if (!observed.fault) return { gaps, duplicates, boundMs, mismatches: [...mismatches, 'the bus fault never happened'] };
  const from = observed.fault.backAtMs ?? observed.fault.killedAtMs;
  const next = observed.arrivals.find((at) => at > observed.fault!.killedAtMs);
  if (next === undefined) return { gaps, duplicates, boundMs, mismatches: [...mismatches, 'no event after the bus fault'] };
  const recoveryMs = Math.max(0, next - from);
  if (recoveryMs > boundMs) mismatches.push(`events resumed ${recoveryMs} ms after the bus ${observed.fault.backAtMs ? 'was back' : 'lost its leader'}, expected within ${boundMs} ms`);
  return { gaps, duplicates, recoveryMs, boundMs, mismatches };
}
