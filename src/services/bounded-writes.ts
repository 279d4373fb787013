/**
 * The writes of one server stream, with a bound on what a reader that does not keep up can
 * make the server queue (issue 16 item 3). Two kinds of write:
 * - paced: the handler waits for 'drain' when write() returns false (ticks, a resume's
 *   replay), so grpc-js queues at most its high-water mark of messages (16);
 * - offered: a message the stream must take now or never (a Notify fanned out to the topic's
 *   subscribers, a followed topic's live event). These wait for nobody, so they are counted:
 *   bytes offered and not yet taken by the transport (the write's callback has not fired:
 *   HTTP/2 flow control or the socket holds them back). When one more would pass the bound,
 *   the stream ends RESOURCE_EXHAUSTED with a `backpressure.overflow` event and
 *   `streamlab_backpressure_overflows_total` counts it; a subscriber resumes after the last
 *   id it received, from the topic's history.
 * What is queued per stream is thus at most 16 paced messages plus the bound (a single
 * message larger than the bound passes when nothing offered is queued); after an overflow,
 * one message and the trailers.
 */
import { status as Status } from '@grpc/grpc-js';
import type { ServerWritableStream } from '@grpc/grpc-js';
import { Counter } from 'prom-client';
import type { OpenMetricsContentType, Registry } from 'prom-client';
import { StreamlabError } from '../core/errors.ts';
import type { ServerCallContext } from '../rpc/server/call-context.ts';
import * as sc from '../telemetry/semconv.ts';
import { metricOptions } from '../telemetry/metric-specs.ts';

/** Default of the bound on what a stream may queue, bytes (1 MiB): 256 Notify texts of 4 KiB, ~30,000 ticks. */
export const DEFAULT_MAX_QUEUED_BYTES = 1_048_576;

const overflowCounters = new WeakMap<Registry<OpenMetricsContentType>, Counter>();

/** `streamlab_backpressure_overflows_total{side,scenario,grpc_service}` of `registry`, created on first use. */
export function overflowCounterOf(registry: Registry<OpenMetricsContentType>): Counter {
  let counter = overflowCounters.get(registry);
  if (!counter) {
    counter = new Counter({ ...metricOptions(sc.METRIC_BACKPRESSURE_OVERFLOWS), registers: [registry] });
    overflowCounters.set(registry, counter);
  }
  return counter;
}

/** The bounded writes of one server-streaming call. */
export class BoundedWrites<T> {
  readonly #call: ServerWritableStream<unknown, T>;
  readonly #context: ServerCallContext;
  readonly #maxBytes: number;
  /** Bytes offered and not yet taken by the transport. */
  #offered = 0;
  /** The sizes of those messages, oldest first: grpc-js calls their write callbacks in order. */
  readonly #sizes: number[] = [];
  /** One callback for every offered write (no closure per message). */
  readonly #taken = (): void => void (this.#offered -= this.#sizes.shift() ?? 0);
  #overflowed = false;

  /**
   * @param maxBytes the bound on offered bytes queued, ≥ 1
   * @throws RangeError when maxBytes is not an integer ≥ 1
   */
  constructor(call: ServerWritableStream<unknown, T>, context: ServerCallContext, maxBytes: number) {
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new RangeError(`maxQueuedBytes=${maxBytes} must be an integer ≥ 1`);
    this.#call = call;
    this.#context = context;
    this.#maxBytes = maxBytes;
  }

  /** Bytes offered and not yet taken by the transport. */
  get offeredBytes(): number {
    return this.#offered;
  }

  /** A paced write: returns write()'s result; on false, `await context.waitForDrain(call)`. */
  write(message: T): boolean {
    return this.#call.write(message);
  }

  /**
   * Offers `message` (about `bytes` long on the wire): queued unless that passes the bound,
   * in which case the stream ends RESOURCE_EXHAUSTED.
   * @returns false when the message was not queued (the stream overflowed now or before)
   */
  offer(message: T, bytes: number): boolean {
    if (this.#overflowed) return false;
    if (this.#offered > 0 && this.#offered + bytes > this.#maxBytes) {
      this.#overflow(bytes);
      return false;
    }
    this.#offered += bytes;
    this.#sizes.push(bytes);
    this.#call.write(message, this.#taken);
    return true;
  }

  /**
   * Ends the stream RESOURCE_EXHAUSTED as an overflow, `reason` saying why (default: the
   * bound was passed by a message of `bytes`).
   */
  overflow(reason: string): void {
    this.#overflow(0, reason);
  }

  #overflow(bytes: number, reason?: string): void {
    this.#overflowed = true;
    const context = this.#context;
    const queued = this.#offered;
    context.event(sc.EVENT_BACKPRESSURE_OVERFLOW, {
      [sc.ATTR_BACKPRESSURE_QUEUED_BYTES]: queued, [sc.ATTR_BACKPRESSURE_MESSAGE_BYTES]: bytes, [sc.ATTR_BACKPRESSURE_LIMIT_BYTES]: this.#maxBytes,
    }, 'warn');
    const service = this.#call.getPath().split('/')[1] ?? '';
    overflowCounterOf(context.metrics.registry).inc({ side: 'server', scenario: context.scenario, grpc_service: service });
    const why = reason ?? `${queued} bytes are queued for this stream and a message of ${bytes} would pass the bound of ${this.#maxBytes} (--max-queued-bytes)`;
    // Drop what grpc-js still holds for the stream (the history keeps it for the resume) and
    // send the status at once (cut): grpc-js's own path sends it after the buffered messages,
    // never for a reader that stopped; and a status sent while the buffer holds messages never
    // goes out (grpc-js 1.14 ends the HTTP/2 stream, then writes the next buffered message
    // after its end). Only the message the transport is sending stays, then the trailers.
    this.#call.destroy();
    context.cut(new StreamlabError(Status.RESOURCE_EXHAUSTED, `the client reads too slowly: ${why}; resume after the last event id received`), 'failed');
  }
}
