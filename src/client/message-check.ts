/**
 * Checks a message written as JSON (`load --data`) against its type in a proto-loader
 * package definition, before grpc-js serializes it: protobufjs's `fromObject` drops
 * unknown fields and turns a wrong value into 0 or '' without a word, so a typo would load
 * a server with empty requests. Field names are the proto's own (the dynamic client loads
 * with keepCase); a field written in JSON camelCase is pointed at its proto name.
 * Oneofs are not checked: proto-loader's descriptors give a field outside any oneof
 * `oneofIndex` 0, the same as the first oneof's members.
 */
import type { PackageDefinition } from '@grpc/proto-loader';

/** A field as proto-loader describes it (DescriptorProto, enums as names). */
interface FieldDescriptor {
  name: string;
  label: string;
  type: string;
  typeName: string;
}
interface MessageDescriptor {
  name: string;
  field: FieldDescriptor[];
  /** Map fields' entry types are declared here (protobufjs names an entry after its field). */
  nestedType?: Array<MessageDescriptor & { options?: { mapEntry?: boolean } | null }>;
}
interface EnumDescriptor { value: Array<{ name: string; number: number }> }

/** A value that does not fit its message type; the message names the field path. */
export class MessageCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MessageCheckError';
  }
}

const INTEGER = /^-?\d+$/;
const isInteger = (value: unknown) => (typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && INTEGER.test(value));
const isNumber = (value: unknown) => (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)));
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, next: string) => next.toUpperCase());

/** What each scalar type accepts (protobufjs's fromObject: 64-bit ints also as decimal strings, bytes as base64). */
const SCALARS: Record<string, [string, (value: unknown) => boolean]> = {
  TYPE_STRING: ['a string', (value) => typeof value === 'string'],
  TYPE_BOOL: ['true or false', (value) => typeof value === 'boolean'],
  TYPE_BYTES: ['base64 text', (value) => typeof value === 'string'],
  TYPE_DOUBLE: ['a number', isNumber],
  TYPE_FLOAT: ['a number', isNumber],
};
const UNSIGNED = new Set(['TYPE_UINT32', 'TYPE_UINT64', 'TYPE_FIXED32', 'TYPE_FIXED64']);

/**
 * Finds a type's definition by the name a field gives it, resolved from `scope` outwards
 * (protobuf scoping: `Ack` inside `streamlab.v1.ExchangeRequest` is `streamlab.v1.Ack`).
 */
function lookup(definition: PackageDefinition, name: string, scope: string): { fullName: string; type: unknown } | undefined {
  if (name.startsWith('.')) return definition[name.slice(1)] ? { fullName: name.slice(1), type: (definition[name.slice(1)] as { type: unknown }).type } : undefined;
  for (let at = scope; ; at = at.includes('.') ? at.slice(0, at.lastIndexOf('.')) : '') {
    const fullName = at ? `${at}.${name}` : name;
    const found = definition[fullName] as { type?: unknown } | undefined;
    if (found?.type) return { fullName, type: found.type };
    if (at === '') return undefined;
  }
}

/** Checks one value of `field` (an element, for repeated fields) at `path`. */
function checkValue(definition: PackageDefinition, field: FieldDescriptor, scope: string, value: unknown, path: string): void {
  if (value === null) return; // unset, as fromObject reads it
  const fail = (wanted: string): never => {
    throw new MessageCheckError(`"${path}" must be ${wanted}, got ${JSON.stringify(value)}`);
  };
  const scalar = SCALARS[field.type];
  if (scalar) return void (scalar[1](value) || fail(scalar[0]));
  if (field.type === 'TYPE_MESSAGE' || field.type === 'TYPE_ENUM') {
    const found = lookup(definition, field.typeName, scope);
    if (!found) return; // an unresolvable type is grpc-js's to report
    if (field.type === 'TYPE_ENUM') {
      const names = (found.type as EnumDescriptor).value.map((entry) => entry.name);
      if (!(typeof value === 'string' ? names.includes(value) : isInteger(value))) fail(`one of ${names.join(', ')}`);
      return;
    }
    const message = found.type as MessageDescriptor;
    if (!isObject(value)) fail(`an object (${found.fullName})`);
    return checkFields(definition, found.fullName, message, value as Record<string, unknown>, `${path}.`);
  }
  if (!isInteger(value)) fail('an integer');
  if (UNSIGNED.has(field.type) && String(value).startsWith('-')) fail('an integer ≥ 0');
}

/** Checks every key of `value` against `message` (full name `fullName`); `prefix` is the path so far. */
function checkFields(definition: PackageDefinition, fullName: string, message: MessageDescriptor, value: Record<string, unknown>, prefix: string): void {
  for (const [key, item] of Object.entries(value)) {
    const field = message.field.find((entry) => entry.name === key);
    if (!field) {
      const byJsonName = message.field.find((entry) => camel(entry.name) === key);
      const hint = byJsonName ? `: did you mean "${byJsonName.name}"? (proto field names, as in the .proto)` : `; its fields are ${message.field.map((entry) => entry.name).join(', ') || '(none)'}`;
      throw new MessageCheckError(`"${prefix}${key}" is not a field of ${fullName}${hint}`);
    }
    const mapEntry = field.type === 'TYPE_MESSAGE' ? message.nestedType?.find((type) => type.options?.mapEntry && type.name === field.typeName) : undefined;
    if (item === null) continue;
    if (mapEntry) {
      if (!isObject(item)) throw new MessageCheckError(`"${prefix}${key}" is a map: it must be an object, got ${JSON.stringify(item)}`);
      const valueField = mapEntry.field.find((entry) => entry.name === 'value');
      for (const [mapKey, entry] of Object.entries(item)) if (valueField) checkValue(definition, valueField, fullName, entry, `${prefix}${key}.${mapKey}`);
    } else if (field.label === 'LABEL_REPEATED') {
      if (!Array.isArray(item)) throw new MessageCheckError(`"${prefix}${key}" is repeated: it must be an array, got ${JSON.stringify(item)}`);
      item.forEach((element, index) => checkValue(definition, field, fullName, element, `${prefix}${key}[${index}]`));
    } else {
      checkValue(definition, field, fullName, item, `${prefix}${key}`);
    }
  }
}

/**
 * Checks `value` (parsed JSON) as a message of type `typeName` (`package.Message`).
 * @throws MessageCheckError naming the first field that is not in the message, or whose value does not fit
 */
export function checkMessage(definition: PackageDefinition, typeName: string, value: unknown): void {
  const message = (definition[typeName] as { type?: MessageDescriptor } | undefined)?.type;
  if (!message) throw new MessageCheckError(`message type ${typeName} is not in the loaded protos`);
  if (!isObject(value)) throw new MessageCheckError(`a ${typeName} must be a JSON object, got ${JSON.stringify(value)}`);
  checkFields(definition, typeName, message, value, '');
}
