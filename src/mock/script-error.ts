/**
 * The error of a mock script that cannot be used: where (`file:line:column`) and what is
 * wrong. Thrown while loading, so `streamlab mock` refuses to start (exit 2) rather than
 * serve a script that would fail later.
 */

/** A script line that does not parse or does not make sense. */
export class ScriptError extends Error {
  readonly file: string;
  /** 1-based line of the script file. */
  readonly line: number;
  /** 1-based column within that line, when known. */
  readonly column: number | undefined;

  /**
   * @param where the file, line and (when known) column
   * @param problem what is wrong, naming the field and what is allowed
   */
  constructor(where: { file: string; line: number; column?: number }, problem: string, options?: { cause?: unknown }) {
    super(`${where.file}:${where.line}${where.column !== undefined ? `:${where.column}` : ''}: ${problem}`, options);
    this.name = 'ScriptError';
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
  }
}
