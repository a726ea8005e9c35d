"""Fixtures: the real acton-ts sample server, started once per test session.

Only the integration tests ask for ``sample_socket``; the unit and wire tests never start it.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

from sample_server import start_server, stop_server, wait_until_accepting


@pytest.fixture(scope="session")
def sample_socket() -> Iterator[str]:
    """Start ``sample/main.ts`` on a private socket and yield the socket path.

    Environment: ``ACTON_IPC_SOCKET`` (a fresh temp dir), ``PRICE_INTERVAL_MS=50``,
    ``LIST_ITEM_COUNT``, and an empty ``XDG_CONFIG_HOME`` so no stray ``ipc.toml`` applies.
    The process is stopped by its pid at the end (SIGTERM, then SIGKILL).
    """
    workdir = Path(tempfile.mkdtemp(prefix="acton-py-it-"))
    socket_path = workdir / "ipc.sock"
    stderr_path = workdir / "server.stderr"
    process = start_server(socket_path, workdir, stderr_path)
    try:
        wait_until_accepting(socket_path, process, stderr_path)
        yield str(socket_path)
    finally:
        stop_server(process)
        shutil.rmtree(workdir, ignore_errors=True)
