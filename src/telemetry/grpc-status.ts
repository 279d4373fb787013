/**
 * gRPC status-code facts the telemetry needs: names for labels and reports, and which
 * codes make a SERVER span an error.
 */
// No import of @grpc/grpc-js here: src/instrumentation.ts imports this file before
// grpc-js may be loaded (it must be patched first), so the codes are spelled out.

/** The canonical status names by code (https://grpc.github.io/grpc/core/md_doc_statuscodes.html). */
const CODE_NAMES = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE',
  'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
];

/** Codes that make a SERVER span's status ERROR, per the OTel RPC semconv
 * (https://opentelemetry.io/docs/specs/semconv/rpc/grpc/#grpc-status):
 * UNKNOWN 2, DEADLINE_EXCEEDED 4, UNIMPLEMENTED 12, INTERNAL 13, UNAVAILABLE 14, DATA_LOSS 15. */
const SERVER_ERROR_CODES: ReadonlySet<number> = new Set([2, 4, 12, 13, 14, 15]);

/** Whether a SERVER span's status is ERROR for gRPC status `code`. */
export function isServerError(code: number): boolean {
  return SERVER_ERROR_CODES.has(code);
}

/** Go `codes.Code` String() names, go-grpc-prometheus's `grpc_code` label values (note "Canceled"). */
const GO_CODE_NAMES = [
  'OK', 'Canceled', 'Unknown', 'InvalidArgument', 'DeadlineExceeded', 'NotFound', 'AlreadyExists',
  'PermissionDenied', 'ResourceExhausted', 'FailedPrecondition', 'Aborted', 'OutOfRange',
  'Unimplemented', 'Internal', 'Unavailable', 'DataLoss', 'Unauthenticated',
];

/**
 * The `grpc_code` label value of status `code`, so go-grpc-prometheus alert rules match.
 * A code outside 0-16 is `Unknown`: grpc-js hands a client whatever number the server's
 * `grpc-status` trailer holds, so one label value per code would let a server grow the
 * client's series without bound (issue 16); gRPC's status.h names UNKNOWN the code of a
 * status "from an error-space that is not known in this address space". The end record
 * keeps the code received.
 */
export function grpcCodeLabel(code: number): string {
  return GO_CODE_NAMES[code] ?? 'Unknown';
}

/** The canonical upper-case name of status `code` (CANCELLED, UNAVAILABLE, ...), for humans. */
export function grpcCodeName(code: number): string {
  return CODE_NAMES[code] ?? `CODE_${code}`;
}
