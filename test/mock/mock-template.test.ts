/**
 * The mock scripts' template and expression engine (issue 9 item 3): helpers and their seed,
 * operators, members and `.length`, the request.ws.* paths, raw values versus interpolation,
 * compile errors with their column, run-time errors naming the expression, and the sandbox.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  compileExpression, compileJsonTemplate, compileTemplate, containsTemplate, createTemplateHelpers, TemplateError,
} from '../../src/mock/template/index.ts';
import type { TemplateHelpers, TemplateScope } from '../../src/mock/template/index.ts';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const helpers = createTemplateHelpers({ seed: 7, now: () => new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)) });

function scope(): TemplateScope {
  return {
    request: { name: 'ann', topics: ['news', 'sports'], count: 3, nested: { deep: { value: 'x' } }, empty: '' },
    message: { text: 'hello', type: 'TEXT' },
    state: { chunks: 2, authenticated: true, label: 'ok' },
  };
}

const evaluate = (source: string, on: TemplateScope = scope(), using: TemplateHelpers = helpers): unknown =>
  compileExpression(source).evaluate(on, using);
const render = (source: string, on: TemplateScope = scope(), using: TemplateHelpers = helpers): unknown =>
  compileTemplate(source).render(on, using);

/** Asserts a TemplateError whose message matches, at compile time or at run time. */
function refused(run: () => unknown, message: RegExp, check?: (error: TemplateError) => void): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof TemplateError, `expected a TemplateError, got ${String(error)}`);
    assert.match(error.message, message);
    check?.(error);
    return true;
  });
}

test('uuid is a v4 UUID: seeded from the generator, else crypto.randomUUID', () => {
  const seeded = [helpers.uuid(), helpers.uuid()];
  for (const id of seeded) assert.match(id, UUID_V4);
  assert.notEqual(seeded[0], seeded[1]);
  const unseeded = createTemplateHelpers();
  assert.match(unseeded.uuid(), UUID_V4);
  assert.match(String(render('{{uuid}}')), UUID_V4);
});

test('now is RFC 3339 in UTC from the given clock', () => {
  assert.equal(render('{{now}}'), '2026-01-02T03:04:05.678Z');
  assert.match(createTemplateHelpers().now(), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
});

test('randInt is inclusive at both ends and takes expressions as arguments', () => {
  const seen = new Set<number>();
  for (let i = 0; i < 200; i++) {
    const value = render('{{randInt 1 3}}');
    assert.ok(value === 1 || value === 2 || value === 3, `got ${String(value)}`);
    seen.add(value);
  }
  assert.deepEqual([...seen].sort(), [1, 2, 3]);
  assert.equal(render('{{randInt request.count request.count}}'), 3);
  assert.equal(render('{{randInt -2 -2}}'), -2);
  assert.equal(render('{{randInt (request.count + 1) 4}}'), 4);
  assert.equal(render('{{randInt 5 (randInt 5 5)}}'), 5);
  assert.equal(evaluate('randInt(7, 7) * 2'), 14);
  refused(() => render('{{randInt 5 1}}'), /randInt needs min <= max, got 5 and 1 in "randInt 5 1"/);
  refused(() => render('{{randInt 1 request.name}}'), /randInt needs two integers, got number 1 and the string "ann"/);
  refused(() => render('{{randInt 1.5 2}}'), /randInt needs two integers/);
});

test('randFromArray picks from a request list or a literal array', () => {
  for (let i = 0; i < 20; i++) {
    assert.ok(['news', 'sports'].includes(String(render('{{randFromArray request.topics}}'))));
    assert.ok(['a', 'b'].includes(String(render('{{randFromArray ["a", "b"]}}'))));
  }
  assert.equal(render(`{{randFromArray ['only one']}}`), 'only one');
  refused(() => render('{{randFromArray []}}'), /randFromArray needs a non-empty array/);
  refused(() => render('{{randFromArray request.name}}'), /randFromArray needs an array, got the string "ann" in "randFromArray request.name"/);
});

test('randSentence and randParagraph come from the built-in word list', () => {
  const sentence = String(render('{{randSentence}}'));
  assert.match(sentence, /^[A-Z][a-z]*( [a-z]+){4,11}\.$/);
  const paragraph = String(render('{{randParagraph}}'));
  const sentences = paragraph.split(/(?<=\.) /);
  assert.ok(sentences.length >= 3 && sentences.length <= 6, paragraph);
  for (const part of sentences) assert.match(part, /^[A-Z][a-z]*( [a-z]+){4,11}\.$/);
});

test('a fixed seed gives the same outputs for the same sequence of calls; another seed differs', () => {
  const draw = (using: TemplateHelpers) => [
    using.uuid(), using.randInt(0, 1_000_000), using.randFromArray(['a', 'b', 'c', 'd']), using.randSentence(), using.randParagraph(), using.uuid(),
  ];
  assert.deepEqual(draw(createTemplateHelpers({ seed: 12345 })), draw(createTemplateHelpers({ seed: 12345 })));
  assert.notDeepEqual(draw(createTemplateHelpers({ seed: 12345 })), draw(createTemplateHelpers({ seed: 54321 })));
  const json = compileJsonTemplate({ id: '{{uuid}}', n: '{{randInt 1 100000}}', s: '{{randSentence}}' });
  const first = createTemplateHelpers({ seed: 3 });
  const second = createTemplateHelpers({ seed: 3 });
  assert.deepEqual([json.render(scope(), first), json.render(scope(), first)], [json.render(scope(), second), json.render(scope(), second)]);
  assert.throws(() => createTemplateHelpers({ seed: 1.5 }), /seed 1.5 must be a 32-bit integer/);
});

test('arithmetic, string concatenation and unary minus', () => {
  assert.equal(evaluate('1 + 2 * 3'), 7);
  assert.equal(evaluate('(1 + 2) * 3'), 9);
  assert.equal(evaluate('10 - 4 - 3'), 3);
  assert.equal(evaluate('7 / 2'), 3.5);
  assert.equal(evaluate('-request.count + 1'), -2);
  assert.equal(evaluate('- (2 * 3)'), -6);
  assert.equal(evaluate('"a" + \'b\''), 'ab');
  assert.equal(evaluate('"n=" + request.count'), 'n=3');
  assert.equal(evaluate('request.count + "!"'), '3!');
  assert.equal(evaluate('"is " + true'), 'is true');
  assert.equal(evaluate('1.5e2 + .5'), 150.5);
});

test('comparisons, equality, logic and literals', () => {
  assert.equal(evaluate('1 < 2'), true);
  assert.equal(evaluate('2 > 2'), false);
  assert.equal(evaluate('2 <= 2'), true);
  assert.equal(evaluate('1 >= 2'), false);
  assert.equal(evaluate('"abc" < "abd"'), true);
  assert.equal(evaluate('request.count === 3'), true);
  assert.equal(evaluate('request.count !== 3'), false);
  assert.equal(evaluate('request.count == "3"'), true);
  assert.equal(evaluate('request.count != "3"'), false);
  assert.equal(evaluate('null == undefined'), true);
  assert.equal(evaluate('null === undefined'), false);
  assert.equal(evaluate('request.topics == "news,sports"'), false, 'objects compare by identity, not by conversion');
  assert.equal(evaluate('!request.ws.state.authenticated'), false);
  assert.equal(evaluate('!!request.empty'), false);
  assert.equal(evaluate('true && "x"'), 'x');
  assert.equal(evaluate('false || null || 0'), 0);
  assert.equal(evaluate('request.ws.state.authenticated === true && request.ws.message.text !== ""'), true);
  assert.equal(evaluate('false && request.nothing.at.all'), false, '&& short-circuits');
  assert.equal(evaluate('true || request.nothing.at.all'), true, '|| short-circuits');
  assert.deepEqual(evaluate('[1, "two", true, null, [request.count]]'), [1, 'two', true, null, [3]]);
  assert.equal(evaluate('undefined'), undefined);
});

test('members, indexing and .length of strings and arrays; a missing field is undefined', () => {
  assert.equal(evaluate('request.topics[0]'), 'news');
  assert.equal(evaluate('request.topics[request.count - 2]'), 'sports');
  assert.equal(evaluate('request.topics.length'), 2);
  assert.equal(evaluate('request.name.length'), 3);
  assert.equal(evaluate('request.name[1]'), 'n');
  assert.equal(evaluate('request["name"]'), 'ann');
  assert.equal(evaluate('request.nested.deep.value'), 'x');
  assert.equal(evaluate('request.nested["deep"]["value"]'), 'x');
  assert.equal(evaluate('["a", "b"][1]'), 'b');
  assert.equal(evaluate('request.topics[5]'), undefined);
  assert.equal(evaluate('request.missing'), undefined);
  assert.equal(evaluate('request.ws.state.count === undefined'), true);
  assert.equal(evaluate('request.name.toUpperCase'), undefined, 'only own properties: a method is not one');
  assert.equal(evaluate('request.nested.hasOwnProperty'), undefined);
});

test('request.ws.message and request.ws.state are the scope\'s message and state; a request field "ws" is shadowed', () => {
  assert.equal(render('{{request.ws.message.text}}'), 'hello');
  assert.equal(render('{{request.ws.state.label}}'), 'ok');
  assert.deepEqual(render('{{request.ws.state}}'), scope().state);
  assert.equal(render('{{request.ws.message.type === "TEXT"}}'), true);
  const shadowed: TemplateScope = { request: { ws: { message: 'field' } }, message: 'answered', state: {} };
  assert.equal(render('{{request.ws.message}}', shadowed), 'answered');
  refused(() => compileTemplate('{{request.ws}}'), /request.ws is not a value: use request.ws.message or request.ws.state/);
  refused(() => compileTemplate('{{request["ws"].x}}'), /request.ws has only .message and .state/);
  refused(() => render('{{request.ws.message.text}}', { request: {}, state: {} }), /cannot read .text of undefined: request.ws.message is undefined/);
});

test('a template that is one {{ }} yields the raw value; anything else interpolates a string', () => {
  assert.equal(typeof render('{{randInt 1 5}}'), 'number');
  assert.equal(render('  {{request.ws.state.chunks + 1}} '), 3);
  assert.equal(render('{{request.ws.state.authenticated}}'), true);
  assert.deepEqual(render('{{request.topics}}'), ['news', 'sports']);
  assert.equal(render('{{request.missing}}'), undefined);
  assert.equal(render('chunks={{request.ws.state.chunks + 1}}'), 'chunks=3');
  assert.equal(render('{{request.count}}{{request.count}}'), '33');
  assert.equal(render('{{request.topics}} / {{request.nested.deep}} / {{null}}'), '["news","sports"] / {"value":"x"} / null');
  assert.equal(render('no templates'), 'no templates');
  assert.equal(compileTemplate('no templates').constant, true);
  assert.equal(render('literal \\{{braces}} and {{request.name}}'), 'literal {{braces}} and ann');
  assert.equal(render('{{ "}}" + request.name }}'), '}}ann');
  refused(() => render('hi {{request.nickname}}'), /the value is undefined \(a missing field\?\), which a string cannot show in "request.nickname"/);
  assert.equal(containsTemplate('a {{b}}'), true);
  assert.equal(containsTemplate('a {{ unclosed'), true);
  assert.equal(containsTemplate('a \\{{b}}'), false);
  assert.equal(containsTemplate('plain'), false);
});

test('compileJsonTemplate renders every string to a new value; keys stay literal', () => {
  const compiled = compileJsonTemplate({
    greeting: 'hi {{request.name}}', n: '{{randInt 1 1}}', '{{key}}': 'k', list: ['{{request.topics[1]}}', 2, null, false], nested: { count: '{{request.count * 2}}' },
  });
  assert.equal(compiled.constant, false);
  const first = compiled.render(scope(), helpers);
  assert.deepEqual(first, { greeting: 'hi ann', n: 1, '{{key}}': 'k', list: ['sports', 2, null, false], nested: { count: 6 } });
  assert.notEqual(compiled.render(scope(), helpers), first, 'a new object per render');
  const constant = compileJsonTemplate({ a: [1, 'b'] });
  assert.equal(constant.constant, true);
  assert.notEqual(constant.render(scope(), helpers), constant.render(scope(), helpers));
  assert.equal(compileJsonTemplate('{{request.count}}').render(scope(), helpers), 3);
  refused(() => compileJsonTemplate(JSON.parse('{"__proto__": {"polluted": 1}}')), /object key "__proto__" is not allowed/);
  refused(() => compileJsonTemplate({ a: { b: 'x {{request.constructor}}' } }), /member "constructor" is not allowed/, (error) => {
    assert.equal(error.source, 'x {{request.constructor}}');
    assert.equal(error.column, 13);
  });
});

test('compile errors name the column within the template string', () => {
  const at = (source: string, message: RegExp, column: number) =>
    refused(() => compileTemplate(source), message, (error) => {
      assert.equal(error.column, column, error.message);
      assert.equal(error.source, source);
      assert.ok(error.message.includes(`column ${column} of ${JSON.stringify(source)}`), error.message);
    });
  at('ab {{ request. }}', /syntax error: unexpected end of expression in "request\."/, 16);
  at('{{request.name ==}}', /syntax error: Expected expression after ==/, 18);
  at('x {{ 1 + }} y', /syntax error/, 10);
  at('hello {{request.name', /unclosed \{\{/, 7);
  at('a {{   }} b', /empty expression/, 5);
  at('{{request.count % 2}}', /operator % is not supported/, 17);
  at('{{request.n ? 1 : 2}}', /the conditional operator \? : is not supported/, 3);
  at('{{randInt 1}}', /helper randInt takes 2 arguments, got 1/, 3);
  at('{{uuid(1)}}', /helper uuid takes 0 arguments, got 1/, 3);
  at('{{ request.a request.b }}', /two expressions side by side/, 14);
  at('{{request.x?.y}}', /optional chaining/, 14);
  at('{{~request.count}}', /operator ~ is not supported/, 3);
  at('{{request.a = 1}}', /syntax error/, 13);
  at('{{[1, , 2]}}', /empty elements/, 3);
  at('{{(1, 2)}}', /comma-separated expressions are not supported/, 3);
  refused(() => compileExpression('request.ws.state.count <'), /syntax error/, (error) => assert.equal(error.column, 25));
});

test('run-time errors name the expression and what was undefined', () => {
  const failsWith = (source: string, message: RegExp) => refused(() => render(source), message, (error) => {
    assert.equal(error.expression, source.slice(2, -2).trim());
    assert.equal(error.column, undefined);
  });
  failsWith('{{request.ws.state.missing.x}}', /cannot read \.x of undefined: request\.ws\.state\.missing is undefined in "request\.ws\.state\.missing\.x"/);
  failsWith('{{request.ws.state.missing + 1}}', /\+ needs two numbers, or a string and a string, number or boolean, got undefined \(request\.ws\.state\.missing\) and number 1/);
  failsWith('{{request.count / request.name}}', /\/ needs two numbers, got number 3 \(request\.count\) and the string "ann" \(request\.name\)/);
  failsWith('{{request.count / 0}}', /division by zero: request\.count \/ 0/);
  failsWith('{{request.count * request.missing}}', /\* needs two numbers/);
  failsWith('{{request.count < "4"}}', /< needs two numbers or two strings/);
  failsWith('{{-request.name}}', /unary - needs a number, got the string "ann" \(request\.name\)/);
  failsWith('{{request.count.x}}', /cannot read \.x of number 3 \(request\.count\): only objects, arrays and strings have members/);
  failsWith('{{request.topics[request.nested]}}', /an index must be a string or a number, but request\.nested is an object/);
  failsWith('{{request.nested[null]}}', /an index must be a string or a number/);
  refused(() => evaluate('request.items[0].name', { request: { items: null }, state: {} }), /cannot read \[0\] of null: request\.items is null/);
});

test('state updates: "{{request.ws.state.chunks + 1}}" with chunks undefined is an error, not NaN', () => {
  const update = compileJsonTemplate('{{request.ws.state.chunks + 1}}');
  const state: Record<string, unknown> = {};
  refused(() => update.render({ request: {}, state }, helpers), /got undefined \(request\.ws\.state\.chunks\) and number 1/);
  const guarded = compileJsonTemplate('{{(request.ws.state.chunks || 0) + 1}}');
  state['chunks'] = guarded.render({ request: {}, state }, helpers);
  state['chunks'] = guarded.render({ request: {}, state }, helpers);
  assert.equal(state['chunks'], 2);
});

test('the sandbox: prototypes, globals and the process are refused with a clear error', () => {
  const attempts: Array<[string, RegExp]> = [
    ['request.constructor', /member "constructor" is not allowed/],
    ['request["constructor"]', /member "constructor" is not allowed/],
    ['request.__proto__', /member "__proto__" is not allowed/],
    ['request["__proto__"].polluted', /member "__proto__" is not allowed/],
    ['request.nested.prototype', /member "prototype" is not allowed/],
    ['"".constructor.constructor("return process")()', /member "constructor" is not allowed/],
    ['[].constructor', /member "constructor" is not allowed/],
    ['request.ws.state.x.constructor', /member "constructor" is not allowed/],
    ['request.name.constructor', /member "constructor" is not allowed/],
    ['process', /unknown name "process"/],
    ['globalThis', /unknown name "globalThis"/],
    ['require("child_process")', /only the helpers \(uuid, now, randInt, randFromArray, randSentence, randParagraph\) can be called, not require/],
    ['Function("return 1")()', /only the helpers .* can be called, not Function/],
    ['Function', /unknown name "Function"/],
    ['constructor', /unknown name "constructor"/],
    ['this', /"this" is not allowed/],
    ['this.constructor', /"this" is not allowed/],
    ['new Object()', /"new" is not supported/],
    ['eval("1")', /only the helpers .* can be called, not eval/],
    ['request.name.toString()', /only the helpers .* can be called, not request\.name\.toString/],
    ['(request.topics).map(uuid)', /only the helpers .* can be called/],
    ['randInt', /helper randInt takes 2 arguments, got 0/],
    ['randInt + 1', /helper randInt is not a value/],
    ['randFromArray.length', /helper randFromArray is not a value/],
    ['[randFromArray]', /helper randFromArray is not a value/],
  ];
  for (const [source, message] of attempts) {
    refused(() => compileExpression(source), message, (error) => {
      assert.equal(error.expression, source);
      assert.equal(typeof error.column, 'number', `${source}: ${error.message}`);
    });
    refused(() => compileTemplate(`{{${source}}}`), message);
  }
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
});

test('the sandbox at run time: computed forbidden names, functions and non-plain data are refused', () => {
  const hostile: TemplateScope = {
    request: { key: 'constructor', proto: '__proto__', fn: () => process, buffer: Buffer.from('ab'), map: new Map([['a', 1]]), date: new Date(0) },
    state: { key: 'prototype' },
  };
  const failsWith = (source: string, message: RegExp) => refused(() => evaluate(source, hostile), message);
  failsWith('request[request.key]', /member "constructor" is not allowed/);
  failsWith('request[request.proto]', /member "__proto__" is not allowed/);
  failsWith('"abc"[request.key]', /member "constructor" is not allowed/);
  failsWith('request.topics[request.ws.state.key]', /member "prototype" is not allowed/);
  failsWith('request[request.key][request.key]', /member "constructor" is not allowed/);
  failsWith('request.fn', /request\.fn is a function, and functions are not reachable from templates/);
  failsWith('request.buffer.length', /cannot read \.length of an object \(request\.buffer\): only objects, arrays and strings have members/);
  failsWith('request.map.size', /only objects, arrays and strings have members/);
  failsWith('request.date.getTime', /only objects, arrays and strings have members/);
  failsWith('true.constructor', /member "constructor" is not allowed/);
  const nullPrototype = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
  assert.equal(evaluate('request.data.a', { request: { data: nullPrototype }, state: {} }), 1);
});

test('no eval or Function in the engine or in jsep', () => {
  const directory = fileURLToPath(new URL('../../src/mock/template/', import.meta.url));
  const sources = readdirSync(directory).map((name) => readFileSync(directory + name, 'utf8'));
  sources.push(readFileSync(fileURLToPath(import.meta.resolve('jsep')), 'utf8'));
  for (const source of sources) {
    const code = source.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    assert.doesNotMatch(code, /\beval\s*\(|\bFunction\s*\(|new\s+Function\b|node:vm/);
  }
});
