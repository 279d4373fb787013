/**
 * The regular expressions of mock script patterns (an `in` line's `text` as a string),
 * matched in time linear in the message's length whatever the pattern (issue 16 item 5).
 * JavaScript's RegExp backtracks: `(a+)+$` against 40 `a` and a `!` takes 2^40 steps and
 * froze the whole mock, health checks included.
 *
 * Library choice: re2js (le0pard/re2js, MIT, pure JavaScript, released monthly in 2026,
 * ~700 k downloads a month), a port of RE2/J: RE2's syntax and its guarantee, no native code.
 * Its `test()` runs on a DFA (measured: a 1 MiB message in 0.1–60 ms, the worst pattern
 * included). Rejected:
 * - `re2` (the native binding): its install downloads a prebuilt binary from GitHub, else
 *   builds RE2 with node-gyp — 7.5 min on this 2-core machine, a 21 MB addon, and built by
 *   the system Node 20 it loaded in Node 24 as "NODE_MODULE_VERSION 115 … requires 137";
 *   every install (CI, the container) would pay that build;
 * - `re2-wasm` (Google): one release, 1.0.2, nothing since;
 * - V8's `--enable-experimental-regexp-engine` (`/…/l`): experimental, a process flag.
 * The syntax is RE2's (github.com/google/re2/wiki/Syntax): no backreferences, no lookahead or
 * lookbehind; `(?i)` for case-insensitive matching.
 */
import { RE2JS, RE2JSException, RE2JSSyntaxException } from 're2js';

/** A compiled pattern. */
export interface LinearRegex {
  /** The pattern as written. */
  readonly source: string;
  /** Whether the pattern matches anywhere in `text` (unanchored, like RegExp.test). */
  test(text: string): boolean;
}

/** A pattern RE2 refuses; `index` is where in the pattern (0-based) the offending part starts, when known. */
export class LinearRegexError extends Error {
  readonly index: number | undefined;
  constructor(message: string, index: number | undefined) {
    super(message);
    this.name = 'LinearRegexError';
    this.index = index;
  }
}

/**
 * Compiles `source` with RE2's syntax.
 * @throws LinearRegexError with re2js's description (e.g. "invalid or unsupported Perl
 *   syntax: `(?=`") and the index of the offending part
 */
export function compileLinearRegex(source: string): LinearRegex {
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(source);
  } catch (error) {
    if (error instanceof RE2JSSyntaxException) {
      const part = error.input ?? '';
      const at = part === '' ? -1 : source.indexOf(part);
      throw new LinearRegexError(part === '' ? error.error : `${error.error}: \`${part}\``, at >= 0 ? at : undefined);
    }
    if (error instanceof RE2JSException) throw new LinearRegexError(error.message, undefined);
    throw error;
  }
  return { source, test: (text) => compiled.test(text) };
}
