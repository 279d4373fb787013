/**
 * Span mode contrib only (npm test runs this file with STREAMLAB_RPC_SPANS=contrib): what the
 * stock instrumentation records, measured live, equals what `npm run lessons:stock` measured
 * into src/scenarios/lessons/stock-spans.data.ts (the comparison `scenarios --explain` and the
 * HTML report show), and a contrib run's HTML report shows the live comparison.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { telemetry } from '../../src/instrumentation.ts';
import { selectScenarios } from '../../src/scenarios/catalogue.ts';
import { createEmbeddedFaultBackend } from '../../src/scenarios/fault-backend.ts';
import { createScenarioRunner } from '../../src/scenarios/runner.ts';
import type { ScenarioResult } from '../../src/scenarios/scenario.ts';
import { measuredSide, spanComparison } from '../../src/scenarios/lessons/span-comparison.ts';
import { STOCK_SPANS } from '../../src/scenarios/lessons/stock-spans.data.ts';
import { renderScenarioSection } from '../../src/report/html/scenario-section.ts';
import { startHarness } from '../helpers/harness.ts';
import type { Harness } from '../helpers/harness.ts';

const NAMES = ['completion', 'cancel', 'disconnect', 'deadline', 'close'];
let harness: Harness;
const results: ScenarioResult[] = [];

before(async () => {
  assert.equal(telemetry.rpcSpans, 'contrib', 'run with STREAMLAB_RPC_SPANS=contrib');
  harness = await startHarness();
  const runner = createScenarioRunner({ telemetry: harness.deps, runs: harness.runs, faults: createEmbeddedFaultBackend(), upstream: harness.address }, { intervalMs: 20 });
  for (const scenario of selectScenarios(NAMES)) results.push(await runner.run(scenario));
});
after(() => harness.close());

for (const [index, name] of NAMES.entries()) {
  test(`${name}: the stock instrumentation records what lessons:stock measured, on both sides`, () => {
    const result = results[index] as ScenarioResult;
    assert.deepEqual(result.mismatches, []);
    assert.deepEqual({ client: measuredSide(result.client), server: measuredSide(result.server) }, STOCK_SPANS.scenarios[name]);
    // Every RPC span ends: the SERVER span of a cut stream is ended by streamlab, not left open.
    for (const end of [result.client, result.server]) assert.ok(end?.stockSpan, `${end?.side}: the stock span's facts are in the end record`);
  });
}

test('the HTML section of a contrib run shows the comparison measured in the run', () => {
  const cancel = results[1] as ScenarioResult;
  const html = renderScenarioSection(cancel);
  assert.match(html, /<table class="span-comparison"><caption>measured in this run \(span mode contrib\)/);
  const rows = spanComparison('cancel', { ...(cancel.client ? { client: cancel.client } : {}), ...(cancel.server ? { server: cancel.server } : {}) });
  assert.match(rows?.find((row) => row.side === 'server')?.stock ?? '', /is never ended by it/);
});
