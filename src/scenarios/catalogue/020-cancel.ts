/**
 * Scenario `cancel`: its definition, expectation and lesson (design §3; the lesson's
 * conventions are in src/scenarios/lesson.ts).
 *
 * One of the core set (completion, cancel, disconnect, blackhole): the three endings of the
 * seed experiment side by side, and the silent one.
 */
import type { Scenario } from '../scenario.ts';
import { CANCELLED } from '../grpc-codes.ts';
import { LIFECYCLE } from '../lessons/dashboards.ts';

const scenario: Scenario = {
  name: 'cancel',
  summary: 'the client calls cancel() after 3 events: RST_STREAM CANCEL on a live connection',
  core: true,
  rpc: 'server_stream',
  count: 0,
  client: { kind: 'cancel', afterMessages: 3 },
  network: { kind: 'clean' },
  expect: {
    client: 'client_cancelled', clientCode: CANCELLED, server: 'client_cancelled',
    why: 'cancel() sends RST_STREAM CANCEL on a connection that stays open, so the server sees the cancel, not a transport end',
  },
  lesson: {
    wire: [
      'Request HEADERS and DATA go out; response HEADERS and 3 DATA frames reach the client.',
      'The client calls `cancel()`: grpc-js sends RST_STREAM with error code CANCEL for this one stream.',
      'The server stops writing; DATA already in flight is discarded by the client. No trailers are sent.',
      'The TCP connection stays open: keepalive PINGs still get their ACKs, and the next call reuses it.',
    ],
    library: {
      client: '`CANCELLED: Cancelled on client`: the client\'s own library wrote this status, nothing came from the server.',
      server: '`\'cancelled\'` on the call, and nothing else: no reason, and the RST_STREAM code only in grpc-js\'s trace log.',
      misleads: 'The server gets the same `\'cancelled\'` for a peer\'s FIN, an RST or a keepalive timeout, and for every normal end too. grpc-go, grpc-java and grpc-core cannot tell these apart either (grpc-go issue 4442).',
    },
    streamlab: 'At `\'cancelled\'` the server looks at the socket under the call: no FIN, no RST, not closed locally, so the peer must have sent RST_STREAM CANCEL: `client_cancelled`. The client knows it called `cancel()` itself. Both record `streamlab.detection_ms` from the runner\'s `cancel()`: a fraction of a millisecond on the client, a millisecond or two on the server.',
    jaeger: 'Operation `scenario cancel` (service `streamlab-driver`): both RPC spans have a `stream.cancel` event before `stream.end`, no `transport.close`, and `streamlab.end_cause=client_cancelled`. The CLIENT span is ERROR (CANCELLED); the SERVER span (service `streamlab-server`) stays unset: a cancel is not a server error. instrumentation-grpc alone would never end that SERVER span; streamlab\'s lifecycle layer does.',
    grafana: `Dashboard ${LIFECYCLE}, panels "cancel · end causes (5m)" (\`client_cancelled\` on both sides) and "cancel · detection latency" (milliseconds); "Server TCP closes by kind (5m)" does not move: no connection closed.`,
    alert: {
      rule: 'StreamClientCancelRatioRising',
      when: 'It fires when more than 5 % of the server\'s stream ends over 5 minutes are `client_cancelled` and that share is twice the last hour\'s, for 5 minutes. The lab\'s cancel scenario cancels every stream from its first run, a steady share, so it stays quiet there: the rule is for real clients that start giving up. The alerts matrix (`streamlab alerts test`, docs/alerts.md) shows it: when 10 % of real traffic\'s streams start being cancelled it fires about 8 minutes later, and at 5 % it stays quiet (not above its threshold).',
    },
  },
};

export default scenario;
