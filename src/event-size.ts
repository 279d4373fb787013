/**
 * Exact protobuf wire size of an Event, computed from its fields without encoding it
 * (the `rpc.message.uncompressed_size` of message events). Wire format:
 * https://protobuf.dev/programming-guides/encoding/
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

/** Bytes of a length-delimited field (tag + length + body); 0 when the body is empty (proto3 default). */
function delimitedBytes(bodyBytes: number): number {
  return bodyBytes === 0 ? 0 : 1 + varintBytes(bodyBytes) + bodyBytes;
}

/**
 * Wire size in bytes of Event{id, sent_at{seconds, nanos}, topic, payload}.
 * @param topicBytes UTF-8 length of the topic
 */
export function eventWireBytes(id: number, seconds: number, nanos: number, topicBytes: number, payloadBytes: number): number {
  const timestampBytes = (seconds ? 1 + varintBytes(seconds) : 0) + (nanos ? 1 + varintBytes(nanos) : 0);
  return (id ? 1 + varintBytes(id) : 0) + 1 + varintBytes(timestampBytes) + timestampBytes
    + delimitedBytes(topicBytes) + delimitedBytes(payloadBytes);
}
