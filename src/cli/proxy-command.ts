/**
 * `streamlab proxy --listen host:port --upstream host:port`: runs the fault proxy in front of a
 * server and takes teacher commands (reset, blackhole, close, restore, status, help) on stdin.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import type { Readable, Writable } from 'node:stream';
import { createFaultProxy } from '../faults/fault-proxy.ts';
import { proxyCommandHelp, runProxyCommands } from '../faults/proxy-commands.ts';
import { formatHostPort, parseHostPort } from './parse-host-port.ts';
import type { HostPort } from './parse-host-port.ts';
import { listenAs } from './listen-errors.ts';

/** The streams the command talks to; `process` itself fits. */
export interface ProxyCommandIo {
  /** Teacher commands, one per line; the proxy closes when it ends. */
  stdin: Readable;
  /** Answers to the commands. */
  stdout: Writable;
  /** The "proxy listening on ..." banner. */
  stderr: Writable;
}

interface ProxyCommandOptions {
  listen: HostPort;
  upstream: HostPort;
}

const DEFAULT_LISTEN: HostPort = { host: '127.0.0.1', port: 0 };

/**
 * Adds the `proxy` subcommand to `program` and returns it. The action is async: call
 * `program.parseAsync()`. It resolves once stdin has ended and the proxy is closed. An address
 * it cannot listen on (EADDRINUSE, ...) ends it with a usage error naming --listen
 * (listen-errors.ts); a bad `host:port` value is a commander usage error too
 * (`InvalidArgumentError`, thrown by the option parser before the action runs).
 */
export function registerProxyCommand(program: Command, io: ProxyCommandIo = process): Command {
  const command = program
    .command('proxy')
    .summary('TCP fault proxy: reset, blackhole or close connections on command')
    .description(
      'Forward TCP from --listen to --upstream (put it between a gRPC client and the server) ' +
        'and break the connections on command. Commands are read from stdin, one per line; ' +
        'the proxy stops when stdin ends (Ctrl-D).',
    )
    .addOption(
      new Option('--listen <host:port>', 'address to listen on (port 0 picks a free port)')
        .argParser(parseHostPort)
        .default(DEFAULT_LISTEN, formatHostPort(DEFAULT_LISTEN)),
    )
    .addOption(
      new Option('--upstream <host:port>', 'server to forward to, e.g. 127.0.0.1:50051')
        .argParser(parseHostPort)
        .makeOptionMandatory(),
    )
    .addHelpText('after', ['', 'Commands on stdin:', ...proxyCommandHelp()].join('\n'));
  return command.action(async (options: ProxyCommandOptions) => {
    const proxy = createFaultProxy({
      listenHost: options.listen.host,
      listenPort: options.listen.port,
      upstreamHost: options.upstream.host,
      upstreamPort: options.upstream.port,
    });
    const bound = await listenAs(command, 'proxy', options.listen, () => proxy.listen());
    io.stderr.write(
      `proxy listening on ${formatHostPort(bound)} → upstream ${formatHostPort(options.upstream)}; ` +
        'type reset|blackhole|close|restore|status\n',
    );
    try {
      await runProxyCommands(proxy, io.stdin, io.stdout);
    } finally {
      await proxy.close();
    }
  });
}
