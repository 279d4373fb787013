/**
 * The lessons of the Kubernetes labs (src/scenarios/k8s/, issue 19): long-lived streams behind
 * a ClusterIP Service, a headless Service, max connection age and an idle-timing load
 * balancer. Sources: the Kubernetes blog "gRPC load balancing on Kubernetes without tears"
 * (2018), gRFC A9 (max connection age), grpc/grpc-node#2455 and #1663 (re-resolution),
 * grpc/grpc-node#3068 (keepalive after GOAWAY), the AWS NLB documentation (350 s idle
 * timeout). The manifests these lessons explain are in deploy/k8s (docs/kubernetes.md).
 * Conventions: see core.ts.
 */
import type { Lesson } from '../lesson.ts';

const FLEET = '"Fleet — subscribers, reconnects, resume and fan-out"';
const PER_BACKEND = '"Subscribers per backend"';
const PER_SERVER = '"Open Ticker streams per server (server side)"';
const RECONNECTS = '"Reconnects/s by end cause (1m)"';
const GAPS = '"Resume gap and duplicate events (5m)"';
const FAILURE_MODES = '"Failure modes — end causes and detection per scenario"';
const END_CAUSES = '"End causes per scenario: client | server"';

/** Lessons by scenario name. */
export const KUBERNETES_LESSONS: Readonly<Record<string, Lesson>> = {
  'l4-pinning': {
    wire: [
      'Nine subscribers share one channel whose target is one address, as a ClusterIP Service\'s virtual IP is: the channel opens one TCP connection.',
      'The L4 balancer (kube-proxy\'s part: it picks a backend per connection, in turn as IPVS `rr` does, at random in iptables mode) sends that connection to one server and only copies bytes after that.',
      'All nine streams are HTTP/2 streams multiplexed on that connection: the balancer never sees them, so all nine land on the one server; the other two get nothing.',
      'The same nine on a `round_robin` channel over the three servers\' own addresses (a headless Service\'s DNS answer) open three connections and spread three, three, three.',
    ],
    library: {
      client: 'Nothing: every stream is healthy, `getPeer()` names the balancer\'s address for all nine.',
      server: 'Nothing: one server has nine open streams, the others none.',
      misleads: 'No error, no status, no log says anything is wrong: the imbalance only shows in per-pod load. Scaling the Deployment up does not help, because new pods get no connection from existing channels.',
    },
    streamlab: 'The lab counts streams per server from the servers themselves (the balancer hides the backend from `getPeer()`) and per backend from each subscriber\'s peer on the round_robin channel; the findings print both spreads. The streams end only when the runner stops the subscribers: `client_cancelled` on both sides.',
    jaeger: 'Operation `scenario l4-pinning` (service `streamlab-driver`): 18 CLIENT spans `streamlab.v1.Ticker/Subscribe`, each with `streamlab.subscriber.id` and `streamlab.backend`, and the SERVER spans in service `streamlab-server-process`; `streamlab.backend` is the balancer\'s address for the nine pinned ones. All end `streamlab.end_cause=client_cancelled`.',
    grafana: `In a fleet, dashboard ${FLEET}, panels ${PER_SERVER} (one server carries every stream of the pinned channels) and ${PER_BACKEND}.`,
    alert: null,
    quiet: 'Nothing fails, so no rule fires: watch the spread of open streams per pod instead, and use a headless Service with client-side `round_robin` (deploy/k8s/services.yaml) or an L7 proxy that balances streams.',
  },

  'new-backend-unused': {
    wire: [
      'The channel\'s target is `dns://127.0.0.1:PORT/streamlab-server-headless.streamlab.svc.cluster.local:PORT`: grpc-js asks that DNS server once (A, AAAA and TXT queries) and gets the three ready pods.',
      'Six subscribers, round_robin: two streams per pod, one connection per pod.',
      'A fourth pod becomes ready and the DNS answer gains its address. The channel does not ask again: it has no reason to, all its connections are fine. Three subscribers started now still go to the first three pods.',
      'Pod srv-1 is deleted: it leaves the answer and gets SIGTERM, sends GOAWAY and ends its streams with UNAVAILABLE and `streamlab-end-cause: server_shutdown`.',
      'Losing that connection makes round_robin ask its resolver again: an A query a few milliseconds after the GOAWAY, answered with srv-2, srv-3 and srv-4. srv-1\'s subscribers re-subscribe and now srv-4 gets streams.',
    ],
    library: {
      client: 'Nothing while the new pod waits; then `UNAVAILABLE: server shutting down` on srv-1\'s streams. Re-resolution shows only in grpc-js\'s trace log (`GRPC_TRACE=dns_resolver`).',
      server: 'srv-4 receives no call at all until the re-resolution; srv-1\'s drain ends its calls with UNAVAILABLE.',
      misleads: 'A grpc-js channel re-resolves only when a connection is lost, and not more often than `grpc.dns_min_time_between_resolutions_ms` (30 s): DNS TTLs do not matter. Scaling up adds pods that existing clients never use. grpc-js honours a DNS server named in the target only with `GRPC_NODE_USE_ALTERNATIVE_RESOLVER=true`, read once when it loads (that resolver ignores /etc/hosts).',
    },
    streamlab: 'The DNS server logs every query it answers, so the findings show when the channel asked: once at the start, then only after srv-1\'s GOAWAY. The first ends are srv-1\'s drain: `server_shutdown` on both sides (trailer). The subscribers resume after their last event id, with no gap.',
    jaeger: 'Operation `scenario new-backend-unused`: the subscribers\' CLIENT spans (from their own process, service streamlab-lab-subscribers) and the SERVER spans in service `streamlab-server-process`; srv-1\'s end with a `goaway` event and `streamlab.end_cause=server_shutdown`, the next attempt of each subscriber is a new span linked to the previous one, with `streamlab.resume.after_id` and `streamlab.backend` naming srv-4 for some.',
    grafana: `In a fleet, dashboard ${FLEET}, panel ${PER_BACKEND}: the new backend's line stays at 0 until a reconnect; ${RECONNECTS} shows the burst of \`server_shutdown\` that moves streams.`,
    alert: null,
    quiet: 'Nothing fails: the new pod is simply idle. Set a max connection age on the servers (lesson max-connection-age, deploy/k8s) so every channel reconnects and re-resolves regularly.',
  },

  'max-connection-age': {
    wire: [
      'Two pods serve six subscribers through a headless Service; a third pod joins the DNS answer and gets nothing (lesson new-backend-unused).',
      'At its max connection age (4 s here, ±10 % jitter) each server sends GOAWAY (NO_ERROR, debug data `max_age`) on the connection: no new streams there, open ones may go on.',
      'The client\'s subchannel goes IDLE, round_robin asks DNS again and finds the new pod, and new calls go over new connections.',
      'When the grace (500 ms here) runs out, streamlab\'s server ends the streams still open on that connection with trailers `grpc-status: 14` and `streamlab-end-cause: server_shutdown`.',
      'Each subscriber re-subscribes after its backoff with `resume_after_id`; the server replays what it missed, and the new pod takes its share.',
    ],
    library: {
      client: '`UNAVAILABLE: max connection age: connection drained after …` from streamlab\'s server. Left to grpc-js, the grace ends with the session destroyed: RST_STREAM NO_ERROR and `INTERNAL: Received RST_STREAM with code 0 (Call ended without gRPC status)`.',
      server: 'grpc-js sends the GOAWAY and, after the grace, destroys the session: its calls see only `\'cancelled\'`.',
      misleads: 'Left to grpc-js a planned rebalance reads INTERNAL, a server bug, on the client. And with keepalive on, grpc-js 1.14 sends its next PING on the session it closed after the GOAWAY; the PING fails at once and that side destroys the connection before the grace ends (grpc/grpc-node#3068 for the client, the same on the server): streams are cut within one keepalive interval, whatever the grace.',
    },
    streamlab: 'The server watches grpc-js\'s max-age GOAWAY on each connection and, when the grace is over, ends that connection\'s calls itself as its shutdown does (src/server/connection-age.ts), so both sides say `server_shutdown`; grpc-js\'s own cut comes 1 s later as a backstop. The subscribers\' accounts show 0 gaps and 0 duplicates.',
    jaeger: 'Operation `scenario max-connection-age`: the first SERVER spans (service `streamlab-server-process`) and the CLIENT spans of the subscribers end after about 4.5 s with a `goaway` event and `streamlab.end_cause=server_shutdown`; each next attempt links to the previous one and has `streamlab.resume.after_id`, some with `streamlab.backend` on the new pod.',
    grafana: `Dashboard ${FLEET}, panels ${RECONNECTS} (a burst of \`server_shutdown\` every max age), ${GAPS} (flat at 0) and ${PER_BACKEND} (the new pod's line rises after the first burst).`,
    alert: null,
    quiet: 'A max-age reconnect is planned churn: `server_shutdown` is watched by no rule. FleetReconnectStorm fires when reconnects stay above 1/s for 2 minutes: with many subscribers per pod pick an age long enough (subscribers per pod / age in seconds well under 1), and FleetResumeGaps fires if a resume ever loses events.',
  },

  'lb-idle-timeout': {
    wire: [
      'Two subscribers on one server, each channel through a load balancer that forgets a TCP connection after 1 s without a byte (an AWS NLB: 350 s) and from then on drops its packets silently, as a NAT table does.',
      'The topic is quiet for 2.5 s. The channel with keepalive PINGs every 300 ms keeps its connection known: PING and PING ACK are traffic.',
      'The channel without client keepalive is idle: the balancer forgets it after 1 s. The server\'s PINGs (every 2 s, above the timeout, as gRPC\'s 2 h default is above 350 s) come too late to keep it.',
      'The next event goes out on both connections; on the forgotten one the balancer drops it. No FIN, no RST: the client keeps waiting on a stream that no longer exists.',
      'The server\'s next PING is dropped too; after its 1 s timeout the server closes the connection (its GOAWAY and FIN are dropped as well).',
    ],
    library: {
      client: 'Nothing at all on the quiet channel: no status, no error, the stream looks open forever.',
      server: '`\'cancelled\'` when its own keepalive timer destroys the connection; the event it wrote into the void was counted as delivered.',
      misleads: 'The server believes it delivered the event; the client believes it is still subscribed. An AWS NLB answers a packet on a forgotten flow with RST to its sender, so there the side that sends next notices at once; a NAT gateway or firewall that drops silently leaves only keepalive.',
    },
    streamlab: 'The balancer logs when it forgets each connection (the cause row), the server\'s end is `keepalive_timeout` (its socket closed locally after an unanswered PING), and the findings show the quiet subscriber still `streaming` with its last event before the quiet: it would wait forever, so the runner cancels it (`client_cancelled`). The kept subscriber got every event.',
    jaeger: 'Operation `scenario lb-idle-timeout`: the quiet stream\'s SERVER span (service `streamlab-server-process`) ends with `keepalive.timeout`, `transport.close` (`streamlab.transport.close_kind=local`) and `streamlab.end_cause=keepalive_timeout`; its CLIENT span (service `streamlab-driver`) has no event after the first message until the runner\'s `stream.cancel`, `streamlab.end_cause=client_cancelled`.',
    grafana: `Dashboard ${FAILURE_MODES}, panel ${END_CAUSES}: \`keepalive_timeout\` in the server column, \`client_cancelled\` in the client column.`,
    alert: {
      rule: 'StreamKeepaliveTimeouts',
      when: 'On the server side: every run ends one stream `keepalive_timeout`, above the rule\'s 1 % for 1 minute. With real clients the silent ones also show in StreamStuck (no message for 10 minutes): set client keepalive below the smallest idle timeout on the path (deploy/k8s: 30 s).',
    },
  },
};
