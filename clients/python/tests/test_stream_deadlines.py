"""Streams without an overall deadline (``timeout=0``) and the idle timeout between items
(``idle_timeout=``), sync and async, against the real sample server (see conftest.py); plus what
goes on the wire, checked against a scripted peer.

The clients' default deadline is lowered to LOWERED_DEFAULT_S so a stream that outlives it stays short.
The sample's ``countdown`` yields its first tick at once, then one every ``delay_ms``.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from acton_client import ActonClient, ActonError, AsyncActonClient
from scripted_server import STREAM, Peer, ScriptedServer, idle

#: The clients' default timeout in these tests (seconds): every stream below runs longer.
LOWERED_DEFAULT_S = 0.5
#: ``response_timeout_ms`` meaning "no deadline" (docs/protocol.md §2.2).
NO_DEADLINE_MS = 2**53 - 1
#: Bound on each async test's event loop (seconds).
TEST_BOUND_S = 30

#: Ticks every 100 ms for 1.1 s: longer than the lowered default and than CHATTY_IDLE_S.
CHATTY = {"from": 12, "delay_ms": 100}
#: An idle limit far above the chatty stream's gaps, but below its whole length.
CHATTY_IDLE_S = 1.0
#: One tick, then 1.5 s of silence before the next.
SILENT = {"from": 2, "delay_ms": 1500}
SILENT_IDLE_S = 0.3


@pytest.fixture
def client(sample_socket):
    with ActonClient(socket_path=sample_socket, timeout=LOWERED_DEFAULT_S) as connected:
        yield connected


def values(ticks):
    return [tick["value"] for tick in ticks]


# -- blocking client, real server ---------------------------------------------------------------


@pytest.mark.integration
def test_a_stream_under_the_lowered_default_deadline_times_out(client):
    with pytest.raises(ActonError) as caught:
        list(client.stream("countdown", "CountdownRequest", CHATTY))
    assert caught.value.code == "TIMEOUT"


@pytest.mark.integration
def test_a_stream_with_timeout_0_outlives_the_default_deadline(client):
    started = time.monotonic()
    ticks = values(client.stream("countdown", "CountdownRequest", CHATTY, timeout=0))
    assert ticks == list(range(12, 0, -1))
    assert time.monotonic() - started > LOWERED_DEFAULT_S


@pytest.mark.integration
def test_the_idle_timeout_fires_on_a_silent_stream_and_names_the_gap(client):
    received = []
    with pytest.raises(ActonError) as caught:
        for tick in client.stream("countdown", "CountdownRequest", SILENT, timeout=0, idle_timeout=SILENT_IDLE_S):
            received.append(tick["value"])
    assert received == [2]
    assert caught.value.code == "TIMEOUT"
    assert caught.value.message.startswith(f"Stream idle for {SILENT_IDLE_S:g} s")
    assert "idle_timeout" in caught.value.message
    # The connection serves on; the abandoned stream's late tick is dropped, not taken for this answer.
    assert client.request("calculator", "AddRequest", {"a": 2, "b": 2}) == {"sum": 4}


@pytest.mark.integration
def test_the_idle_timeout_does_not_fire_on_a_chatty_stream_longer_than_it(client):
    ticks = values(client.stream("countdown", "CountdownRequest", CHATTY, timeout=0, idle_timeout=CHATTY_IDLE_S))
    assert ticks == list(range(12, 0, -1))


@pytest.mark.integration
def test_a_negative_idle_timeout_is_refused_at_once(client):
    with pytest.raises(ValueError, match="idle_timeout must be a number of seconds >= 0"):
        client.stream("countdown", "CountdownRequest", CHATTY, idle_timeout=-1)


# -- asyncio client, real server ----------------------------------------------------------------


def run_with_async_client(socket_path, body):
    async def main():
        async with AsyncActonClient(socket_path=socket_path, timeout=LOWERED_DEFAULT_S) as connected:
            return await body(connected)

    return asyncio.run(asyncio.wait_for(main(), TEST_BOUND_S))


@pytest.mark.integration
def test_async_stream_with_timeout_0_outlives_the_default_deadline(sample_socket):
    async def body(client):
        with pytest.raises(ActonError) as caught:
            _ = [tick async for tick in client.stream("countdown", "CountdownRequest", CHATTY)]
        assert caught.value.code == "TIMEOUT"
        return values([tick async for tick in client.stream("countdown", "CountdownRequest", CHATTY, timeout=0)])

    assert run_with_async_client(sample_socket, body) == list(range(12, 0, -1))


@pytest.mark.integration
def test_async_idle_timeout_fires_on_a_silent_stream_and_not_on_a_chatty_one(sample_socket):
    async def body(client):
        received = []
        with pytest.raises(ActonError) as caught:
            silent = client.stream("countdown", "CountdownRequest", SILENT, timeout=0, idle_timeout=SILENT_IDLE_S)
            async for tick in silent:
                received.append(tick["value"])
        assert received == [2]
        assert caught.value.code == "TIMEOUT"
        assert caught.value.message.startswith(f"Stream idle for {SILENT_IDLE_S:g} s")
        chatty = client.stream("countdown", "CountdownRequest", CHATTY, timeout=0, idle_timeout=CHATTY_IDLE_S)
        return values([tick async for tick in chatty])

    assert run_with_async_client(sample_socket, body) == list(range(12, 0, -1))


# -- abandoned streams stop on the server (real server) -----------------------------------------

#: A countdown that would tick for ~17 minutes: only abandoning it can end it within the test.
ENDLESS = {"from": 100_000, "delay_ms": 10}
#: How long the server may take to notice a closed stream connection (seconds).
STOP_BOUND_S = 10.0
#: (inFlightRequests, activeConnections) of a server with nothing running: only the probe's own
#: connection and its StatsRequest.
IDLE = (1, 1)
#: The same while the test's client holds its own connection open (``with`` opens it).
IDLE_WITH_CLIENT = (1, 2)


def server_listener_stats(socket_path):
    """The sample server's listener figures, asked of ``$acton`` on a connection of its own."""
    with ActonClient(socket_path=socket_path, timeout=5) as probe:
        return probe.request("$acton", "StatsRequest", {})["listener"]


def wait_until_producers_stop(socket_path, idle=IDLE):
    """Poll until the server's (inFlightRequests, activeConnections) are ``idle`` (bounded);
    returns the last pair seen (the caller asserts on it)."""
    deadline = time.monotonic() + STOP_BOUND_S
    while True:
        stats = server_listener_stats(socket_path)
        seen = (stats["inFlightRequests"], stats["activeConnections"])
        if seen == idle or time.monotonic() > deadline:
            return seen
        time.sleep(0.1)


@pytest.mark.integration
def test_breaking_out_of_a_no_deadline_stream_stops_it_on_the_server(sample_socket):
    assert wait_until_producers_stop(sample_socket) == IDLE  # earlier tests' streams have ended
    with ActonClient(socket_path=sample_socket, timeout=5) as client:
        for tick in client.stream("countdown", "CountdownRequest", ENDLESS, timeout=0):
            assert tick["value"] == 100_000
            running = server_listener_stats(sample_socket)
            break
        assert wait_until_producers_stop(sample_socket, IDLE_WITH_CLIENT) == IDLE_WITH_CLIENT
        # The client still works after abandoning a stream.
        assert client.request("calculator", "AddRequest", {"a": 2, "b": 2}) == {"sum": 4}
    assert wait_until_producers_stop(sample_socket) == IDLE
    # While it ran: the stream and the probe in flight; its connection, the client's and the probe's open.
    assert (running["inFlightRequests"], running["activeConnections"]) == (2, 3)


@pytest.mark.integration
def test_abandoned_async_streams_stop_on_the_server_and_close_ends_the_open_ones(sample_socket):
    async def body(client):
        abandoned = client.stream("countdown", "CountdownRequest", ENDLESS, timeout=0)
        async for tick in abandoned:
            assert tick["value"] == 100_000
            break
        await abandoned.aclose()
        stopped = await asyncio.to_thread(wait_until_producers_stop, sample_socket, IDLE_WITH_CLIENT)
        left_open = client.stream("countdown", "CountdownRequest", ENDLESS, timeout=0)
        assert (await left_open.__anext__())["value"] == 100_000
        return stopped

    assert wait_until_producers_stop(sample_socket) == IDLE  # earlier tests' streams have ended
    stopped = run_with_async_client(sample_socket, body)  # closes the client with left_open running
    assert stopped == IDLE_WITH_CLIENT
    assert wait_until_producers_stop(sample_socket) == IDLE


# -- the wire, against a scripted peer ------------------------------------------------------------


def test_timeout_0_sends_the_no_deadline_value_and_the_idle_timeout_is_not_sent():
    seen = {}

    def script(peer: Peer) -> None:
        seen["body"] = body = peer.read_body(0x01)
        peer.send(STREAM, {"correlation_id": body["correlation_id"], "sequence": 0, "is_final": True})

    with ScriptedServer(idle, script) as server, ActonClient(socket_path=server.path, timeout=2) as client:
        assert list(client.stream("countdown", "CountdownRequest", SILENT, timeout=0, idle_timeout=5)) == []
    assert seen["body"]["expects_stream"] is True
    assert seen["body"]["response_timeout_ms"] == NO_DEADLINE_MS
    assert "idle_timeout" not in str(seen["body"])


def test_a_client_without_a_timeout_asks_the_server_for_no_deadline_rather_than_its_30_s_default():
    seen = []

    def script(peer: Peer) -> None:
        body = peer.read_body(0x01)
        seen.append(body)
        if body.get("expects_stream"):
            peer.send(STREAM, {"correlation_id": body["correlation_id"], "sequence": 0, "is_final": True})
        else:
            peer.send(0x02, {"correlation_id": body["correlation_id"], "success": True, "payload": 1})
        peer.until_closed()

    with ScriptedServer(script, script) as server, ActonClient(socket_path=server.path, timeout=None) as client:
        assert client.request("calculator", "AddRequest", {"a": 0, "b": 1}) == 1
        assert list(client.stream("countdown", "CountdownRequest", SILENT)) == []
    assert [body["response_timeout_ms"] for body in seen] == [NO_DEADLINE_MS, NO_DEADLINE_MS]
