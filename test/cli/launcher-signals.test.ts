/**
 * Stopping the launcher stops the service (issue 16 item 9), tested the way a supervisor
 * does it: spawn `npx streamlab <command>`, signal the npx process (SIGTERM, SIGINT, or
 * SIGKILL: the launcher going away), and assert that every process it started is gone and
 * the ports it listened on are free. Before the fix npm forwarded SIGTERM to its `sh -c`
 * only, and the Node server ran on, reparented to PID 1, still listening. The repository's
 * .npmrc (script-shell bash) makes npm's shell exec streamlab, so npm's forwarded signal
 * reaches it; with dash in between, streamlab's launcher watch notices the shell gone.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { createMockServer } from '../../src/mock/mock-server.ts';
import type { MockServer } from '../../src/mock/mock-server.ts';
import { createTelemetryDeps } from '../../src/telemetry/create-telemetry-deps.ts';
import { ROOT } from '../helpers/cli.ts';
import { childrenOf, pollProcesses, running } from '../helpers/processes.ts';

/** Every pid below `pid`, children first found first. */
function descendantsOf(pid: number): number[] {
  return childrenOf(pid).flatMap((child) => [child, ...descendantsOf(child)]);
}

/** Resolves true when nothing accepts connections on 127.0.0.1:`port`. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

const launched = new Set<ChildProcess>();
/** Every process a launcher started, recorded before it was signalled (an orphan is no longer its descendant). */
const started = new Set<number>();
after(() => {
  // A failed test must not leave its service running: kill whatever it started.
  for (const launcher of launched) {
    for (const pid of descendantsOf(launcher.pid!)) started.add(pid);
    launcher.kill('SIGKILL');
  }
  for (const pid of started) {
    if (running(pid)) process.kill(pid, 'SIGKILL');
  }
});

/** `npx streamlab ...args` from the repository, as a user or a supervisor starts it. */
function launch(args: string[], env: Record<string, string> = {}, stdin: 'pipe' | number = 'pipe'): { launcher: ChildProcess; stderr: () => string; stdout: () => string; waitFor(pattern: RegExp): Promise<RegExpExecArray> } {
  const launcher = spawn('npx', ['--no-install', 'streamlab', ...args], { cwd: ROOT, stdio: [stdin, 'pipe', 'pipe'], env: { ...process.env, STREAMLAB_LOG_FORMAT: 'json', ...env } });
  launched.add(launcher);
  let stdout = '';
  let stderr = '';
  launcher.stdout!.on('data', (chunk: Buffer) => void (stdout += chunk));
  launcher.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk));
  const waitFor = (pattern: RegExp) => new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within 60 s; stderr: ${stderr}`)), 60_000);
    const check = () => {
      const match = pattern.exec(stderr);
      if (!match) return;
      clearTimeout(timer);
      launcher.stderr!.off('data', check);
      resolve(match);
    };
    launcher.stderr!.on('data', check);
    check();
  });
  return { launcher, stderr: () => stderr, stdout: () => stdout, waitFor };
}

/**
 * Signals the launcher, then asserts: it exits, every process below it is gone within 20 s,
 * and each of `ports` is free.
 */
async function stopAndCheck(launcher: ChildProcess, signal: NodeJS.Signals, ports: number[], stderr: () => string): Promise<void> {
  const tree = descendantsOf(launcher.pid!);
  for (const pid of tree) started.add(pid);
  assert.ok(tree.length > 0, 'the launcher started the service');
  const exited = once(launcher, 'exit');
  launcher.kill(signal);
  const launcherExited = await Promise.race([exited.then(() => true), delay(30_000, false)]);
  assert.ok(launcherExited, `the launcher did not exit within 30 s of ${signal}; stderr: ${stderr()}`);
  const gone = await pollProcesses(() => tree.every((pid) => !running(pid)), 20_000);
  assert.ok(gone, `left running after ${signal} to the launcher: ${tree.filter(running).join(', ')}; stderr: ${stderr()}`);
  for (const port of ports) assert.ok(await portFree(port), `port ${port} still accepts connections`);
  launched.delete(launcher);
}

describe('a signal to the npx launcher drains and stops the service', () => {
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGKILL'] as const) {
    test(`serve: ${signal} to npx frees both ports and leaves no process`, async () => {
      const serve = launch(['serve', '--port', '0', '--metrics-port', '0']);
      const [, grpcPort, metricsPort] = await serve.waitFor(/serving gRPC on \S+:(\d+), metrics on :(\d+)/);
      await stopAndCheck(serve.launcher, signal, [Number(grpcPort), Number(metricsPort)], serve.stderr);
      if (signal !== 'SIGKILL') assert.match(serve.stderr(), /"message":"shut down"/, 'it drained');
    });
  }

  test('serve, npm running the bin through dash (script-shell /bin/sh): SIGTERM to npx still stops it (the launcher watch)', async () => {
    const serve = launch(['serve', '--port', '0', '--metrics-port', '0'], { npm_config_script_shell: '/bin/sh' });
    const [, grpcPort, metricsPort] = await serve.waitFor(/serving gRPC on \S+:(\d+), metrics on :(\d+)/);
    await stopAndCheck(serve.launcher, 'SIGTERM', [Number(grpcPort), Number(metricsPort)], serve.stderr);
    assert.match(serve.stderr(), /streamlab: its parent \(pid \d+\) exited: stopping as on SIGTERM/);
  });

  test('fleet: SIGTERM to npx stops the controller and every server it started', async () => {
    const fleet = launch(['fleet', '--servers', '2', '--clients', '2', '--api-port', '0', '--base-port', '0']);
    const [, apiPort] = await fleet.waitFor(/control API http:\/\/127\.0\.0\.1:(\d+)\/api/);
    const servers = [...fleet.stderr().matchAll(/127\.0\.0\.1:(\d+) \(pid (\d+), metrics :(\d+)\)/g)];
    assert.equal(servers.length, 2, fleet.stderr());
    const ports = [Number(apiPort), ...servers.flatMap(([, grpc, , metrics]) => [Number(grpc), Number(metrics)])];
    await stopAndCheck(fleet.launcher, 'SIGTERM', ports, fleet.stderr);
    assert.ok(servers.every(([, , pid]) => !running(Number(pid))), 'no server left');
  });

  test('mock: SIGTERM to npx frees its ports', async () => {
    const mock = launch(['mock', '--proto', 'examples/mock/chat.proto', '--scripts', 'examples/mock/scripts', '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0']);
    const [, grpcPort, metricsPort] = await mock.waitFor(/serving chat\.v1\.Chat on \S+:(\d+), metrics on :(\d+)/);
    await stopAndCheck(mock.launcher, 'SIGTERM', [Number(grpcPort), Number(metricsPort)], mock.stderr);
  });

  test('proxy: SIGTERM to npx frees its port', async () => {
    // The proxy also stops when its stdin ends: a FIFO held open here keeps it open whatever the launcher does.
    const fifo = join(mkdtempSync(join(tmpdir(), 'streamlab-launcher-')), 'stdin');
    execFileSync('mkfifo', [fifo]);
    const stdin = openSync(fifo, 'r+');
    after(() => closeSync(stdin));
    const proxy = launch(['proxy', '--listen', '127.0.0.1:0', '--upstream', '127.0.0.1:9'], {}, stdin);
    const [, port] = await proxy.waitFor(/proxy listening on 127\.0\.0\.1:(\d+)/);
    await stopAndCheck(proxy.launcher, 'SIGTERM', [Number(port)], proxy.stderr);
  });

  describe('load', () => {
    const deps = createTelemetryDeps({ logger: { format: 'json', level: 'error' } });
    let mock: MockServer;
    let target: string;
    before(async () => {
      mock = createMockServer(deps, { protos: ['examples/mock/chat.proto'], scriptsDir: 'examples/mock/scripts' });
      target = `127.0.0.1:${(await mock.listen({ host: '127.0.0.1', port: 0 })).port}`;
    });
    after(() => mock.close(0));

    test('SIGTERM to npx ends the run: its report is printed and no process is left', async () => {
      const load = launch(['load', '--target', target, '--method', 'chat.v1.Chat/Countdown', '--proto', 'examples/mock/chat.proto', '--streams', '2', '--duration', '10m']);
      await load.waitFor(/load: /);
      await stopAndCheck(load.launcher, 'SIGTERM', [], load.stderr);
      assert.match(load.stdout(), /streams opened/, 'the interrupted run reported');
    });
  });
});
