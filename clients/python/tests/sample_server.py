"""Starting and stopping the real acton-ts sample server for the integration tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

#: The repository root (tests -> python -> clients -> root).
REPO_ROOT = Path(__file__).resolve().parents[3]
#: How long the server may take to start accepting connections (ts-node compiles on the fly).
SERVER_START_TIMEOUT_S = 45.0
#: How long a SIGTERM'd server may take to drain before it is killed.
SERVER_STOP_TIMEOUT_S = 10.0
#: Items the sample's list_service holds in these tests.
LIST_ITEM_COUNT = 25


def start_server(socket_path: Path, workdir: Path, stderr_path: Path) -> subprocess.Popen:
    """Run `sample/main.ts` serving on ``socket_path``; output goes to files in ``workdir``."""
    ts_node = REPO_ROOT / "node_modules" / ".bin" / "ts-node"
    if not ts_node.exists():
        pytest.fail(f"{ts_node} is missing: run `npm ci` in {REPO_ROOT} before the Python integration tests")
    env = dict(os.environ)
    env.pop("ACTON_IPC_CONFIG", None)
    env.update(
        ACTON_IPC_SOCKET=str(socket_path),
        PRICE_INTERVAL_MS="50",
        LIST_ITEM_COUNT=str(LIST_ITEM_COUNT),
        XDG_CONFIG_HOME=str(workdir / "config"),
    )
    # Same command as `npm run sample`; tsconfig-paths resolves the `acton-ts` import.
    command = ["node", str(ts_node), "-r", "tsconfig-paths/register", "--transpile-only", "sample/main.ts"]
    with open(workdir / "server.stdout", "wb") as stdout, open(stderr_path, "wb") as stderr:
        return subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr)


def wait_until_accepting(socket_path: Path, process: subprocess.Popen, stderr_path: Path) -> None:
    """Return once the socket accepts; fail the test (with the server's stderr) if the process
    exits first or the bounded wait passes."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"The sample server exited with code {process.returncode} before accepting on "
                        f"{socket_path}. Its stderr:\n{_tail(stderr_path)}")
        if _accepts(socket_path):
            return
        time.sleep(0.1)
    stop_server(process)
    pytest.fail(f"The sample server did not accept connections on {socket_path} within "
                f"{SERVER_START_TIMEOUT_S:g} s. Its stderr:\n{_tail(stderr_path)}")


def _accepts(socket_path: Path) -> bool:
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    probe.settimeout(1.0)
    try:
        probe.connect(str(socket_path))
        return True
    except OSError:
        return False
    finally:
        probe.close()


def stop_server(process: subprocess.Popen) -> None:
    """SIGTERM the server by its pid (it drains), then SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    os.kill(process.pid, signal.SIGTERM)
    try:
        process.wait(SERVER_STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(SERVER_STOP_TIMEOUT_S)


def _tail(path: Path, limit: int = 4000) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no stderr captured)"
    return text[-limit:] if text.strip() else "(empty)"
