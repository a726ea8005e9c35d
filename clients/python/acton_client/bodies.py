"""The bodies the client sends, and the seed-shaped view of a response (docs/protocol.md §2)."""

from __future__ import annotations

import math
from typing import Any, Dict, Iterable, List, Optional, Tuple, Union

from .wire import MessageType

from .trace_context import active_trace_context


def request_envelope(
    correlation_id: str,
    target: str,
    message_type: str,
    payload: Any,
    *,
    expects_reply: bool = False,
    expects_stream: bool = False,
    timeout_ms: Optional[int] = None,
) -> Dict[str, Any]:
    """Build a Request (``0x01``) envelope (§2.2).

    ``payload`` is always present (``None`` is sent as ``null``: the field is required).
    ``expects_reply`` / ``expects_stream`` / ``response_timeout_ms`` are sent only when set,
    so a fire-and-forget envelope is the four required fields (§3.2). Key order follows §1.7.
    ``trace_context`` is added only while an OpenTelemetry span is active and
    ``opentelemetry-api`` is installed (see ``trace_context.py``).

    Raises:
        TypeError / ValueError: ``target`` or ``message_type`` is not a non-empty string.
    """
    _check_name("target", target)
    _check_name("message_type", message_type)
    envelope: Dict[str, Any] = {
        "correlation_id": correlation_id,
        "target": target,
        "message_type": message_type,
        "payload": payload,
    }
    if expects_reply:
        envelope["expects_reply"] = True
    if expects_stream:
        envelope["expects_stream"] = True
    if timeout_ms is not None:
        envelope["response_timeout_ms"] = timeout_ms
    trace_context = active_trace_context()
    if trace_context is not None:
        envelope["trace_context"] = trace_context
    return envelope


def subscription_body(correlation_id: str, types: Union[str, Iterable[str]]) -> Dict[str, Any]:
    """Build a Subscribe / Unsubscribe (``0x06`` / ``0x07``) body (§2.5).

    A single string is taken as a list of one name. For unsubscribe an empty list means
    "remove all" (§2.5).

    Raises:
        TypeError: ``types`` is not a string or an iterable of strings.
    """
    return {"correlation_id": correlation_id, "message_types": normalize_types(types)}


def pattern_body(correlation_id: str, patterns: Union[str, Iterable[str]]) -> Dict[str, Any]:
    """Build a SubscribePatterns / UnsubscribePatterns (``0x0a`` / ``0x0b``) body (§11.1).

    A pattern is a literal prefix followed by one terminal ``*`` (``"Order*"``; ``"*"`` matches
    every type); the server checks the form. For unsubscribe an empty list removes every pattern.

    Raises:
        TypeError: ``patterns`` is not a string or an iterable of strings.
    """
    return {"correlation_id": correlation_id, "patterns": normalize_types(patterns)}


def subscription_request(message_type: int, correlation_id: str, names: Union[str, Iterable[str]]) -> Tuple[Dict[str, Any], str]:
    """The body of a subscription frame of ``message_type`` and the answer's list field:
    ``subscribed_types`` for ``0x06`` / ``0x07`` (§2.5), ``subscribed_patterns`` for ``0x0a`` /
    ``0x0b`` (§11.1)."""
    if message_type in (MessageType.SUBSCRIBE_PATTERNS, MessageType.UNSUBSCRIBE_PATTERNS):
        return pattern_body(correlation_id, names), "subscribed_patterns"
    return subscription_body(correlation_id, names), "subscribed_types"


def discover_body(correlation_id: str, include_actors: bool, include_message_types: bool) -> Dict[str, Any]:
    """Build a Discover (``0x08``) body (§2.7); both flags are sent explicitly."""
    return {
        "correlation_id": correlation_id,
        "include_actors": bool(include_actors),
        "include_message_types": bool(include_message_types),
    }


def normalize_types(types: Union[str, Iterable[str]]) -> List[str]:
    """``"A"`` → ``["A"]``; an iterable of strings → a list, order kept.

    Raises:
        TypeError: an element is not a string.
    """
    names = [types] if isinstance(types, str) else list(types)
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"message type names must be strings, got {name!r}")
    return names


def response_dict(body: Dict[str, Any]) -> Dict[str, Any]:
    """The seed's response shape: ``success``, ``payload``, ``error``, ``error_code`` always
    present (``None`` when absent), plus ``correlation_id``; ``error_details`` (§0 D1) and
    ``retry_after_ms`` (§0 D4) only when the server sent them."""
    result = {
        "success": bool(body.get("success")),
        "payload": body.get("payload"),
        "error": body.get("error"),
        "error_code": body.get("error_code"),
        "correlation_id": body.get("correlation_id"),
    }
    for optional in ("error_details", "retry_after_ms"):
        if optional in body:
            result[optional] = body[optional]
    return result


#: The ``response_timeout_ms`` that asks for no deadline: 2^53−1 ms (the largest exact JSON integer).
#: acton-ts servers start no timer above 2^31−1 ms; acton-reactive (tokio) never reaches it; ``0``
#: would mean "time out at once" to both (docs/protocol.md §2.2).
NO_DEADLINE_MS = 2**53 - 1


def timeout_to_ms(seconds: Optional[float]) -> int:
    """Seconds → whole milliseconds for ``response_timeout_ms`` (an integer field, §1.4).

    ``None`` (no deadline) → :data:`NO_DEADLINE_MS`, so the server does not apply its default
    of 30 000 ms to a call the client waits for without limit.
    """
    if seconds is None:
        return NO_DEADLINE_MS
    return min(NO_DEADLINE_MS, max(0, math.ceil(seconds * 1000)))


def _check_name(field: str, value: Any) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{field} must be a string such as 'calculator', got {type(value).__name__}")
    if not value:
        raise ValueError(f"{field} must not be empty")
