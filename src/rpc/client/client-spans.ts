/**
 * The CLIENT span of a call, per span mode (telemetry-deps.ts RpcSpanMode):
 * - `streamlab`: started here as the call is created, a child of the active span, named and
 *   attributed per the OTel RPC semantic conventions (`server.address`/`server.port` from
 *   the channel's target); its context and the active baggage go into the request metadata
 *   through the OTel propagation API (W3C trace context and baggage by default);
 * - `contrib`: the stock instrumentation started it and made it active while the call is
 *   created (which is when grpc-js builds the interceptor chain), and injects it itself.
 */
import { context, propagation, trace, SpanKind, INVALID_SPAN_CONTEXT } from '@opentelemetry/api';
import type { Span, Tracer } from '@opentelemetry/api';
import type { Metadata } from '@grpc/grpc-js';
import type { RpcSpanMode } from '../../telemetry/telemetry-deps.ts';
import * as sc from '../../telemetry/semconv.ts';
import type { MethodInfo } from '../../core/method-info.ts';
import { metadataSetter } from '../metadata-carrier.ts';

/** `host` and `port` of a grpc-js target (`host:port`, `dns:host:port`, `ipv4:a:p,…` → the first address). */
export function targetAddress(target: string): { address: string; port?: number } {
  const scheme = /^(dns|ipv4|ipv6):(\/\/[^/]*\/)?/i.exec(target);
  const rest = scheme ? target.slice(scheme[0].length) : target;
  const first = rest.split(',')[0] ?? rest;
  const match = /^\[?(.*?)\]?:(\d+)$/.exec(first);
  return match ? { address: match[1] as string, port: Number(match[2]) } : { address: first };
}

/** The CLIENT spans of one channel. */
export class ClientSpans {
  readonly #tracer: Tracer;
  readonly #server: { address: string; port?: number };
  readonly contrib: boolean;

  constructor(tracer: Tracer, target: string, mode: RpcSpanMode) {
    this.#tracer = tracer;
    this.#server = targetAddress(target);
    this.contrib = mode === 'contrib';
  }

  /** The span of a call being created now: a new one (mode streamlab), or the stock instrumentation's active one. */
  start(method: MethodInfo): Span {
    if (this.contrib) return trace.getActiveSpan() ?? trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    return this.#tracer.startSpan(method.path.slice(1), {
      kind: SpanKind.CLIENT,
      attributes: {
        [sc.ATTR_RPC_SYSTEM]: 'grpc',
        [sc.ATTR_RPC_SERVICE]: method.service,
        [sc.ATTR_RPC_METHOD]: method.method,
        [sc.ATTR_SERVER_ADDRESS]: this.#server.address,
        ...(this.#server.port !== undefined ? { [sc.ATTR_SERVER_PORT]: this.#server.port } : {}),
      },
    });
  }

  /** Puts the span's trace context and the active baggage into the request metadata (mode streamlab). */
  inject(span: Span, metadata: Metadata): void {
    if (!this.contrib) propagation.inject(trace.setSpan(context.active(), span), metadata, metadataSetter);
  }
}
