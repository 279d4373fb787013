/**
 * The delivery accounting of a Delivery/Exchange call as span attributes
 * (`streamlab.delivery.*`, names in semconv.ts), set on the RPC span when the call ends.
 */
import type { Attributes } from '@opentelemetry/api';
import type { DeliveryAccount } from './lifecycle-event.ts';
import * as sc from './semconv.ts';

/** Span attributes of a delivery account (`streamlab.delivery.*`). */
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
