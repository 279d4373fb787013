/**
 * A subscriber's accounting of the topic's event ids across its subscriptions: what it
 * received, what it never got (gaps) and what it got twice (duplicates), in total and per
 * attempt, recorded in the fleet metrics as they are found.
 */
import type { EndCause } from '../core/end-cause.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import { nowMs } from '../core/clock.ts';
import type { BackoffDelay } from '../core/backoff.ts';

/** One subscribe attempt. Times are epoch ms. */
export interface AttemptRecord {
  /** 1 for the first subscription. */
  attempt: number;
  /** resume_after_id it sent (0: live from now). */
  afterId: number;
  /** The backoff it waited before starting (none for the first). */
  delay?: BackoffDelay;
  /** Hex trace id of its CLIENT span. */
  traceId: string;
  startedAtMs: number;
  /** When its response headers arrived: it was streaming. */
  streamingAtMs?: number;
  /** The server it streamed from, `host:port`. */
  backend?: string;
  /** Events the server said it no longer kept (header `streamlab-resume-gap`). */
  reportedGap: number;
  /** Events found missing in the ids it received. */
  gap: number;
  duplicates: number;
  received: number;
  endedAtMs?: number;
  endCause?: EndCause;
}

/** Attempts kept per subscriber. */
const HISTORY = 50;

/** Creates an empty account. */
export function createSubscriberAccount(metrics: Metrics['fleet']) {
  const history: AttemptRecord[] = [];
  let attempts = 0;
  let lastEventId = 0;
  let received = 0;
  let gaps = 0;
  let duplicates = 0;
  return {
    get attempts(): number {
      return attempts;
    },
    /** Attempts after the first. */
    get reconnects(): number {
      return Math.max(0, attempts - 1);
    },
    get lastEventId(): number {
      return lastEventId;
    },
    get received(): number {
      return received;
    },
    get gaps(): number {
      return gaps;
    },
    get duplicates(): number {
      return duplicates;
    },
    /** The last attempts, oldest first. */
    get history(): readonly AttemptRecord[] {
      return history;
    },
    /** Records the start of an attempt. */
    beginAttempt(afterId: number, delay: BackoffDelay | undefined, traceId: string): AttemptRecord {
      attempts += 1;
      const record: AttemptRecord = {
        attempt: attempts, afterId, traceId, startedAtMs: nowMs(), reportedGap: 0, gap: 0, duplicates: 0, received: 0,
        ...(delay ? { delay } : {}),
      };
      history.push(record);
      if (history.length > HISTORY) history.shift();
      return record;
    },
    /**
     * Accounts for event `id` received on `attempt`.
     * @returns the ids it found missing before this one, and whether it was a duplicate
     */
    receive(attempt: AttemptRecord, id: number): { gap: number; duplicate: boolean } {
      received += 1;
      attempt.received += 1;
      if (lastEventId > 0 && id <= lastEventId) {
        duplicates += 1;
        attempt.duplicates += 1;
        metrics.duplicateEvents.inc({ value: 1 });
        return { gap: 0, duplicate: true };
      }
      const gap = lastEventId > 0 ? id - lastEventId - 1 : 0;
      lastEventId = id;
      if (gap > 0) {
        gaps += gap;
        attempt.gap += gap;
        metrics.gapEvents.inc({ value: gap });
      }
      return { gap, duplicate: false };
    },
    /** Records the end of an attempt. */
    endAttempt(attempt: AttemptRecord, cause: EndCause, atMs: number): void {
      attempt.endCause = cause;
      attempt.endedAtMs = atMs;
    },
  };
}
