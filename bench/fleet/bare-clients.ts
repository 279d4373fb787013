/**
 * The bare side of the fleet benchmark's clients: one @grpc/grpc-js channel (the same
 * channel options as streamlab's client: keepalive 30 s / 10 s, no retries), no
 * interceptors, no telemetry, no preload; each subscription a plain `ticker.subscribe`.
 *
 * Usage (a child of bench/fleet/run.ts): node --expose-gc bench/fleet/bare-clients.ts
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';
import type { ProtoGrpcType as TickerProto } from '../../src/generated/ticker.ts';
import type { TickerClient } from '../../src/generated/streamlab/v1/Ticker.ts';
import type { Event__Output } from '../../src/generated/streamlab/v1/Event.ts';
import { driveSubscribers } from './subscriber-driver.ts';

const PROTO = fileURLToPath(new URL('../../proto/streamlab/v1/ticker.proto', import.meta.url));
const proto = grpc.loadPackageDefinition(protoLoader.loadSync(PROTO, { longs: Number, defaults: true, oneofs: true, keepCase: false })) as unknown as TickerProto;

/** The channel options of src/client/streamlab-client.ts (and bench/bare-grpc.ts). */
export const BARE_CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.keepalive_permit_without_calls': 0,
  'grpc.enable_retries': 0,
};

let ticker: TickerClient | undefined;
const client = (): TickerClient => {
  if (!ticker) throw new Error('bare client: not connected');
  return ticker;
};

driveSubscribers({
  connect(target) {
    ticker = new proto.streamlab.v1.Ticker(target, grpc.credentials.createInsecure(), BARE_CHANNEL_OPTIONS);
  },
  subscribe(topic, onHeaders, onText) {
    const call = client().subscribe({ topic, count: 0, follow: true });
    call.on('metadata', onHeaders);
    call.on('data', (event: Event__Output) => onText(event.text));
    call.on('error', () => {});
    return call;
  },
  notify: (topic, text) => new Promise<number>((resolve, reject) => {
    client().notify({ topic, text }, (error, reply) => (error || !reply ? reject(error ?? new Error('no reply')) : resolve(reply.delivered)));
  }),
});
