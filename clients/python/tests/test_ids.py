"""Correlation ids: TypeID form per docs/protocol.md §2.2."""

from __future__ import annotations

import re
import time
import uuid

import pytest

from acton_client import new_correlation_id
from acton_client.ids import CROCKFORD_ALPHABET, decode_typeid_suffix, encode_typeid_suffix, uuid7_bytes

TYPEID = re.compile(r"^(req|str|sub|unsub|disc)_[0-7][0-9a-hjkmnp-tv-z]{25}$")


@pytest.mark.parametrize("prefix", ["req", "str", "sub", "unsub", "disc"])
def test_ids_are_prefix_plus_26_lowercase_crockford_chars(prefix):
    correlation_id = new_correlation_id(prefix)
    assert TYPEID.match(correlation_id), correlation_id
    assert correlation_id.startswith(prefix + "_")


def test_suffix_is_a_uuidv7_holding_the_current_unix_milliseconds():
    before = int(time.time() * 1000)
    suffix = new_correlation_id("req").split("_", 1)[1]
    after = int(time.time() * 1000)
    value = uuid.UUID(bytes=decode_typeid_suffix(suffix))
    assert value.version == 7
    assert value.variant == uuid.RFC_4122
    assert before <= value.int >> 80 <= after


def test_ids_are_unique_and_sort_by_creation_millisecond():
    ids = [new_correlation_id() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    first = new_correlation_id()
    time.sleep(0.005)
    later = new_correlation_id()
    assert first < later


def test_encoding_round_trips_and_matches_the_typeid_reference_vector():
    # TypeID spec test vector: prefix_01h455vb4pex5vsknk084sn02q <-> 01890a5d-ac96-774b-bcce-b302099a8057
    raw = uuid.UUID("01890a5d-ac96-774b-bcce-b302099a8057").bytes
    assert encode_typeid_suffix(raw) == "01h455vb4pex5vsknk084sn02q"
    assert decode_typeid_suffix("01h455vb4pex5vsknk084sn02q") == raw
    assert encode_typeid_suffix(b"\xff" * 16) == "7" + "z" * 25
    assert set(encode_typeid_suffix(uuid7_bytes())) <= set(CROCKFORD_ALPHABET)


@pytest.mark.parametrize("bad", ["", "REQ", "req-1", "_req", "req_"])
def test_bad_prefixes_are_refused(bad):
    with pytest.raises(ValueError, match="prefix"):
        new_correlation_id(bad)


@pytest.mark.parametrize("bad", ["8" + "0" * 25, "0" * 25, "0" * 25 + "u"])
def test_invalid_suffixes_are_refused(bad):
    with pytest.raises(ValueError, match="not a TypeID suffix"):
        decode_typeid_suffix(bad)
