/**
 * The `--bus*` options of `serve` and `fleet` (issue 18, docs/fleet-bus.md): the NATS
 * JetStream bus that numbers topic events for servers on any host, and the settings that
 * bound how fast a server recovers when the bus fails.
 */
import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { parseBusUrls } from '../bus/bus-url.ts';
import { BUS_DEFAULTS } from '../bus/bus-topics.ts';
import type { BusTopicsOptions } from '../bus/bus-topics.ts';
import type { CliContext } from './cli-context.ts';
import { integerIn } from './parse-integer.ts';

/** Parsed bus options. */
export interface BusOptions {
  /** Undefined: no bus. */
  bus?: string;
  busReplicas: number;
  busExpiresMs: number;
  busReconnectWaitMs: number;
  busConnectTimeoutMs: number;
}

/** commander parser of --bus: checked, kept as given. */
function busUrls(value: string): string {
  try {
    parseBusUrls(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  return value;
}

/** Adds the bus options to `command`; --bus defaults to STREAMLAB_BUS. */
export function addBusOptions(command: Command, context: CliContext): Command {
  const bus = new Option('--bus <urls>', 'NATS JetStream servers (nats://HOST:PORT[,…]) that number topic events for every server on them; default STREAMLAB_BUS').argParser(busUrls);
  return command
    .addOption(context.bus ? bus.default(context.bus, 'STREAMLAB_BUS') : bus)
    .addOption(new Option('--bus-replicas <n>', 'copies of a topic stream the bus creates (3 in a 3-node cluster survives the loss of one)').argParser(integerIn(1, 5)).default(BUS_DEFAULTS.replicas))
    .addOption(new Option('--bus-expires-ms <ms>', 'pull expiry of the topic consumers: heartbeats every half of it; a consumer that missed two is recreated after its last id').argParser(integerIn(1_000, 300_000)).default(BUS_DEFAULTS.expiresMs))
    .addOption(new Option('--bus-reconnect-wait-ms <ms>', 'pause between two reconnects to a lost bus').argParser(integerIn(10, 60_000)).default(BUS_DEFAULTS.reconnectWaitMs))
    .addOption(new Option('--bus-connect-timeout-ms <ms>', 'at start, retry an unreachable bus with backoff this long, then exit 1 naming it').argParser(integerIn(100, 3_600_000)).default(BUS_DEFAULTS.connectTimeoutMs));
}

/** The bus topics options of parsed `options` (undefined without --bus). */
export function busTopicsOptions(options: BusOptions, tickMs: number, history: number): BusTopicsOptions | undefined {
  if (!options.bus) return undefined;
  return {
    bus: options.bus, tickMs, history, replicas: options.busReplicas, expiresMs: options.busExpiresMs,
    reconnectWaitMs: options.busReconnectWaitMs, connectTimeoutMs: options.busConnectTimeoutMs,
  };
}
