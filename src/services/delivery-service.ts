/**
 * The Delivery service: Exchange, at-least-once delivery over one bidi stream. The client
 * sends a start message, then one ACK per message id; the session (delivery-session.ts)
 * redelivers and accounts. Protocol errors — no start message first, a second start, an
 * ACK for an id never sent — end that stream with INVALID_ARGUMENT naming what was wrong;
 * the server keeps serving.
 */
import { status as Status } from '@grpc/grpc-js';
import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { ExchangeRequest__Output } from '../generated/streamlab/v1/ExchangeRequest.ts';
import type { ExchangeResponse } from '../generated/streamlab/v1/ExchangeResponse.ts';
import { StreamlabError } from '../core/errors.ts';
import { DELIVERY_SERVICE, loadStreamlabProto } from '../core/proto.ts';
import type { ServerCallContext } from '../rpc/server/call-context.ts';
import { bidiStream } from '../rpc/server/handlers.ts';
import { DELIVERY_ATTACHMENT, deliveryAttributes } from '../delivery/delivery-account.ts';
import { deliveryMetricsOf } from '../delivery/delivery-metrics.ts';
import type { DeliveryMetrics } from '../delivery/delivery-metrics.ts';
import type { ServiceRegistration } from '../server/service-registration.ts';
import { toTimestamp } from '../core/timestamp.ts';
import { validateExchangeStart } from '../server/validate-request.ts';
import { createDeliverySession } from './delivery-session.ts';
import type { DeliverySession } from './delivery-session.ts';

/** Protocol defaults (delivery.proto): redeliver after 2 s, at most 3 times. */
export const DELIVERY_DEFAULTS = { ackTimeoutMs: 2_000, maxRedeliveries: 3 } as const;

type ExchangeCall = ServerDuplexStream<ExchangeRequest__Output, ExchangeResponse>;

function protocolError(message: string): StreamlabError {
  return new StreamlabError(Status.INVALID_ARGUMENT, message);
}

/** Runs one Exchange stream. */
function exchange(call: ExchangeCall, context: ServerCallContext, metrics: DeliveryMetrics): void {
  const { signal } = context;
  let session: DeliverySession | undefined;
  let payload = Buffer.alloc(0);
  const fail = (error: StreamlabError) => {
    session?.stop();
    context.fail(error);
  };
  signal.addEventListener('abort', () => session?.stop(), { once: true });

  call.on('data', (request: ExchangeRequest__Output) => {
    if (signal.aborted) return;
    if (request.kind === 'start' && request.start) {
      if (session) return fail(protocolError('a second start message: this Exchange has already started; send only acks now'));
      try {
        validateExchangeStart(request.start);
      } catch (error) {
        return fail(error as StreamlabError);
      }
      const start = request.start;
      payload = Buffer.alloc(start.payloadBytes, 0x61);
      session = createDeliverySession({
        count: start.count,
        intervalMs: start.intervalMs,
        ackTimeoutMs: start.ackTimeoutMs || DELIVERY_DEFAULTS.ackTimeoutMs,
        maxRedeliveries: start.maxRedeliveries ?? DELIVERY_DEFAULTS.maxRedeliveries,
      }, {
        context, metrics,
        send: (id, attempt) => call.write({ message: { id, attempt, sentAt: toTimestamp(Date.now()), payload } }),
        complete: (account) => {
          call.write({ summary: { ...account, exhaustedIds: account.exhaustedIds, unackedIds: account.unackedIds } });
          call.end();
        },
      });
      context.attach({ key: DELIVERY_ATTACHMENT, snapshot: session.snapshot, attributes: deliveryAttributes });
      void session.start(() => context.waitForDrain(call));
      return;
    }
    if (request.kind === 'ack' && request.ack) {
      if (!session) return fail(protocolError(`the first message must be a start message, got an ack for id=${request.ack.id}`));
      if (session.ack(request.ack.id) === 'unknown') {
        const sent = session.snapshot().sent;
        fail(protocolError(`ack for id=${request.ack.id}, which was never sent: sent ids are 1 to ${sent}`));
      }
      return;
    }
    fail(protocolError('an ExchangeRequest must set start or ack; this one set neither'));
  });
  call.on('end', () => {
    if (!session && !signal.aborted) fail(protocolError('the client half-closed before sending a start message'));
  });
}


/**
 * Builds the Delivery service.
 * @param registry the server's metrics registry (the delivery metrics are created on it)
 */
export function createDeliveryService(registry: Parameters<typeof deliveryMetricsOf>[0]): ServiceRegistration {
  const metrics = deliveryMetricsOf(registry);
  return {
    name: DELIVERY_SERVICE,
    definition: loadStreamlabProto().streamlab.v1.Delivery.service,
    handlers: { Exchange: bidiStream<ExchangeRequest__Output, ExchangeResponse>((call, context) => exchange(call, context, metrics)) },
  };
}
