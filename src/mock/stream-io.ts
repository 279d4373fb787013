/**
 * The engine's side of one mocked call (mock-stream.ts): what it can do to the call — built
 * by mock-services.ts for each RPC kind — and the failure of one script line at run time.
 */
import type { status as Status } from '@grpc/grpc-js';
import type { RpcKind } from '../rpc/method-info.ts';
import type { ScriptFault } from './script-line.ts';

/** How the engine acts on its call (built by mock-services.ts for each RPC kind). */
export interface StreamIo {
  kind: RpcKind;
  /** Aborted when the call ended, whoever ended it. */
  signal: AbortSignal;
  /** Sends one response message (server streaming, bidi). */
  send(message: unknown): void;
  /** Answers with the single response (unary, client streaming). */
  reply(message: unknown): void;
  /** Ends a stream with OK. */
  finish(): void;
  /** Ends the call with `code` and `message`. */
  fail(code: Status, message: string): void;
  /** Breaks the call's connection (see TransportFaults). */
  fault(fault: ScriptFault): void;
}

/** A run-time failure of a line (a bad ts, the message limit, a failed condition): ends the call with `code`; the message names the line. */
export class LineFailure extends Error {
  readonly code: Status;
  constructor(code: Status, message: string) {
    super(message);
    this.code = code;
  }
}

