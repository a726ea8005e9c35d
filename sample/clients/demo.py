#!/usr/bin/env python3
"""Every pattern of the acton-ts sample, from Python.

Run the sample first (`npm run sample`), then, with the socket path it printed:

    ACTON_IPC_SOCKET=/tmp/acton/acton-sample/ipc.sock python3 sample/clients/demo.py

Without ACTON_IPC_SOCKET the client looks for the app name `acton-sample` in the default place.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

try:
    from acton_client import ActonClient, ActonError
except ImportError:  # running from a checkout without `pip install ./clients/python`
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "clients" / "python"))
    from acton_client import ActonClient, ActonError

MAX_RETRIES = 5


def request_with_backoff(client: ActonClient, target: str, message_type: str, payload: dict):
    """A request that waits and retries when the server says RATE_LIMITED (the seed's branch)."""
    for attempt in range(1, MAX_RETRIES + 1):
        try:
            return client.request(target, message_type, payload)
        except ActonError as error:
            if error.code != "RATE_LIMITED" or attempt == MAX_RETRIES:
                raise
            wait_ms = error.retry_after_ms if error.retry_after_ms is not None else 100
            print(f"[rate-limit] retrying in {wait_ms} ms")
            time.sleep(wait_ms / 1000)
    raise AssertionError("unreachable")


# region readme-request
def request_response(client: ActonClient) -> None:
    # The seed's shape: send, then receive the response dict.
    client.send("calculator", "AddRequest", {"a": 5, "b": 3})
    response = client.receive()
    if response["success"]:
        print(f"[request] 5 + 3 = {response['payload']['sum']}")
    else:
        print(f"[request] failed: {response['error_code']}: {response['error']}")
    result = request_with_backoff(client, "calculator", "AddRequest", {"a": 40, "b": 2})
    print(f"[request] 40 + 2 = {result['sum']}")
# endregion readme-request


def fire_and_forget(client: ActonClient) -> None:
    client.tell("kv_store", "SetValue", {"key": "greeting", "value": "hello"})
    stored = client.request("kv_store", "GetValue", {"key": "greeting"})
    missing = client.request("kv_store", "GetValue", {"key": "nope"})
    print(f"[kv] greeting = {json.dumps(stored['value'])}, nope = {json.dumps(missing['value'])}")


def keyed_cart(client: ActonClient) -> None:
    # `cart` is a keyed actor: each user's cart is its own activation, created on first use.
    client.request("cart/u-42", "AddToCart", {"sku": "apple", "qty": 2})
    cart = client.request("cart/u-42", "AddToCart", {"sku": "pear", "qty": 1})
    other = client.request("cart/u-7", "GetCart", {})
    print(f"[cart] {cart['user']}: {json.dumps(cart['items'], separators=(',', ':'))}, u-7: {json.dumps(other['items'])}")


# region readme-stream
def streams(client: ActonClient) -> None:
    items = list(client.stream("list_service", "ListRequest", {"page_size": 10}))
    print(f"[stream] list_service sent {len(items)} items: ids {items[0]['id']}..{items[-1]['id']}, then the final frame")
    ticks = [tick["value"] for tick in client.stream("countdown", "CountdownRequest", {"from": 3, "delay_ms": 100})]
    print(f"[countdown] {' '.join(str(value) for value in ticks)}")
# endregion readme-stream


# region readme-push
def pushes(client: ActonClient, wanted: int = 2) -> None:
    client.subscribe(["PriceUpdate", "TradeExecuted"])
    received = 0
    for push in client.notifications(timeout=10):
        payload = push["payload"]
        print(f"[push] {push['message_type']} {payload['symbol']} {payload['price']} from {push.get('source_actor')}")
        received += 1
        if received >= wanted:
            break
    client.unsubscribe([])
    if received < wanted:
        print(f"[push] only {received} pushes arrived in 10 s; is price_feed running?")
# endregion readme-push


def errors(client: ActonClient) -> None:
    for product, quantity in (("unicorn", 1), ("gizmo", 1)):
        try:
            client.request("orders", "PlaceOrder", {"product": product, "quantity": quantity})
        except ActonError as error:
            # Branch on the code, never on the text.
            if error.code == "PRODUCT_NOT_FOUND":
                print(f"[orders] PRODUCT_NOT_FOUND: {error.message}")
            elif error.code == "OUT_OF_STOCK":
                print(f"[orders] OUT_OF_STOCK: {error.message}")
            else:
                raise
    confirmed = client.request("orders", "PlaceOrder", {"product": "widget", "quantity": 2})
    print(f"[orders] confirmed {confirmed['order_id']}")
    try:
        client.request("calculator", "AddRequest", {"a": "five", "b": 3})
    except ActonError as error:
        print(f"[validation] {error.code}: {error.message}")
    try:
        client.request("pricing", "AddRequest", {"a": 1, "b": 2})
    except ActonError as error:
        print(f"[routing] {error.code}: {error.message}")


def main() -> int:
    with ActonClient(app_name="acton-sample", timeout=15) as client:
        actors = sorted(actor["name"] for actor in client.discover()["actors"])
        print(f"[discover] {', '.join(actors)}")
        request_response(client)
        fire_and_forget(client)
        keyed_cart(client)
        streams(client)
        pushes(client)
        errors(client)
    print("[done] python demo finished")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ActonError as error:
        print(f"demo failed: {error.code}: {error.message}", file=sys.stderr)
        sys.exit(1)
