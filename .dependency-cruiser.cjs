/**
 * The import rules of src/ (issue 20 item 3), checked by `npm run depcheck` inside `npm test`.
 *
 * Folders are layers and imports only point down. Bottom to top:
 *
 *   1. core/                 vocabulary and utilities: end causes, method info, clock, errors,
 *                            lifecycle event names, the proto loader. Imports nothing of streamlab's
 *                            but the generated proto types (src/generated/).
 *   2. telemetry/            spans, metrics, logs, lifecycle records.
 *   3. rpc/                  the observation of a call: grpc-js interceptors, client and server.
 *   4. delivery/             the delivery protocol's accounting, shared by its service and client.
 *   5. server/ (+ admin/)    the generic gRPC server and the admin services (health, reflection,
 *                            channelz): serves whatever services it is given.
 *      client/               channels and clients.
 *   6. services/             streamlab's own services: Ticker, Delivery, topics.
 *   7. faults/               fault proxy, TCP balancer, DNS server, rapid reset.
 *      server-process/       a `streamlab serve` child process and its IPC with the parent.
 *      bus/                  topics on NATS JetStream.
 *   8. fleet/, load/, mock/  long-lived subscribers and servers; load generation; the mock server.
 *   9. scenarios/            the scenario model, catalogue, runner, verdicts, lessons, labs.
 *  10. fleet-api/, alerts/, report/   what runs scenarios or renders their results.
 *  11. cli/, main.ts, config.ts, instrumentation.ts   the entry points.
 *  12. docs/                generators of documentation from the code (docs/reference.md): they
 *                            read the declarations of every layer and run the CLI as child
 *                            processes, so they never import cli/, main.ts or instrumentation.ts
 *                            (top-level effects); nothing in src/ imports them.
 *
 * A folder may import itself and the layers below it, never a sibling in its own layer nor
 * anything above. Each rule below names one folder of a layer and what it may not import.
 * Type-only imports count like any other. Tests, benchmarks and scripts may import any layer.
 */

/** Path patterns of each folder (relative to the repository root). */
const CORE = '^src/core/';
const TELEMETRY = '^src/telemetry/';
const RPC = '^src/rpc/';
const DELIVERY = '^src/delivery/';
const SERVER = '^src/server/';
const CLIENT = '^src/client/';
const SERVICES = '^src/services/';
const FAULTS = '^src/faults/';
const SERVER_PROCESS = '^src/server-process/';
const BUS = '^src/bus/';
const FLEET = '^src/fleet/';
const LOAD = '^src/load/';
const MOCK = '^src/mock/';
const SCENARIOS = '^src/scenarios/';
const FLEET_API = '^src/fleet-api/';
const ALERTS = '^src/alerts/';
const REPORT = '^src/report/';
const ENTRY = ['^src/cli/', '^src/main[.]ts$', '^src/config[.]ts$', '^src/instrumentation[.]ts$'];
const DOCS = '^src/docs/';

/** Everything from layer `n` up (n = 1 is core). */
const LAYERS = [
  [CORE],
  [TELEMETRY],
  [RPC],
  [DELIVERY],
  [SERVER, CLIENT],
  [SERVICES],
  [FAULTS, SERVER_PROCESS, BUS],
  [FLEET, LOAD, MOCK],
  [SCENARIOS],
  [FLEET_API, ALERTS, REPORT],
  ENTRY,
  [DOCS],
];
const above = (n) => LAYERS.slice(n).flat();

/** A rule: files matching `from` may not import `to`. */
const layer = (name, comment, from, to) => ({ name, comment, severity: 'error', from: { path: from }, to: { path: to } });

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import circles, type-only imports included: a circle means two modules are one concept, or one of them sits in the wrong layer.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves (a moved file leaves no dangling path).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'src-stays-in-src',
      comment: 'src/ never imports tests, benchmarks, scripts or other tooling.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|scripts|grafana|stack|deploy|bin)/' },
    },
    layer('core-imports-nothing', '1 core: the vocabulary everything shares; it imports nothing of streamlab but the generated proto types.',
      CORE, [...above(1)]),
    layer('telemetry-above-core-only', '2 telemetry: spans, metrics, logs and lifecycle records know core only, never the RPC layer that drives them.',
      TELEMETRY, above(2)),
    layer('rpc-below-servers-and-clients', '3 rpc: the observation of a call knows telemetry and core, not the servers, clients or services built on it.',
      RPC, above(3)),
    layer('delivery-below-its-service-and-client', '4 delivery: the delivery accounting is shared by the Delivery service and its client, so it knows neither.',
      DELIVERY, above(4)),
    layer('server-is-generic', '5 server: the generic server and the admin services serve what they are given; they never import the domain services, clients or anything above.',
      SERVER, [CLIENT, ...above(5)]),
    layer('client-is-generic', '5 client: channels and clients know rpc, delivery, telemetry and core; not the server side.',
      CLIENT, [SERVER, ...above(5)]),
    layer('services-below-processes', '6 services: Ticker, Delivery and topics run on the generic server; they know nothing of child processes, the bus, the fleet, scenarios or the CLI.',
      SERVICES, above(6)),
    layer('faults-stand-alone', '7 faults: proxies, balancer, DNS server and rapid reset are tools of their own; no child process, bus or anything above.',
      FAULTS, [SERVER_PROCESS, BUS, ...above(7)]),
    layer('server-process-below-fleet', '7 server-process: the child server and its IPC; it knows the services whose topics it relays, not the fleet or scenarios that start it.',
      SERVER_PROCESS, [FAULTS, BUS, ...above(7)]),
    layer('bus-below-fleet', '7 bus: topics on NATS JetStream; below the fleet and the scenarios that use it.',
      BUS, [FAULTS, SERVER_PROCESS, ...above(7)]),
    layer('fleet-below-scenarios', '8 fleet: subscribers, servers and relay; the Kubernetes labs (scenarios) build on it, so it never imports scenarios.',
      FLEET, [LOAD, MOCK, ...above(8)]),
    layer('load-below-scenarios', '8 load: drives calls with the clients; knows no scenario, fleet or mock.',
      LOAD, [FLEET, MOCK, ...above(8)]),
    layer('mock-below-scenarios', '8 mock: serves a user\'s proto on the generic server; never the domain services, fleet or scenarios.',
      MOCK, [FLEET, LOAD, SERVICES, ...above(8)]),
    layer('scenarios-below-their-users', '9 scenarios: the catalogue, runner, verdicts and lessons; the fleet API, alerts, report and CLI use them, never the reverse.',
      SCENARIOS, above(9)),
    layer('fleet-api-alerts-report-apart', '10 fleet-api, alerts, report: each runs or renders scenarios on its own; none imports another or the entry points.',
      FLEET_API, [ALERTS, REPORT, ...above(10)]),
    layer('alerts-apart', '10 alerts: see fleet-api-alerts-report-apart.',
      ALERTS, [FLEET_API, REPORT, ...above(10)]),
    layer('report-apart', '10 report: see fleet-api-alerts-report-apart.',
      REPORT, [FLEET_API, ALERTS, ...above(10)]),
    layer('entry-below-docs', '11 the entry points never import the documentation generators.',
      ENTRY, above(11)),
    layer('docs-run-the-cli', '12 docs: the generators read declarations and run the CLI as child processes; cli/, main.ts and instrumentation.ts have top-level effects, so they are never imported.',
      DOCS, ['^src/cli/', '^src/main[.]ts$', '^src/instrumentation[.]ts$']),
  ],
  options: {
    // TypeScript 7 has no JS API yet (dependency-cruiser needs typescript < 7), so swc parses
    // the sources; it reports type-only imports too (dependencyTypes "type-only"), and the
    // rules above count them: a type import is a dependency like any other.
    parser: 'swc',
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/generated/' },
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
