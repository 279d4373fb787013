/**
 * The template and expression engine of `streamlab mock` scripts (issue 9 item 3): compile
 * each script value once at load (`compileTemplate`, `compileJsonTemplate`,
 * `compileExpression`), render per stream with a TemplateScope and the TemplateHelpers.
 */
export { TemplateError } from './template-error.ts';
export type { TemplateScope } from './scope.ts';
export { createTemplateHelpers, HELPER_ARITY, isHelperName } from './helpers.ts';
export type { HelperName, TemplateHelperOptions, TemplateHelpers } from './helpers.ts';
export { compileExpression } from './expression.ts';
export type { CompiledExpression } from './expression.ts';
export { compileTemplate, containsTemplate } from './template.ts';
export { compileJsonTemplate } from './json-template.ts';
export { compileJsonText } from './json-text-template.ts';
export type { CompiledTemplate } from './template.ts';
export type { CompiledJsonTemplate } from './json-template.ts';
