"""acton-ts client: call acton-ts (and acton-reactive) actors over the IPC Unix socket.

Standard library only; MessagePack frames (``format="msgpack"``) need the ``msgpack`` package.
"""

from .async_client import AsyncActonClient
from .client import ActonClient
from .errors import ActonError
from .ids import new_correlation_id
from .payload_codec import msgpack_available
from .reconnect import Reconnect
from .socket_path import ResolvedSocketPath, resolve_socket_path

__version__ = "0.1.0"

__all__ = [
    "ActonClient",
    "AsyncActonClient",
    "ActonError",
    "Reconnect",
    "ResolvedSocketPath",
    "msgpack_available",
    "new_correlation_id",
    "resolve_socket_path",
    "__version__",
]
