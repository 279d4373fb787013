/**
 * Handlers written against their call's context: each adapter turns a function
 * `(call, context) => …` into the grpc-js handler of its RPC kind, hands it the call
 * context (call-context.ts) and maps whatever it throws or rejects with to a status (one
 * mapper: core/errors.ts `toStatus`; the exception is recorded on the span unless it is a
 * StreamlabError). The adapters observe nothing: the server's interceptor does, for every
 * handler, adapted or not.
 *
 *   handlers: { Notify: unary(async (call, context) => ({ delivered: 1 })) }
 */
import type { handleBidiStreamingCall, handleClientStreamingCall, handleServerStreamingCall, handleUnaryCall } from '@grpc/grpc-js';
import type { ServerDuplexStream, ServerReadableStream, ServerUnaryCall, ServerWritableStream } from '@grpc/grpc-js';
import { serverCallContext } from './call-context.ts';
import type { ServerCallContext } from './call-context.ts';

type Awaitable<T> = T | Promise<T>;

/** Runs `body`; a throw or a rejection ends the call through `context.fail`. */
function guard<T>(context: ServerCallContext, body: () => Awaitable<T>, done: (value: T) => void): void {
  let result: Awaitable<T>;
  try {
    result = body();
  } catch (error) {
    context.fail(error);
    return;
  }
  if (result instanceof Promise) result.then(done, (error: unknown) => context.fail(error));
  else done(result);
}

/** A unary handler: its return value is the response (dropped when the call is over by then). */
export function unary<Request, Response>(fn: (call: ServerUnaryCall<Request, Response>, context: ServerCallContext) => Awaitable<Response>): handleUnaryCall<Request, Response> {
  return (call, callback) => {
    const context = serverCallContext();
    context.bindHandler(call, callback);
    guard(context, () => fn(call, context), (response) => reply(context, callback, response));
  };
}

/** Counts the reply and sends it, unless the call is over by now. */
function reply<Response>(context: ServerCallContext, callback: (error: null, value: Response) => void, response: Response): void {
  if (context.finished) return;
  context.replying(response);
  callback(null, response);
}

/**
 * A client-streaming handler: read `call`, return the response (dropped when the call is
 * over by then). The reply waits one turn of the event loop: a client that cancels sends
 * END_STREAM just before RST_STREAM, so the handler's "end of input" may be a cancel, which
 * grpc-js reports in the turns that follow (observed-server-call.ts holds the status the same
 * way; holding the reply as well keeps it off the span the stock instrumentation ends on the
 * callback, in span mode contrib).
 */
export function clientStream<Request, Response>(fn: (call: ServerReadableStream<Request, Response>, context: ServerCallContext) => Awaitable<Response>): handleClientStreamingCall<Request, Response> {
  return (call, callback) => {
    const context = serverCallContext();
    context.bindHandler(call, callback);
    guard(context, () => fn(call, context), (response) => setImmediate(() => reply(context, callback, response)));
  };
}

/** A server-streaming handler: write to `call` and end it (`call.end()`) when done. */
export function serverStream<Request, Response>(fn: (call: ServerWritableStream<Request, Response>, context: ServerCallContext) => Awaitable<void>): handleServerStreamingCall<Request, Response> {
  return (call) => {
    const context = serverCallContext();
    context.bindHandler(call);
    guard(context, () => fn(call, context), () => {});
  };
}

/** A bidi-streaming handler: read and write `call`, end it when done. */
export function bidiStream<Request, Response>(fn: (call: ServerDuplexStream<Request, Response>, context: ServerCallContext) => Awaitable<void>): handleBidiStreamingCall<Request, Response> {
  return (call) => {
    const context = serverCallContext();
    context.bindHandler(call);
    guard(context, () => fn(call, context), () => {});
  };
}
