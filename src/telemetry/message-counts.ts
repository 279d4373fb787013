/**
 * The message counting of one call on one side, both directions: exact counts, a
 * `message` span event for each of the first `cap` messages per direction (OTel RPC
 * semconv: `rpc.message.type`, `.id`, `.uncompressed_size`, the size computed only then),
 * and the go-grpc-prometheus message counters, fed in batches: the per-message path is
 * two integer increments, and the counts reach prom-client on `flushCounts()` — at each
 * segment, at the end, and on every scrape (metrics.ts `PendingCounts`).
 */
import type { Span } from '@opentelemetry/api';
import type { MethodInfo } from '../rpc/method-info.ts';
import type { Metrics, PendingCounts, Side } from './metrics.ts';
import * as sc from './semconv.ts';

/** Options of {@link createMessageCounts}. */
export interface MessageCountsOptions {
  metrics: Metrics;
  side: Side;
  scenario: string;
  method: MethodInfo;
  /** The RPC span the message events go on. */
  span: Span;
  /** Message events per direction at most. */
  cap: number;
  /** Called for each message that got an event (the lifecycle record of it). */
  onMessageEvent(type: 'SENT' | 'RECEIVED', n: number): void;
}

/** Starts counting; call `close()` once, when the call ends. */
export function createMessageCounts(options: MessageCountsOptions) {
  const { metrics, side, method, span, cap } = options;
  const isServer = side === 'server';
  const grpc = isServer ? metrics.server : metrics.client;
  const grpcLabels = { grpc_type: method.kind, grpc_service: method.service, grpc_method: method.method };
  // The data direction (see StreamEnd.messages): requests for client streaming, responses otherwise.
  const dataIsSent = method.kind === 'client_stream' ? !isServer : isServer;
  const sentBytes = isServer ? method.responseBytes : method.requestBytes;
  const receivedBytes = isServer ? method.requestBytes : method.responseBytes;
  const recording = span.isRecording();
  let sent = 0;
  let received = 0;
  let flushedSent = 0;
  let flushedReceived = 0;

  /** A message event on the span (its size computed only for a recording span: sizing re-serializes the message). */
  function messageEvent(type: 'SENT' | 'RECEIVED', n: number, message: unknown, size: (message: unknown) => number): void {
    if (recording) {
      span.addEvent(sc.EVENT_MESSAGE, {
        [sc.ATTR_RPC_MESSAGE_TYPE]: type,
        [sc.ATTR_RPC_MESSAGE_ID]: n,
        [sc.ATTR_RPC_MESSAGE_UNCOMPRESSED_SIZE]: size(message),
      });
    }
    options.onMessageEvent(type, n);
  }

  const pending: PendingCounts = {
    flushCounts(): void {
      if (sent > flushedSent) grpc.msgSent.inc(grpcLabels, sent - flushedSent);
      if (received > flushedReceived) grpc.msgReceived.inc(grpcLabels, received - flushedReceived);
      const data = dataIsSent ? sent - flushedSent : received - flushedReceived;
      if (data > 0) metrics.streamMessages.inc({ side, scenario: options.scenario, grpc_service: method.service }, data);
      flushedSent = sent;
      flushedReceived = received;
    },
  };
  metrics.pending.add(pending);

  return {
    /** Messages sent so far. */
    get sent(): number {
      return sent;
    },
    /** Messages received so far. */
    get received(): number {
      return received;
    },
    /** Messages of the data direction so far. */
    get data(): number {
      return dataIsSent ? sent : received;
    },
    /** Counts `message` as sent. */
    sentMessage(message: unknown): void {
      sent += 1;
      if (sent <= cap) messageEvent('SENT', sent, message, sentBytes);
    },
    /** Counts `message` as received. */
    receivedMessage(message: unknown): void {
      received += 1;
      if (received <= cap) messageEvent('RECEIVED', received, message, receivedBytes);
    },
    /** Adds the counts since the last flush to the counters. */
    flushCounts: pending.flushCounts,
    /** The call ended: flushes and stops taking part in scrapes. */
    close(): void {
      pending.flushCounts();
      metrics.pending.delete(pending);
    },
  };
}

/** The counts built by {@link createMessageCounts}. */
export type MessageCounts = ReturnType<typeof createMessageCounts>;
