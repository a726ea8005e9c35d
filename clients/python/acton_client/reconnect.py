"""Opt-in automatic reconnection: the backoff policy and what to subscribe again afterwards."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Iterator, List, Optional, Sequence, Union

from .errors import CONNECTION_CLOSED, CONNECTION_FAILED, ActonError
from .wire import MessageType


@dataclass(frozen=True)
class Reconnect:
    """How a client reconnects after the connection drops (``reconnect=Reconnect(...)``, or
    ``reconnect=True`` for these defaults).

    The call that was waiting when the connection dropped still raises ``CONNECTION_CLOSED`` at
    once; the next call (or the running ``notifications()`` iteration) reconnects, waiting
    ``initial_delay`` seconds doubled per attempt up to ``max_delay`` (with jitter: each wait is
    between half and all of that), at most ``max_attempts`` times, then subscribes again to
    every type and pattern the connection held. Pushes broadcast while disconnected are lost.
    A connection refused by the server (limit, ``ACCESS_DENIED``) is not retried.
    """

    initial_delay: float = 0.1
    max_delay: float = 5.0
    max_attempts: int = 10

    def __post_init__(self) -> None:
        if self.initial_delay < 0 or self.max_delay < self.initial_delay or self.max_attempts < 1:
            raise ValueError(
                "Reconnect needs 0 <= initial_delay <= max_delay and max_attempts >= 1, got "
                f"initial_delay={self.initial_delay}, max_delay={self.max_delay}, max_attempts={self.max_attempts}"
            )

    def delays(self) -> Iterator[float]:
        """The wait before each attempt, in seconds."""
        delay = self.initial_delay
        for _ in range(self.max_attempts):
            yield random.uniform(delay / 2, delay)
            delay = min(self.max_delay, delay * 2)


def resolve_reconnect(value: Union[bool, Reconnect, None]) -> Optional[Reconnect]:
    """``True`` → the default policy; ``False`` / ``None`` → no reconnection."""
    if value is True:
        return Reconnect()
    if value is None or value is False:
        return None
    if isinstance(value, Reconnect):
        return value
    raise TypeError(f"reconnect must be True, False, None or a Reconnect(...), got {value!r}")


def is_drop(error: ActonError) -> bool:
    """A lost connection worth reconnecting for (not a refusal, protocol error or ``close()``)."""
    return error.code in (CONNECTION_CLOSED, CONNECTION_FAILED)


def gave_up_error(socket_path: str, attempts: int, last: Optional[ActonError]) -> ActonError:
    """Reconnection failed ``attempts`` times: the client is closed for good."""
    why = f" (last: {last.message})" if last is not None else ""
    return ActonError(CONNECTION_CLOSED, f"Gave up reconnecting to {socket_path} after {attempts} attempts{why}; create a new client")


class WantedSubscriptions:
    """What the connection held after the last successful subscription change, as the server said
    (``subscribed_types`` / ``subscribed_patterns``): what to subscribe again after a reconnect."""

    def __init__(self) -> None:
        self.types: List[str] = []
        self.patterns: List[str] = []

    def record(self, message_type: int, names: Sequence[str], held: List[str]) -> None:
        """Note the server's answer to a successful subscription frame of ``message_type``."""
        if message_type in (MessageType.SUBSCRIBE_PATTERNS, MessageType.UNSUBSCRIBE_PATTERNS):
            self.patterns = list(held)
            return
        self.types = list(held)
        if message_type == MessageType.UNSUBSCRIBE and not names:
            self.patterns = []  # an empty exact Unsubscribe clears patterns too (docs/protocol.md §11.1)
