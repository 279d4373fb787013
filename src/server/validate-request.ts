/**
 * Validation of SubscribeRequest fields; the limits are the ones documented in
 * proto/streamlab/v1/ticker.proto.
 */
import { status as Status } from '@grpc/grpc-js';
import { StreamlabError } from '../core/errors.ts';
import type { SubscribeRequest__Output } from '../generated/streamlab/v1/SubscribeRequest.ts';

/** Inclusive limits of each numeric field. */
export const SUBSCRIBE_LIMITS = {
  count: { min: 0, max: 1_000_000 },
  interval_ms: { min: 0, max: 60_000 },
  payload_bytes: { min: 0, max: 1_048_576 },
} as const;

/** Length limits of `topic`, in characters. */
export const TOPIC_LIMITS = { min: 1, max: 128 } as const;

function checkRange(field: keyof typeof SUBSCRIBE_LIMITS, value: number): void {
  const { min, max } = SUBSCRIBE_LIMITS[field];
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new StreamlabError(
      Status.INVALID_ARGUMENT,
      `${field}=${value} is out of range: allowed ${min} to ${max}`,
    );
  }
}

/**
 * Checks every field of a decoded request.
 * @throws StreamlabError INVALID_ARGUMENT naming the field, its value and the allowed range.
 */
export function validateSubscribeRequest(request: SubscribeRequest__Output): void {
  const topicLength = [...request.topic].length;
  if (topicLength < TOPIC_LIMITS.min || topicLength > TOPIC_LIMITS.max) {
    throw new StreamlabError(
      Status.INVALID_ARGUMENT,
      `topic="${request.topic.slice(0, 40)}${topicLength > 40 ? '…' : ''}" has ${topicLength} characters: allowed ${TOPIC_LIMITS.min} to ${TOPIC_LIMITS.max}`,
    );
  }
  checkRange('count', request.count);
  checkRange('interval_ms', request.intervalMs);
  checkRange('payload_bytes', request.payloadBytes);
}
