/**
 * The baseline: a plain @grpc/grpc-js server and client for the same protos, doing the
 * same application work as streamlab's handlers and clients (src/services/,
 * src/client/) and nothing else — no streamlab code at run time (only generated types,
 * which are erased), no observation layer, no metrics, no logs. Under the `sdk` arm the
 * OTel SDK and instrumentation-grpc wrap it, because the arm preloads src/instrumentation.ts.
 *
 * Where the bare code does less than streamlab's beyond telemetry, it says so below (the
 * ratio then counts that work as streamlab's overhead: it errs against streamlab).
 */
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { crc32 } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as TickerProto } from '../src/generated/ticker.ts';
import type { ProtoGrpcType as DeliveryProto } from '../src/generated/delivery.ts';
import type { Event } from '../src/generated/streamlab/v1/Event.ts';
import type { SubscribeRequest__Output } from '../src/generated/streamlab/v1/SubscribeRequest.ts';
import type { NotifyRequest__Output } from '../src/generated/streamlab/v1/NotifyRequest.ts';
import type { NotifyReply } from '../src/generated/streamlab/v1/NotifyReply.ts';
import type { PublishRequest__Output } from '../src/generated/streamlab/v1/PublishRequest.ts';
import type { PublishSummary } from '../src/generated/streamlab/v1/PublishSummary.ts';
import type { ExchangeRequest__Output } from '../src/generated/streamlab/v1/ExchangeRequest.ts';
import type { ExchangeResponse, ExchangeResponse__Output } from '../src/generated/streamlab/v1/ExchangeResponse.ts';
import type { ExchangeStart__Output } from '../src/generated/streamlab/v1/ExchangeStart.ts';
import { callPool, check, PAYLOAD_BYTES, TOPIC, writeAll } from './common.ts';
import type { Workloads } from './common.ts';

const PROTO_PATHS = ['ticker.proto', 'delivery.proto'].map((file) => fileURLToPath(new URL(`../proto/streamlab/v1/${file}`, import.meta.url)));
const LOADER_OPTIONS: protoLoader.Options = { longs: Number, defaults: true, oneofs: true, keepCase: false };
const proto = grpc.loadPackageDefinition(protoLoader.loadSync(PROTO_PATHS, LOADER_OPTIONS)) as unknown as TickerProto & DeliveryProto;
const { Ticker, Delivery } = proto.streamlab.v1;

/** Same as streamlab's src/core/timestamp.ts and lifecycle-event.ts nowMs. */
const toTimestamp = (ms: number) => {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) };
};
const fromTimestamp = (timestamp: { seconds?: number; nanos?: number } | null | undefined) => {
  if (!timestamp) return undefined;
  const seconds = Number(timestamp.seconds ?? 0);
  const nanos = timestamp.nanos ?? 0;
  return seconds === 0 && nanos === 0 ? undefined : seconds * 1000 + nanos / 1e6;
};
const nowMs = () => performance.timeOrigin + performance.now();

/** The same checks as src/server/validate-request.ts (same costs: a string spread per topic). */
const invalid = (message: string) => Object.assign(new Error(message), { code: grpc.status.INVALID_ARGUMENT });
function checkRange(field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) throw invalid(`${field}=${value} is out of range: allowed ${min} to ${max}`);
}
function checkLength(field: string, text: string, min: number, max: number): void {
  const length = [...text].length;
  if (length < min || length > max) throw invalid(`${field} has ${length} characters: allowed ${min} to ${max}`);
}

/** A topic hub: the live fan-out of src/services/topic-log.ts, without its history. */
const topics = new Map<string, Set<(text: string) => void>>();
function subscribeTopic(topic: string, listener: (text: string) => void): () => void {
  const listeners = topics.get(topic) ?? new Set();
  listeners.add(listener);
  topics.set(topic, listeners);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && topics.get(topic) === listeners) topics.delete(topic);
  };
}
function publishTopic(topic: string, text: string): number {
  const listeners = topics.get(topic);
  if (!listeners) return 0;
  for (const listener of listeners) listener(text);
  return listeners.size;
}

/** Aborted when the call ends otherwise than by the handler (streamlab: the observation's AbortSignal). */
function cancelSignal(call: { on(event: 'cancelled', listener: () => void): unknown }): AbortSignal {
  const aborted = new AbortController();
  call.on('cancelled', () => aborted.abort());
  return aborted.signal;
}

/** Waits for 'drain' after write() returned false, or until the call is cancelled. */
async function drained(call: NodeJS.EventEmitter, signal: AbortSignal): Promise<void> {
  await once(call, 'drain', { signal }).catch(() => undefined);
}

const tickerHandlers: grpc.UntypedServiceImplementation = {
  async Subscribe(call: grpc.ServerWritableStream<SubscribeRequest__Output, Event>): Promise<void> {
    const { topic, count, intervalMs, payloadBytes } = call.request;
    checkLength('topic', topic, 1, 128);
    checkRange('count', count, 0, 1_000_000);
    checkRange('interval_ms', intervalMs, 0, 60_000);
    checkRange('payload_bytes', payloadBytes, 0, 1_048_576);
    const signal = cancelSignal(call);
    const payload = Buffer.alloc(payloadBytes, 0x61);
    let id = 0;
    const unsubscribe = subscribeTopic(topic, (text) => void call.write({ id: ++id, sentAt: toTimestamp(Date.now()), topic, payload: Buffer.alloc(0), text }));
    try {
      for (let tick = 1; tick <= (count === 0 ? Infinity : count) && !signal.aborted; tick++) {
        if (tick > 1 && intervalMs > 0) await delay(intervalMs, undefined, { signal }).catch(() => undefined);
        if (signal.aborted) return;
        if (!call.write({ id: ++id, sentAt: toTimestamp(Date.now()), topic, payload })) {
          await drained(call, signal);
        }
      }
      if (!signal.aborted) call.end();
    } finally {
      unsubscribe();
    }
  },
  async Notify(call: grpc.ServerUnaryCall<NotifyRequest__Output, NotifyReply>, callback: grpc.sendUnaryData<NotifyReply>): Promise<void> {
    checkLength('topic', call.request.topic, 1, 128);
    checkLength('text', call.request.text, 0, 4_096);
    checkRange('delay_ms', call.request.delayMs, 0, 600_000);
    const signal = cancelSignal(call);
    if (call.request.delayMs > 0) await delay(call.request.delayMs, undefined, { signal }).catch(() => undefined);
    if (signal.aborted) return;
    callback(null, { delivered: publishTopic(call.request.topic, call.request.text), publishedAt: toTimestamp(Date.now()) });
  },
  Publish(call: grpc.ServerReadableStream<PublishRequest__Output, PublishSummary>, callback: grpc.sendUnaryData<PublishSummary>): void {
    let count = 0;
    let bytes = 0;
    let checksum = 0;
    call.on('data', (request: PublishRequest__Output) => {
      try {
        checkLength('topic', request.topic, 1, 128);
        if (request.payload.length > 1_048_576) throw invalid(`payload has ${request.payload.length} bytes`);
      } catch (error) {
        callback(error as grpc.ServiceError);
        return;
      }
      count += 1;
      bytes += request.payload.length;
      checksum = crc32(request.payload, checksum);
    });
    call.on('end', () => callback(null, { count, bytes, checksum: checksum.toString(16).padStart(8, '0') }));
  },
};

/**
 * Exchange: sends `count` messages (pending map, account, the same message shape), takes
 * ACKs, completes with the summary once every message is acknowledged.
 * Does less than streamlab's delivery session (src/services/delivery-session.ts):
 * no redelivery timer (streamlab re-arms one setTimeout whenever the oldest pending message
 * is acknowledged, i.e. on almost every ACK here), no interval pacing, no delivery metrics.
 */
function exchange(call: grpc.ServerDuplexStream<ExchangeRequest__Output, ExchangeResponse>): void {
  const signal = cancelSignal(call);
  const pending = new Map<number, { attempt: number; firstSentAtMs: number; lastSentAtMs: number }>();
  const account = { sent: 0, acked: 0, redelivered: 0, exhausted: 0, exhaustedIds: [] as number[] };
  let settings: ExchangeStart__Output | undefined;
  let allSent = false;
  let done = false;
  const fail = (message: string) => call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: message });
  const maybeComplete = () => {
    if (done || !allSent || pending.size > 0) return;
    done = true;
    call.write({ summary: { ...account, unackedIds: [] } });
    call.end();
  };
  const run = async (start: ExchangeStart__Output) => {
    const payload = Buffer.alloc(start.payloadBytes, 0x61);
    for (let id = 1; start.count === 0 || id <= start.count; id++) {
      if (signal.aborted) return;
      if (id > 1 && start.intervalMs > 0) await delay(start.intervalMs, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return;
      const now = nowMs();
      pending.set(id, { attempt: 1, firstSentAtMs: now, lastSentAtMs: now });
      account.sent += 1;
      if (!call.write({ message: { id, attempt: 1, sentAt: toTimestamp(Date.now()), payload } })) {
        await drained(call, signal);
      }
    }
    allSent = true;
    maybeComplete();
  };
  call.on('data', (request: ExchangeRequest__Output) => {
    if (signal.aborted || done) return;
    if (request.kind === 'start' && request.start) {
      if (settings) return fail('a second start message');
      const start = request.start;
      checkRange('count', start.count, 0, 1_000_000);
      checkRange('interval_ms', start.intervalMs, 0, 60_000);
      checkRange('ack_timeout_ms', start.ackTimeoutMs, 0, 600_000);
      if (start.maxRedeliveries !== undefined) checkRange('max_redeliveries', start.maxRedeliveries, 0, 10);
      checkRange('payload_bytes', start.payloadBytes, 0, 1_048_576);
      settings = start;
      void run(start);
      return;
    }
    if (request.kind === 'ack' && request.ack) {
      const id = Number(request.ack.id);
      const message = pending.get(id);
      if (!message) return id >= 1 && id <= account.sent ? undefined : fail(`ack for id=${id}, which was never sent`);
      pending.delete(id);
      account.acked += 1;
      void (nowMs() - message.firstSentAtMs); // streamlab observes this ACK latency in a histogram
      maybeComplete();
      return;
    }
    fail('an ExchangeRequest must set start or ack');
  });
}

/**
 * A server interceptor that does nothing: grpc-js builds its intercepting call and passes
 * every listener and responder call through (the `intercepted` arm).
 */
const passThroughServer: grpc.ServerInterceptor = (_method, call) => new grpc.ServerInterceptingCall(call);
/** A client interceptor that does nothing but stand in the chain (the `intercepted` arm). */
const passThroughClient: grpc.Interceptor = (options, nextCall) => new grpc.InterceptingCall(nextCall(options));

/** What the bare server and client may add: nothing (the `bare` arm), or pass-through interceptors. */
export interface BareOptions {
  /** One interceptor on each side that passes everything through. Default false. */
  passThroughInterceptors?: boolean;
}

/** Starts a bare server on 127.0.0.1, any port. */
export async function startBareServer(options: BareOptions = {}): Promise<{ port: number; shutdown(): void }> {
  const server = new grpc.Server({
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 10_000,
    ...(options.passThroughInterceptors ? { interceptors: [passThroughServer] } : {}),
  });
  server.addService(Ticker.service, tickerHandlers);
  server.addService(Delivery.service, { Exchange: exchange });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
  return { port, shutdown: () => server.forceShutdown() };
}

/** A bare client (one channel shared by both services, the same channel options as streamlab's client) and its workloads. */
export function createBareClient(target: string, options: BareOptions = {}): Workloads & { close(): void } {
  const channelOptions: grpc.ChannelOptions = {
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 10_000,
    'grpc.keepalive_permit_without_calls': 0,
    'grpc.enable_retries': 0,
    ...(options.passThroughInterceptors ? { interceptors: [passThroughClient] } : {}),
  };
  const ticker = new Ticker(target, grpc.credentials.createInsecure(), channelOptions);
  const delivery = new Delivery(target, grpc.credentials.createInsecure(), { ...channelOptions, channelOverride: ticker.getChannel() });

  /** Resolves with the call's status (streams: the 'status' event). */
  const statusOf = (call: { on(event: 'status', listener: (status: grpc.StatusObject) => void): unknown; on(event: 'error', listener: () => void): unknown }) =>
    new Promise<grpc.StatusObject>((resolve) => {
      call.on('error', () => {});
      call.on('status', resolve);
    });

  return {
    unary: (calls, concurrency) => callPool(calls, concurrency, () => new Promise<void>((resolve, reject) => {
      ticker.notify({ topic: TOPIC, text: 'hello', delayMs: 0 }, (error, reply) => (error || !reply ? reject(error ?? new Error('no reply')) : resolve()));
    })),
    async clientStream(messages) {
      let resolveSummary!: (summary: PublishSummary | undefined) => void;
      const summary = new Promise<PublishSummary | undefined>((resolve) => (resolveSummary = resolve));
      const call = ticker.publish((error, value) => resolveSummary(error ? undefined : value));
      call.on('error', () => {});
      const payload = Buffer.alloc(PAYLOAD_BYTES, 0x62);
      await writeAll(call, messages, (id) => ({ topic: TOPIC, id, payload }));
      const result = await summary;
      check(result?.count === messages, `bare Publish summary counted ${result?.count} of ${messages}`);
    },
    async serverStream(messages) {
      const call = ticker.subscribe({ topic: TOPIC, count: messages, intervalMs: 0, payloadBytes: PAYLOAD_BYTES });
      let received = 0;
      call.on('data', () => void (received += 1));
      const status = await statusOf(call);
      check(status.code === grpc.status.OK && received === messages, `bare Subscribe ended ${status.code} after ${received} of ${messages}`);
    },
    async bidi(messages) {
      // The client side of src/client/delivery-client.ts with no drops: the same sets and per-message work.
      const call = delivery.exchange();
      const ended = statusOf(call);
      const delivered = new Set<number>();
      const ackedIds = new Set<number>();
      const seen = new Set<number>();
      const account = { sent: 0, acked: 0, redelivered: 0, duplicates: 0 };
      call.write({ start: { count: messages, intervalMs: 0, ackTimeoutMs: 0, payloadBytes: PAYLOAD_BYTES } });
      call.on('data', (response: ExchangeResponse__Output) => {
        if (response.kind === 'summary' && response.summary) {
          call.end();
          return;
        }
        const message = response.message;
        if (!message) return;
        const id = Number(message.id);
        const sentAtMs = fromTimestamp(message.sentAt);
        void (sentAtMs === undefined ? undefined : Date.now() - sentAtMs);
        seen.add(id);
        if (message.attempt > 1) account.redelivered += 1;
        if (delivered.has(id)) account.duplicates += 1;
        else {
          delivered.add(id);
          account.sent += 1;
        }
        if (call.writable) call.write({ ack: { id } });
        if (!ackedIds.has(id)) {
          ackedIds.add(id);
          account.acked += 1;
        }
      });
      const status = await ended;
      check(status.code === grpc.status.OK && account.acked === messages, `bare Exchange ended ${status.code} with ${account.acked} of ${messages} acked`);
    },
    close() {
      delivery.close();
      ticker.close();
    },
  };
}
