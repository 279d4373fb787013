/**
 * Subscribers that never read, as raw HTTP/2 (node:http2): each connection advertises an
 * initial stream window of 0 bytes (SETTINGS_INITIAL_WINDOW_SIZE) and never reads or
 * opens it, so the server cannot send a byte of DATA on their streams: every response
 * message stays queued on the server (issue 16 item 3).
 */
import http2 from 'node:http2';
import { once } from 'node:events';
import { loadStreamlabProto } from '../../src/core/proto.ts';
import type { SubscribeRequest } from '../../src/generated/streamlab/v1/SubscribeRequest.ts';

/** A gRPC length-prefixed message (gRPC over HTTP/2: flag 0, 4-byte big-endian length). */
export function grpcFrame(message: Buffer): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}

/** Stuck subscriptions on one connection. */
export interface StuckSubscribers {
  /** Resolves once every stream has its response headers (the server is streaming to it). */
  streaming: Promise<void>;
  close(): void;
}

/**
 * Opens `requests.length` Ticker/Subscribe streams to `target` (`host:port`) on one
 * connection whose streams have a window of 0 bytes.
 */
export function openStuckSubscribers(target: string, requests: readonly SubscribeRequest[]): StuckSubscribers {
  const serialize = loadStreamlabProto().streamlab.v1.Ticker.service.Subscribe.requestSerialize;
  const session = http2.connect(`http://${target}`, { settings: { initialWindowSize: 0 } });
  session.on('error', () => {});
  const streams = requests.map((request) => {
    const stream = session.request({
      ':method': 'POST', ':path': '/streamlab.v1.Ticker/Subscribe', 'content-type': 'application/grpc', te: 'trailers',
    });
    stream.on('error', () => {});
    stream.end(grpcFrame(serialize(request)));
    stream.pause(); // never read
    return stream;
  });
  return {
    streaming: Promise.all(streams.map((stream) => once(stream, 'response'))).then(() => undefined),
    close: () => session.destroy(),
  };
}
