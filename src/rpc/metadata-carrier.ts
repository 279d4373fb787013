/**
 * grpc-js Metadata as an OpenTelemetry propagation carrier, so W3C trace context
 * (`traceparent`, `tracestate`) and baggage (`baggage`) cross every call through the OTel
 * propagation API (whatever propagators the process configured: OTEL_PROPAGATORS).
 */
import type { Metadata } from '@grpc/grpc-js';
import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';

/** Reads propagation headers from request metadata (the first value of each key, as a string). */
export const metadataGetter: TextMapGetter<Metadata> = {
  get(carrier, key) {
    const values = carrier.get(key);
    if (values.length === 0) return undefined;
    return values.length === 1 ? String(values[0]) : values.map(String);
  },
  keys: (carrier) => Object.keys(carrier.getMap()),
};

/** Writes propagation headers into request metadata, replacing any value already there. */
export const metadataSetter: TextMapSetter<Metadata> = {
  set(carrier, key, value) {
    carrier.set(key, value);
  },
};
