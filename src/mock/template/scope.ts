/**
 * What an expression can see. Scripts use MockForge's names: `request` is the stream's first
 * request message, `request.ws.message` the message being answered and `request.ws.state`
 * the stream's state object.
 */

/**
 * The values behind the names of an expression.
 *
 * - `request` → `request`: the stream's first request message, as plain data (proto field
 *   names, enums as names, defaults included).
 * - `message` → `request.ws.message`: the message being answered (undefined when none, e.g.
 *   on a server-streaming `out` line).
 * - `state` → `request.ws.state`: the stream's state, which script lines update.
 *
 * `request.ws` is reserved for these two paths: a request field literally named `ws` is
 * shadowed and cannot be read (`request.ws`, `request["ws"]` and `request.ws.x` for any
 * other `x` are compile errors).
 *
 * Only plain data is readable: plain objects (prototype Object.prototype or null), arrays
 * and strings; reading into anything else (a Buffer, a Map, a number) is a run-time error.
 */
export interface TemplateScope {
  request: Record<string, unknown>;
  message?: unknown;
  state: Record<string, unknown>;
}
