"""Numbers of the wire protocol (docs/protocol.md §1.2, §1.3, §2.1). Constants only."""

from __future__ import annotations

from enum import IntEnum


class MessageType(IntEnum):
    """The frame type byte (docs/protocol.md §2.1)."""

    REQUEST = 0x01
    RESPONSE = 0x02
    ERROR = 0x03
    HEARTBEAT = 0x04
    PUSH = 0x05
    SUBSCRIBE = 0x06
    UNSUBSCRIBE = 0x07
    DISCOVER = 0x08
    STREAM = 0x09
    #: Pattern subscriptions (acton-reactive 9.3, docs/protocol.md §11.1).
    SUBSCRIBE_PATTERNS = 0x0A
    UNSUBSCRIBE_PATTERNS = 0x0B


class Format(IntEnum):
    """The v2 format byte (docs/protocol.md §1.2). v1 frames are implicitly JSON."""

    JSON = 0x01
    MSGPACK = 0x02


#: Header size of a v1 frame: u32 length, version, type (bytes).
V1_HEADER_SIZE = 6
#: Header size of a v2 frame: u32 length, version, type, format (bytes).
V2_HEADER_SIZE = 7
#: Highest frame type each version may carry (docs/protocol.md §1.5).
MAX_TYPE_BY_VERSION = {1: 0x04, 2: 0x0B}
#: Inbound payload limit of the reference clients: 16 MiB (docs/protocol.md §1.3).
MAX_FRAME_PAYLOAD = 16 * 1024 * 1024

#: Reserved correlation id of a connection refused at the server's limit (docs/protocol.md §5.2).
CONNECTION_REJECTED_ID = "__acton_connection_rejected__"
#: Reserved correlation id of our server's framing-error frame (docs/protocol.md §0 D3).
PROTOCOL_ERROR_ID = "__acton_protocol_error__"
#: Correlation id the server uses when it could not read the request's own id (§2.2).
UNKNOWN_ID = "unknown"
