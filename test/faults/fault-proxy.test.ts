import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { createFaultProxy } from '../../src/faults/fault-proxy.ts';
import type { FaultKind, FaultProxy } from '../../src/faults/fault-proxy.ts';
import { runProxyCommands } from '../../src/faults/proxy-commands.ts';
import { parseHostPort } from '../../src/cli/parse-host-port.ts';
import { registerProxyCommand } from '../../src/cli/proxy-command.ts';

type TestContext = { after(fn: () => unknown): void };

/** Every wait here is on an event; a missing event fails the test instead of hanging. */
const LIMIT = { timeout: 5000 };

/** Echo server on 127.0.0.1:0; sockets carry an 'error' handler from birth. */
async function startEcho(t: TestContext): Promise<{ server: net.Server; port: number }> {
  const sockets = new Set<Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    socket.pipe(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    for (const socket of sockets) socket.destroy(); // else close() waits on the proxy's after hook
    return new Promise((resolve) => server.close(resolve));
  });
  return { server, port: (server.address() as AddressInfo).port };
}

async function startProxy(t: TestContext, upstreamPort: number): Promise<{ proxy: FaultProxy; port: number }> {
  const proxy = createFaultProxy({ upstreamHost: '127.0.0.1', upstreamPort });
  const { port } = await proxy.listen();
  t.after(() => proxy.close());
  return { proxy, port };
}

async function connect(t: TestContext, port: number): Promise<Socket> {
  const socket = net.connect({ host: '127.0.0.1', port });
  t.after(() => void socket.destroy());
  await once(socket, 'connect');
  return socket;
}

/** Resolves with the first `length` bytes `socket` receives. */
function read(socket: Socket, length: number): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      if (text.length < length) return;
      socket.off('data', onData);
      resolve(text);
    };
    socket.on('data', onData);
  });
}

function droppedAtLeast(proxy: FaultProxy, bytes: number): Promise<void> {
  return new Promise((resolve) => {
    if (proxy.droppedBytes >= bytes) return resolve();
    const off = proxy.onDrop((_chunk, total) => {
      if (total >= bytes) resolve(off());
    });
  });
}

/** Client ⇄ proxy ⇄ echo, with the echo server's socket for this client, after one round trip. */
async function connectedPair(t: TestContext) {
  const echo = await startEcho(t);
  const { proxy, port } = await startProxy(t, echo.port);
  const accepted = once(echo.server, 'connection') as Promise<[Socket]>;
  const client = await connect(t, port);
  const [upstream] = await accepted;
  client.write('ping');
  assert.equal(await read(client, 4), 'ping');
  return { echo, proxy, port, client, upstream };
}

test('forwards both ways and passes a clean FIN on', LIMIT, async (t) => {
  const { proxy, client, upstream } = await connectedPair(t);
  assert.equal(proxy.mode, 'clean');
  assert.equal(proxy.connectionCount, 1);
  upstream.write('from-server');
  assert.equal(await read(client, 11), 'from-server');
  const ended = once(client, 'end');
  client.end();
  await ended;
  assert.equal(proxy.droppedBytes, 0);
});

test('reset sends RST to both sides: ECONNRESET on client and server sockets', LIMIT, async (t) => {
  const { proxy, client, upstream } = await connectedPair(t);
  const faults: FaultKind[] = [];
  proxy.onFault((fault, atMs) => {
    assert.ok(atMs > 0);
    faults.push(fault);
  });
  const clientError = once(client, 'error');
  const upstreamError = once(upstream, 'error');
  assert.equal(typeof proxy.reset(), 'number');
  const [[clientErr], [upstreamErr]] = await Promise.all([clientError, upstreamError]);
  assert.equal((clientErr as NodeJS.ErrnoException).code, 'ECONNRESET');
  assert.equal((upstreamErr as NodeJS.ErrnoException).code, 'ECONNRESET');
  assert.deepEqual(faults, ['reset']);
});

test('closeConnections sends FIN to both sides, without errors', LIMIT, async (t) => {
  const { proxy, client, upstream } = await connectedPair(t);
  const errors: Error[] = [];
  client.on('error', (err) => errors.push(err));
  upstream.on('error', (err) => errors.push(err));
  const closes = Promise.all([once(client, 'close'), once(upstream, 'close')]);
  const ends = [once(client, 'end'), once(upstream, 'end')];
  proxy.closeConnections();
  await Promise.all(ends);
  const [[clientHadError], [upstreamHadError]] = await closes;
  assert.equal(clientHadError, false);
  assert.equal(upstreamHadError, false);
  assert.deepEqual(errors, []);
});

test('blackhole drops everything both ways and keeps the sockets open', LIMIT, async (t) => {
  const { proxy, port, client, upstream } = await connectedPair(t);
  const seen: string[] = [];
  const watched: Array<[string, Socket]> = [['client', client], ['upstream', upstream]];
  for (const [name, socket] of watched) {
    socket.on('data', (chunk) => seen.push(`${name} data ${chunk}`));
    socket.on('end', () => seen.push(`${name} end`));
    socket.on('close', () => seen.push(`${name} close`));
  }
  proxy.blackhole();
  assert.equal(proxy.mode, 'blackhole');
  client.write('hello');
  upstream.write('world!');
  await droppedAtLeast(proxy, 11);
  assert.equal(proxy.droppedBytes, 11);

  // A connection accepted during the blackhole is blackholed too, and stays so after restore().
  const late = await connect(t, port);
  late.write('abc');
  await droppedAtLeast(proxy, 14);
  proxy.restore();
  assert.equal(proxy.mode, 'clean');
  late.write('zz');
  await droppedAtLeast(proxy, 16);
  const fresh = await connect(t, port);
  fresh.write('clean');
  assert.equal(await read(fresh, 5), 'clean');

  assert.equal(seen.join('; '), '', 'nothing delivered, nothing closed');
  // FIN is ordered after any bytes the proxy wrote, so 'end' first proves nothing was forwarded.
  const ends = [once(client, 'end'), once(upstream, 'end')];
  proxy.closeConnections();
  await Promise.all(ends);
  assert.deepEqual(seen.filter((event) => event.includes('data')), []);
});

test('an upstream connect failure resets the downstream socket and the proxy keeps serving', LIMIT, async (t) => {
  const closed = net.createServer().listen(0, '127.0.0.1');
  await once(closed, 'listening');
  const deadPort = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const { port } = await startProxy(t, deadPort);
  for (let attempt = 0; attempt < 2; attempt++) {
    const client = net.connect({ host: '127.0.0.1', port });
    const errors: NodeJS.ErrnoException[] = [];
    client.on('error', (err) => errors.push(err));
    // Not events.once(client, 'close'): it rejects on the 'error' that comes first.
    const hadError = await new Promise<boolean>((resolve) => client.once('close', resolve));
    assert.equal(hadError, true);
    assert.deepEqual(errors.map((err) => err.code), ['ECONNRESET']);
  }
});

test('runProxyCommands applies commands line by line and rejects unknown ones', LIMIT, async (t) => {
  const { proxy, client } = await connectedPair(t);
  const clientError = once(client, 'error');
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk) => (text += chunk));
  input.end('reset\nbogus\nstatus\n');
  await runProxyCommands(proxy, input, output);
  const lines = text.trimEnd().split('\n');
  assert.equal(lines.length, 3);
  assert.equal(lines[0], 'reset: sent RST to both sides of 1 connection(s)');
  assert.equal(lines[1], 'unknown command "bogus": allowed are reset, blackhole, close, restore, status, help');
  assert.match(lines[2] ?? '', /^mode=clean connections=\d+ dropped_bytes=0$/);
  const [err] = await clientError;
  assert.equal((err as NodeJS.ErrnoException).code, 'ECONNRESET');
});

test('parseHostPort accepts host:port forms and rejects the rest, naming the bad value', LIMIT, () => {
  assert.deepEqual(parseHostPort('localhost:50051'), { host: 'localhost', port: 50051 });
  assert.deepEqual(parseHostPort('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
  assert.deepEqual(parseHostPort('[::1]:8080'), { host: '::1', port: 8080 });
  for (const bad of ['50051', 'host:', 'host:70000', 'host:abc', ':80', '::1:8080', 'host:-1', ' host:1']) {
    assert.throws(
      () => parseHostPort(bad),
      (err: unknown) =>
        err instanceof InvalidArgumentError &&
        err.message === `expected host:port with port 0-65535, got "${bad}"`,
      bad,
    );
  }
});

function cliProgram(stdin: PassThrough) {
  const out = { stdout: '', stderr: '', commander: '' };
  const program = new Command('streamlab')
    .exitOverride()
    .configureOutput({ writeOut: (s) => (out.commander += s), writeErr: (s) => (out.commander += s) });
  const stdout = new PassThrough().on('data', (chunk) => (out.stdout += chunk));
  const stderr = new PassThrough().on('data', (chunk) => (out.stderr += chunk));
  registerProxyCommand(program, { stdin, stdout, stderr });
  return { program, out };
}

test('proxy CLI command: usage errors for bad host:port, runs until stdin ends', LIMIT, async (t) => {
  for (const args of [['--upstream', 'host:70000'], ['--listen', '50051', '--upstream', 'h:1'], []]) {
    const { program } = cliProgram(new PassThrough());
    await assert.rejects(program.parseAsync(['proxy', ...args], { from: 'user' }), (err: unknown) => {
      assert.ok(err instanceof CommanderError);
      assert.match(err.code, /^commander\.(invalidArgument|missingMandatoryOptionValue)$/);
      return true;
    });
  }
  const echo = await startEcho(t);
  const stdin = new PassThrough();
  const { program, out } = cliProgram(stdin);
  stdin.end('status\n');
  await program.parseAsync(['proxy', '--upstream', `127.0.0.1:${echo.port}`], { from: 'user' });
  assert.match(
    out.stderr,
    /^proxy listening on 127\.0\.0\.1:\d+ → upstream 127\.0\.0\.1:\d+; type reset\|blackhole\|close\|restore\|status\n$/,
  );
  assert.equal(out.stdout, 'mode=clean connections=0 dropped_bytes=0\n');
});
