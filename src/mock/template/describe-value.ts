/** How error messages show a value: its kind, and the value itself when it is short and primitive. */

/** E.g. `undefined`, `null`, `number 3`, `boolean true`, `the string "abc"`, `an array`, `an object`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string': return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
    case 'number': case 'boolean': case 'bigint': return `${typeof value} ${String(value)}`;
    case 'undefined': return 'undefined';
    case 'function': return 'a function';
    default: return 'an object';
  }
}
