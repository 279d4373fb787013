/** Calling a helper from a compiled expression: argument count at compile time, errors at run time. */
import { compileError } from './parse-expression.ts';
import type { Span } from './parse-expression.ts';
import { HELPER_ARITY } from './helpers.ts';
import type { HelperName, TemplateHelpers } from './helpers.ts';
import type { TemplateScope } from './scope.ts';
import { TemplateError } from './template-error.ts';

export type Run = (scope: TemplateScope, helpers: TemplateHelpers) => unknown;

/** The helper names, for messages. */
export const HELPER_LIST = Object.keys(HELPER_ARITY).join(', ');

/** Calls helper `name`; anything a helper throws becomes a TemplateError naming the expression. */
export function callHelper(name: HelperName, runs: readonly Run[], label: string): Run {
  const [first, second] = runs;
  const invoke = (helpers: TemplateHelpers, a: unknown, b: unknown): unknown => {
    switch (name) {
      case 'uuid': return helpers.uuid();
      case 'now': return helpers.now();
      case 'randInt': return helpers.randInt(a as number, b as number);
      case 'randFromArray': return helpers.randFromArray(a as unknown[]);
      case 'randSentence': return helpers.randSentence();
      case 'randParagraph': return helpers.randParagraph();
    }
  };
  return (scope, helpers) => {
    const a = first?.(scope, helpers);
    const b = second?.(scope, helpers);
    try {
      return invoke(helpers, a, b);
    } catch (error) {
      if (error instanceof TemplateError) throw error;
      throw new TemplateError(error instanceof Error ? error.message : String(error), label);
    }
  };
}

/** Checks a helper's argument count. */
export function checkArity(name: HelperName, count: number, ctx: { span: Span; label: string }, at: number | undefined): void {
  const arity = HELPER_ARITY[name];
  if (count !== arity) {
    const plural = arity === 1 ? 'argument' : 'arguments';
    throw compileError(ctx.span, `helper ${name} takes ${arity} ${plural}, got ${count}`, at, ctx.label);
  }
}

