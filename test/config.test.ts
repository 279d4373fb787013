/**
 * Environment configuration (src/config.ts): defaults by terminal, every bad value named.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadEnvConfig, ConfigError } from '../src/config.ts';

test('environment config: defaults by terminal, bad values named', () => {
  assert.deepEqual(loadEnvConfig({}, true), { logFormat: 'pretty', mock: {}, scenarioLabels: [], serve: {} });
  assert.deepEqual(loadEnvConfig({}, false), { logFormat: 'json', mock: {}, scenarioLabels: [], serve: {} });
  assert.deepEqual(loadEnvConfig({ STREAMLAB_LOG_FORMAT: 'json', STREAMLAB_LOG_LEVEL: 'debug' }, true), { logFormat: 'json', logLevel: 'debug', mock: {}, scenarioLabels: [], serve: {} });
  assert.deepEqual(loadEnvConfig({ STREAMLAB_MAX_QUEUED_BYTES: '65536', STREAMLAB_MAX_CONCURRENT_STREAMS: '100' }, true).serve, { maxQueuedBytes: 65_536, maxConcurrentStreams: 100 });
  assert.throws(() => loadEnvConfig({ STREAMLAB_MAX_QUEUED_BYTES: '1e9x' }, true), /STREAMLAB_MAX_QUEUED_BYTES="1e9x" is not allowed: use an integer from 1 to 2147483647/);
  assert.throws(() => loadEnvConfig({ STREAMLAB_MAX_CONCURRENT_STREAMS: '0' }, true), /STREAMLAB_MAX_CONCURRENT_STREAMS="0" is not allowed/);
  assert.deepEqual(loadEnvConfig({ STREAMLAB_SCENARIO_LABELS: 'canary, load-a,' }, true).scenarioLabels, ['canary', 'load-a']);
  assert.throws(() => loadEnvConfig({ STREAMLAB_SCENARIO_LABELS: 'ok,has space' }, true), /STREAMLAB_SCENARIO_LABELS has "has space": a scenario label is 1 to 64 letters, digits/);
  assert.throws(() => loadEnvConfig({ STREAMLAB_RPC_SPANS: 'stock' }, true), /STREAMLAB_RPC_SPANS="stock" is not allowed: use one of streamlab, contrib/);
  assert.deepEqual(loadEnvConfig({ STREAMLAB_MOCK_STREAM_TIMEOUT_MS: '0', STREAMLAB_MOCK_MAX_MESSAGES: '5', STREAMLAB_MOCK_LATENCY_MIN_MS: '1', STREAMLAB_MOCK_LATENCY_MAX_MS: '9', STREAMLAB_MOCK_SEED: '42' }, false).mock,
    { streamTimeoutMs: 0, maxMessages: 5, latencyMinMs: 1, latencyMaxMs: 9, seed: 42 });
  assert.throws(() => loadEnvConfig({ STREAMLAB_MOCK_LATENCY_MAX_MS: '1.5' }, true), /STREAMLAB_MOCK_LATENCY_MAX_MS="1.5" is not allowed: use an integer ≥ 0/);
  assert.throws(() => loadEnvConfig({ STREAMLAB_LOG_LEVEL: 'loud' }, true), (error: unknown) =>
    error instanceof ConfigError && error.message === 'STREAMLAB_LOG_LEVEL="loud" is not allowed: use one of error, warn, info, debug');
  assert.throws(() => loadEnvConfig({ STREAMLAB_TELEMETRY: 'maybe' }, true), /STREAMLAB_TELEMETRY="maybe" is not allowed: use one of on, off/);
});
