/**
 * The evaluator: turns a jsep tree into closures, accepting only an allowlist — literals,
 * `request` and its members, `undefined`, helper calls, `!`, unary `-`, the operators of
 * operators.ts, `&&`, `||` and array literals. Everything else (`this`, other names, calls of
 * anything but a helper, `?.`, `? :`, `%`, comma lists) is a compile error with its column.
 * Members go through data-access.ts `readMember` only.
 */
import { FORBIDDEN_MEMBERS, memberKey, readMember } from './data-access.ts';
import type { MemberSite } from './data-access.ts';
import { callHelper, checkArity, HELPER_LIST } from './helper-call.ts';
import type { Run } from './helper-call.ts';
import { HELPER_ARITY, isHelperName } from './helpers.ts';
import type { HelperName } from './helpers.ts';
import { BINARY_OPERATORS, negate } from './operators.ts';
import type { OperatorSite } from './operators.ts';
import { printNode } from './print-node.ts';
import { compileError } from './parse-expression.ts';
import type { Node, ParsedExpression, Span } from './parse-expression.ts';
import type { TemplateError } from './template-error.ts';

export type { Run };


/** What compiling one parsed expression needs: its span, positions, and its label in messages. */
export interface NodeContext {
  readonly span: Span;
  readonly parsed: ParsedExpression;
  readonly label: string;
}

const UNSUPPORTED_WORDS = new Set(['new', 'typeof', 'void', 'delete', 'in', 'instanceof', 'function', 'class', 'import', 'await', 'yield', 'let', 'var', 'const']);

/** The member name when written statically: `.x`, `["x"]`, `[0]`; undefined when computed at run time. */
function staticKey(node: Node): string | number | undefined {
  const property = node['property'] as Node;
  if (!node['computed']) return String(property['name']);
  if (property.type === 'Literal' && (typeof property['value'] === 'string' || typeof property['value'] === 'number')) return property['value'];
  return undefined;
}

const isRequest = (node: Node): boolean => node.type === 'Identifier' && node['name'] === 'request';
const isRequestWs = (node: Node): boolean => node.type === 'MemberExpression' && isRequest(node['object'] as Node) && staticKey(node) === 'ws';

/**
 * Compiles one node (children first, so the innermost problem is reported).
 * @throws TemplateError for anything outside the allowlist
 */
export function compileNode(node: Node, ctx: NodeContext): Run {
  const fail = (problem: string, at: Node = node): TemplateError => compileError(ctx.span, problem, ctx.parsed.startOf(at), ctx.label);
  switch (node.type) {
    case 'Literal': {
      const value = node['value'];
      if (value !== null && typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') throw fail(`literal ${printNode(node)} is not supported`);
      return () => value;
    }
    case 'Identifier': {
      const name = String(node['name']);
      if (name === 'request') return (scope) => scope.request;
      if (name === 'undefined') return () => undefined;
      if (isHelperName(name)) {
        if (HELPER_ARITY[name] > 0) throw fail(`helper ${name} is not a value: call it, {{${name} ${name === 'randInt' ? 'min max' : 'list'}}} or ${name}(…)`);
        return callHelper(name, [], ctx.label);
      }
      if (UNSUPPORTED_WORDS.has(name)) throw fail(`"${name}" is not supported in expressions`);
      throw fail(`unknown name ${JSON.stringify(name)}: expressions can read request, request.ws.message, request.ws.state and call the helpers ${HELPER_LIST}`);
    }
    case 'ThisExpression': throw compileError(ctx.span, '"this" is not allowed', ctx.parsed.wordAt('this'), ctx.label);
    case 'MemberExpression': return compileMember(node, ctx, fail);
    case 'CallExpression': {
      const callee = node['callee'] as Node;
      const args = node['arguments'] as Node[];
      if (callee.type !== 'Identifier' || !isHelperName(String(callee['name']))) {
        if (callee.type !== 'Identifier') compileNode(callee, ctx);
        throw fail(`only the helpers (${HELPER_LIST}) can be called, not ${printNode(callee)}`, callee);
      }
      const name = String(callee['name']) as HelperName;
      const runs = args.map((arg) => compileNode(arg, ctx));
      checkArity(name, args.length, ctx, ctx.parsed.startOf(callee));
      return callHelper(name, runs, ctx.label);
    }
    case 'UnaryExpression': {
      const operator = String(node['operator']);
      const operand = node['argument'] as Node;
      const run = compileNode(operand, ctx);
      if (operator === '!') return (scope, helpers) => !run(scope, helpers);
      if (operator === '-') {
        const text = printNode(operand);
        return (scope, helpers) => negate(run(scope, helpers), ctx.label, text);
      }
      throw fail(`operator ${operator} is not supported (unary: ! and -)`);
    }
    case 'BinaryExpression': {
      const operator = String(node['operator']);
      const left = compileNode(node['left'] as Node, ctx);
      const right = compileNode(node['right'] as Node, ctx);
      if (operator === '&&') return (scope, helpers) => left(scope, helpers) && right(scope, helpers);
      if (operator === '||') return (scope, helpers) => left(scope, helpers) || right(scope, helpers);
      const apply = BINARY_OPERATORS.get(operator);
      if (!apply) {
        throw compileError(ctx.span, `operator ${operator} is not supported (use ! && || < > <= >= === !== == != + - * /)`, ctx.parsed.operatorAt(operator), ctx.label);
      }
      const site: OperatorSite = { expression: ctx.label, operator, left: printNode(node['left'] as Node), right: printNode(node['right'] as Node) };
      return (scope, helpers) => apply(left(scope, helpers), right(scope, helpers), site);
    }
    case 'ArrayExpression': {
      const elements = node['elements'] as Array<Node | null>;
      if (elements.includes(null)) throw fail('an array literal cannot have empty elements');
      const runs = elements.map((element) => compileNode(element as Node, ctx));
      return (scope, helpers) => {
        const array = new Array<unknown>(runs.length);
        for (let i = 0; i < runs.length; i++) array[i] = (runs[i] as Run)(scope, helpers);
        return array;
      };
    }
    case 'Compound': {
      const body = node['body'] as Node[];
      for (const part of body) compileNode(part, ctx);
      throw fail('two expressions side by side: only a helper takes space-separated arguments ({{randInt 1 10}}); join expressions with an operator', body[1]);
    }
    case 'SequenceExpression': throw fail('comma-separated expressions are not supported');
    case 'ConditionalExpression': throw fail('the conditional operator ? : is not supported');
    default: throw fail(`${node.type} is not supported`);
  }
}

function compileMember(node: Node, ctx: NodeContext, fail: (problem: string, at?: Node) => TemplateError): Run {
  const object = node['object'] as Node;
  const property = node['property'] as Node;
  if (node['optional']) throw fail('optional chaining ?. is not supported', property);
  const key = staticKey(node);
  const forbidden = typeof key === 'string' && FORBIDDEN_MEMBERS.has(key);
  if (isRequestWs(node)) throw fail('request.ws is not a value: use request.ws.message or request.ws.state');
  if (isRequestWs(object) && !forbidden) {
    if (key === 'message') return (scope) => scope.message;
    if (key === 'state') return (scope) => scope.state;
    throw fail('request.ws has only .message and .state (a request field named "ws" cannot be read)', property);
  }
  const base = isRequestWs(object) ? undefined : compileNode(object, ctx);
  if (forbidden || !base) throw fail(`member ${JSON.stringify(key)} is not allowed`, property);
  const site: MemberSite = {
    expression: ctx.label,
    object: printNode(object),
    member: node['computed'] ? `[${printNode(property)}]` : `.${String(key)}`,
  };
  if (key !== undefined) return (scope, helpers) => readMember(base(scope, helpers), key, site);
  const index = compileNode(property, ctx);
  const indexSite: MemberSite = { ...site, member: printNode(property) };
  return (scope, helpers) => {
    const value = base(scope, helpers);
    return readMember(value, memberKey(index(scope, helpers), indexSite), site);
  };
}
