/**
 * Method info (src/core/method-info.ts): the RPC kind from a method definition, the wire sizes
 * from its serializers, for any proto.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadStreamlabProto } from '../../src/core/proto.ts';
import { methodInfoOf, splitMethodPath } from '../../src/core/method-info.ts';

test('method info: the RPC kind from the definition flags, sizes from the serializers (any proto)', () => {
  const { Ticker, Delivery } = loadStreamlabProto().streamlab.v1;
  const kinds = [Ticker.service.Notify, Ticker.service.Publish, Ticker.service.Subscribe, Delivery.service.Exchange].map((d) => methodInfoOf(d).kind);
  assert.deepEqual(kinds, ['unary', 'client_stream', 'server_stream', 'bidi_stream']);
  const subscribe = methodInfoOf(Ticker.service.Subscribe);
  assert.equal(subscribe.service, 'streamlab.v1.Ticker');
  assert.equal(subscribe.method, 'Subscribe');
  const event = { id: 128, sentAt: { seconds: 1_795_000_000, nanos: 5 }, topic: 'ünïcode', payload: Buffer.alloc(70_000) };
  assert.equal(subscribe.responseBytes(event), Ticker.service.Subscribe.responseSerialize(event).length);
  assert.equal(subscribe.requestBytes({ topic: 't', count: 3 }), Ticker.service.Subscribe.requestSerialize({ topic: 't', count: 3 }).length);
  assert.equal(subscribe.responseBytes({ payload: 42 }), 0, 'a message the serializer rejects has no known size');
  assert.throws(() => splitMethodPath('Subscribe'), /method path "Subscribe" is not of the form \/package.Service\/Method/);
});
