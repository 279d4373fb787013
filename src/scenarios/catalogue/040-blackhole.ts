/**
 * Scenario `blackhole`: its definition, expectation and lesson (design §3; the lesson's
 * conventions are in src/scenarios/lesson.ts).
 *
 * One of the core set (completion, cancel, disconnect, blackhole): the three endings of the
 * seed experiment side by side, and the silent one.
 */
import type { Scenario } from '../scenario.ts';
import { UNAVAILABLE } from '../grpc-codes.ts';
import { LIFECYCLE } from '../lessons/dashboards.ts';

const scenario: Scenario = {
  name: 'blackhole',
  summary: 'after 3 events the fault proxy silently drops everything both ways; only keepalive notices',
  core: true,
  rpc: 'server_stream',
  count: 0,
  client: { kind: 'read-all' },
  network: { kind: 'fault', fault: 'blackhole', afterMessages: 3 },
  expect: {
    client: 'keepalive_timeout',
    clientCode: UNAVAILABLE,
    server: 'keepalive_timeout',
    // The next PING leaves at most timeMs after the fault and times out timeoutMs later;
    // 200 ms of slack for timer and event-loop lateness.
    serverDetectionWithinMs: ({ timeMs, timeoutMs }) => timeMs + timeoutMs + 200,
    why: 'nothing closes: only an unanswered keepalive PING tells either side the peer is gone',
  },
  expectVia: {
    toxiproxy: {
      server: 'connection_closed',
      why: "Toxiproxy's timeout toxic drops data but passes a close on: the client's keepalive (1 s in the driver) fires first and its FIN reaches the server (30 s keepalive in compose)",
    },
  },
  lesson: {
    wire: [
      'Request and 3 events flow through the fault proxy as usual.',
      'The proxy keeps both TCP connections open and keeps reading, so every segment is still ACKed, but it forwards nothing: the server\'s next DATA frames vanish (it goes on writing for the 2 s it takes to notice), and so does all the client sends.',
      'Each side\'s keepalive PING (every 1 s in `streamlab run`) gets no PING ACK. After the 1 s timeout each side gives up and destroys its connection; its parting GOAWAY and FIN are swallowed too.',
      'No RST_STREAM, no trailers, no RST ever arrive: silence is the only signal.',
    ],
    library: {
      client: '`UNAVAILABLE: Connection dropped`, about 2 s after the fault (keepalive time + timeout).',
      server: '`\'cancelled\'`, when its own keepalive timer destroys the connection; a server without keepalive would never notice.',
      misleads: '`Connection dropped` is word for word what a FIN or a killed server give, and it comes seconds late: nothing tells either library when the peer went away. The server\'s `\'cancelled\'` reads like a client cancel.',
    },
    streamlab: 'Neither socket saw a FIN or an RST: grpc-js\'s keepalive closed it locally, and a local close means `keepalive_timeout`, on both sides. `streamlab.detection_ms` from the fault is about 2 s, bounded by keepalive time + timeout (the verdict checks the server\'s bound).',
    jaeger: 'Operation `scenario blackhole`: both RPC spans have `keepalive.timeout`, then `transport.close` (`streamlab.transport.close_kind=local`) and `stream.end`, with `streamlab.end_cause=keepalive_timeout`; the SERVER span\'s `streamlab.messages.sent` counts what it wrote into the void. In compose Toxiproxy passes the client\'s FIN on, so the SERVER span (service `streamlab-server`, 30 s keepalive) says `streamlab.end_cause=connection_closed`.',
    grafana: `Dashboard ${LIFECYCLE}, panels "blackhole · detection latency" (about 2 s, far above the other columns) and "blackhole · messages/s" (the server line above the client's: messages nobody received).`,
    alert: {
      rule: 'StreamKeepaliveTimeouts',
      when: 'It fires when more than 1 % of one side\'s stream ends over 5 minutes are `keepalive_timeout`, for 1 minute. Every run of this scenario is one, so it fires (in compose on the client side, since the server sees a FIN there).',
    },
  },
};

export default scenario;
