/**
 * A TCP pipe in front of a server whose server-to-client direction can be paused: the
 * client then reads nothing, sends no HTTP/2 WINDOW_UPDATE, and the server's flow-control
 * window toward it closes, as with a subscriber that stopped reading.
 */
import net from 'node:net';
import { once } from 'node:events';

/** A running pipe. */
export interface PausablePipe {
  /** `127.0.0.1:port` to dial instead of the server. */
  target: string;
  /** Stops passing the server's bytes on (they stay in the pipe's socket buffers). */
  pause(): void;
  /** Passes them on again. */
  resume(): void;
  close(): Promise<void>;
}

/** Starts a pipe on 127.0.0.1:0 to `upstream` (`host:port`). */
export async function startPausablePipe(upstream: { host: string; port: number }): Promise<PausablePipe> {
  const upstreams = new Set<net.Socket>();
  const sockets = new Set<net.Socket>();
  let paused = false;
  const server = net.createServer((client) => {
    const server = net.connect(upstream.port, upstream.host);
    for (const socket of [client, server]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
    }
    upstreams.add(server);
    server.on('close', () => upstreams.delete(server));
    client.pipe(server);
    server.pipe(client);
    if (paused) server.pause();
    // pipe() resumes a paused source on 'drain'; a paused pipe must stay paused.
    server.on('resume', () => void (paused && server.pause()));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    target: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    pause() {
      paused = true;
      for (const socket of upstreams) socket.pause();
    },
    resume() {
      paused = false;
      for (const socket of upstreams) socket.resume();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
