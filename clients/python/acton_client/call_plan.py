"""What one call sends and how long it may wait: the request bookkeeping both clients share.

Each client (blocking or asyncio) only writes ``plan.envelope``, then waits for answers to
``plan.correlation_id`` until ``plan.deadline()`` passes and raises ``plan.expired_error()``.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from .bodies import request_envelope, timeout_to_ms
from .call_errors import idle_timeout_error, timeout_error
from .call_options import check_timeout, describe_call, server_deadline
from .deadline import Deadline
from .errors import ActonError
from .ids import new_correlation_id


class PlannedCall:
    """A request, fire-and-forget or control call (subscribe, discover): its body, and one deadline
    for its answer."""

    def __init__(self, body: Dict[str, Any], what: str, seconds: Optional[float], deadline: Deadline) -> None:
        """``body``: what is sent (its ``correlation_id`` is the one answers carry); ``what`` names the
        awaited answer in a timeout message; ``seconds`` is the call's timeout."""
        self.body = body
        self.correlation_id = str(body["correlation_id"])
        self.what = what
        self.seconds = seconds
        self._deadline = deadline

    def deadline(self) -> Deadline:
        """When waiting for the next answer gives up."""
        return self._deadline

    def expired_error(self) -> ActonError:
        """The ``TIMEOUT`` raised once :meth:`deadline` has passed."""
        return timeout_error(self.what, self.seconds, self.correlation_id)


class PlannedStream(PlannedCall):
    """A request-stream: an overall deadline (or none) and an optional idle timeout between items.

    The overall deadline is also the server's (``response_timeout_ms``, docs/protocol.md §3.4), so the
    local one waits a little longer and the server's ``TIMEOUT`` frame wins. The idle timeout is the
    client's alone: nothing on the wire carries it (§2.2).
    """

    def __init__(
        self, body: Dict[str, Any], what: str, seconds: Optional[float], idle_seconds: Optional[float]
    ) -> None:
        """``seconds``: 0 or ``None`` = no overall deadline; ``idle_seconds``: ``None`` = no idle limit."""
        super().__init__(body, what, seconds, server_deadline(seconds or None))
        self.idle_seconds = idle_seconds
        self._idle = Deadline(idle_seconds)

    def waiting_for_next_item(self) -> None:
        """Restart the idle timeout: the caller now waits for the next item. The clients are pulled
        (an iterator), so the idle gap is the wait for an item; time spent in the caller's loop body
        between items does not count."""
        self._idle = Deadline(self.idle_seconds)

    def deadline(self) -> Deadline:
        """The nearer of the overall deadline and the idle deadline."""
        overall, idle = self._deadline.remaining(), self._idle.remaining()
        if idle is not None and (overall is None or idle < overall):
            return self._idle
        return self._deadline

    def expired_error(self) -> ActonError:
        """``TIMEOUT`` naming the idle gap when the idle timeout passed first, else the overall deadline."""
        if self._idle.expired() and self.idle_seconds is not None:
            return idle_timeout_error(self.what, self.idle_seconds, self.correlation_id)
        return super().expired_error()


def plan_request(target: str, message_type: str, payload: Any, seconds: Optional[float]) -> PlannedCall:
    """A request expecting a reply; the server is told the same deadline (``response_timeout_ms``, §3.3)."""
    body = request_envelope(
        new_correlation_id("req"), target, message_type, payload,
        expects_reply=True, timeout_ms=timeout_to_ms(seconds),
    )
    return PlannedCall(body, describe_call(target, message_type), seconds, server_deadline(seconds))


def awaiting_sent_request(correlation_id: str, seconds: Optional[float]) -> PlannedCall:
    """Waiting for the answer to an earlier ``send()`` (``receive()``): nothing more is sent."""
    return PlannedCall({"correlation_id": correlation_id}, "the answer to send()", seconds, server_deadline(seconds))


def plan_control(body: Dict[str, Any], what: str, seconds: Optional[float]) -> PlannedCall:
    """A call whose deadline only the client enforces (fire-and-forget acknowledgement, subscription,
    discovery: the server runs no timer for them), so the local deadline is exact."""
    return PlannedCall(body, what, seconds, Deadline(seconds))


def plan_tell(target: str, message_type: str, payload: Any, seconds: Optional[float]) -> PlannedCall:
    """Fire-and-forget: waits only for the delivery acknowledgement (§3.2); no deadline is sent."""
    body = request_envelope(new_correlation_id("req"), target, message_type, payload)
    what = f"the delivery acknowledgement of {message_type} sent to {target!r}"
    return plan_control(body, what, seconds)


def plan_stream(
    target: str, message_type: str, payload: Any, seconds: Optional[float], idle_timeout: Optional[float]
) -> PlannedStream:
    """A request-stream. ``seconds`` 0 or ``None`` = no overall deadline: the server is sent 2^53−1 ms,
    which acton-ts and acton-reactive both treat as never (``0`` would mean "at once", docs/protocol.md §2.2).

    Raises:
        ValueError: ``idle_timeout`` is negative or not a number.
    """
    idle_seconds = check_timeout(idle_timeout, "idle_timeout")
    body = request_envelope(
        new_correlation_id("str"), target, message_type, payload,
        expects_stream=True, timeout_ms=timeout_to_ms(seconds or None),
    )
    return PlannedStream(body, f"the stream of {message_type} from {target!r}", seconds, idle_seconds)
