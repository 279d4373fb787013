/**
 * The engine's side of one mocked call (mock-stream.ts): what it can do to the call — built
 * by mock-services.ts for each RPC kind — and the failure of one script line at run time.
 */
import { status as Status } from '@grpc/grpc-js';
import { TemplateError } from './template/index.ts';
import type { RpcKind } from '../core/method-info.ts';
import type { ScriptFault, ScriptLine } from './script-line.ts';

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


/**
 * The status a failure of `line` ends its call with: a LineFailure's own code and message;
 * INTERNAL for a template that failed or anything else, the message naming the line
 * (`file:line`) and what went wrong.
 */
export function statusOfFailure(error: unknown, line?: ScriptLine): { code: Status; message: string } {
  if (error instanceof LineFailure) return { code: error.code, message: error.message };
  const at = line ? `${line.where}: ` : '';
  if (error instanceof TemplateError) return { code: Status.INTERNAL, message: `${at}template failed: ${error.message}` };
  return { code: Status.INTERNAL, message: `${at}mock failed: ${error instanceof Error ? error.message : String(error)}` };
}
