/**
 * `npm run lessons:stock`: runs every catalogue scenario in span mode contrib (the stock
 * instrumentation, @opentelemetry/instrumentation-grpc, creates the RPC spans) and writes what
 * it recorded on each side's span next to streamlab's classification of the same call to
 * src/scenarios/lessons/stock-spans.data.ts, which `scenarios --explain` and the HTML report
 * show (src/scenarios/lessons/span-comparison.ts). Run it after upgrading grpc-js or
 * instrumentation-grpc. `--check` writes nothing and exits 1 when a measured fact differs.
 *
 * Needs the stock instrumentation loaded before grpc-js: the npm script runs it as
 *   STREAMLAB_RPC_SPANS=contrib node --import ./src/instrumentation.ts scripts/stock-spans.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { telemetry } from '../src/instrumentation.ts';
import { createServer } from '../src/server/create-server.ts';
import { createStreamlabServices } from '../src/services/streamlab-services.ts';
import { CATALOGUE } from '../src/scenarios/catalogue.ts';
import { createEmbeddedFaultBackend } from '../src/scenarios/fault-backend.ts';
import { createRunDirectory } from '../src/scenarios/run-directory.ts';
import { createScenarioRunner } from '../src/scenarios/runner.ts';
import { measuredSide } from '../src/scenarios/lessons/span-comparison.ts';
import type { MeasuredEnding } from '../src/scenarios/lessons/measured-ending.ts';
import { STOCK_SPANS } from '../src/scenarios/lessons/stock-spans.data.ts';
import { createTelemetryDeps } from '../src/telemetry/create-telemetry-deps.ts';

const OUT = fileURLToPath(new URL('../src/scenarios/lessons/stock-spans.data.ts', import.meta.url));
/** The installed version of `pkg` (its package.json; not every package exports it). */
const version = (pkg: string) => (JSON.parse(readFileSync(fileURLToPath(new URL(`../node_modules/${pkg}/package.json`, import.meta.url)), 'utf8')) as { version: string }).version;

if (telemetry.rpcSpans !== 'contrib' || !telemetry.enabled) {
  process.stderr.write('stock-spans: run it in span mode contrib with telemetry on: STREAMLAB_RPC_SPANS=contrib node --import ./src/instrumentation.ts scripts/stock-spans.ts\n');
  process.exit(2);
}

const runs = createRunDirectory();
const deps = createTelemetryDeps({ runs, pipeline: telemetry, scenarioLabels: CATALOGUE.map((s) => s.name), logger: { level: 'error' } });
const server = createServer(deps, { services: createStreamlabServices(deps), keepaliveTimeMs: 1_000, keepaliveTimeoutMs: 1_000, shutdownGraceMs: 0 });
const upstream = await server.listen({ host: '127.0.0.1', port: 0 });
const runner = createScenarioRunner({ telemetry: deps, runs, faults: createEmbeddedFaultBackend(), upstream, importSpans: (spans) => telemetry.importSpans(spans) });
const scenarios: Record<string, MeasuredEnding> = {};
for (const scenario of CATALOGUE) {
  process.stderr.write(`stock-spans: ${scenario.name}…\n`);
  const result = await runner.run(scenario);
  if (!result.ok) process.stderr.write(`stock-spans: ${scenario.name} did not end as expected (${result.mismatches.join('; ')}); its facts are kept as measured\n`);
  scenarios[scenario.name] = {
    ...(result.client ? { client: measuredSide(result.client) } : {}),
    ...(result.server ? { server: measuredSide(result.server) } : {}),
  };
}
await server.shutdown(0);
await telemetry.shutdown();

const data = { grpcJs: version('@grpc/grpc-js'), instrumentationGrpc: version('@opentelemetry/instrumentation-grpc'), scenarios };
if (process.argv.includes('--check')) {
  const same = JSON.stringify(data) === JSON.stringify(STOCK_SPANS);
  process.stdout.write(same ? 'stock-spans: up to date\n' : 'stock-spans: the measured facts differ: run npm run lessons:stock\n');
  process.exit(same ? 0 : 1);
}
const source = `/**
 * What the stock instrumentation records on each side's RPC span, per catalogue scenario,
 * next to streamlab's classification of the same call: measured by \`npm run lessons:stock\`
 * (scripts/stock-spans.ts) in span mode contrib. Generated: do not edit by hand.
 */
import type { MeasuredEnding } from './measured-ending.ts';

/** The measured endings, with the versions they were measured with. */
export const STOCK_SPANS: { grpcJs: string; instrumentationGrpc: string; scenarios: Record<string, MeasuredEnding> } = ${JSON.stringify(data, null, 2)};
`;
const previous = readFileSync(OUT, 'utf8');
if (previous !== source) writeFileSync(OUT, source);
process.stdout.write(`stock-spans: ${previous === source ? 'up to date' : `wrote ${OUT} (${Object.keys(scenarios).length} scenarios)`}\n`);
process.exit(0);
