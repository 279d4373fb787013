/**
 * The catalogue's JSON view of a scenario: what `streamlab scenarios --json` prints and the
 * fleet's `GET /api/scenarios` answers.
 */
import { CORE_SCENARIOS } from './catalogue.ts';
import { causesOf } from './scenario.ts';
import type { Scenario } from './scenario.ts';
import { causeOf } from './describe-scenario.ts';
import { grpcCodeName } from '../telemetry/grpc-status.ts';

/** One scenario in `--json`. */
export interface JsonScenario {
  name: string;
  summary: string;
  rpc: string;
  core: boolean;
  cause: string;
  expected: {
    client: string[];
    client_code: string;
    /** End causes, or `["gone"]` (killed server) / `["none"]` (no server). */
    server: string[];
    why: string;
  };
}

/** The JSON view of `scenario` (`streamlab scenarios --json`, the fleet's GET /api/scenarios). */
export function toJsonScenario(scenario: Scenario): JsonScenario {
  const { expect } = scenario;
  return {
    name: scenario.name,
    summary: scenario.summary,
    rpc: scenario.rpc,
    core: CORE_SCENARIOS.includes(scenario),
    cause: causeOf(scenario),
    expected: {
      client: [...causesOf(expect.client)],
      client_code: grpcCodeName(expect.clientCode),
      server: expect.server === 'gone' || expect.server === 'none' ? [expect.server] : [...causesOf(expect.server)],
      why: expect.why,
    },
  };
}

