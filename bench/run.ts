/**
 * `npm run bench`: server-streaming throughput with full telemetry and with telemetry off,
 * measured in the same run (arms interleaved, each in a fresh process, median of rounds),
 * and client-cancel → server-detection latency p50/p99. Prints ratios, never asserts.
 *
 * Env: BENCH_MESSAGES (default 100000), BENCH_TRIALS (default 200), BENCH_ROUNDS (default 3).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const messages = Number(process.env.BENCH_MESSAGES ?? 100_000);
const trials = Number(process.env.BENCH_TRIALS ?? 200);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);

interface ArmResult {
  telemetry: 'on' | 'off';
  throughput: { messages: number; seconds: number; perSecond: number };
  cancel: { trials: number; p50Ms: number; p99Ms: number };
}

function runArm(telemetry: 'on' | 'off'): ArmResult {
  const output = execFileSync(process.execPath, ['--import', './src/instrumentation.ts', 'bench/arm.ts', String(messages), String(trials)], {
    cwd: root,
    env: { ...process.env, STREAMLAB_TELEMETRY: telemetry, OTEL_TRACES_EXPORTER: 'none' },
    encoding: 'utf8',
  });
  return JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as ArmResult;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const results: Record<'on' | 'off', ArmResult[]> = { on: [], off: [] };
process.stderr.write(`bench: ${rounds} rounds × 2 arms, ${messages} messages per stream, ${trials} cancel trials per arm\n`);
for (let round = 1; round <= rounds; round++) {
  for (const arm of round % 2 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
    process.stderr.write(`  round ${round}/${rounds}: telemetry ${arm}…\n`);
    results[arm].push(runArm(arm));
  }
}

const perSecond = (arm: 'on' | 'off') => median(results[arm].map((r) => r.throughput.perSecond));
const p = (arm: 'on' | 'off', key: 'p50Ms' | 'p99Ms') => median(results[arm].map((r) => r.cancel[key]));
const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
console.log(`throughput, telemetry off: ${fmt(perSecond('off'))} messages/s (median of ${rounds})`);
console.log(`throughput, telemetry on:  ${fmt(perSecond('on'))} messages/s (median of ${rounds})`);
console.log(`throughput ratio on/off: ${(perSecond('on') / perSecond('off')).toFixed(3)} (goal >= 0.90)`);
console.log(`cancel -> server detection, telemetry on:  p50 ${p('on', 'p50Ms').toFixed(2)} ms, p99 ${p('on', 'p99Ms').toFixed(2)} ms over ${trials} trials (goal p99 < 5 ms)`);
console.log(`cancel -> server detection, telemetry off: p50 ${p('off', 'p50Ms').toFixed(2)} ms, p99 ${p('off', 'p99Ms').toFixed(2)} ms`);
console.log(`cancel latency ratio on/off (p50): ${(p('on', 'p50Ms') / p('off', 'p50Ms')).toFixed(3)}`);
