/**
 * The caps on what one mocked stream may build (issue 16 item 6): its state, after a line's
 * updates, and each message it renders. Unbounded, a state value that doubled per message
 * reached strings of 268 MB and 1.18 GiB of RSS. Sizes are counted as JSON text (UTF-8
 * bytes of strings and keys, quotes, separators; escapes not counted) by a walk that stops
 * as soon as the limit is passed, so measuring a huge value costs no more than the limit.
 */
import { status as Status } from '@grpc/grpc-js';
import { MAX_NESTING_DEPTH } from './template/nesting-limit.ts';
import { LineFailure } from './stream-io.ts';
import type { MockLimits } from './mock-runtime.ts';
import type { ScriptLine } from './script-line.ts';

/** Why a value is past its cap. */
type Excess = 'bytes' | 'depth';

/**
 * Whether `value` as JSON is longer than `maxBytes` or nests deeper than MAX_NESTING_DEPTH
 * (the value itself is level 1); undefined when within both.
 */
export function jsonExcess(value: unknown, maxBytes: number): Excess | undefined {
  let bytes = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [item, level] = top;
    // A string has at least as many UTF-8 bytes as UTF-16 units: one already too long is not
    // measured, which would flatten a concatenation of hundreds of MB into memory first.
    if (typeof item === 'string') bytes += (item.length > maxBytes - bytes ? item.length : Buffer.byteLength(item)) + 2;
    else if (typeof item === 'number' || typeof item === 'bigint') bytes += String(item).length;
    else if (typeof item === 'boolean') bytes += item ? 4 : 5;
    else if (item === null) bytes += 4;
    else if (typeof item === 'object') {
      if (level + 1 > MAX_NESTING_DEPTH) return 'depth';
      bytes += 2;
      if (Array.isArray(item)) {
        bytes += Math.max(0, item.length - 1);
        for (const element of item) stack.push([element ?? null, level + 1]);
      } else {
        for (const [key, field] of Object.entries(item)) {
          if (field === undefined) continue; // JSON leaves it out
          bytes += Buffer.byteLength(key) + 4; // quotes, colon, comma
          stack.push([field, level + 1]);
        }
      }
    }
    if (bytes > maxBytes) return 'bytes';
  }
  return undefined;
}

/**
 * Checks the stream's state after `line` updated it.
 * @throws LineFailure RESOURCE_EXHAUSTED naming the line (`file:line`) when the state is past
 *   `limits.maxStateBytes` or nests past MAX_NESTING_DEPTH
 */
export function checkStateSize(state: Record<string, unknown>, limits: MockLimits, line: ScriptLine): void {
  const excess = jsonExcess(state, limits.maxStateBytes);
  if (excess === 'bytes') throw new LineFailure(Status.RESOURCE_EXHAUSTED, `${line.where}: mock state limit: the stream's state is more than ${limits.maxStateBytes} bytes as JSON (--max-state-bytes)`);
  if (excess === 'depth') throw new LineFailure(Status.RESOURCE_EXHAUSTED, `${line.where}: mock state limit: the stream's state is nested more than ${MAX_NESTING_DEPTH} deep`);
}

/**
 * Checks a message `line` rendered (a message, or the text of its `error` status) before it is sent.
 * @throws LineFailure RESOURCE_EXHAUSTED naming the line when the message is past
 *   `limits.maxMessageBytes` or nests past MAX_NESTING_DEPTH
 */
export function checkMessageSize(message: unknown, limits: MockLimits, line: ScriptLine): void {
  const excess = jsonExcess(message, limits.maxMessageBytes);
  if (excess === 'bytes') throw new LineFailure(Status.RESOURCE_EXHAUSTED, `${line.where}: mock message limit: the rendered message is more than ${limits.maxMessageBytes} bytes as JSON (--max-message-bytes)`);
  if (excess === 'depth') throw new LineFailure(Status.RESOURCE_EXHAUSTED, `${line.where}: mock message limit: the rendered message is nested more than ${MAX_NESTING_DEPTH} deep`);
}
