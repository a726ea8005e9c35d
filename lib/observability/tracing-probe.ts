import type { Attributes, Context, Span, SpanOptions, Tracer } from '@opentelemetry/api';
import { isActorError } from '../core/errors/actor-error';
import { ActorRef } from '../core/runtime/actor-ref';
import { Delivery } from '../core/runtime/delivery';
import { ActorProbe, MessageTracker, OutboundCall, OutboundCallProbe } from '../core/runtime/instrumentation';
import { LOCAL_PEER } from '../core/runtime/message-context';
import { queuePlainMicrotask } from '../core/runtime/plain-microtask';
import { formatTraceparent, parseTraceparent } from '../ipc/protocol/trace-context-field';

type OtelApi = typeof import('@opentelemetry/api');

/** Distinct `<actor>/<MessageType>` span starts kept (spawned actors each have their own name). */
const MAX_CACHED_METHODS = 1024;

/** What every span of one `<actor>/<MessageType>` starts with (shared: OpenTelemetry copies attributes). */
interface SpanStart {
  readonly name: string;
  readonly attributes: Readonly<Attributes>;
  /** Options of an in-process call's INTERNAL span. */
  readonly internal: SpanOptions;
  /** Options of an IPC call's SERVER span, once the socket path is known. */
  server?: SpanOptions;
}

/**
 * Turns every message an actor handles into a span (OpenTelemetry RPC semantic conventions):
 * - an IPC request or stream → a SERVER span named `<actor>/<MessageType>` with
 *   `rpc.system.name` "acton", `rpc.method`, `server.address` (the socket path) and
 *   `acton.correlation_id`; its parent is the envelope's `trace_context` (docs/protocol.md §2.2)
 *   or none (a new trace: reference clients send no context);
 * - an in-process `ask` / `tell` / `stream` → an INTERNAL span whose parent is the caller's
 *   active span, so calls a handler makes become its children;
 * - status ERROR and `error.type` = the error code when the handler failed.
 * The handler's synchronous part runs with its span active (`context.with`); with an async
 * context manager registered, its awaits keep it.
 *
 * A call the cluster sends to another node (`outbound`) gets the span this node would give it
 * (SERVER for an IPC caller, else CLIENT, child of the active span), and that span's context
 * travels with the call: the owner's SERVER span is its child.
 */
export class TracingProbe implements ActorProbe, OutboundCallProbe {
  /** Span name and start options by `<actor>/<MessageType>`: built once, not per message. */
  private readonly starts = new Map<string, Map<string, SpanStart>>();
  private cachedMethods = 0;
  private readonly rootContext: Context;
  /** Prototype of the API's no-op tracer (what a `ProxyTracer` uses while no provider is registered). */
  private readonly noopPrototype: object;
  /**
   * Set while the tracer is the no-op one, for the rest of the turn (a microtask clears it: the
   * tracer is checked once per turn, not per message): where the active context is read.
   */
  private noopTurn?: ActiveContextSource;
  private readonly turnEnded = (): void => {
    this.noopTurn = undefined;
  };

  constructor(
    private readonly api: OtelApi,
    private readonly tracer: Tracer,
    private readonly serverAddress: () => string | undefined,
  ) {
    this.rootContext = api.ROOT_CONTEXT;
    this.noopPrototype = Object.getPrototypeOf(
      resolveTracer(new api.ProxyTracerProvider().getTracer('noop')),
    ) as object;
  }

  track(actor: ActorRef, delivery: Delivery): MessageTracker | undefined {
    const { api } = this;
    const remote = (delivery.peer ?? LOCAL_PEER).connectionId !== LOCAL_PEER.connectionId;
    if (this.noSpanWork(delivery, remote)) return undefined;
    const start = this.spanStart(actor.name, delivery.wireName);
    const parent = remote ? this.remoteParent(delivery) : api.context.active();
    const span = this.tracer.startSpan(start.name, remote ? this.serverOptions(start) : start.internal, parent);
    if (!span.isRecording()) {
      // The no-op tracer (no SDK registered) and no caller context: nothing to record or
      // propagate, so the message is not followed at all (the runtime's probe-free path).
      const context = span.spanContext();
      if (context === api.INVALID_SPAN_CONTEXT || !api.isSpanContextValid(context)) return undefined;
    } else {
      span.setAttribute('acton.correlation_id', delivery.correlationId);
    }
    return new SpanTracker(api, span, parent);
  }

  /**
   * The no-op tracer records nothing; its span only carries the parent's context on, so with no
   * parent (no envelope `trace_context`, no active span) there is no span work at all.
   */
  private noSpanWork(delivery: Delivery, remote: boolean): boolean {
    const noop = this.noopTurn ?? this.checkNoopTracer();
    return noop !== undefined && (remote ? !delivery.traceContext : !this.hasActiveSpan(noop));
  }

  /**
   * While spans would go to the API's no-op tracer (until a tracer provider is registered, which
   * the default `ProxyTracer` then delegates to): the active context's source for this turn.
   */
  private checkNoopTracer(): ActiveContextSource | undefined {
    if (Object.getPrototypeOf(resolveTracer(this.tracer)) !== this.noopPrototype) return undefined;
    const { api } = this;
    // The registered context manager, read once per turn (`context.active()` looks it up per call).
    const contextApi = api.context as unknown as { _getContextManager?: () => ActiveContextSource };
    this.noopTurn = contextApi._getContextManager?.() ?? api.context;
    queuePlainMicrotask(this.turnEnded);
    return this.noopTurn;
  }

  /** A span is active in `contexts` (a handler's call, or a span the app started). */
  private hasActiveSpan(contexts: ActiveContextSource): boolean {
    const active = contexts.active();
    return active !== this.rootContext && this.api.trace.getSpan(active) !== undefined;
  }

  /** The cached name and options of `<actor>/<type>` (at most `MAX_CACHED_METHODS`; beyond, built each time). */
  private spanStart(actor: string, type: string): SpanStart {
    let byType = this.starts.get(actor);
    let start = byType?.get(type);
    if (start) return start;
    const name = `${actor}/${type}`;
    const attributes = Object.freeze({ 'rpc.system.name': 'acton', 'rpc.method': name });
    start = { name, attributes, internal: Object.freeze({ kind: this.api.SpanKind.INTERNAL, attributes }) };
    if (this.cachedMethods >= MAX_CACHED_METHODS) return start;
    if (!byType) this.starts.set(actor, (byType = new Map()));
    byType.set(type, start);
    this.cachedMethods++;
    return start;
  }

  /** SERVER span options: the method's attributes plus `server.address` once the socket path is known. */
  private serverOptions(start: SpanStart): SpanOptions {
    if (start.server) return start.server;
    const address = this.serverAddress();
    const attributes = address ? { ...start.attributes, 'server.address': address } : start.attributes;
    const options: SpanOptions = Object.freeze({ kind: this.api.SpanKind.SERVER, attributes });
    if (address) start.server = options;
    return options;
  }

  outbound(actorName: string, delivery: Delivery): OutboundCall | undefined {
    const { api } = this;
    const remote = (delivery.peer ?? LOCAL_PEER).connectionId !== LOCAL_PEER.connectionId;
    if (this.noSpanWork(delivery, remote)) return undefined;
    const start = this.spanStart(actorName, delivery.wireName);
    const parent = remote ? this.remoteParent(delivery) : api.context.active();
    const kind = remote ? api.SpanKind.SERVER : api.SpanKind.CLIENT;
    const span = this.tracer.startSpan(start.name, { kind, attributes: start.attributes }, parent);
    const spanContext = span.spanContext();
    if (span.isRecording()) span.setAttribute('acton.correlation_id', delivery.correlationId);
    else if (!api.isSpanContextValid(spanContext)) return undefined;
    const traceState = spanContext.traceState?.serialize();
    return {
      tracker: new SpanTracker(api, span, parent),
      traceContext: {
        traceparent: formatTraceparent(spanContext),
        ...(traceState ? { tracestate: traceState } : {}),
      },
    };
  }

  /** The caller's span from the envelope's `trace_context`, else the root (a new trace). */
  private remoteParent(delivery: Delivery): Context {
    const { api } = this;
    const carried = delivery.traceContext;
    const parts = carried ? parseTraceparent(carried.traceparent) : undefined;
    if (!carried || !parts) return api.ROOT_CONTEXT;
    return api.trace.setSpanContext(api.ROOT_CONTEXT, {
      ...parts,
      isRemote: true,
      ...(carried.tracestate ? { traceState: api.createTraceState(carried.tracestate) } : {}),
    });
  }
}

/** What the active context is read from: the registered context manager, or the API's `context`. */
interface ActiveContextSource {
  active(): Context;
}

/** The tracer a `ProxyTracer` currently delegates to (the no-op one while no provider is registered). */
function resolveTracer(tracer: Tracer): Tracer {
  const proxy = tracer as Tracer & { _getTracer?: () => Tracer };
  return typeof proxy._getTracer === 'function' ? proxy._getTracer() : tracer;
}

class SpanTracker implements MessageTracker {
  private done = false;

  constructor(
    private readonly api: OtelApi,
    private readonly span: Span,
    private readonly parent: Context,
  ) {}

  started(): void {
    this.span.addEvent('handler started');
  }

  run<T>(work: () => T): T {
    return this.api.context.with(this.api.trace.setSpan(this.parent, this.span), work);
  }

  finished(error?: unknown): void {
    if (this.done) return;
    this.done = true;
    if (error !== undefined) {
      const code = isActorError(error) ? error.code : 'HANDLER_ERROR';
      this.span.setAttribute('error.type', code);
      this.span.setStatus({
        code: this.api.SpanStatusCode.ERROR,
        message: error instanceof Error ? error.message : String(error),
      });
    }
    this.span.end();
  }
}
