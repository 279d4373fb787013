/**
 * The handlebars form of a helper call: `randInt 1 10`, `randFromArray ["a", "b"]`,
 * `randInt 1 (request.max + 1)`. Arguments are separated by whitespace outside quotes,
 * brackets and parentheses; an argument with spaces in it goes in parentheses.
 */
import { isHelperName } from './helpers.ts';
import type { HelperName } from './helpers.ts';

/** A helper call in the handlebars form; positions are 0-based within the text given. */
export interface HelperCallSyntax {
  name: HelperName;
  nameAt: number;
  args: Array<{ start: number; end: number }>;
}

const IDENTIFIER = /^\s*([A-Za-z_$][\w$]*)/;
const SPACE = /\s/;
/** Characters after `name ` that mean an operator expression (`uuid + "x"`), not arguments. */
const OPERATOR_START = /[+*/%<>=!&|?.,:;)\]}]/;

/**
 * Recognizes `name`, or `name` + whitespace + arguments, where name is a helper; anything
 * else (`randInt(1, 2)`, `uuid + "x"`, `request.name`) is for the expression parser and
 * gives undefined. Does not check the arguments' syntax.
 */
export function splitHelperCall(text: string): HelperCallSyntax | undefined {
  const match = IDENTIFIER.exec(text);
  if (!match?.[1] || !isHelperName(match[1])) return undefined;
  const name = match[1];
  const nameAt = match[0].length - name.length;
  let index = match[0].length;
  if (index < text.length && !SPACE.test(text.charAt(index))) return undefined;
  while (index < text.length && SPACE.test(text.charAt(index))) index++;
  const next = text.charAt(index);
  if (OPERATOR_START.test(next) || (next === '-' && SPACE.test(text.charAt(index + 1)))) return undefined;

  const args: HelperCallSyntax['args'] = [];
  while (index < text.length) {
    const start = index;
    index = argumentEnd(text, index);
    args.push({ start, end: index });
    while (index < text.length && SPACE.test(text.charAt(index))) index++;
  }
  return { name, nameAt, args };
}

/**
 * The characters of `text[start, end)` outside string literals ('…' or "…", backslash
 * escapes inside them), with the bracket depth before each: `(` and `[` open, `)` and `]`
 * close (a closing bracket with nothing open leaves the depth at 0). Both scanners below
 * walk the text this way.
 */
function* unquoted(text: string, start: number, end: number): Generator<{ index: number; char: string; depth: number }> {
  let depth = 0;
  let quote = '';
  for (let index = start; index < end; index++) {
    const char = text.charAt(index);
    if (quote) {
      if (char === '\\') index++;
      else if (char === quote) quote = '';
      continue;
    }
    if (char === '"' || char === "'") {
      quote = char;
      continue;
    }
    yield { index, char, depth };
    if (char === '(' || char === '[') depth++;
    else if ((char === ')' || char === ']') && depth > 0) depth--;
  }
}

/** The end of the argument starting at `index`: the first whitespace at depth 0 outside quotes. */
function argumentEnd(text: string, index: number): number {
  for (const { index: at, char, depth } of unquoted(text, index, text.length)) {
    if (depth === 0 && SPACE.test(char)) return at;
  }
  return text.length;
}

/** The inside of `( ... )` when the parentheses wrap the whole argument, else undefined. */
export function parenthesized(text: string, start: number, end: number): { start: number; end: number } | undefined {
  if (text.charAt(start) !== '(' || text.charAt(end - 1) !== ')') return undefined;
  for (const { index, char, depth } of unquoted(text, start, end)) {
    // The bracket that closes the opening one must be the last character.
    if ((char === ')' || char === ']') && depth === 1) return index === end - 1 ? { start: start + 1, end: end - 1 } : undefined;
  }
  return undefined;
}
