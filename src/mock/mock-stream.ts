/**
 * Runs one mocked call from its method's script (script-line.ts), for every RPC kind:
 * - `out` lines: for server streaming and bidi a timeline, each at `ts` ms after the stream
 *   opened; for unary and client streaming the candidates for the single response;
 * - `in` lines: rules tried in order against each client message (the request of a unary or
 *   server-streaming call too); the first that matches and whose condition holds applies,
 *   its `response` sent `ts` ms later (client streaming: kept as the answer);
 * - a line applies its state updates, sends its message, then ends the call if it says so
 *   (`close`, `error`, `fault`). A server stream ends with OK after its timeline; a bidi
 *   stream once the client half-closed and nothing is pending.
 * A template that fails at run time ends the call with INTERNAL naming the line and the
 * expression; a state or message past its cap (resource-limits.ts) with RESOURCE_EXHAUSTED
 * naming the line; the server goes on serving.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { status as Status } from '@grpc/grpc-js';
import { TemplateError } from './template/index.ts';
import type { TemplateScope } from './template/index.ts';
import { matchesPattern } from './match-pattern.ts';
import type { MockRuntime } from './mock-runtime.ts';
import type { Script, ScriptLine } from './script-line.ts';
import { LineFailure, statusOfFailure } from './stream-io.ts';
import { delayMs, latencyMs } from './line-timing.ts';
import { checkMessageSize, checkStateSize } from './resource-limits.ts';
import type { StreamIo } from './stream-io.ts';

export type { StreamIo } from './stream-io.ts';

/** Creates the engine of one call; drive it with start / message / halfClose. */
export function createMockStream(runtime: MockRuntime, script: Script, io: StreamIo) {
  const outLines = script.lines.filter((line) => line.dir === 'out');
  const inLines = script.lines.filter((line) => line.dir === 'in');
  const scope: TemplateScope = { request: {}, state: Object.create(null) as Record<string, unknown> };
  const helpers = runtime.helpersForStream();
  const openedAtMs = Date.now();
  const streaming = io.kind === 'server_stream' || io.kind === 'bidi_stream';
  let ended = false;
  let sent = 0;
  let pending = 0;
  let outDone = !streaming;
  let halfClosed = io.kind !== 'bidi_stream';
  let answer: unknown;
  let firstMessage = true;

  io.signal.addEventListener('abort', () => void (ended = true), { once: true });
  const timeout = runtime.limits.streamTimeoutMs > 0
    ? setTimeout(() => end(() => io.fail(Status.DEADLINE_EXCEEDED, `mock stream timeout: open longer than ${runtime.limits.streamTimeoutMs} ms (--stream-timeout-ms)`)), runtime.limits.streamTimeoutMs)
    : undefined;
  timeout?.unref();

  function end(action: () => void): void {
    if (ended) return;
    ended = true;
    clearTimeout(timeout);
    action();
  }

  const latency = (): number => latencyMs(runtime.limits, runtime.random);
  const tsOf = (line: ScriptLine): number => delayMs(line, scope, helpers);

  /** Sleeps until `atMs` (epoch); false when the call ended meanwhile. */
  async function until(atMs: number): Promise<boolean> {
    const waitMs = atMs - Date.now();
    if (waitMs > 0) await delay(waitMs, undefined, { signal: io.signal }).catch(() => undefined);
    return !ended;
  }

  function emit(message: unknown): void {
    if (sent >= runtime.limits.maxMessages) {
      throw new LineFailure(Status.RESOURCE_EXHAUSTED, `mock message limit: ${runtime.limits.maxMessages} messages sent on this stream (--max-messages)`);
    }
    sent += 1;
    io.send(message);
  }

  /** Applies `line` (its condition already held): updates, message, then its ending. */
  function apply(line: ScriptLine, payload: ScriptLine['message']): void {
    for (const update of line.updates) scope.state[update.key] = update.value.render(scope, helpers);
    if (line.updates.length > 0) checkStateSize(scope.state, runtime.limits, line);
    const message = payload?.render(scope, helpers);
    if (message !== undefined) {
      checkMessageSize(message, runtime.limits, line);
      if (streaming) emit(message);
      else answer = message;
    }
    if (line.error) {
      const text = String(line.error.message.render(scope, helpers));
      checkMessageSize(text, runtime.limits, line);
      const code = line.error.code;
      end(() => io.fail(code, text));
    } else if (line.fault) {
      const fault = line.fault;
      end(() => io.fault(fault));
    } else if (line.close) {
      end(() => (streaming ? io.finish() : io.reply(answer ?? {})));
    }
  }

  /**
   * Runs `work` for `line`; a template or line failure ends the call with its status, the
   * message naming the script line (`file:line`) and the expression.
   */
  function guarded(work: () => void, line?: ScriptLine): void {
    try {
      work();
    } catch (error) {
      const { code, message } = statusOfFailure(error, line);
      end(() => io.fail(code, message));
    }
  }

  const holds = (line: ScriptLine): boolean => !line.condition || Boolean(line.condition.evaluate(scope, helpers));

  function maybeFinish(): void {
    if (streaming && outDone && halfClosed && pending === 0) end(() => io.finish());
  }

  /** The first `in` rule that matches `view` and whose condition holds (`view` becomes the message being answered). */
  function ruleFor(view: unknown): ScriptLine | undefined {
    scope.message = view;
    const json = JSON.stringify(view);
    return inLines.find((line) => matchesPattern(line.pattern!, view, json) && holdsAt(line));
  }

  /** Tries the `in` rules on `view`; the first that matches and holds applies after its ts. */
  function onMessage(view: unknown): void {
    if (ended) return;
    guarded(() => {
      const rule = ruleFor(view);
      if (!rule) return;
      const atMs = Date.now() + tsOf(rule) + (rule.response ? latency() : 0);
      pending += 1;
      void until(atMs).then((live) => {
        pending -= 1;
        if (live) guarded(() => {
          scope.message = view;
          apply(rule, rule.response);
        }, rule);
        maybeFinish();
      });
    });
  }

  /** A condition that throws is the line's failure, with its place in the message. */
  function holdsAt(line: ScriptLine): boolean {
    try {
      return holds(line);
    } catch (error) {
      if (error instanceof TemplateError) throw new LineFailure(Status.INTERNAL, `${line.where}: condition failed: ${error.message}`);
      throw error;
    }
  }

  async function runTimeline(): Promise<void> {
    for (const line of outLines) {
      let atMs = 0;
      try {
        atMs = openedAtMs + tsOf(line) + latency();
      } catch (error) {
        guarded(() => { throw error; }, line);
      }
      if (ended || !(await until(atMs))) return;
      guarded(() => {
        if (holdsAt(line)) apply(line, line.message);
      }, line);
      if (ended) return;
    }
    outDone = true;
    maybeFinish();
  }

  /** The single response of unary / client streaming when no rule gave one: the first `out` line that holds. */
  async function answerFromOut(): Promise<void> {
    for (const line of outLines) {
      let applies = false;
      guarded(() => void (applies = holdsAt(line)));
      if (ended) return;
      if (!applies) continue;
      if (!(await until(Date.now() + tsOf(line) + latency()))) return;
      guarded(() => apply(line, line.message), line);
      if (!ended) end(() => io.reply(answer ?? {}));
      return;
    }
    end(() => io.fail(Status.UNIMPLEMENTED, `${script.file}: no line answered: no "in" rule matched the request and no "out" line applies`));
  }

  return {
    /** The call opened; `request` is the request of a unary or server-streaming call. */
    start(request?: unknown): void {
      if (request !== undefined) scope.request = request as Record<string, unknown>;
      if (streaming) void runTimeline();
      if (request === undefined) return;
      if (io.kind === 'unary') {
        let rule: ScriptLine | undefined;
        guarded(() => void (rule = ruleFor(request)));
        if (ended) return;
        if (!rule) return void answerFromOut();
        const matched = rule;
        guarded(() => {
          void until(Date.now() + tsOf(matched) + latency()).then((live) => {
            if (!live) return;
            guarded(() => apply(matched, matched.response), matched);
            if (!ended) end(() => io.reply(answer ?? {}));
          });
        }, matched);
        return;
      }
      onMessage(request);
    },
    /** A client message arrived (client streaming, bidi); the first one is `request`. */
    message(view: unknown): void {
      if (firstMessage) scope.request = view as Record<string, unknown>;
      firstMessage = false;
      onMessage(view);
    },
    /** The client half-closed. */
    halfClose(): void {
      halfClosed = true;
      if (ended) return;
      if (io.kind === 'client_stream') {
        const reply = (): void => {
          if (ended) return;
          if (pending > 0) return void setTimeout(reply, 5); // a rule's response is still due
          if (answer !== undefined) end(() => io.reply(answer));
          else void answerFromOut();
        };
        reply();
        return;
      }
      maybeFinish();
    },
  };
}
