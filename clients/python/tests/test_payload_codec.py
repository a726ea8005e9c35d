"""Body encoding per docs/protocol.md §1.4, and the MessagePack guard."""

from __future__ import annotations

import math

import pytest

from acton_client import ActonClient, ActonError, AsyncActonClient, msgpack_available
from acton_client.bodies import subscription_body
from acton_client.frame import encode_frame
from acton_client.payload_codec import decode_body, encode_body, resolve_format
from acton_client.wire import Format, MessageType


def test_json_is_compact_utf8_without_ascii_escaping():
    assert encode_body({"name": "café", "n": [1, 2.5]}, Format.JSON) == '{"name":"café","n":[1,2.5]}'.encode()


def test_nan_and_bytes_are_refused_before_sending():
    with pytest.raises(ValueError):
        encode_body({"x": math.nan}, Format.JSON)
    with pytest.raises(TypeError):
        encode_body({"x": b"raw"}, Format.JSON)


def test_json_bodies_accept_any_whitespace():
    assert decode_body(b' { "a" :\n [1, 2] }\t', Format.JSON) == {"a": [1, 2]}


def test_undecodable_json_is_a_protocol_error():
    with pytest.raises(ActonError) as caught:
        decode_body(b"{nope", Format.JSON)
    assert caught.value.code == "PROTOCOL_ERROR"


def test_unknown_format_name_is_a_value_error():
    with pytest.raises(ValueError, match="'json' or 'msgpack'"):
        ActonClient(socket_path="/nowhere", format="xml")


def test_msgpack_subscribe_matches_the_golden_frame_or_the_guard_explains_the_missing_module():
    """§1.7 golden MessagePack subscribe frame. Without the optional msgpack package (as here),
    asking for MessagePack must fail at once with an error saying how to fix it."""
    golden = bytes.fromhex("00000031020602") + (
        b"\x82\xae" + b"correlation_id" + b"\xa5" + b"sub_1" + b"\xad" + b"message_types" + b"\x91\xab" + b"PriceUpdate"
    )
    if msgpack_available():
        body = encode_body(subscription_body("sub_1", ["PriceUpdate"]), Format.MSGPACK)
        assert encode_frame(MessageType.SUBSCRIBE, Format.MSGPACK, body) == golden
        assert decode_body(golden[7:], Format.MSGPACK) == {"correlation_id": "sub_1", "message_types": ["PriceUpdate"]}
        return
    for make in (lambda: ActonClient(socket_path="/nowhere", format="msgpack"),
                 lambda: AsyncActonClient(socket_path="/nowhere", format="msgpack")):
        with pytest.raises(ImportError, match=r"pip install msgpack.*format='json'"):
            make()
    with pytest.raises(ActonError, match="msgpack package is not installed"):
        decode_body(golden[7:], Format.MSGPACK)


def test_format_names_map_to_format_bytes():
    assert resolve_format("json") == Format.JSON
    assert resolve_format("JSON") == Format.JSON
