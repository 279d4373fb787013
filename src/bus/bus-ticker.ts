/**
 * Ticks over the bus without multiplying them (issue 18, docs/fleet-bus.md): every server
 * ticks the topics it reads, on the wall clock's `tickMs` boundaries, and gives each tick the
 * message id `tick:<slot>` (slot = ⌊now / tickMs⌋). JetStream keeps the first copy of a slot
 * and drops the others within its duplicate window (2 min), so N servers make one tick per
 * slot and one id, as long as their clocks agree to within that window. A tick the bus does
 * not take (it is down, or electing a leader) is skipped: it never gets an id, so no
 * subscriber sees a gap.
 */
import type { JetStreamClient } from '@nats-io/jetstream';
import type { Metrics } from '../telemetry/metrics.ts';
import * as sc from '../telemetry/semconv.ts';
import { topicStream } from './topic-stream.ts';

/** What the ticker needs. */
export interface BusTickerDeps {
  js: JetStreamClient;
  metrics: Metrics['bus'];
  /** False while the bus connection is down: no tick is attempted. */
  connected(): boolean;
}

/** The message id of the tick of `slot`. */
export const tickMessageId = (slot: number): string => `tick:${slot}`;

/**
 * Creates the ticker; `watch` starts ticking a topic.
 * @param tickMs the tick period, ms; 0 never ticks
 * @param publishTimeoutMs how long one tick's publish may wait for the bus's ack, ms
 */
export function createBusTicker(deps: BusTickerDeps, tickMs: number, publishTimeoutMs: number) {
  const ticking = new Set<string>();
  const inFlight = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  function tick(): void {
    const slot = Math.floor(Date.now() / tickMs);
    if (!deps.connected()) return;
    for (const topic of ticking) {
      if (inFlight.has(topic)) continue;
      inFlight.add(topic);
      deps.js.publish(topicStream(topic).subject, '', { msgID: tickMessageId(slot), timeout: publishTimeoutMs })
        .catch(() => deps.metrics.publishFailures.inc({ [sc.LABEL_KIND]: 'tick' }))
        .finally(() => inFlight.delete(topic));
    }
  }

  /** Waits for the next slot boundary, ticks, and again. */
  function schedule(): void {
    if (closed) return;
    const now = Date.now();
    timer = setTimeout(() => {
      tick();
      schedule();
    }, tickMs - (now % tickMs));
    timer.unref();
  }

  return {
    /** Ticks `topic` from the next slot on (its stream must exist). */
    watch(topic: string): void {
      ticking.add(topic);
      if (!timer && tickMs > 0) schedule();
    },
    /** Stops ticking. Idempotent. */
    close(): void {
      closed = true;
      clearTimeout(timer);
    },
  };
}
