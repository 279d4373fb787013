/**
 * The accounting of one at-least-once delivery stream (Delivery/Exchange), shared by the
 * server's session and the client: what each side counts, how it lands on the RPC span
 * (`streamlab.delivery.*`) and in the end record.
 */
import type { Attributes } from '@opentelemetry/api';
import type { StreamEnd } from '../telemetry/lifecycle-event.ts';
import * as sc from '../telemetry/semconv.ts';

/**
 * One side's accounting of a delivery stream: sent = acked + exhausted + unacked at the
 * end, on the server. Ids are message ids.
 */
export interface DeliveryAccount {
  /** Server: distinct messages sent. Client: distinct messages received (delivered to the application). */
  sent: number;
  /** Server: messages acknowledged. Client: distinct messages it acknowledged. */
  acked: number;
  /** Server: redelivery attempts. Client: redeliveries it received (attempt > 1). */
  redelivered: number;
  /** Server: messages given up on. Client: exhausted ids the server's summary reported. */
  exhausted: number;
  /** Client: duplicates received and not delivered again. Server: 0. */
  duplicates: number;
  /** Client: simulated losses (messages ignored, no ACK). Server: 0. */
  dropped: number;
  /** Ids not acknowledged when the stream ended: server, sent and neither acked nor exhausted; client, seen and never acked. */
  unackedIds: number[];
  exhaustedIds: number[];
}

/** The key of the delivery account among a call's attachments (StreamEnd.attachments). */
export const DELIVERY_ATTACHMENT = 'delivery';

/** An empty account. */
export function emptyDeliveryAccount(): DeliveryAccount {
  return { sent: 0, acked: 0, redelivered: 0, exhausted: 0, duplicates: 0, dropped: 0, unackedIds: [], exhaustedIds: [] };
}

/** Span attributes of a delivery account (`streamlab.delivery.*`, names in semconv.ts), set when the call ends. */
export function deliveryAttributes(account: DeliveryAccount): Attributes {
  return {
    [sc.ATTR_DELIVERY_SENT]: account.sent,
    [sc.ATTR_DELIVERY_ACKED]: account.acked,
    [sc.ATTR_DELIVERY_REDELIVERED]: account.redelivered,
    [sc.ATTR_DELIVERY_EXHAUSTED]: account.exhausted,
    [sc.ATTR_DELIVERY_DUPLICATES]: account.duplicates,
    [sc.ATTR_DELIVERY_UNACKED_IDS]: account.unackedIds,
    [sc.ATTR_DELIVERY_EXHAUSTED_IDS]: account.exhaustedIds,
  };
}

/** The delivery account in an end record, when the call was a delivery stream. */
export function deliveryOf(end: StreamEnd | undefined): DeliveryAccount | undefined {
  return end?.attachments?.[DELIVERY_ATTACHMENT] as DeliveryAccount | undefined;
}
