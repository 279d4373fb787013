/**
 * The lessons of the liveness scenarios: a server process killed, stopped, frozen, or not
 * there at all. Each runs against a `streamlab serve` child (Jaeger service
 * `streamlab-server-process`) or against nothing. Conventions: see core.ts.
 */
import type { Lesson } from '../lesson.ts';

const FAILURE_MODES = '"Failure modes — end causes and detection per scenario"';
const END_CAUSES = '"End causes per scenario: client | server"';
const DETECTION = '"Detection latency per scenario and side: p50 | p99"';

/** Lessons by scenario name. */
export const LIVENESS_LESSONS: Readonly<Record<string, Lesson>> = {
  'server-kill': {
    wire: [
      'The client opens the stream straight to a `streamlab serve` child; one event arrives.',
      'SIGKILL: the process dies at once. No GOAWAY, no RST_STREAM, no trailers: the kernel closes its sockets.',
      'The client gets a FIN when nothing unread was left in the dead process\'s receive buffer, an RST when something was (the client\'s last WINDOW_UPDATE or PING).',
    ],
    library: {
      client: '`UNAVAILABLE: Connection dropped` (FIN) or `UNAVAILABLE: read ECONNRESET` (RST), within milliseconds.',
      server: 'Nothing: the process is gone and reports nothing, not even a log line.',
      misleads: '`Connection dropped` is the same for a killed server, a server that exited, a keepalive timeout and a proxy\'s FIN; FIN or RST is the kernel\'s choice, not a sign of anything more. And the server side has no span, no metric, no log to look at.',
    },
    streamlab: 'The client reads its socket\'s fate: FIN is `connection_closed`, RST `connection_reset`, and the scenario accepts both. `streamlab.detection_ms` runs from the SIGKILL (ten or twenty milliseconds). The report marks the server side `gone` instead of waiting for it.',
    jaeger: 'Operation `scenario server-kill` (service `streamlab-driver`) has the CLIENT span only: `transport.close` (`streamlab.transport.close_kind=fin`, or `rst`), then `stream.end` with `streamlab.end_cause=connection_closed` (or `streamlab.end_cause=connection_reset`). There is no SERVER span: the killed `streamlab-server-process` never exported it.',
    grafana: `Dashboard ${FAILURE_MODES}, panel ${END_CAUSES}: server-kill has counts in its client column and none in its server column.`,
    alert: {
      rule: 'StreamConnectionResets',
      when: 'Only for runs where the kernel sent RST: `connection_reset` above 1 % of the client side\'s ends for 1 minute. The FIN runs end `connection_closed`, which no rule watches; in production the killed server\'s failed scrapes would fire StreamlabTargetDown.',
    },
  },

  'server-stop': {
    wire: [
      'One event reaches the client from the `streamlab serve` child.',
      'SIGTERM: the server stops accepting and sends GOAWAY (NO_ERROR) on each connection: no new streams there, open ones may finish.',
      'With no grace it ends the open stream itself: trailers with `grpc-status: 14`, `grpc-message: server shutting down` and `streamlab-end-cause: server_shutdown`.',
      'Then it closes the connection (FIN) and exits.',
    ],
    library: {
      client: '`UNAVAILABLE: server shutting down`.',
      server: 'The shutdown fails the call with that status; `\'cancelled\'` fires as on every end.',
      misleads: 'UNAVAILABLE is the code of a dead connection too; only the free-text details differ, and another server may send any text or none. The code alone cannot tell a planned drain from a crash.',
    },
    streamlab: 'The server ends the call with the trailer `streamlab-end-cause: server_shutdown`, and the client trusts the trailer over its socket\'s fate: `server_shutdown` on both sides. Both record `streamlab.detection_ms` from the SIGTERM (the child learns the cause time over IPC): a few milliseconds.',
    jaeger: 'Operation `scenario server-stop`: the CLIENT span (`streamlab-driver`) and the SERVER span (service `streamlab-server-process`) both carry a `goaway` event and `streamlab.end_cause=server_shutdown`. The SERVER span is ERROR: UNAVAILABLE counts as a server error in the semantic conventions.',
    grafana: `Dashboard ${FAILURE_MODES}, panel ${END_CAUSES}: \`server_shutdown\` in both columns.`,
    alert: null,
    quiet: 'No rule watches `server_shutdown`: a drain is planned (a deploy, a restart). In real traffic (scenario `none`) it burns the stream SLO\'s budget, so StreamSLOErrorBudgetBurnFast catches restarts that keep cutting streams; subscribers drained over and over show in FleetReconnectStorm.',
  },

  'server-suspend': {
    wire: [
      'One event reaches the client; then SIGSTOP freezes the server process.',
      'The kernel keeps the frozen process\'s sockets open and still ACKs TCP segments, so TCP looks healthy; nothing at the HTTP/2 level answers.',
      'The client\'s keepalive PING (every 1 s) gets no PING ACK. After the 1 s timeout the client destroys its connection, leaving a GOAWAY and a FIN unread in the frozen server\'s receive buffer.',
      'SIGCONT: the resumed server reads them, or writes into a socket the client has closed and gets an RST back.',
    ],
    library: {
      client: '`UNAVAILABLE: Connection dropped`, about 2 s after the SIGSTOP.',
      server: 'After SIGCONT, `\'cancelled\'`.',
      misleads: '`Connection dropped` reads like a crash, yet the process never died: it could not answer. The resumed server\'s `\'cancelled\'` reads like a client cancel.',
    },
    streamlab: 'The client\'s socket was closed locally by its own keepalive: `keepalive_timeout`, within keepalive time + timeout of the SIGSTOP. The resumed server reads the client\'s FIN (`connection_closed`, the usual), an RST (`connection_reset`), or its own keepalive timer fires first (`keepalive_timeout`): the kernel and the event loop decide.',
    jaeger: 'Operation `scenario server-suspend`: the CLIENT span has `keepalive.timeout` and `transport.close` (`streamlab.transport.close_kind=local`) with `streamlab.end_cause=keepalive_timeout`; the SERVER span (service `streamlab-server-process`) ends only after SIGCONT, usually with `transport.close` (`fin`) and `streamlab.end_cause=connection_closed`.',
    grafana: `Dashboard ${FAILURE_MODES}, panels ${END_CAUSES} (\`keepalive_timeout\` | \`connection_closed\`) and ${DETECTION} (about 2 s on the client).`,
    alert: {
      rule: 'StreamKeepaliveTimeouts',
      when: 'It fires on the client side: every run ends `keepalive_timeout` there, far above the rule\'s 1 % for 1 minute. To its clients a frozen process (SIGSTOP, a long GC pause, CPU starvation) looks exactly like a blackholed network.',
    },
  },

  'server-suspend-no-keepalive': {
    wire: [
      'One event reaches the client; then SIGSTOP freezes the server.',
      'The client\'s keepalive is off: it sends no PING, so nothing on the wire goes unanswered. A frozen peer looks like a quiet stream.',
      'After 3 s (`--frozen-wait-ms`) the runner gives up and calls `cancel()`: an RST_STREAM CANCEL lands in the frozen server\'s receive buffer.',
      'SIGCONT: the server reads that RST_STREAM; the connection stays open.',
    ],
    library: {
      client: 'Nothing at all while the server is frozen; then `CANCELLED: Cancelled on client`, the status of its own cancel.',
      server: 'After SIGCONT, `\'cancelled\'`.',
      misleads: 'No status, no error, no event: a client without keepalive waits forever on a frozen peer, and the status it finally gets blames itself.',
    },
    streamlab: 'Nothing signals the freeze, so streamlab cannot detect it either: the runner watches the silent client for 3 s, reports "still waiting after 3 s — without keepalive it would wait forever", and cancels it. Both sides then end `client_cancelled` (the server `keepalive_timeout` if its own timer fires first); the 3 s of `streamlab.detection_ms` are the runner\'s patience, not a detection.',
    jaeger: 'Operation `scenario server-suspend-no-keepalive`: both RPC spans show `stream.open`, a message or two, about 3 s of nothing, then `stream.cancel` and `stream.end` with `streamlab.end_cause=client_cancelled`; no `keepalive.timeout`, no `transport.close`. The SERVER span is in service `streamlab-server-process`.',
    grafana: `Dashboard ${FAILURE_MODES}, panels ${END_CAUSES} (\`client_cancelled\` on both sides, which hides the freeze) and ${DETECTION} (about 3 s: the runner's wait).`,
    alert: {
      rule: 'StreamStuck',
      when: 'In real life, with nobody to cancel: streams open with no message for about 10 minutes (none in 5 minutes, for 5 more) fire it. In the lab the runner cancels after 3 s, long before, so nothing fires. In the alerts matrix (`streamlab alerts test`, docs/alerts.md) it stays quiet too: mixed with healthy streams, the stuck ones never silence a whole side, which is what the rule asks.',
    },
  },

  'no-server': {
    wire: [
      'The client\'s SYN reaches a port where nothing listens; the kernel answers with an RST: connection refused.',
      'No TCP connection means no HTTP/2 at all: no HEADERS, no stream, nothing any server could see.',
    ],
    library: {
      client: '`UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:PORT …`, at once, since the call does not wait for ready.',
      server: 'There is none.',
      misleads: 'UNAVAILABLE is the same code as a stream cut in the middle: retries, dashboards and alerts by code mix up "never connected" and "lost the connection".',
    },
    streamlab: 'The client knows no connection ever carried the call, so its UNAVAILABLE becomes `connect_failed`, with the OS error in `error.type` (`ECONNREFUSED`) and in `connect_error` of `--json`. `streamlab.detection_ms` runs from the start of the call: a few milliseconds.',
    jaeger: 'Operation `scenario no-server`: one CLIENT span, `streamlab.end_cause=connect_failed`, `error.type=ECONNREFUSED`, no message received, status ERROR with the details above. No SERVER span exists.',
    grafana: `Dashboard ${FAILURE_MODES}, panel ${END_CAUSES}: \`connect_failed\` in the client column and no server counts.`,
    alert: {
      rule: 'StreamConnectFailures',
      when: 'It fires when clients keep ending streams `connect_failed` for about 3 minutes. The no-server scenarios fail on purpose and are left out of it, so it stays quiet in the lab; their runs are covered by StreamScenarioVerdictMismatch. In the alerts matrix (`streamlab alerts test`, docs/alerts.md) the failing streams carry real traffic\'s label (scenario `none`), and it fires about 5 minutes after they start.',
    },
  },

  'no-server-wait-for-ready': {
    wire: [
      'Nothing listens: every connect attempt (SYN) is answered by an RST from the kernel.',
      'With `waitForReady` the channel keeps the call queued and retries connecting with backoff instead of failing it.',
      'At 1 s the client\'s deadline passes. The call never had a stream: not one HTTP/2 frame was sent.',
    ],
    library: {
      client: '`DEADLINE_EXCEEDED: Deadline exceeded after 1.000s,name resolution: …,wait_for_ready,Waiting for LB pick`.',
      server: 'There is none.',
      misleads: 'DEADLINE_EXCEEDED usually means a slow server; here no server ever saw the call. Only `Waiting for LB pick` in the details hints that it never left the client.',
    },
    streamlab: 'The client ends `deadline_exceeded`, as the status says; what sets it apart from a slow server is the missing other side: no server end, no SERVER span, `none` in the report\'s server column. The cause clock is the deadline itself, so `streamlab.detection_ms` is about 0: the client\'s own timer.',
    jaeger: 'Operation `scenario no-server-wait-for-ready`: one CLIENT span, about 1 s long, `streamlab.end_cause=deadline_exceeded`, ERROR with the `Waiting for LB pick` details and no message received. No SERVER span.',
    grafana: `Dashboard ${FAILURE_MODES}, panel ${END_CAUSES}: \`deadline_exceeded\` in the client column only.`,
    alert: null,
    quiet: 'No rule watches `deadline_exceeded`, and the end is not `connect_failed`, so StreamConnectFailures does not count it (the scenario is also left out of it): a client that waits for ready hides an absent server behind its deadlines. Only StreamlabTargetDown, when the missing server is a scrape target, says it is gone.',
  },
};
