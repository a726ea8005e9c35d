"""Trace context propagation: on with ``opentelemetry-api`` and an active span, absent otherwise."""

from __future__ import annotations

from acton_client.bodies import request_envelope
from acton_client.trace_context import active_trace_context, opentelemetry_available

TRACE_ID = 0x4BF92F3577B34DA6A3CE929D0E0E4736
SPAN_ID = 0x00F067AA0BA902B7


def test_no_active_span_sends_no_trace_context():
    envelope = request_envelope("req_1", "calculator", "Add", {"a": 1, "b": 2}, expects_reply=True)
    assert "trace_context" not in envelope
    assert active_trace_context() is None


def test_an_active_span_is_sent_as_w3c_trace_context_when_opentelemetry_is_installed():
    if not opentelemetry_available():
        # Documented behaviour without the package: nothing is sent, even when asked inside "a span".
        envelope = request_envelope("req_1", "calculator", "Add", {}, expects_reply=True)
        assert list(envelope) == ["correlation_id", "target", "message_type", "payload", "expects_reply"]
        return
    from opentelemetry import context, trace
    from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

    span_context = SpanContext(trace_id=TRACE_ID, span_id=SPAN_ID, is_remote=False, trace_flags=TraceFlags(TraceFlags.SAMPLED))
    token = context.attach(trace.set_span_in_context(NonRecordingSpan(span_context)))
    try:
        envelope = request_envelope("req_1", "calculator", "Add", {}, expects_reply=True)
    finally:
        context.detach(token)
    assert envelope["trace_context"] == {"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}
    assert "trace_context" not in request_envelope("req_2", "calculator", "Add", {})
