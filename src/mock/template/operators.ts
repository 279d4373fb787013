/**
 * What the operators do at run time. JS semantics where they are unsurprising, a
 * TemplateError where JS would quietly coerce: `undefined + 1` (NaN in JS) is an error, and
 * so is comparing a number with a string or dividing by zero.
 *
 * | operator | operands | result |
 * |---|---|---|
 * | `+` | two numbers; or a string and a string, number or boolean | sum; concatenation |
 * | `-` `*` `/` | two numbers (`/`: divisor not 0) | a finite number |
 * | `<` `>` `<=` `>=` | two numbers or two strings | boolean |
 * | `===` `!==` | anything | JS strict (in)equality |
 * | `==` `!=` | anything | `null == undefined`; primitives as JS `==`; objects by identity |
 * | `!` (unary) | anything | JS truthiness, negated |
 * | `-` (unary) | a number | its negation |
 *
 * `&&` and `||` short-circuit as in JS and live in compile-node.ts.
 */
import { describeValue } from './describe-value.ts';
import { TemplateError } from './template-error.ts';

/** Where an operator sits, for messages: the operands as written. */
export interface OperatorSite {
  readonly expression: string;
  readonly operator: string;
  readonly left: string;
  readonly right: string;
}

export type BinaryOperator = (left: unknown, right: unknown, site: OperatorSite) => unknown;

/** `undefined (request.x)`; a literal operand is shown once: `number 1`. */
function operand(value: unknown, text: string): string {
  const described = describeValue(value);
  return text === String(value) || text === JSON.stringify(value) ? described : `${described} (${text})`;
}

function operandError(site: OperatorSite, left: unknown, right: unknown, needs: string): TemplateError {
  return new TemplateError(`${site.operator} needs ${needs}, got ${operand(left, site.left)} and ${operand(right, site.right)}`, site.expression);
}

function finite(value: number, site: OperatorSite): number {
  if (Number.isFinite(value)) return value;
  throw new TemplateError(`${site.left} ${site.operator} ${site.right} is ${value}, not a finite number`, site.expression);
}

const concatenable = (value: unknown): boolean => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

function add(left: unknown, right: unknown, site: OperatorSite): unknown {
  if (typeof left === 'number' && typeof right === 'number') return finite(left + right, site);
  if ((typeof left === 'string' && concatenable(right)) || (typeof right === 'string' && concatenable(left))) {
    return String(left) + String(right);
  }
  throw operandError(site, left, right, 'two numbers, or a string and a string, number or boolean');
}

function arithmetic(compute: (a: number, b: number) => number): BinaryOperator {
  return (left, right, site) => {
    if (typeof left !== 'number' || typeof right !== 'number') throw operandError(site, left, right, 'two numbers');
    if (site.operator === '/' && right === 0) throw new TemplateError(`division by zero: ${site.left} / ${site.right}`, site.expression);
    return finite(compute(left, right), site);
  };
}

function comparison(compare: (a: number | string, b: number | string) => boolean): BinaryOperator {
  return (left, right, site) => {
    if ((typeof left === 'number' && typeof right === 'number') || (typeof left === 'string' && typeof right === 'string')) {
      return compare(left, right);
    }
    throw operandError(site, left, right, 'two numbers or two strings');
  };
}

/** JS `==` without its object-to-primitive conversions (which would call methods). */
export function looseEquals(left: unknown, right: unknown): boolean {
  if (left === null || left === undefined || right === null || right === undefined) return left == right;
  if (typeof left === 'object' || typeof right === 'object') return left === right;
  return left == right;
}

/** The binary operators an expression may use, except `&&` and `||`. */
export const BINARY_OPERATORS: ReadonlyMap<string, BinaryOperator> = new Map<string, BinaryOperator>([
  ['+', add],
  ['-', arithmetic((a, b) => a - b)],
  ['*', arithmetic((a, b) => a * b)],
  ['/', arithmetic((a, b) => a / b)],
  ['<', comparison((a, b) => a < b)],
  ['>', comparison((a, b) => a > b)],
  ['<=', comparison((a, b) => a <= b)],
  ['>=', comparison((a, b) => a >= b)],
  ['===', (left, right) => left === right],
  ['!==', (left, right) => left !== right],
  ['==', (left, right) => looseEquals(left, right)],
  ['!=', (left, right) => !looseEquals(left, right)],
]);

/** Unary minus. @throws TemplateError unless a number */
export function negate(value: unknown, expression: string, operand: string): number {
  if (typeof value === 'number') return -value;
  throw new TemplateError(`unary - needs a number, got ${describeValue(value)} (${operand})`, expression);
}
