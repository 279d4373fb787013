/**
 * HTTP/2 error codes by name (RFC 9113 §7), for GOAWAY and RST_STREAM frames in telemetry and
 * reports. Label values use these names, so they are bounded: a code outside the registry is
 * `UNKNOWN`.
 */

/** RFC 9113 §7, codes 0x0 to 0xd, by code. */
const NAMES = [
  'NO_ERROR', 'PROTOCOL_ERROR', 'INTERNAL_ERROR', 'FLOW_CONTROL_ERROR', 'SETTINGS_TIMEOUT', 'STREAM_CLOSED',
  'FRAME_SIZE_ERROR', 'REFUSED_STREAM', 'CANCEL', 'COMPRESSION_ERROR', 'CONNECT_ERROR', 'ENHANCE_YOUR_CALM',
  'INADEQUATE_SECURITY', 'HTTP_1_1_REQUIRED',
] as const;

/** The name of an HTTP/2 error code. */
export type Http2ErrorName = (typeof NAMES)[number] | 'UNKNOWN';

/** The RFC 9113 name of error `code` (`ENHANCE_YOUR_CALM` for 11), `UNKNOWN` outside the registry. */
export function http2ErrorName(code: number): Http2ErrorName {
  return NAMES[code] ?? 'UNKNOWN';
}
