/**
 * Every address a command listens on, by role, with the flag that moves it; and the one-line
 * usage error (exit 2) a bind failure becomes: "streamlab serve: the metrics port 9464 is in
 * use (EADDRINUSE on 0.0.0.0:9464); pick another with --metrics-port". The only place that
 * knows which flag moves which listener.
 */
import { createServer } from 'node:net';
import { once } from 'node:events';
import type { Command } from 'commander';
import { formatHostPort } from '../core/host-port.ts';

/** A listener of a command: what it is called in a message, and the flag that sets its port. */
export interface ListenerRole {
  /** E.g. `the metrics port`. */
  role: string;
  /** The flag that moves it, as the help spells it, e.g. `--metrics-port` or `--listen HOST:PORT`. */
  flag: string;
  /** The flag that sets the address it binds, e.g. `--host`. */
  hostFlag: string;
}

/** The listeners of the commands (serve, mock, drive, proxy, fleet). */
export const LISTENERS = {
  /** serve, mock: the gRPC server. */
  grpc: { role: 'the gRPC port', flag: '--port', hostFlag: '--host' },
  /** serve, mock, drive: /metrics and /healthz. */
  metrics: { role: 'the metrics port', flag: '--metrics-port', hostFlag: '--host' },
  /** proxy: the fault proxy's listener. */
  proxy: { role: 'the proxy port', flag: '--listen HOST:PORT', hostFlag: '--listen HOST:PORT' },
  /** fleet: the REST control API. */
  controlApi: { role: 'the control API port', flag: '--api-port', hostFlag: '--api-host' },
  /** fleet: the gRPC ports of its servers, --base-port and up. */
  fleetServers: { role: "a server's gRPC port", flag: '--base-port (0 picks free ports)', hostFlag: '--server-host' },
} as const satisfies Record<string, ListenerRole>;

/** A listener's name in {@link LISTENERS}. */
export type ListenerName = keyof typeof LISTENERS;

/** An address a listener asked for. */
export interface ListenAddress {
  host: string;
  port: number;
}

/** The bind errors that are the user's to fix (an address, a port), from listen(2). */
const BIND_ERRORS = ['EADDRINUSE', 'EACCES', 'EADDRNOTAVAIL'] as const;

/** The bind error code of `error`, when it is one of {@link BIND_ERRORS}. */
function bindErrorCode(error: unknown): (typeof BIND_ERRORS)[number] | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return (BIND_ERRORS as readonly string[]).includes(code ?? '') ? code as (typeof BIND_ERRORS)[number] : undefined;
}

/**
 * The one line that explains why `listener` of `streamlab COMMAND` could not bind `address`.
 * @param commandName the command's name, e.g. `serve`
 * @param error what listen() threw or emitted
 * @returns the line (no `error: ` prefix, no newline), or undefined when `error` is not a bind error
 *   (EADDRINUSE, EACCES, EADDRNOTAVAIL) that a flag can fix
 */
export function listenErrorLine(commandName: string, listener: ListenerName, address: ListenAddress, error: unknown): string | undefined {
  const code = bindErrorCode(error);
  if (!code) return undefined;
  const { role, flag, hostFlag } = LISTENERS[listener];
  const where = `${code} on ${formatHostPort(address)}`;
  const who = `streamlab ${commandName}`;
  if (code === 'EADDRINUSE') return `${who}: ${role} ${address.port} is in use (${where}); pick another with ${flag}`;
  if (code === 'EACCES') return `${who}: ${role} ${address.port} needs privileges this process lacks (${where}; ports below 1024 need root or CAP_NET_BIND_SERVICE); pick another with ${flag}`;
  return `${who}: ${address.host} is not an address of this machine (${where}); give ${hostFlag} one it has, e.g. 127.0.0.1 or 0.0.0.0`;
}

/**
 * Ends `command` with the usage error (exit 2, one line) for a bind failure of `listener`, or
 * rethrows `error` when it is not one a flag can fix.
 * @throws CommanderError (through main.ts's exitOverride) or `error`
 */
export function explainListenError(command: Command, listener: ListenerName, address: ListenAddress, error: unknown): never {
  const line = listenErrorLine(command.name(), listener, address, error);
  if (line === undefined) throw error;
  return command.error(`error: ${line}`, { exitCode: 2, code: 'streamlab.cannotListen' });
}

/**
 * Runs `bind` (a listen of `listener` on `address`); its bind failure ends `command` with the
 * usage error of {@link explainListenError}.
 * @returns what `bind` resolved with
 */
export async function listenAs<T>(command: Command, listener: ListenerName, address: ListenAddress, bind: () => Promise<T>): Promise<T> {
  try {
    return await bind();
  } catch (error) {
    return explainListenError(command, listener, address, error);
  }
}

/**
 * Which of `ports` on `host` cannot be bound right now, and why: for a failure that happened in
 * another process (a fleet's server child), to name the port. Binds each port and closes it again.
 * @returns the first port that fails with a bind error, and the error; undefined when all bind
 */
export async function firstUnbindable(host: string, ports: readonly number[]): Promise<{ port: number; error: NodeJS.ErrnoException } | undefined> {
  for (const port of ports) {
    const server = createServer();
    server.listen(port, host);
    try {
      await once(server, 'listening');
    } catch (error) {
      if (bindErrorCode(error)) return { port, error: error as NodeJS.ErrnoException };
      continue;
    }
    server.close();
    await once(server, 'close');
  }
  return undefined;
}
