/**
 * Messages of protos loaded at run time in the proto3 JSON mapping (src/client/proto-json.ts
 * over descriptor-registry.ts, issue 16 item 7): the descriptors protobufjs hands out are
 * repaired (relative type names, missing dependencies and json names), what proto3 JSON
 * accepts is accepted, and the view is proto3 JSON with proto field names, defaults, and
 * 64-bit integers as numbers while exact.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as protoLoader from '@grpc/proto-loader';
import { createDescriptorRegistry } from '../../src/client/descriptor-registry.ts';
import { createProtoJson, ProtoJsonError } from '../../src/client/proto-json.ts';
import { MOCK_PROTO_OPTIONS } from '../../src/mock/message-view.ts';

const dir = mkdtempSync(join(tmpdir(), 'streamlab-proto-json-'));
writeFileSync(join(dir, 'kinds.proto'), `
syntax = "proto3";
package kinds.v1;
import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";
enum Level { LEVEL_UNSPECIFIED = 0; HIGH = 1; }
message Outer {
  message Inner { int64 big = 1; Level level = 2; }
  Inner inner = 1;
  repeated Inner items = 2;
  map<string, int64> counts = 3;
  map<string, Inner> by_name = 4;
  oneof choice { string word = 5; int32 number = 6; }
  google.protobuf.Timestamp at = 7;
  google.protobuf.UInt64Value wrapped = 8;
  uint64 huge = 9;
  bytes blob = 10;
  int32 small_count = 11;
  repeated sint64 deltas = 12;
}
service Kinds { rpc Get(Outer) returns (Outer); }
`);
const definition = protoLoader.loadSync('kinds.proto', { ...MOCK_PROTO_OPTIONS, includeDirs: [dir] });
const json = createProtoJson(createDescriptorRegistry(definition));
const roundTrip = (value: unknown) => json.decode('kinds.v1.Outer', json.encode('kinds.v1.Outer', value));

test('the registry resolves what protobufjs leaves relative: nested, map entry, well-known and service types', () => {
  const outer = json.messageType('kinds.v1.Outer');
  const typeOf = (name: string) => outer.fields.find((field) => field.name === name)?.message?.typeName;
  assert.equal(typeOf('inner'), 'kinds.v1.Outer.Inner');
  assert.equal(typeOf('at'), 'google.protobuf.Timestamp');
  assert.equal(typeOf('wrapped'), 'google.protobuf.UInt64Value');
  assert.equal(outer.fields.find((field) => field.name === 'by_name')?.fieldKind, 'map');
  const method = json.registry.getService('kinds.v1.Kinds')?.methods[0];
  assert.deepEqual([method?.input.typeName, method?.output.typeName], ['kinds.v1.Outer', 'kinds.v1.Outer']);
  assert.equal(outer.fields.find((field) => field.name === 'small_count')?.jsonName, 'smallCount', 'json names as protoc fills them');
});

test('the view: proto names, every implicit default, 64-bit integers as numbers while exact, well-known types as their JSON', () => {
  assert.deepEqual(roundTrip({}), {
    items: [], counts: {}, by_name: {}, huge: 0, blob: '', small_count: 0, deltas: [],
  });
  const view = roundTrip({
    inner: { big: '9007199254740991', level: 1 }, items: [{ big: 7 }], counts: { a: '12', b: 9007199254740993n.toString() },
    byName: { x: { big: '-5' } }, number: 3, at: '2024-02-29T23:59:59.5-01:00', wrapped: '18446744073709551615',
    huge: '18446744073709551615', blob: 'aGk_', smallCount: '4', deltas: [-1, '2'],
  });
  assert.deepEqual(view, {
    inner: { big: 9007199254740991, level: 'HIGH' },
    items: [{ big: 7, level: 'LEVEL_UNSPECIFIED' }],
    counts: { a: 12, b: '9007199254740993' },
    by_name: { x: { big: -5, level: 'LEVEL_UNSPECIFIED' } },
    number: 3,
    at: '2024-03-01T00:59:59.500Z',
    wrapped: '18446744073709551615',
    huge: '18446744073709551615',
    blob: 'aGk/',
    small_count: 4,
    deltas: [-1, 2],
  });
});

test('the view is itself valid input: encoding it again gives the same message', () => {
  const view = roundTrip({ inner: { big: 3 }, word: 'w', at: '1970-01-01T00:00:00Z', counts: { k: 1 } });
  assert.deepEqual(roundTrip(view), view);
});

test('a key left undefined (a template over a missing field) is left out; null means unset', () => {
  assert.deepEqual(roundTrip({ word: undefined, inner: null, items: [{ big: undefined }] }), roundTrip({ items: [{}] }));
});

test('what does not fit is a ProtoJsonError naming the field', () => {
  const refused = (value: unknown, message: RegExp) => assert.throws(() => json.encode('kinds.v1.Outer', value), (error: unknown) => error instanceof ProtoJsonError && message.test(error.message));
  refused({ nope: 1 }, /^"nope" is not a field of kinds\.v1\.Outer; its fields are inner, items, counts, by_name, word, number, at, wrapped, huge, blob, small_count, deltas$/);
  refused({ inner: { bigg: 1 } }, /^"bigg" is not a field of kinds\.v1\.Outer\.Inner; its fields are big, level$/);
  refused({ at: 'noon' }, /Timestamp from JSON: invalid RFC 3339 string/);
  refused({ huge: -1 }, /kinds\.v1\.Outer\.huge from JSON: expected bigint \(uint64\): -1 out of range/);
  refused({ small_count: 1.5 }, /expected number \(int32\), got 1\.5/);
  refused([], /a kinds\.v1\.Outer must be a JSON object, got \[\]/);
  assert.throws(() => json.encode('kinds.v1.Nope', {}), /message type kinds\.v1\.Nope is not in the loaded protos/);
});
