/**
 * The one way an expression reads a member: own properties of plain data only (plain
 * objects, arrays, strings), never `constructor`, `__proto__` or `prototype`, never a function.
 * There is no other path from an expression to a value, so no prototype, global or the
 * process can be reached.
 */
import { describeValue } from './describe-value.ts';
import { TemplateError } from './template-error.ts';

/** Member names refused by name, at compile time when written and at run time when computed. */
export const FORBIDDEN_MEMBERS: ReadonlySet<string> = new Set(['constructor', '__proto__', 'prototype']);

/** Where a member read sits, for messages: `object` and `member` as written (`request.tags`, `[0]`). */
export interface MemberSite {
  readonly expression: string;
  readonly object: string;
  readonly member: string;
}

/** A plain object: its prototype is Object.prototype or null (JSON data, proto-loader objects). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * `base[key]` for plain data: the own property's value, or undefined when there is none
 * (like JS, so `request.ws.state.count === undefined` works).
 * @throws TemplateError when `base` is undefined or null (naming the expression that was),
 *   is not plain data (a number, a Buffer, a class instance), when `key` is forbidden, or
 *   when the value is a function
 */
export function readMember(base: unknown, key: string | number, site: MemberSite): unknown {
  if (typeof key === 'string' && FORBIDDEN_MEMBERS.has(key)) {
    throw new TemplateError(`member ${JSON.stringify(key)} is not allowed (${site.object}${site.member})`, site.expression);
  }
  if (base === undefined || base === null) {
    throw new TemplateError(`cannot read ${site.member} of ${String(base)}: ${site.object} is ${String(base)}`, site.expression);
  }
  if (typeof base !== 'string' && !Array.isArray(base) && !isPlainObject(base)) {
    throw new TemplateError(
      `cannot read ${site.member} of ${describeValue(base)} (${site.object}): only objects, arrays and strings have members`,
      site.expression,
    );
  }
  if (!Object.hasOwn(base as object, key)) return undefined;
  const value: unknown = (base as Record<string | number, unknown>)[key];
  if (typeof value === 'function') {
    throw new TemplateError(`${site.object}${site.member} is a function, and functions are not reachable from templates`, site.expression);
  }
  return value;
}

/**
 * Checks a computed index (`list[i]`, `object[name]`) at run time.
 * @throws TemplateError unless a string or a number (forbidden names are refused by readMember)
 */
export function memberKey(key: unknown, site: MemberSite): string | number {
  if (typeof key === 'string' || typeof key === 'number') return key;
  throw new TemplateError(`an index must be a string or a number, but ${site.member} is ${describeValue(key)}`, site.expression);
}
