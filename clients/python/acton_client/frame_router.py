"""Sorting inbound frames to the calls waiting for them (docs/protocol.md §3.5).

Shared by the blocking and the asyncio client: they differ only in how they wait.
Routing is by ``correlation_id`` only, never by arrival order: ``0x02``/``0x03`` and ``0x09``
go to the open call with that id, ``0x05`` pushes to the notification queue, heartbeat
replies to a counter.
"""

from __future__ import annotations

from collections import deque
from typing import Any, Deque, Dict, Optional, Tuple

from .call_errors import connection_level_error
from .errors import PROTOCOL_ERROR, ActonError
from .frame import Frame
from .payload_codec import decode_body
from .wire import CONNECTION_REJECTED_ID, PROTOCOL_ERROR_ID, UNKNOWN_ID, MessageType

#: One answer for a call: the frame type byte and its decoded body.
Answer = Tuple[int, Dict[str, Any]]

#: Pushes kept for ``notifications()`` before the oldest are dropped (a reader that never
#: reads must not grow memory forever; the server drops for slow readers the same way, §5.4).
DEFAULT_MAX_QUEUED_PUSHES = 10_000

_ANSWER_TYPES = (MessageType.RESPONSE, MessageType.ERROR, MessageType.STREAM)


class FrameRouter:
    """Holds the open calls and what has arrived for them.

    Attributes:
        failure: the connection-level error once the connection is unusable (first one wins:
            a refusal or protocol-error frame explains the close that follows it).
        heartbeats_received: heartbeat replies seen so far (they carry no id; §2.4).
        pushes_dropped: pushes discarded because the queue was full.
    """

    def __init__(self, max_queued_pushes: int = DEFAULT_MAX_QUEUED_PUSHES) -> None:
        self.failure: Optional[ActonError] = None
        self.heartbeats_received = 0
        self.pushes_dropped = 0
        self._inboxes: Dict[str, Deque[Answer]] = {}
        self._pushes: Deque[Dict[str, Any]] = deque()
        self._max_pushes = max_queued_pushes

    def open(self, correlation_id: str) -> None:
        """Start collecting answers for ``correlation_id`` (call before writing the frame)."""
        self._inboxes.setdefault(correlation_id, deque())

    def forget(self, correlation_id: str) -> None:
        """Stop collecting for ``correlation_id``; later answers with that id are dropped."""
        self._inboxes.pop(correlation_id, None)

    def is_open(self, correlation_id: str) -> bool:
        """True while answers for ``correlation_id`` are being collected."""
        return correlation_id in self._inboxes

    def take(self, correlation_id: str) -> Optional[Answer]:
        """The oldest unread answer for ``correlation_id``, or ``None``."""
        inbox = self._inboxes.get(correlation_id)
        return inbox.popleft() if inbox else None

    def take_push(self) -> Optional[Dict[str, Any]]:
        """The oldest unread push notification, or ``None``."""
        return self._pushes.popleft() if self._pushes else None

    def restart(self) -> None:
        """A new connection replaces a dropped one: the failure and every open call are
        forgotten (their callers were told); pushes already received are kept."""
        self.failure = None
        self._inboxes.clear()

    def fail(self, error: ActonError) -> None:
        """Mark the connection unusable; keeps the first error."""
        if self.failure is None:
            self.failure = error

    def route(self, frame: Frame) -> None:
        """File one inbound frame.

        Raises:
            ActonError: ``PROTOCOL_ERROR`` when the body does not decode or is not an object.
        """
        if frame.message_type == MessageType.HEARTBEAT:
            # The reply payload is empty (§2.4); it is never decoded.
            self.heartbeats_received += 1
            return
        if frame.message_type == MessageType.PUSH:
            self._queue_push(_decode_object(frame))
        elif frame.message_type in _ANSWER_TYPES:
            self._file_answer(frame.message_type, _decode_object(frame))
        # Other types (requests, subscribes ...) are client-to-server only: ignored (§1.6).

    def _queue_push(self, push: Dict[str, Any]) -> None:
        if len(self._pushes) >= self._max_pushes:
            self._pushes.popleft()
            self.pushes_dropped += 1
        self._pushes.append(push)

    def _file_answer(self, message_type: int, body: Dict[str, Any]) -> None:
        correlation_id = body.get("correlation_id")
        if correlation_id in (CONNECTION_REJECTED_ID, PROTOCOL_ERROR_ID):
            self.fail(connection_level_error(body))
            return
        if correlation_id == UNKNOWN_ID:
            correlation_id = self._oldest_open()
        inbox = self._inboxes.get(correlation_id) if isinstance(correlation_id, str) else None
        if inbox is not None:
            inbox.append((message_type, body))
        # else: an answer nobody waits for (a call that timed out or was abandoned): dropped.

    def _oldest_open(self) -> Optional[str]:
        # The server answers "unknown" when it could not read the request's id (§2.2, §3.1
        # step 4). Our envelopes always carry one, so this is rare (e.g. a MessagePack payload
        # the server cannot accept); the oldest open call is the best guess for its owner.
        return next(iter(self._inboxes), None)


def _decode_object(frame: Frame) -> Dict[str, Any]:
    body = decode_body(frame.payload, frame.format)
    if not isinstance(body, dict):
        raise ActonError(
            PROTOCOL_ERROR,
            f"The server sent a frame of type 0x{frame.message_type:02x} whose body is "
            f"{type(body).__name__}, not an object",
        )
    return body
