/**
 * Scenario `close`: its definition, expectation and lesson (design §3; the lesson's
 * conventions are in src/scenarios/lesson.ts).
 *
 * One of the other endings: a deadline, a FIN from the network, a graceful drain with and
 * without enough grace, a slow consumer.
 */
import type { Scenario } from '../scenario.ts';
import { UNAVAILABLE } from '../grpc-codes.ts';
import { FAILURE_MODES, END_CAUSES } from '../lessons/dashboards.ts';

const scenario: Scenario = {
  name: 'close',
  summary: 'after 3 events the fault proxy closes both TCP connections cleanly (FIN)',
  rpc: 'server_stream',
  count: 0,
  client: { kind: 'read-all' },
  network: { kind: 'fault', fault: 'close', afterMessages: 3 },
  expect: {
    client: 'connection_closed',
    clientCode: UNAVAILABLE,
    server: 'connection_closed',
    why: 'each side reads a FIN with the stream still open: "Connection dropped" to grpc-js, a FIN to the socket watch',
  },
  lesson: {
    wire: [
      'Request and 3 events flow through the fault proxy.',
      'The proxy ends both TCP connections cleanly: each side receives a FIN while its stream is still open.',
      'No RST_STREAM, no GOAWAY, no trailers: the stream just has no connection left.',
    ],
    library: {
      client: '`UNAVAILABLE: Connection dropped`.',
      server: '`\'cancelled\'`.',
      misleads: 'A FIN only says "the peer is done sending": the client gets the same `Connection dropped` as for a killed or exited server or a keepalive timeout, the server the same `\'cancelled\'` as for a client\'s cancel.',
    },
    streamlab: 'Each side saw its socket\'s `end` (the FIN) before grpc-js ended the call: `connection_closed`. Both record `streamlab.detection_ms` from the proxy\'s close: under a millisecond.',
    jaeger: 'Operation `scenario close`: both RPC spans have `transport.close` with `streamlab.transport.close_kind=fin`, then `stream.end` with `streamlab.end_cause=connection_closed`; the CLIENT span is ERROR (UNAVAILABLE), the SERVER span unset.',
    grafana: `Dashboard ${FAILURE_MODES}, panel ${END_CAUSES} (\`connection_closed\` on both sides); on "Stream lifecycle — scenarios side by side", "Server TCP closes by kind (5m)" counts it under \`fin\`.`,
    alert: null,
    quiet: 'No rule watches `connection_closed`: a FIN is also how restarts and idle proxies end connections, normal at a low rate. In real traffic (scenario `none`) it burns the stream SLO\'s budget, so StreamSLOErrorBudgetBurnFast fires when it becomes frequent.',
  },
};

export default scenario;
