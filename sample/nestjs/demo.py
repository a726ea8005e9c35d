#!/usr/bin/env python3
"""Calls the NestJS sample (`npm run sample:nestjs`) from Python over the acton socket: a Nest
@MessagePattern handler and an acton actor, side by side on the same socket.

    ACTON_IPC_SOCKET=<the socket path the sample printed> python3 sample/nestjs/demo.py

Prints one JSON line per call.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

try:
    from acton_client import ActonClient, ActonError
except ImportError:  # running from a checkout without `pip install ./clients/python`
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "clients" / "python"))
    from acton_client import ActonClient, ActonError


def call(client: ActonClient, target: str, message_type: str, payload: dict) -> None:
    try:
        print(json.dumps({"call": f"{target}.{message_type}", "reply": client.request(target, message_type, payload)}))
    except ActonError as err:
        print(json.dumps({"call": f"{target}.{message_type}", "error": err.code, "message": err.message}))


with ActonClient(app_name="acton-nest-sample") as client:
    call(client, "greetings", "HelloRequest", {"name": "Python"})  # a Nest handler
    call(client, "greetings", "HelloRequest", {})  # its RpcException code
    call(client, "calculator", "AddRequest", {"a": 40, "b": 2})  # an acton actor
    print(json.dumps({"actors": sorted(actor["name"] for actor in client.discover()["actors"])}))
