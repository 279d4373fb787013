/**
 * The lessons of the other endings: a deadline, a FIN from the network, a drain with and
 * without enough grace, and a slow consumer. Conventions: see core.ts.
 */
import type { Lesson } from '../lesson.ts';

const FAILURE_MODES = '"Failure modes — end causes and detection per scenario"';
const END_CAUSES = '"End causes per scenario: client | server"';
const DETECTION = '"Detection latency per scenario and side: p50 | p99"';

/** Lessons by scenario name. */
export const ENDING_LESSONS: Readonly<Record<string, Lesson>> = {
  deadline: {
    wire: [
      'The request HEADERS carry `grpc-timeout: 500m`: the server learns the deadline too.',
      'Events flow at the run\'s pace; the stream would never end by itself.',
      'At 500 ms the client\'s deadline timer fires and grpc-js sends RST_STREAM CANCEL. The server\'s own timer, started when the request arrived, runs a little later; had it fired first, it would have sent trailers with `grpc-status: 4`.',
      'The TCP connection stays open.',
    ],
    library: {
      client: '`DEADLINE_EXCEEDED: Deadline exceeded after 0.501s,…,remote_addr=…`, written by the client\'s own timer.',
      server: '`\'cancelled\'`, from the client\'s RST_STREAM; grpc-js\'s server deadline timer, when it fires first, sends `DEADLINE_EXCEEDED: Deadline exceeded` itself.',
      misleads: 'On the server the deadline\'s RST_STREAM CANCEL is the same `\'cancelled\'` as a user\'s cancel. On the client, DEADLINE_EXCEEDED does not say whether the server was slow or the deadline too short for a stream that never ends.',
    },
    streamlab: 'At `\'cancelled\'` the server compares the call\'s deadline (from `grpc-timeout`) with the time: passed, within 50 ms of clock skew, means `deadline_exceeded`, not `client_cancelled`. The client reads its status code. The cause clock is the deadline, so `streamlab.detection_ms` is a millisecond or two.',
    jaeger: 'Operation `scenario deadline`: both RPC spans last about 500 ms and end with `stream.end` and `streamlab.end_cause=deadline_exceeded`, no `stream.cancel`; both are ERROR (DEADLINE_EXCEEDED counts as a server error in the semantic conventions).',
    grafana: `Dashboard ${FAILURE_MODES}, panel ${END_CAUSES}: \`deadline_exceeded\` in both columns.`,
    alert: null,
    quiet: 'No rule watches `deadline_exceeded` on its own: the deadline is the client\'s choice. In real traffic (scenario `none`) these ends burn the stream SLO\'s budget, so StreamSLOErrorBudgetBurnFast fires when they become frequent.',
  },

  close: {
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

  shutdown: {
    wire: [
      'One event reaches the client; then SIGTERM.',
      'The server sends GOAWAY (NO_ERROR): no new streams on this connection, but the stream in flight goes on.',
      'The remaining events arrive, then trailers with `grpc-status: 0` and `streamlab-end-cause: completed`, well within the grace.',
      'The server closes the connection (FIN) and exits; a new call would open a new connection.',
    ],
    library: {
      client: '`OK`, as if nothing had happened.',
      server: 'The handler ends OK; `\'cancelled\'` fires as on every end.',
      misleads: 'Nothing misleads, and that is the point: a good drain is invisible. grpc-js does not tell the client application that a GOAWAY came. One trap: a grpc-js client with keepalive sends its next PING after the GOAWAY, Node refuses to send it on a closing session, and grpc-js drops the connection with every stream still draining (`UNAVAILABLE: Connection dropped`, grpc/grpc-node#3068, open in 1.14). This run\'s stream ends within one keepalive interval; a drain longer than the client\'s keepalive interval is cut by the client itself.',
    },
    streamlab: 'Both sides end `completed`. The only trace of the drain is `streamlab.detection_ms` on both spans, measured from the SIGTERM to the end: the time the rest of the stream took.',
    jaeger: 'Operation `scenario shutdown`: both RPC spans end with `streamlab.end_cause=completed`, status unset. There is no `goaway` event: streamlab records one only on streams the drain ended, so the drain shows as `streamlab.detection_ms` and a SERVER span in service `streamlab-server-process`.',
    grafana: `Dashboard ${FAILURE_MODES}, panels ${END_CAUSES} (\`completed\` on both sides) and ${DETECTION} (the rest of the stream after the SIGTERM).`,
    alert: null,
    quiet: 'Nothing failed: the drain let the stream finish, which is what a deploy should look like, so no rule has anything to say.',
  },

  'shutdown-cut': {
    wire: [
      'One event reaches the client; then SIGTERM: GOAWAY (NO_ERROR), and the stream in flight goes on.',
      'Events keep coming during the 300 ms grace: this stream never ends by itself.',
      'When the grace is over the server ends it: trailers with `grpc-status: 14`, `grpc-message: server shutting down` and `streamlab-end-cause: server_shutdown`.',
      'Then FIN, and the process exits.',
    ],
    library: {
      client: '`UNAVAILABLE: server shutting down`, about 300 ms after the SIGTERM.',
      server: 'The shutdown fails the call with that status; `\'cancelled\'` fires as on every end.',
      misleads: 'From the code the client cannot tell that the server tried to be graceful: UNAVAILABLE is also a crash. Compare `shutdown`: the same GOAWAY, but the stream fit in the grace.',
    },
    streamlab: 'The trailer `streamlab-end-cause: server_shutdown` names the cause on the client; the server knows it ended the call in its drain. `streamlab.detection_ms` from the SIGTERM is the grace, about 300 ms, on both sides.',
    jaeger: 'Operation `scenario shutdown-cut`: both RPC spans carry a `goaway` event and `streamlab.end_cause=server_shutdown`, about 300 ms after the SIGTERM; the SERVER span (service `streamlab-server-process`) is ERROR (UNAVAILABLE).',
    grafana: `Dashboard ${FAILURE_MODES}, panels ${END_CAUSES} (\`server_shutdown\` on both sides) and ${DETECTION} (about 0.3 s on both sides: the grace).`,
    alert: null,
    quiet: 'No rule watches `server_shutdown`. A grace shorter than the streams it drains cuts every long stream at every deploy: in real traffic (scenario `none`) that burns the stream SLO\'s budget (StreamSLOErrorBudgetBurnFast), and fleet subscribers show it in FleetReconnectStorm.',
  },

  'slow-consumer': {
    wire: [
      'The server sends 100 events of 64 KiB each as fast as it can: DATA frames back to back.',
      'The client pauses 5 ms after each, so its WINDOW_UPDATE frames come slowly: the stream\'s flow-control window (64 KiB by default) fills up and the server must stop sending.',
      'Each WINDOW_UPDATE reopens the window and the server resumes. Nothing is lost and nothing is cut.',
      'All 100 events arrive; trailers with `grpc-status: 0` end the stream.',
    ],
    library: {
      client: '`OK`, after 100 messages.',
      server: '`write()` returned `false` now and then and `\'drain\'` followed; the handler ended OK.',
      misleads: 'Both sides say OK, so the waiting is invisible: gRPC has no metric for time blocked on flow control, and a server that ignores `write()` returning `false` just buffers in memory instead.',
    },
    streamlab: 'Both ends are `completed`; the difference is the server\'s waits. Each `write()` that returned `false` until `\'drain\'` is a `backpressure.wait` span and a `streamlab_backpressure_wait_seconds` observation, and the verdict requires at least one.',
    jaeger: 'Operation `scenario slow-consumer`: the SERVER span `streamlab.v1.Ticker/Subscribe` has `backpressure.wait` child spans, one per wait; both RPC spans end `streamlab.end_cause=completed`, their `message` events capped at 100 (the exact counts are in `streamlab.messages.sent` and `streamlab.messages.received`).',
    grafana: `Dashboard ${FAILURE_MODES}, panel ${END_CAUSES}: \`completed\` on both sides. No panel draws this scenario's waits: the "Backpressure waits" row of "Stream lifecycle — scenarios side by side" has the four core columns only ("completion · backpressure waits/s" and its neighbours), so graph \`side_scenario:streamlab_backpressure_wait_seconds:rate5m{scenario="slow-consumer"}\` in Prometheus.`,
    alert: {
      rule: 'StreamBackpressureStalls',
      when: 'It fires when streams spend more than 25 % of their time waiting for `\'drain\'`, for 5 minutes. A lab run waits a fraction of a second per round, far below; a consumer always this slow would fire it.',
    },
  },
};
