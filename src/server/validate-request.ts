/**
 * Validation of request fields; the limits are the ones documented in
 * proto/streamlab/v1/ticker.proto and delivery.proto. Every failure is a StreamlabError
 * INVALID_ARGUMENT naming the field (as in the .proto), its value and the allowed range.
 */
import { status as Status } from '@grpc/grpc-js';
import { StreamlabError } from '../core/errors.ts';
import type { SubscribeRequest__Output } from '../generated/streamlab/v1/SubscribeRequest.ts';
import type { NotifyRequest__Output } from '../generated/streamlab/v1/NotifyRequest.ts';
import type { PublishRequest__Output } from '../generated/streamlab/v1/PublishRequest.ts';
import type { ExchangeStart__Output } from '../generated/streamlab/v1/ExchangeStart.ts';

/** An inclusive integer range. */
interface Range {
  readonly min: number;
  readonly max: number;
}

/** Inclusive limits of SubscribeRequest's numeric fields. */
export const SUBSCRIBE_LIMITS = {
  count: { min: 0, max: 1_000_000 },
  interval_ms: { min: 0, max: 60_000 },
  payload_bytes: { min: 0, max: 1_048_576 },
} as const;

/** Inclusive limits of NotifyRequest's fields (text in characters). */
export const NOTIFY_LIMITS = { delay_ms: { min: 0, max: 600_000 }, text: { min: 0, max: 4_096 } } as const;

/** Inclusive limits of PublishRequest's fields (payload in bytes). */
export const PUBLISH_LIMITS = { payload: { min: 0, max: 1_048_576 } } as const;

/** Inclusive limits of ExchangeStart's fields; ack_timeout_ms 0 means the default. */
export const EXCHANGE_LIMITS = {
  count: { min: 0, max: 1_000_000 },
  interval_ms: { min: 0, max: 60_000 },
  ack_timeout_ms: { min: 0, max: 600_000 },
  max_redeliveries: { min: 0, max: 10 },
  payload_bytes: { min: 0, max: 1_048_576 },
} as const;

/** Length limits of `topic`, in characters. */
export const TOPIC_LIMITS = { min: 1, max: 128 } as const;

function invalid(message: string): StreamlabError {
  return new StreamlabError(Status.INVALID_ARGUMENT, message);
}

/** @throws StreamlabError INVALID_ARGUMENT `FIELD=VALUE is out of range: allowed MIN to MAX` */
function checkRange(field: string, value: number, { min, max }: Range): void {
  if (!Number.isInteger(value) || value < min || value > max) throw invalid(`${field}=${value} is out of range: allowed ${min} to ${max}`);
}

/** @throws StreamlabError INVALID_ARGUMENT naming the field, a prefix of the text and its length */
function checkLength(field: string, text: string, { min, max }: Range): void {
  const length = [...text].length;
  if (length < min || length > max) {
    throw invalid(`${field}="${text.slice(0, 40)}${length > 40 ? '…' : ''}" has ${length} characters: allowed ${min} to ${max}`);
  }
}

/** Checks a SubscribeRequest. @throws StreamlabError INVALID_ARGUMENT */
export function validateSubscribeRequest(request: SubscribeRequest__Output): void {
  checkLength('topic', request.topic, TOPIC_LIMITS);
  checkRange('count', request.count, SUBSCRIBE_LIMITS.count);
  checkRange('interval_ms', request.intervalMs, SUBSCRIBE_LIMITS.interval_ms);
  checkRange('payload_bytes', request.payloadBytes, SUBSCRIBE_LIMITS.payload_bytes);
  if (request.resumeAfterId > 0 && !request.follow) {
    throw invalid(`resume_after_id=${request.resumeAfterId} needs follow=true: only a stream that follows the topic's log can resume`);
  }
}

/** Checks a NotifyRequest. @throws StreamlabError INVALID_ARGUMENT */
export function validateNotifyRequest(request: NotifyRequest__Output): void {
  checkLength('topic', request.topic, TOPIC_LIMITS);
  checkLength('text', request.text, NOTIFY_LIMITS.text);
  checkRange('delay_ms', request.delayMs, NOTIFY_LIMITS.delay_ms);
}

/** Checks one PublishRequest of a Publish stream. @throws StreamlabError INVALID_ARGUMENT */
export function validatePublishRequest(request: PublishRequest__Output): void {
  checkLength('topic', request.topic, TOPIC_LIMITS);
  const { min, max } = PUBLISH_LIMITS.payload;
  if (request.payload.length > max) throw invalid(`payload has ${request.payload.length} bytes: allowed ${min} to ${max}`);
}

/** Checks the start message of an Exchange. @throws StreamlabError INVALID_ARGUMENT */
export function validateExchangeStart(start: ExchangeStart__Output): void {
  checkRange('count', start.count, EXCHANGE_LIMITS.count);
  checkRange('interval_ms', start.intervalMs, EXCHANGE_LIMITS.interval_ms);
  checkRange('ack_timeout_ms', start.ackTimeoutMs, EXCHANGE_LIMITS.ack_timeout_ms);
  if (start.maxRedeliveries !== undefined) checkRange('max_redeliveries', start.maxRedeliveries, EXCHANGE_LIMITS.max_redeliveries);
  checkRange('payload_bytes', start.payloadBytes, EXCHANGE_LIMITS.payload_bytes);
}
