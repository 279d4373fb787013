/**
 * The bare side of the fleet benchmark's server: @grpc/grpc-js alone (no interceptors, no
 * telemetry, no preload), a plain Subscribe handler that sends its response headers at once
 * and keeps the stream open, writing the events of its topic (a Map of listener Sets, like
 * the live fan-out of src/services/topic-log.ts) until the call ends; Notify publishes to it.
 * It does less than streamlab's follow: no history, no resume, no gap header, no request
 * validation beyond the topic, no admin services (the ratio counts all that as
 * streamlab's overhead).
 *
 * Topic events: numbered here for each Notify (idle and fan-out runs), or, with
 * BENCH_FLEET_RELAY=1 (the storm), received from the parent over IPC as `{ type: 'event',
 * topic, id }`, so the three servers of the storm send the same ids and a subscriber's
 * missed events can be counted.
 *
 * Usage (a child of bench/fleet/run.ts or storm-bare.ts): node --expose-gc bench/fleet/bare-server.ts
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';
import type { ProtoGrpcType as TickerProto } from '../../src/generated/ticker.ts';
import type { Event } from '../../src/generated/streamlab/v1/Event.ts';
import type { SubscribeRequest__Output } from '../../src/generated/streamlab/v1/SubscribeRequest.ts';
import type { NotifyRequest__Output } from '../../src/generated/streamlab/v1/NotifyRequest.ts';
import type { NotifyReply } from '../../src/generated/streamlab/v1/NotifyReply.ts';
import { FLEET_TOPIC, readMemory, serveCommands } from './common.ts';

const PROTO = fileURLToPath(new URL('../../proto/streamlab/v1/ticker.proto', import.meta.url));
const proto = grpc.loadPackageDefinition(protoLoader.loadSync(PROTO, { longs: Number, defaults: true, oneofs: true, keepCase: false })) as unknown as TickerProto;
const EMPTY = Buffer.alloc(0);
const toTimestamp = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });

type Listener = (id: number, text: string) => void;
const topics = new Map<string, Set<Listener>>();
const lastIds = new Map<string, number>();

function publish(topic: string, id: number, text: string): number {
  lastIds.set(topic, id);
  const listeners = topics.get(topic);
  if (!listeners) return 0;
  for (const listener of listeners) listener(id, text);
  return listeners.size;
}

const handlers: grpc.UntypedServiceImplementation = {
  Subscribe(call: grpc.ServerWritableStream<SubscribeRequest__Output, Event>): void {
    const { topic } = call.request;
    if (topic.length < 1 || topic.length > 128) {
      call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: `topic has ${topic.length} characters` });
      return;
    }
    const listeners = topics.get(topic) ?? new Set<Listener>();
    topics.set(topic, listeners);
    const listener: Listener = (id, text) => void call.write({ id, sentAt: toTimestamp(Date.now()), topic, payload: EMPTY, text });
    listeners.add(listener);
    // grpc-js emits 'cancelled' on every end of a call the handler did not end itself.
    call.on('cancelled', () => listeners.delete(listener));
    call.sendMetadata(new grpc.Metadata());
  },
  Notify(call: grpc.ServerUnaryCall<NotifyRequest__Output, NotifyReply>, callback: grpc.sendUnaryData<NotifyReply>): void {
    const { topic, text } = call.request;
    const delivered = publish(topic, (lastIds.get(topic) ?? 0) + 1, text);
    callback(null, { delivered, publishedAt: toTimestamp(Date.now()) });
  },
};

// Keepalive as streamlab's server and bench/bare-grpc.ts. grpc-js leaves HTTP/2 max
// concurrent streams at Node's default (2^32-1) and disables Node's maxSessionMemory
// check (server.ts), so 10,000 streams on one connection need no option raised.
const server = new grpc.Server({ 'grpc.keepalive_time_ms': 30_000, 'grpc.keepalive_timeout_ms': 10_000 });
server.addService(proto.streamlab.v1.Ticker.service, handlers);
const port = await new Promise<number>((resolve, reject) =>
  server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));

if (process.env.BENCH_FLEET_RELAY === '1') {
  process.on('message', (raw) => {
    const message = raw as { type?: string; topic: string; id: number };
    if (message.type === 'event') publish(message.topic, message.id, '');
  });
}

serveCommands(async (command) => {
  if (command.cmd === 'memory') return readMemory();
  if (command.cmd === 'streams') return topics.get(FLEET_TOPIC)?.size ?? 0;
  throw new Error(`bare server: unknown command ${command.cmd}`);
}, port);
