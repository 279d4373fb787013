/**
 * One error type with a gRPC code and a cause (the connect-es model), and the one mapper
 * that turns anything thrown into a status a client can read.
 */
import { status as Status, Metadata } from '@grpc/grpc-js';
import type { StatusObject } from '@grpc/grpc-js';

/** An error that knows the gRPC status it should become. */
export class StreamlabError extends Error {
  /** gRPC status code (grpc-js `status`). */
  readonly code: Status;
  constructor(code: Status, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StreamlabError';
    this.code = code;
  }
}

/**
 * The status grpc-js sends for an error a handler passes to its callback or emits on its
 * call (grpc-js 1.14 server-call.ts `serverErrorToStatus`): the error's integer `code` and
 * string `details` when it has them, else UNKNOWN with its message.
 */
export function statusOfServiceError(error: unknown): { code: Status; details: string } {
  const object = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; details?: unknown; message?: unknown };
  if (typeof object.code === 'number' && Number.isInteger(object.code)) {
    const details = typeof object.details === 'string' ? object.details : typeof object.message === 'string' ? object.message : '';
    return { code: object.code as Status, details };
  }
  return { code: Status.UNKNOWN, details: typeof object.message === 'string' ? object.message : String(error) };
}

/**
 * Maps anything thrown by a handler to a status: a StreamlabError keeps its code and
 * message; anything else becomes INTERNAL with the message prefixed "internal error: ".
 */
export function toStatus(error: unknown): StatusObject {
  if (error instanceof StreamlabError) return { code: error.code, details: error.message, metadata: new Metadata() };
  const message = error instanceof Error ? error.message : String(error);
  return { code: Status.INTERNAL, details: `internal error: ${message}`, metadata: new Metadata() };
}
