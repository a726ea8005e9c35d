"""ActonClient against a scripted peer on a real Unix socket: correlation, errors, edge frames.

These run without the acton-ts server; the peer writes the exact frames docs/protocol.md describes.
"""

from __future__ import annotations

import struct

import pytest

from acton_client import ActonClient, ActonError
from scripted_server import ERROR, HEARTBEAT, PUSH, RESPONSE, STREAM, Peer, ScriptedServer, idle, v2_json_frame

PUSH_BODY = {
    "notification_id": "push_01h9xz8a0k3m4n5p6q7r8s9t0v", "message_type": "PriceUpdate",
    "payload": {"symbol": "ACME", "price": 101.25}, "timestamp_ms": 1732500000123, "source_actor": "price_feed",
}


def answer(peer: Peer, body: dict, result) -> None:
    peer.send(RESPONSE, {"correlation_id": body["correlation_id"], "success": True, "payload": result})


def test_request_sends_the_envelope_and_returns_the_reply_payload():
    seen = {}

    def script(peer: Peer) -> None:
        seen["body"] = peer.read_body(0x01)
        answer(peer, seen["body"], {"sum": 8})

    with ScriptedServer(script) as server, ActonClient(socket_path=server.path, timeout=2) as client:
        assert client.request("calculator", "AddRequest", {"a": 5, "b": 3}) == {"sum": 8}
    body = seen["body"]
    assert body["correlation_id"].startswith("req_")
    assert {k: body[k] for k in ("target", "message_type", "payload", "expects_reply", "response_timeout_ms")} == {
        "target": "calculator", "message_type": "AddRequest", "payload": {"a": 5, "b": 3},
        "expects_reply": True, "response_timeout_ms": 2000,
    }


def test_send_receive_returns_answers_in_send_order_even_when_they_arrive_reversed():
    def script(peer: Peer) -> None:
        first, second = peer.read_body(0x01), peer.read_body(0x01)
        peer.send(PUSH, PUSH_BODY)
        answer(peer, second, "second")
        peer.send(ERROR, {"correlation_id": first["correlation_id"], "success": False,
                          "error": "Actor not found: nope", "error_code": "ACTOR_NOT_FOUND"})

    with ScriptedServer(script) as server, ActonClient(socket_path=server.path, timeout=2) as client:
        first_id = client.send("nope", "AddRequest", {"a": 1, "b": 2})
        second_id = client.send("calculator", "AddRequest", {"a": 1, "b": 2})
        assert client.receive() == {"success": False, "payload": None, "error": "Actor not found: nope",
                                    "error_code": "ACTOR_NOT_FOUND", "correlation_id": first_id}
        assert client.receive() == {"success": True, "payload": "second", "error": None,
                                    "error_code": None, "correlation_id": second_id}
        assert next(client.notifications(timeout=0.5)) == PUSH_BODY


def test_receive_without_send_is_a_usage_error():
    with pytest.raises(RuntimeError, match="call send"):
        ActonClient(socket_path="/nowhere").receive()


def test_tell_waits_for_delivered_and_its_ack_is_never_taken_for_a_later_answer():
    seen = {}

    def script(peer: Peer) -> None:
        asked, told = peer.read_body(0x01), peer.read_body(0x01)
        seen["told"] = told
        answer(peer, asked, {"value": 42})
        answer(peer, told, {"status": "delivered"})

    with ScriptedServer(script) as server, ActonClient(socket_path=server.path, timeout=2) as client:
        client.send("kv_store", "GetValue", {"key": "k"})  # outstanding while tell() waits
        assert client.tell("kv_store", "SetValue", {"key": "k", "value": 42}) is None
        assert client.receive()["payload"] == {"value": 42}
    assert set(seen["told"]) == {"correlation_id", "target", "message_type", "payload"}


def test_error_response_raises_with_code_message_details_and_retry_after():
    def script(peer: Peer) -> None:
        body = peer.read_body(0x01)
        peer.send(ERROR, {"correlation_id": body["correlation_id"], "success": False,
                          "error": "Product not found: unicorn", "error_code": "PRODUCT_NOT_FOUND",
                          "error_details": {"name": "ActorError", "data": {"product": "unicorn"}}})
        body = peer.read_body(0x01)
        peer.send(ERROR, {"correlation_id": body["correlation_id"], "success": False,
                          "error": "Rate limit exceeded, retry after 7ms", "error_code": "RATE_LIMITED",
                          "retry_after_ms": 7})

    with ScriptedServer(script) as server, ActonClient(socket_path=server.path, timeout=2) as client:
        with pytest.raises(ActonError) as caught:
            client.request("orders", "PlaceOrder", {"product": "unicorn", "quantity": 1})
        assert (caught.value.code, caught.value.message) == ("PRODUCT_NOT_FOUND", "Product not found: unicorn")
        assert caught.value.details == {"name": "ActorError", "data": {"product": "unicorn"}}
        with pytest.raises(ActonError) as caught:
            client.request("orders", "PlaceOrder", {"product": "widget", "quantity": 1})
        assert (caught.value.code, caught.value.retry_after_ms) == ("RATE_LIMITED", 7)


def test_stream_yields_data_frames_in_order_on_a_connection_of_its_own_and_ends_at_the_final_frame():
    def own_connection(peer: Peer) -> None:
        peer.send(PUSH, PUSH_BODY)
        peer.until_closed()

    def script(peer: Peer) -> None:
        body = peer.read_body(0x01)
        assert body["expects_stream"] is True and body["correlation_id"].startswith("str_")
        cid = body["correlation_id"]
        peer.send(STREAM, {"correlation_id": cid, "sequence": 0, "is_final": False, "payload": {"id": 1}})
        peer.send(STREAM, {"correlation_id": cid, "sequence": 1, "is_final": False, "payload": {"id": 2}})
        peer.send(STREAM, {"correlation_id": cid, "sequence": 2, "is_final": True})
        peer.until_closed()  # the client closes the stream's connection after the final frame

    with ScriptedServer(own_connection, script) as server, ActonClient(socket_path=server.path, timeout=2) as client:
        assert list(client.stream("list_service", "ListRequest", {"page_size": 2})) == [{"id": 1}, {"id": 2}]
        assert next(client.notifications(timeout=0.2))["notification_id"] == PUSH_BODY["notification_id"]


def test_abandoning_a_stream_closes_its_connection_and_close_ends_the_open_ones():
    def script(peer: Peer) -> None:
        cid = peer.read_body(0x01)["correlation_id"]
        frames = [{"correlation_id": cid, "sequence": n, "is_final": False, "payload": n} for n in range(3)]
        peer.send_raw(b"".join(v2_json_frame(STREAM, frame) for frame in frames))  # one write, before the client reads
        peer.until_closed()  # no final frame: only the client closing the connection ends this

    with ScriptedServer(idle, script, script) as server:
        with ActonClient(socket_path=server.path, timeout=2) as client:
            for item in client.stream("countdown", "CountdownRequest", {"from": 3, "delay_ms": 0}, timeout=0):
                assert item == 0
                break
            # (CPython closes the dropped iterator at once: its connection closes, the script ends)
            kept = client.stream("countdown", "CountdownRequest", {"from": 3, "delay_ms": 0}, timeout=0)
            assert next(kept) == 0
        with pytest.raises(ActonError) as caught:
            list(kept)  # what had arrived, then the close
        assert caught.value.code == "CONNECTION_CLOSED"
        server.wait_finished()


def test_stream_error_frame_raises_its_code_after_the_data_before_it():
    def script(peer: Peer) -> None:
        cid = peer.read_body(0x01)["correlation_id"]
        peer.send(STREAM, {"correlation_id": cid, "sequence": 0, "is_final": False, "payload": {"value": 3}})
        peer.send(STREAM, {"correlation_id": cid, "sequence": 1, "is_final": True,
                           "error": "Stream timed out after 300 ms", "error_code": "TIMEOUT"})

    with ScriptedServer(idle, script) as server, ActonClient(socket_path=server.path, timeout=2) as client:
        received = []
        with pytest.raises(ActonError) as caught:
            for item in client.stream("countdown", "CountdownRequest", {"from": 3, "delay_ms": 500}):
                received.append(item)
        assert received == [{"value": 3}]
        assert (caught.value.code, caught.value.message) == ("TIMEOUT", "Stream timed out after 300 ms")


def test_a_0x03_response_with_the_stream_id_ends_the_stream_instead_of_hanging():
    def script(peer: Peer) -> None:
        cid = peer.read_body(0x01)["correlation_id"]
        peer.send(ERROR, {"correlation_id": cid, "success": False,
                          "error": "Server is shutting down", "error_code": "SHUTTING_DOWN"})

    with ScriptedServer(idle, script) as server, ActonClient(socket_path=server.path, timeout=5) as client:
        with pytest.raises(ActonError) as caught:
            list(client.stream("countdown", "CountdownRequest", {"from": 3, "delay_ms": 0}))
        assert caught.value.code == "SHUTTING_DOWN"


def test_subscribe_unsubscribe_and_notifications():
    seen = []

    def script(peer: Peer) -> None:
        sub = peer.read_body(0x06)
        seen.append(sub)
        peer.send(RESPONSE, {"correlation_id": sub["correlation_id"], "success": True,
                             "subscribed_types": ["PriceUpdate", "TradeExecuted"]})
        peer.send(PUSH, PUSH_BODY)
        peer.send(PUSH, dict(PUSH_BODY, notification_id="push_2"))
        unsub = peer.read_body(0x07)
        seen.append(unsub)
        peer.send(RESPONSE, {"correlation_id": unsub["correlation_id"], "success": True, "subscribed_types": []})

    with ScriptedServer(script) as server, ActonClient(socket_path=server.path, timeout=2) as client:
        assert sorted(client.subscribe(["PriceUpdate", "TradeExecuted"])) == ["PriceUpdate", "TradeExecuted"]
        pushes = client.notifications(timeout=2)
        assert [next(pushes)["notification_id"], next(pushes)["notification_id"]] == [PUSH_BODY["notification_id"], "push_2"]
        assert client.unsubscribe() == []
    assert seen[0]["message_types"] == ["PriceUpdate", "TradeExecuted"] and seen[0]["correlation_id"].startswith("sub_")
    assert seen[1]["message_types"] == [] and seen[1]["correlation_id"].startswith("unsub_")


def test_subscription_failure_without_error_code_raises_request_failed():
    def script(peer: Peer) -> None:
        peer.read_body(0x06)
        # §2.5: an undecodable subscribe is answered with id "unknown" and no error_code.
        peer.send(ERROR, {"correlation_id": "unknown", "success": False,
                          "error": "Parse error: Serialization error: bad", "subscribed_types": []})

    with ScriptedServer(script) as server, ActonClient(socket_path=server.path, timeout=2) as client:
        with pytest.raises(ActonError) as caught:
            client.subscribe("PriceUpdate")
        assert caught.value.code == "REQUEST_FAILED"
        assert caught.value.message.startswith("Parse error: ")


def test_discover_sends_both_flags_and_returns_the_response():
    response = {"success": True, "protocol_version": {"current": 2}, "actors": [{"name": "calculator", "ern": "e"}]}

    def script(peer: Peer) -> None:
        body = peer.read_body(0x08)
        assert body == {"correlation_id": body["correlation_id"], "include_actors": True, "include_message_types": False}
        peer.send(RESPONSE, dict(response, correlation_id=body["correlation_id"]))

    with ScriptedServer(script) as server, ActonClient(socket_path=server.path, timeout=2) as client:
        result = client.discover(include_message_types=False)
    assert result["actors"] == [{"name": "calculator", "ern": "e"}]
    assert result["correlation_id"].startswith("disc_")


def test_heartbeat_accepts_the_empty_reply_and_returns_seconds():
    def script(peer: Peer) -> None:
        assert peer.read_frame()[:2] == (2, HEARTBEAT)
        peer.send_raw(bytes.fromhex("00000000020401"))

    with ScriptedServer(script) as server, ActonClient(socket_path=server.path, timeout=2) as client:
        rtt = client.heartbeat()
    assert isinstance(rtt, float) and 0 <= rtt < 2


def test_frames_split_into_single_bytes_and_v1_headers_are_understood():
    def script(peer: Peer) -> None:
        cid = peer.read_body(0x01)["correlation_id"]
        payload = f'{{"correlation_id":"{cid}","success":true,"payload":7}}'.encode()
        for byte in struct.pack(">IBB", len(payload), 1, RESPONSE) + payload:  # a v1 (6-byte) header
            peer.send_raw(bytes([byte]))

    with ScriptedServer(script) as server, ActonClient(socket_path=server.path, timeout=2) as client:
        assert client.request("calculator", "AddRequest", {"a": 3, "b": 4}) == 7


def test_local_timeout_raises_timeout_and_the_late_answer_is_dropped():
    def script(peer: Peer) -> None:
        slow = peer.read_body(0x01)
        fast = peer.read_body(0x01)  # only sent after the first call timed out
        answer(peer, slow, "late")
        answer(peer, fast, "fresh")

    with ScriptedServer(script) as server, ActonClient(socket_path=server.path, timeout=2) as client:
        with pytest.raises(ActonError) as caught:
            client.request("calculator", "AddRequest", {"a": 1, "b": 1}, timeout=0.1)
        assert caught.value.code == "TIMEOUT"
        assert "AddRequest" in caught.value.message and caught.value.correlation_id.startswith("req_")
        assert client.request("calculator", "AddRequest", {"a": 1, "b": 1}) == "fresh"


def test_connection_dropping_mid_call_raises_connection_closed_and_later_calls_too():
    def script(peer: Peer) -> None:
        peer.read_body(0x01)

    with ScriptedServer(script) as server, ActonClient(socket_path=server.path, timeout=5) as client:
        with pytest.raises(ActonError) as caught:
            client.request("calculator", "AddRequest", {"a": 1, "b": 1})
        assert caught.value.code == "CONNECTION_CLOSED"
        with pytest.raises(ActonError) as again:
            client.discover()
        assert again.value.code == "CONNECTION_CLOSED"


def send_refusal(peer: Peer) -> None:
    """What a server at its connection limit does: one frame, then close (§5.2)."""
    peer.send(ERROR, {"correlation_id": "__acton_connection_rejected__", "success": False,
                      "error": "Server refused the connection: connection limit reached (1 concurrent connections)",
                      "error_code": "CONNECTION_LIMIT_REACHED", "payload": {"limit": 1}})


def test_connection_refused_at_the_limit_reports_code_and_limit():
    with ScriptedServer(send_refusal) as server, ActonClient(socket_path=server.path, timeout=2) as client:
        with pytest.raises(ActonError) as caught:
            client.request("calculator", "AddRequest", {"a": 1, "b": 1})
    assert caught.value.code == "CONNECTION_LIMIT_REACHED"
    assert caught.value.details == {"limit": 1}


def test_refusal_is_still_reported_when_the_server_closed_before_the_first_write():
    with ScriptedServer(send_refusal) as server, ActonClient(socket_path=server.path, timeout=2) as client:
        server.wait_finished()  # the refusal is buffered and the server has closed: the write fails
        with pytest.raises(ActonError) as caught:
            client.request("calculator", "AddRequest", {"a": 1, "b": 1})
    assert caught.value.code == "CONNECTION_LIMIT_REACHED"


def test_notifications_end_quietly_when_none_arrives_within_the_timeout():
    def script(peer: Peer) -> None:
        peer.conn.recv(1)  # stays connected until the client closes

    with ScriptedServer(script) as server, ActonClient(socket_path=server.path, timeout=2) as client:
        assert list(client.notifications(timeout=0.1)) == []


def test_protocol_error_frame_from_the_server_is_raised_with_its_code():
    def script(peer: Peer) -> None:
        peer.read_frame()
        peer.send(ERROR, {"correlation_id": "__acton_protocol_error__", "success": False,
                          "error": "Protocol error: Frame too large: 2000000 > 1048576 bytes",
                          "error_code": "PROTOCOL_ERROR"})

    with ScriptedServer(script) as server, ActonClient(socket_path=server.path, timeout=2) as client:
        with pytest.raises(ActonError) as caught:
            client.request("calculator", "AddRequest", {"a": 1, "b": 1})
    assert caught.value.code == "PROTOCOL_ERROR" and "Frame too large" in caught.value.message


def test_oversized_inbound_frame_is_rejected_from_its_header_without_waiting_for_the_payload():
    def script(peer: Peer) -> None:
        peer.read_frame()
        peer.send_raw(struct.pack(">IBBB", 16 * 1024 * 1024 + 1, 2, RESPONSE, 1))
        peer.conn.recv(1)  # holds the connection open until the client gives up on it

    with ScriptedServer(script) as server, ActonClient(socket_path=server.path, timeout=3) as client:
        with pytest.raises(ActonError) as caught:
            client.request("calculator", "AddRequest", {"a": 1, "b": 1})
    assert caught.value.code == "PROTOCOL_ERROR" and "16777217 > 16777216" in caught.value.message


def test_closed_client_refuses_calls_with_connection_closed():
    def script(peer: Peer) -> None:
        pass

    with ScriptedServer(script) as server:
        client = ActonClient(socket_path=server.path, timeout=1)
        client.connect()
        client.close()
        client.close()
        with pytest.raises(ActonError, match="close"):
            client.heartbeat()
