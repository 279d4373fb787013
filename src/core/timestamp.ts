/**
 * google.protobuf.Timestamp conversions (https://protobuf.dev/reference/protobuf/google.protobuf/#timestamp).
 */

/** A Timestamp as proto-loader reads and writes it (int64 seconds as a JS number, see src/core/proto.ts). */
export interface ProtoTimestamp {
  seconds: number;
  nanos: number;
}

/** The Timestamp of `ms` ms since the Unix epoch. */
export function toTimestamp(ms: number): ProtoTimestamp {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

/**
 * Ms since the Unix epoch of a received Timestamp, or undefined when it is unset or zero
 * (a foreign server that does not fill it in): never a made-up age of ~56 years.
 */
export function fromTimestamp(timestamp: { seconds?: number | string; nanos?: number } | null | undefined): number | undefined {
  if (!timestamp) return undefined;
  const seconds = Number(timestamp.seconds ?? 0);
  const nanos = timestamp.nanos ?? 0;
  if (seconds === 0 && nanos === 0) return undefined;
  return seconds * 1000 + nanos / 1e6;
}
