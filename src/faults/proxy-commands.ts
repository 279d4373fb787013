/**
 * The fault proxy's teacher console: one command per line (stdin in the CLI), one or more
 * answer lines on the output stream.
 */
import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { FaultProxy } from './fault-proxy.ts';

/** Every command the console understands, with the one-line help shown by `help` and `proxy --help`. */
export const PROXY_COMMANDS = {
  reset: 'TCP RST to both sides of every connection (client: "read ECONNRESET")',
  blackhole: 'drop all bytes both ways, live and new connections (only keepalive notices)',
  close: 'TCP FIN to both sides of every connection (client: "Connection dropped")',
  restore: 'forward new connections cleanly again (blackholed ones stay dead)',
  status: 'print mode, live connections and dropped bytes',
  help: 'list these commands',
} as const;

/** A console command name: `reset`, `blackhole`, `close`, `restore`, `status` or `help`. */
export type ProxyCommandName = keyof typeof PROXY_COMMANDS;

const NAMES = Object.keys(PROXY_COMMANDS) as ProxyCommandName[];

function isCommandName(value: string): value is ProxyCommandName {
  return Object.hasOwn(PROXY_COMMANDS, value);
}

/** The `status` line, e.g. `mode=clean connections=2 dropped_bytes=0`. */
export function formatProxyStatus(proxy: FaultProxy): string {
  return `mode=${proxy.mode} connections=${proxy.connectionCount} dropped_bytes=${proxy.droppedBytes}`;
}

/** Help lines, one per command: `  reset      send TCP RST ...`. */
export function proxyCommandHelp(): string[] {
  return NAMES.map((name) => `  ${name.padEnd(10)} ${PROXY_COMMANDS[name]}`);
}

/**
 * Applies one command line to the proxy and returns the answer lines (without newlines).
 * Blank lines answer nothing; surrounding whitespace and case are ignored; an unknown command
 * answers `unknown command "X": allowed are ...` and changes nothing. Never throws.
 */
export function applyProxyCommand(proxy: FaultProxy, line: string): string[] {
  const command = line.trim().toLowerCase();
  if (command === '') return [];
  if (!isCommandName(command)) {
    return [`unknown command "${line.trim()}": allowed are ${NAMES.join(', ')}`];
  }
  const live = proxy.connectionCount;
  switch (command) {
    case 'reset':
      proxy.reset();
      return [`reset: sent RST to both sides of ${live} connection(s)`];
    case 'blackhole':
      proxy.blackhole();
      return [`blackhole: dropping all traffic on ${live} live connection(s) and on new ones`];
    case 'close':
      proxy.closeConnections();
      return [`close: sent FIN to both sides of ${live} connection(s)`];
    case 'restore':
      proxy.restore();
      return ['restore: new connections forward cleanly; blackholed ones stay dead'];
    case 'status':
      return [formatProxyStatus(proxy)];
    case 'help':
      return proxyCommandHelp();
  }
}

/**
 * Reads commands line by line from `input` and writes the answers to `output`, one line each.
 * Resolves when `input` ends; rejects only if `input` errors. Does not close the proxy or `output`.
 */
export async function runProxyCommands(proxy: FaultProxy, input: Readable, output: Writable): Promise<void> {
  const lines = readline.createInterface({ input, crlfDelay: Infinity, terminal: false });
  for await (const line of lines) {
    for (const answer of applyProxyCommand(proxy, line)) output.write(`${answer}\n`);
  }
}
