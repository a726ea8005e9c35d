"""AsyncActonClient against a scripted peer on a real Unix socket (no acton-ts server needed)."""

from __future__ import annotations

import asyncio

import pytest

from acton_client import ActonError, AsyncActonClient
from scripted_server import ERROR, HEARTBEAT, PUSH, RESPONSE, STREAM, Peer, ScriptedServer, idle
from test_client_wire import PUSH_BODY, answer, send_refusal

#: Bound on each test's event loop (seconds).
TEST_BOUND_S = 10


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, TEST_BOUND_S))


def test_concurrent_requests_are_matched_by_id_when_answered_out_of_order():
    def script(peer: Peer) -> None:
        bodies = [peer.read_body(0x01) for _ in range(3)]
        peer.send(PUSH, PUSH_BODY)
        for body in reversed(bodies):
            answer(peer, body, body["payload"]["a"] + body["payload"]["b"])

    async def main():
        async with AsyncActonClient(socket_path=server.path, timeout=2) as client:
            sums = await asyncio.gather(*(client.request("calculator", "AddRequest", {"a": n, "b": 1}) for n in range(3)))
            pushes = client.notifications(timeout=1)
            return sums, (await pushes.__anext__())["notification_id"]

    with ScriptedServer(script) as server:
        assert run(main()) == ([1, 2, 3], PUSH_BODY["notification_id"])


def test_send_receive_tell_and_error_codes():
    def script(peer: Peer) -> None:
        sent = peer.read_body(0x01)
        answer(peer, sent, {"sum": 8})
        told = peer.read_body(0x01)
        answer(peer, told, {"status": "delivered"})
        failing = peer.read_body(0x01)
        peer.send(ERROR, {"correlation_id": failing["correlation_id"], "success": False,
                          "error": "Unknown message type: Nope", "error_code": "UNKNOWN_MESSAGE_TYPE"})

    async def main():
        async with AsyncActonClient(socket_path=server.path, timeout=2) as client:
            correlation_id = await client.send("calculator", "AddRequest", {"a": 5, "b": 3})
            response = await client.receive()
            assert response == {"success": True, "payload": {"sum": 8}, "error": None,
                                "error_code": None, "correlation_id": correlation_id}
            assert await client.tell("kv_store", "SetValue", {"key": "k", "value": 1}) is None
            with pytest.raises(ActonError) as caught:
                await client.request("calculator", "Nope", {})
            assert (caught.value.code, caught.value.message) == ("UNKNOWN_MESSAGE_TYPE", "Unknown message type: Nope")

    with ScriptedServer(script) as server:
        run(main())


def test_stream_and_its_refusal_by_a_0x03_response():
    def script(peer: Peer) -> None:
        cid = peer.read_body(0x01)["correlation_id"]
        for sequence, value in enumerate([3, 2, 1]):
            peer.send(STREAM, {"correlation_id": cid, "sequence": sequence, "is_final": False, "payload": {"value": value}})
        peer.send(STREAM, {"correlation_id": cid, "sequence": 3, "is_final": True})
        peer.until_closed()

    def refusal(peer: Peer) -> None:
        refused = peer.read_body(0x01)["correlation_id"]
        peer.send(ERROR, {"correlation_id": refused, "success": False, "retry_after_ms": 12,
                          "error": "Rate limit exceeded, retry after 12ms", "error_code": "RATE_LIMITED"})
        peer.until_closed()

    async def main():
        async with AsyncActonClient(socket_path=server.path, timeout=2) as client:
            ticks = [tick["value"] async for tick in client.stream("countdown", "CountdownRequest", {"from": 3, "delay_ms": 1})]
            assert ticks == [3, 2, 1]
            with pytest.raises(ActonError) as caught:
                async for _ in client.stream("countdown", "CountdownRequest", {"from": 3, "delay_ms": 1}):
                    pass
            assert (caught.value.code, caught.value.retry_after_ms) == ("RATE_LIMITED", 12)

    with ScriptedServer(idle, script, refusal) as server:
        run(main())


def test_subscribe_discover_heartbeat():
    def script(peer: Peer) -> None:
        sub = peer.read_body(0x06)
        peer.send(RESPONSE, {"correlation_id": sub["correlation_id"], "success": True, "subscribed_types": sub["message_types"]})
        peer.send(PUSH, PUSH_BODY)
        disc = peer.read_body(0x08)
        peer.send(RESPONSE, {"correlation_id": disc["correlation_id"], "success": True, "message_types": ["AddRequest"]})
        assert peer.read_frame()[:2] == (2, HEARTBEAT)
        peer.send_raw(bytes.fromhex("00000000020401"))
        unsub = peer.read_body(0x07)
        peer.send(RESPONSE, {"correlation_id": unsub["correlation_id"], "success": True, "subscribed_types": []})

    async def main():
        async with AsyncActonClient(socket_path=server.path, timeout=2) as client:
            assert await client.subscribe("PriceUpdate") == ["PriceUpdate"]
            async for push in client.notifications(timeout=2):
                assert push == PUSH_BODY
                break
            assert (await client.discover(include_actors=False))["message_types"] == ["AddRequest"]
            assert 0 <= await client.heartbeat() < 2
            assert await client.unsubscribe() == []

    with ScriptedServer(script) as server:
        run(main())


def test_pending_calls_fail_with_connection_closed_when_the_server_drops():
    def script(peer: Peer) -> None:
        peer.read_body(0x01)
        peer.read_body(0x01)

    async def main():
        async with AsyncActonClient(socket_path=server.path, timeout=5) as client:
            results = await asyncio.gather(
                client.request("calculator", "AddRequest", {"a": 1, "b": 1}),
                client.request("calculator", "AddRequest", {"a": 2, "b": 2}),
                return_exceptions=True,
            )
            assert [getattr(r, "code", r) for r in results] == ["CONNECTION_CLOSED", "CONNECTION_CLOSED"]
            with pytest.raises(ActonError, match="CONNECTION_CLOSED"):
                await client.heartbeat()

    with ScriptedServer(script) as server:
        run(main())


def test_local_timeout_then_the_connection_keeps_working():
    def script(peer: Peer) -> None:
        slow, fast = peer.read_body(0x01), peer.read_body(0x01)
        answer(peer, slow, "late")
        answer(peer, fast, "fresh")

    async def main():
        async with AsyncActonClient(socket_path=server.path, timeout=2) as client:
            with pytest.raises(ActonError) as caught:
                await client.request("calculator", "AddRequest", {"a": 1, "b": 1}, timeout=0.1)
            assert caught.value.code == "TIMEOUT"
            assert await client.request("calculator", "AddRequest", {"a": 1, "b": 1}) == "fresh"

    with ScriptedServer(script) as server:
        run(main())


def test_close_fails_a_waiting_call_with_connection_closed():
    def script(peer: Peer) -> None:
        peer.read_body(0x01)
        peer.conn.recv(1)

    async def main():
        client = AsyncActonClient(socket_path=server.path, timeout=5)
        pending = asyncio.create_task(client.request("calculator", "AddRequest", {"a": 1, "b": 1}))
        await asyncio.sleep(0.1)
        await client.close()
        with pytest.raises(ActonError) as caught:
            await pending
        assert caught.value.code == "CONNECTION_CLOSED" and "close()" in caught.value.message

    with ScriptedServer(script) as server:
        run(main())


def test_refusal_at_the_connection_limit_is_reported_even_after_the_server_closed():
    async def main():
        async with AsyncActonClient(socket_path=server.path, timeout=2) as client:
            # Blocking the loop on purpose: the reader task gets no turn to read the refusal,
            # so the request's write is what discovers the closed connection (EPIPE).
            server.wait_finished()
            with pytest.raises(ActonError) as caught:
                await client.request("calculator", "AddRequest", {"a": 1, "b": 1})
            assert caught.value.code == "CONNECTION_LIMIT_REACHED"
            assert caught.value.details == {"limit": 1}

    with ScriptedServer(send_refusal) as server:
        run(main())


def test_missing_socket_names_the_path():
    async def main():
        with pytest.raises(ActonError) as caught:
            await AsyncActonClient(socket_path="/nonexistent/acton/ipc.sock").connect()
        assert caught.value.code == "CONNECTION_FAILED" and "/nonexistent/acton/ipc.sock" in caught.value.message

    run(main())
