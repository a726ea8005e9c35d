"""ActonClient against the real acton-ts sample server (see conftest.py)."""

from __future__ import annotations

import itertools
import time
import uuid

import pytest

from acton_client import ActonClient, ActonError
from sample_server import LIST_ITEM_COUNT

pytestmark = pytest.mark.integration

SERVICES = {"calculator", "kv_store", "list_service", "countdown", "price_feed", "orders"}


@pytest.fixture
def client(sample_socket):
    with ActonClient(socket_path=sample_socket, timeout=10) as connected:
        yield connected


def test_seed_send_then_receive_returns_the_sum(client):
    correlation_id = client.send("calculator", "AddRequest", {"a": 5, "b": 3})
    response = client.receive()
    assert response["success"] is True
    assert response["payload"] == {"sum": 8}
    assert response["error"] is None and response["error_code"] is None
    assert response["correlation_id"] == correlation_id


def test_request_returns_the_reply_payload(client):
    assert client.request("calculator", "AddRequest", {"a": 5, "b": 3}) == {"sum": 8}


def test_socket_path_from_acton_ipc_socket(sample_socket, monkeypatch):
    monkeypatch.setenv("ACTON_IPC_SOCKET", sample_socket)
    with ActonClient() as from_env:
        assert from_env.request("calculator", "AddRequest", {"a": -2, "b": 2}) == {"sum": 0}


def test_kv_store_round_trip_through_tell_and_request(client):
    key = f"key-{uuid.uuid4()}"
    assert client.request("kv_store", "GetValue", {"key": key}) == {"value": None}
    assert client.tell("kv_store", "SetValue", {"key": key, "value": {"n": [1, 2]}}) is None
    # Messages to one actor are handled in arrival order, so the read sees the write.
    assert client.request("kv_store", "GetValue", {"key": key}) == {"value": {"n": [1, 2]}}


def test_list_stream_yields_every_item_in_order_then_ends(client):
    items = list(client.stream("list_service", "ListRequest", {"page_size": 7}))
    assert [item["id"] for item in items] == list(range(1, LIST_ITEM_COUNT + 1))
    assert items[0]["name"] == "Item 1"


def test_countdown_stream_descends_to_one(client):
    ticks = [tick["value"] for tick in client.stream("countdown", "CountdownRequest", {"from": 5, "delay_ms": 10})]
    assert ticks == [5, 4, 3, 2, 1]


def test_stream_deadline_passing_raises_timeout_after_the_early_ticks(client):
    received = []
    with pytest.raises(ActonError) as caught:
        for tick in client.stream("countdown", "CountdownRequest", {"from": 1000, "delay_ms": 100}, timeout=0.5):
            received.append(tick["value"])
    assert caught.value.code == "TIMEOUT"
    assert received and received == list(range(1000, 1000 - len(received), -1))
    assert client.request("calculator", "AddRequest", {"a": 1, "b": 1}) == {"sum": 2}  # connection still fine


def test_stream_to_an_unknown_actor_raises_stream_error(client):
    with pytest.raises(ActonError) as caught:
        list(client.stream("no_such_actor", "ListRequest", {"page_size": 1}))
    assert (caught.value.code, caught.value.message) == ("STREAM_ERROR", "Actor not found: no_such_actor")


def test_two_price_pushes_arrive_after_subscribing(client):
    assert client.subscribe(["PriceUpdate"]) == ["PriceUpdate"]
    before_ms = int(time.time() * 1000)
    pushes = list(itertools.islice(client.notifications(timeout=5), 2))
    assert len(pushes) == 2
    for push in pushes:
        assert push["message_type"] == "PriceUpdate"
        assert push["notification_id"].startswith("push_")
        assert set(push["payload"]) == {"symbol", "price"}
        assert abs(push["timestamp_ms"] - before_ms) < 10_000
        assert push["source_actor"] == "price_feed"
    assert pushes[0]["notification_id"] != pushes[1]["notification_id"]
    assert client.unsubscribe() == []


def test_pushes_arriving_during_a_request_are_kept_for_notifications(client):
    client.subscribe("PriceUpdate")
    time.sleep(0.3)  # several ticks at PRICE_INTERVAL_MS=50 arrive while nobody reads
    assert client.request("calculator", "AddRequest", {"a": 2, "b": 2}) == {"sum": 4}
    assert next(client.notifications(timeout=5))["message_type"] == "PriceUpdate"


def test_discover_lists_the_actors_and_message_types(client):
    discovery = client.discover()
    assert discovery["success"] is True
    assert discovery["protocol_version"]["current"] == 2
    assert discovery["protocol_version"]["capabilities"]["streaming"] is True
    assert SERVICES <= {actor["name"] for actor in discovery["actors"]}
    assert {"AddRequest", "AddResult", "PriceUpdate", "PlaceOrder"} <= set(discovery["message_types"])
    assert "actors" not in client.discover(include_actors=False)


def test_heartbeat_round_trip(client):
    assert 0 <= client.heartbeat() < 5


def test_place_order_confirms(client):
    assert client.request("orders", "PlaceOrder", {"product": "widget", "quantity": 1})["order_id"].startswith("ord-")


@pytest.mark.parametrize(
    ("target", "message_type", "payload", "code", "message"),
    [
        ("no_such_actor", "AddRequest", {"a": 1, "b": 2}, "ACTOR_NOT_FOUND", "Actor not found: no_such_actor"),
        # A keyed actor's bare name: the same code and prefix, then the form to address.
        ("cart", "AddToCart", {"sku": "s", "qty": 1}, "ACTOR_NOT_FOUND",
         "Actor not found: cart (a keyed actor: address one key as 'cart/<key>')"),
        ("calculator", "NoSuchMessage", {}, "UNKNOWN_MESSAGE_TYPE", "Unknown message type: NoSuchMessage"),
        ("calculator", "AddRequest", {"a": "five", "b": 3}, "SERIALIZATION_ERROR", "Serialization error: "),
        ("orders", "PlaceOrder", {"product": "unicorn", "quantity": 1}, "PRODUCT_NOT_FOUND", "Product not found: unicorn"),
        ("orders", "PlaceOrder", {"product": "gizmo", "quantity": 1}, "OUT_OF_STOCK", "Out of stock: gizmo"),
    ],
)
def test_failures_raise_acton_error_with_the_wire_code(client, target, message_type, payload, code, message):
    with pytest.raises(ActonError) as caught:
        client.request(target, message_type, payload)
    assert caught.value.code == code
    assert caught.value.message.startswith(message)


def test_application_errors_carry_error_details(client):
    with pytest.raises(ActonError) as caught:
        client.request("orders", "PlaceOrder", {"product": "unicorn", "quantity": 1})
    assert caught.value.details["name"] == "ActorError"
    assert caught.value.details["data"]["product"] == "unicorn"


def test_seed_receive_reports_failures_in_the_dict(client):
    client.send("orders", "PlaceOrder", {"product": "unicorn", "quantity": 1})
    response = client.receive()
    assert response["success"] is False
    assert response["error_code"] == "PRODUCT_NOT_FOUND"
    assert response["error"] == "Product not found: unicorn"
    assert response["payload"] is None
    assert response["error_details"]["name"] == "ActorError"


def test_tell_to_an_unknown_actor_raises(client):
    with pytest.raises(ActonError) as caught:
        client.tell("no_such_actor", "SetValue", {"key": "k", "value": 1})
    assert caught.value.code == "ACTOR_NOT_FOUND"
