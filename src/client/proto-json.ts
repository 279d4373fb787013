/**
 * Messages of protos loaded at run time, read and written in the proto3 JSON mapping
 * (protobuf.dev/programming-guides/json, issue 16 item 7) by @bufbuild/protobuf — "fully
 * compliant with the Protobuf conformance tests" — over a registry built from proto-loader's
 * descriptors (descriptor-registry.ts). protobufjs, which grpc-js's proto-loader uses, does not
 * implement the mapping: its `fromObject` takes a google.protobuf.Timestamp only as
 * `{seconds, nanos}`, a Duration, a wrapper or a Struct only as their message shapes, and only
 * the field names it was loaded with; so the mock and `load --data` go through this instead.
 *
 * Accepted (`encode`): proto field names or their lowerCamelCase json names; Timestamp as RFC
 * 3339 text (`2024-05-01T12:00:00.5+02:00`), Duration as `"1.5s"`, the wrappers as their plain
 * value, Struct/Value/ListValue as any JSON, FieldMask as `"a.b,c"`, Any with `@type`; 64-bit
 * integers as numbers or decimal strings; bytes as base64 (standard or URL-safe); enums by name
 * or number; null as "not set". A key whose value is undefined (a template over a missing field)
 * is left out, as JSON would.
 *
 * The view (`decode`), what mock scripts see and patterns are compared with: the proto3 JSON
 * output with proto field names and every implicit default emitted (`{"type":"TEXT"}` matches
 * an enum left at its zero value), with one deliberate difference: a 64-bit integer field is a
 * JSON number while it is a safe integer (|n| < 2^53), so templates can do arithmetic on it, and
 * a string beyond (exact). Both are valid proto3 JSON input.
 */
import { fromJson, ScalarType, toBinary, toJson, fromBinary } from '@bufbuild/protobuf';
import type { DescField, DescMessage, FileRegistry, JsonValue } from '@bufbuild/protobuf';

/** A message that does not fit its type; the message names the field (and, for an unknown key, the fields there are). */
export class ProtoJsonError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProtoJsonError';
  }
}

const INT64 = new Set([ScalarType.INT64, ScalarType.UINT64, ScalarType.SINT64, ScalarType.FIXED64, ScalarType.SFIXED64]);
const isWellKnown = (message: DescMessage): boolean => message.typeName.startsWith('google.protobuf.');
const isObject = (value: unknown): value is Record<string, JsonValue> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A decimal 64-bit integer string as a number when that is exact. */
function safeNumber(value: JsonValue): JsonValue {
  if (typeof value !== 'string') return value;
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : value;
}

/** Turns the safe 64-bit integers of `json` (the JSON of a `message`) into numbers, in place; well-known types keep their own JSON. */
function int64sAsNumbers(message: DescMessage, json: JsonValue): void {
  if (!isObject(json) || isWellKnown(message)) return;
  for (const field of message.fields) {
    const value = json[field.name];
    if (value === undefined || value === null) continue;
    const int64 = field.scalar !== undefined && INT64.has(field.scalar);
    if (field.fieldKind === 'scalar' && int64) json[field.name] = safeNumber(value);
    else if (field.fieldKind === 'message') int64sAsNumbers(field.message, value);
    else if (field.fieldKind === 'list' && Array.isArray(value)) {
      if (int64) json[field.name] = value.map(safeNumber);
      else if (field.listKind === 'message') for (const item of value) int64sAsNumbers(field.message, item);
    } else if (field.fieldKind === 'map' && isObject(value)) {
      for (const [key, item] of Object.entries(value)) {
        if (int64) value[key] = safeNumber(item);
        else if (field.mapKind === 'message') int64sAsNumbers(field.message, item);
      }
    }
  }
}

/** `value` with every key whose value is undefined left out, deeply (what JSON.stringify would keep). */
function definedOnly(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : definedOnly(item)));
  if (!isObject(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (item !== undefined) copy[key] = definedOnly(item);
  return copy;
}

/** Reads and writes the messages of `registry` (see the module comment). */
export function createProtoJson(registry: FileRegistry) {
  function messageType(typeName: string): DescMessage {
    const message = registry.getMessage(typeName);
    if (!message) throw new ProtoJsonError(`message type ${typeName} is not in the loaded protos`);
    return message;
  }

  /** bufbuild's message; an unknown key is said the way a user looks for it, with the fields there are. */
  function explain(error: Error): ProtoJsonError {
    const unknown = /^cannot decode message (\S+) from JSON: key "([^"]*)" is unknown$/.exec(error.message);
    const fields = unknown ? registry.getMessage(unknown[1] as string)?.fields.map((field: DescField) => field.name) : undefined;
    if (!unknown || !fields) return new ProtoJsonError(error.message, { cause: error });
    return new ProtoJsonError(`"${unknown[2]}" is not a field of ${unknown[1]}; its fields are ${fields.join(', ') || '(none)'}`, { cause: error });
  }

  return {
    registry,
    /** The descriptor of `typeName` (`package.Message`). @throws ProtoJsonError when the protos have none */
    messageType,
    /**
     * Encodes `json`, a `typeName` message in proto3 JSON, to its wire bytes.
     * @throws ProtoJsonError naming the field that does not fit (bufbuild's words), or when
     *   `json` is not an object
     */
    encode(typeName: string, json: unknown): Uint8Array {
      const message = messageType(typeName);
      if (!isObject(json)) throw new ProtoJsonError(`a ${typeName} must be a JSON object, got ${JSON.stringify(json) ?? String(json)}`);
      try {
        return toBinary(message, fromJson(message, definedOnly(json) as JsonValue, { registry }));
      } catch (error) {
        throw explain(error as Error);
      }
    },
    /** The view (see the module comment) of a `typeName` message's wire bytes. @throws Error from bufbuild for bytes that do not decode */
    decode(typeName: string, bytes: Uint8Array): JsonValue {
      const message = messageType(typeName);
      return this.view(message, fromBinary(message, bytes));
    },
    /** The view of `value`, a decoded message of type `message`. */
    view(message: DescMessage, value: Parameters<typeof toJson>[1]): JsonValue {
      const json = toJson(message, value, { registry, useProtoFieldName: true, alwaysEmitImplicit: true });
      int64sAsNumbers(message, json);
      return json;
    },
    /**
     * The view of one field of `message` set to `value` (proto3 JSON in any accepted form):
     * how it appears in a decoded message, or undefined when setting it leaves it unset.
     * @throws ProtoJsonError when the value does not fit the field
     */
    fieldView(message: DescMessage, field: DescField, value: unknown): JsonValue | undefined {
      try {
        const decoded = fromJson(message, { [field.name]: definedOnly(value) } as JsonValue, { registry });
        return (this.view(message, decoded) as Record<string, JsonValue>)[field.name];
      } catch (error) {
        throw explain(error as Error);
      }
    },
  };
}

/** Reads and writes messages in the proto3 JSON mapping; built by {@link createProtoJson}. */
export type ProtoJson = ReturnType<typeof createProtoJson>;
