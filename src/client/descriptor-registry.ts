/**
 * A @bufbuild/protobuf registry of the types of a proto-loader package definition, so
 * messages can be read and written in the proto3 JSON mapping (proto-json.ts) for protos
 * loaded at run time — from .proto files or from a server's reflection.
 *
 * proto-loader hands out the file descriptors protobufjs builds (`fileDescriptorProtos` of
 * every type). Those are not valid descriptors for protoc-grade tools, in two ways fixed
 * here and nowhere else (checked with protobufjs 7.5 through proto-loader 0.8):
 * - type names are relative, as written in the .proto (`google.protobuf.Timestamp`, a map
 *   field's entry `Mp` nested in its message), where descriptor.proto wants them fully
 *   qualified with a leading dot: each is resolved by protobuf's scoping rules;
 * - files are one per package (`t_v1.proto`, `google_protobuf.proto`) and list no
 *   dependencies: the files are ordered so that each comes after the ones it uses, which is
 *   what the registry needs;
 * - fields have no `json_name`, which protoc always fills (bufbuild reads it as is, so
 *   `intervalMs` would be unknown): it is set to protoc's lowerCamelCase of the name.
 * Everything else (json names, field numbers, labels, oneofs, map entries) is used as is.
 */
import { create, createFileRegistry, fromBinary } from '@bufbuild/protobuf';
import { protoCamelCase } from '@bufbuild/protobuf/reflect';
import type { FileRegistry } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import type { DescriptorProto, FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import type { PackageDefinition } from '@grpc/proto-loader';

/** The fully-qualified names (no leading dot) of every message and enum `messages` declare under `scope`. */
function declaredNames(scope: string, messages: readonly DescriptorProto[], enums: readonly { name: string }[], into: Map<string, string>, file: string): void {
  const prefix = scope ? `${scope}.` : '';
  for (const type of enums) into.set(`${prefix}${type.name}`, file);
  for (const message of messages) {
    const name = `${prefix}${message.name}`;
    into.set(name, file);
    declaredNames(name, message.nestedType, message.enumType, into, file);
  }
}

/** `name` as written in `scope`, resolved the way protoc does: innermost scope first. */
function resolve(name: string, scope: string, known: ReadonlyMap<string, string>): string | undefined {
  if (name.startsWith('.')) return known.has(name.slice(1)) ? name.slice(1) : undefined;
  for (let at = scope; ; at = at.includes('.') ? at.slice(0, at.lastIndexOf('.')) : '') {
    const candidate = at ? `${at}.${name}` : name;
    if (known.has(candidate)) return candidate;
    if (at === '') return undefined;
  }
}

/**
 * Qualifies the type names of `messages` (declared in `scope`) in place, fills in their json
 * names, and adds the files they use to `uses`.
 */
function qualify(scope: string, messages: readonly DescriptorProto[], known: ReadonlyMap<string, string>, uses: Set<string>): void {
  for (const message of messages) {
    const inner = scope ? `${scope}.${message.name}` : message.name;
    for (const field of message.field) {
      if (!field.jsonName) field.jsonName = protoCamelCase(field.name);
      if (!field.typeName) continue;
      const full = resolve(field.typeName, inner, known);
      if (!full) throw new Error(`type ${field.typeName} of field ${inner}.${field.name} is not in the loaded protos`);
      field.typeName = `.${full}`;
      uses.add(known.get(full)!);
    }
    qualify(inner, message.nestedType, known, uses);
  }
}

/**
 * Builds the registry of every type in `definition`.
 * @throws Error naming a type that cannot be resolved, or the registry's own error for a
 *   descriptor it refuses (e.g. files that use each other's types both ways)
 */
export function createDescriptorRegistry(definition: PackageDefinition): FileRegistry {
  const buffers = Object.values(definition).find((entry) => 'fileDescriptorProtos' in entry)?.fileDescriptorProtos as Buffer[] | undefined;
  const files: FileDescriptorProto[] = (buffers ?? []).map((buffer) => fromBinary(FileDescriptorProtoSchema, buffer));
  const known = new Map<string, string>();
  for (const file of files) declaredNames(file.package, file.messageType, file.enumType, known, file.name);
  const uses = new Map<string, Set<string>>();
  for (const file of files) {
    const used = new Set<string>();
    qualify(file.package, file.messageType, known, used);
    for (const service of file.service) {
      for (const method of service.method) {
        for (const key of ['inputType', 'outputType'] as const) {
          const full = resolve(method[key], file.package, known);
          if (full) {
            method[key] = `.${full}`;
            used.add(known.get(full)!);
          }
        }
      }
    }
    used.delete(file.name);
    file.dependency = [...used];
    uses.set(file.name, used);
  }
  // Each file after the files it uses (depth first); a cycle is left to the registry to refuse.
  const ordered: FileDescriptorProto[] = [];
  const placed = new Set<string>();
  const place = (file: FileDescriptorProto, path: Set<string>): void => {
    if (placed.has(file.name) || path.has(file.name)) return;
    path.add(file.name);
    for (const name of uses.get(file.name) ?? []) {
      const dependency = files.find((candidate) => candidate.name === name);
      if (dependency) place(dependency, path);
    }
    placed.add(file.name);
    ordered.push(file);
  };
  for (const file of files) place(file, new Set());
  return createFileRegistry(create(FileDescriptorSetSchema, { file: ordered }));
}
