"""Incremental frame decoder: bytes in, whole frames out (docs/protocol.md §1.2, §1.6)."""

from __future__ import annotations

from typing import List

from .errors import PROTOCOL_ERROR, ActonError
from .frame import Frame
from .wire import MAX_FRAME_PAYLOAD, MAX_TYPE_BY_VERSION, V1_HEADER_SIZE, V2_HEADER_SIZE, Format


class FrameReader:
    """Collects bytes from a stream socket and cuts them into frames.

    Partial headers and payloads are kept until the rest arrives, so a read that stops
    half-way (a local timeout, a small ``recv``) never loses or corrupts data.
    Both header layouts are read: the server always writes v2, but v1 is legal (§1.5).
    """

    def __init__(self, max_payload: int = MAX_FRAME_PAYLOAD) -> None:
        """``max_payload``: largest accepted payload in bytes (default and ceiling 16 MiB)."""
        self._max_payload = min(max_payload, MAX_FRAME_PAYLOAD)
        self._buffer = bytearray()

    @property
    def buffered(self) -> int:
        """Bytes received but not yet returned as part of a frame."""
        return len(self._buffer)

    def feed(self, data: bytes) -> List[Frame]:
        """Add ``data`` and return every frame now complete, in order.

        Raises:
            ActonError: ``PROTOCOL_ERROR`` for an unknown version, a type byte the version
                may not carry, an unknown format byte, or a length above the limit. The
                check is made on the header, before waiting for the payload (§1.3, §1.6);
                after it the stream cannot be resynchronised, so the connection must close.
        """
        self._buffer += data
        frames: List[Frame] = []
        while True:
            frame = self._next_frame()
            if frame is None:
                return frames
            frames.append(frame)

    def _next_frame(self) -> Frame | None:
        if len(self._buffer) < V1_HEADER_SIZE:
            return None
        version, message_type = self._buffer[4], self._buffer[5]
        _check_version_and_type(version, message_type)
        header_size = V1_HEADER_SIZE if version == 1 else V2_HEADER_SIZE
        if len(self._buffer) < header_size:
            return None
        fmt = Format.JSON if version == 1 else _check_format(self._buffer[6])
        length = int.from_bytes(self._buffer[0:4], "big")
        if length > self._max_payload:
            raise ActonError(
                PROTOCOL_ERROR,
                f"Frame too large: {length} > {self._max_payload} bytes; the server sent a frame "
                "no acton client accepts, so the connection is closed",
            )
        end = header_size + length
        if len(self._buffer) < end:
            return None
        payload = bytes(self._buffer[header_size:end])
        del self._buffer[:end]
        return Frame(version, message_type, int(fmt), payload)


def _check_version_and_type(version: int, message_type: int) -> None:
    max_type = MAX_TYPE_BY_VERSION.get(version)
    if max_type is None:
        raise ActonError(
            PROTOCOL_ERROR,
            f"Unsupported protocol version 0x{version:02x} in a frame from the server, "
            "supported range: 0x01-0x02; is the socket really an acton IPC server?",
        )
    if not 1 <= message_type <= max_type:
        raise ActonError(
            PROTOCOL_ERROR,
            f"Invalid message type 0x{message_type:02x} for a v{version} frame from the server "
            f"(allowed 0x01-0x{max_type:02x})",
        )


def _check_format(byte: int) -> Format:
    try:
        return Format(byte)
    except ValueError:
        raise ActonError(
            PROTOCOL_ERROR,
            f"Invalid format byte 0x{byte:02x} in a frame from the server "
            "(0x01 = JSON, 0x02 = MessagePack)",
        ) from None
