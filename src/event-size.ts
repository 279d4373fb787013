/**
 * Exact wire size of an Event as streamlab sends it, computed from its fields without
 * encoding it again (the `rpc.message.uncompressed_size` of message events).
 * Wire format: https://protobuf.dev/programming-guides/encoding/. protobufjs (behind
 * @grpc/proto-loader) writes every field that is set, zero values included, and the
 * server always sets all four, so every field counts.
 */

/** Bytes of a base-128 varint holding the non-negative integer `value`. */
function varintBytes(value: number): number {
  let bytes = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    bytes += 1;
  }
  return bytes;
}

/** Bytes of a length-delimited field: tag, length, body. */
function delimitedBytes(bodyBytes: number): number {
  return 1 + varintBytes(bodyBytes) + bodyBytes;
}

/**
 * Wire size in bytes of Event{id, sent_at{seconds, nanos}, topic, payload}, every field set.
 * @param topicBytes UTF-8 length of the topic
 */
export function eventWireBytes(id: number, seconds: number, nanos: number, topicBytes: number, payloadBytes: number): number {
  const timestampBytes = 1 + varintBytes(seconds) + 1 + varintBytes(nanos);
  return 1 + varintBytes(id) + delimitedBytes(timestampBytes) + delimitedBytes(topicBytes) + delimitedBytes(payloadBytes);
}
