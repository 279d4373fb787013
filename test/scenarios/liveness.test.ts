/**
 * The liveness scenarios end to end: real `streamlab serve` child processes, real signals
 * (SIGKILL, SIGTERM, SIGSTOP, SIGCONT), real sockets. Each side's end cause, gRPC code and
 * detection, the span tree (the child's spans arrive over IPC), the metrics, and that no
 * child outlives its run.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { telemetry } from '../../src/instrumentation.ts';
import { selectScenarios } from '../../src/scenarios/catalogue.ts';
import { createEmbeddedFaultBackend } from '../../src/scenarios/fault-backend.ts';
import { createScenarioRunner } from '../../src/scenarios/runner.ts';
import type { ScenarioRunner } from '../../src/scenarios/runner.ts';
import type { ScenarioResult } from '../../src/scenarios/scenario.ts';
import { startServerProcess } from '../../src/server-process/server-process.ts';
import { createRunObserver } from '../../src/scenarios/run-observer.ts';
import { startHarness } from '../helpers/harness.ts';
import { pollProcesses, running } from '../helpers/processes.ts';
import type { Harness } from '../helpers/harness.ts';

const KEEPALIVE = { keepaliveTimeMs: 1_000, keepaliveTimeoutMs: 1_000 };
let harness: Harness;
let runner: ScenarioRunner;

before(async () => {
  harness = await startHarness();
  runner = createScenarioRunner({
    telemetry: harness.deps, runs: harness.runs, faults: createEmbeddedFaultBackend(), upstream: harness.address,
    importSpans: (spans) => telemetry.importSpans(spans),
  }, { ...KEEPALIVE, frozenWaitMs: 1_500 });
});
after(() => harness.close());

/** The run's root, CLIENT and (when the child survived) SERVER spans, after a flush. */
async function spansOf(result: ScenarioResult): Promise<{ root?: ReadableSpan; client?: ReadableSpan; server?: ReadableSpan }> {
  await telemetry.forceFlush();
  const mine = harness.spans.spans().filter((span) => span.spanContext().traceId === result.traceId);
  return {
    root: mine.find((span) => span.name === `scenario ${result.scenario.name}`),
    client: mine.find((span) => span.kind === 2),
    server: mine.find((span) => span.kind === 1),
  };
}

async function run(name: string): Promise<ScenarioResult> {
  const [scenario] = selectScenarios([name]);
  const result = await runner.run(scenario!);
  assert.deepEqual(result.mismatches, [], `${name}: ${result.mismatches.join('; ')}`);
  assert.ok(result.ok);
  return result;
}

async function endsCounted(side: 'client' | 'server', endCause: string, scenario: string): Promise<number> {
  return harness.metric('streamlab_stream_ends_total', { side, end_cause: endCause, scenario });
}

test('server-kill: the client reads the kernel\'s close (FIN or RST) at once; the server is gone', async () => {
  const result = await run('server-kill');
  assert.ok(['connection_closed', 'connection_reset'].includes(result.client!.endCause));
  assert.equal(result.client!.grpcCode, 14);
  assert.ok(result.client!.detectionMs! < 1_000, `client noticed in ${result.client!.detectionMs} ms`);
  assert.equal(result.server, undefined, 'a killed process records no end');
  assert.match(result.serverNote ?? '', /^gone: SIGKILL after 1 message/);
  assert.deepEqual(result.actions.map((action) => action.kind), ['kill']);
  assert.ok(await pollProcesses(() => !running(result.serverPid!)), 'the child is gone');
  const spans = await spansOf(result);
  assert.equal(spans.client?.attributes['streamlab.end_cause'], result.client!.endCause);
  assert.equal(spans.client?.parentSpanContext?.spanId, spans.root?.spanContext().spanId);
  assert.equal(spans.server, undefined, 'the killed server\'s span never ended, so it never reached us');
  assert.equal(await endsCounted('client', result.client!.endCause, 'server-kill'), 1);
});

test('server-stop: SIGTERM with no grace ends the stream server_shutdown on both sides; the child\'s span arrives', async () => {
  const result = await run('server-stop');
  assert.equal(result.client!.endCause, 'server_shutdown');
  assert.equal(result.client!.grpcCode, 14);
  assert.equal(result.server!.endCause, 'server_shutdown');
  assert.ok(result.server!.detectionMs !== undefined && result.server!.detectionMs < 1_000, 'the child learned the cause time');
  assert.ok(await pollProcesses(() => !running(result.serverPid!)), 'the child is gone');
  const spans = await spansOf(result);
  assert.ok(spans.server, 'the child\'s SERVER span was forwarded over IPC');
  assert.equal(spans.server.parentSpanContext?.spanId, spans.client?.spanContext().spanId, 'server span is the client span\'s child');
  assert.equal(spans.server.resource.attributes['service.name'], 'streamlab-server-process');
  assert.equal(spans.server.attributes['streamlab.end_cause'], 'server_shutdown');
  assert.equal(spans.server.attributes['streamlab.scenario'], 'server-stop');
  assert.ok(spans.server.events.some((event) => event.name === 'goaway'));
  assert.equal(await endsCounted('client', 'server_shutdown', 'server-stop'), 1);
});

test('server-suspend: the client\'s keepalive notices a frozen server within time + timeout; the resumed server reports what it saw', async () => {
  const result = await run('server-suspend');
  assert.equal(result.client!.endCause, 'keepalive_timeout');
  assert.ok(result.client!.detectionMs! <= 2_200, `client noticed in ${result.client!.detectionMs} ms`);
  assert.ok(result.client!.detectionMs! >= 500, 'not before a PING could time out');
  assert.deepEqual(result.actions.map((action) => action.kind), ['freeze', 'resume']);
  assert.ok(['connection_closed', 'connection_reset', 'keepalive_timeout'].includes(result.server!.endCause), result.server!.endCause);
  assert.ok(result.server!.endedAtMs > result.actions[1]!.atMs, 'the server noticed only after SIGCONT');
  const spans = await spansOf(result);
  assert.ok(spans.client?.events.some((event) => event.name === 'keepalive.timeout'));
  assert.equal(spans.server?.attributes['streamlab.end_cause'], result.server!.endCause);
});

test('server-suspend-no-keepalive: the client notices nothing within the bound; the runner ends the lesson', async () => {
  const result = await run('server-suspend-no-keepalive');
  assert.equal(result.silentForMs, 1_500);
  assert.equal(result.client!.endCause, 'client_cancelled');
  assert.deepEqual(result.actions.map((action) => action.kind), ['freeze', 'cancel', 'resume']);
  const [freeze, cancel] = result.actions;
  assert.ok(cancel!.atMs - freeze!.atMs >= 1_500, 'the cancel came only after the bound');
  assert.ok(result.client!.endedAtMs >= cancel!.atMs, 'the client ended only when cancelled');
  assert.ok(['client_cancelled', 'keepalive_timeout'].includes(result.server!.endCause), result.server!.endCause);
  assert.equal(result.client!.details.includes('Cancelled'), true, result.client!.details);
});

test('no-server: connect_failed with ECONNREFUSED at once; there is no server side', async () => {
  const result = await run('no-server');
  assert.equal(result.client!.endCause, 'connect_failed');
  assert.equal(result.client!.connectError, 'ECONNREFUSED');
  assert.equal(result.client!.grpcCode, 14);
  assert.ok(result.client!.detectionMs! < 1_000);
  assert.match(result.serverNote ?? '', /^no server/);
  const spans = await spansOf(result);
  assert.equal(spans.client?.attributes['error.type'], 'ECONNREFUSED');
  assert.equal(spans.client?.attributes['streamlab.end_cause'], 'connect_failed');
  assert.equal(await endsCounted('client', 'connect_failed', 'no-server'), 1);
});

test('no-server-wait-for-ready: the call waits through refused connects until its 1 s deadline', async () => {
  const result = await run('no-server-wait-for-ready');
  assert.equal(result.client!.endCause, 'deadline_exceeded');
  assert.equal(result.client!.grpcCode, 4);
  assert.ok(result.client!.endedAtMs - result.client!.openedAtMs >= 990, 'it waited for the deadline');
});

test('shutdown: GOAWAY, and the stream finishes within the grace on both sides', async () => {
  const result = await run('shutdown');
  assert.equal(result.client!.endCause, 'completed');
  assert.equal(result.server!.endCause, 'completed');
  assert.equal(result.client!.received, 3, 'every event arrived after SIGTERM');
  const spans = await spansOf(result);
  assert.ok(spans.server?.events.some((event) => event.name === 'stream.end'));
});

test('shutdown-cut: the stream that outlives the grace is ended server_shutdown after it', async () => {
  const result = await run('shutdown-cut');
  assert.equal(result.client!.endCause, 'server_shutdown');
  assert.equal(result.server!.endCause, 'server_shutdown');
  assert.ok(result.server!.detectionMs! >= 290, `cut after the 300 ms grace, not before (${result.server!.detectionMs} ms)`);
});

test('a child server that fails to start is an error naming its command and its stderr', async () => {
  const observer = createRunObserver();
  await assert.rejects(
    startServerProcess({ observer, importSpans: () => {} }, { keepaliveTimeMs: 0, keepaliveTimeoutMs: 1_000 }),
    (error: Error) => {
      assert.match(error.message, /^server process did not start: .*bin\/streamlab\.js serve .*--keepalive-time-ms 0/);
      assert.match(error.message, /exited \(code 2\) before listening; stderr: error: option '--keepalive-time-ms <ms>' argument '0' is invalid/);
      return true;
    },
  );
});
