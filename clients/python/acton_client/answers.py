"""What an answer means for the call that receives it (docs/protocol.md §2.3, §2.8, §3.4)."""

from __future__ import annotations

from typing import Any, Dict, Tuple

from .call_errors import error_from_response, error_from_stream_frame, unexpected_answer_error
from .errors import REQUEST_FAILED, STREAM_ERROR
from .frame_router import Answer
from .wire import MessageType


def response_body(answer: Answer, what: str, correlation_id: str) -> Dict[str, Any]:
    """The body of a response-shaped answer (``0x02`` / ``0x03``), success or not.

    Raises:
        ActonError: ``PROTOCOL_ERROR`` when a stream frame came instead.
    """
    message_type, body = answer
    if message_type not in (MessageType.RESPONSE, MessageType.ERROR):
        raise unexpected_answer_error(what, message_type, correlation_id)
    return body


def successful_body(answer: Answer, what: str, correlation_id: str, default_code: str = REQUEST_FAILED) -> Dict[str, Any]:
    """The body of a successful response.

    Raises:
        ActonError: with the server's ``error_code`` (or ``default_code`` when it sent none,
            as for subscribe and discover, §2.5/§2.7) when ``success`` is false.
    """
    body = response_body(answer, what, correlation_id)
    if body.get("success") is not True:
        raise error_from_response(body, default_code)
    return body


def stream_step(answer: Answer, what: str, correlation_id: str) -> Tuple[bool, Any]:
    """One answer of a stream as ``(finished, payload)``.

    Data frames give ``(False, payload)``; the final frame gives ``(True, None)``.

    Raises:
        ActonError: for an error frame (its ``error_code``, e.g. ``TIMEOUT``, ``STREAM_ERROR``),
            and for a ``0x03`` response carrying the stream's id: rate limiting, drain and
            envelope failures are answered that way instead of with a stream frame (§3.4).
            The reference Python client waits forever there; we end the stream with the error.
    """
    message_type, body = answer
    if message_type == MessageType.ERROR:
        raise error_from_response(body, STREAM_ERROR)
    if message_type != MessageType.STREAM:
        raise unexpected_answer_error(what, message_type, correlation_id)
    if "error" in body or "error_code" in body:
        raise error_from_stream_frame(body)
    if body.get("is_final") is True:
        return True, None
    return False, body.get("payload")
