"""AsyncActonClient against the real acton-ts sample server (see conftest.py)."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from acton_client import ActonError, AsyncActonClient
from sample_server import LIST_ITEM_COUNT

pytestmark = pytest.mark.integration

#: Bound on each test's event loop (seconds).
TEST_BOUND_S = 30


def run_with_client(socket_path, body):
    """Run ``body(client)`` on a fresh event loop with a connected client."""

    async def main():
        async with AsyncActonClient(socket_path=socket_path, timeout=10) as client:
            return await body(client)

    return asyncio.run(asyncio.wait_for(main(), TEST_BOUND_S))


def test_seed_send_receive_and_request(sample_socket):
    async def body(client):
        correlation_id = await client.send("calculator", "AddRequest", {"a": 5, "b": 3})
        response = await client.receive()
        assert (response["success"], response["payload"], response["correlation_id"]) == (True, {"sum": 8}, correlation_id)
        assert await client.request("calculator", "AddRequest", {"a": 5, "b": 3}) == {"sum": 8}

    run_with_client(sample_socket, body)


def test_many_concurrent_requests_on_one_connection_each_get_their_own_answer(sample_socket):
    async def body(client):
        sums = await asyncio.gather(*(client.request("calculator", "AddRequest", {"a": n, "b": n}) for n in range(20)))
        assert [result["sum"] for result in sums] == [2 * n for n in range(20)]

    run_with_client(sample_socket, body)


def test_kv_store_round_trip(sample_socket):
    key = f"key-{uuid.uuid4()}"

    async def body(client):
        assert await client.request("kv_store", "GetValue", {"key": key}) == {"value": None}
        await client.tell("kv_store", "SetValue", {"key": key, "value": "stored"})
        assert await client.request("kv_store", "GetValue", {"key": key}) == {"value": "stored"}

    run_with_client(sample_socket, body)


def test_streams_in_order_and_descending(sample_socket):
    async def body(client):
        items = [item["id"] async for item in client.stream("list_service", "ListRequest", {"page_size": 4})]
        assert items == list(range(1, LIST_ITEM_COUNT + 1))
        ticks = [t["value"] async for t in client.stream("countdown", "CountdownRequest", {"from": 4, "delay_ms": 10})]
        assert ticks == [4, 3, 2, 1]

    run_with_client(sample_socket, body)


def test_two_streams_at_once_do_not_mix(sample_socket):
    async def collect(client, start):
        return [t["value"] async for t in client.stream("countdown", "CountdownRequest", {"from": start, "delay_ms": 5})]

    async def body(client):
        first, second = await asyncio.gather(collect(client, 6), collect(client, 3))
        assert (first, second) == ([6, 5, 4, 3, 2, 1], [3, 2, 1])

    run_with_client(sample_socket, body)


def test_stream_timeout_and_unknown_stream_target(sample_socket):
    async def body(client):
        with pytest.raises(ActonError) as caught:
            async for _ in client.stream("countdown", "CountdownRequest", {"from": 1000, "delay_ms": 100}, timeout=0.5):
                pass
        assert caught.value.code == "TIMEOUT"
        with pytest.raises(ActonError) as caught:
            async for _ in client.stream("no_such_actor", "ListRequest", {"page_size": 1}):
                pass
        assert caught.value.code == "STREAM_ERROR"

    run_with_client(sample_socket, body)


def test_two_pushes_then_unsubscribe(sample_socket):
    async def body(client):
        assert sorted(await client.subscribe(["PriceUpdate", "TradeExecuted"])) == ["PriceUpdate", "TradeExecuted"]
        pushes = []
        async for push in client.notifications(timeout=5):
            pushes.append(push)
            if len(pushes) == 2:
                break
        assert len(pushes) == 2
        assert all(p["message_type"] in ("PriceUpdate", "TradeExecuted") for p in pushes)
        assert all(p["notification_id"].startswith("push_") and isinstance(p["timestamp_ms"], int) for p in pushes)
        assert await client.unsubscribe(["TradeExecuted"]) == ["PriceUpdate"]
        assert await client.unsubscribe() == []

    run_with_client(sample_socket, body)


def test_discover_and_heartbeat(sample_socket):
    async def body(client):
        discovery = await client.discover()
        names = {actor["name"] for actor in discovery["actors"]}
        assert {"calculator", "kv_store", "list_service", "countdown", "price_feed", "orders"} <= names
        assert "CountdownRequest" in discovery["message_types"]
        assert "message_types" not in await client.discover(include_message_types=False)
        assert 0 <= await client.heartbeat() < 5

    run_with_client(sample_socket, body)


@pytest.mark.parametrize(
    ("target", "message_type", "payload", "code", "message"),
    [
        ("no_such_actor", "AddRequest", {"a": 1, "b": 2}, "ACTOR_NOT_FOUND", "Actor not found: no_such_actor"),
        ("calculator", "NoSuchMessage", {}, "UNKNOWN_MESSAGE_TYPE", "Unknown message type: NoSuchMessage"),
        ("calculator", "AddRequest", {"a": "five", "b": 3}, "SERIALIZATION_ERROR", "Serialization error: "),
        ("orders", "PlaceOrder", {"product": "unicorn", "quantity": 1}, "PRODUCT_NOT_FOUND", "Product not found: unicorn"),
    ],
)
def test_failures_raise_acton_error_with_the_wire_code(sample_socket, target, message_type, payload, code, message):
    async def body(client):
        with pytest.raises(ActonError) as caught:
            await client.request(target, message_type, payload)
        assert caught.value.code == code
        assert caught.value.message.startswith(message)

    run_with_client(sample_socket, body)
