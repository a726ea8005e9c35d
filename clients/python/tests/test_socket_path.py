"""Socket path resolution, the same rules as the server (docs/protocol.md §5.6)."""

from __future__ import annotations

import pytest

from acton_client import ActonClient, ActonError, resolve_socket_path


def test_explicit_path_wins_over_the_environment():
    resolved = resolve_socket_path("/x/ipc.sock", "app", {"ACTON_IPC_SOCKET": "/env.sock"})
    assert resolved.path == "/x/ipc.sock"


def test_acton_ipc_socket_wins_over_app_name():
    assert resolve_socket_path(None, "app", {"ACTON_IPC_SOCKET": "/env.sock"}).path == "/env.sock"


def test_xdg_runtime_dir_and_app_name_build_the_default_path():
    env = {"XDG_RUNTIME_DIR": "/run/user/1000"}
    assert resolve_socket_path(None, "my_app", env).path == "/run/user/1000/acton/my_app/ipc.sock"


@pytest.mark.parametrize("env", [{}, {"XDG_RUNTIME_DIR": ""}])
def test_unset_or_empty_xdg_runtime_dir_falls_back_to_tmp(env):
    assert resolve_socket_path(None, "my_app", env).path == "/tmp/acton/my_app/ipc.sock"


def test_app_name_comes_from_acton_app_name_then_defaults_to_acton():
    assert resolve_socket_path(None, None, {"ACTON_APP_NAME": "svc"}).path == "/tmp/acton/svc/ipc.sock"
    assert resolve_socket_path(None, None, {}).path == "/tmp/acton/acton/ipc.sock"


def test_missing_socket_error_names_the_path_its_origin_and_how_to_set_it(tmp_path):
    missing = str(tmp_path / "absent.sock")
    with pytest.raises(ActonError) as caught:
        ActonClient(socket_path=missing).connect()
    error = caught.value
    assert error.code == "CONNECTION_FAILED"
    for expected in (missing, "socket_path argument", "ACTON_IPC_SOCKET", "app_name"):
        assert expected in error.message
    assert error.details["socket_path"] == missing


def test_error_for_a_derived_path_says_which_app_name_was_used(monkeypatch, tmp_path):
    monkeypatch.delenv("ACTON_IPC_SOCKET", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    with pytest.raises(ActonError) as caught:
        ActonClient(app_name="nobody-runs-this").request("calculator", "AddRequest", {"a": 1, "b": 2})
    assert str(tmp_path / "acton" / "nobody-runs-this" / "ipc.sock") in caught.value.message
    assert "'nobody-runs-this' from the app_name argument" in caught.value.message
