/**
 * The user's protos for `streamlab mock`, loaded at run time (no code generation): proto-loader
 * for the service definitions and reflection, their messages read and written in the proto3
 * JSON mapping (src/client/proto-json.ts), the view scripts see.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, relative, resolve, sep } from 'node:path';
import * as protoLoader from '@grpc/proto-loader';
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import { createDescriptorRegistry } from '../client/descriptor-registry.ts';
import { createProtoJson } from '../client/proto-json.ts';
import type { ProtoJson } from '../client/proto-json.ts';
import { MOCK_PROTO_OPTIONS } from './message-view.ts';

/** One service of the loaded protos. */
export interface LoadedService {
  /** `package.Service`. */
  name: string;
  /**
   * Its grpc-js definition, messages in the proto3 JSON mapping both ways (proto-json.ts):
   * a request arrives as its view; a response is written as JSON, or as bytes already encoded.
   */
  definition: ServiceDefinition;
  /** The messages of the loaded protos in proto3 JSON. */
  json: ProtoJson;
  /** Full name of each method's request type (`package.Message`), by method name. */
  requestTypes: Record<string, string>;
  /** Full name of each method's response type, by method name. */
  responseTypes: Record<string, string>;
}

/** grpc-js serializers of `typeName` through `json`: JSON in, the view out; bytes pass as they are. */
function serializers(json: ProtoJson, typeName: string) {
  return {
    serialize: (value: unknown): Buffer => (value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : Buffer.from(json.encode(typeName, value))),
    deserialize: (bytes: Buffer): unknown => json.decode(typeName, bytes),
  };
}

/** The service `name` of `definition` with its messages in proto3 JSON. */
function serviceOf(name: string, definition: protoLoader.ServiceDefinition, json: ProtoJson): LoadedService {
  const methods = json.registry.getService(name)?.methods ?? [];
  const typeOf = (method: string, side: 'input' | 'output'): string => methods.find((entry) => entry.name === method)?.[side].typeName ?? 'unknown';
  const requestTypes: Record<string, string> = {};
  const responseTypes: Record<string, string> = {};
  const service: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const [method, loaded] of Object.entries(definition)) {
    requestTypes[method] = typeOf(method, 'input');
    responseTypes[method] = typeOf(method, 'output');
    const request = serializers(json, requestTypes[method]);
    const response = serializers(json, responseTypes[method]);
    service[method] = {
      ...(loaded as unknown as MethodDefinition<unknown, unknown>),
      requestSerialize: request.serialize, requestDeserialize: request.deserialize,
      responseSerialize: response.serialize, responseDeserialize: response.deserialize,
    };
  }
  return { name, definition: service, json, requestTypes, responseTypes };
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
  const json = createProtoJson(createDescriptorRegistry(definition));
  const services = Object.entries(definition)
    // Message and enum definitions carry `format`; a service is a map of method definitions.
    .filter(([, value]) => !('format' in value) && Object.values(value).every((method) => typeof (method as MethodDefinition<unknown, unknown>).path === 'string'))
    .map(([name, value]) => serviceOf(name, value as protoLoader.ServiceDefinition, json))
    .sort((a, b) => a.name.localeCompare(b.name));
  if (services.length === 0) throw new Error(`${paths.join(', ')} define no service: nothing to mock`);
  return services;
}
