/**
 * The observed client's channel options (src/client/observed-channel.ts): with retries off,
 * grpc-js's per-call retry buffer is kept small, so a stream that writes faster than its
 * connection sends meets backpressure (`write()` returns false) instead of piling up to
 * grpc-js's default 256 KiB of "completed" writes, which grpc-js copies on every message sent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { loadStreamlabProto } from '../../src/core/proto.ts';
import { createStreamlabClient } from '../../src/client/streamlab-client.ts';
import { RETRY_BUFFER_BYTES } from '../../src/client/observed-channel.ts';
import { createTelemetryDeps } from '../../src/telemetry/create-telemetry-deps.ts';

const MESSAGE_BYTES = 1_024;
/** HTTP/2's initial stream window (RFC 9113 §6.9.2) plus slack for framing and Node's buffers. */
const WINDOW_BYTES = 65_535 + 32 * 1_024;

test('a client stream to a server that never reads meets backpressure within the HTTP/2 window and a few KiB, not grpc-js\'s 256 KiB retry buffer', async (t) => {
  const server = new grpc.Server();
  server.addService(loadStreamlabProto().streamlab.v1.Ticker.service, {
    Notify: () => {},
    Subscribe: () => {},
    Publish: (call: grpc.ServerReadableStream<unknown, unknown>) => call.pause(),
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
  t.after(() => server.forceShutdown());
  const client = createStreamlabClient(createTelemetryDeps({ logger: { format: 'json', level: 'error' } }), { target: `127.0.0.1:${port}` });
  t.after(() => client.close());
  const { call } = client.publish();
  call.on('error', () => undefined);
  await new Promise((resolve) => call.once('metadata', resolve).write({ topic: 't', payload: Buffer.alloc(MESSAGE_BYTES) }, resolve));
  let written = MESSAGE_BYTES;
  // Each write's callback runs once grpc-js took the message; write() turns false when the
  // stream's own buffer (16 objects) is full of writes grpc-js has not taken.
  while (written < 512 * 1_024) {
    written += MESSAGE_BYTES;
    if (!call.write({ topic: 't', payload: Buffer.alloc(MESSAGE_BYTES) })) break;
    await new Promise((resolve) => setImmediate(resolve));
  }
  call.cancel();
  assert.ok(written <= WINDOW_BYTES + RETRY_BUFFER_BYTES + 16 * MESSAGE_BYTES, `write() asked to wait after ${written} bytes`);
});
