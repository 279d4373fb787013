/**
 * The wire contract, loaded from `proto/streamlab/v1/ticker.proto` at run time with
 * @grpc/proto-loader. TypeScript types for it are generated into src/generated/ by
 * `npm run gen` (proto-loader-gen-types), never written by hand.
 */
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from './generated/ticker.ts';

/** Absolute path of the proto file. */
export const TICKER_PROTO_PATH = fileURLToPath(new URL('../proto/streamlab/v1/ticker.proto', import.meta.url));

/** The service's full name, as in `rpc.service`. */
export const TICKER_SERVICE = 'streamlab.v1.Ticker';
/** The one method's name, as in `rpc.method`. */
export const SUBSCRIBE_METHOD = 'Subscribe';

/**
 * Loads the proto. Options match the `npm run gen` flags: 64-bit ints as JS numbers
 * (event ids stay far below 2^53), defaults filled in so absent fields read as 0 / ''.
 */
export function loadTickerProto(): ProtoGrpcType {
  const definition = protoLoader.loadSync(TICKER_PROTO_PATH, { longs: Number, defaults: true, keepCase: false });
  return grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType;
}
