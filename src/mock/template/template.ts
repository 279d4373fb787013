/**
 * Templates: strings with `{{ expression }}` inside, in JSON string values of a script.
 * `\{{` writes a literal `{{` (in a JSON file: `"\\{{"`).
 */
import { compileSpan } from './expression.ts';
import type { CompiledExpression } from './expression.ts';
import type { TemplateHelpers } from './helpers.ts';
import { compileError } from './parse-expression.ts';
import type { TemplateScope } from './scope.ts';
import { TemplateError } from './template-error.ts';

/** A compiled template string; compile once at load, render per stream or message. */
export interface CompiledTemplate {
  /** The template string as given. */
  readonly source: string;
  /** True when the string has no `{{ }}`: render always returns the same string. */
  readonly constant: boolean;
  /**
   * Renders the template:
   * - no `{{ }}`: the string itself (with `\{{` unescaped);
   * - exactly one `{{ }}` and nothing else but whitespace: the expression's raw value
   *   (`"{{randInt 1 5}}"` is a number, `"{{request.tags}}"` an array, a missing field undefined);
   * - otherwise a string: strings as they are, numbers, booleans and null via String, arrays
   *   and objects as JSON.
   * @throws TemplateError from an expression, or when an interpolated value is undefined
   *   (`"hi {{request.nickname}}"` with no nickname), which a string cannot show
   */
  render(scope: TemplateScope, helpers: TemplateHelpers): unknown;
}

const OPEN = '{{';

/** True when `text` holds a `{{` that is not escaped as `\{{` (closed or not). */
export function containsTemplate(text: string): boolean {
  for (let at = text.indexOf(OPEN); at !== -1; at = text.indexOf(OPEN, at + 1)) {
    if (text.charAt(at - 1) !== '\\') return true;
  }
  return false;
}

/** How a template renders. */
export interface TemplateOptions {
  /**
   * Always a string, even when the template is one `{{ }}` alone (`"{{randInt 1 5}}"` gives
   * `"3"`): the templates of a message written as JSON text (json-text-template.ts), which
   * render as text substitution would. Default false.
   */
  text?: boolean;
}

/**
 * Compiles a template string.
 * @throws TemplateError with the column (1-based, in `source`) of an unclosed `{{`, an empty
 *   `{{ }}`, or of the problem inside an expression (see compileExpression)
 */
export function compileTemplate(source: string, options: TemplateOptions = {}): CompiledTemplate {
  const literals: string[] = [];
  const expressions: CompiledExpression[] = [];
  let literal = '';
  let index = 0;
  while (index < source.length) {
    const open = source.indexOf(OPEN, index);
    if (open === -1) break;
    if (source.charAt(open - 1) === '\\') {
      literal += source.slice(index, open - 1) + OPEN;
      index = open + OPEN.length;
      continue;
    }
    literal += source.slice(index, open);
    const close = closingBraces(source, open + OPEN.length);
    if (close === -1) throw compileError({ source, start: open, end: source.length }, 'unclosed {{ (no matching }})', 0);
    literals.push(literal);
    literal = '';
    expressions.push(compileSpan({ source, start: open + OPEN.length, end: close }));
    index = close + 2;
  }
  literals.push(literal + source.slice(index));

  if (expressions.length === 0) {
    const text = literals[0] ?? '';
    return { source, constant: true, render: () => text };
  }
  const only = expressions[0];
  if (!options.text && expressions.length === 1 && only && literals.every((part) => part.trim() === '')) {
    return { source, constant: false, render: (scope, helpers) => only.evaluate(scope, helpers) };
  }
  return {
    source,
    constant: false,
    render(scope, helpers) {
      let text = literals[0] ?? '';
      for (let i = 0; i < expressions.length; i++) {
        const expression = expressions[i] as CompiledExpression;
        text += interpolated(expression.evaluate(scope, helpers), expression.source) + (literals[i + 1] ?? '');
      }
      return text;
    },
  };
}

/**
 * `source` with each `{{ … }}` replaced by `replacement` (`\{{` stays as written), e.g. to
 * check that JSON text with templates outside its strings parses once they are rendered.
 */
export function replaceTemplates(source: string, replacement: string): string {
  let result = '';
  let index = 0;
  for (let open = source.indexOf(OPEN); open !== -1; open = source.indexOf(OPEN, index)) {
    if (source.charAt(open - 1) === '\\') {
      result += source.slice(index, open + OPEN.length);
      index = open + OPEN.length;
      continue;
    }
    const close = closingBraces(source, open + OPEN.length);
    if (close === -1) break;
    result += source.slice(index, open) + replacement;
    index = close + 2;
  }
  return result + source.slice(index);
}

/** The index of the `}}` that closes an expression starting at `from`, skipping quoted strings; -1 if none. */
function closingBraces(source: string, from: number): number {
  let quote = '';
  for (let index = from; index < source.length; index++) {
    const char = source.charAt(index);
    if (quote) {
      if (char === '\\') index++;
      else if (char === quote) quote = '';
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '}' && source.charAt(index + 1) === '}') return index;
  }
  return -1;
}

function interpolated(value: unknown, expression: string): string {
  switch (typeof value) {
    case 'string': return value;
    case 'number': case 'boolean': case 'bigint': return String(value);
    case 'undefined': throw new TemplateError('the value is undefined (a missing field?), which a string cannot show', expression);
    default: {
      if (value === null) return 'null';
      try {
        return JSON.stringify(value);
      } catch (error) {
        throw new TemplateError(`the value cannot be shown as JSON: ${error instanceof Error ? error.message : String(error)}`, expression);
      }
    }
  }
}
