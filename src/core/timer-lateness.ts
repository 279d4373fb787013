/**
 * How late this process's timers fire. Timers that run late say the event loop was busy or the
 * process was not scheduled (a CI runner, a laptop building something), and everything this
 * process timestamps is late by as much: a keepalive PING timeout, the moment a request's
 * HEADERS were read (the server's copy of a deadline). Node's event-loop delay monitor
 * (`perf_hooks.monitorEventLoopDelay`) records the whole interval of each sample in ns; the
 * lateness is that minus its resolution.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { RecordableHistogram } from 'node:perf_hooks';

/** Sampling period of the event-loop delay monitor, ms (Node's default is 10). */
const RESOLUTION_MS = 20;

/** Window of {@link RecentTimerLateness}, ms: the lateness it reports is the last one or two windows'. */
const WINDOW_MS = 1_000;

function latenessMs(histogram: Pick<RecordableHistogram, 'count' | 'max'>): number {
  return histogram.count === 0 ? 0 : Math.max(0, Math.round(histogram.max / 1e6 - RESOLUTION_MS));
}

/** A measurement over a bounded span of time (a scenario run). */
export interface TimerLateness {
  /**
   * Stops measuring; calling it again returns the same value.
   * @returns the largest lateness of a timer since the start, ms (0 when none ran late)
   */
  stop(): number;
}

/** Starts measuring how late timers fire until `stop()`. */
export function measureTimerLateness(): TimerLateness {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  let result: number | undefined;
  return {
    stop() {
      if (result === undefined) {
        histogram.disable();
        result = latenessMs(histogram);
      }
      return result;
    },
  };
}

/** The lateness of the last moments, for a long-running server. */
export interface RecentTimerLateness {
  /** The largest lateness of a timer in the last one to two seconds, ms. */
  recentMs(): number;
  /** Stops measuring (idempotent); `recentMs()` is 0 afterwards. */
  close(): void;
}

/**
 * Measures timer lateness in windows of 1 s (an unref'd interval rotates them: it never keeps
 * the process alive). Costs one libuv timer every 20 ms.
 */
export function createRecentTimerLateness(): RecentTimerLateness {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  let previousMs = 0;
  let closed = false;
  const rotate = setInterval(() => {
    previousMs = latenessMs(histogram);
    histogram.reset();
  }, WINDOW_MS);
  rotate.unref();
  return {
    recentMs: () => (closed ? 0 : Math.max(previousMs, latenessMs(histogram))),
    close() {
      if (closed) return;
      closed = true;
      clearInterval(rotate);
      histogram.disable();
    },
  };
}
