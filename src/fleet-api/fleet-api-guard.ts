/**
 * Who may drive the fleet's control API (issue 16 item 8). Binding 127.0.0.1 keeps other
 * machines out, not web pages in the user's browser: a cross-origin `POST /api/servers`
 * started a server, and a request with `Host: rebind.evil.example` (DNS rebinding: the
 * page's own name resolved to 127.0.0.1) killed one. Every request goes through one
 * `onRequest` hook, in this order:
 *
 * 1. **Host** must name the API itself — a loopback name (`localhost`, `127.0.0.1`, `[::1]`),
 *    the address it is bound to (bound to a wildcard: the machine's host name and interface
 *    addresses), or one of `allowedHosts` (`--advertise-host`, `--api-allowed-host`); else 403.
 *    This is what stops DNS rebinding: the attacker's name is in Host. The port is not
 *    compared: a published container port may differ from the one bound inside.
 * 2. **Origin**, on a request that can change state (any method but GET, HEAD, OPTIONS), must be
 *    the origin the request was addressed to (`http://` + its Host) when a browser sends one;
 *    else 403. So a page of another origin — another site, or another port of this machine
 *    (a dev server on localhost:3000) — cannot change the fleet. Clients that are not
 *    browsers send no Origin and pass.
 * 3. **Bearer token** (RFC 6750), when one is set: every `/api` route but the docs
 *    (`/api/docs`, `/api/openapi.json`) and the Prometheus discovery targets
 *    (`/api/prometheus-targets`) needs `Authorization: Bearer <token>`, compared in constant
 *    time by @fastify/bearer-auth; else 401. `/metrics` and `/healthz` stay open to scrapers
 *    and health checks. The CLI requires a token when the API binds beyond loopback.
 *
 * Bodies must be `application/json` (fleet-api.ts drops fastify's text/plain parser, so any
 * other type is a 415): the form and text bodies a page can send without a CORS preflight
 * never reach a route. The API sends no CORS headers, so no page can read its answers.
 */
import { hostname, networkInterfaces } from 'node:os';
import type { AddressInfo } from 'node:net';
import bearerAuth from '@fastify/bearer-auth';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiAccess } from './api-access.ts';

/** Routes a token does not guard: the API's documentation and the Prometheus discovery targets. */
const OPEN_API_ROUTES = [/^\/api\/docs(\/|$)/, /^\/api\/openapi\.json$/, /^\/api\/prometheus-targets$/];
/**
 * Whether the route `request` was routed to needs the token. Decided on the matched route's
 * pattern, never on the raw URL: the router decodes `/%61pi/clients` to `/api/clients`, which a
 * test of the URL would let through. A request no route matches answers 404 anyway.
 */
function needsToken(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  return route !== undefined && /^\/api(\/|$)/.test(route) && !OPEN_API_ROUTES.some((open) => open.test(route));
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const bare = (host: string): string => host.replace(/^\[(.*)\]$/, '$1').toLowerCase();

/** The names the API answers to, once it listens (its bound address decides). */
function ownHosts(app: FastifyInstance, access: ApiAccess): Set<string> {
  const hosts = new Set(['localhost', '127.0.0.1', '::1', ...(access.allowedHosts ?? []).map(bare)]);
  const bound = (app.server.address() as AddressInfo | null)?.address;
  if (bound === '0.0.0.0' || bound === '::') {
    hosts.add(hostname().toLowerCase());
    for (const addresses of Object.values(networkInterfaces())) for (const entry of addresses ?? []) hosts.add(entry.address.toLowerCase());
  } else if (bound) hosts.add(bare(bound));
  return hosts;
}

const refuse = (reply: FastifyReply, message: string) => reply.code(403).send({ error: 'forbidden', message });

/** Whether a browser's `origin` is the origin `request` was addressed to: http, its Host's name and port (80 when absent). */
function sameOrigin(origin: string, request: FastifyRequest): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // "null" (a sandboxed page, a file) and anything unparsable
  }
  return url.protocol === 'http:' && bare(url.hostname) === bare(request.hostname) && Number(url.port || 80) === (request.port ?? 80);
}

/**
 * Adds the guard (see the module comment) to `app`, before its routes.
 * @throws Error from @fastify/bearer-auth for a token it cannot use
 */
export async function registerApiGuard(app: FastifyInstance, access: ApiAccess): Promise<void> {
  if (access.token !== undefined) {
    await app.register(bearerAuth, {
      keys: [access.token],
      // verifyBearerAuth is called below, for the routes that need it; a refusal reaches the
      // API's error handler as a 401 error (`unauthorized`, "missing authorization header").
      addHook: false,
    });
  }
  let hosts: Set<string> | undefined;
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
    hosts ??= ownHosts(app, access);
    if (!hosts.has(bare(request.hostname))) {
      // Not listing the names it knows: a rebinding page reads this answer (to the browser it is same-origin).
      return void refuse(reply, `Host ${JSON.stringify(request.host)} is not a name of this API: DNS rebinding is refused; --api-allowed-host adds a name`);
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !SAFE_METHODS.has(request.method) && !sameOrigin(origin, request)) {
      return void refuse(reply, `Origin ${JSON.stringify(origin)} may not ${request.method} here: only pages of this API's own origin (http://${request.host}) can change the fleet`);
    }
    if (access.token === undefined || !needsToken(request)) return done();
    reply.header('www-authenticate', 'Bearer realm="streamlab fleet"');
    app.verifyBearerAuth!(request, reply, done);
  });
}
