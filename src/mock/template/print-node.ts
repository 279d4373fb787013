/** How error messages show an expression's parts, rebuilt from the tree: `request.tags[0]`, `(a + b) * 2`. */
import type { Node } from './parse-expression.ts';

/** A node as messages show it: `request.tags[0]`, `a + (b * 2)`. */
export function printNode(node: Node): string {
  switch (node.type) {
    case 'Identifier': return String(node['name']);
    case 'Literal': return String(node['raw'] ?? JSON.stringify(node['value']));
    case 'ThisExpression': return 'this';
    case 'MemberExpression': {
      const property = node['property'] as Node;
      const object = printNode(node['object'] as Node);
      return node['computed'] ? `${object}[${printNode(property)}]` : `${object}.${printNode(property)}`;
    }
    case 'CallExpression': return `${printNode(node['callee'] as Node)}(${(node['arguments'] as Node[]).map(printNode).join(', ')})`;
    case 'UnaryExpression': return `${String(node['operator'])}${printOperand(node['argument'] as Node)}`;
    case 'BinaryExpression': return `${printOperand(node['left'] as Node)} ${String(node['operator'])} ${printOperand(node['right'] as Node)}`;
    case 'ArrayExpression': return `[${(node['elements'] as Array<Node | null>).map((element) => (element ? printNode(element) : '')).join(', ')}]`;
    default: return `(${node.type})`;
  }
}

function printOperand(node: Node): string {
  return node.type === 'BinaryExpression' ? `(${printNode(node)})` : printNode(node);
}

