"""W3C trace context for the request envelope's optional ``trace_context`` field.

When ``opentelemetry-api`` is importable, requests sent while a span is active carry
``{"traceparent": ..., "tracestate": ...}`` (docs/protocol.md §2.2: an extra envelope field;
servers that do not know it ignore it), so the server's span joins the caller's trace.
Without ``opentelemetry-api`` nothing is sent and nothing is imported.
"""

from __future__ import annotations

from typing import Dict, Optional

try:  # optional: propagate only when the application uses OpenTelemetry
    from opentelemetry import propagate as _propagate
except ImportError:  # pragma: no cover - depends on the environment
    _propagate = None


def opentelemetry_available() -> bool:
    """True when ``opentelemetry-api`` could be imported (requests then propagate trace context)."""
    return _propagate is not None


def active_trace_context() -> Optional[Dict[str, str]]:
    """The active span's ``traceparent`` / ``tracestate``, or ``None`` (no API, no valid span)."""
    if _propagate is None:
        return None
    carrier: Dict[str, str] = {}
    try:
        _propagate.inject(carrier)
    except Exception:  # a misconfigured propagator must never fail a request
        return None
    traceparent = carrier.get("traceparent")
    if not traceparent:
        return None
    context = {"traceparent": traceparent}
    tracestate = carrier.get("tracestate")
    if tracestate:
        context["tracestate"] = tracestate
    return context
