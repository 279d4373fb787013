/**
 * Scenario `bus-leader-loss`: its definition, expectation and lesson (design §3; the lesson's
 * conventions are in src/scenarios/lesson.ts).
 *
 * A bus scenario (issue 18): the broker under a `serve --bus` fails while a follower streams a
 * topic. The follower's stream never ends early: it reads every id once (0 gaps, 0 duplicates)
 * and completes; how long the events paused is measured and bounded by the bus settings
 * (src/scenarios/bus-run.ts, docs/fleet-bus.md).
 */
import type { Scenario } from '../scenario.ts';
import { OK } from '../grpc-codes.ts';
import { FAILURE_MODES } from '../lessons/dashboards.ts';

const scenario: Scenario = {
  name: 'bus-leader-loss',
  summary: 'the leader of the topic\'s stream (3 replicas) in a 3-node JetStream cluster is killed while a follower streams: a new leader, 0 gaps',
  rpc: 'server_stream',
  count: 20,
  server: { kind: 'bus', fault: { kind: 'leader-loss', afterMessages: 5 } },
  client: { kind: 'read-all' },
  network: { kind: 'clean' },
  expect: {
    client: 'completed',
    clientCode: OK,
    server: 'completed',
    why: 'the two replicas left keep a quorum and elect a new leader; publishing pauses for the election, the server\'s consumer is recreated after its last id once its heartbeats stop, and the follower gets every id once',
  },
  lesson: {
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

export default scenario;
