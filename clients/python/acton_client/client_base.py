"""``ClientBase``: what the blocking and the asyncio client both hold about their calls."""

from __future__ import annotations

from collections import deque
from typing import Deque, Optional, Union

from .call_options import check_timeout
from .frame_reader import FrameReader
from .frame_router import FrameRouter
from .payload_codec import resolve_format
from .reconnect import Reconnect, WantedSubscriptions, resolve_reconnect
from .socket_path import resolve_socket_path
from .wire import Format


class ClientBase:
    """Where to connect, the default timeout and wire format, and the request bookkeeping: the
    frame reader, the router that files answers by ``correlation_id``, the ids of outstanding
    ``send()`` calls, the heartbeats sent, the reconnect policy and the subscriptions to restore.

    Only the I/O differs between :class:`ActonClient` and :class:`AsyncActonClient`; each adds
    its own connection state.
    """

    def __init__(
        self,
        socket_path: Optional[str],
        app_name: Optional[str],
        timeout: Optional[float],
        format: str,
        reconnect: Union[bool, Reconnect, None],
    ) -> None:
        """Arguments and errors as documented on :class:`ActonClient`."""
        self._resolved = resolve_socket_path(socket_path, app_name)
        self.timeout = check_timeout(timeout)
        self.format: Format = resolve_format(format)
        self._frames = FrameReader()
        self._router = FrameRouter()
        self._sent: Deque[str] = deque()
        self._heartbeats_sent = 0
        self._reconnect = resolve_reconnect(reconnect)
        self._wanted = WantedSubscriptions()
        self._closed = False

    @property
    def socket_path(self) -> str:
        """The Unix socket path this client uses."""
        return self._resolved.path

    def _seconds(self, timeout: Optional[float]) -> Optional[float]:
        """A call's ``timeout=``, checked; ``None`` → the client's default."""
        return self.timeout if timeout is None else check_timeout(timeout)
