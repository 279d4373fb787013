/**
 * Runs a scenario's peer attack (scenario.ts `PeerAttack`) against its endpoint and says what
 * the server answered, as runner actions (the timeline's cause row) and mismatches.
 */
import { nowMs } from '../core/clock.ts';
import { rapidReset } from '../faults/rapid-reset.ts';
import { BAGGAGE_SCENARIO } from '../telemetry/semconv.ts';
import type { ActionLog } from './run-action.ts';
import type { PeerAttack } from './scenario-plans.ts';

/** The method the flood's streams name: a registered one, so each becomes an observed call. */
const FLOOD_PATH = '/streamlab.v1.Ticker/Notify';
/** Streams the flood holds open among its resets: the server's GOAWAY ends them (`server_shutdown`). */
const FLOOD_HELD = 3;

/**
 * Floods `target` as `attack` says, from a connection of its own, its streams labelled with
 * `scenario` (W3C baggage); logs `flood` when it starts and `goaway` when the server answers.
 * @returns why the server's answer is not the expected one (empty when it is); never rejects
 */
export async function runPeerAttack(attack: PeerAttack, target: string, scenario: string, log: ActionLog): Promise<string[]> {
  log.act('flood', nowMs(), 'rapid reset: another client opens streams and resets them at once, on a connection of its own');
  try {
    const result = await rapidReset({ target, path: FLOOD_PATH, baggage: `${BAGGAGE_SCENARIO}=${scenario}`, hold: FLOOD_HELD });
    const { goaway } = result;
    if (!goaway) return [`the server sent the flood no GOAWAY after ${result.reset} reset streams`];
    log.act('goaway', goaway.atMs, `GOAWAY ${goaway.errorName} (0x${goaway.errorCode.toString(16)}) to the flood after ${result.reset} resets, last stream id ${goaway.lastStreamId}`);
    return goaway.errorName === attack.expectGoaway ? [] : [`the server's GOAWAY to the flood carried ${goaway.errorName}, expected ${attack.expectGoaway}`];
  } catch (error) {
    return [`the flood could not run: ${(error as Error).message}`];
  }
}
