"""A Unix-socket peer that plays a scripted server, one script per connection, for wire-level
client tests.

It speaks raw frames with its own minimal parser (independent of ``acton_client``), so the
client is checked against bytes written from the spec, not against itself.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import struct
import tempfile
import threading
from typing import Any, Callable, Optional, Tuple

#: Bound on every blocking step of the scripted peer (seconds).
STEP_TIMEOUT_S = 5.0

RESPONSE, ERROR, HEARTBEAT, PUSH, STREAM = 0x02, 0x03, 0x04, 0x05, 0x09


def v2_json_frame(message_type: int, body: Any) -> bytes:
    """The bytes of a v2 JSON frame carrying ``body``."""
    payload = json.dumps(body, separators=(",", ":")).encode()
    return struct.pack(">IBBB", len(payload), 2, message_type, 0x01) + payload


class Peer:
    """The server side of one accepted connection."""

    def __init__(self, conn: socket.socket) -> None:
        self.conn = conn

    def read_exact(self, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = self.conn.recv(size - len(data))
            if not chunk:
                raise EOFError(f"client closed after {len(data)} of {size} bytes")
            data += chunk
        return data

    def read_frame(self) -> Tuple[int, int, int, Any]:
        """One client frame as ``(version, type, format, body)``; body is ``None`` when empty."""
        length, version, message_type = struct.unpack(">IBB", self.read_exact(6))
        fmt = self.read_exact(1)[0] if version == 2 else 0x01
        payload = self.read_exact(length)
        body = json.loads(payload) if payload and fmt == 0x01 else (payload or None)
        return version, message_type, fmt, body

    def read_body(self, expected_type: int) -> Any:
        """The body of the next frame, which must be a v2 frame of ``expected_type``."""
        version, message_type, _fmt, body = self.read_frame()
        assert (version, message_type) == (2, expected_type), f"got v{version} type 0x{message_type:02x}"
        return body

    def send(self, message_type: int, body: Any) -> None:
        """Write a v2 JSON frame."""
        self.conn.sendall(v2_json_frame(message_type, body))

    def send_raw(self, data: bytes) -> None:
        self.conn.sendall(data)

    def until_closed(self) -> None:
        """Wait (bounded) until the client closes this connection, ignoring what it sends."""
        while self.conn.recv(65536):
            pass


def idle(peer: Peer) -> None:
    """The script of a connection the test does not use (e.g. the client's own, when every
    stream opens a connection of its own): it only waits for the client to close it."""
    peer.until_closed()


class ScriptedServer:
    """Binds a socket in a fresh temp dir and runs ``scripts[i](peer)`` on the i-th connection,
    each in a thread of its own, accepting them in order. Failures inside a script (assertions
    too) are re-raised on exit."""

    def __init__(self, *scripts: Callable[[Peer], None]) -> None:
        self._scripts = scripts
        self._dir = tempfile.mkdtemp(prefix="acton-py-test-")
        self.path = os.path.join(self._dir, "ipc.sock")
        self._error: Optional[BaseException] = None
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._connections: list = []

    def __enter__(self) -> "ScriptedServer":
        self._listener.bind(self.path)
        self._listener.listen(len(self._scripts))
        self._listener.settimeout(STEP_TIMEOUT_S)
        self._thread.start()
        return self

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        self.wait_finished(raise_assertion=False)
        self._listener.close()
        shutil.rmtree(self._dir, ignore_errors=True)
        if self._error is not None and exc_type is None:
            raise AssertionError(f"scripted server failed: {self._error!r}") from self._error
        assert not self._busy(), "scripted server did not finish its script"

    def wait_finished(self, raise_assertion: bool = True) -> None:
        """Block until every script has run and its connection is closed (bounded)."""
        self._thread.join(STEP_TIMEOUT_S * 2)
        for thread in list(self._connections):
            thread.join(STEP_TIMEOUT_S * 2)
        if raise_assertion:
            assert not self._busy(), "scripted server did not finish its script"

    def _busy(self) -> bool:
        return self._thread.is_alive() or any(thread.is_alive() for thread in self._connections)

    def _run(self) -> None:
        for script in self._scripts:
            try:
                conn, _ = self._listener.accept()
            except BaseException as exc:  # noqa: BLE001 - reported on exit
                self._error = self._error or exc
                return
            thread = threading.Thread(target=self._serve, args=(conn, script), daemon=True)
            self._connections.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket, script: Callable[[Peer], None]) -> None:
        with conn:
            conn.settimeout(STEP_TIMEOUT_S)
            try:
                script(Peer(conn))
            except BaseException as exc:  # noqa: BLE001 - reported on exit
                self._error = self._error or exc
