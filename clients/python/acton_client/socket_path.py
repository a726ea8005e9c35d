"""Where the server's socket is, decided like the server decides it (docs/protocol.md §5.6)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping, Optional

#: App name used when neither ``app_name=`` nor ``ACTON_APP_NAME`` is given (the reference's fallback).
DEFAULT_APP_NAME = "acton"


@dataclass(frozen=True)
class ResolvedSocketPath:
    """A socket path and, for error messages, where it came from.

    Attributes:
        path: the Unix socket path.
        source: a human-readable origin, e.g. ``"ACTON_IPC_SOCKET"``.
    """

    path: str
    source: str


def resolve_socket_path(
    socket_path: Optional[str] = None,
    app_name: Optional[str] = None,
    environ: Optional[Mapping[str, str]] = None,
) -> ResolvedSocketPath:
    """Choose the socket path, first match wins.

    1. ``socket_path`` (the argument);
    2. ``$ACTON_IPC_SOCKET`` (the server honours the same variable);
    3. ``$XDG_RUNTIME_DIR/acton/<app>/ipc.sock``, or ``/tmp/acton/<app>/ipc.sock`` when
       ``XDG_RUNTIME_DIR`` is unset or empty (§5.6: ours treats empty as unset),
       where ``<app>`` is ``app_name``, else ``$ACTON_APP_NAME``, else ``"acton"``.

    ``environ`` defaults to ``os.environ``. Nothing is checked on disk here.
    """
    env = os.environ if environ is None else environ
    if socket_path:
        return ResolvedSocketPath(os.fspath(socket_path), "the socket_path argument")
    from_env = env.get("ACTON_IPC_SOCKET")
    if from_env:
        return ResolvedSocketPath(from_env, "the ACTON_IPC_SOCKET environment variable")
    name, name_source = _app_name(app_name, env)
    runtime_dir = env.get("XDG_RUNTIME_DIR")
    template = "$XDG_RUNTIME_DIR/acton/<app_name>/ipc.sock" if runtime_dir else "/tmp/acton/<app_name>/ipc.sock (XDG_RUNTIME_DIR is not set)"
    path = os.path.join(runtime_dir or "/tmp", "acton", name, "ipc.sock")
    return ResolvedSocketPath(path, f"{template} with app_name {name!r} from {name_source}")


def _app_name(app_name: Optional[str], env: Mapping[str, str]) -> tuple[str, str]:
    if app_name:
        return app_name, "the app_name argument"
    if env.get("ACTON_APP_NAME"):
        return env["ACTON_APP_NAME"], "ACTON_APP_NAME"
    return DEFAULT_APP_NAME, "the default"
