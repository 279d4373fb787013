/**
 * The client side of at-least-once delivery (Delivery/Exchange): sends the start message,
 * acknowledges each message by id, delivers each id once to the application (duplicates
 * counted, not delivered), and can simulate loss — a seeded share of received messages is
 * ignored (no ACK), so the server's redelivery shows. Reproducible: the same seed drops the
 * same receipts.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { fromTimestamp } from '../core/timestamp.ts';
import type { DeliveryMessage__Output } from '../generated/streamlab/v1/DeliveryMessage.ts';
import type { DeliverySummary__Output } from '../generated/streamlab/v1/DeliverySummary.ts';
import type { ExchangeResponse__Output } from '../generated/streamlab/v1/ExchangeResponse.ts';
import { DELIVERY_ATTACHMENT, deliveryAttributes, emptyDeliveryAccount } from '../delivery/delivery-account.ts';
import * as sc from '../telemetry/semconv.ts';
import type { ClientCallOptions, StreamlabClient } from './streamlab-client.ts';

/** Options of one delivery stream; every field has a default. */
export interface DeliveryOptions {
  /** Messages to ask for; 0 = until cancelled. Default 10. */
  count?: number;
  /** Pause between two new messages, ms. Default 1,000. */
  intervalMs?: number;
  /** The server's ack timeout, ms; 0 = the server default (2,000). Default 0. */
  ackTimeoutMs?: number;
  /** Redeliveries per message before the server gives up. Default: the server's (3). */
  maxRedeliveries?: number;
  payloadBytes?: number;
  /** Share of received messages to ignore (no ACK), 0 to 1. Default 0. */
  dropRate?: number;
  /** PRNG seed of the drops. Default 1. */
  seed?: number;
  /** Wait this long before sending each ACK, ms (an ACK slower than the ack timeout). Default 0. */
  ackDelayMs?: number;
}

/** Defaults of {@link DeliveryOptions}. */
export const DELIVERY_CLIENT_DEFAULTS = { count: 10, intervalMs: 1_000, ackTimeoutMs: 0, payloadBytes: 16, dropRate: 0, seed: 1, ackDelayMs: 0 } as const;

/** What the delivery client tells as it goes (for the CLI's demo output). */
export interface DeliveryListener {
  /** A message arrived: delivered (first time), duplicate (delivered before) or dropped (simulated loss). */
  onMessage?(message: DeliveryMessage__Output, outcome: 'delivered' | 'duplicate' | 'dropped', ageMs: number | undefined): void;
  onAck?(id: number): void;
  onSummary?(summary: DeliverySummary__Output): void;
}

/**
 * Checks a drop rate.
 * @throws RangeError `drop rate R is not allowed: use a number from 0 to 1`
 */
export function checkDropRate(rate: number): number {
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) throw new RangeError(`drop rate ${rate} is not allowed: use a number from 0 to 1`);
  return rate;
}

/**
 * Opens an Exchange on `client` and runs the client side of the protocol.
 * @returns the observed call; its end record carries the client's `delivery` account
 * @throws RangeError for a drop rate outside 0..1
 */
export function startDelivery(client: StreamlabClient, options: DeliveryOptions = {}, listener: DeliveryListener = {}, callOptions: ClientCallOptions = {}) {
  const settings = { ...DELIVERY_CLIENT_DEFAULTS, ...options };
  const dropRate = checkDropRate(settings.dropRate);
  const rng = xoroshiro128plus(settings.seed);
  const delivered = new Set<number>();
  const ackedIds = new Set<number>();
  const seen = new Set<number>();
  const account = emptyDeliveryAccount();
  const observed = client.exchange(callOptions);
  const { call, recorder } = observed;
  const labels = { scenario: recorder.scenario };
  recorder.attach({
    key: DELIVERY_ATTACHMENT,
    snapshot: () => ({
      ...account,
      unackedIds: [...seen].filter((id) => !ackedIds.has(id)).sort((a, b) => a - b),
      exhaustedIds: [...account.exhaustedIds],
    }),
    attributes: deliveryAttributes,
  });

  const ack = (id: number) => {
    if (call.writable) call.write({ ack: { id } });
    if (!ackedIds.has(id)) {
      ackedIds.add(id);
      account.acked += 1;
    }
    listener.onAck?.(id);
  };

  call.write({
    start: {
      count: settings.count, intervalMs: settings.intervalMs, ackTimeoutMs: settings.ackTimeoutMs, payloadBytes: settings.payloadBytes,
      ...(settings.maxRedeliveries !== undefined ? { maxRedeliveries: settings.maxRedeliveries } : {}),
    },
  });
  call.on('data', (response: ExchangeResponse__Output) => {
    if (response.kind === 'summary' && response.summary) {
      account.exhausted = response.summary.exhausted;
      account.exhaustedIds = response.summary.exhaustedIds.map(Number);
      listener.onSummary?.(response.summary);
      call.end();
      return;
    }
    const message = response.message;
    if (!message) return;
    const id = Number(message.id);
    const sentAtMs = fromTimestamp(message.sentAt);
    const ageMs = sentAtMs === undefined ? undefined : Date.now() - sentAtMs;
    seen.add(id);
    if (message.attempt > 1) account.redelivered += 1;
    if (dropRate > 0 && uniformFloat64(rng) < dropRate) {
      account.dropped += 1;
      listener.onMessage?.(message, 'dropped', ageMs);
      return;
    }
    if (delivered.has(id)) {
      account.duplicates += 1;
      recorder.event(sc.EVENT_DELIVERY_DUPLICATE, { [sc.ATTR_DELIVERY_MESSAGE_ID]: id, [sc.ATTR_DELIVERY_ATTEMPT]: message.attempt });
      client.metrics.duplicates.inc(labels);
      listener.onMessage?.(message, 'duplicate', ageMs);
    } else {
      delivered.add(id);
      account.sent += 1;
      listener.onMessage?.(message, 'delivered', ageMs);
    }
    // A duplicate is acknowledged again: its first ACK may be the one that was late.
    if (settings.ackDelayMs > 0) setTimeout(() => ack(id), settings.ackDelayMs).unref();
    else ack(id);
  });
  return observed;
}
