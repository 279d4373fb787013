/**
 * The mocked services: every method of every service in the user's protos, answered from
 * its script `DIR/<package.Service>/<Method>.jsonl` (issue 9). A method without a script
 * answers UNIMPLEMENTED naming the file it looked for. Registered through createServer, so
 * every mocked call is observed like every other call (spans, events, metrics, end causes).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { status as Status } from '@grpc/grpc-js';
import type { sendUnaryData, ServerDuplexStream, ServerReadableStream, ServerUnaryCall, ServerWritableStream, UntypedHandleCall } from '@grpc/grpc-js';
import { StreamlabError } from '../core/errors.ts';
import { methodInfoOf } from '../core/method-info.ts';
import type { RpcKind } from '../core/method-info.ts';
import { serverCallContext } from '../rpc/server/call-context.ts';
import type { ServerCallContext } from '../rpc/server/call-context.ts';
import type { ServiceRegistration } from '../server/service-registration.ts';
import type { LoadedService } from './load-protos.ts';
import type { MockRuntime } from './mock-runtime.ts';
import { createMockStream } from './mock-stream.ts';
import type { StreamIo } from './mock-stream.ts';
import { parseScript } from './parse-script.ts';
import { createTemplateHelpers } from './template/index.ts';
import type { Script } from './script-line.ts';
import { ScriptError } from './script-error.ts';
import { ProtoJsonError } from '../client/proto-json.ts';
import type { ProtoJson } from '../client/proto-json.ts';
import { fieldsPattern } from './field-pattern.ts';

/** Helpers for rendering constant templates at load time, which never call them (and must not use up a stream's seed). */
const UNUSED_HELPERS = createTemplateHelpers({});

/** Encodes a message the mock is about to send (proto3 JSON) to its wire bytes. @throws Error "the message does not fit TYPE: …" naming the field */
type EncodeResponse = (message: unknown) => Uint8Array;

function responseEncoder(json: ProtoJson, typeName: string): EncodeResponse {
  return (message) => {
    try {
      return json.encode(typeName, message);
    } catch (error) {
      if (error instanceof ProtoJsonError) throw new Error(`the message does not fit ${typeName}: ${error.message}`, { cause: error });
      throw error;
    }
  };
}

/**
 * Checks the messages of `script` that have no template (their value is known now) against
 * the response type, and turns its fields patterns into the view's form against the request
 * type (field-pattern.ts), so a typo in a field name refuses the script at start.
 * @throws ScriptError at the line of the first message or pattern that does not fit
 */
function checkScript(script: Script, service: LoadedService, method: string, encode: EncodeResponse): void {
  for (const line of script.lines) {
    try {
      if (line.pattern?.kind === 'fields') line.pattern = { kind: 'fields', fields: fieldsPattern(service.json, service.requestTypes[method] ?? 'unknown', line.pattern.fields) };
    } catch (error) {
      if (!(error instanceof ProtoJsonError)) throw error;
      throw new ScriptError({ file: script.file, line: line.lineNumber }, `text: the pattern does not fit ${service.requestTypes[method]}: ${error.message}`, { cause: error });
    }
    const payload = line.dir === 'out' ? line.message : line.response;
    if (!payload?.constant) continue;
    try {
      // A constant template reads neither the scope nor the helpers.
      encode(payload.render({ request: {}, state: {} }, UNUSED_HELPERS));
    } catch (error) {
      throw new ScriptError({ file: script.file, line: line.lineNumber }, (error as Error).message, { cause: error });
    }
  }
}

type AnyCall = ServerUnaryCall<unknown, unknown> & ServerReadableStream<unknown, unknown> & ServerWritableStream<unknown, unknown> & ServerDuplexStream<unknown, unknown>;

/** Where the script of `service`/`method` lives. */
export function scriptPath(scriptsDir: string, service: string, method: string): string {
  return join(scriptsDir, service, `${method}.jsonl`);
}

/** The engine's view of `call`; messages are encoded here, so one that does not fit fails its line. */
function ioOf(kind: RpcKind, call: AnyCall, context: ServerCallContext, runtime: MockRuntime, encode: EncodeResponse, callback?: sendUnaryData<unknown>): StreamIo {
  const fail = (code: Status, message: string): void => {
    // The mock's own stream timeout is a handler status, not the client's deadline.
    context.fail(new StreamlabError(code, message), code === Status.DEADLINE_EXCEEDED ? 'failed' : undefined);
  };
  return {
    kind,
    signal: context.signal,
    send: (message) => void call.write(encode(message)),
    reply: (message) => callback?.(null, encode(message)),
    finish: () => call.end(),
    fail,
    // A fault breaks the whole connection: every stream on it ends. When another stream's
    // fault broke it first, this call is ending through the transport already: nothing to do.
    fault: (fault) => void runtime.faults.apply(fault, call, context),
  };
}

/** The handler of one method from its script (or UNIMPLEMENTED when it has none). */
function handlerOf(kind: RpcKind, script: Script | undefined, missing: string, runtime: MockRuntime, encode: EncodeResponse): UntypedHandleCall {
  if (!script) {
    return (() => {
      serverCallContext().fail(new StreamlabError(Status.UNIMPLEMENTED, `no mock script for this method: looked for ${missing}`));
    }) as UntypedHandleCall;
  }
  return ((rawCall: unknown, callback?: sendUnaryData<unknown>) => {
    const call = rawCall as AnyCall;
    const context = serverCallContext();
    context.bindHandler(call, callback);
    const engine = createMockStream(runtime, script, ioOf(kind, call, context, runtime, encode, callback));
    // Requests arrive as their view: the service's deserializers are proto-json's (load-protos.ts).
    if (kind === 'unary' || kind === 'server_stream') return engine.start(call.request);
    engine.start();
    call.on('data', (message: unknown) => engine.message(message));
    call.on('end', () => engine.halfClose());
  }) as UntypedHandleCall;
}

/**
 * Builds the registrations of `services`, reading every method's script now.
 * @throws ScriptError at `file:line:column` for the first script that does not parse, or at
 *   the line of a message without templates or a fields pattern that does not fit its type
 */
export function createMockServices(services: readonly LoadedService[], scriptsDir: string, runtime: MockRuntime): ServiceRegistration[] {
  return services.map((service) => {
    const handlers: Record<string, UntypedHandleCall> = {};
    for (const [method, definition] of Object.entries(service.definition)) {
      const file = scriptPath(scriptsDir, service.name, method);
      const script = existsSync(file) ? parseScript(file, readFileSync(file, 'utf8')) : undefined;
      const encode = responseEncoder(service.json, service.responseTypes[method] ?? 'unknown');
      if (script) checkScript(script, service, method, encode);
      handlers[method] = handlerOf(methodInfoOf(definition).kind, script, file, runtime, encode);
    }
    return { name: service.name, definition: service.definition, handlers };
  });
}
