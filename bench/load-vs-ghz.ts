/**
 * `npm run bench:load`: `streamlab load` as a load generator against ghz v0.121.0 (issue 15),
 * the same server, method and shape in one run: unary Ticker/Notify (delay 0), 50 calls in
 * flight, BENCH_LOAD_SECONDS (default 10) each, on a `streamlab serve` child with telemetry off
 * (so the server costs the same to both). Rounds alternate the order; medians. Prints calls/s
 * and the client's CPU seconds (user + system, from bash's `time`) for both, and the ratio
 * (goal: streamlab load ≥ 0.70× ghz's calls/s). Prints, never asserts.
 *
 * ghz is built by `stack/install-tools.sh ghz` (Go module proxy, cached); this script builds
 * it on first use.
 *
 * Env: BENCH_LOAD_SECONDS (10), BENCH_LOAD_ROUNDS (3), BENCH_LOAD_CONCURRENCY (50).
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const seconds = Number(process.env.BENCH_LOAD_SECONDS ?? 10);
const rounds = Number(process.env.BENCH_LOAD_ROUNDS ?? 3);
const concurrency = Number(process.env.BENCH_LOAD_CONCURRENCY ?? 50);
const METHOD = 'streamlab.v1.Ticker/Notify';
const DATA = '{"topic":"bench-load","text":"hello"}';
const GOAL = 0.7;

/** The tools dir install-tools.sh prints on stdout (building ghz when missing). */
function ghzPath(): string {
  const built = spawnSync('bash', ['stack/install-tools.sh', 'ghz'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (built.status !== 0) throw new Error('bench:load: stack/install-tools.sh ghz failed');
  return `${built.stdout.trim()}/ghz`;
}

/** Starts `streamlab serve` with telemetry off on a free port; resolves with its port and a stop function. */
async function startServer(): Promise<{ port: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', './src/instrumentation.ts', 'src/main.ts', 'serve', '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0', '--log-level', 'error'], {
    cwd: root, env: { ...process.env, STREAMLAB_TELEMETRY: 'off' }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /serving gRPC on [^:\s]+:(\d+)/.exec(stderr);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`bench:load: the server exited (${code}): ${stderr}`)));
  });
  return {
    port,
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** Runs `command` under bash's `time`; returns its stdout and the CPU seconds it used (user + system). */
function timed(command: string[], env: Record<string, string> = {}): { stdout: string; cpuS: number } {
  const run = spawnSync('bash', ['-c', 'TIMEFORMAT="streamlab-bench-cpu %U %S"; time "$@"', '_', ...command], {
    cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`bench:load: ${command[0]} failed (${run.status}): ${run.stderr.slice(-2000)}`);
  const match = /streamlab-bench-cpu ([\d.]+) ([\d.]+)/.exec(run.stderr);
  return { stdout: run.stdout, cpuS: match ? Number(match[1]) + Number(match[2]) : Number.NaN };
}

function runGhz(ghz: string, port: number): { callsPerS: number; cpuS: number } {
  const { stdout, cpuS } = timed([ghz, '--insecure', '--call', METHOD, '-d', DATA, '-c', String(concurrency), '-z', `${seconds}s`, '--format', 'json', `127.0.0.1:${port}`]);
  const report = JSON.parse(stdout) as { count: number; total: number; rps: number };
  return { callsPerS: report.rps, cpuS };
}

function runStreamlabLoad(port: number): { callsPerS: number; cpuS: number } {
  const { stdout, cpuS } = timed([process.execPath, '--import', './src/instrumentation.ts', 'src/main.ts', 'load', '--target', `127.0.0.1:${port}`, '--method', METHOD,
    '--data', DATA, '--streams', String(concurrency), '--duration', `${seconds}s`, '--json', '--log-level', 'error'], { OTEL_TRACES_EXPORTER: 'none' });
  const report = JSON.parse(stdout) as { opened: number; elapsed_ms: number };
  return { callsPerS: report.opened / (report.elapsed_ms / 1000), cpuS };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

const ghz = ghzPath();
const server = await startServer();
const results = { ghz: [] as Array<{ callsPerS: number; cpuS: number }>, streamlab: [] as Array<{ callsPerS: number; cpuS: number }> };
try {
  process.stderr.write(`bench:load: ${rounds} rounds of ${seconds} s each, ${concurrency} calls in flight, ${METHOD} on 127.0.0.1:${server.port}\n`);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (['ghz', 'streamlab'] as const) : (['streamlab', 'ghz'] as const);
    for (const tool of order) {
      process.stderr.write(`  round ${round + 1}/${rounds}: ${tool}…\n`);
      results[tool].push(tool === 'ghz' ? runGhz(ghz, server.port) : runStreamlabLoad(server.port));
    }
  }
} finally {
  await server.stop();
}
const rate = (tool: keyof typeof results) => median(results[tool].map((r) => r.callsPerS));
const cpu = (tool: keyof typeof results) => median(results[tool].map((r) => r.cpuS));
const perCall = (tool: keyof typeof results) => (cpu(tool) / (rate(tool) * seconds)) * 1e6;
const ratio = rate('streamlab') / rate('ghz');
console.log(`streamlab bench:load: node ${process.version}, ${os.availableParallelism()} CPUs; ${rounds} rounds, medians; server: streamlab serve, telemetry off`);
console.log(`unary ${METHOD}, ${concurrency} in flight, ${seconds} s`);
for (const tool of ['ghz', 'streamlab'] as const) {
  const label = tool === 'ghz' ? 'ghz v0.121.0' : 'streamlab load';
  console.log(`  ${label.padEnd(15)} ${rate(tool).toFixed(0).padStart(7)} calls/s [${results[tool].map((r) => r.callsPerS.toFixed(0)).join(', ')}]   client CPU ${cpu(tool).toFixed(1)} s (${perCall(tool).toFixed(0)} µs per call)`);
}
console.log(`  ratio streamlab load / ghz ${ratio.toFixed(3)} (goal >= ${GOAL.toFixed(2)}: ${ratio >= GOAL ? 'met' : 'MISSED'})`);
