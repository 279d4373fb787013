/**
 * Repairs the file descriptors @grpc/proto-loader attaches to every definition
 * (`fileDescriptorProtos`, encoded `google.protobuf.FileDescriptorProto`s) so a reflection
 * client can rebuild the schema from them (grpc server reflection protocol:
 * https://github.com/grpc/grpc/blob/master/doc/server-reflection.md).
 *
 * proto-loader 0.7/0.8 (protobufjs `Root.toDescriptor`) regroups a root's types into one
 * file per package, named after it (`streamlab_v1.proto`, `google_protobuf.proto`), and
 * leaves every file's `dependency` list empty; @grpc/reflection 1.0.4 serves them as they
 * are (grpc/grpc-node#3034). A client resolves imports through that list only, so grpcurl
 * fails on any message with a google.protobuf.Timestamp field ("cannot resolve type").
 * Roots loaded apart also carry different files of one name: streamlab's
 * google_protobuf.proto holds Timestamp only, channelz's Any, Duration, Timestamp and the
 * wrappers; @grpc/reflection keeps whichever comes first. So here:
 * - files of one name are merged (their types unioned; the first of a name wins);
 * - each file's `dependency` lists the files declaring the types its fields, extensions and
 *   methods reference (resolved with protobuf's scoping rules);
 * - what protobufjs's `toDescriptor` gets wrong is put back (proto3 `optional` flags, map
 *   entry names, exclusive range ends; see repairMessages).
 */
import descriptor from 'protobufjs/ext/descriptor/index.js';
import type { IDescriptorProto, IFieldDescriptorProto, IFileDescriptorProto } from 'protobufjs/ext/descriptor/index.js';

const { FileDescriptorProto } = descriptor;

/** A field as the descriptor schema has it (the package's typings omit proto3_optional). */
type Field = IFieldDescriptorProto & { proto3Optional?: boolean };
/** The repeated top-level declarations of a file, merged by name. */
const DECLARATIONS = ['messageType', 'enumType', 'service', 'extension'] as const;

/** A type reference and the scope (`.package.Message`) it appears in. */
interface Reference {
  name: string;
  scope: string;
}

/** Every message of `messages`, nested ones included, with its full name (`.pkg.Outer.Inner`). */
function* walkMessages(messages: IDescriptorProto[] | undefined, scope: string): Generator<[string, IDescriptorProto]> {
  for (const message of messages ?? []) {
    const name = `${scope}.${message.name ?? ''}`;
    yield [name, message];
    yield* walkMessages(message.nestedType, name);
  }
}

const packageScope = (file: IFileDescriptorProto) => (file.package ? `.${file.package}` : '');

/** Full names of the messages and enums `file` declares. */
function* declaredTypes(file: IFileDescriptorProto): Generator<string> {
  const scope = packageScope(file);
  for (const type of file.enumType ?? []) yield `${scope}.${type.name ?? ''}`;
  for (const [name, message] of walkMessages(file.messageType, scope)) {
    yield name;
    for (const type of message.enumType ?? []) yield `${name}.${type.name ?? ''}`;
  }
}

/** Every type name `file` refers to, with its scope. */
function* references(file: IFileDescriptorProto): Generator<Reference> {
  const scope = packageScope(file);
  const ofFields = function* (fields: Field[] | undefined, at: string): Generator<Reference> {
    for (const field of fields ?? []) {
      if (field.typeName) yield { name: field.typeName, scope: at };
      if (field.extendee) yield { name: field.extendee, scope: at };
    }
  };
  yield* ofFields(file.extension, scope);
  for (const [name, message] of walkMessages(file.messageType, scope)) {
    yield* ofFields(message.field, name);
    yield* ofFields(message.extension, name);
  }
  for (const service of file.service ?? []) {
    for (const method of service.method ?? []) {
      if (method.inputType) yield { name: method.inputType, scope };
      if (method.outputType) yield { name: method.outputType, scope };
    }
  }
}

/** The file declaring `ref`: absolute (`.a.B`), or relative, searched from the innermost scope outwards. */
function resolve(ref: Reference, symbols: Map<string, string>): string | undefined {
  if (ref.name.startsWith('.')) return symbols.get(ref.name);
  for (let scope = ref.scope; ; scope = scope.slice(0, scope.lastIndexOf('.'))) {
    const found = symbols.get(`${scope}.${ref.name}`);
    if (found !== undefined || scope === '') return found;
  }
}

/** protoc's name of a map field's entry type: `statuses` → `StatusesEntry`, `by_id` → `ById` + `Entry`. */
const mapEntryName = (field: string) => `${field.replace(/(?:^|_)(.?)/g, (_, next: string) => next.toUpperCase())}Entry`;

/**
 * Puts back what protobufjs's `toDescriptor` gets wrong in each message, so strict clients
 * (Go's protodesc, in grpcurl) accept the file:
 * - proto3 `optional`: the flag, on a field alone in a oneof named `_<field>` (as protoc declares it);
 * - map entries: named `<Field>Entry` (protobufjs names them `<Field>`);
 * - reserved and extension ranges: end exclusive (protobufjs writes its inclusive end).
 */
function repairMessages(file: IFileDescriptorProto): void {
  for (const [, message] of walkMessages(file.messageType, '')) {
    const fields: Field[] = message.field ?? [];
    for (const field of fields) {
      const entry = message.nestedType?.find((type) => type.options?.mapEntry && type.name === field.typeName);
      if (entry && field.name) entry.name = field.typeName = mapEntryName(field.name);
      if (field.oneofIndex === undefined || field.oneofIndex === null) continue;
      const oneof = message.oneofDecl?.[field.oneofIndex];
      const members = fields.filter((other) => other.oneofIndex === field.oneofIndex).length;
      if (oneof?.name === `_${field.name ?? ''}` && members === 1) field.proto3Optional = true;
    }
    for (const range of [...(message.reservedRange ?? []), ...(message.extensionRange ?? [])]) {
      if (range.end !== undefined && range.end !== null) range.end += 1;
    }
  }
}

/** Adds to `into` the declarations of `from` whose names it does not have yet. */
function merge(into: IFileDescriptorProto, from: IFileDescriptorProto): void {
  for (const key of DECLARATIONS) {
    const known = new Set((into[key] ?? []).map((item) => item.name));
    const added = (from[key] ?? []).filter((item) => !known.has(item.name));
    if (added.length > 0) into[key] = [...(into[key] ?? []), ...added] as never;
  }
}

const decode = (bytes: Uint8Array) => FileDescriptorProto.toObject(FileDescriptorProto.decode(bytes)) as IFileDescriptorProto;

/**
 * Merges, links and re-encodes file descriptors.
 * @param encoded encoded FileDescriptorProtos (of two files of one name, the first one's
 *   declarations win)
 * @param overrides encoded FileDescriptorProtos that win over `encoded`'s files of the
 *   same name (the same protos loaded with their own field names); one without a file of
 *   its name in `encoded` is left out
 * @returns one encoded FileDescriptorProto per file name of `encoded`, each with its
 *   `dependency` list
 */
export function linkFileDescriptors(encoded: Iterable<Uint8Array>, overrides: Iterable<Uint8Array> = []): Buffer[] {
  const preferred = new Map<string, IFileDescriptorProto>();
  for (const bytes of new Set(overrides)) {
    const file = decode(bytes);
    const known = preferred.get(file.name ?? '');
    if (known) merge(known, file);
    else preferred.set(file.name ?? '', file);
  }
  const files = new Map<string, IFileDescriptorProto>();
  for (const bytes of new Set(encoded)) {
    const file = decode(bytes);
    const name = file.name ?? '';
    const known = files.get(name) ?? preferred.get(name);
    files.set(name, known ?? file);
    if (known) merge(known, file);
  }
  const symbols = new Map<string, string>();
  for (const [name, file] of files) {
    for (const type of declaredTypes(file)) if (!symbols.has(type)) symbols.set(type, name);
  }
  return [...files.values()].map((file) => {
    const dependencies = new Set<string>(file.dependency ?? []);
    for (const ref of references(file)) {
      const declaredIn = resolve(ref, symbols);
      if (declaredIn !== undefined && declaredIn !== file.name) dependencies.add(declaredIn);
    }
    file.dependency = [...dependencies];
    repairMessages(file);
    return Buffer.from(FileDescriptorProto.encode(FileDescriptorProto.fromObject(file)).finish());
  });
}
