/**
 * The lessons of the bus scenarios (issue 18): the broker under a `serve --bus` fails while a
 * follower streams. The gRPC stream never touches the broker, so the lesson is about what
 * the client cannot see: a pause, and ids that must still come one by one. Conventions: see core.ts.
 */
import type { Lesson } from '../lesson.ts';

const FLEET = '"Fleet — subscribers, reconnects, resume and fan-out"';
const FAILURE_MODES = '"Failure modes — end causes and detection per scenario"';

/** Lessons by scenario name. */
export const BUS_LESSONS: Readonly<Record<string, Lesson>> = {
  'bus-restart': {
    wire: [
      'The client follows the topic on a `streamlab serve --bus` child: one Subscribe stream, `follow: true`; each event\'s id is the sequence number of the topic\'s JetStream stream.',
      'After 5 events the runner SIGKILLs the only NATS server; the kernel closes its sockets, so the server\'s NATS client sees the connection drop at once and starts reconnecting every 100 ms.',
      'Meanwhile the gRPC stream between client and server carries nothing: no RST_STREAM, no GOAWAY, keepalive PINGs still get their ACKs. Ticks the server tries to publish fail and get no id.',
      'The runner starts nats-server again on its port and store; the server reconnects, recreates its consumer after the last id it delivered, and the next tick reaches the client with the next id.',
    ],
    library: {
      client: 'Nothing: the stream stays open and ends `OK` after its 20 events. The only trace of the outage is a pause between two DATA frames.',
      server: 'grpc-js reports nothing either; the NATS client emits `disconnect`, then `reconnect`, and its JetStream consumer would only re-pull on the consumer the restarted server kept on disk, with no pull waiting.',
      misleads: 'A pause in a stream looks like a quiet topic. And a consumer left to its library can stall until its heartbeats miss (with the 30 s default pull expiry, about 45 s) while every connection reads healthy.',
    },
    streamlab: 'The server recreates each topic consumer after its last id on every reconnect, and whenever two idle heartbeats are missed (`--bus-expires-ms`); the runner checks the ids (0 gaps, 0 duplicates) and bounds the pause by those settings (reconnect wait + expiry + two ticks + 2 s of slack), not by a library default. The server records `streamlab_bus_disconnects_total`, `streamlab_bus_outage_seconds` and a `bus.outage` span.',
    jaeger: 'Operation `scenario bus-restart`: the root span carries `streamlab.bus.recovery_ms`; the CLIENT span ends `streamlab.end_cause=completed` with 20 messages, and the SERVER span of service `streamlab-server-process` too. In the same service, a `bus.outage` span with events `bus.disconnect` and `bus.reconnect` and `messaging.system=nats` covers the outage.',
    grafana: `Dashboard ${FAILURE_MODES}, panel "End causes per scenario: client | server": \`completed\` on both sides. On the ${FLEET} dashboard a bus outage leaves "Reconnects/s by end cause (1m)" flat and "Resume gap and duplicate events (5m)" at 0: the subscribers never noticed.`,
    alert: {
      rule: 'FleetBusDisconnected',
      when: 'Not for this restart: the server is off the bus for well under a second, and the rule waits 30 s. It fires when `streamlab_bus_connected` stays 0 for 30 s, a real outage during which every Notify fails.',
    },
  },

  'bus-leader-loss': {
    wire: [
      'A 3-node JetStream cluster holds the topic\'s stream in 3 replicas; one node is the stream\'s leader, which orders every write.',
      'The client follows the topic on a `serve --bus` child; after 5 events the runner SIGKILLs the stream\'s leader.',
      'The two replicas left keep a quorum but need a new leader: a replica campaigns after 4 to 9 s without the leader\'s heartbeat, then 0.1 to 0.8 s more (nats-server\'s raft). Until then no publish is acknowledged, so no tick gets an id.',
      'A new leader is elected; publishes resume with the next sequence number, and the server\'s consumer (recreated after its last id if its heartbeats stopped) delivers it.',
    ],
    library: {
      client: 'Nothing but a pause of several seconds; the stream ends `OK` after its 20 events.',
      server: 'Publishes time out or get no responders during the election; if its connection was to the killed node, the NATS client reconnects to another one.',
      misleads: 'The broker is a cluster, so it looks highly available; yet every write stops for the election, and a consumer that lived on the dead node can wait forever on a pull nobody answers.',
    },
    streamlab: 'Ids are the stream\'s sequence numbers, which the new leader continues: 0 gaps, 0 duplicates. A consumer that missed two heartbeats is recreated after its last id. The runner measures the pause from the kill to the next event and bounds it by the election timeout plus the bus settings.',
    jaeger: 'Operation `scenario bus-leader-loss`: `streamlab.bus.recovery_ms` on the root span is the pause (about 4 to 9 s), and both RPC spans end `streamlab.end_cause=completed`; the SERVER span is in service `streamlab-server-process`.',
    grafana: `Dashboard ${FAILURE_MODES}, panel "End causes per scenario: client | server": \`completed\` on both sides, the leader loss invisible in the end causes.`,
    alert: null,
    quiet: 'No rule fires: the server may not even lose its connection, and a leader election is over in seconds. A cluster that cannot elect a leader (quorum lost) stops every publish: the NATS servers\' own health then, and FleetBusDisconnected for servers whose connection went with the nodes.',
  },
};
