"""Frame bodies to and from bytes, JSON or MessagePack (docs/protocol.md §1.4).

MessagePack is optional: the ``msgpack`` package is used when it is installed, and asking
for ``format="msgpack"`` without it fails at once with an ``ImportError`` saying what to do.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import PROTOCOL_ERROR, ActonError
from .wire import Format

try:  # optional dependency: pip install 'acton-ts-client[msgpack]'
    import msgpack as _msgpack
except ImportError:  # pragma: no cover - depends on the environment
    _msgpack = None


def msgpack_available() -> bool:
    """True when the ``msgpack`` package can be imported."""
    return _msgpack is not None


def resolve_format(name: str) -> Format:
    """Map a user's ``format=`` value (``"json"`` or ``"msgpack"``) to the format byte.

    Raises:
        ValueError: any other name.
        ImportError: ``"msgpack"`` while the ``msgpack`` package is not installed.
    """
    normalized = str(name).lower()
    if normalized == "json":
        return Format.JSON
    if normalized not in ("msgpack", "messagepack"):
        raise ValueError(f"format={name!r} is not supported; use 'json' or 'msgpack'")
    if _msgpack is None:
        raise ImportError(
            "format='msgpack' needs the msgpack package, which is not installed: "
            "pip install msgpack (or pip install 'acton-ts-client[msgpack]'), or use format='json'"
        )
    return Format.MSGPACK


def encode_body(body: Any, fmt: int) -> bytes:
    """Serialize one protocol object for a frame of format ``fmt``.

    JSON is compact UTF-8 (what the reference emits, §1.4). MessagePack maps are keyed by the
    JSON field names, ints use the smallest encoding and floats float64 (§1.4 map-encoding rule);
    values JSON cannot express (bytes, NaN, non-string keys) are refused before sending,
    because the server would reject the whole frame.

    Raises:
        TypeError / ValueError: ``body`` holds a value the protocol cannot carry.
        ImportError: MessagePack requested without the ``msgpack`` package.
    """
    if fmt == Format.JSON:
        text = json.dumps(body, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        return text.encode("utf-8")
    if fmt == Format.MSGPACK:
        _require_msgpack()
        _check_json_compatible(body, "payload")
        return _msgpack.packb(body, use_bin_type=True)
    raise ValueError(f"Unknown format byte 0x{fmt:02x} (0x01 = JSON, 0x02 = MessagePack)")


def decode_body(payload: bytes, fmt: int) -> Any:
    """Decode a frame payload by the frame's own format byte (§1.4: never by preference).

    An empty payload (heartbeat replies, §2.4) decodes to ``None`` without being parsed.

    Raises:
        ActonError: ``PROTOCOL_ERROR`` when the bytes are not valid JSON / MessagePack, when
            MessagePack holds ``bin``/``ext`` values or non-string keys (no JSON equivalent,
            §1.4), or when a MessagePack frame arrives and ``msgpack`` is not installed.
    """
    if not payload:
        return None
    if fmt == Format.JSON:
        return _decode_json(payload)
    if fmt == Format.MSGPACK:
        return _decode_msgpack(payload)
    raise ActonError(PROTOCOL_ERROR, f"Cannot decode a frame with format byte 0x{fmt:02x}")


def _decode_json(payload: bytes) -> Any:
    try:
        return json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ActonError(PROTOCOL_ERROR, f"The server sent a JSON frame that does not parse: {exc}") from exc


def _decode_msgpack(payload: bytes) -> Any:
    if _msgpack is None:
        raise ActonError(
            PROTOCOL_ERROR,
            "The server sent a MessagePack frame but the msgpack package is not installed: "
            "pip install msgpack, or use format='json'",
        )
    try:
        value = _msgpack.unpackb(payload, raw=False, strict_map_key=False)
    except Exception as exc:  # msgpack raises several unrelated exception types
        raise ActonError(PROTOCOL_ERROR, f"The server sent a MessagePack frame that does not decode: {exc}") from exc
    try:
        _check_json_compatible(value, "frame")
    except TypeError as exc:
        raise ActonError(PROTOCOL_ERROR, f"The server sent a MessagePack frame with {exc}") from exc
    return value


def _require_msgpack() -> None:
    if _msgpack is None:
        resolve_format("msgpack")  # raises the explanatory ImportError


def _check_json_compatible(value: Any, where: str, depth: int = 0) -> None:
    """Raise TypeError naming the first value that has no JSON equivalent."""
    if depth > 512:
        raise TypeError(f"{where} nests deeper than 512 levels")
    if value is None or isinstance(value, (bool, int, float, str)):
        return
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check_json_compatible(item, f"{where}[{index}]", depth + 1)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"a non-string map key {key!r} at {where}")
            _check_json_compatible(item, f"{where}.{key}", depth + 1)
        return
    raise TypeError(f"a {type(value).__name__} value at {where}, which has no JSON equivalent")

