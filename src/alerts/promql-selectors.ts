/**
 * The series selectors of a PromQL expression — metric names and label matchers — read
 * with the Prometheus project's own Lezer grammar (@prometheus-io/lezer-promql, the one
 * Prometheus's web UI uses), not with regular expressions.
 */
import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';

/** A label matcher's operator. */
export type MatchOp = '=' | '!=' | '=~' | '!~';

/** One `label op "value"` of a selector. */
export interface LabelMatcher {
  label: string;
  op: MatchOp;
  value: string;
}

/** One vector selector: `name{matchers}`, `{__name__="name", …}` or `{matchers}`. */
export interface Selector {
  /** The metric name, from the identifier or an `__name__="…"` matcher; undefined when the selector names none. */
  metric?: string;
  /** The matchers but `__name__`'s equality. */
  matchers: LabelMatcher[];
  /** The selector as written. */
  text: string;
}

/** What the parse found. */
export interface ParsedExpr {
  selectors: Selector[];
  /** Offset of the first syntax error, if the grammar found one. */
  errorAt?: number;
}

const ESCAPES: Record<string, string> = { a: '\u0007', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'" };

/** The value of a PromQL string literal: "…" or '…' with Go escapes, or `…` raw. */
export function stringLiteralValue(literal: string): string {
  const body = literal.slice(1, -1);
  if (literal.startsWith('`')) return body;
  return body.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|[0-7]{3}|.)/g, (_, escape: string) => {
    if (/^[uUx]/.test(escape)) return String.fromCodePoint(Number.parseInt(escape.slice(1), 16));
    if (/^[0-7]{3}$/.test(escape)) return String.fromCodePoint(Number.parseInt(escape, 8));
    return ESCAPES[escape] ?? escape;
  });
}

function matcherOf(node: SyntaxNode, source: string): LabelMatcher | undefined {
  const text = (child: SyntaxNode | null) => (child ? source.slice(child.from, child.to) : '');
  const nameNode = node.getChild('LabelName') ?? node.getChild('QuotedLabelName');
  const op = text(node.getChild('MatchOp')) as MatchOp;
  const literal = node.getChild('StringLiteral');
  if (!nameNode || !literal || !op) return undefined;
  const rawName = text(nameNode);
  const label = nameNode.name === 'QuotedLabelName' ? stringLiteralValue(rawName) : rawName;
  return { label, op, value: stringLiteralValue(text(literal)) };
}

/** Parses `expr` and lists its vector selectors in the order written. */
export function selectorsOf(expr: string): ParsedExpr {
  const tree = parser.parse(expr);
  const selectors: Selector[] = [];
  let errorAt: number | undefined;
  tree.iterate({
    enter: (ref) => {
      if (ref.type.isError && errorAt === undefined) errorAt = ref.from;
      if (ref.name !== 'VectorSelector') return;
      const node = ref.node;
      const identifier = node.getChild('Identifier');
      let metric = identifier ? expr.slice(identifier.from, identifier.to) : undefined;
      const matchers: LabelMatcher[] = [];
      for (const matcherNode of node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []) {
        const matcher = matcherOf(matcherNode, expr);
        if (matcher) matchers.push(matcher);
      }
      for (const matcherNode of node.getChild('LabelMatchers')?.getChildren('QuotedLabelMatcher') ?? []) {
        const matcher = matcherOf(matcherNode, expr);
        if (matcher) matchers.push(matcher);
      }
      // {"metric_name", …}: a quoted name alone (Prometheus 3's UTF-8 names).
      for (const quotedName of node.getChild('LabelMatchers')?.getChildren('QuotedLabelName') ?? []) {
        metric ??= stringLiteralValue(expr.slice(quotedName.from, quotedName.to));
      }
      const nameMatcher = matchers.findIndex((matcher) => matcher.label === '__name__' && matcher.op === '=');
      if (metric === undefined && nameMatcher >= 0) metric = matchers[nameMatcher]!.value;
      selectors.push({
        ...(metric !== undefined ? { metric } : {}),
        matchers: matchers.filter((_, index) => index !== nameMatcher),
        text: expr.slice(node.from, node.to),
      });
    },
  });
  return { selectors, ...(errorAt !== undefined ? { errorAt } : {}) };
}
