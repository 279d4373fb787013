/**
 * The one error the template engine throws, at compile time (a script line that does not
 * parse or uses something not allowed) and at run time (a forbidden member, a type error).
 */

/** `text` as a JSON string, cut to its first 100 characters (a hostile 6,000-character expression makes no readable message). */
function quoted(text: string): string {
  return JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}…` : text);
}

/**
 * A template or expression that cannot be compiled or evaluated.
 *
 * - `problem`: what is wrong, without the expression ("member \"constructor\" is not allowed").
 * - `expression`: the expression concerned, as written inside `{{ }}` (or a whole condition).
 * - `column`: 1-based column within `source` where the problem is, when it is known
 *   (compile errors: almost always; run-time errors: never).
 * - `source`: the string the column counts in: the template string given to
 *   `compileTemplate` / found by `compileJsonTemplate`, or the `compileExpression` source.
 *
 * `message` reads `<problem> in "<expression>"`, plus ` (column N of "<source>")` when a
 * column is known; an expression or source longer than 100 characters is shown cut, with `…`.
 */
export class TemplateError extends Error {
  readonly problem: string;
  readonly expression: string;
  readonly column?: number;
  readonly source?: string;

  constructor(problem: string, expression: string, column?: number, source?: string) {
    const where = column === undefined ? '' : ` (column ${column} of ${quoted(source ?? expression)})`;
    super(`${problem} in ${quoted(expression)}${where}`);
    this.name = 'TemplateError';
    this.problem = problem;
    this.expression = expression;
    if (column !== undefined) this.column = column;
    if (source !== undefined) this.source = source;
  }
}
