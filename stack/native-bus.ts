/**
 * The compose profile `bus` natively, for the stack test (issue 18): `nats` as a native
 * nats-server (stack/install-tools.sh nats), `bus-server-1..3` and `fleet-bus` with the very
 * commands docker-compose.yml gives them, only hosts, ports and the store substituted. The
 * three servers share the alias `bus-servers` in compose (fleet-bus dials
 * `dns:///bus-servers:50051`); natively they share 127.0.0.1 on three ports, so fleet-bus
 * dials them as `ipv4:` — the other form --backends takes.
 */
import { join } from 'node:path';
import { composeService, withOptions } from './compose-service.ts';

/** Native ports of the profile (compose: nats 4222/8222, servers 50051 + /metrics 9464 each, fleet-bus 7090). */
export const BUS_PORTS = {
  nats: 14222, natsMonitor: 18222,
  servers: [15061, 15062, 15063], serverMetrics: [15471, 15472, 15473],
  fleetBusApi: 17090,
} as const;

/** The profile's compose `host:port`s prometheus.yml names, and where they are natively. */
export const BUS_PROMETHEUS_HOSTS: Readonly<Record<string, string>> = {
  'bus-server-1:9464': `127.0.0.1:${BUS_PORTS.serverMetrics[0]}`,
  'bus-server-2:9464': `127.0.0.1:${BUS_PORTS.serverMetrics[1]}`,
  'bus-server-3:9464': `127.0.0.1:${BUS_PORTS.serverMetrics[2]}`,
  'fleet-bus:7090': `127.0.0.1:${BUS_PORTS.fleetBusApi}`,
};

/** One native process of the profile. */
export interface NativeBusService {
  name: string;
  /** argv after the command (`node` or nats-server). */
  args: string[];
  env: Record<string, string>;
  readyUrl: string;
}

/** The `node` argv of compose service `name`, hosts and ports made native by `options`. @throws Error when it does not run node */
function nodeService(root: string, name: string, options: Record<string, string>): { args: string[]; serviceName: string } {
  const { command, environment } = composeService(root, name);
  if (command[0] !== 'node') throw new Error(`compose service ${name} runs ${command[0]}, not node`);
  const serviceName = environment.OTEL_SERVICE_NAME;
  if (!serviceName) throw new Error(`compose service ${name} sets no OTEL_SERVICE_NAME`);
  for (const flag of Object.keys(options)) if (!command.includes(flag) && flag !== '--host') throw new Error(`compose service ${name} has no ${flag}: the native run would not mirror it`);
  return { args: withOptions(command.slice(1), options), serviceName };
}

/**
 * The profile's processes in start order: nats, the three servers, fleet-bus.
 * @param dataDir where nats-server keeps its store
 * @param otelEnv the OTel environment of an app of service name `serviceName` (native-stack.ts appOtelEnv)
 * @throws Error when docker-compose.yml moved away from what this mirrors
 */
export function nativeBus(root: string, dataDir: string, otelEnv: (serviceName: string) => Record<string, string>): NativeBusService[] {
  const nats = composeService(root, 'nats').command;
  const bus = `nats://127.0.0.1:${BUS_PORTS.nats}`;
  const servers = [1, 2, 3].map((n): NativeBusService => {
    const { args, serviceName } = nodeService(root, `bus-server-${n}`, {
      '--host': '127.0.0.1', '--port': String(BUS_PORTS.servers[n - 1]), '--metrics-port': String(BUS_PORTS.serverMetrics[n - 1]), '--bus': bus,
    });
    return { name: `bus-server-${n}`, args, env: otelEnv(serviceName), readyUrl: `http://127.0.0.1:${BUS_PORTS.serverMetrics[n - 1]}/healthz` };
  });
  const fleet = nodeService(root, 'fleet-bus', {
    '--backends': `ipv4:${BUS_PORTS.servers.map((port) => `127.0.0.1:${port}`).join(',')}`, '--bus': bus,
    '--api-host': '127.0.0.1', '--api-port': String(BUS_PORTS.fleetBusApi), '--advertise-host': '127.0.0.1',
  });
  return [
    {
      name: 'nats', env: {}, readyUrl: `http://127.0.0.1:${BUS_PORTS.natsMonitor}/healthz?js-enabled-only=true`,
      args: [...withOptions(nats, { '-sd': join(dataDir, 'nats'), '-m': String(BUS_PORTS.natsMonitor) }), '-a', '127.0.0.1', '-p', String(BUS_PORTS.nats)],
    },
    ...servers,
    { name: 'fleet-bus', args: fleet.args, env: otelEnv(fleet.serviceName), readyUrl: `http://127.0.0.1:${BUS_PORTS.fleetBusApi}/healthz` },
  ];
}
