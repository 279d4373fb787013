/**
 * What the observation layer needs to know about a method, read from its grpc-js method
 * definition (any proto, loaded at run time or generated): its RPC kind, its names and its
 * serializers, which give message sizes.
 */
import type { MethodDefinition } from '@grpc/grpc-js';

/** The four RPC kinds, as go-grpc-prometheus's `grpc_type` label spells them. */
export const RPC_KINDS = ['unary', 'client_stream', 'server_stream', 'bidi_stream'] as const;

/** One of {@link RPC_KINDS}. */
export type RpcKind = (typeof RPC_KINDS)[number];

/** A method, as the observation layer sees it. */
export interface MethodInfo {
  /** `/package.Service/Method`, as on the wire. */
  readonly path: string;
  /** `package.Service` (`rpc.service`, label `grpc_service`). */
  readonly service: string;
  /** `Method` (`rpc.method`, label `grpc_method`). */
  readonly method: string;
  readonly kind: RpcKind;
  /** The go-grpc-prometheus labels of the method, built once: `{ grpc_type, grpc_service, grpc_method }`. */
  readonly grpcLabels: Readonly<Record<'grpc_type' | 'grpc_service' | 'grpc_method', string>>;
  /** Wire size in bytes of a request message (serialized again; call it only where the size is needed). */
  requestBytes(message: unknown): number;
  /** Wire size in bytes of a response message (serialized again; call it only where the size is needed). */
  responseBytes(message: unknown): number;
}

/** The RPC kind of a method from its definition's `requestStream` / `responseStream` flags. */
export function rpcKindOf(definition: { requestStream: boolean; responseStream: boolean }): RpcKind {
  if (definition.requestStream) return definition.responseStream ? 'bidi_stream' : 'client_stream';
  return definition.responseStream ? 'server_stream' : 'unary';
}

/**
 * Splits `/package.Service/Method` into service and method.
 * @throws Error naming the path when it is not of that form
 */
export function splitMethodPath(path: string): { service: string; method: string } {
  const match = /^\/([^/]+)\/([^/]+)$/.exec(path);
  if (!match) throw new Error(`method path "${path}" is not of the form /package.Service/Method`);
  return { service: match[1] as string, method: match[2] as string };
}

/** Serializers as grpc-js names them on the server (MethodDefinition) and on the client (ClientMethodDefinition). */
interface Serializers {
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  requestSerialize: (value: never) => Buffer;
  responseSerialize?: (value: never) => Buffer;
}

const sizer = (serialize: ((value: never) => Buffer) | undefined) => (message: unknown): number => {
  if (!serialize) return 0;
  try {
    return serialize(message as never).length;
  } catch {
    return 0; // a message the serializer rejects is rejected by grpc-js as well; its size is unknown
  }
};

/**
 * Builds the method info of a grpc-js method definition (server side: `MethodDefinition`;
 * client side: `ClientMethodDefinition`, which has no response serializer, so response
 * sizes are 0 there unless `responseSerialize` is given).
 */
export function methodInfoOf(definition: Serializers | MethodDefinition<unknown, unknown>): MethodInfo {
  const { service, method } = splitMethodPath(definition.path);
  const kind = rpcKindOf(definition);
  return {
    path: definition.path,
    service,
    method,
    kind,
    grpcLabels: { grpc_type: kind, grpc_service: service, grpc_method: method },
    requestBytes: sizer(definition.requestSerialize as Serializers['requestSerialize']),
    responseBytes: sizer(definition.responseSerialize as Serializers['responseSerialize']),
  };
}

/**
 * Method infos by path, built on first use: grpc-js hands interceptors a fresh method
 * definition for every call, and only registered methods reach them, so the cache holds
 * one entry per method the server or channel serves.
 */
export function createMethodInfoCache(): (definition: Serializers | MethodDefinition<unknown, unknown>) => MethodInfo {
  const infos = new Map<string, MethodInfo>();
  return (definition) => {
    let info = infos.get(definition.path);
    if (!info) {
      info = methodInfoOf(definition);
      infos.set(definition.path, info);
    }
    return info;
  };
}
