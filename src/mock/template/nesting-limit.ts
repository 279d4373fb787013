/**
 * How deep a mock script may nest (issue 16 item 6): a JSON value of a script line
 * (`text`, `response`, a state update), an expression inside `{{ }}` or a `condition`, and,
 * at run time, the stream's state. Past it a script is refused at load with
 * `file:line:column`, and a state that grows past it ends its stream RESOURCE_EXHAUSTED.
 * Unbounded, 3,000 nested parentheses overflowed the parser's stack ("Maximum call stack size
 * exceeded"). 100 is protobuf's own default recursion limit: a message cannot nest deeper.
 */
export const MAX_NESTING_DEPTH = 100;

/**
 * Where JSON `text` first nests past {@link MAX_NESTING_DEPTH}: the 0-based index of the
 * `{` or `[` that opens level MAX + 1, or undefined. Levels are counted from `outerLevel`
 * (the level of the first bracket is outerLevel + 1): a script line's own object is level 0,
 * so its values count from 1. Brackets inside strings do not count; the text need not be
 * valid JSON (a template string's JSON with `{{ }}` in it is scanned the same way).
 */
export function jsonNestingPastLimit(text: string, outerLevel = 0): number | undefined {
  let level = outerLevel;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charAt(index);
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') {
      if (++level > MAX_NESTING_DEPTH) return index;
    } else if ((char === '}' || char === ']') && level > outerLevel) level--;
  }
  return undefined;
}

const UNARY = new Set(['!', '-', '+', '~']);

/**
 * Where an expression's text first nests past {@link MAX_NESTING_DEPTH} in a way the parser
 * (jsep, recursive descent) would follow by recursion: brackets `(` `[` open at once, or a run
 * of unary operators (`!!!x`, `- -x`, whitespace between them allowed). Returns the 0-based
 * index of the bracket or operator past the limit, or undefined. Quoted strings ('…', "…") are
 * skipped. A run counts a `+` or `-` too when it is binary (`a - -b` is a run of 2): harmless
 * at this limit.
 */
export function expressionNestingPastLimit(text: string): number | undefined {
  let depth = 0;
  let run = 0;
  let quote = '';
  for (let index = 0; index < text.length; index++) {
    const char = text.charAt(index);
    if (quote) {
      if (char === '\\') index++;
      else if (char === quote) quote = '';
      continue;
    }
    if (/\s/.test(char)) continue;
    run = UNARY.has(char) ? run + 1 : 0;
    if (run > MAX_NESTING_DEPTH) return index;
    if (char === '"' || char === "'") quote = char;
    else if (char === '(' || char === '[') {
      if (++depth > MAX_NESTING_DEPTH) return index;
    } else if ((char === ')' || char === ']') && depth > 0) depth--;
  }
  return undefined;
}
