import { TraceContext } from '../../core/runtime/trace-context';
import { RequestEnvelope } from './wire-types';

/** W3C `traceparent`: version 2 hex, trace id 32 hex, parent id 16 hex, flags 2 hex. */
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
/** W3C bounds `tracestate` to 32 list members; 512 characters is the recommended cut. */
const MAX_TRACESTATE = 512;

/**
 * The envelope's optional `trace_context` field (docs/protocol.md §2.2: an extra field, so
 * reference servers ignore it and reference clients never send it). Anything malformed is
 * ignored, never an error: tracing must not make a request fail. The request then starts a
 * new trace.
 */
export function traceContextOf(envelope: RequestEnvelope): TraceContext | undefined {
  const field = envelope.trace_context;
  if (field === null || typeof field !== 'object') return undefined;
  const { traceparent, tracestate } = field as Record<string, unknown>;
  if (typeof traceparent !== 'string' || !TRACEPARENT.test(traceparent)) return undefined;
  if (typeof tracestate === 'string' && tracestate.length > 0 && tracestate.length <= MAX_TRACESTATE) {
    return { traceparent, tracestate };
  }
  return { traceparent };
}

/** The parts of a W3C `traceparent` (ids as lowercase hex). */
export interface TraceparentParts {
  readonly traceId: string;
  readonly spanId: string;
  /** Trace flags; bit 0 = sampled. */
  readonly traceFlags: number;
}

/** Splits a `traceparent` that `traceContextOf` accepted; `undefined` for all-zero ids (invalid per W3C). */
export function parseTraceparent(traceparent: string): TraceparentParts | undefined {
  if (!TRACEPARENT.test(traceparent)) return undefined;
  const [, traceId, spanId, flags] = traceparent.split('-');
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, traceFlags: parseInt(flags, 16) };
}

/** The `traceparent` (version 00) of a span. */
export function formatTraceparent(parts: TraceparentParts): string {
  return `00-${parts.traceId}-${parts.spanId}-${(parts.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}
