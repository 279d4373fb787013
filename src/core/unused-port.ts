/**
 * A TCP port on which nothing listens, for the scenarios that dial no server.
 */
import { createServer } from 'node:net';
import { once } from 'node:events';

/**
 * Binds `host` port 0, notes the port the kernel picked and closes it again, so a connect()
 * to it right after is refused (ECONNREFUSED). Another process could bind it in between;
 * on a lab machine that is unlikely, and the scenario's verdict would show it.
 * @returns the port
 * @throws Error when `host` cannot be bound
 */
export async function unusedPort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}
