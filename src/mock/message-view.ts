/**
 * How the mock loads the user's protos with proto-loader (load-protos.ts): for the service
 * definitions and reflection only. The messages themselves — the view scripts see and write —
 * go through the proto3 JSON mapping (src/client/proto-json.ts): proto field names as written
 * in the .proto, enums as their names, default values included, well-known types in their JSON
 * form (a Timestamp as RFC 3339 text), 64-bit integers as numbers while exact (strings beyond),
 * bytes as base64.
 */
import type { Options } from '@grpc/proto-loader';

/** proto-loader options for the mock's protos (keepCase: the descriptors keep the proto's field names). */
export const MOCK_PROTO_OPTIONS: Options = { keepCase: true, enums: String, defaults: true, longs: Number, oneofs: true, bytes: String };
