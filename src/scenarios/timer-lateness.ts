/**
 * How late this process's timers ran while a scenario ran. keepalive PINGs and their timeouts
 * are timers in the client's process: on a machine busy with other work (a CI runner, a
 * laptop building something) they fire late, and a client notices a frozen server later than
 * keepalive time + timeout by exactly that lateness. The verdict adds what was measured here
 * to a scenario's detection bound, so a bound stays tight on a quiet machine and honest on a
 * busy one.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** Sampling period of the event-loop delay monitor, ms (Node's default is 10). */
const RESOLUTION_MS = 20;

/** A running measurement. */
export interface TimerLateness {
  /**
   * Stops measuring.
   * @returns the largest lateness of a timer seen since the start, ms (0 when none ran late)
   */
  stop(): number;
}

/**
 * Starts measuring how late timers fire (`perf_hooks.monitorEventLoopDelay`, which records
 * the whole interval of each sample in ns; the lateness is that minus the resolution).
 */
export function measureTimerLateness(): TimerLateness {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  return {
    stop() {
      histogram.disable();
      const samples = histogram.count;
      return samples === 0 ? 0 : Math.max(0, Math.round(histogram.max / 1e6 - RESOLUTION_MS));
    },
  };
}
