/**
 * The JSON view of a protobuf message that scripts see and write (issue 9): proto field
 * names as written in the .proto, enums as their names, default values included, 64-bit
 * integers as numbers (exact up to 2^53), bytes as base64 strings. The mock's protos are
 * loaded with the proto-loader options that decode messages this way, so the view of a
 * decoded request is the decoded object with its Buffers turned into base64.
 */
import type { Options } from '@grpc/proto-loader';

/** proto-loader options for the mock's protos: decoded messages are already the view. */
export const MOCK_PROTO_OPTIONS: Options = { keepCase: true, enums: String, defaults: true, longs: Number, oneofs: true, bytes: String };

/**
 * The view of a decoded message: a deep copy with Buffers as base64 strings (proto-loader
 * gives base64 already with `bytes: String`; this covers messages built elsewhere).
 */
export function messageView(message: unknown): unknown {
  if (Buffer.isBuffer(message)) return message.toString('base64');
  if (Array.isArray(message)) return message.map(messageView);
  if (message !== null && typeof message === 'object') {
    return Object.fromEntries(Object.entries(message).map(([key, value]) => [key, messageView(value)]));
  }
  return message;
}
