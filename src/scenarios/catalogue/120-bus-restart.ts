/**
 * Scenario `bus-restart`: its definition, expectation and lesson (design §3; the lesson's
 * conventions are in src/scenarios/lesson.ts).
 *
 * A bus scenario (issue 18): the broker under a `serve --bus` fails while a follower streams a
 * topic. The follower's stream never ends early: it reads every id once (0 gaps, 0 duplicates)
 * and completes; how long the events paused is measured and bounded by the bus settings
 * (src/scenarios/bus-run.ts, docs/fleet-bus.md).
 */
import type { Scenario } from '../scenario.ts';
import { OK } from '../grpc-codes.ts';
import { FAILURE_MODES, FLEET } from '../lessons/dashboards.ts';

const scenario: Scenario = {
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
  lesson: {
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
};

export default scenario;
