/**
 * Reads a mock script (JSON Lines, see script-line.ts) into checked, compiled lines. Every
 * problem is a ScriptError at `file:line:column` naming the field and what is allowed, so a
 * bad script is refused when the mock starts, not when a client first calls it.
 */
import { status as Status } from '@grpc/grpc-js';
import { compileExpression, compileJsonTemplate, compileJsonText, compileTemplate, containsTemplate, TemplateError } from './template/index.ts';
import type { CompiledJsonTemplate } from './template/index.ts';
import { jsonNestingPastLimit, MAX_NESTING_DEPTH } from './template/nesting-limit.ts';
import { ScriptError } from './script-error.ts';
import { compileLinearRegex, LinearRegexError } from './linear-regex.ts';
import { SCRIPT_FAULTS } from './script-line.ts';
import type { InPattern, Script, ScriptFault, ScriptLine } from './script-line.ts';

/** Fields with a meaning; every other key is a state update. */
const KNOWN = new Set(['dir', 'ts', 'text', 'response', 'condition', 'close', 'error', 'code', 'fault']);

/** Keys that would reach an object's prototype if used as state keys. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** gRPC status codes by name (OK … UNAUTHENTICATED). */
const CODES = Object.entries(Status).filter(([, value]) => typeof value === 'number') as Array<[string, Status]>;

/** Where a problem is: the line, and the column of `needle` in it when found. */
type Locate = (problem: string, needle?: string, offset?: number, cause?: unknown) => ScriptError;

function statusCode(value: unknown, fail: Locate): Status {
  if (typeof value === 'number' && CODES.some(([, code]) => code === value)) return value as Status;
  const byName = typeof value === 'string' ? CODES.find(([name]) => name === value.toUpperCase()) : undefined;
  if (byName) return byName[1];
  throw fail(`code ${JSON.stringify(value)} is not a gRPC status: use a name (${CODES.map(([name]) => name).join(', ')}) or 0 to 16`, '"code"');
}

/**
 * An `in` line's pattern. A string is a regular expression in RE2's syntax, matched in
 * linear time (linear-regex.ts); one RE2 refuses (a backreference, a lookahead) is refused
 * here, the column at the offending part of the pattern when it can be found in the line.
 */
function pattern(text: unknown, fail: Locate): InPattern {
  if (typeof text === 'string') {
    try {
      return { kind: 'regex', regex: compileLinearRegex(text) };
    } catch (error) {
      if (!(error instanceof LinearRegexError)) throw error;
      const problem = `text ${JSON.stringify(text)} is not a regular expression RE2 accepts (no backreferences, lookahead or lookbehind: matching must take linear time): ${error.message}`;
      const literal = JSON.stringify(text);
      // The offending part's column: the pattern's opening quote, plus the escaped length of what precedes the part.
      const offset = error.index === undefined ? 0 : JSON.stringify(text.slice(0, error.index)).length - 1;
      const located = fail(problem, literal, offset, error);
      throw located.column === undefined ? fail(problem, '"text"', 0, error) : located;
    }
  }
  if (typeof text === 'object' && text !== null && !Array.isArray(text)) return { kind: 'fields', fields: text as Record<string, unknown> };
  throw fail('text of an "in" line must be a JSON object (fields to match) or a string (a regular expression over the message\'s JSON)', '"text"');
}

/**
 * A message (`text` of an `out` line, `response`): a JSON object with templates in its
 * strings, or that object written as a JSON string (json-text-template.ts).
 */
function compileMessage(value: unknown): CompiledJsonTemplate {
  return typeof value === 'string' ? compileJsonText(value) : compileJsonTemplate(value);
}

/** Compiles one template-bearing value, turning a TemplateError into a ScriptError at the value. */
function compiled<T>(value: unknown, compile: () => T, fail: Locate): T {
  try {
    return compile();
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    // The column counts within the template string that failed (for a JSON value, the inner
    // string); in the line that string is JSON-escaped, so the escaped length of what precedes it.
    const inner = error.source ?? (typeof value === 'string' ? value : undefined);
    const offset = inner === undefined || error.column === undefined ? 0 : JSON.stringify(inner.slice(0, error.column - 1)).length - 1;
    throw fail(error.message, inner === undefined ? undefined : JSON.stringify(inner), offset, error);
  }
}

function lineOf(object: Record<string, unknown>, where: string, lineNumber: number, fail: Locate): ScriptLine {
  const { dir, ts, text, response, condition, close, error, code, fault } = object;
  if (dir !== 'out' && dir !== 'in') throw fail(`dir ${JSON.stringify(dir)} must be "out" (the server sends) or "in" (a rule for client messages)`, dir === undefined ? undefined : '"dir"');
  const line: ScriptLine = { where, lineNumber, dir, updates: [], close: false };
  if (ts !== undefined) {
    if (typeof ts === 'number') {
      if (!(ts >= 0 && Number.isFinite(ts))) throw fail(`ts ${ts} must be ms ≥ 0`, '"ts"');
      line.ts = ts;
    } else if (typeof ts === 'string' && containsTemplate(ts)) line.ts = compiled(ts, () => compileTemplate(ts), fail);
    else throw fail(`ts ${JSON.stringify(ts)} must be a number of ms or a template that yields one`, '"ts"');
  }
  if (dir === 'out') {
    if (response !== undefined) throw fail('response belongs to "in" lines; an "out" line sends its text', '"response"');
    if (text !== undefined) line.message = compiled(text, () => compileMessage(text), fail);
  } else {
    line.pattern = pattern(text ?? '.*', fail);
    if (response !== undefined) line.response = compiled(response, () => compileMessage(response), fail);
  }
  if (condition !== undefined) {
    if (typeof condition !== 'string') throw fail('condition must be an expression string, e.g. "request.ws.state.authenticated === true"', '"condition"');
    const source = condition.trim().replace(/^\{\{([\s\S]*)\}\}$/, '$1');
    line.condition = compiled(condition, () => compileExpression(source), fail);
  }
  if (close !== undefined && typeof close !== 'boolean') throw fail('close must be true or false', '"close"');
  line.close = close === true;
  if (error !== undefined) {
    if (typeof error !== 'string') throw fail('error must be the status message (a string, templates allowed)', '"error"');
    line.error = { message: compiled(error, () => compileTemplate(error), fail), code: code === undefined ? Status.UNKNOWN : statusCode(code, fail) };
  } else if (code !== undefined) throw fail('code needs error (the status message)', '"code"');
  if (fault !== undefined) {
    if (!SCRIPT_FAULTS.includes(fault as ScriptFault)) throw fail(`fault ${JSON.stringify(fault)} is not one of ${SCRIPT_FAULTS.join(', ')}`, '"fault"');
    line.fault = fault as ScriptFault;
  }
  if ([line.close, line.error, line.fault].filter(Boolean).length > 1) throw fail('a line ends the stream one way: close, error or fault, not several');
  for (const [key, value] of Object.entries(object)) {
    if (FORBIDDEN_KEYS.has(key)) throw fail(`"${key}" cannot be a state key`, `"${key}"`);
    if (!KNOWN.has(key)) line.updates.push({ key, value: compiled(value, () => compileJsonTemplate(value), fail) });
  }
  return line;
}

/**
 * Parses the script `source` read from `file`.
 * @throws ScriptError at the first bad line: JSON that does not parse, a line that is not an
 *   object, a value or expression nested past MAX_NESTING_DEPTH, an unknown dir or fault, a
 *   bad code, ts, pattern, template or expression
 */
export function parseScript(file: string, source: string): Script {
  const lines: ScriptLine[] = [];
  for (const [index, raw] of source.split(/\r?\n/).entries()) {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('//')) continue;
    const lineNumber = index + 1;
    const fail: Locate = (problem, needle, offset = 0, cause) => {
      const at = needle === undefined ? -1 : raw.indexOf(needle);
      return new ScriptError({ file, line: lineNumber, ...(at >= 0 ? { column: at + 1 + offset } : {}) }, problem, { cause });
    };
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      // V8 adds "(line 1 column N)" of the single line parsed: the position is in file:line:column already.
      const message = (error as Error).message.replace(/ \(line \d+ column \d+\)$/, '');
      const position = /position (\d+)/.exec(message);
      throw new ScriptError({ file, line: lineNumber, ...(position ? { column: Number(position[1]) + 1 } : {}) }, `not JSON: ${message}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail('a script line must be one JSON object');
    const deep = jsonNestingPastLimit(raw, -1); // the line's own object is level 0, its values start at 1
    if (deep !== undefined) throw new ScriptError({ file, line: lineNumber, column: deep + 1 }, `a value is nested more than ${MAX_NESTING_DEPTH} deep (objects and arrays)`);
    lines.push(lineOf(value as Record<string, unknown>, `${file}:${lineNumber}`, lineNumber, fail));
  }
  return { file, lines };
}
