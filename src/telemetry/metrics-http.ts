/**
 * The /metrics endpoint: serves one prom-client registry (OpenMetrics, so exemplars show)
 * plus /healthz for container health checks. Built here, started by the CLI.
 */
import http from 'node:http';
import type { Registry } from 'prom-client';
import type { OpenMetricsContentType } from 'prom-client';

/**
 * Creates (does not start) an HTTP server: GET /metrics → the registry's text,
 * GET /healthz → 200 "ok", anything else → 404.
 */
export function createMetricsHttpServer(registry: Registry<OpenMetricsContentType>): http.Server {
  return http.createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/metrics') {
      registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${String(error)}\n`),
      );
      return;
    }
    if (request.method === 'GET' && path === '/healthz') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics or /healthz\n');
  });
}
