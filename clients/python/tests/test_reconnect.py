"""Opt-in reconnection with backoff and re-subscription, against a real sample server that is
stopped and started again on the same socket (docs/protocol.md §6: subscriptions die with a connection)."""

from __future__ import annotations

import asyncio
import itertools
import shutil
import tempfile
import time
from pathlib import Path
from typing import Iterator, Tuple

import pytest

from acton_client import ActonClient, ActonError, AsyncActonClient, Reconnect
from acton_client.reconnect import resolve_reconnect
from sample_server import start_server, stop_server, wait_until_accepting

#: Enough attempts to outlast a server restart under ts-node on a loaded machine.
PATIENT = Reconnect(initial_delay=0.2, max_delay=1.0, max_attempts=90)


class RestartableServer:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.socket_path = workdir / "ipc.sock"
        self.stderr_path = workdir / "server.stderr"
        self.process = None

    def start(self, wait: bool = True) -> None:
        self.process = start_server(self.socket_path, self.workdir, self.stderr_path)
        if wait:
            wait_until_accepting(self.socket_path, self.process, self.stderr_path)

    def stop(self) -> None:
        if self.process is not None:
            stop_server(self.process)


@pytest.fixture()
def server() -> Iterator[RestartableServer]:
    workdir = Path(tempfile.mkdtemp(prefix="acton-py-reconnect-"))
    restartable = RestartableServer(workdir)
    restartable.start()
    try:
        yield restartable
    finally:
        restartable.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def test_policy_values_and_bounded_backoff():
    assert resolve_reconnect(None) is None and resolve_reconnect(False) is None
    assert resolve_reconnect(True) == Reconnect()
    delays = list(Reconnect(initial_delay=0.1, max_delay=0.4, max_attempts=5).delays())
    assert len(delays) == 5
    assert all(low / 2 <= d <= low for d, low in zip(delays, [0.1, 0.2, 0.4, 0.4, 0.4]))
    with pytest.raises(ValueError, match="max_attempts >= 1"):
        Reconnect(max_attempts=0)


def test_sync_client_fails_the_waiting_call_then_reconnects_and_subscribes_again(server):
    client = ActonClient(socket_path=str(server.socket_path), timeout=10, reconnect=PATIENT)
    plain = ActonClient(socket_path=str(server.socket_path), timeout=10)  # reconnect is opt-in
    try:
        plain.subscribe("PriceUpdate")
        assert client.subscribe_patterns(["Price*"]) == ["Price*"]
        assert client.subscribe(["OrderPlaced"]) == ["OrderPlaced"]
        assert next(client.notifications(timeout=10))["message_type"] == "PriceUpdate"
        server.stop()
        with pytest.raises(ActonError) as dropped:
            client.request("calculator", "AddRequest", {"a": 1, "b": 2})
        assert dropped.value.code == "CONNECTION_CLOSED"
        server.start(wait=False)
        # The iteration reconnects (with backoff while the server starts) and subscribes again.
        push = next(client.notifications(timeout=60))
        assert push["message_type"] == "PriceUpdate"
        assert client.subscribe_patterns([]) == ["Price*"]
        assert client.subscribe([]) == ["OrderPlaced"]
        assert client.request("calculator", "AddRequest", {"a": 1, "b": 2}) == {"sum": 3}
        with pytest.raises(ActonError, match="CONNECTION_CLOSED"):
            list(itertools.islice(plain.notifications(timeout=10), 10_000))
        with pytest.raises(ActonError, match="CONNECTION_CLOSED"):
            plain.request("calculator", "AddRequest", {"a": 1, "b": 2})  # still closed after the restart
    finally:
        client.close()
        plain.close()


def test_async_client_reconnects_and_subscribes_again(server):
    async def scenario() -> Tuple[str, list, dict]:
        async with AsyncActonClient(socket_path=str(server.socket_path), timeout=10, reconnect=PATIENT) as client:
            await client.subscribe_patterns("Price*")
            await client.notifications(timeout=10).__anext__()
            server.stop()
            restarted_at = time.time() * 1000
            server.start(wait=False)
            # Pushes buffered before the stop come first; the iteration then reconnects and subscribes again.
            async for push in client.notifications(timeout=60):
                if push["timestamp_ms"] >= restarted_at:
                    break
            held = await client.subscribe_patterns([])
            reply = await client.request("calculator", "AddRequest", {"a": 2, "b": 2})
            return push["message_type"], held, reply

    assert asyncio.run(scenario()) == ("PriceUpdate", ["Price*"], {"sum": 4})
