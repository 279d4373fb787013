/**
 * Subscribe with follow on one real server: live events with the topic's ids, a resume
 * replays the kept events after the client's last id, a resume older than the history
 * starts at the oldest kept event and the server reports the gap (header and ids), and
 * resume_after_id without follow is refused.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { status as Status } from '@grpc/grpc-js';
import type { Metadata } from '@grpc/grpc-js';
import { createStreamlabClient } from '../../src/client/streamlab-client.ts';
import type { StreamlabClient } from '../../src/client/streamlab-client.ts';
import type { Event__Output } from '../../src/generated/streamlab/v1/Event.ts';
import { createLocalTopics, createStreamlabServices } from '../../src/services/streamlab-services.ts';
import { RESUME_GAP_HEADER } from '../../src/services/ticker-service.ts';
import { createTelemetryDeps } from '../../src/telemetry/create-telemetry-deps.ts';
import { startHarness } from '../helpers/harness.ts';
import type { Harness } from '../helpers/harness.ts';

let harness: Harness;
let client: StreamlabClient;

before(async () => {
  const deps = createTelemetryDeps({ logger: { format: 'json', level: 'error' } });
  // No ticks: the test numbers the topic's events itself with Notify; 3 kept per topic.
  harness = await startHarness({ server: { services: createStreamlabServices(deps, createLocalTopics({ tickMs: 0, historySize: 3 })) } });
  client = createStreamlabClient(harness.deps, { target: harness.target });
});
after(async () => {
  client.close();
  await harness.close();
});

/** Follows `topic` after `afterId` until `count` events arrived; the headers and events. */
async function follow(topic: string, afterId: number, count: number, publish?: () => Promise<void>) {
  const observed = client.subscribe({ topic, count, follow: true, resumeAfterId: afterId });
  const headers = new Promise<Metadata>((resolve) => observed.call.once('metadata', resolve));
  const events: Event__Output[] = [];
  observed.call.on('data', (event: Event__Output) => events.push(event));
  await headers;
  await publish?.();
  const end = await observed.ended;
  return { gap: (await headers).get(RESUME_GAP_HEADER)[0], events, end };
}

async function notify(topic: string, texts: string[]): Promise<void> {
  for (const text of texts) assert.ok(await client.notify({ topic, text }).response);
}

test('a live follower gets the topic ids; a resume within the history replays after the last id', async () => {
  const live = await follow('kept', 0, 2, () => notify('kept', ['a', 'b']));
  assert.deepEqual(live.events.map((e) => [e.id, e.text, e.replayed]), [[1, 'a', false], [2, 'b', false]]);
  assert.equal(live.gap, undefined);
  assert.equal(live.end.endCause, 'completed');
  const resumed = await follow('kept', 1, 2, () => notify('kept', ['c']));
  assert.deepEqual(resumed.events.map((e) => [e.id, e.text, e.replayed]), [[2, 'b', true], [3, 'c', false]]);
  assert.equal(resumed.gap, undefined);
});

test('a resume older than the history starts at the oldest kept event and reports the gap', async () => {
  await notify('old', ['1', '2', '3', '4', '5', '6', '7']);
  const resumed = await follow('old', 2, 3);
  // Kept: 5, 6, 7. Missing after 2: 3 and 4.
  assert.equal(resumed.gap, '2');
  assert.deepEqual(resumed.events.map((e) => e.id), [5, 6, 7]);
  assert.ok(resumed.events.every((e) => e.replayed));
});

test('resume_after_id without follow is INVALID_ARGUMENT naming both fields', async () => {
  const observed = client.subscribe({ topic: 'x', count: 1, resumeAfterId: 4 });
  const end = await observed.ended;
  assert.equal(end.grpcCode, Status.INVALID_ARGUMENT);
  assert.equal(end.details, 'resume_after_id=4 needs follow=true: only a stream that follows the topic\'s log can resume');
  assert.equal(end.endCause, 'failed');
});
