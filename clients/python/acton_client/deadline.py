"""A point in monotonic time after which a wait gives up."""

from __future__ import annotations

import time
from typing import Optional


class Deadline:
    """Created from a duration in seconds; ``None`` means "never"."""

    def __init__(self, seconds: Optional[float]) -> None:
        """``seconds``: how long from now (>= 0), or ``None`` for no deadline."""
        self.seconds = seconds
        self._at = None if seconds is None else time.monotonic() + max(0.0, seconds)

    def remaining(self) -> Optional[float]:
        """Seconds left (0.0 once passed), or ``None`` without a deadline."""
        if self._at is None:
            return None
        return max(0.0, self._at - time.monotonic())

    def expired(self) -> bool:
        """True once the deadline has passed (never without one)."""
        remaining = self.remaining()
        return remaining is not None and remaining <= 0.0
