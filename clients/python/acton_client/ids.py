"""TypeID-style correlation ids: ``<prefix>_<26 Crockford base32 chars of a UUIDv7>``.

docs/protocol.md §2.2: the reference Rust client generates these and our clients SHOULD too; the
server treats ids as opaque, so the format only matters for logs and for telling calls apart.
"""

from __future__ import annotations

import os
import re
import time

#: Lowercase Crockford base32 alphabet used by TypeID (no i, l, o, u).
CROCKFORD_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
#: The prefixes the protocol names (§2.2): requests / fire-and-forget, streams, subscribe,
#: unsubscribe, discover, and the server's push notification ids.
KNOWN_PREFIXES = ("req", "str", "sub", "unsub", "disc", "push")

_PREFIX_PATTERN = re.compile(r"^[a-z]([a-z_]{0,61}[a-z])?$")


def uuid7_bytes(unix_ms: int | None = None) -> bytes:
    """Return the 16 bytes of a UUIDv7 (RFC 9562): 48-bit Unix ms, version 7, variant 10, random bits.

    ``unix_ms`` defaults to the current wall-clock time in milliseconds.
    """
    ms = int(time.time() * 1000) if unix_ms is None else unix_ms
    value = (ms & ((1 << 48) - 1)) << 80
    value |= int.from_bytes(os.urandom(10), "big") & ((1 << 80) - 1)
    value = (value & ~(0xF << 76)) | (0x7 << 76)  # version nibble
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC variant
    return value.to_bytes(16, "big")


def encode_typeid_suffix(uuid_bytes: bytes) -> str:
    """Encode 16 bytes as TypeID's 26-character suffix (130 bits, two leading zero bits)."""
    if len(uuid_bytes) != 16:
        raise ValueError(f"a TypeID suffix encodes exactly 16 bytes, got {len(uuid_bytes)}")
    value = int.from_bytes(uuid_bytes, "big")
    return "".join(CROCKFORD_ALPHABET[(value >> (5 * (25 - i))) & 0x1F] for i in range(26))


def decode_typeid_suffix(suffix: str) -> bytes:
    """Inverse of :func:`encode_typeid_suffix`.

    Raises:
        ValueError: not 26 characters of the alphabet, or a first character above ``7``
            (the value would not fit in 128 bits).
    """
    if len(suffix) != 26 or any(ch not in CROCKFORD_ALPHABET for ch in suffix) or suffix[0] > "7":
        raise ValueError(f"{suffix!r} is not a TypeID suffix (26 lowercase Crockford base32 chars, first <= '7')")
    value = 0
    for ch in suffix:
        value = (value << 5) | CROCKFORD_ALPHABET.index(ch)
    return value.to_bytes(16, "big")


def new_correlation_id(prefix: str = "req") -> str:
    """Return a fresh id such as ``req_01h9xz7n2e5p6q8r3t1u2v3w4x``.

    ``prefix`` is normally one of :data:`KNOWN_PREFIXES`; any lowercase ASCII word works.

    Raises:
        ValueError: ``prefix`` is empty or not lowercase letters (TypeID's rule).
    """
    if not _PREFIX_PATTERN.match(prefix):
        raise ValueError(f"correlation id prefix {prefix!r} must be 1-63 lowercase letters, like 'req'")
    return f"{prefix}_{encode_typeid_suffix(uuid7_bytes())}"
