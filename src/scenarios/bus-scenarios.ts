/**
 * The bus scenarios (issue 18): the broker under a `serve --bus` fails while a follower
 * streams a topic — the NATS server is killed and restarted, or the leader of the topic's
 * stream in a 3-node JetStream cluster is killed. The follower's stream never ends early:
 * it reads every id once (0 gaps, 0 duplicates) and completes; how long the events paused
 * is measured and bounded by the bus settings (src/scenarios/bus-run.ts, docs/fleet-bus.md).
 */
import type { Scenario } from './scenario.ts';
import { OK } from './grpc-codes.ts';

/** The bus scenarios, in report order. */
export const BUS_SCENARIOS: readonly Scenario[] = [
  {
    name: 'bus-restart',
    summary: 'the NATS server under a `serve --bus` is killed and restarted while a follower streams: it goes on, 0 gaps, 0 duplicates',
    rpc: 'server_stream',
    count: 20,
    server: { kind: 'bus', fault: { kind: 'restart', afterMessages: 5 } },
    client: { kind: 'read-all' },
    network: { kind: 'clean' },
    expect: {
      client: 'completed',
      clientCode: OK,
      server: 'completed',
      why: 'the gRPC stream never touches the bus: the server reconnects, recreates its consumer after the last id it delivered and goes on; ticks the dead bus could not take were never numbered, so no id is missing',
    },
  },
  {
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
  },
];
