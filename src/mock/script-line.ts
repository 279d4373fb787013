/**
 * One line of a mock script, checked and compiled (src/mock/parse-script.ts). The format
 * (issue 9) is JSON Lines: one object per line, blank lines and `//` lines ignored.
 *
 * | field | meaning |
 * |---|---|
 * | `dir` | `out`: the server sends `text`; `in`: a rule matched against each client message |
 * | `ts` | ms after the stream opened (`out`) or after the matched message (`in`); number or template |
 * | `text` | `out`: the message — a JSON object with templates in its strings, or the same as a JSON string (`"{\"topic\":\"{{request.topics[0]}}\"}"`); in the proto3 JSON mapping; `in`: a pattern — a JSON object whose fields must be present with those values, or a regular expression (RE2 syntax, linear time) over the message's JSON |
 * | `response` | `in`: the message sent back when the rule matches (an object or a JSON string, as `text`) |
 * | `condition` | an expression: the line applies only when it is true |
 * | `close` | end the stream with OK after this line |
 * | `error`, `code` | end it with this status (message, code name or number; default UNKNOWN) |
 * | `fault` | end it at the transport: `reset` (RST), `close` (FIN), `blackhole` (silence), `goaway` (GOAWAY, the way a draining server does) |
 * | `state` and any other key | updates of the stream's state |
 */
import type { status as Status } from '@grpc/grpc-js';
import type { LinearRegex } from './linear-regex.ts';
import type { CompiledExpression, CompiledJsonTemplate, CompiledTemplate } from './template/index.ts';

/** The transport endings a script line can ask for. */
export const SCRIPT_FAULTS = ['reset', 'close', 'blackhole', 'goaway'] as const;
export type ScriptFault = (typeof SCRIPT_FAULTS)[number];

/** What an `in` line matches. */
export type InPattern =
  | { kind: 'fields'; fields: Record<string, unknown> }
  | { kind: 'regex'; regex: LinearRegex };

/** One checked, compiled script line. */
export interface ScriptLine {
  /** Where it came from, for run-time errors: `file:line`. */
  where: string;
  /** Its 1-based line number in the script file. */
  lineNumber: number;
  dir: 'out' | 'in';
  /** Delay in ms (see the table above); undefined: at once. */
  ts?: number | CompiledTemplate;
  /** `out`: the message to send. */
  message?: CompiledJsonTemplate;
  /** `in`: what an incoming message must look like. */
  pattern?: InPattern;
  /** `in`: the message sent back. */
  response?: CompiledJsonTemplate;
  condition?: CompiledExpression;
  /** State updates, in the line's key order. */
  updates: Array<{ key: string; value: CompiledJsonTemplate }>;
  close: boolean;
  error?: { message: CompiledTemplate; code: Status };
  fault?: ScriptFault;
}

/** A method's script: its file and lines. */
export interface Script {
  file: string;
  lines: ScriptLine[];
}
