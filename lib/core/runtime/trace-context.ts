/**
 * W3C trace context (https://www.w3.org/TR/trace-context/) as carried by a request: the IPC
 * envelope's optional `trace_context` field (docs/protocol.md §2.2: unknown fields are ignored
 * by reference servers, so clients may always send it). The core only carries it to the
 * instrumentation; it never parses it.
 */
export interface TraceContext {
  /** `version-traceid-parentid-flags`, e.g. `00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01`. */
  readonly traceparent: string;
  /** Vendor-specific trace state, when the caller had one. */
  readonly tracestate?: string;
}
