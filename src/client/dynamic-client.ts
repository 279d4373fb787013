/**
 * An observed client for one method of any service, found at run time: from proto files
 * (@grpc/proto-loader) or, without them, from the server's reflection. Its calls are
 * observed exactly as streamlab's own client's (src/client/streamlab-client.ts): the
 * lifecycle interceptor, watched credentials, method infos with both serializers (message
 * sizes both ways), and the end cause on the client side. The RPC kind comes from the
 * method definition.
 *
 * Messages are in the proto3 JSON mapping (proto-json.ts). Requests: proto or json field
 * names, Timestamp as RFC 3339, Duration as "1.5s", wrappers as plain values, Struct/Value as
 * JSON, 64-bit integers as numbers or strings, bytes as base64. Responses: the view of
 * proto-json.ts — proto field names, enums as names, defaults included, well-known types in
 * their JSON form, 64-bit integers as numbers while exact (strings beyond).
 */
import * as grpc from '@grpc/grpc-js';
import type { ClientDuplexStream, ClientReadableStream, ClientUnaryCall, ClientWritableStream, MethodDefinition } from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { methodInfoOf } from '../core/method-info.ts';
import type { MethodInfo } from '../core/method-info.ts';
import type { TelemetryDeps } from '../telemetry/telemetry-deps.ts';
import { createDescriptorRegistry } from './descriptor-registry.ts';
import { createProtoJson } from './proto-json.ts';
import { createObservedChannel, createWatchedSockets, observedChannelOptions, openObservedCall, responseSlot } from './observed-channel.ts';
import { reflectService } from './reflection-client.ts';
import { CLIENT_DEFAULTS } from './client-options.ts';
import type { ClientCallOptions, ObservedCall, ObservedUnaryCall, StreamlabClientOptions } from './client-options.ts';

/** How the dynamic client loads protos: for its definitions and descriptors; messages go through proto-json.ts. */
export const DYNAMIC_LOADER_OPTIONS: protoLoader.Options = { keepCase: true, enums: String, longs: String, defaults: true, oneofs: true };

/** Options of {@link createDynamicClient}; the channel settings are streamlab's client's. */
export interface DynamicClientOptions extends StreamlabClientOptions {
  /** `package.Service/Method` (a leading `/` is accepted). */
  method: string;
  /** Proto files declaring the service; none: ask the server's reflection. */
  protoPaths?: readonly string[];
  /** Directories imports are resolved against (`-I`). */
  includeDirs?: readonly string[];
  /** Bound on the reflection exchange, ms. Default 10,000. */
  reflectionTimeoutMs?: number;
}

/** The method cannot be found (unknown service or method, malformed name): a usage error. */
export class MethodNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MethodNotFoundError';
  }
}

type Definition = MethodDefinition<unknown, unknown> & { requestType: { type: { name: string } } };

/** Splits `package.Service/Method`. @throws MethodNotFoundError when it is not of that form */
export function parseMethodName(name: string): { service: string; method: string } {
  const match = /^\/?([\w.]+)\/(\w+)$/.exec(name.trim());
  if (!match) throw new MethodNotFoundError(`--method "${name}" is not of the form package.Service/Method`);
  return { service: match[1] as string, method: match[2] as string };
}

const isService = (entry: unknown) => typeof entry === 'object' && entry !== null && !('format' in entry);
const servicesOf = (definition: protoLoader.PackageDefinition) => Object.keys(definition).filter((key) => isService(definition[key]));

/** Loads the package definition and finds the method. @throws MethodNotFoundError; ReflectionError when reflection fails */
async function resolveMethod(options: DynamicClientOptions) {
  const { service, method } = parseMethodName(options.method);
  let definition: protoLoader.PackageDefinition;
  let source: string;
  if (options.protoPaths?.length) {
    const includeDirs = options.includeDirs?.length ? { includeDirs: [...options.includeDirs] } : {};
    definition = protoLoader.loadSync([...options.protoPaths], { ...DYNAMIC_LOADER_OPTIONS, ...includeDirs });
    source = options.protoPaths.join(', ');
    if (!isService(definition[service])) {
      throw new MethodNotFoundError(`unknown service "${service}" in ${source}: its services are ${servicesOf(definition).join(', ') || '(none)'}`);
    }
  } else {
    const reflected = await reflectService(options.target, service, options.reflectionTimeoutMs);
    if (!reflected.descriptorSet) {
      throw new MethodNotFoundError(`unknown service "${service}" on ${options.target}: it serves ${reflected.services.join(', ') || '(nothing)'}`);
    }
    definition = protoLoader.loadFileDescriptorSetFromBuffer(reflected.descriptorSet, DYNAMIC_LOADER_OPTIONS);
    source = `reflection ${reflected.version}`;
  }
  const serviceDefinition = definition[service] as Record<string, Definition>;
  const found = serviceDefinition[method];
  if (!found) throw new MethodNotFoundError(`unknown method "${method}" of ${service}: its methods are ${Object.keys(serviceDefinition).join(', ')}`);
  return { definition, service, method, serviceDefinition, found, source };
}

/**
 * Finds the method and creates its client; nothing connects until the first call (except
 * reflection, which asks `options.target` once).
 * @param deps telemetry dependencies
 * @throws MethodNotFoundError (a usage error); ReflectionError when reflection fails; proto-loader's errors for unreadable protos
 */
export async function createDynamicClient(deps: TelemetryDeps, options: DynamicClientOptions) {
  const { definition, service, method, serviceDefinition, found, source } = await resolveMethod(options);
  // Requests are written in the proto3 JSON mapping (Timestamp as RFC 3339, int64 as a string, json names, …).
  const json = createProtoJson(createDescriptorRegistry(definition));
  const described = json.registry.getService(service)?.methods.find((entry) => entry.name === method);
  const requestType = described?.input.typeName ?? 'unknown';
  const responseType = described?.output.typeName ?? 'unknown';
  serviceDefinition[method] = {
    ...found,
    requestSerialize: (request: unknown) => Buffer.from(json.encode(requestType, request)),
    // The response serializer only measures received messages (method-info.ts): it must take the view.
    responseSerialize: (response: unknown) => Buffer.from(json.encode(responseType, response)),
    responseDeserialize: (bytes: Buffer) => json.decode(responseType, bytes),
  };
  const info: MethodInfo = methodInfoOf(serviceDefinition[method]);
  const sockets = createWatchedSockets();
  // grpc.loadPackageDefinition's constructors are the ones instrumentation-grpc patches (CLIENT spans, context propagation).
  const Stub = grpc.loadPackageDefinition({ [service]: serviceDefinition } as protoLoader.PackageDefinition) as unknown as Record<string, grpc.ServiceClientConstructor>;
  const ctor = service.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], Stub) as grpc.ServiceClientConstructor;
  const client = new ctor(options.target, sockets.credentials, observedChannelOptions(options)) as grpc.Client & Record<string, (...args: unknown[]) => never>;
  const channel = createObservedChannel(deps, sockets, options.target, new Map([[info.path, info]]), options.settleMs ?? CLIENT_DEFAULTS.settleMs);
  const invoke = client[method] as (...args: unknown[]) => never;
  const call = <Call extends { cancel(): void; on(event: 'error', listener: () => void): unknown }>(...args: unknown[]) =>
    (metadata: grpc.Metadata, grpcOptions: grpc.CallOptions): Call => invoke.call(client, ...args, metadata, grpcOptions);

  return {
    /** The method: path, service, name and RPC kind. */
    method: info,
    /** Full name of the request message type. */
    requestType,
    /** Where the schema came from: the proto paths, or `reflection v1` / `reflection v1alpha`. */
    source,
    /** Checks a request (parsed JSON, proto3 JSON mapping). @throws ProtoJsonError naming the field */
    checkRequest(request: unknown): void {
      json.encode(requestType, request);
    },
    /** A unary call. Call it inside the context whose baggage carries the scenario; likewise below. */
    unary(request: unknown, callOptions: ClientCallOptions = {}): ObservedUnaryCall<ClientUnaryCall, unknown> {
      const slot = responseSlot<unknown>();
      return { ...openObservedCall(channel, callOptions, (metadata, grpcOptions) => invoke.call(client, request, metadata, grpcOptions, slot.callback) as ClientUnaryCall), response: slot.response };
    },
    /** A server-streaming call: read 'data' until the end. */
    serverStream(request: unknown, callOptions: ClientCallOptions = {}): ObservedCall<ClientReadableStream<unknown>> {
      return openObservedCall(channel, callOptions, call<ClientReadableStream<unknown>>(request));
    },
    /** A client-streaming call: write requests, then `call.end()`. */
    clientStream(callOptions: ClientCallOptions = {}): ObservedUnaryCall<ClientWritableStream<unknown>, unknown> {
      const slot = responseSlot<unknown>();
      return { ...openObservedCall(channel, callOptions, (metadata, grpcOptions) => invoke.call(client, metadata, grpcOptions, slot.callback) as ClientWritableStream<unknown>), response: slot.response };
    },
    /** A bidi call: write requests, read 'data', `call.end()` to half-close. */
    bidiStream(callOptions: ClientCallOptions = {}): ObservedCall<ClientDuplexStream<unknown, unknown>> {
      return openObservedCall(channel, callOptions, call<ClientDuplexStream<unknown, unknown>>());
    },
    /** The client's channel (connectivity state). */
    channel: client.getChannel(),
    /** Sockets connected so far. */
    get connections(): number {
      return sockets.connections;
    },
    /** Closes the channel. */
    close(): void {
      client.close();
    },
  };
}

/** The client built by {@link createDynamicClient}. */
export type DynamicClient = Awaited<ReturnType<typeof createDynamicClient>>;
