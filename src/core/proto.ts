/**
 * The wire contract, loaded from `proto/streamlab/v1/{ticker,delivery}.proto` at run time
 * with @grpc/proto-loader. TypeScript types for it are generated into src/generated/ by
 * `npm run gen` (proto-loader-gen-types), never written by hand.
 */
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as TickerProto } from '../generated/ticker.ts';
import type { ProtoGrpcType as DeliveryProto } from '../generated/delivery.ts';

/** Absolute paths of the proto files. */
export const PROTO_PATHS = ['ticker.proto', 'delivery.proto'].map((file) => fileURLToPath(new URL(`../../proto/streamlab/v1/${file}`, import.meta.url)));

/** The services' full names, as in `rpc.service`. */
export const TICKER_SERVICE = 'streamlab.v1.Ticker';
export const DELIVERY_SERVICE = 'streamlab.v1.Delivery';

/** Both files' services and messages, under `streamlab.v1`. */
export type StreamlabProto = TickerProto & DeliveryProto;

/**
 * Proto-loader options; they match the `npm run gen` flags: 64-bit ints as JS numbers
 * (ids stay far below 2^53), defaults filled in so absent fields read as 0 / '', and a
 * oneof's `kind` field naming the member that is set.
 */
const LOADER_OPTIONS: protoLoader.Options = { longs: Number, defaults: true, oneofs: true, keepCase: false };

let loaded: StreamlabProto | undefined;

/** Loads the protos once per process (parsing them is the slow part) and returns the package. */
export function loadStreamlabProto(): StreamlabProto {
  loaded ??= grpc.loadPackageDefinition(protoLoader.loadSync(PROTO_PATHS, LOADER_OPTIONS)) as unknown as StreamlabProto;
  return loaded;
}
