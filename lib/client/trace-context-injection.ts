import { TraceContext } from '../core/runtime/trace-context';
import { formatTraceparent } from '../ipc/protocol/trace-context-field';

type OtelApi = typeof import('@opentelemetry/api');

/** `null`: looked for and not installed; `undefined`: not looked for yet. */
let api: OtelApi | null | undefined;

function loadApi(): OtelApi | null {
  if (api !== undefined) return api;
  try {
    // Optional peer: propagate only when the app uses OpenTelemetry; never required.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    api = require('@opentelemetry/api') as OtelApi;
  } catch {
    api = null;
  }
  return api;
}

/**
 * The W3C trace context of the caller's active span, for the envelope's optional
 * `trace_context` field (docs/protocol.md §2.2; servers that do not know it ignore it), or
 * `undefined` when `@opentelemetry/api` is not installed or no valid span is active.
 */
export function activeTraceContext(): TraceContext | undefined {
  const otel = loadApi();
  if (!otel) return undefined;
  const span = otel.trace.getSpanContext(otel.context.active());
  if (!span || !otel.isSpanContextValid(span)) return undefined;
  const traceparent = formatTraceparent(span);
  const tracestate = span.traceState?.serialize();
  return tracestate ? { traceparent, tracestate } : { traceparent };
}
