/**
 * The warnings `streamlab alerts test` lists (issue 17, "warnings that save an afternoon"),
 * one shape for the table and the JSON.
 */

/** What a warning is about. */
export type WarningKind =
  | 'unknown-metric'
  | 'unknown-label'
  | 'unknown-value'
  | 'grpc-code-spelling'
  | 'prometheus-series'
  | 'not-in-profiles'
  | 'unparsed-expr'
  | 'never-fires'
  | 'fires-in-baseline'
  | 'run-mismatch';

/** One warning. */
export interface AlertWarning {
  kind: WarningKind;
  /** The rule file and the rule's line, for warnings about a rule. */
  file?: string;
  line?: number;
  /** The alert's (or recorded series') name. */
  rule?: string;
  /** One sentence naming the bad value and what would be right. */
  message: string;
}

/** A warning as one line: `FILE:LINE RULE: message`. */
export function formatWarning(warning: AlertWarning): string {
  const where = warning.file ? `${warning.file}${warning.line ? `:${warning.line}` : ''} ` : '';
  return `${where}${warning.rule ? `${warning.rule}: ` : ''}${warning.message}`;
}
