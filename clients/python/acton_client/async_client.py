"""``AsyncActonClient``: the asyncio twin of :class:`ActonClient`."""

from __future__ import annotations

import asyncio
import socket
import time
import weakref
from typing import Any, AsyncIterator, Dict, Iterable, List, Optional, Union

from .answers import response_body, stream_step, successful_body
from .bodies import discover_body, response_dict, subscription_request
from .call_errors import client_closed_error, closed_error, connect_error, timeout_error
from .call_plan import PlannedCall, awaiting_sent_request, plan_control, plan_request, plan_stream, plan_tell
from .client_base import ClientBase
from .deadline import Deadline
from .errors import ActonError
from .frame import encode_frame
from .frame_reader import FrameReader
from .frame_router import Answer
from .ids import new_correlation_id
from .payload_codec import encode_body
from .reconnect import Reconnect, gave_up_error, is_drop
from .salvage import salvage_unread_frames
from .wire import Format, MessageType

#: Bytes asked of the stream per read.
RECV_SIZE = 65536


class AsyncActonClient(ClientBase):
    """The asyncio client: same methods as :class:`ActonClient`, awaited.

    >>> async with AsyncActonClient(app_name="acton-sample") as client:
    ...     await client.request("calculator", "AddRequest", {"a": 5, "b": 3})
    {'sum': 8}

    One reader task reads every frame and files it by ``correlation_id``, so any number of
    calls may be in flight at once (the server answers them as they are ready, §0 D2).
    ``stream()`` and ``notifications()`` are async iterators (``async for``).
    Use the client from one event loop. After the connection drops, every call raises
    ``CONNECTION_CLOSED`` (create a new client to reconnect), unless ``reconnect`` is on: then the
    next call reconnects and subscribes again (see :class:`Reconnect`).
    """

    def __init__(
        self,
        socket_path: Optional[str] = None,
        app_name: Optional[str] = None,
        timeout: Optional[float] = 30.0,
        format: str = "json",
        reconnect: Union[bool, Reconnect, None] = None,
    ) -> None:
        """Arguments and errors as for :class:`ActonClient`."""
        super().__init__(socket_path, app_name, timeout, format, reconnect)
        self._reader_task: Optional[asyncio.Task[None]] = None
        self._writer: Optional[asyncio.StreamWriter] = None
        self._sock: Optional[socket.socket] = None
        self._connect_lock = asyncio.Lock()
        self._write_lock = asyncio.Lock()
        self._wakeup = asyncio.Event()
        #: The open streams' own connections (see :meth:`stream`), closed with this client.
        self._stream_connections: "weakref.WeakSet[AsyncActonClient]" = weakref.WeakSet()

    # -- connection -----------------------------------------------------------------------

    async def connect(self) -> "AsyncActonClient":
        """Open the connection and start the reader task (otherwise the first call does).

        Raises:
            ActonError: ``CONNECTION_FAILED`` naming the path tried and how to change it;
                ``CONNECTION_CLOSED`` after ``close()`` or a dropped connection.
        """
        reconnected = False
        async with self._connect_lock:
            if self._dropped():
                await self._reconnect_now()
                reconnected = True
            self._raise_if_failed()
            if self._writer is None:
                await self._start_connection()
        if reconnected:
            await self._subscribe_again()
        return self

    async def _start_connection(self) -> None:
        sock = await self._open_socket()
        reader, writer = await asyncio.open_unix_connection(sock=sock)
        self._sock, self._writer = sock, writer
        self._reader_task = asyncio.create_task(self._read_loop(reader), name=f"acton-client-reader {self.socket_path}")

    def _dropped(self) -> bool:
        """The connection dropped and ``reconnect`` is on (not a refusal, not ``close()``)."""
        failure = self._router.failure
        return self._reconnect is not None and not self._closed and failure is not None and is_drop(failure)

    async def _reconnect_now(self) -> None:
        """Replace the dropped connection, with backoff (callers waiting on it were already told)."""
        assert self._reconnect is not None
        task, self._reader_task = self._reader_task, None
        if task is not None:
            await asyncio.gather(task, return_exceptions=True)
        if self._writer is not None:
            self._writer.close()
        self._writer, self._sock = None, None
        self._sent.clear()
        last: Optional[ActonError] = None
        for delay in self._reconnect.delays():
            await asyncio.sleep(delay)
            try:
                self._frames = FrameReader()
                self._router.restart()
                await self._start_connection()
                return
            except ActonError as exc:
                self._router.fail(exc)
                if not is_drop(exc):
                    raise
                last = exc
        self._router.restart()
        self._router.fail(gave_up_error(self.socket_path, self._reconnect.max_attempts, last))

    async def _subscribe_again(self) -> None:
        wanted = self._wanted
        if wanted.types:
            await self._subscription(MessageType.SUBSCRIBE, "sub", list(wanted.types), None)
        if wanted.patterns:
            await self._subscription(MessageType.SUBSCRIBE_PATTERNS, "psub", list(wanted.patterns), None)

    async def _open_socket(self) -> socket.socket:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.setblocking(False)
        try:
            await asyncio.wait_for(asyncio.get_running_loop().sock_connect(sock, self.socket_path), self.timeout)
        except (OSError, asyncio.TimeoutError) as exc:
            sock.close()
            raise connect_error(self._resolved, exc if isinstance(exc, OSError) else OSError("connect timed out")) from exc
        return sock

    async def close(self) -> None:
        """Close the connection; pending calls raise ``CONNECTION_CLOSED``. Idempotent."""
        self._closed = True
        self._router.fail(client_closed_error())
        self._wake()
        for connection in list(self._stream_connections):
            await connection.close()
        task, self._reader_task = self._reader_task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        writer, self._writer, self._sock = self._writer, None, None
        if writer is not None:
            writer.close()
            try:
                await writer.wait_closed()
            except (OSError, asyncio.CancelledError):
                pass

    async def __aenter__(self) -> "AsyncActonClient":
        return await self.connect()

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.close()

    # -- the seed's send / receive ----------------------------------------------------------

    async def send(self, target: str, message_type: str, payload: Any = None) -> str:
        """Send a request expecting a reply; :meth:`receive` returns the answers in send order.
        Returns the ``correlation_id``. See :meth:`ActonClient.send`."""
        plan = plan_request(target, message_type, payload, self.timeout)
        await self._open_and_write(MessageType.REQUEST, plan)
        self._sent.append(plan.correlation_id)
        return plan.correlation_id

    async def receive(self, timeout: Optional[float] = None) -> Dict[str, Any]:
        """The answer to the oldest outstanding :meth:`send` as the seed's dict
        (``success``, ``payload``, ``error``, ``error_code``, ``correlation_id`` ...).
        Errors as in :meth:`ActonClient.receive`."""
        if not self._sent:
            raise RuntimeError("receive() has no answer to wait for: call send(target, message_type, payload) first")
        correlation_id = self._sent[0]
        answer = await self._wait(awaiting_sent_request(correlation_id, self._seconds(timeout)))
        if self._sent and self._sent[0] == correlation_id:
            self._sent.popleft()
        self._router.forget(correlation_id)
        return response_dict(response_body(answer, "send()", correlation_id))

    # -- request-response and fire-and-forget ------------------------------------------------

    async def request(self, target: str, message_type: str, payload: Any = None, timeout: Optional[float] = None) -> Any:
        """Ask ``target`` and return its reply payload. Errors as in :meth:`ActonClient.request`."""
        plan = plan_request(target, message_type, payload, self._seconds(timeout))
        answer = await self._call(MessageType.REQUEST, plan)
        return successful_body(answer, plan.what, plan.correlation_id).get("payload")

    async def tell(self, target: str, message_type: str, payload: Any = None, timeout: Optional[float] = None) -> None:
        """Fire-and-forget; returns when delivery is acknowledged (§3.2). See :meth:`ActonClient.tell`."""
        plan = plan_tell(target, message_type, payload, self._seconds(timeout))
        successful_body(await self._call(MessageType.REQUEST, plan), plan.what, plan.correlation_id)

    # -- streams ---------------------------------------------------------------------------

    async def stream(
        self,
        target: str,
        message_type: str,
        payload: Any = None,
        timeout: Optional[float] = None,
        idle_timeout: Optional[float] = None,
    ) -> AsyncIterator[Any]:
        """Async iterator over a stream's reply payloads (``async for``); the request is sent
        when iteration starts. ``timeout=0``: no overall deadline; ``idle_timeout``: the longest
        wait for each next item, in seconds (see :meth:`ActonClient.stream`). Ends at the final
        frame; raises like :meth:`ActonClient.stream` (error frames, a ``0x03`` refusal with the
        stream's id, ``TIMEOUT`` for the deadline or the idle gap, ``CONNECTION_CLOSED``).

        Like :meth:`ActonClient.stream`, each stream has a connection of its own, closed when it
        ends or is abandoned (``break``, then ``aclose()`` or garbage collection), which stops the
        server's producer (docs/protocol.md §3.4: no cancel on the wire).
        """
        plan = plan_stream(target, message_type, payload, self._seconds(timeout), idle_timeout)
        connection = await self._stream_connection()
        try:
            await connection._open_and_write(MessageType.REQUEST, plan)
            while True:
                plan.waiting_for_next_item()
                finished, item = stream_step(await connection._wait(plan), plan.what, plan.correlation_id)
                if finished:
                    return
                yield item
        finally:
            self._stream_connections.discard(connection)
            await connection.close()

    async def _stream_connection(self) -> "AsyncActonClient":
        """A new connection to the same server for one stream, closed with this client."""
        if self._closed:
            raise client_closed_error()
        format_name = self.format.name.lower()
        connection = AsyncActonClient(socket_path=self.socket_path, timeout=self.timeout, format=format_name)
        await connection.connect()
        self._stream_connections.add(connection)
        return connection

    # -- push subscriptions ----------------------------------------------------------------

    async def subscribe(self, types: Union[str, Iterable[str]], timeout: Optional[float] = None) -> List[str]:
        """Subscribe to broadcasts of ``types``; returns ``subscribed_types``. See :meth:`ActonClient.subscribe`."""
        return await self._subscription(MessageType.SUBSCRIBE, "sub", types, timeout)

    async def unsubscribe(self, types: Union[str, Iterable[str]] = (), timeout: Optional[float] = None) -> List[str]:
        """Unsubscribe ``types`` (empty: all); returns the remaining ``subscribed_types``."""
        return await self._subscription(MessageType.UNSUBSCRIBE, "unsub", types, timeout)

    async def subscribe_patterns(self, patterns: Union[str, Iterable[str]], timeout: Optional[float] = None) -> List[str]:
        """Subscribe to ``Prefix*`` patterns; returns every pattern held, sorted. See :meth:`ActonClient.subscribe_patterns`."""
        return await self._subscription(MessageType.SUBSCRIBE_PATTERNS, "psub", patterns, timeout)

    async def unsubscribe_patterns(self, patterns: Union[str, Iterable[str]] = (), timeout: Optional[float] = None) -> List[str]:
        """Remove patterns (empty: all patterns, exact subscriptions kept); returns the patterns left."""
        return await self._subscription(MessageType.UNSUBSCRIBE_PATTERNS, "punsub", patterns, timeout)

    async def _subscription(self, message_type: MessageType, prefix: str, names: Any, timeout: Optional[float]) -> List[str]:
        body, result_key = subscription_request(message_type, new_correlation_id(prefix), names)
        plan = plan_control(body, f"the {message_type.name.lower()} response", self._seconds(timeout))
        answer = await self._call(message_type, plan)
        held = list(successful_body(answer, plan.what, plan.correlation_id).get(result_key) or [])
        self._wanted.record(message_type, body.get("message_types", ()), held)
        return held

    async def notifications(self, timeout: Optional[float] = None) -> AsyncIterator[Dict[str, Any]]:
        """Async iterator over push notifications (``async for``), oldest first; ends when
        none arrives within ``timeout`` seconds (``None``: never). Items as in
        :meth:`ActonClient.notifications`. Raises ``CONNECTION_CLOSED`` when the connection drops
        (after the pushes that arrived before it)."""
        if self._router.failure is None:
            await self.connect()
        while True:
            deadline = Deadline(timeout)
            push = self._router.take_push()
            while push is None:
                if self._dropped():
                    await self.connect()  # reconnects and subscribes again (pushes meanwhile are lost)
                    continue
                self._raise_if_failed()
                if not await self._changed(deadline):
                    return
                push = self._router.take_push()
            yield push

    # -- discovery and liveness --------------------------------------------------------------

    async def discover(self, include_actors: bool = True, include_message_types: bool = True, timeout: Optional[float] = None) -> Dict[str, Any]:
        """The discovery response (§2.7). See :meth:`ActonClient.discover`."""
        body = discover_body(new_correlation_id("disc"), include_actors, include_message_types)
        plan = plan_control(body, "the discovery response", self._seconds(timeout))
        return successful_body(await self._call(MessageType.DISCOVER, plan), plan.what, plan.correlation_id)

    async def heartbeat(self, timeout: Optional[float] = None) -> float:
        """Send a heartbeat; returns the round-trip time in seconds. Raises ``TIMEOUT``, ``CONNECTION_CLOSED``."""
        seconds = self._seconds(timeout)
        deadline = Deadline(seconds)
        self._heartbeats_sent += 1
        wanted = self._heartbeats_sent
        started = time.monotonic()
        # Heartbeat bodies are ignored by the server and its reply is empty (§2.4).
        await self._write_frame(encode_frame(MessageType.HEARTBEAT, Format.JSON, b""))
        while self._router.heartbeats_received < wanted:
            self._raise_if_failed()
            if not await self._changed(deadline):
                raise timeout_error("the heartbeat reply", seconds)
        return time.monotonic() - started

    # -- plumbing ----------------------------------------------------------------------------

    async def _call(self, message_type: int, plan: PlannedCall) -> Answer:
        await self._open_and_write(message_type, plan)
        try:
            return await self._wait(plan)
        finally:
            self._router.forget(plan.correlation_id)

    async def _open_and_write(self, message_type: int, plan: PlannedCall) -> None:
        """File ``plan``'s id for its answers, then send its body (the id is dropped if that fails)."""
        self._router.open(plan.correlation_id)
        try:
            await self._write(message_type, plan.body)
        except BaseException:
            self._router.forget(plan.correlation_id)
            raise

    async def _wait(self, plan: PlannedCall) -> Answer:
        while True:
            answer = self._router.take(plan.correlation_id)
            if answer is not None:
                return answer
            self._raise_if_failed()
            if not await self._changed(plan.deadline()):
                raise plan.expired_error()

    async def _changed(self, deadline: Deadline) -> bool:
        """Wait until the reader files something. False when the deadline passed first."""
        remaining = deadline.remaining()
        if remaining is not None and remaining <= 0:
            return False
        event = self._wakeup
        try:
            await asyncio.wait_for(event.wait(), remaining)
        except asyncio.TimeoutError:
            return False
        return True

    def _wake(self) -> None:
        # Swap in a fresh event so every current waiter wakes exactly once.
        event, self._wakeup = self._wakeup, asyncio.Event()
        event.set()

    async def _write(self, message_type: int, body: Dict[str, Any]) -> None:
        await self._write_frame(encode_frame(message_type, self.format, encode_body(body, self.format)))

    async def _write_frame(self, frame: bytes) -> None:
        await self.connect()
        async with self._write_lock:
            writer = self._writer
            self._raise_if_failed()
            assert writer is not None
            try:
                # One buffer per frame, written under the lock: frames never interleave (§3.5).
                writer.write(frame)
                if writer.transport.is_closing() and self._sock is not None:
                    # The write failed at once (EPIPE). The transport stops reading now, but the
                    # socket stays open until the loop's next turn: read what is still buffered.
                    salvage_unread_frames(self._sock, self._frames, self._router)
                await asyncio.wait_for(writer.drain(), self.timeout)
            except (OSError, asyncio.TimeoutError) as exc:
                # A partial write leaves the byte stream unusable, so any failure ends the connection.
                self._router.fail(closed_error(self.socket_path, exc if isinstance(exc, OSError) else OSError("write timed out")))
                self._wake()
                writer.close()
                raise self._router.failure.clone() from exc  # type: ignore[union-attr]

    async def _read_loop(self, reader: asyncio.StreamReader) -> None:
        try:
            while True:
                data = await reader.read(RECV_SIZE)
                if not data:
                    self._router.fail(closed_error(self.socket_path))
                    return
                for frame in self._frames.feed(data):
                    self._router.route(frame)
                self._wake()
        except ActonError as exc:
            self._router.fail(exc)
        except OSError as exc:
            self._router.fail(closed_error(self.socket_path, exc))
        finally:
            self._wake()
            if self._writer is not None and self._router.failure is not None:
                self._writer.close()

    def _raise_if_failed(self) -> None:
        if self._router.failure is not None:
            raise self._router.failure.clone()

