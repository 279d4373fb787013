/**
 * What to try when a call found no server (end cause `connect_failed`): one line for the
 * person at the terminal, from the OS error behind it (src/rpc/client/classify-client-end.ts).
 */
import { formatHostPort } from './parse-host-port.ts';
import type { HostPort } from './parse-host-port.ts';

/** The gRPC port `streamlab serve` listens on unless told otherwise. */
const SERVE_DEFAULT_PORT = 50051;

/**
 * The hint for a call to `target` that ended `connect_failed` with OS error `connectError`.
 * @param connectError e.g. `ECONNREFUSED`, `ENOTFOUND`, `name not resolved`; undefined when unknown
 * @returns one line, without a newline, e.g. "is a server listening on 127.0.0.1:1? start one with `streamlab serve --port 1`"
 */
export function connectHint(target: HostPort, connectError: string | undefined): string {
  const address = formatHostPort(target);
  if (connectError === 'ENOTFOUND' || connectError === 'EAI_AGAIN' || connectError === 'EAI_NONAME' || connectError === 'name not resolved') {
    return `the name ${target.host} does not resolve here (${connectError}): check the host of --target ${address}`;
  }
  if (connectError === undefined || connectError === 'ECONNREFUSED') {
    const serve = target.port === SERVE_DEFAULT_PORT ? 'streamlab serve' : `streamlab serve --port ${target.port}`;
    return `is a server listening on ${address}? start one with \`${serve}\``;
  }
  return `${address} is not reachable from here (${connectError}): check the address and any firewall on the way`;
}
