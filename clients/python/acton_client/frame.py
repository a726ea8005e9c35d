"""One frame of the wire protocol and how the client writes it (docs/protocol.md §1.2)."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from .wire import MAX_FRAME_PAYLOAD, Format, MessageType

_V2_HEADER = struct.Struct(">IBBB")


@dataclass(frozen=True)
class Frame:
    """A frame as read from the socket.

    Attributes:
        version: 1 or 2, from the header.
        message_type: the type byte (see :class:`MessageType`).
        format: the format byte; always JSON (``0x01``) for a v1 frame.
        payload: the raw payload bytes (possibly empty, e.g. a heartbeat reply).
    """

    version: int
    message_type: int
    format: int
    payload: bytes


def encode_frame(message_type: int, fmt: int, payload: bytes) -> bytes:
    """Return one v2 frame: 7-byte header then ``payload``, as a single buffer.

    Clients always write v2 (docs/protocol.md §1.5: the server reads both, and only v2 carries a
    format byte and the types ``0x05``-``0x09``).

    Raises:
        ValueError: the type or format byte is not one the protocol defines, or ``payload``
            is larger than 16 MiB (no peer accepts it, §1.3).
    """
    MessageType(message_type)
    Format(fmt)
    if len(payload) > MAX_FRAME_PAYLOAD:
        raise ValueError(
            f"Frame payload of {len(payload)} bytes exceeds the protocol's hard limit of "
            f"{MAX_FRAME_PAYLOAD} bytes (16 MiB); send smaller messages or split the data"
        )
    return _V2_HEADER.pack(len(payload), 2, message_type, fmt) + payload
