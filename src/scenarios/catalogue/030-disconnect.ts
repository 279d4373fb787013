/**
 * Scenario `disconnect`: its definition, expectation and lesson (design §3; the lesson's
 * conventions are in src/scenarios/lesson.ts).
 *
 * One of the core set (completion, cancel, disconnect, blackhole): the three endings of the
 * seed experiment side by side, and the silent one.
 */
import type { Scenario } from '../scenario.ts';
import { UNAVAILABLE } from '../grpc-codes.ts';
import { LIFECYCLE } from '../lessons/dashboards.ts';

const scenario: Scenario = {
  name: 'disconnect',
  summary: 'after 3 events the fault proxy resets both TCP connections (RST)',
  core: true,
  rpc: 'server_stream',
  count: 0,
  client: { kind: 'read-all' },
  network: { kind: 'fault', fault: 'reset', afterMessages: 3 },
  expect: {
    client: 'connection_reset', clientCode: UNAVAILABLE, server: 'connection_reset',
    why: 'the proxy closes both sockets with SO_LINGER 0, so each side reads ECONNRESET before any status',
  },
  expectVia: {
    toxiproxy: {
      client: 'connection_closed',
      server: 'connection_closed',
      why: 'Toxiproxy 2.12 sets SO_LINGER 0 (the RST) only on connections opened after a reset_peer toxic exists (link.go Start); added to a live connection it closes with FIN',
    },
  },
  lesson: {
    wire: [
      'Request and 3 events flow through the fault proxy as usual (HEADERS, DATA).',
      'The proxy closes both of its TCP connections with SO_LINGER 0: each side receives a TCP RST instead of a FIN.',
      'No HTTP/2 frame announces it (no RST_STREAM, no GOAWAY, no trailers): the next read on each socket fails with ECONNRESET.',
    ],
    library: {
      client: '`UNAVAILABLE: read ECONNRESET`: grpc-js copies the socket error into the details.',
      server: '`\'cancelled\'` on the call, nothing more.',
      misleads: 'UNAVAILABLE is also what a FIN, a keepalive timeout or a killed server give, and the server\'s `\'cancelled\'` looks exactly like a client\'s cancel. Through Toxiproxy (compose) the same fault arrives as a FIN, and the client reads `Connection dropped` instead.',
    },
    streamlab: 'Each side watches its own socket: an ECONNRESET `error` before grpc-js ends the call means RST, so both say `connection_reset` (a FIN would be `connection_closed`). Both record `streamlab.detection_ms` from the proxy\'s fault: about a millisecond.',
    jaeger: 'Operation `scenario disconnect`: both RPC spans end with a `transport.close` event (`streamlab.transport.close_kind=rst`), then `stream.end`, and `streamlab.end_cause=connection_reset`; `streamlab.connection.id` names the connection that died. In compose, through Toxiproxy, search `streamlab.end_cause=connection_closed` instead: close kind `fin`.',
    grafana: `Dashboard ${LIFECYCLE}, panels "disconnect · end causes (5m)" and "Server TCP closes by kind (5m)": \`rst\` with the embedded proxy of \`streamlab run\`, \`fin\` through Toxiproxy in compose.`,
    alert: {
      rule: 'StreamConnectionResets',
      when: 'It fires when more than 1 % of one side\'s stream ends over 5 minutes are `connection_reset`, for 1 minute: every run of this scenario is one. Through Toxiproxy the ends are `connection_closed`, which no rule watches, so in compose it stays quiet for this scenario.',
    },
  },
};

export default scenario;
