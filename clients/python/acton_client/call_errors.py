"""Building :class:`ActonError` values from server answers and local failures.

Every message says what went wrong and what the caller can do about it.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from .errors import (
    ACCESS_DENIED,
    CONNECTION_CLOSED,
    CONNECTION_FAILED,
    PROTOCOL_ERROR,
    REQUEST_FAILED,
    STREAM_ERROR,
    TIMEOUT,
    ActonError,
)
from .socket_path import ResolvedSocketPath
from .wire import CONNECTION_REJECTED_ID

#: How a subscribe / discover / pattern answer says a policy denied it (docs/protocol.md §11.2).
ACCESS_DENIED_PREFIX = "ACCESS_DENIED: "


def error_from_response(body: Dict[str, Any], default_code: str = REQUEST_FAILED) -> ActonError:
    """An ``0x03`` body (or a response with ``success: false``) as an error.

    Subscription and discovery failures carry no ``error_code`` (§2.5, §2.7), hence ``default_code``;
    a policy denial of those is the text ``ACCESS_DENIED: <why>`` (§11.2), reported as code
    ``ACCESS_DENIED`` with ``<why>`` as message.
    """
    retry = body.get("retry_after_ms")
    code = body.get("error_code")
    message = str(body.get("error") or "The server reported a failure without a message")
    if not code and message.startswith(ACCESS_DENIED_PREFIX):
        code, message = ACCESS_DENIED, message[len(ACCESS_DENIED_PREFIX) :]
    return ActonError(
        code=str(code or default_code),
        message=message,
        details=body.get("error_details"),
        retry_after_ms=retry if isinstance(retry, int) and not isinstance(retry, bool) else None,
        correlation_id=body.get("correlation_id"),
    )


def error_from_stream_frame(body: Dict[str, Any]) -> ActonError:
    """A terminating stream frame carrying ``error`` / ``error_code`` (§2.8) as an error."""
    return error_from_response(body, default_code=STREAM_ERROR)


def connection_level_error(body: Dict[str, Any]) -> ActonError:
    """A frame with a reserved id: the connection was refused (§5.2) or broke the protocol (§0 D3).

    A refusal without a usable ``payload.limit`` reports limit 0, like the Rust client (§4).
    """
    default = "CONNECTION_LIMIT_REACHED" if body.get("correlation_id") == CONNECTION_REJECTED_ID else PROTOCOL_ERROR
    error = error_from_response(body, default_code=default)
    if body.get("correlation_id") == CONNECTION_REJECTED_ID:
        payload = body.get("payload")
        limit = payload.get("limit") if isinstance(payload, dict) else None
        error.details = {"limit": limit if isinstance(limit, int) else 0}
    return error


def timeout_error(what: str, seconds: Optional[float], correlation_id: Optional[str] = None) -> ActonError:
    """The local deadline passed before ``what`` arrived."""
    suffix = f" (correlation_id {correlation_id})" if correlation_id else ""
    return ActonError(
        TIMEOUT,
        f"Timed out after {seconds:g} s waiting for {what}{suffix}; pass a larger timeout= "
        "or check that the server is running and the actor answers",
        correlation_id=correlation_id,
    )


def idle_timeout_error(what: str, idle_seconds: float, correlation_id: str) -> ActonError:
    """No item of a stream arrived within ``idle_timeout`` seconds (a client-side limit, §3.4)."""
    return ActonError(
        TIMEOUT,
        f"Stream idle for {idle_seconds:g} s: no item of {what} arrived within idle_timeout "
        f"(correlation_id {correlation_id}); pass a larger idle_timeout= or check that the producer still runs",
        correlation_id=correlation_id,
    )


def closed_error(socket_path: str, cause: Optional[BaseException] = None) -> ActonError:
    """The server closed the connection, or the socket failed."""
    reason = f" ({cause})" if cause else ""
    return ActonError(
        CONNECTION_CLOSED,
        f"Connection to {socket_path} closed{reason}; the server stopped or dropped the "
        "connection. Create a new client to reconnect",
    )


def client_closed_error() -> ActonError:
    """A call on (or pending in) a client whose ``close()`` was called."""
    return ActonError(CONNECTION_CLOSED, "The client was closed with close(); create a new client to reconnect")


def connect_error(resolved: ResolvedSocketPath, cause: OSError) -> ActonError:
    """Opening the socket failed: name the path, where it came from, and how to change it."""
    return ActonError(
        CONNECTION_FAILED,
        f"Cannot connect to the acton-ts server socket {resolved.path} (path from {resolved.source}): "
        f"{cause.strerror or cause}. Start the server, or point the client at its socket with "
        "ActonClient(socket_path=...), the ACTON_IPC_SOCKET environment variable, or "
        "ActonClient(app_name=<the server's app name>)",
        details={"socket_path": resolved.path, "source": resolved.source},
    )


def unexpected_answer_error(what: str, message_type: int, correlation_id: str) -> ActonError:
    """An answer of the wrong kind arrived for a call (e.g. a stream frame for a request)."""
    return ActonError(
        PROTOCOL_ERROR,
        f"The server answered {what} with a frame of type 0x{message_type:02x}, which that call "
        "does not expect",
        correlation_id=correlation_id,
    )
