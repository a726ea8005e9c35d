"""The one error type of the client: :class:`ActonError`, told apart by its ``code``."""

from __future__ import annotations

from typing import Any, Optional

#: The server took too long, or the local deadline (``timeout=``) passed first.
TIMEOUT = "TIMEOUT"
#: The connection ended (server stopped, socket closed, or ``close()`` was called).
CONNECTION_CLOSED = "CONNECTION_CLOSED"
#: The socket could not be opened (no file at the path, nobody listening, no permission).
#: Ours: a client-side code; the server never sends it.
CONNECTION_FAILED = "CONNECTION_FAILED"
#: A frame broke the wire protocol (docs/protocol.md §1.6), in either direction.
PROTOCOL_ERROR = "PROTOCOL_ERROR"
#: A stream ended with an error frame that named no code of its own.
STREAM_ERROR = "STREAM_ERROR"
#: A subscribe / unsubscribe / discover failure: the server sends no ``error_code`` for
#: those (docs/protocol.md §2.5, §2.7), so the client names them with this code.
REQUEST_FAILED = "REQUEST_FAILED"
#: A security policy refused the connection or the operation (acton-reactive 9.4,
#: docs/protocol.md §11.2). Subscription and discovery denials carry it only in their text
#: (``ACCESS_DENIED: <why>``); the client reports them with this code and ``<why>`` as message.
ACCESS_DENIED = "ACCESS_DENIED"


class ActonError(Exception):
    """A failure reported by the server or detected by the client.

    Attributes:
        code: the wire ``error_code`` (``ACTOR_NOT_FOUND``, ``UNKNOWN_MESSAGE_TYPE``,
            ``SERIALIZATION_ERROR``, ``TIMEOUT``, ``RATE_LIMITED``, an application code such
            as ``PRODUCT_NOT_FOUND`` ...) or one of the client-side codes of this module
            (``CONNECTION_CLOSED``, ``CONNECTION_FAILED``, ``PROTOCOL_ERROR``, ``REQUEST_FAILED``);
            ``ACCESS_DENIED`` when a security policy refused (docs/protocol.md §11.2).
        message: the server's ``error`` text, or the client's explanation.
        details: the server's ``error_details`` (``{"name": ..., "data": ...}``, docs/protocol.md
            §0 D1) or other structured context; ``None`` when there is none.
        retry_after_ms: for ``RATE_LIMITED``, how long to wait before retrying (ms, §0 D4).
        correlation_id: the id of the call that failed, when there is one.
    """

    def __init__(
        self,
        code: str,
        message: str,
        details: Any = None,
        retry_after_ms: Optional[int] = None,
        correlation_id: Optional[str] = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.details = details
        self.retry_after_ms = retry_after_ms
        self.correlation_id = correlation_id

    def clone(self) -> "ActonError":
        """A fresh copy with the same fields, for raising one failure from several calls
        (re-raising a single instance would chain their tracebacks together)."""
        return ActonError(self.code, self.message, self.details, self.retry_after_ms, self.correlation_id)

    def __repr__(self) -> str:
        return f"ActonError(code={self.code!r}, message={self.message!r})"
