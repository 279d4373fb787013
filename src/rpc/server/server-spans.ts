/**
 * The SERVER span of a call, per span mode (telemetry-deps.ts RpcSpanMode):
 * - `streamlab`: started here when the request metadata arrives, named and attributed per
 *   the OTel RPC semantic conventions, as a child of the trace context the client
 *   propagated (W3C trace context and baggage, through the OTel propagation API), and made
 *   the active span while grpc-js runs the handler;
 * - `contrib`: the stock instrumentation starts it when the handler starts; here only the
 *   propagated context is read (its baggage names the call's scenario and run).
 */
import { context as otelContext, propagation, trace, ROOT_CONTEXT, SpanKind, INVALID_SPAN_CONTEXT } from '@opentelemetry/api';
import type { Context, Span, Tracer } from '@opentelemetry/api';
import type { Metadata, ServerInterceptingCallInterface } from '@grpc/grpc-js';
import type { Logger } from '../../telemetry/logger.ts';
import type { RpcSpanMode } from '../../telemetry/telemetry-deps.ts';
import * as sc from '../../telemetry/semconv.ts';
import type { MethodInfo } from '../../core/method-info.ts';
import { metadataGetter } from '../metadata-carrier.ts';

/** Local and remote address of a call's connection (grpc-js ConnectionInfo). */
type ConnectionInfo = ReturnType<ServerInterceptingCallInterface['getConnectionInfo']>;

/** The SERVER spans of one server. */
export class ServerSpans {
  readonly #tracer: Tracer;
  readonly #logger: Logger;
  /** True when the stock instrumentation creates the spans. */
  readonly contrib: boolean;

  constructor(tracer: Tracer, logger: Logger, mode: RpcSpanMode) {
    this.#tracer = tracer;
    this.#logger = logger;
    this.contrib = mode === 'contrib';
  }

  /**
   * The context a call runs in, from its request metadata, and its SERVER span (none yet in
   * span mode contrib). Span name `package.Service/Method`; attributes `rpc.system`,
   * `rpc.service`, `rpc.method`, `server.address`/`server.port` (the local end) and
   * `network.peer.address`/`network.peer.port`.
   */
  open(method: MethodInfo, metadata: Metadata, connection: ConnectionInfo): { span?: Span; context: Context } {
    const parent = propagation.extract(ROOT_CONTEXT, metadata, metadataGetter);
    if (this.contrib) return { context: parent };
    const span = this.#tracer.startSpan(method.path.slice(1), {
      kind: SpanKind.SERVER,
      attributes: {
        [sc.ATTR_RPC_SYSTEM]: 'grpc',
        [sc.ATTR_RPC_SERVICE]: method.service,
        [sc.ATTR_RPC_METHOD]: method.method,
        ...(connection.localAddress ? { [sc.ATTR_SERVER_ADDRESS]: connection.localAddress, [sc.ATTR_SERVER_PORT]: connection.localPort } : {}),
        ...(connection.remoteAddress ? { [sc.ATTR_NETWORK_PEER_ADDRESS]: connection.remoteAddress, [sc.ATTR_NETWORK_PEER_PORT]: connection.remotePort } : {}),
      },
    }, parent);
    return { span, context: trace.setSpan(parent, span) };
  }

  /** A span that records nothing, for a call whose stock span never started (span mode contrib). */
  none(): Span {
    return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
  }

  /** Runs `fn` (grpc-js running the handler) with the call's span active; span mode contrib leaves that to the stock instrumentation. */
  withSpan(context: Context | undefined, fn: () => void): void {
    if (this.contrib || !context) fn();
    else otelContext.with(context, fn);
  }

  /** A handler that threw or failed with an unexpected error: a log record with its stack, and the exception on the span. */
  recordException(span: Span | undefined, method: MethodInfo, streamId: string | undefined, error: unknown): void {
    this.#logger.error('handler failed', {
      ...(streamId ? { stream_id: streamId } : {}), rpc_method: method.path,
      error: error instanceof Error ? error.message : String(error),
      ...(error instanceof Error && error.stack ? { stack: error.stack } : {}),
    });
    span?.recordException(error instanceof Error ? error : new Error(String(error)));
  }
}
