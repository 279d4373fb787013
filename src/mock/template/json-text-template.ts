/**
 * A message written as JSON *text* with templates inside — the form of the mock
 * documentation streamlab implements (MockForge), issue 16 item 7:
 * `"text":"{\"topic\":\"{{request.topics[0]}}\",\"timestamp\":\"{{now}}\"}"` — beside the object
 * form (`"text":{"topic":"{{request.topics[0]}}"}`). The string is JSON once its templates are
 * rendered as text:
 * - when it is JSON already (its templates sit inside JSON strings), it is parsed once, at load,
 *   and each string renders as text (`"{{randInt 1 9}}"` gives `"7"`, as text substitution
 *   would; proto3 JSON takes a number as a string too). A value is never spliced into the
 *   JSON, so a quote or a backslash in it cannot break the message;
 * - otherwise (a template outside strings: `{"sequence": {{request.n}}}`) the whole text is
 *   rendered, then parsed; text that is not JSON then ends the stream (INTERNAL, naming the
 *   line). At load it must parse with every template replaced by `0`.
 * Either way the message must be a JSON object, nested at most MAX_NESTING_DEPTH deep.
 */
import type { TemplateHelpers } from './helpers.ts';
import { compileJsonTemplate } from './json-template.ts';
import type { CompiledJsonTemplate } from './json-template.ts';
import { jsonNestingPastLimit, MAX_NESTING_DEPTH } from './nesting-limit.ts';
import type { TemplateScope } from './scope.ts';
import { compileTemplate, replaceTemplates } from './template.ts';
import { TemplateError } from './template-error.ts';

const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);

/** JSON.parse's complaint without V8's "(line 1 column N)", which counts in the text, not the line. */
const parseProblem = (error: unknown): string => (error as Error).message.replace(/ \(line \d+ column \d+\)$/, '');

/**
 * Compiles `source`, a message as JSON text with templates inside.
 * @throws TemplateError (`source` is the text; `column` 1-based in it when known) when the
 *   text is not a JSON object, not even with its templates replaced by `0`; when it nests past
 *   MAX_NESTING_DEPTH; or for a template that does not compile
 */
export function compileJsonText(source: string): CompiledJsonTemplate {
  const deep = jsonNestingPastLimit(source);
  if (deep !== undefined) throw new TemplateError(`the message is nested more than ${MAX_NESTING_DEPTH} deep (objects and arrays)`, source, deep + 1, source);
  let parsed: unknown;
  try {
    parsed = JSON.parse(source);
  } catch {
    return compileRenderedText(source);
  }
  if (!isObject(parsed)) throw new TemplateError('a message written as a string must be a JSON object', source, 1, source);
  try {
    return compileJsonTemplate(parsed, { text: true });
  } catch (error) {
    if (!(error instanceof TemplateError) || error.column === undefined || error.source === undefined) throw error;
    // Count the column in the whole text: where the failing string's literal starts, plus its own column.
    const at = source.indexOf(JSON.stringify(error.source));
    if (at < 0) throw error;
    throw new TemplateError(error.problem, error.expression, at + 1 + error.column, source);
  }
}

/** Templates outside JSON strings: render the whole text, then parse it. */
function compileRenderedText(source: string): CompiledJsonTemplate {
  let placeholder: unknown;
  try {
    placeholder = JSON.parse(replaceTemplates(source, '0'));
  } catch (error) {
    throw new TemplateError(`the message is not JSON, even with its templates rendered as 0: ${parseProblem(error)}`, source, undefined, source);
  }
  if (!isObject(placeholder)) throw new TemplateError('a message written as a string must be a JSON object', source, 1, source);
  const template = compileTemplate(source, { text: true });
  return {
    constant: template.constant,
    render(scope: TemplateScope, helpers: TemplateHelpers): unknown {
      const text = String(template.render(scope, helpers));
      try {
        return JSON.parse(text);
      } catch (error) {
        throw new TemplateError(`the rendered message is not JSON (${parseProblem(error)}): ${text.length > 80 ? `${text.slice(0, 80)}…` : text}`, source);
      }
    },
  };
}
