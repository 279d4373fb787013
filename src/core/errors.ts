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
 * Maps anything thrown by a handler to a status: a StreamlabError keeps its code and
 * message; anything else becomes INTERNAL with the message prefixed "internal error: ".
 */
export function toStatus(error: unknown): StatusObject {
  if (error instanceof StreamlabError) return { code: error.code, details: error.message, metadata: new Metadata() };
  const message = error instanceof Error ? error.message : String(error);
  return { code: Status.INTERNAL, details: `internal error: ${message}`, metadata: new Metadata() };
}
