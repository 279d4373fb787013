/**
 * The user's protos for `streamlab mock`, loaded at run time (no code generation) with the
 * options that decode messages into the JSON view scripts see (message-view.ts).
 */
import { existsSync } from 'node:fs';
import { basename, dirname, relative, resolve, sep } from 'node:path';
import * as protoLoader from '@grpc/proto-loader';
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import { MOCK_PROTO_OPTIONS } from './message-view.ts';

/** One service of the loaded protos. */
export interface LoadedService {
  /** `package.Service`. */
  name: string;
  definition: ServiceDefinition;
  /** The whole package definition the service came from (to check messages against their types). */
  packageDefinition: protoLoader.PackageDefinition;
  /** Full name of each method's response type (`package.Message`), by method name. */
  responseTypes: Record<string, string>;
}

/**
 * The full name (`package.Message`) of a method's request or response type. proto-loader
 * builds a fresh object for each method's types, so the type is found by its descriptor:
 * its name, and when several types share it, the whole descriptor (types that equal in both
 * check the same way).
 */
function typeNameOf(definition: protoLoader.PackageDefinition, type: protoLoader.MessageTypeDefinition<unknown, unknown>): string {
  const nameOf = (message: protoLoader.MessageTypeDefinition<unknown, unknown>) => (message.type as { name?: string }).name;
  const named = Object.entries(definition).filter(([, value]) => 'format' in value && nameOf(value as protoLoader.MessageTypeDefinition<unknown, unknown>) === nameOf(type));
  if (named.length === 1) return named[0]![0];
  const descriptor = JSON.stringify(type.type);
  return named.find(([, value]) => JSON.stringify((value as protoLoader.MessageTypeDefinition<unknown, unknown>).type) === descriptor)?.[0] ?? 'unknown';
}

/**
 * Names each proto relative to the include directory it is under, adding its own directory
 * when none is (as `protoc -I` would need), so imports resolve and reflection names files
 * by their path in the include tree, not by an absolute path.
 * @throws Error naming a proto file that does not exist
 */
function locate(paths: readonly string[], includeDirs: readonly string[]): { files: string[]; includeDirs: string[] } {
  const dirs = includeDirs.map((dir) => resolve(dir));
  const files = paths.map((path) => {
    const absolute = resolve(path);
    if (!existsSync(absolute)) throw new Error(`--proto ${path}: no such file`);
    const under = dirs.find((dir) => absolute.startsWith(dir + sep));
    if (under) return relative(under, absolute);
    if (!dirs.includes(dirname(absolute))) dirs.push(dirname(absolute));
    return basename(absolute);
  });
  return { files, includeDirs: dirs };
}

/**
 * Loads `paths` (with `includeDirs` for imports).
 * @returns every service they define, in name order
 * @throws Error from proto-loader naming the file that does not parse or is not found, or
 *   when the protos define no service
 */
export function loadMockProtos(paths: readonly string[], includeDirs: readonly string[] = []): LoadedService[] {
  const located = locate(paths, includeDirs);
  const definition = protoLoader.loadSync(located.files, { ...MOCK_PROTO_OPTIONS, includeDirs: located.includeDirs });
  const services = Object.entries(definition)
    // Message and enum definitions carry `format`; a service is a map of method definitions.
    .filter(([, value]) => !('format' in value) && Object.values(value).every((method) => typeof (method as MethodDefinition<unknown, unknown>).path === 'string'))
    .map(([name, value]) => ({
      name,
      definition: value as unknown as ServiceDefinition,
      packageDefinition: definition,
      responseTypes: Object.fromEntries(Object.entries(value).map(([method, def]) => [method, typeNameOf(definition, (def as protoLoader.MethodDefinition<unknown, unknown>).responseType as protoLoader.MessageTypeDefinition<unknown, unknown>)])),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  if (services.length === 0) throw new Error(`${paths.join(', ')} define no service: nothing to mock`);
  return services;
}
