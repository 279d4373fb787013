/**
 * The lessons of the core set (completion, cancel, disconnect, blackhole): the three endings
 * of the seed experiment side by side, and the silent one. Conventions of every lesson file:
 * `code` in backticks; Grafana dashboard and panel titles in double quotes, exactly as
 * generated (test/lessons.test.ts checks them, and the alert names, against the files).
 */
import type { Lesson } from '../lesson.ts';

const LIFECYCLE = '"Stream lifecycle — scenarios side by side"';

/** Lessons by scenario name. */
export const CORE_LESSONS: Readonly<Record<string, Lesson>> = {
  completion: {
    wire: [
      'The client opens the stream: HEADERS (`POST /streamlab.v1.Ticker/Subscribe`) and one DATA frame with the request, flagged END_STREAM: the client has nothing more to send.',
      'The server answers with HEADERS, then one DATA frame per event (5).',
      'The server ends the stream with trailers: a HEADERS frame flagged END_STREAM carrying `grpc-status: 0` and `streamlab-end-cause: completed`.',
      'The TCP connection stays open for the next call: no RST_STREAM, no GOAWAY, no FIN.',
    ],
    library: {
      client: '`OK`, after the 5 messages.',
      server: 'The handler returns; grpc-js still emits `\'cancelled\'` on the call, as it does on every end since 1.10.',
      misleads: 'Nothing misleads here, but note the server\'s `\'cancelled\'`: code that counts it as "the client cancelled" counts every successful stream too.',
    },
    streamlab: 'Both sides receive or send an OK status: `completed`. Nobody caused the end, so there is no cause time and no `streamlab.detection_ms`. This is the baseline the other scenarios differ from.',
    jaeger: 'Service `streamlab-driver`, operation `scenario completion`: the CLIENT span `streamlab.v1.Ticker/Subscribe` and the SERVER span of the same name (service `streamlab-server`), both `streamlab.end_cause=completed`, status unset, with events `stream.open`, one `message` per message and `stream.end`.',
    grafana: `Dashboard ${LIFECYCLE}, panels "completion · end causes (5m)" (only \`completed\`, on both sides) and "completion · messages/s"; the "completion · detection latency" panel says why it has nothing to show.`,
    alert: null,
    quiet: 'A completed stream is the stream SLO\'s good event. Scenario `completion` is one of the two the SLO counts (with real traffic, `none`), so StreamSLOErrorBudgetBurnFast and StreamSLOErrorBudgetBurnSlow fire if these streams start ending any other way.',
  },

  cancel: {
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

  disconnect: {
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

  blackhole: {
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
