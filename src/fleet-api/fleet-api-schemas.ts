/**
 * JSON schemas of the fleet's control API: fastify validates requests with them (a bad
 * field is a 400 naming it) and @fastify/swagger builds the OpenAPI document from them.
 */
import { CATALOGUE } from '../scenarios/catalogue.ts';
import { TOPIC_LIMITS, NOTIFY_LIMITS } from '../server/validate-request.ts';
import { END_CAUSES } from '../core/end-cause.ts';
import { MAX_CLIENTS_PER_REQUEST } from '../fleet/fleet.ts';

const topic = { type: 'string', minLength: TOPIC_LIMITS.min, maxLength: TOPIC_LIMITS.max, description: 'Topic name, 1 to 128 characters.' } as const;

/** The error body of every 4xx/5xx answer. */
export const errorSchema = {
  $id: 'Error',
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', description: 'bad_request, unauthorized, forbidden, not_found, conflict, unsupported_media_type, unavailable or internal.' },
    message: { type: 'string', description: 'One line naming the bad value and what is allowed.' },
  },
} as const;

/** A server as `GET /api/servers` lists it. */
export const serverSchema = {
  $id: 'Server',
  type: 'object',
  required: ['id', 'address', 'pid', 'state', 'streams', 'metrics_port'],
  properties: {
    id: { type: 'string', examples: ['srv-1'] },
    address: { type: 'string', description: 'gRPC host:port.', examples: ['127.0.0.1:7071'] },
    pid: { type: ['integer', 'null'], description: 'Null for an external server.' },
    state: { type: 'string', enum: ['running', 'draining', 'stopped', 'killed', 'exited', 'external'], description: 'external: a server this fleet did not start (--backends); it cannot be stopped or killed here.' },
    streams: { type: ['integer', 'null'], description: 'Calls open on it now; null when it is gone or external.' },
    metrics_port: { type: ['integer', 'null'], description: 'Port of its /metrics; null for an external server.' },
  },
} as const;

/** A subscriber as `GET /api/clients` lists it. */
export const clientSchema = {
  $id: 'Client',
  type: 'object',
  required: ['id', 'topic', 'state', 'backend', 'received', 'reconnects', 'gaps', 'duplicates', 'last_event_id', 'last_end_cause'],
  properties: {
    id: { type: 'string', examples: ['s-1'] },
    topic: { type: 'string' },
    state: { type: 'string', enum: ['connecting', 'streaming', 'backoff', 'stopped'] },
    backend: { type: ['string', 'null'], description: 'host:port of the server it streams from; null between subscriptions.' },
    received: { type: 'integer', description: 'Events received, duplicates included.' },
    reconnects: { type: 'integer', description: 'Subscriptions after the first.' },
    gaps: { type: 'integer', description: 'Events never received (ids skipped across resumes).' },
    duplicates: { type: 'integer', description: 'Events received more than once.' },
    last_event_id: { type: 'integer' },
    last_end_cause: { type: ['string', 'null'], enum: [...END_CAUSES, null], description: 'End cause of its last subscription (design §2).' },
  },
} as const;

/** Query of `DELETE /api/servers/:id`. */
export const stopQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { mode: { type: 'string', enum: ['kill', 'stop'], default: 'stop', description: 'kill = SIGKILL; stop = SIGTERM, GOAWAY and drain.' } },
} as const;

/** Body of `POST /api/clients`. */
export const startClientsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['count'],
  properties: {
    count: { type: 'integer', minimum: 1, maximum: MAX_CLIENTS_PER_REQUEST, description: 'Subscribers to start, 1 to 10,000.' },
    topic: { ...topic, description: "Their topic; default the fleet's --topic." },
  },
} as const;

/** Body of `POST /api/notify`. */
export const notifySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['topic', 'text'],
  properties: { topic, text: { type: 'string', maxLength: NOTIFY_LIMITS.text.max, description: 'Up to 4,096 characters.' } },
} as const;

/** Path parameter `:name` of the scenario routes. */
export const scenarioParamsSchema = {
  type: 'object',
  required: ['name'],
  // No enum: an unknown name is a 404 whose message lists the known ones.
  properties: { name: { type: 'string', description: `A catalogue scenario: ${CATALOGUE.map((s) => s.name).join(', ')}.` } },
} as const;

/** Path parameter `:id`. */
export const idParamsSchema = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;
