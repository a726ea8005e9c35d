"""Small rules shared by both clients: timeouts and how calls are named in errors."""

from __future__ import annotations

from typing import Optional

from .deadline import Deadline

#: The server enforces the same deadline as the caller (``response_timeout_ms``) and then
#: answers ``TIMEOUT`` itself (docs/protocol.md §3.3, §3.4). The local deadline waits this much
#: longer (seconds), so the server's own answer wins the race and the local one only covers
#: a server that stays silent.
SERVER_DEADLINE_GRACE_S = 0.25


def check_timeout(timeout: Optional[float], name: str = "timeout") -> Optional[float]:
    """Validate a ``timeout=`` (or ``idle_timeout=``, by ``name``) value: seconds >= 0 as float,
    or ``None`` (no limit).

    Raises:
        ValueError: negative or not a number.
    """
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout < 0):
        raise ValueError(f"{name} must be a number of seconds >= 0 or None, got {timeout!r}")
    return None if timeout is None else float(timeout)


def server_deadline(seconds: Optional[float]) -> Deadline:
    """The local deadline for a call whose deadline the server also enforces."""
    return Deadline(None if seconds is None else seconds + SERVER_DEADLINE_GRACE_S)


def describe_call(target: str, message_type: str) -> str:
    """How a request is named in a timeout message."""
    return f"the answer to {message_type} sent to {target!r}"
