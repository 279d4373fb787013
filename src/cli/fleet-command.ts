/**
 * `streamlab fleet`: several `streamlab serve` child processes behind client-side round
 * robin, long-lived subscribers that re-subscribe with backoff and resume, a topic relay
 * between the servers, and the REST control API (issue 8), until SIGTERM/SIGINT.
 */
import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { createFleet, MAX_CLIENTS_PER_REQUEST } from '../fleet/fleet.ts';
import { createFleetApi } from '../fleet-api/fleet-api.ts';
import { isLoopbackHost, isValidToken, TOKEN_RULE } from '../fleet-api/api-access.ts';
import { createFleetScenarios } from '../fleet-api/fleet-scenarios.ts';
import { FLEET_MESSAGE_EVENTS } from '../fleet/fleet-servers.ts';
import { GRPC_BACKOFF, backoffParameters } from '../core/backoff.ts';
import { DEFAULT_HISTORY_SIZE } from '../services/topic-log.ts';
import { DEFAULT_TICK_MS } from '../services/topic-source.ts';
import { TOPIC_LIMITS } from '../server/validate-request.ts';
import { createTelemetryDeps } from '../telemetry/create-telemetry-deps.ts';
import { createMetricsRequestListener } from '../telemetry/metrics-http.ts';
import type { CliContext } from './cli-context.ts';
import { knownScenarioLabels } from './scenario-labels.ts';
import { addLogOptions } from './log-options.ts';
import type { LogOptions } from './log-options.ts';
import { durationMs, integerIn, port } from './parse-integer.ts';
import { addBusOptions, busTopicsOptions } from './bus-options.ts';
import type { BusOptions } from './bus-options.ts';
import { parseBackendsTarget } from '../fleet/backends-target.ts';
import type { BackendsTarget } from '../fleet/backends-target.ts';
import { explainListenError, firstUnbindable, listenErrorLine } from './listen-errors.ts';

interface FleetCommandOptions extends LogOptions, BusOptions {
  backends?: BackendsTarget;
  servers: number;
  slots?: number;
  clients: number;
  topic: string;
  apiHost: string;
  apiPort: number;
  apiToken?: string;
  apiAllowedHost: string[];
  advertiseHost: string;
  serverHost: string;
  basePort: number;
  tickMs: number;
  history: number;
  backoffInitialMs: number;
  backoffMultiplier: number;
  backoffJitter: number;
  backoffMaxMs: number;
}

/** A number in [min, max] for commander. @throws InvalidArgumentError-like Error naming the range */
function numberIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isFinite(parsed) || parsed < min || parsed > max) throw new InvalidArgumentError(`${value} is not a number from ${min} to ${max}`);
    return parsed;
  };
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** commander parser of --backends. */
function backendsOption(value: string): BackendsTarget {
  try {
    return parseBackendsTarget(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

function topicName(value: string): string {
  const length = [...value].length;
  if (length < TOPIC_LIMITS.min || length > TOPIC_LIMITS.max) throw new InvalidArgumentError(`"${value}" has ${length} characters: allowed ${TOPIC_LIMITS.min} to ${TOPIC_LIMITS.max}`);
  return value;
}

/** Adds `fleet` to `program`. */
export function registerFleetCommand(program: Command, context: CliContext): Command {
  const command = program
    .command('fleet')
    .summary('run several servers, long-lived subscribers and the REST control API')
    .description(
      'Start --servers `streamlab serve` child processes in fixed slots (ports --base-port, +1, …),\n' +
        'and --clients long-lived subscribers that share one round-robin channel over every slot.\n' +
        'A subscriber whose stream ends re-subscribes after gRPC\'s connection backoff (1 s, ×1.6,\n' +
        '±20 %, at most 120 s) and resumes after the last event id it received; the servers share\n' +
        'topic event ids through a relay in this process, so a resume works on any of them.\n' +
        'Round robin never moves a stream by itself: after a server comes back, only new\n' +
        'subscriptions go to it.\n\n' +
        'Control API on http://API_HOST:API_PORT (127.0.0.1 unless told otherwise: it starts and\n' +
        'kills processes): /api/servers, /api/clients, /api/notify, /api/scenarios; the OpenAPI\n' +
        'document at /api/openapi.json, a browsable page at /api/docs; /metrics and /healthz.\n' +
        'Requests must name the API in Host (DNS rebinding is refused), a browser may change\n' +
        'state only from the API\'s own origin, bodies are application/json, and with a token\n' +
        '(--api-token or STREAMLAB_API_TOKEN; required when --api-host is not loopback) /api\n' +
        'needs Authorization: Bearer TOKEN. See docs/security.md.\n\n' +
        'Across machines (docs/fleet-bus.md): --bus nats://HOST:PORT starts the servers as\n' +
        '`serve --bus`, numbering topic events in NATS JetStream instead of the relay; --backends\n' +
        'dns:///NAME:PORT or ipv4:A:P,B:P starts no server: the subscribers and the API work\n' +
        'against servers started elsewhere (listed as external, never killed or stopped here).',
    )
    .addOption(new Option('--servers <n>', 'servers to start').argParser(integerIn(1, 16)).default(3))
    .addOption(new Option('--slots <n>', 'addresses in the round-robin target: room for servers started later (default servers + 2)').argParser(integerIn(1, 32)))
    .addOption(new Option('--clients <n>', 'subscribers to start').argParser(integerIn(0, MAX_CLIENTS_PER_REQUEST)).default(10))
    .addOption(new Option('--topic <name>', 'topic of the subscribers').argParser(topicName).default('fleet'))
    .addOption(new Option('--api-host <address>', 'address of the control API').default('127.0.0.1'))
    .addOption(new Option('--api-port <port>', 'port of the control API').argParser(port).default(7080))
    .addOption(new Option('--api-token <token>', `bearer token the /api routes require (default STREAMLAB_API_TOKEN; needed when --api-host is not loopback): ${TOKEN_RULE}`)) // checked in the action: commander's own message would echo the secret
    .addOption(new Option('--api-allowed-host <name>', 'a name clients reach the API by, accepted in Host besides loopback, the bound address and --advertise-host (repeat)').argParser(collect).default([]))
    .addOption(new Option('--server-host <address>', "address the servers' gRPC and /metrics listen on (0.0.0.0 in a container)").default('127.0.0.1'))
    .addOption(new Option('--advertise-host <host>', "host in /api/prometheus-targets, where Prometheus reaches the servers' /metrics").default('127.0.0.1'))
    .addOption(new Option('--base-port <port>', 'gRPC port of the first slot, the others follow (0: free ports)').argParser(port).default(7071))
    .addOption(new Option('--tick-ms <ms>', 'a tick on every followed topic each this many ms').argParser(integerIn(0, 3_600_000)).default(DEFAULT_TICK_MS))
    .addOption(new Option('--history <events>', 'events kept per topic for resumes').argParser(integerIn(1, 1_000_000)).default(DEFAULT_HISTORY_SIZE))
    .addOption(new Option('--backoff-initial-ms <ms>', 'wait before the first re-subscribe').argParser(durationMs).default(GRPC_BACKOFF.initialMs))
    .addOption(new Option('--backoff-multiplier <x>', 'growth per consecutive failed attempt').argParser(numberIn(1, 10)).default(GRPC_BACKOFF.multiplier))
    .addOption(new Option('--backoff-jitter <fraction>', 'relative spread of each wait').argParser(numberIn(0, 1)).default(GRPC_BACKOFF.jitter))
    .addOption(new Option('--backoff-max-ms <ms>', 'longest wait').argParser(durationMs).default(GRPC_BACKOFF.maxMs))
    .addOption(new Option('--backends <target>', 'servers this fleet did not start, dialed as given: dns:///NAME:PORT or ipv4:A:P,B:P (starts no server)').argParser(backendsOption));
  addBusOptions(command, context);
  return addLogOptions(command, context, 'warn').action(async (options: FleetCommandOptions) => {
    let backoff;
    try {
      backoff = backoffParameters({ initialMs: options.backoffInitialMs, multiplier: options.backoffMultiplier, jitter: options.backoffJitter, maxMs: options.backoffMaxMs });
      if (options.slots !== undefined && options.slots < options.servers) throw new Error(`--slots ${options.slots} is less than --servers ${options.servers}: every server needs a slot`);
      if (options.apiToken !== undefined && !isValidToken(options.apiToken)) throw new Error(`--api-token is not allowed: use ${TOKEN_RULE}`);
      if (!isLoopbackHost(options.apiHost) && (options.apiToken ?? context.apiToken) === undefined) {
        throw new Error(`--api-host ${options.apiHost} is beyond loopback: the control API starts and kills processes, so give it a token (--api-token or STREAMLAB_API_TOKEN, ${TOKEN_RULE})`);
      }
      if (options.backends && command.getOptionValueSource('servers') === 'cli') throw new Error(`--backends ${options.backends.target} runs against servers this fleet does not start: drop --servers`);
    } catch (error) {
      return command.error(`error: ${(error as Error).message}`, { exitCode: 2, code: 'streamlab.badOption' });
    }
    // Ports taken before anything starts: say so at once, rather than after starting the servers.
    const slots = options.backends || options.basePort === 0 ? [] : Array.from({ length: options.servers }, (_, slot) => options.basePort + slot);
    const busySlot = await firstUnbindable(options.serverHost, slots);
    if (busySlot) return explainListenError(command, 'fleetServers', { host: options.serverHost, port: busySlot.port }, busySlot.error);
    const busyApi = options.apiPort === 0 ? undefined : await firstUnbindable(options.apiHost, [options.apiPort]);
    if (busyApi) return explainListenError(command, 'controlApi', { host: options.apiHost, port: options.apiPort }, busyApi.error);
    const telemetry = createTelemetryDeps({ pipeline: context.spans, scenarioLabels: knownScenarioLabels(context), logger: { format: options.logFormat, level: options.logLevel }, messageEventCap: FLEET_MESSAGE_EVENTS });
    const importSpans = context.spans.importSpans.bind(context.spans);
    const bus = busTopicsOptions(options, options.tickMs, options.history);
    context.stderr.write(`${options.backends ? `dialing ${options.backends.target}` : `starting ${options.servers} servers`}${bus ? ` on the bus ${bus.bus}` : ''} and ${options.clients} subscribers…\n`);
    let fleet: Awaited<ReturnType<typeof createFleet>>;
    try {
      fleet = await createFleet({ telemetry, importSpans }, {
        servers: options.servers, clients: options.clients, topic: options.topic, basePort: options.basePort,
        tickMs: options.tickMs, historySize: options.history, backoff, host: options.serverHost, ...(options.slots !== undefined ? { slots: options.slots } : {}),
        ...(bus ? { bus } : {}), ...(options.backends ? { backends: options.backends } : {}),
      });
    } catch (error) {
      // A port taken since the check: the server child says so in its own words (--port); name the fleet's flag.
      const busy = await firstUnbindable(options.serverHost, slots);
      if (busy) return explainListenError(command, 'fleetServers', { host: options.serverHost, port: busy.port }, busy.error);
      throw error;
    }
    const metrics = createMetricsRequestListener(telemetry.metrics.registry);
    const token = options.apiToken ?? context.apiToken;
    const access = { allowedHosts: [options.advertiseHost, ...options.apiAllowedHost], ...(token !== undefined ? { token } : {}) };
    const api = await createFleetApi({ fleet, scenarios: createFleetScenarios({ logger: telemetry.logger, importSpans, pipeline: context.spans }), topic: options.topic, metrics, advertiseHost: options.advertiseHost, access });
    try {
      await api.listen({ host: options.apiHost, port: options.apiPort });
    } catch (error) {
      await fleet.close();
      const address = { host: options.apiHost, port: options.apiPort };
      if (listenErrorLine(command.name(), 'controlApi', address, error)) return explainListenError(command, 'controlApi', address, error);
      throw new Error(`control API cannot listen on ${options.apiHost}:${options.apiPort}: ${(error as Error).message}`);
    }
    const servers = [...await fleet.servers.list(), ...await fleet.external?.list() ?? []];
    const apiPort = (api.server.address() as { port: number }).port;
    const base = `http://${options.apiHost.includes(':') ? `[${options.apiHost}]` : options.apiHost}:${apiPort}`;
    context.stderr.write(
      `servers: ${servers.map((s) => `${s.id} ${s.address} (${s.pid === null ? 'external' : `pid ${s.pid}, metrics :${s.metrics_port}`})`).join(', ')}\n` +
        `warmed ${fleet.warmed.length} of ${servers.length} backends; ${options.clients} subscribers on topic "${options.topic}"\n` +
        `control API ${base}/api (docs ${base}/api/docs, metrics ${base}/metrics); Ctrl-C stops everything\n`,
    );
    await new Promise<void>((resolve) => {
      context.onShutdown(async () => {
        context.stderr.write('stopping the subscribers, then the servers…\n');
        await api.close();
        await fleet.close();
        resolve();
      });
    });
  });
}
