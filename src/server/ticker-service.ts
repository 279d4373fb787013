/**
 * The Ticker service: Subscribe streams numbered Events at the requested pace until the
 * count is reached or the stream ends for another reason.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { ServerWritableStream } from '@grpc/grpc-js';
import type { TickerHandlers } from '../generated/streamlab/v1/Ticker.ts';
import type { SubscribeRequest__Output } from '../generated/streamlab/v1/SubscribeRequest.ts';
import type { Event } from '../generated/streamlab/v1/Event.ts';
import { validateSubscribeRequest } from './validate-request.ts';
import { openServerStream } from './stream-lifecycle.ts';
import { eventWireBytes } from '../event-size.ts';
import type { ServerLifecycleDeps, ServerStream } from './stream-lifecycle.ts';

/** Streams that are open right now, so shutdown can end them. */
export type ActiveStreams = Set<ServerStream>;


/** Streams the events of one validated request; resolves when the stream has ended. */
async function streamEvents(stream: ServerStream, request: SubscribeRequest__Output): Promise<void> {
  const payload = Buffer.alloc(request.payloadBytes, 0x61);
  const topicBytes = Buffer.byteLength(request.topic);
  const until = request.count === 0 ? Infinity : request.count;
  for (let id = 1; id <= until && !stream.signal.aborted; id++) {
    if (id > 1 && request.intervalMs > 0) {
      try {
        await delay(request.intervalMs, undefined, { signal: stream.signal });
      } catch {
        return; // ended while waiting
      }
    }
    const nowMs = Date.now();
    const seconds = Math.floor(nowMs / 1000);
    const nanos = (nowMs % 1000) * 1e6;
    const event: Event = { id, sentAt: { seconds, nanos }, topic: request.topic, payload };
    // Write synchronously while the transport takes more; await only on backpressure.
    if (!stream.write(event, eventWireBytes(id, seconds, nanos, topicBytes, request.payloadBytes))) await stream.drain();
  }
  stream.complete();
}

/**
 * Builds the Ticker handlers.
 * @param deps lifecycle dependencies shared by every stream
 * @param active the set the handlers add open streams to (and remove them from)
 */
export function createTickerHandlers(deps: ServerLifecycleDeps, active: ActiveStreams): TickerHandlers {
  return {
    Subscribe(call: ServerWritableStream<SubscribeRequest__Output, Event>): void {
      const stream = openServerStream(call, deps);
      active.add(stream);
      void stream.ended.then(() => active.delete(stream));
      try {
        validateSubscribeRequest(call.request);
      } catch (error) {
        deps.logger.warn('invalid request', { error: (error as Error).message, stream_id: stream.recorder.streamId });
        stream.fail(error);
        return;
      }
      streamEvents(stream, call.request).catch((error: unknown) => stream.fail(error));
    },
  };
}
