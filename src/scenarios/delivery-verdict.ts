/**
 * The accounting half of a delivery scenario's verdict: nothing lost silently, on either
 * side (issue: "sent = acked + exhausted + unacked at the stream's end").
 */
import { deliveryOf } from '../delivery/delivery-account.ts';
import type { StreamEnd } from '../telemetry/lifecycle-event.ts';
import type { Scenario } from './scenario.ts';

/**
 * Checks both sides' delivery accounts of a completed delivery scenario.
 * @param server undefined when the server runs in another process (its account is not seen)
 * @returns one sentence per failed check; empty when the accounting holds
 */
export function checkDelivery(scenario: Scenario, client: StreamEnd | undefined, server: StreamEnd | undefined): string[] {
  const problems: string[] = [];
  const mine = deliveryOf(client);
  if (!mine) return client ? ['client end record has no delivery account'] : [];
  if (mine.sent + mine.exhausted !== scenario.count) {
    problems.push(`client delivered ${mine.sent} + exhausted ${mine.exhausted}, expected ${scenario.count} messages in all`);
  }
  if (scenario.delivery && scenario.delivery.dropRate > 0 && mine.dropped === 0) {
    problems.push('client dropped no message: the seed does not exercise redelivery');
  }
  if (!server) return problems;
  const theirs = deliveryOf(server);
  if (!theirs) return [...problems, 'server end record has no delivery account'];
  const unacked = theirs.unackedIds.length;
  if (theirs.sent !== theirs.acked + theirs.exhausted + unacked) {
    problems.push(`server sent ${theirs.sent} ≠ acked ${theirs.acked} + exhausted ${theirs.exhausted} + unacked ${unacked}`);
  }
  if (scenario.delivery && scenario.delivery.dropRate > 0 && theirs.redelivered === 0) problems.push('server redelivered nothing');
  if (mine.acked !== theirs.acked) problems.push(`client acknowledged ${mine.acked} ids, server counted ${theirs.acked}`);
  return problems;
}
