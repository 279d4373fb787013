/**
 * The two network pieces of the Kubernetes labs (issue 19): the connection-level balancer
 * (src/faults/tcp-balancer.ts) and the DNS server of the headless Service
 * (src/faults/dns-server.ts), on real sockets. The labs themselves run in test/cli/cli.test.ts
 * (`run --all --json`), which checks their findings.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { promises as dns } from 'node:dns';
import { createTcpBalancer } from '../../src/faults/tcp-balancer.ts';
import { createDnsServer } from '../../src/faults/dns-server.ts';

/** A TCP server that echoes and counts its connections. */
async function echoServer(): Promise<{ port: number; connections: () => number; received: () => string; close(): Promise<void> }> {
  let connections = 0;
  let received = '';
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('data', (chunk) => {
      received += chunk.toString();
      socket.write(chunk);
    });
    socket.on('error', () => {});
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port, connections: () => connections, received: () => received,
    close: () => new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

/** Connects to `port` and resolves with the socket once it is connected. */
async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  return socket;
}

/** Waits until `probe()` is true, every 10 ms, at most `boundMs`. */
async function until(probe: () => boolean, boundMs: number): Promise<boolean> {
  const end = Date.now() + boundMs;
  while (!probe()) {
    if (Date.now() > end) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

describe('tcp balancer', () => {
  test('picks a backend per connection, in turn, and then only copies bytes', async () => {
    const [a, b] = [await echoServer(), await echoServer()];
    const balancer = createTcpBalancer({ backends: [{ host: '127.0.0.1', port: a.port }, { host: '127.0.0.1', port: b.port }] });
    const front = await balancer.listen();
    const sockets = [await connect(front.port), await connect(front.port), await connect(front.port)];
    try {
      const first = sockets[0]!;
      first.write('one connection, many messages;');
      first.write('all to one backend');
      await once(first, 'data');
      assert.ok(await until(() => a.connections() + b.connections() === 3, 2_000));
      assert.deepEqual([a.connections(), b.connections()], [2, 1], 'round robin per connection');
      assert.ok(await until(() => a.received() === 'one connection, many messages;all to one backend', 2_000), a.received());
      assert.equal(b.received(), '');
      assert.deepEqual(balancer.connections().map((c) => c.backend.port), [a.port, b.port, a.port]);
    } finally {
      for (const socket of sockets) socket.destroy();
      await balancer.close();
      await a.close();
      await b.close();
    }
  });

  test('forgets a connection idle longer than the timeout: its bytes are dropped, nothing is closed', async () => {
    const backend = await echoServer();
    const forgotten: number[] = [];
    const balancer = createTcpBalancer({ backends: [{ host: '127.0.0.1', port: backend.port }], idleTimeoutMs: 100, onForget: (n) => forgotten.push(n) });
    const front = await balancer.listen();
    const socket = await connect(front.port);
    let closed = false;
    socket.on('close', () => void (closed = true));
    try {
      socket.write('before');
      await once(socket, 'data');
      assert.ok(await until(() => forgotten.length === 1, 2_000), 'forgotten after 100 ms idle');
      socket.write('after');
      assert.ok(await until(() => balancer.connections()[0]!.droppedBytes === 'after'.length, 2_000), 'the bytes after are dropped');
      assert.equal(backend.received(), 'before');
      assert.equal(closed, false, 'no FIN, no RST: the client cannot tell');
    } finally {
      socket.destroy();
      await balancer.close();
      await backend.close();
    }
  });
});

describe('dns server', () => {
  test('answers the A records it holds, NXDOMAIN otherwise, and logs every query', async () => {
    const server = createDnsServer({ ttlS: 1 });
    const port = await server.listen();
    try {
      server.set('svc.ns.svc.cluster.local', ['127.0.0.2', '127.0.0.3']);
      const resolver = new dns.Resolver();
      resolver.setServers([`127.0.0.1:${port}`]);
      assert.deepEqual(await resolver.resolve4('svc.ns.svc.cluster.local'), ['127.0.0.2', '127.0.0.3']);
      server.set('svc.ns.svc.cluster.local', ['127.0.0.4']);
      assert.deepEqual(await resolver.resolve4('svc.ns.svc.cluster.local'), ['127.0.0.4']);
      await assert.rejects(resolver.resolve4('other.ns.svc.cluster.local'), { code: 'ENOTFOUND' });
      assert.deepEqual(server.queries().map((q) => [q.name, q.type, q.answered]), [
        ['svc.ns.svc.cluster.local', 'A', ['127.0.0.2', '127.0.0.3']],
        ['svc.ns.svc.cluster.local', 'A', ['127.0.0.4']],
        ['other.ns.svc.cluster.local', 'A', []],
      ]);
    } finally {
      await server.close();
    }
  });
});
