/**
 * A parsed JSON value with templates in its strings (a script line's `text`, `response`, or a
 * state update), compiled once and rendered to a new value per use.
 */
import type { TemplateHelpers } from './helpers.ts';
import type { TemplateScope } from './scope.ts';
import { compileTemplate } from './template.ts';
import type { TemplateOptions } from './template.ts';
import { TemplateError } from './template-error.ts';

/** A compiled JSON value. */
export interface CompiledJsonTemplate {
  /** True when no string in the value has `{{ }}`. */
  readonly constant: boolean;
  /**
   * A new value: objects and arrays are new on every call (the caller may change them),
   * object keys as written, each string rendered by its CompiledTemplate (so a string that is
   * one `{{ }}` gives its raw value, possibly undefined).
   * @throws TemplateError from a template
   */
  render(scope: TemplateScope, helpers: TemplateHelpers): unknown;
}

type Render = CompiledJsonTemplate['render'];

/**
 * Compiles every string of `value` (object keys stay literal); `options` apply to each.
 * @throws TemplateError from a string's template (its `source` is that string, its `column`
 *   counts in it), or for an object key "__proto__"
 * @throws TypeError for something that is not JSON data (a function, undefined, a class instance)
 */
export function compileJsonTemplate(value: unknown, options: TemplateOptions = {}): CompiledJsonTemplate {
  const compiled = compileValue(value, options);
  return { constant: compiled.constant, render: compiled.render };
}

function compileValue(value: unknown, options: TemplateOptions): { constant: boolean; render: Render } {
  if (typeof value === 'string') return compileTemplate(value, options);
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return { constant: true, render: () => value };
  if (Array.isArray(value)) {
    const items = value.map((item) => compileValue(item, options));
    return {
      constant: items.every((item) => item.constant),
      render(scope, helpers) {
        const array = new Array<unknown>(items.length);
        for (let i = 0; i < items.length; i++) array[i] = (items[i] as { render: Render }).render(scope, helpers);
        return array;
      },
    };
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const keys = Object.keys(value);
    if (keys.includes('__proto__')) throw new TemplateError('an object key "__proto__" is not allowed', '__proto__');
    const fields = keys.map((key) => compileValue((value as Record<string, unknown>)[key], options));
    return {
      constant: fields.every((field) => field.constant),
      render(scope, helpers) {
        const object: Record<string, unknown> = {};
        for (let i = 0; i < keys.length; i++) object[keys[i] as string] = (fields[i] as { render: Render }).render(scope, helpers);
        return object;
      },
    };
  }
  throw new TypeError(`compileJsonTemplate takes parsed JSON, got ${typeof value}`);
}
