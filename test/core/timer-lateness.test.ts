/**
 * Timer lateness (src/core/timer-lateness.ts): a blocked event loop is measured, over a run
 * and over the last second or two, and forgotten once it is old.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRecentTimerLateness, measureTimerLateness } from '../../src/core/timer-lateness.ts';

test('timer lateness: an event loop blocked for 300 ms measures at least 250 ms late; an idle one far less', async () => {
  const idle = measureTimerLateness();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const idleMs = idle.stop();
  const busy = measureTimerLateness();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const until = performance.now() + 300;
  while (performance.now() < until) { /* block the event loop */ }
  await new Promise((resolve) => setTimeout(resolve, 50));
  const busyMs = busy.stop();
  assert.ok(busyMs >= 250, `blocked 300 ms, measured ${busyMs} ms`);
  assert.ok(idleMs < busyMs, `idle ${idleMs} ms, busy ${busyMs} ms`);
});

test('recent timer lateness: a blocked event loop shows for the next second or two, then is forgotten; closed, it reads 0', async () => {
  const recent = createRecentTimerLateness();
  try {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const until = performance.now() + 300;
    while (performance.now() < until) { /* block the event loop */ }
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(recent.recentMs() >= 250, `just after: ${recent.recentMs()} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2_300));
    assert.ok(recent.recentMs() < 250, `two windows later: ${recent.recentMs()} ms`);
  } finally {
    recent.close();
  }
  assert.equal(recent.recentMs(), 0);
});
