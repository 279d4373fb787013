/**
 * The server side of one at-least-once delivery stream (Delivery/Exchange): numbered
 * messages out, ACKs in, a message not acknowledged within the ack timeout sent again at
 * most `maxRedeliveries` times and then reported exhausted; done when every message is
 * acknowledged or exhausted. Every message is accounted for: sent = acked + exhausted +
 * unacked, and the unacked ids are reported when the stream is cut.
 *
 * One timer serves every pending message: all share one ack timeout, so the pending map in
 * send order (a redelivery moves its id to the end) is also deadline order.
 */
import { traceExemplar } from '../telemetry/metrics.ts';
import { nowMs } from '../core/clock.ts';
import * as sc from '../telemetry/semconv.ts';
import { emptyDeliveryAccount } from '../delivery/delivery-account.ts';
import type { DeliveryAccount } from '../delivery/delivery-account.ts';
import type { DeliveryMetrics } from '../delivery/delivery-metrics.ts';
import type { ServerCallContext } from '../rpc/server/call-context.ts';

/** Protocol settings of one stream, validated. */
export interface DeliverySettings {
  /** Messages to send; 0 = until the stream ends otherwise. */
  count: number;
  /** Pause between two new messages, ms. */
  intervalMs: number;
  /** Redeliver after this many ms without ACK. */
  ackTimeoutMs: number;
  /** Redeliveries per message before it is exhausted. */
  maxRedeliveries: number;
}

/** What the session needs from the stream it runs on. */
export interface DeliveryPort {
  /** Sends attempt `attempt` of message `id`; false when the transport buffer is full. */
  send(id: number, attempt: number): boolean;
  /** Ends the stream: every message is acknowledged or exhausted. */
  complete(account: DeliveryAccount): void;
  /** The call's context: its protocol events go on its span, log and timeline. */
  context: Pick<ServerCallContext, 'event' | 'traceId' | 'scenario'>;
  metrics: DeliveryMetrics;
}

/**
 * `delivery.ack` span events per stream at most, like message events (design §4): a long
 * stream keeps exact counts in the account and the metrics; redelivery and exhaustion
 * events are rare and always recorded.
 */
const ACK_EVENT_CAP = 100;

interface Pending {
  attempt: number;
  firstSentAtMs: number;
  lastSentAtMs: number;
}

/** Creates a session; `start()` begins sending, `ack(id)` takes each ACK, `stop()` on any end. */
export function createDeliverySession(settings: DeliverySettings, port: DeliveryPort) {
  const pending = new Map<number, Pending>();
  const account = emptyDeliveryAccount();
  const labels = { scenario: port.context.scenario };
  const exemplar = traceExemplar(port.context.traceId) as never;
  let timer: NodeJS.Timeout | undefined;
  let sendTimer: NodeJS.Timeout | undefined;
  let allSent = false;
  let stopped = false;

  function armTimer(): void {
    clearTimeout(timer);
    timer = undefined;
    const head = pending.values().next();
    if (stopped || head.done) return;
    timer = setTimeout(onTimeout, Math.max(0, head.value.lastSentAtMs + settings.ackTimeoutMs - nowMs()));
  }

  function onTimeout(): void {
    const now = nowMs();
    for (const [id, message] of pending) {
      if (message.lastSentAtMs + settings.ackTimeoutMs > now) break;
      pending.delete(id);
      if (message.attempt > settings.maxRedeliveries) {
        account.exhausted += 1;
        account.exhaustedIds.push(id);
        port.metrics.exhausted.inc({ labels, value: 1, exemplarLabels: exemplar });
        port.metrics.unacked.dec(labels);
        port.context.event(sc.EVENT_DELIVERY_EXHAUSTED, { [sc.ATTR_DELIVERY_MESSAGE_ID]: id, [sc.ATTR_DELIVERY_ATTEMPT]: message.attempt }, 'warn', 'delivery.exhausted', String(id));
        continue;
      }
      message.attempt += 1;
      message.lastSentAtMs = now;
      pending.set(id, message);
      account.redelivered += 1;
      port.metrics.redeliveries.inc({ labels, value: 1, exemplarLabels: exemplar });
      port.context.event(sc.EVENT_DELIVERY_REDELIVER, { [sc.ATTR_DELIVERY_MESSAGE_ID]: id, [sc.ATTR_DELIVERY_ATTEMPT]: message.attempt }, 'info', 'delivery.redeliver', String(id));
      port.send(id, message.attempt);
    }
    armTimer();
    maybeComplete();
  }

  function maybeComplete(): void {
    if (!stopped && allSent && pending.size === 0) {
      stop();
      port.complete(snapshot());
    }
  }

  /** Sends message `id` for the first time; false on backpressure. */
  function sendNew(id: number): boolean {
    const now = nowMs();
    pending.set(id, { attempt: 1, firstSentAtMs: now, lastSentAtMs: now });
    account.sent += 1;
    port.metrics.sent.inc(labels);
    port.metrics.unacked.inc(labels);
    if (pending.size === 1) armTimer();
    return port.send(id, 1);
  }

  /** The account now, with the ids still pending as unacked. */
  function snapshot(): DeliveryAccount {
    return { ...account, unackedIds: [...pending.keys()].sort((a, b) => a - b), exhaustedIds: [...account.exhaustedIds] };
  }

  function stop(): void {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    clearTimeout(sendTimer);
    if (pending.size > 0) port.metrics.unacked.dec(labels, pending.size);
  }

  return {
    /** The live account, for the end record (unacked ids computed when asked). */
    snapshot,
    /**
     * Sends the messages at the configured pace. `waitForDrain` is awaited when a send
     * returned false. Resolves once every new message was sent or the session stopped.
     */
    async start(waitForDrain: () => Promise<void>): Promise<void> {
      for (let id = 1; settings.count === 0 || id <= settings.count; id++) {
        if (stopped) return;
        if (id > 1 && settings.intervalMs > 0) {
          await new Promise<void>((resolve) => (sendTimer = setTimeout(resolve, settings.intervalMs)));
          if (stopped) return;
        }
        if (!sendNew(id)) await waitForDrain();
      }
      allSent = true;
      maybeComplete();
    },
    /**
     * Takes an ACK.
     * @returns 'acked' (first ACK of a pending id), 'late' (an id already acknowledged or
     *   exhausted: counted, ignored) or 'unknown' (an id never sent: a protocol error)
     */
    ack(id: number): 'acked' | 'late' | 'unknown' {
      const message = pending.get(id);
      if (!message) return id >= 1 && id <= account.sent ? 'late' : 'unknown';
      // The timer stays armed for the old head: when it fires, onTimeout stops at the first
      // message not yet due and re-arms from there, so no ACK re-arms it (the hot path).
      pending.delete(id);
      account.acked += 1;
      const latencyMs = nowMs() - message.firstSentAtMs;
      port.metrics.acked.inc(labels);
      port.metrics.unacked.dec(labels);
      port.metrics.ackLatencySeconds.observe({ labels, value: latencyMs / 1000, exemplarLabels: exemplar });
      if (account.acked <= ACK_EVENT_CAP) {
        port.context.event(sc.EVENT_DELIVERY_ACK, {
          [sc.ATTR_DELIVERY_MESSAGE_ID]: id, [sc.ATTR_DELIVERY_ATTEMPT]: message.attempt, [sc.ATTR_DELIVERY_ACK_LATENCY_MS]: latencyMs,
        });
      }
      maybeComplete();
      return 'acked';
    },
    /** Stops sending and redelivering (the stream ended); the account keeps the unacked ids. */
    stop,
  };
}

/** A session built by {@link createDeliverySession}. */
export type DeliverySession = ReturnType<typeof createDeliverySession>;
