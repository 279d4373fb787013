/**
 * The fleet's REST control API (fastify, issue 8): servers, clients (subscribers), notify,
 * scenarios, an OpenAPI document (`/api/openapi.json`) and its browsable page
 * (`/api/docs`), with `/metrics` and `/healthz` beside. Bodies, queries and parameters are
 * validated against the schemas in fleet-api-schemas.ts; every error is a JSON
 * `{error, message}` naming the bad field or id, and the API keeps serving.
 */
import type http from 'node:http';
import Fastify from 'fastify';
import type { FastifyError, FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Fleet } from '../fleet/fleet.ts';
import { FLEET_ERROR_STATUS, FleetError } from '../fleet/fleet-error.ts';
import type { createFleetScenarios } from './fleet-scenarios.ts';
import { CATALOGUE } from '../scenarios/catalogue.ts';
import { toJsonScenario } from '../scenarios/scenario-json.ts';
import * as schemas from './fleet-api-schemas.ts';
import { registerApiGuard } from './fleet-api-guard.ts';
import type { ApiAccess } from './api-access.ts';

/** What the API drives. */
export interface FleetApiDeps {
  fleet: Fleet;
  scenarios: ReturnType<typeof createFleetScenarios>;
  /** The fleet's default topic (POST /api/clients without one). */
  topic: string;
  /** Host Prometheus should scrape the servers' /metrics on (http_sd targets). Default 127.0.0.1. */
  advertiseHost?: string;
  /**
   * Answers GET /metrics and /healthz: the request listener of the process's metrics
   * endpoint (src/telemetry/metrics-http.ts), so the format negotiation is the same
   * everywhere streamlab serves /metrics.
   */
  metrics: http.RequestListener;
  /** Extra allowed Host names and the bearer token (fleet-api-guard.ts). Default: loopback names only, no token. */
  access?: ApiAccess;
}

const ref = (id: string) => ({ $ref: `${id}#` });
const errors = { 400: ref('Error'), 404: ref('Error'), 409: ref('Error'), 503: ref('Error') };

/**
 * One line for a failed validation: where (body/count, querystring/mode), what is wrong,
 * and the allowed values or the unknown property when ajv names them.
 */
function validationMessage(error: FastifyError): string {
  const first = error.validation?.[0];
  if (!first) return error.message;
  const params = first.params as { allowedValues?: unknown[]; additionalProperty?: string };
  const where = `${error.validationContext ?? 'request'}${first.instancePath}`;
  if (params.additionalProperty) return `${where} has unknown property "${params.additionalProperty}"`;
  const allowed = params.allowedValues ? `: ${params.allowedValues.join(', ')}` : '';
  return `${where} ${first.message ?? 'is invalid'}${allowed}`;
}

/** The `error` of a 4xx answer, by status. */
const ERROR_NAMES: Record<number, string> = { 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 413: 'payload_too_large', 415: 'unsupported_media_type' };

/**
 * Builds (does not listen) the API, its requests guarded by fleet-api-guard.ts.
 * @throws Error from @fastify/bearer-auth for a token it cannot use
 */
export async function createFleetApi(deps: FleetApiDeps): Promise<FastifyInstance> {
  // removeAdditional false: an unknown field is a 400 naming it, not silently dropped.
  // coerceTypes false: types are strict, {"count":"10"} is a 400, not 10 subscribers (every
  // query and path parameter is a string, so nothing needs coercing).
  const app = Fastify({ logger: false, ajv: { customOptions: { removeAdditional: false, coerceTypes: false } } });
  // Bodies are JSON or nothing: without the text/plain parser any other type is a 415.
  app.removeContentTypeParser('text/plain');
  await registerApiGuard(app, deps.access ?? {});
  app.addSchema(schemas.errorSchema);
  app.addSchema(schemas.serverSchema);
  app.addSchema(schemas.clientSchema);
  await app.register(swagger, {
    // Components named by their $id (Server, Client, Error) rather than def-0, def-1, ….
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, index) => (typeof json.$id === 'string' ? json.$id : `def-${index}`) },
    openapi: {
      info: { title: 'streamlab fleet control API', version: '1', description: 'Start and stop servers and long-lived subscribers, notify a topic, run scenarios. Binds 127.0.0.1 unless told otherwise: it starts and kills processes. Requests must name the API in Host, state changes from a browser must come from its own origin, bodies are application/json, and with --api-token (required beyond loopback) the /api routes need Authorization: Bearer.' },
      ...(deps.access?.token !== undefined ? { components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } }, security: [{ bearer: [] }] } : {}),
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  app.setErrorHandler((error: FastifyError | FleetError, _request, reply) => {
    if (error instanceof FleetError) return reply.code(FLEET_ERROR_STATUS[error.code]).send({ error: error.code, message: error.message });
    if ('validation' in error && error.validation) return reply.code(400).send({ error: 'bad_request', message: validationMessage(error) });
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    return reply.code(status).send({ error: status === 500 ? 'internal' : ERROR_NAMES[status] ?? 'bad_request', message: error.message });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url}: see /api/docs` }));

  app.get('/api/openapi.json', { schema: { hide: true } }, () => app.swagger());
  for (const path of ['/metrics', '/healthz']) {
    app.get(path, { schema: { hide: true } }, (request, reply) => {
      reply.hijack();
      deps.metrics(request.raw, reply.raw);
    });
  }

  const { external } = deps.fleet;
  app.get('/api/servers', { schema: { summary: 'List the servers, gone ones included; servers it did not start (--backends) as external', tags: ['servers'], response: { 200: { type: 'array', items: ref('Server') } } } },
    async () => [...await deps.fleet.servers.list(), ...await external?.list() ?? []]);
  app.post('/api/servers', { schema: { summary: 'Start a server in the first free slot', tags: ['servers'], response: { 201: ref('Server'), ...errors } } },
    async (_request, reply) => reply.code(201).send(external ? external.refuse('no server to start') : await deps.fleet.servers.start()));
  app.delete<{ Params: { id: string }; Querystring: { mode: 'kill' | 'stop' } }>('/api/servers/:id', {
    schema: { summary: 'Kill (SIGKILL) or stop (graceful drain) a server', tags: ['servers'], params: schemas.idParamsSchema, querystring: schemas.stopQuerySchema, response: { 200: ref('Server'), ...errors } },
  }, async (request) => (await external?.has(request.params.id) ? external!.refuse(`server ${request.params.id} is external`) : deps.fleet.servers.stop(request.params.id, request.query.mode)));

  app.get('/api/clients', { schema: { summary: 'List the subscribers', tags: ['clients'], response: { 200: { type: 'array', items: ref('Client') } } } },
    () => deps.fleet.listSubscribers());
  app.post<{ Body: { count: number; topic?: string } }>('/api/clients', {
    schema: { summary: 'Start subscribers', tags: ['clients'], body: schemas.startClientsSchema, response: { 201: { type: 'array', items: ref('Client') }, ...errors } },
  }, (request, reply) => reply.code(201).send(deps.fleet.addSubscribers(request.body.count, request.body.topic ?? deps.topic)));
  app.delete<{ Params: { id: string } }>('/api/clients/:id', {
    schema: { summary: 'Stop a subscriber (`all`: every one)', tags: ['clients'], params: schemas.idParamsSchema, response: { 200: { type: 'array', items: ref('Client') }, ...errors } },
  }, (request) => deps.fleet.stopSubscribers(request.params.id));

  app.post<{ Body: { topic: string; text: string } }>('/api/notify', {
    schema: {
      summary: 'Notify a topic through one server; every server delivers it', tags: ['notify'], body: schemas.notifySchema,
      response: { 200: { type: 'object', required: ['delivered'], properties: { delivered: { type: 'integer', description: 'Subscribers that received it, on every server.' } } }, ...errors },
    },
  }, (request) => deps.fleet.notify(request.body.topic, request.body.text));

  // Prometheus HTTP service discovery (https://prometheus.io/docs/prometheus/latest/http_sd/):
  // the servers' /metrics ports are picked by the kernel and servers come and go.
  app.get('/api/prometheus-targets', { schema: { summary: "The running servers' /metrics, as Prometheus http_sd targets", tags: ['servers'] } }, async () => {
    const running = (await deps.fleet.servers.list()).filter((server) => server.state === 'running' || server.state === 'draining');
    return running.map((server) => ({
      targets: [`${deps.advertiseHost ?? '127.0.0.1'}:${server.metrics_port}`],
      labels: { fleet_server: server.id, grpc_address: server.address },
    }));
  });

  app.get('/api/scenarios', { schema: { summary: 'The scenario catalogue', tags: ['scenarios'] } }, () => CATALOGUE.map(toJsonScenario));
  app.post<{ Params: { name: string } }>('/api/scenarios/:name/run', {
    schema: { summary: 'Run one scenario against its own embedded server; answers its report object (as `streamlab run --json`)', tags: ['scenarios'], params: schemas.scenarioParamsSchema },
  }, (request) => deps.scenarios.run(request.params.name));
  return app;
}
