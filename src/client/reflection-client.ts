/**
 * A gRPC server reflection client (https://github.com/grpc/grpc/blob/master/doc/server-reflection.md):
 * lists a server's services and fetches the file descriptors that declare one of them, with
 * every file they import, over one ServerReflectionInfo stream. It asks
 * `grpc.reflection.v1` first and `grpc.reflection.v1alpha` when v1 is UNIMPLEMENTED (older
 * servers serve only the alpha). The protos are @grpc/reflection's own copies.
 *
 * Written here rather than taken from npm: grpc-js-reflection-client 1.4 asks v1alpha unless
 * told otherwise, has no fallback, opens one stream per request and brings protobufjs 8,
 * lodash and google-protobuf beside our protobufjs 7.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { ClientDuplexStream } from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import type { IFileDescriptorProto } from 'protobufjs/ext/descriptor/index.js';

const { FileDescriptorProto, FileDescriptorSet } = descriptor;

/** The two versions, newest first. */
const VERSIONS = ['v1', 'v1alpha'] as const;

/** A request and a response as proto-loader gives them (keepCase, oneofs). */
interface ReflectionRequest { file_by_filename?: string; file_containing_symbol?: string; list_services?: string }
interface ReflectionResponse {
  message_response?: 'file_descriptor_response' | 'list_services_response' | 'error_response' | 'all_extension_numbers_response';
  file_descriptor_response?: { file_descriptor_proto: Buffer[] };
  list_services_response?: { service: Array<{ name: string }> };
  error_response?: { error_code: number; error_message: string };
}

/** A failure of reflection itself (not the server's answer to a symbol): carries the gRPC code. */
export class ReflectionError extends Error {
  readonly code: number | undefined;
  constructor(message: string, code?: number) {
    super(message);
    this.name = 'ReflectionError';
    this.code = code;
  }
}

type StubConstructor = new (target: string, credentials: grpc.ChannelCredentials) => grpc.Client & {
  ServerReflectionInfo(): ClientDuplexStream<ReflectionRequest, ReflectionResponse>;
};

let stubs: Record<(typeof VERSIONS)[number], StubConstructor> | undefined;

/** The ServerReflection client constructors, loaded once from @grpc/reflection's protos. */
function reflectionStubs(): NonNullable<typeof stubs> {
  if (stubs) return stubs;
  const protoDir = join(dirname(createRequire(import.meta.url).resolve('@grpc/reflection')), '..', 'proto');
  const files = VERSIONS.map((version) => `grpc/reflection/${version}/reflection.proto`);
  const loaded = grpc.loadPackageDefinition(protoLoader.loadSync(files, { keepCase: true, oneofs: true, includeDirs: [protoDir] }));
  const reflection = (loaded.grpc as grpc.GrpcObject).reflection as unknown as Record<string, { ServerReflection: StubConstructor }>;
  stubs = { v1: reflection.v1!.ServerReflection, v1alpha: reflection.v1alpha!.ServerReflection };
  return stubs;
}

/** One reflection stream: requests answered in order. */
function openSession(stub: InstanceType<StubConstructor>) {
  const call = stub.ServerReflectionInfo();
  const waiting: Array<{ resolve(response: ReflectionResponse): void; reject(error: Error): void }> = [];
  let failure: Error | undefined;
  let cancelledBecause: string | undefined;
  call.on('data', (response: ReflectionResponse) => waiting.shift()?.resolve(response));
  call.on('error', (error: grpc.ServiceError) => {
    failure = new ReflectionError(cancelledBecause ?? (error.details || error.message), cancelledBecause ? undefined : error.code);
    for (const pending of waiting.splice(0)) pending.reject(failure);
  });
  return {
    ask(request: ReflectionRequest): Promise<ReflectionResponse> {
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        call.write(request);
      });
    },
    close: () => call.end(),
    /** Cancels the stream; pending and later requests fail with `reason`. */
    cancel(reason: string) {
      cancelledBecause = reason;
      call.cancel();
    },
  };
}

/** What reflection found about a service. */
export interface ReflectedService {
  /** Every service the server lists (`package.Service`). */
  services: string[];
  /** An encoded FileDescriptorSet declaring the service and everything it imports; undefined when the server has no such service. */
  descriptorSet?: Buffer;
  /** The reflection version that answered. */
  version: (typeof VERSIONS)[number];
}

/** Asks one version; rejects with a ReflectionError (UNIMPLEMENTED when the server lacks that version). */
async function reflectWith(version: (typeof VERSIONS)[number], target: string, service: string, timeoutMs: number): Promise<ReflectedService> {
  const stub = new (reflectionStubs()[version])(target, grpc.credentials.createInsecure());
  const session = openSession(stub);
  const timer = setTimeout(() => session.cancel(`no answer within ${timeoutMs} ms`), timeoutMs);
  try {
    const listed = await session.ask({ list_services: '*' });
    const services = (listed.list_services_response?.service ?? []).map((entry) => entry.name);
    if (!services.includes(service)) return { services, version };
    const files = new Map<string, Uint8Array>();
    const missing = new Set<string>();
    const take = (response: ReflectionResponse, asked: string) => {
      if (response.error_response) throw new ReflectionError(`${asked}: ${response.error_response.error_message}`, response.error_response.error_code);
      for (const bytes of response.file_descriptor_response?.file_descriptor_proto ?? []) {
        const file = FileDescriptorProto.decode(bytes) as IFileDescriptorProto;
        const name = file.name ?? '';
        if (files.has(name)) continue;
        files.set(name, bytes);
        missing.delete(name);
        for (const dependency of file.dependency ?? []) if (!files.has(dependency)) missing.add(dependency);
      }
    };
    take(await session.ask({ file_containing_symbol: service }), service);
    for (let name = missing.values().next().value; name !== undefined; name = missing.values().next().value) {
      missing.delete(name);
      take(await session.ask({ file_by_filename: name }), name);
    }
    const set = FileDescriptorSet.create({ file: [...files.values()].map((bytes) => FileDescriptorProto.decode(bytes)) });
    return { services, descriptorSet: Buffer.from(FileDescriptorSet.encode(set).finish()), version };
  } finally {
    clearTimeout(timer);
    session.close();
    stub.close();
  }
}

/**
 * Lists the services of the server at `target` and fetches the descriptors of `service`.
 * @param timeoutMs bound on the whole exchange, per version tried
 * @throws ReflectionError when neither version answers (no server, no reflection, timeout)
 */
export async function reflectService(target: string, service: string, timeoutMs = 10_000): Promise<ReflectedService> {
  try {
    return await reflectWith('v1', target, service, timeoutMs);
  } catch (error) {
    if (!(error instanceof ReflectionError) || error.code !== grpc.status.UNIMPLEMENTED) throw error;
    return reflectWith('v1alpha', target, service, timeoutMs);
  }
}
