/**
 * The `bare`, `intercepted` and `sdk` arms: bare grpc-js (bench/bare-grpc.ts) server and
 * client in one process. `bare` runs without any preload. `intercepted` is bare with one
 * interceptor on each side that passes everything through: the floor of any layer built on
 * grpc-js interceptors, streamlab's included. `sdk` runs with
 * `--import ./src/instrumentation.ts` (STREAMLAB_TELEMETRY=on, OTEL_TRACES_EXPORTER=none):
 * the OTel SDK and instrumentation-grpc wrap the same bare code, and every finished span is
 * captured in memory, as in the full arm, so span processing is paid for.
 * Usage: BENCH_ARM=bare|intercepted|sdk node [--import ./src/instrumentation.ts] bench/arm-bare.ts
 * Prints one JSON line (bench/common.ts ArmResult).
 */
import { measureThroughput, printResult } from './common.ts';
import { createBareClient, startBareServer } from './bare-grpc.ts';

const arm = process.env.BENCH_ARM === 'sdk' || process.env.BENCH_ARM === 'intercepted' ? process.env.BENCH_ARM : 'bare';
const bareOptions = { passThroughInterceptors: arm === 'intercepted' };
// The SDK arm reuses the pipeline the preload started; the bare arm never loads it.
const telemetry = arm === 'sdk' ? (await import('../src/instrumentation.ts')).telemetry : undefined;
if (arm === 'sdk' && !telemetry?.enabled) throw new Error('bench: the sdk arm needs --import ./src/instrumentation.ts and STREAMLAB_TELEMETRY=on');
const capture = telemetry?.captureSpans();
// Captured spans are dropped every second so memory stays bounded.
const resetTimer = setInterval(() => capture?.reset(), 1_000);

const server = await startBareServer(bareOptions);
const client = createBareClient(`127.0.0.1:${server.port}`, bareOptions);
const throughput = await measureThroughput(client, () => capture?.reset());

clearInterval(resetTimer);
client.close();
server.shutdown();
await telemetry?.shutdown();
printResult({ arm, throughput });
process.exit(0);
