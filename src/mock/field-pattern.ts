/**
 * An `in` line's fields pattern (`"text":{"type":"JOIN"}`) in the form the request's view
 * takes (proto-json.ts), computed once at load against the method's request type (issue 16
 * item 7): a pattern may be written in any proto3 JSON form — json names, a Timestamp with an
 * offset, a Duration, a 64-bit integer as a string, an enum by number — and still matches the
 * view field by field (match-pattern.ts). Nested messages stay partial (only the fields
 * written are compared), element by element in lists and entry by entry in maps; every other
 * value (scalars, enums, well-known types) becomes exactly what the view shows for it.
 */
import type { DescField, DescMessage } from '@bufbuild/protobuf';
import { ProtoJsonError } from '../client/proto-json.ts';
import type { ProtoJson } from '../client/proto-json.ts';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
/** A message compared field by field: not a well-known type, whose JSON is a value of its own. */
const isPartial = (message: DescMessage | undefined): message is DescMessage => message !== undefined && !message.typeName.startsWith('google.protobuf.');

/** The pattern of one field's value. */
function fieldPattern(json: ProtoJson, message: DescMessage, field: DescField, value: unknown, path: string): unknown {
  if (field.fieldKind === 'message' && isPartial(field.message) && isObject(value)) return messagePattern(json, field.message, value, path);
  if (field.fieldKind === 'list' && field.listKind === 'message' && isPartial(field.message) && Array.isArray(value)) {
    return value.map((item, index) => (isObject(item) ? messagePattern(json, field.message, item, `${path}[${index}]`) : item));
  }
  if (field.fieldKind === 'map' && field.mapKind === 'message' && isPartial(field.message) && isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, isObject(item) ? messagePattern(json, field.message, item, `${path}.${key}`) : item]));
  }
  try {
    return json.fieldView(message, field, value);
  } catch (error) {
    throw new ProtoJsonError(`"${path}": ${(error as Error).message}`, { cause: error });
  }
}

/** The pattern of the fields of `value` in `message`; `path` is where it sits, for messages. */
function messagePattern(json: ProtoJson, message: DescMessage, value: Record<string, unknown>, prefix: string): Record<string, unknown> {
  const pattern: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const field = message.fields.find((candidate) => candidate.name === key || candidate.jsonName === key);
    const path = prefix ? `${prefix}.${key}` : key;
    if (!field) throw new ProtoJsonError(`"${path}" is not a field of ${message.typeName}; its fields are ${message.fields.map((f) => f.name).join(', ') || '(none)'}`);
    pattern[field.name] = fieldPattern(json, message, field, item, path);
  }
  return pattern;
}

/**
 * The pattern `fields` as the view of a `typeName` message shows them (see the module comment).
 * @throws ProtoJsonError naming a key that is not a field, or a value that does not fit its field
 */
export function fieldsPattern(json: ProtoJson, typeName: string, fields: Record<string, unknown>): Record<string, unknown> {
  return messagePattern(json, json.messageType(typeName), fields, '');
}
