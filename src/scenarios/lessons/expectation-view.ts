/**
 * What a scenario expects on each side, in words, for the lesson renderers (`scenarios
 * --explain`, the tour in docs/scenarios.md): the reference expectation (embedded fault proxy) and what
 * differs through another fault backend (Toxiproxy in compose).
 */
import { describeExpected } from '../scenario.ts';
import type { Scenario } from '../scenario.ts';
import { grpcCodeName } from '../../telemetry/grpc-status.ts';

/** One side's expectation, e.g. `keepalive_timeout (UNAVAILABLE)`. */
export interface ExpectationView {
  /** End cause(s) and the gRPC code the client should receive. */
  client: string;
  /** End cause(s), `gone (killed)` or `none (no server)`. */
  server: string;
  why: string;
  /** What differs through other fault backends, by backend name. */
  via: Array<{ backend: string; client?: string; server?: string; why: string }>;
}

/** The expectation of `scenario` in words. */
export function expectationView(scenario: Scenario): ExpectationView {
  const { expect } = scenario;
  return {
    client: `${describeExpected(expect.client)} (${grpcCodeName(expect.clientCode)})`,
    server: describeExpected(expect.server),
    why: expect.why,
    via: Object.entries(scenario.expectVia ?? {}).map(([backend, override]) => ({
      backend,
      ...(override.client ? { client: `${override.client} (${grpcCodeName(override.clientCode ?? expect.clientCode)})` } : {}),
      ...(override.server ? { server: override.server } : {}),
      why: override.why,
    })),
  };
}

/** `text` with its first letter in upper case. */
export function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `text` ending with a full stop (added unless it ends with `.`, `!` or `?`). */
export function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
