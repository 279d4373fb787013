/**
 * OpenTelemetry SDK bootstrap — the only file that touches the SDK (design §5).
 *
 * Load it before the app so @grpc/grpc-js is patched when it is first imported:
 *   node --import ./src/instrumentation.ts src/main.ts serve
 * (`bin/streamlab.js` and the npm scripts do this for you.)
 *
 * What it honours (standard OTel variables, read by the SDK itself):
 * - traces leave the process over OTLP only when OTEL_EXPORTER_OTLP_ENDPOINT or
 *   OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set (or OTEL_TRACES_EXPORTER says otherwise);
 *   OTEL_EXPORTER_OTLP_PROTOCOL picks grpc | http/protobuf (SDK default http/protobuf);
 * - OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER, OTEL_BSP_*, OTEL_PROPAGATORS;
 * - OTEL_METRICS_EXPORTER / OTEL_LOGS_EXPORTER: unset means none, because metrics are
 *   served by prom-client on /metrics and logs go through winston.
 * - OTEL_LOG_LEVEL (SDK diagnostics) defaults to "error" here rather than the SDK's "info".
 * - STREAMLAB_TELEMETRY=off starts no SDK at all (the API stays a no-op): the "off"
 *   arm of the benchmark.
 * - STREAMLAB_RPC_SPANS (or `--rpc-spans` on the command line, which wins): who creates
 *   the RPC spans. `streamlab` (default): streamlab's interceptors, and
 *   @opentelemetry/instrumentation-grpc is not loaded at all (grpc-js stays unpatched).
 *   `contrib`: instrumentation-grpc patches grpc-js and creates them, and streamlab
 *   decorates them (src/telemetry/span-writer.ts), to compare the two on the same ending.
 *   Read here because grpc-js must be patched (or not) before it is first imported.
 */
import { register } from 'node:module';

// Span mode contrib: ESM imports of @grpc/grpc-js are only patched through
// import-in-the-middle's loader hook; it must be registered before grpc-js is imported
// anywhere, hence the dynamic imports below (static imports would be evaluated before this
// line). Span mode streamlab patches nothing and needs no loader hook.
if (rpcSpanMode() === 'contrib' && process.env.STREAMLAB_TELEMETRY !== 'off') register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

const { startNodeSdk } = await import('@opentelemetry/sdk-node');
const sdkTrace = await import('@opentelemetry/sdk-trace');
type SpanProcessor = import('@opentelemetry/sdk-trace').SpanProcessor;
type ReadableSpan = import('@opentelemetry/sdk-trace').ReadableSpan;
type Span = import('@opentelemetry/sdk-trace').Span;
type Context = import('@opentelemetry/api').Context;
type ApiSpan = import('@opentelemetry/api').Span;
type RpcSpanMode = import('./telemetry/telemetry-deps.ts').RpcSpanMode;
type StockSpanHooks = import('./telemetry/telemetry-deps.ts').StockSpanHooks;
type StockSpanFacts = import('./telemetry/lifecycle-event.ts').StockSpanFacts;
const { SpanKind, SpanStatusCode, createTraceState } = await import('@opentelemetry/api');
const { resourceFromAttributes } = await import('@opentelemetry/resources');
type SpanRecord = import('./telemetry/span-record.ts').SpanRecord;
const { isServerError } = await import('./telemetry/grpc-status.ts');
const { ATTR_RPC_SYSTEM, ATTR_RPC_GRPC_STATUS_CODE } = await import('./telemetry/semconv.ts');

/** Spans captured in memory, for tests and the scenario runner's own checks. */
export interface SpanCapture {
  /** Finished spans captured so far, in end order. */
  spans(): ReadableSpan[];
  /** Forget the spans captured so far. */
  reset(): void;
  /** Stop capturing. */
  stop(): void;
}

/** Handle on the process's telemetry pipeline. */
export interface Telemetry {
  /** False when STREAMLAB_TELEMETRY=off: no SDK, spans are no-ops. */
  readonly enabled: boolean;
  /** Who creates the RPC spans (STREAMLAB_RPC_SPANS / --rpc-spans). */
  readonly rpcSpans: RpcSpanMode;
  /** Span mode contrib: the stock instrumentation's RPC spans as they start and end. */
  readonly stockSpans?: StockSpanHooks;
  /** Exports every finished span now (the batch processor's queue included). */
  forceFlush(): Promise<void>;
  /** Flushes, then stops the SDK. Idempotent. */
  shutdown(): Promise<void>;
  /** Starts capturing finished spans in memory (in addition to any exporter). */
  captureSpans(): SpanCapture;
  /**
   * Hands every span that ends from now on to `sink`, as plain records (a child process
   * sends them to its parent). `forceFlush` waits for the sink's promises.
   */
  forwardSpans(sink: (spans: SpanRecord[]) => Promise<void>): void;
  /** Feeds spans another process recorded into this one's pipeline (exporter and captures). */
  importSpans(spans: readonly SpanRecord[]): void;
}

/**
 * Fans spans out to a set of processors that can change after the SDK started: the
 * exporter (created after grpc-js is patched, see below) and in-memory captures.
 */
class FanOutProcessor implements SpanProcessor {
  readonly targets = new Set<SpanProcessor>();
  onStart(span: Span, parentContext: Context): void {
    for (const target of this.targets) target.onStart(span, parentContext);
  }
  onEnd(span: ReadableSpan): void {
    for (const target of this.targets) target.onEnd(span);
  }
  async forceFlush(): Promise<void> {
    await Promise.all([...this.targets].map((target) => target.forceFlush()));
  }
  async shutdown(): Promise<void> {
    await Promise.all([...this.targets].map((target) => target.shutdown()));
  }
}

/**
 * Puts SERVER gRPC spans' status right per the OTel RPC semconv: ERROR only for UNKNOWN,
 * DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS. instrumentation-grpc
 * (0.22x-0.30x, utils `_grpcStatusCodeToOpenTelemetryStatusCode`) marks every non-OK code
 * ERROR, a client's CANCELLED or a handler's INVALID_ARGUMENT included. The SDK ignores
 * setStatus(UNSET) by spec, so the status is replaced while the span is ending.
 */
class SemconvServerStatusProcessor implements SpanProcessor {
  onStart(): void {}
  onEnding(span: Span): void {
    if (span.kind !== SpanKind.SERVER || span.attributes[ATTR_RPC_SYSTEM] !== 'grpc') return;
    const code = span.attributes[ATTR_RPC_GRPC_STATUS_CODE];
    if (span.status.code === SpanStatusCode.ERROR && typeof code === 'number' && !isServerError(code)) {
      (span as { status: ReadableSpan['status'] }).status = { code: SpanStatusCode.UNSET };
    }
  }
  onEnd(): void {}
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

/** The name instrumentation-grpc's tracer has (its spans' instrumentation scope). */
const STOCK_GRPC_SCOPE = '@opentelemetry/instrumentation-grpc';

/**
 * Span mode contrib: tells the observation layer when the stock instrumentation starts and
 * ends an RPC span, and what it recorded on it. First in the processor list, so `onEnding`
 * sees the stock status before SemconvServerStatusProcessor corrects it.
 */
class StockSpanProcessor implements SpanProcessor {
  readonly #starts = new Set<(span: ApiSpan, kind: 'client' | 'server') => void>();
  readonly #endings = new Set<(span: ApiSpan, facts: Omit<StockSpanFacts, 'endedBy'>) => void>();
  /** The hooks the observation layer registers with. */
  readonly hooks: StockSpanHooks = {
    onStart: (listener) => {
      this.#starts.add(listener);
      return () => void this.#starts.delete(listener);
    },
    onEnding: (listener) => {
      this.#endings.add(listener);
      return () => void this.#endings.delete(listener);
    },
  };
  onStart(span: Span): void {
    if (span.instrumentationScope.name !== STOCK_GRPC_SCOPE || this.#starts.size === 0) return;
    const kind = span.kind === SpanKind.SERVER ? 'server' : span.kind === SpanKind.CLIENT ? 'client' : undefined;
    if (kind) for (const listener of this.#starts) listener(span, kind);
  }
  onEnding(span: Span): void {
    if (span.instrumentationScope.name !== STOCK_GRPC_SCOPE || this.#endings.size === 0) return;
    const code = span.attributes[ATTR_RPC_GRPC_STATUS_CODE];
    const facts = { name: span.name, statusCode: span.status.code, ...(typeof code === 'number' ? { grpcStatusCode: code } : {}) };
    for (const listener of this.#endings) listener(span, facts);
  }
  onEnd(): void {}
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

/** The span mode: `--rpc-spans MODE` (or `--rpc-spans=MODE`) on the command line, else STREAMLAB_RPC_SPANS; main.ts validates both. */
function rpcSpanMode(): RpcSpanMode {
  const argv = process.argv;
  const index = argv.indexOf('--rpc-spans');
  const flag = index >= 0 ? argv[index + 1] : argv.find((arg) => arg.startsWith('--rpc-spans='))?.slice('--rpc-spans='.length);
  return (flag ?? process.env.STREAMLAB_RPC_SPANS) === 'contrib' ? 'contrib' : 'streamlab';
}

/**
 * The exporting span processor the environment asks for, or none.
 * OTEL_TRACES_EXPORTER: otlp | console | none; unset means otlp when an OTLP endpoint is
 * set, none otherwise. The OTLP exporters read OTEL_EXPORTER_OTLP_* themselves.
 */
async function exportingProcessor(): Promise<SpanProcessor | undefined> {
  const endpointSet = Boolean(process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  const exporter = process.env.OTEL_TRACES_EXPORTER ?? (endpointSet ? 'otlp' : 'none');
  if (exporter === 'none') return undefined;
  if (exporter === 'console') return new sdkTrace.SimpleSpanProcessor({ exporter: new sdkTrace.ConsoleSpanExporter() });
  if (exporter !== 'otlp') throw new Error(`OTEL_TRACES_EXPORTER="${exporter}" is not supported: use otlp, console or none`);
  const protocol = process.env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? process.env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
  if (protocol === 'grpc') {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-grpc');
    return new sdkTrace.BatchSpanProcessor({ exporter: new OTLPTraceExporter() });
  }
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
  return new sdkTrace.BatchSpanProcessor({ exporter: new OTLPTraceExporter() });
}

/** A finished SDK span as a plain record (see src/telemetry/span-record.ts). */
function toRecord(span: ReadableSpan): SpanRecord {
  const context = span.spanContext();
  const parent = span.parentSpanContext;
  return {
    name: span.name, kind: span.kind, traceId: context.traceId, spanId: context.spanId, traceFlags: context.traceFlags,
    ...(context.traceState ? { traceState: context.traceState.serialize() } : {}),
    ...(parent ? { parent: { spanId: parent.spanId, traceFlags: parent.traceFlags, isRemote: Boolean(parent.isRemote) } } : {}),
    startTime: span.startTime, endTime: span.endTime, duration: span.duration,
    status: span.status, attributes: span.attributes,
    events: span.events.map((event) => ({ name: event.name, time: event.time, ...(event.attributes ? { attributes: event.attributes } : {}), ...(event.droppedAttributesCount ? { droppedAttributesCount: event.droppedAttributesCount } : {}) })),
    links: span.links.map((link) => ({ ...link.context, ...(link.attributes ? { attributes: link.attributes } : {}) })),
    resource: span.resource.attributes,
    scope: span.instrumentationScope,
    dropped: { attributes: span.droppedAttributesCount, events: span.droppedEventsCount, links: span.droppedLinksCount },
  } as SpanRecord;
}

/** A plain record back as a ReadableSpan any exporter accepts. */
function fromRecord(record: SpanRecord): ReadableSpan {
  const traceState = record.traceState ? createTraceState(record.traceState) : undefined;
  const context = { traceId: record.traceId, spanId: record.spanId, traceFlags: record.traceFlags, ...(traceState ? { traceState } : {}) };
  return {
    name: record.name, kind: record.kind, spanContext: () => context,
    ...(record.parent ? { parentSpanContext: { traceId: record.traceId, ...record.parent } } : {}),
    startTime: record.startTime, endTime: record.endTime, duration: record.duration, ended: true,
    status: record.status, attributes: record.attributes,
    events: record.events.map((event) => ({ ...event })),
    links: record.links.map(({ attributes, ...link }) => ({ context: link, ...(attributes ? { attributes } : {}) })),
    resource: resourceFromAttributes(record.resource),
    instrumentationScope: record.scope,
    droppedAttributesCount: record.dropped.attributes, droppedEventsCount: record.dropped.events, droppedLinksCount: record.dropped.links,
  } as ReadableSpan;
}

async function startTelemetry(): Promise<Telemetry> {
  const rpcSpans = rpcSpanMode();
  if (process.env.STREAMLAB_TELEMETRY === 'off') {
    return {
      enabled: false,
      rpcSpans,
      forceFlush: async () => {},
      shutdown: async () => {},
      captureSpans: () => ({ spans: () => [], reset: () => {}, stop: () => {} }),
      forwardSpans: () => {},
      importSpans: () => {},
    };
  }
  const fanOut = new FanOutProcessor();
  const stock = rpcSpans === 'contrib' ? new StockSpanProcessor() : undefined;
  process.env.OTEL_SERVICE_NAME ??= 'streamlab';
  // Span mode streamlab loads no instrumentation at all: grpc-js stays unpatched.
  const instrumentations = rpcSpans === 'contrib' ? [new (await import('@opentelemetry/instrumentation-grpc')).GrpcInstrumentation()] : [];
  const sdk = startNodeSdk({
    logLevel: process.env.OTEL_LOG_LEVEL ?? 'error',
    spanProcessors: [...(stock ? [stock] : []), new SemconvServerStatusProcessor(), fanOut],
    metricReaders: process.env.OTEL_METRICS_EXPORTER ? undefined : [],
    logRecordProcessors: process.env.OTEL_LOGS_EXPORTER ? undefined : [],
    instrumentations,
  });
  // Created only now: the OTLP/gRPC exporter imports @grpc/grpc-js, which must be
  // patched first. Its own export calls run with tracing suppressed by the batch processor.
  const exporting = await exportingProcessor();
  if (exporting) fanOut.targets.add(exporting);
  let stopped: Promise<void> | undefined;
  return {
    enabled: true,
    rpcSpans,
    ...(stock ? { stockSpans: stock.hooks } : {}),
    forceFlush: () => fanOut.forceFlush(),
    shutdown: () => (stopped ??= fanOut.forceFlush().then(() => sdk.shutdown())),
    captureSpans(): SpanCapture {
      const exporter = new sdkTrace.InMemorySpanExporter();
      const processor = new sdkTrace.SimpleSpanProcessor({ exporter });
      fanOut.targets.add(processor);
      return {
        spans: () => exporter.getFinishedSpans(),
        reset: () => exporter.reset(),
        stop: () => fanOut.targets.delete(processor),
      };
    },
    forwardSpans(sink) {
      const exporter: import('@opentelemetry/sdk-trace').SpanExporter = {
        export: (spans, done) => void sink(spans.map(toRecord)).then(() => done({ code: 0 }), (error: Error) => done({ code: 1, error })),
        shutdown: async () => {},
      };
      fanOut.targets.add(new sdkTrace.SimpleSpanProcessor({ exporter }));
    },
    importSpans(spans) {
      for (const record of spans) fanOut.onEnd(fromRecord(record));
    },
  };
}

/** The process's telemetry, started when this module is first imported. */
export const telemetry: Telemetry = await startTelemetry();
