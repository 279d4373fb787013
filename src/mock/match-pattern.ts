/**
 * Whether an incoming message matches an `in` line's pattern (script-line.ts): a JSON
 * object's fields must be present with equal values (nested objects compared the same way,
 * arrays element by element), or a regular expression (RE2, linear-regex.ts) must match the
 * message's JSON.
 * Messages are compared in their JSON view (src/client/proto-json.ts): proto field names,
 * enums as names, defaults included — so `{"type":"TEXT"}` matches the zero value TEXT; a
 * fields pattern was put in the same form at load (field-pattern.ts).
 */
import type { InPattern } from './script-line.ts';

function matchesValue(expected: unknown, actual: unknown): boolean {
  if (expected === null || typeof expected !== 'object') return expected === actual;
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((item, index) => matchesValue(item, actual[index]));
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
  // undefined: a field the pattern leaves unset (`null` for a message field), which the view leaves out.
  return Object.entries(expected).every(([key, value]) => (value === undefined
    ? (actual as Record<string, unknown>)[key] === undefined
    : Object.hasOwn(actual, key) && matchesValue(value, (actual as Record<string, unknown>)[key])));
}

/**
 * @param view the message's JSON view
 * @param json `JSON.stringify(view)`, computed once per message by the caller
 */
export function matchesPattern(pattern: InPattern, view: unknown, json: string): boolean {
  return pattern.kind === 'regex' ? pattern.regex.test(json) : matchesValue(pattern.fields, view);
}
