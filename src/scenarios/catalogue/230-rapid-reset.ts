/**
 * Scenario `rapid-reset`: its definition, expectation and lesson (design §3; the lesson's
 * conventions are in src/scenarios/lesson.ts).
 *
 * A peer scenario (issue 16): another client misbehaves and the server must keep it to that
 * client's own connection; the attack itself is src/scenarios/peer-attack.ts.
 */
import type { Scenario } from '../scenario.ts';
import { OK } from '../grpc-codes.ts';
import { FAILURE_MODES, END_CAUSES, LIFECYCLE } from '../lessons/dashboards.ts';

const scenario: Scenario = {
  name: 'rapid-reset',
  summary: "after 1 event another client floods the server with streams it resets at once (CVE-2023-44487): GOAWAY ENHANCE_YOUR_CALM for it; this stream completes",
  rpc: 'server_stream',
  count: 5,
  client: { kind: 'read-all' },
  network: { kind: 'clean' },
  attack: { kind: 'rapid-reset', afterMessages: 1, expectGoaway: 'ENHANCE_YOUR_CALM' },
  expect: {
    client: 'completed', clientCode: OK, server: 'completed',
    why: "the server answers the flood's connection with GOAWAY after 500 premature resets; GOAWAY is per connection, so this stream, on its own, completes",
  },
  lesson: {
    wire: [
      'The scenario\'s own stream opens as in `completion` and its first event arrives.',
      'Another client, a raw HTTP/2 client on a connection of its own, sends HEADERS for `/streamlab.v1.Ticker/Notify` and RST_STREAM CANCEL right after, 64 streams at a time, over and over, with 3 streams it keeps open among them: the rapid reset of CVE-2023-44487. Each reset is one frame for the client, and a new call for the server to set up and tear down.',
      'After 500 streams reset before any answer, within 1 s of opening, the server sends that connection GOAWAY with error code ENHANCE_YOUR_CALM (0xb) and the last stream id it processed, and closes it: the streams still open on it, the 3 held ones among them, end there. Node\'s own nghttp2 would have sent GOAWAY INTERNAL_ERROR after 1,000 resets in a burst.',
      'The scenario\'s stream, on another connection, goes on: its remaining events arrive, then trailers with `grpc-status: 0`. While the flood lasts, its events come late: the flood\'s calls share the server\'s event loop.',
    ],
    library: {
      client: 'The flooding client\'s HTTP/2 session gets `\'goaway\'` with code 11 and then fails with `ERR_HTTP2_SESSION_ERROR`; the scenario\'s own client sees `OK`.',
      server: 'grpc-js builds a call for every stream and emits `\'cancelled\'` on each, as for any cancel. Neither grpc-js nor Node tells the server\'s code that nghttp2 sent a GOAWAY of its own: the session just closes.',
      misleads: 'Every flooded stream looks like a client that gave up: hundreds of `client_cancelled` ends with a span each in a second, which is what a cancel alert watches. Without streamlab\'s bound the server never learns that its HTTP/2 stack refused the connection, or with which code.',
    },
    streamlab: 'The server watches its HTTP/2 sessions through Node\'s diagnostics_channel (`http2.server.stream.start` and `http2.server.stream.close`) and counts the streams a peer resets before they were answered; at 500 it sends GOAWAY ENHANCE_YOUR_CALM itself, as a connection event: a log record `goaway sent` with the connection id, error code, last stream id and reset count, and `streamlab_goaways_sent_total`. The resets before the GOAWAY were cancels on a live connection: `client_cancelled`. The calls the GOAWAY ended are `server_shutdown`, with a `goaway` event naming its error code. The runner\'s timeline marks the flood `#` and the GOAWAY the flood received `G`.',
    jaeger: 'Operation `scenario rapid-reset` (service `streamlab-driver`): the scenario\'s two RPC spans end `streamlab.end_cause=completed`. The flood\'s SERVER spans (service `streamlab-server`, `streamlab.scenario` rapid-reset, no parent: the flood sends no trace context) end `client_cancelled` with a `stream.cancel` event, and the last few `server_shutdown` with a `goaway` event whose `streamlab.http2.error_code` is ENHANCE_YOUR_CALM.',
    grafana: `Dashboard ${FAILURE_MODES}, panel ${END_CAUSES}: scenario rapid-reset shows the flood's \`client_cancelled\` and \`server_shutdown\` on the server beside the scenario's \`completed\`; on ${LIFECYCLE}, "Server TCP closes by kind (5m)" counts the flood's connection under \`local\`: the server closed it.`,
    alert: {
      rule: 'StreamSLOErrorBudgetBurnFast',
      when: 'In real traffic (scenario `none`) the flood\'s streams the GOAWAY ended are `server_shutdown`, which the stream SLO counts as bad, so a sustained flood burns its budget: in the alerts matrix, with 5 % of the streams ending like this scenario, it fires 30 s after the flood starts. StreamClientCancelRatioRising, the rule the flood\'s cancels seem made for, stays quiet there: it fires on a rise of the last 5 minutes over the last hour, and a flood fills the hour within a minute; a single flood on a quiet server lifts it for the 5 minutes the flood stays in its window, as long as its `for:`. Watch `streamlab_goaways_sent_total{error_code="ENHANCE_YOUR_CALM"}` for the attack itself.',
    },
  },
};

export default scenario;
