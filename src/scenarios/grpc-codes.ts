/**
 * The gRPC status codes the catalogue's expectations name (grpc-js `status`; the numbers
 * are the gRPC spec's, doc/statuscodes.md), spelled out so the catalogue stays data.
 */
export const OK = 0;
export const CANCELLED = 1;
export const DEADLINE_EXCEEDED = 4;
export const UNAVAILABLE = 14;
