/**
 * Scenario `ack-retry`: its definition, expectation and lesson (design §3; the lesson's
 * conventions are in src/scenarios/lesson.ts).
 *
 * At-least-once delivery over one bidi stream (Delivery/Exchange).
 *
 * At-least-once delivery over bidi: 10 % of received messages are ignored (no ACK), so
 * the server redelivers them after its 2 s ack timeout. Seed 4 drops the 2nd and 10th
 * receipts (ids 2 and 10) and neither redelivery, so the run takes about 2.3 s, redelivers
 * twice and exhausts nothing; the verdict also checks both sides' accounting.
 */
import type { Scenario } from '../scenario.ts';
import { OK } from '../grpc-codes.ts';

const scenario: Scenario = {
  name: 'ack-retry',
  summary: 'bidi ACKs with 10 % simulated loss: unacknowledged messages are redelivered after 2 s (at most 3 times)',
  rpc: 'bidi_stream',
  count: 10,
  delivery: { dropRate: 0.1, seed: 4 },
  client: { kind: 'read-all' },
  network: { kind: 'clean' },
  expect: {
    client: 'completed', clientCode: OK, server: 'completed',
    why: 'every message is acknowledged, after at most three redeliveries, so the exchange ends with OK and its accounting balances',
  },
  lesson: {
    wire: [
      'One bidi stream (`Delivery/Exchange`): the client\'s HEADERS and a DATA `start` message; the server\'s HEADERS and 10 DATA messages, ids 1 to 10.',
      'The client answers each message with an ACK, a DATA frame on the same stream, except ids 2 and 10, which it ignores (10 % simulated loss, seed 4).',
      '2 s after their first send the server sends ids 2 and 10 again (attempt 2), and the client ACKs them.',
      'With every id ACKed the server sends a summary message and trailers with `grpc-status: 0`. Nothing happens at the TCP level.',
    ],
    library: {
      client: '`OK`, after 13 messages: 10, 2 redeliveries and the summary.',
      server: 'The handler ends OK; `\'cancelled\'` fires as on every end.',
      misleads: 'gRPC knows nothing of delivery: an OK stream does not say whether every message was processed once. Retries, duplicates and losses live above gRPC, in the protocol\'s own ids and ACKs.',
    },
    streamlab: 'The end cause is plain `completed`; the lesson is in the accounting both sides keep: server sent = acked + exhausted + unacked (10 = 10 + 0 + 0), 2 redelivered, no duplicates at the client. The verdict checks both sides\' accounts as well as the end causes.',
    jaeger: 'Operation `scenario ack-retry`: the SERVER span `streamlab.v1.Delivery/Exchange` has a `delivery.ack` event per ACK and a `delivery.redeliver` event (`streamlab.delivery.attempt` 2) for ids 2 and 10, and the `streamlab.delivery.*` counts as attributes; both RPC spans say `streamlab.end_cause=completed`.',
    grafana: 'Dashboard "Stream lifecycle — scenarios side by side", Delivery row: "Delivery · redelivery ratio" sits at 0.2 (2 redeliveries per 10 first sends) and "Delivery · ACK latency" has its p95 in seconds (the 2 s ack timeout).',
    alert: {
      rule: 'StreamlabDeliveryRedeliveryRatioHigh',
      when: 'It fires when redeliveries exceed 20 % of first sends for 10 minutes (given 50 first sends in 5 minutes). ack-retry redelivers exactly 20 % by design and is left out of it; a message it gave up on would fire StreamlabDeliveryMessagesExhausted.',
    },
  },
};

export default scenario;
