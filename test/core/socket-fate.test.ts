/**
 * The fate of a TCP socket (src/core/socket-fate.ts), on real sockets: a FIN from the peer, a
 * reset, our own close.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { watchSocketFate, settledFate } from '../../src/core/socket-fate.ts';

test('socket fate: peer FIN, reset, and our own close', async (t) => {
  const accepted: net.Socket[] = [];
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    accepted.push(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  const { port } = server.address() as net.AddressInfo;
  const connect = async () => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => {});
    await once(socket, 'connect');
    while (accepted.length === 0) await new Promise((resolve) => setImmediate(resolve));
    return { socket, peer: accepted.shift() as net.Socket };
  };
  const fin = await connect();
  const finWatch = watchSocketFate(fin.socket);
  fin.peer.end();
  assert.equal((await finWatch.settled).kind, 'fin');
  fin.socket.destroy();

  const rst = await connect();
  const rstWatch = watchSocketFate(rst.socket);
  rst.peer.resetAndDestroy();
  const rstFate = await rstWatch.settled;
  assert.equal(rstFate.kind, 'rst');
  assert.equal(rstFate.errorCode, 'ECONNRESET');

  const local = await connect();
  const localWatch = watchSocketFate(local.socket);
  assert.equal(await settledFate(localWatch, 20), undefined, 'still open');
  local.socket.end();
  assert.equal((await localWatch.settled).kind, 'local');
  local.peer.destroy();
});
