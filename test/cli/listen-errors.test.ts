/**
 * The lines bind failures become (src/cli/listen-errors.ts), for the errors a busy port cannot
 * produce in a test: a port that needs privileges, an address this machine does not have.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { firstUnbindable, listenErrorLine } from '../../src/cli/listen-errors.ts';

const errno = (code: string) => Object.assign(new Error(`listen ${code}`), { code });

test('EACCES: the port needs privileges; pick another with the flag', () => {
  assert.equal(listenErrorLine('serve', 'metrics', { host: '0.0.0.0', port: 80 }, errno('EACCES')),
    'streamlab serve: the metrics port 80 needs privileges this process lacks (EACCES on 0.0.0.0:80; ports below 1024 need root or CAP_NET_BIND_SERVICE); pick another with --metrics-port');
});

test('EADDRNOTAVAIL: the address is not this machine\'s; the flag that sets it', () => {
  assert.equal(listenErrorLine('fleet', 'controlApi', { host: '192.0.2.1', port: 7080 }, errno('EADDRNOTAVAIL')),
    'streamlab fleet: 192.0.2.1 is not an address of this machine (EADDRNOTAVAIL on 192.0.2.1:7080); give --api-host one it has, e.g. 127.0.0.1 or 0.0.0.0');
  assert.match(listenErrorLine('proxy', 'proxy', { host: '::1', port: 1 }, errno('EADDRNOTAVAIL')) ?? '', /\(EADDRNOTAVAIL on \[::1\]:1\); give --listen HOST:PORT one/);
});

test('other errors are not explained: the caller rethrows them', () => {
  assert.equal(listenErrorLine('serve', 'grpc', { host: '0.0.0.0', port: 1 }, errno('EMFILE')), undefined);
  assert.equal(listenErrorLine('serve', 'grpc', { host: '0.0.0.0', port: 1 }, new Error('boom')), undefined);
});

test('firstUnbindable: the first port in use, or none', async () => {
  const holder = createServer().listen(0, '127.0.0.1');
  await once(holder, 'listening');
  const busy = (holder.address() as { port: number }).port;
  try {
    const found = await firstUnbindable('127.0.0.1', [0, busy]);
    assert.equal(found?.port, busy);
    assert.equal(found?.error.code, 'EADDRINUSE');
    assert.equal(await firstUnbindable('127.0.0.1', [0]), undefined);
  } finally {
    holder.close();
  }
});
