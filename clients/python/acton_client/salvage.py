"""Reading what the server sent before it closed, after a write to it failed."""

from __future__ import annotations

import socket

from .errors import ActonError
from .frame_reader import FrameReader
from .frame_router import FrameRouter

#: Upper bound on reads when salvaging (each up to 64 KiB): the data is already buffered.
MAX_SALVAGE_READS = 64


def salvage_unread_frames(sock: socket.socket, frames: FrameReader, router: FrameRouter) -> None:
    """Route frames already waiting in ``sock``'s receive buffer, without blocking.

    A server refusing a connection at its limit writes one frame and closes without reading
    (docs/protocol.md §5.2); the client's next write then fails (EPIPE) while that frame, which
    explains why, is still unread. Reading it lets the caller report ``CONNECTION_LIMIT_REACHED``
    instead of a bare ``CONNECTION_CLOSED``. Errors here are ignored: the connection is
    already lost and the caller reports that.
    """
    try:
        sock.setblocking(False)
        for _ in range(MAX_SALVAGE_READS):
            data = sock.recv(65536)
            if not data:
                return
            for frame in frames.feed(data):
                router.route(frame)
    except (OSError, ActonError):
        return
