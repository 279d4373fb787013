/**
 * The parser: jsep (a parser only, no evaluation), subclassed to remember where each
 * identifier, literal, token and operator starts, so a compile error can name its column.
 * jsep's global configuration (operators, plugins) is left untouched; whatever it parses,
 * compile-node.ts accepts only an allowlist of node types and operators.
 */
import jsep from 'jsep';
import { TemplateError } from './template-error.ts';

export type Node = jsep.Expression;

/** A stretch of a template string: the expression is `source.slice(start, end)`. */
export interface Span {
  readonly source: string;
  readonly start: number;
  readonly end: number;
}

/** The expression's text as error messages quote it (trimmed). */
export function spanText(span: Span): string {
  return span.source.slice(span.start, span.end).trim();
}

/**
 * A compile error at `at` (0-based, relative to the span's start; column unknown when
 * undefined). The column reported is 1-based within the whole template string.
 */
export function compileError(span: Span, problem: string, at?: number, label = spanText(span)): TemplateError {
  return new TemplateError(problem, label, at === undefined ? undefined : span.start + at + 1, span.source);
}

/** A parsed expression with the start (0-based, within the span) of its nodes where known. */
export interface ParsedExpression {
  readonly root: Node;
  startOf(node: Node): number | undefined;
  /** Where the first use of a binary `operator` starts. */
  operatorAt(operator: string): number | undefined;
  /** Where `word` first appears as a whole word outside string literals (for nodes jsep rebuilds, like `this`). */
  wordAt(word: string): number | undefined;
}

/** The jsep parser instance, as far as we use it (jsep's typings leave out the class). */
interface JsepParser {
  index: number;
  parse(): Node;
  gobbleSpaces(): void;
  gobbleToken(): Node | false;
  gobbleIdentifier(): Node;
  gobbleStringLiteral(): Node;
  gobbleNumericLiteral(): Node;
  gobbleBinaryOp(): string | false;
}

const JsepClass = (jsep as unknown as { Jsep: new (expression: string) => JsepParser }).Jsep;

class LocatingParser extends JsepClass {
  readonly starts = new Map<Node, number>();
  readonly operators: Array<{ operator: string; at: number }> = [];

  private mark(node: Node, at: number): Node {
    if (!this.starts.has(node)) this.starts.set(node, at);
    return node;
  }

  override gobbleToken(): Node | false {
    this.gobbleSpaces();
    const at = this.index;
    const node = super.gobbleToken();
    return node ? this.mark(node, at) : node;
  }

  override gobbleIdentifier(): Node {
    const at = this.index;
    return this.mark(super.gobbleIdentifier(), at);
  }

  override gobbleStringLiteral(): Node {
    const at = this.index;
    return this.mark(super.gobbleStringLiteral(), at);
  }

  override gobbleNumericLiteral(): Node {
    const at = this.index;
    return this.mark(super.gobbleNumericLiteral(), at);
  }

  override gobbleBinaryOp(): string | false {
    const operator = super.gobbleBinaryOp();
    if (operator) this.operators.push({ operator, at: this.index - operator.length });
    return operator;
  }
}

/**
 * Parses the span's text with jsep.
 * @throws TemplateError with jsep's description and column on a syntax error
 */
export function parseExpression(span: Span, label?: string): ParsedExpression {
  const parser = new LocatingParser(span.source.slice(span.start, span.end));
  let root: Node;
  try {
    root = parser.parse();
  } catch (error) {
    const { description, index } = error as { description?: unknown; index?: unknown };
    if (typeof description !== 'string') throw error;
    const atEnd = typeof index === 'number' && index >= span.end - span.start;
    const problem = atEnd && /^Unexpected\s*$/.test(description) ? 'unexpected end of expression' : description;
    throw compileError(span, `syntax error: ${problem}`, typeof index === 'number' ? index : undefined, label);
  }
  const { starts, operators } = parser;
  const code = span.source.slice(span.start, span.end).replace(/(["'])(?:\\.|(?!\1)[^\\])*\1?/g, (literal) => ' '.repeat(literal.length));
  return {
    root,
    startOf: (node) => startOf(node, starts),
    operatorAt: (operator) => operators.find((entry) => entry.operator === operator)?.at,
    wordAt: (word) => new RegExp(`(?<![\\w$])${word}(?![\\w$])`).exec(code)?.index,
  };
}

/** A node's start, or that of its leftmost child for nodes built after the fact (`a ? b : c`). */
function startOf(node: Node, starts: ReadonlyMap<Node, number>): number | undefined {
  for (let current: Node | undefined = node; current; current = leftmostChild(current)) {
    const at = starts.get(current);
    if (at !== undefined) return at;
  }
  return undefined;
}

function leftmostChild(node: Node): Node | undefined {
  for (const key of ['test', 'left', 'object', 'callee', 'argument']) {
    const child = node[key];
    if (child && typeof child === 'object' && !Array.isArray(child)) return child as Node;
  }
  const list = node['body'] ?? node['expressions'];
  return Array.isArray(list) ? (list[0] as Node | undefined) : undefined;
}

/**
 * The first node, in source order, deeper than `limit` (the root is level 1), or undefined.
 * Iterative, so a tree of any depth is measured without recursion.
 */
export function nodePastDepth(root: Node, limit: number): Node | undefined {
  const stack: Array<[Node, number]> = [[root, 1]];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [node, level] = top;
    if (level > limit) return node;
    const children = Object.values(node).flatMap((value) => (Array.isArray(value) ? value : [value]))
      .filter((child): child is Node => Boolean(child) && typeof child === 'object' && typeof (child as Node).type === 'string');
    // Pushed last to first, so the leftmost child is visited first.
    for (let index = children.length - 1; index >= 0; index--) stack.push([children[index] as Node, level + 1]);
  }
  return undefined;
}
