"""Framing without a server: golden bytes from docs/protocol.md §1.7, limits from §1.3, checks from §1.6."""

from __future__ import annotations

import json

import pytest

from acton_client import ActonError
from acton_client.bodies import request_envelope
from acton_client.frame import encode_frame
from acton_client.frame_reader import FrameReader
from acton_client.payload_codec import decode_body, encode_body
from acton_client.wire import MAX_FRAME_PAYLOAD, Format, MessageType

GOLDEN_REQUEST_PAYLOAD = (
    b'{"correlation_id":"req_01h9xz7n2e5p6q8r3t1u2v3w4x","target":"calculator","message_type":"Add",'
    b'"payload":{"a":5,"b":3},"expects_reply":true,"response_timeout_ms":5000}'
)
GOLDEN_REPLY_PAYLOAD = b'{"correlation_id":"req_01h9xz7n2e5p6q8r3t1u2v3w4x","success":true,"payload":{"sum":8}}'
GOLDEN_V1_FIRE_AND_FORGET = (
    b'{"correlation_id":"req_1","target":"logger","message_type":"LogEvent","payload":{"level":"info","message":"hi"}}'
)


def test_v2_heartbeat_is_the_seven_golden_bytes():
    assert encode_frame(MessageType.HEARTBEAT, Format.JSON, b"") == bytes.fromhex("00000000020401")


def test_request_envelope_encodes_to_the_golden_166_byte_frame():
    envelope = request_envelope(
        "req_01h9xz7n2e5p6q8r3t1u2v3w4x", "calculator", "Add", {"a": 5, "b": 3},
        expects_reply=True, timeout_ms=5000,
    )
    frame = encode_frame(MessageType.REQUEST, Format.JSON, encode_body(envelope, Format.JSON))
    assert frame == bytes.fromhex("000000a6020101") + GOLDEN_REQUEST_PAYLOAD


def test_fire_and_forget_envelope_carries_only_the_four_required_fields():
    envelope = request_envelope("req_1", "logger", "LogEvent", {"level": "info", "message": "hi"})
    assert encode_body(envelope, Format.JSON) == GOLDEN_V1_FIRE_AND_FORGET


def test_payload_none_is_sent_as_json_null_because_the_field_is_required():
    assert json.loads(encode_body(request_envelope("req_1", "a", "B", None), Format.JSON))["payload"] is None


def test_golden_v2_reply_decodes_by_its_format_byte():
    [frame] = FrameReader().feed(bytes.fromhex("00000056020201") + GOLDEN_REPLY_PAYLOAD)
    assert (frame.version, frame.message_type, frame.format) == (2, MessageType.RESPONSE, Format.JSON)
    assert decode_body(frame.payload, frame.format) == {
        "correlation_id": "req_01h9xz7n2e5p6q8r3t1u2v3w4x", "success": True, "payload": {"sum": 8},
    }


def test_golden_v1_frame_with_six_byte_header_is_read_as_json():
    [frame] = FrameReader().feed(bytes.fromhex("000000700101") + GOLDEN_V1_FIRE_AND_FORGET)
    assert (frame.version, frame.message_type, frame.format) == (1, MessageType.REQUEST, Format.JSON)
    assert decode_body(frame.payload, frame.format)["target"] == "logger"


def test_v1_and_v2_heartbeats_have_empty_payloads_that_decode_to_none_without_parsing():
    frames = FrameReader().feed(bytes.fromhex("000000000104") + bytes.fromhex("00000000020401"))
    assert [(f.version, f.message_type, f.payload) for f in frames] == [(1, 4, b""), (2, 4, b"")]
    assert decode_body(frames[1].payload, frames[1].format) is None


def test_frames_fed_one_byte_at_a_time_come_out_whole_and_in_order():
    data = bytes.fromhex("00000056020201") + GOLDEN_REPLY_PAYLOAD + bytes.fromhex("00000000020401")
    reader = FrameReader()
    frames = [frame for byte in data for frame in reader.feed(bytes([byte]))]
    assert [f.message_type for f in frames] == [MessageType.RESPONSE, MessageType.HEARTBEAT]
    assert frames[0].payload == GOLDEN_REPLY_PAYLOAD
    assert reader.buffered == 0


def test_many_frames_in_one_chunk_are_all_returned():
    chunk = b"".join(encode_frame(MessageType.PUSH, Format.JSON, json.dumps({"n": n}).encode()) for n in range(5))
    assert [json.loads(f.payload)["n"] for f in FrameReader().feed(chunk)] == [0, 1, 2, 3, 4]


def test_length_above_16_mib_is_rejected_from_the_header_alone():
    header = (MAX_FRAME_PAYLOAD + 1).to_bytes(4, "big") + bytes([2, MessageType.RESPONSE, Format.JSON])
    with pytest.raises(ActonError) as caught:
        FrameReader().feed(header)
    assert caught.value.code == "PROTOCOL_ERROR"
    assert f"{MAX_FRAME_PAYLOAD + 1} > {MAX_FRAME_PAYLOAD}" in caught.value.message


def test_length_of_exactly_16_mib_is_accepted_and_waits_for_the_payload():
    reader = FrameReader()
    assert reader.feed(MAX_FRAME_PAYLOAD.to_bytes(4, "big") + bytes([2, MessageType.RESPONSE, Format.JSON])) == []
    assert reader.buffered == 7


@pytest.mark.parametrize("version", [0x00, 0x03, 0xFF])
def test_unknown_version_is_a_protocol_error_naming_the_byte(version):
    with pytest.raises(ActonError) as caught:
        FrameReader().feed(bytes([0, 0, 0, 0, version, 0x02, 0x01]))
    assert caught.value.code == "PROTOCOL_ERROR"
    assert f"0x{version:02x}" in caught.value.message


def test_v1_frame_may_not_carry_type_5_or_above():
    with pytest.raises(ActonError, match="0x05 for a v1 frame"):
        FrameReader().feed(bytes.fromhex("000000000105"))


@pytest.mark.parametrize("message_type", [0x00, 0x0C])
def test_v2_type_outside_1_to_0x0b_is_rejected(message_type):
    with pytest.raises(ActonError, match="Invalid message type"):
        FrameReader().feed(bytes([0, 0, 0, 0, 2, message_type, 1]))


def test_unknown_format_byte_is_rejected():
    with pytest.raises(ActonError, match="Invalid format byte 0x03"):
        FrameReader().feed(bytes.fromhex("00000000020203"))


def test_encode_refuses_payloads_above_16_mib():
    with pytest.raises(ValueError, match="16 MiB"):
        encode_frame(MessageType.REQUEST, Format.JSON, b"x" * (MAX_FRAME_PAYLOAD + 1))


def test_outgoing_frames_always_use_the_v2_header_with_the_format_byte():
    frame = encode_frame(MessageType.DISCOVER, Format.MSGPACK, b"\x80")
    assert frame == bytes.fromhex("00000001020802") + b"\x80"
