/**
 * Expressions: the inside of `{{ }}` and the `condition` of a script line.
 *
 * Library choice (issue 9 item 3): jsep 1.6 parses, and compile-node.ts, our own small
 * allowlisted evaluator, evaluates. jsep (EricSmekens/jsep; ~32 M weekly downloads, zero
 * dependencies, released 2026) is a parser only: its source has no eval, no Function and no
 * evaluation at all, and no advisory names it. No full evaluator library qualified:
 * - expr-eval: remote code execution (CVE-2025-12735, GHSA-8gw3-rxh4-v6jx), unmaintained;
 * - jexl: an open sandbox bypass;
 * - expression-eval (and its fork jse-eval): its README says it is unmaintained and "does not
 *   attempt to provide a secure sandbox"; it calls any function the data holds;
 * - angular-expressions: four RCE advisories (CVE-2020-5219, CVE-2021-21277, CVE-2024-54152,
 *   GHSA-pw8r-6689-xvf4 of May 2026); its default mode compiles with `new Function`;
 * - subscript/justin: `constructor.constructor("return process")()` escaped its sandbox in
 *   10.7.1 (dy/subscript#40): a blocklist on some paths only;
 * - @marcbachmann/cel-js: no eval, but a prototype-pollution advisory (2.0.4–5.2.0, fixed),
 *   and CEL is not this language: no `===`, no `.length`, integers as BigInt, errors on a
 *   missing key, no string + number; a translation would be a second evaluator anyway.
 * So the part we own is an allowlist, not a blocklist: seven node types, listed operators, one
 * root name, members read only as own properties of plain data (data-access.ts).
 */
import { compileNode } from './compile-node.ts';
import type { Run } from './compile-node.ts';
import { callHelper, checkArity } from './helper-call.ts';
import { parenthesized, splitHelperCall } from './helper-syntax.ts';
import type { TemplateHelpers } from './helpers.ts';
import { compileError, nodePastDepth, parseExpression, spanText } from './parse-expression.ts';
import { expressionNestingPastLimit, MAX_NESTING_DEPTH } from './nesting-limit.ts';
import type { Span } from './parse-expression.ts';
import type { TemplateScope } from './scope.ts';

/** A compiled expression; compile once at load, evaluate per stream or message. */
export interface CompiledExpression {
  /** The expression as written (trimmed). */
  readonly source: string;
  /**
   * The expression's value: a string, number, boolean, null, undefined, array or plain object
   * from the scope. A condition holds when the value is truthy (JS truthiness).
   * @throws TemplateError naming the expression: a member of undefined or null (saying which
   *   expression was), a member of something that is not plain data, a forbidden member
   *   reached through a computed index, an operand of the wrong type (`undefined + 1`, a
   *   division by a non-number or by 0), or a helper's bad argument (`randInt 5 1`)
   */
  evaluate(scope: TemplateScope, helpers: TemplateHelpers): unknown;
}

/**
 * Compiles an expression: a helper call in the handlebars form (`randInt 1 10`) or a
 * JavaScript-like expression (`request.ws.state.count === undefined || request.ws.state.count < 3`).
 * @throws TemplateError (with `column`, 1-based in `source`) on a syntax error, nesting past
 *   MAX_NESTING_DEPTH (nesting-limit.ts), or anything not allowed: names other than `request`, `undefined` and the helpers; `this`; the
 *   members `constructor`, `__proto__`, `prototype`; calls of anything but a helper; a helper
 *   with the wrong number of arguments or an argument-taking helper used as a value
 */
export function compileExpression(source: string): CompiledExpression {
  return compileSpan({ source, start: 0, end: source.length });
}

const NESTED_TOO_DEEP = `the expression is nested more than ${MAX_NESTING_DEPTH} deep (brackets, unary operators, operations and members each count a level)`;

/** Compiles the expression in `span` (for templates: the inside of one `{{ }}`). */
export function compileSpan(span: Span): CompiledExpression {
  const label = spanText(span);
  // Before parsing: jsep recurses once per bracket and unary operator (3,000 overflowed the stack).
  const past = expressionNestingPastLimit(span.source.slice(span.start, span.end));
  if (past !== undefined) throw compileError(span, NESTED_TOO_DEEP, past, label);
  const run = compileRun(span, label);
  return { source: label, evaluate: run };
}

function compileRun(span: Span, label: string): Run {
  const text = span.source.slice(span.start, span.end);
  if (text.trim() === '') throw compileError(span, 'empty expression', 0, label);
  const call = splitHelperCall(text);
  if (!call) {
    const parsed = parseExpression(span, label);
    const deepest = nodePastDepth(parsed.root, MAX_NESTING_DEPTH);
    if (deepest) throw compileError(span, NESTED_TOO_DEEP, parsed.startOf(deepest), label);
    return compileNode(parsed.root, { span, parsed, label });
  }
  const runs = call.args.map((arg) => {
    const inner = parenthesized(text, arg.start, arg.end) ?? arg;
    return compileRun({ source: span.source, start: span.start + inner.start, end: span.start + inner.end }, label);
  });
  checkArity(call.name, runs.length, { span, label }, call.nameAt);
  return callHelper(call.name, runs, label);
}
