"""``ActonClient``: the blocking client (one socket, no threads)."""

from __future__ import annotations

import socket
import time
import weakref
from typing import Any, Dict, Iterable, Iterator, List, Optional, Union

from .answers import response_body, stream_step, successful_body
from .bodies import discover_body, response_dict, subscription_request
from .call_errors import client_closed_error, closed_error, connect_error, timeout_error
from .call_plan import (
    PlannedCall, PlannedStream, awaiting_sent_request, plan_control, plan_request, plan_stream, plan_tell,
)
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

#: Bytes asked of the socket per read.
RECV_SIZE = 65536


class ActonClient(ClientBase):
    """Calls acton-ts (and acton-reactive) actors over the IPC Unix socket, blocking.

    >>> with ActonClient(app_name="acton-sample") as client:
    ...     client.request("calculator", "AddRequest", {"a": 5, "b": 3})
    {'sum': 8}

    Answers are matched to calls by ``correlation_id``, so a fire-and-forget acknowledgement,
    a push, or the answer to an earlier ``send()`` is never taken for another call's answer.
    Pushes that arrive while a call waits are kept for :meth:`notifications`.

    Not thread-safe: use one client per thread, or :class:`AsyncActonClient`.
    The connection is opened on first use (or by ``connect()`` / ``with``); after it drops,
    every call raises ``CONNECTION_CLOSED`` (create a new client to reconnect), unless
    ``reconnect`` is on: then the next call reconnects and subscribes again (see :class:`Reconnect`).
    """

    def __init__(
        self,
        socket_path: Optional[str] = None,
        app_name: Optional[str] = None,
        timeout: Optional[float] = 30.0,
        format: str = "json",
        reconnect: Union[bool, Reconnect, None] = None,
    ) -> None:
        """
        Args:
            socket_path: the server's socket; default from ``ACTON_IPC_SOCKET``, else derived
                from ``app_name`` (see :func:`resolve_socket_path`).
            app_name: the server's app name, used only when no path is given.
            timeout: default seconds per call (``None``: wait forever). Also sent to the server
                as ``response_timeout_ms`` for requests and streams (``None``: 2^53−1 ms, which
                servers treat as no deadline, docs/protocol.md §2.2).
            format: ``"json"`` (default) or ``"msgpack"`` (needs the ``msgpack`` package).
            reconnect: opt-in automatic reconnection after a drop, with backoff and
                re-subscription: ``True`` (defaults) or a :class:`Reconnect`; off by default.

        Raises:
            ValueError: unknown ``format`` or a negative ``timeout``.
            ImportError: ``format="msgpack"`` without the ``msgpack`` package.
        """
        super().__init__(socket_path, app_name, timeout, format, reconnect)
        self._sock: Optional[socket.socket] = None
        self._dropped = False
        #: The open streams' own connections (see :meth:`stream`), closed with this client.
        self._stream_connections: "weakref.WeakSet[ActonClient]" = weakref.WeakSet()

    # -- connection -----------------------------------------------------------------------

    def connect(self) -> "ActonClient":
        """Open the connection now (otherwise the first call does). Returns ``self``.

        Raises:
            ActonError: ``CONNECTION_FAILED`` naming the path tried and how to change it;
                ``CONNECTION_CLOSED`` after ``close()``.
        """
        if self._router.failure is not None:
            raise self._router.failure.clone()
        if self._sock is None and self._dropped:
            self._reconnect_now()
        elif self._sock is None:
            self._sock = self._open_socket()
        return self

    def _open_socket(self) -> socket.socket:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(self.timeout)
            sock.connect(self._resolved.path)
        except OSError as exc:
            sock.close()
            raise connect_error(self._resolved, exc) from exc
        return sock

    def _reconnect_now(self) -> None:
        """Reconnect with backoff, then subscribe again to what the connection held."""
        assert self._reconnect is not None
        last: Optional[ActonError] = None
        for delay in self._reconnect.delays():
            time.sleep(delay)
            try:
                self._sock = self._open_socket()
                self._frames = FrameReader()
                self._router.restart()
                self._dropped = False
                self._subscribe_again()
                return
            except ActonError as exc:
                if not is_drop(exc) or self._router.failure is not None:
                    raise
                last = exc
        error = gave_up_error(self.socket_path, self._reconnect.max_attempts, last)
        self._dropped = False
        raise self._fail(error)

    def _subscribe_again(self) -> None:
        wanted = self._wanted
        if wanted.types:
            self._subscription(MessageType.SUBSCRIBE, "sub", list(wanted.types), None)
        if wanted.patterns:
            self._subscription(MessageType.SUBSCRIBE_PATTERNS, "psub", list(wanted.patterns), None)

    def close(self) -> None:
        """Close the connection. Idempotent; later calls raise ``CONNECTION_CLOSED``."""
        self._closed = True
        self._router.fail(client_closed_error())
        for connection in list(self._stream_connections):
            connection.close()
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def __enter__(self) -> "ActonClient":
        return self.connect()

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    # -- the seed's send / receive ----------------------------------------------------------

    def send(self, target: str, message_type: str, payload: Any = None) -> str:
        """Send a request that expects a reply; collect the answer with :meth:`receive`.

        Returns the request's ``correlation_id``. Several sends may be outstanding;
        ``receive()`` returns their answers in the order they were sent.
        """
        plan = plan_request(target, message_type, payload, self.timeout)
        self._open_and_write(MessageType.REQUEST, plan)
        self._sent.append(plan.correlation_id)
        return plan.correlation_id

    def receive(self, timeout: Optional[float] = None) -> Dict[str, Any]:
        """The answer to the oldest outstanding :meth:`send`, as a dict with ``success``,
        ``payload``, ``error``, ``error_code`` (always present; ``None`` when not sent) and
        ``correlation_id``; ``error_details`` / ``retry_after_ms`` when the server sent them.
        Server-side failures are returned, not raised.

        Raises:
            RuntimeError: no ``send()`` is outstanding.
            ActonError: ``TIMEOUT`` when nothing came within ``timeout`` seconds (the request
                stays outstanding: call ``receive()`` again); ``CONNECTION_CLOSED``.
        """
        if not self._sent:
            raise RuntimeError("receive() has no answer to wait for: call send(target, message_type, payload) first")
        correlation_id = self._sent[0]
        answer = self._wait(awaiting_sent_request(correlation_id, self._seconds(timeout)))
        self._sent.popleft()
        self._router.forget(correlation_id)
        return response_dict(response_body(answer, "send()", correlation_id))

    # -- request-response and fire-and-forget ------------------------------------------------

    def request(self, target: str, message_type: str, payload: Any = None, timeout: Optional[float] = None) -> Any:
        """Ask ``target`` and return its reply payload.

        Raises:
            ActonError: the server's code (``ACTOR_NOT_FOUND``, ``UNKNOWN_MESSAGE_TYPE``,
                ``SERIALIZATION_ERROR``, ``TIMEOUT``, ``HANDLER_ERROR`` or the handler's own
                code ...), with ``.details`` from ``error_details``; ``TIMEOUT`` when no answer
                came in time; ``CONNECTION_CLOSED`` if the connection drops meanwhile.
        """
        plan = plan_request(target, message_type, payload, self._seconds(timeout))
        return successful_body(self._call(MessageType.REQUEST, plan), plan.what, plan.correlation_id).get("payload")

    def tell(self, target: str, message_type: str, payload: Any = None, timeout: Optional[float] = None) -> None:
        """Fire-and-forget: returns once the server acknowledges delivery to the actor's
        mailbox (``{"status": "delivered"}``, §3.2); the handler may still be running.

        Raises:
            ActonError: the server refused the message (``ACTOR_NOT_FOUND``, ...), ``TIMEOUT``,
                ``CONNECTION_CLOSED``.
        """
        plan = plan_tell(target, message_type, payload, self._seconds(timeout))
        successful_body(self._call(MessageType.REQUEST, plan), plan.what, plan.correlation_id)

    # -- streams ---------------------------------------------------------------------------

    def stream(
        self,
        target: str,
        message_type: str,
        payload: Any = None,
        timeout: Optional[float] = None,
        idle_timeout: Optional[float] = None,
    ) -> Iterator[Any]:
        """Send a stream request now and return an iterator over the reply payloads, in order.

        The iterator ends at the stream's final frame. ``timeout`` bounds the whole stream
        (the server applies the same deadline, §3.4); ``timeout=0`` means no overall deadline
        (a watch, a feed: the server is sent 2^53−1 ms, which it treats as never); omitted, the
        client's ``timeout`` applies. ``idle_timeout``: the longest wait, in seconds, for the
        first item and each next one (checked by the client only; time spent in your loop body
        does not count); default none.

        Each stream runs on a connection of its own, opened here and closed when the stream ends
        or is abandoned (``break`` out of the loop and drop the iterator, or call its ``close()``):
        the protocol cannot cancel a stream on the wire (docs/protocol.md §3.4), and a closed
        connection is what stops the server's producer, so an abandoned stream without a deadline
        does not keep producing. ``close()`` on the client closes its open streams too.

        Raises (while iterating):
            ActonError: an error frame's code (``STREAM_ERROR``, ``SERIALIZATION_ERROR``,
                ``TIMEOUT``, the handler's code ...), a refusal of the whole stream such as
                ``RATE_LIMITED`` / ``SHUTTING_DOWN``, ``TIMEOUT`` (the deadline, or the idle
                timeout: "Stream idle for <s> s ..."), ``CONNECTION_CLOSED``.
            ValueError (at once): a negative ``timeout`` or ``idle_timeout``.
            ActonError (at once): ``CONNECTION_FAILED`` when the stream's connection cannot be
                opened; ``CONNECTION_CLOSED`` after ``close()``.
        """
        plan = plan_stream(target, message_type, payload, self._seconds(timeout), idle_timeout)
        connection = self._stream_connection()
        try:
            connection._open_and_write(MessageType.REQUEST, plan)
        except BaseException:
            connection.close()
            raise
        return self._stream_payloads(connection, plan)

    def _stream_connection(self) -> "ActonClient":
        """A new connection to the same server for one stream, closed with this client."""
        if self._closed:
            raise client_closed_error()
        format_name = self.format.name.lower()
        connection = ActonClient(socket_path=self.socket_path, timeout=self.timeout, format=format_name)
        connection.connect()
        self._stream_connections.add(connection)
        return connection

    def _stream_payloads(self, connection: "ActonClient", plan: PlannedStream) -> Iterator[Any]:
        try:
            while True:
                plan.waiting_for_next_item()
                finished, payload = stream_step(connection._wait(plan), plan.what, plan.correlation_id)
                if finished:
                    return
                yield payload
        finally:
            self._stream_connections.discard(connection)
            connection.close()

    # -- push subscriptions ----------------------------------------------------------------

    def subscribe(self, types: Union[str, Iterable[str]], timeout: Optional[float] = None) -> List[str]:
        """Subscribe this connection to broadcasts of ``types`` (a name or a list of names).

        Returns the connection's full ``subscribed_types`` after the change (any order).
        Names are not checked by the server: a name nobody broadcasts simply never fires.
        Read the pushes with :meth:`notifications`.

        Raises:
            ActonError: ``REQUEST_FAILED`` when the server rejects the body, ``TIMEOUT``,
                ``CONNECTION_CLOSED``.
        """
        return self._subscription(MessageType.SUBSCRIBE, "sub", types, timeout)

    def unsubscribe(self, types: Union[str, Iterable[str]] = (), timeout: Optional[float] = None) -> List[str]:
        """Remove ``types`` from this connection's subscriptions; an empty list removes all
        (§2.5). Returns the remaining ``subscribed_types``. Raises like :meth:`subscribe`."""
        return self._subscription(MessageType.UNSUBSCRIBE, "unsub", types, timeout)

    def subscribe_patterns(self, patterns: Union[str, Iterable[str]], timeout: Optional[float] = None) -> List[str]:
        """Subscribe to every broadcast whose type starts with a prefix (docs/protocol.md §11.1):
        ``"Order*"`` matches ``OrderPlaced``, ``"*"`` every type. A push arrives once however
        many exact and pattern subscriptions match it.

        Returns every pattern the connection now holds, sorted.

        Raises:
            ActonError: ``REQUEST_FAILED`` with the server's text for a bad pattern (e.g.
                ``pattern must contain exactly one terminal '*'``), more than 128 patterns or the
                pattern rate limit; ``ACCESS_DENIED`` when a security policy refuses (§11.2);
                ``TIMEOUT``, ``CONNECTION_CLOSED``.
        """
        return self._subscription(MessageType.SUBSCRIBE_PATTERNS, "psub", patterns, timeout)

    def unsubscribe_patterns(self, patterns: Union[str, Iterable[str]] = (), timeout: Optional[float] = None) -> List[str]:
        """Remove ``patterns`` (an empty list removes every pattern, keeping exact subscriptions);
        returns the patterns left, sorted. Raises like :meth:`subscribe_patterns`."""
        return self._subscription(MessageType.UNSUBSCRIBE_PATTERNS, "punsub", patterns, timeout)

    def _subscription(self, message_type: MessageType, prefix: str, names: Any, timeout: Optional[float]) -> List[str]:
        body, result_key = subscription_request(message_type, new_correlation_id(prefix), names)
        plan = plan_control(body, f"the {message_type.name.lower()} response", self._seconds(timeout))
        answer = self._call(message_type, plan)
        held = list(successful_body(answer, plan.what, plan.correlation_id).get(result_key) or [])
        self._wanted.record(message_type, body.get("message_types", ()), held)
        return held

    def notifications(self, timeout: Optional[float] = None) -> Iterator[Dict[str, Any]]:
        """Iterate over push notifications, oldest first, including those that arrived while
        other calls were waiting.

        Each item is the push as sent: ``notification_id``, ``message_type``, ``payload``,
        ``timestamp_ms`` (Unix ms), and ``source_actor`` when the server names it (§2.6).
        ``timeout``: seconds to wait for each next notification; when none comes in time the
        iteration ends (``None``: wait forever).

        Raises (while iterating):
            ActonError: ``CONNECTION_CLOSED`` when the connection drops (after the pushes that
                arrived before it).
        """
        if self._router.failure is None:
            self.connect()
        return self._push_items(timeout)

    def _push_items(self, timeout: Optional[float]) -> Iterator[Dict[str, Any]]:
        while True:
            deadline = Deadline(timeout)
            push = self._router.take_push()
            while push is None:
                try:
                    if not self._pump(deadline):
                        return
                except ActonError as exc:
                    if not self._dropped:
                        raise
                    # Reconnecting: the next read reconnects and subscribes again (pushes meanwhile are lost).
                    del exc
                push = self._router.take_push()
            yield push

    # -- discovery and liveness --------------------------------------------------------------

    def discover(self, include_actors: bool = True, include_message_types: bool = True, timeout: Optional[float] = None) -> Dict[str, Any]:
        """Ask the server what it offers (§2.7).

        Returns the discovery response: ``protocol_version`` (with ``capabilities``),
        ``actors`` (``[{"name", "ern", ...}]``, when ``include_actors``), ``message_types``
        (when ``include_message_types``), and ``schemas`` when the server sends them (§0 D7).

        Raises:
            ActonError: ``REQUEST_FAILED``, ``TIMEOUT``, ``CONNECTION_CLOSED``.
        """
        body = discover_body(new_correlation_id("disc"), include_actors, include_message_types)
        plan = plan_control(body, "the discovery response", self._seconds(timeout))
        return successful_body(self._call(MessageType.DISCOVER, plan), plan.what, plan.correlation_id)

    def heartbeat(self, timeout: Optional[float] = None) -> float:
        """Send a heartbeat and return the round-trip time in seconds.

        Raises:
            ActonError: ``TIMEOUT``, ``CONNECTION_CLOSED``.
        """
        seconds = self._seconds(timeout)
        deadline = Deadline(seconds)
        self._heartbeats_sent += 1
        wanted = self._heartbeats_sent
        started = time.monotonic()
        # Heartbeat bodies are ignored by the server (§2.4); send none.
        self._write_frame(encode_frame(MessageType.HEARTBEAT, Format.JSON, b""))
        while self._router.heartbeats_received < wanted:
            if not self._pump(deadline):
                raise timeout_error("the heartbeat reply", seconds)
        return time.monotonic() - started

    # -- plumbing ----------------------------------------------------------------------------

    def _call(self, message_type: int, plan: PlannedCall) -> Answer:
        self._open_and_write(message_type, plan)
        try:
            return self._wait(plan)
        finally:
            self._router.forget(plan.correlation_id)

    def _open_and_write(self, message_type: int, plan: PlannedCall) -> None:
        """File ``plan``'s id for its answers, then send its body (the id is dropped if that fails)."""
        self._router.open(plan.correlation_id)
        try:
            self._write(message_type, plan.body)
        except BaseException:
            self._router.forget(plan.correlation_id)
            raise

    def _wait(self, plan: PlannedCall) -> Answer:
        while True:
            answer = self._router.take(plan.correlation_id)
            if answer is not None:
                return answer
            if not self._pump(plan.deadline()):
                raise plan.expired_error()

    def _write(self, message_type: int, body: Dict[str, Any]) -> None:
        self._write_frame(encode_frame(message_type, self.format, encode_body(body, self.format)))

    def _write_frame(self, frame: bytes) -> None:
        sock = self._connected_socket()
        try:
            sock.settimeout(self.timeout)
            sock.sendall(frame)
        except OSError as exc:
            # A partial write leaves the byte stream unusable, so any failure ends the connection.
            salvage_unread_frames(sock, self._frames, self._router)
            raise self._fail(closed_error(self.socket_path, exc)) from exc

    def _pump(self, deadline: Deadline) -> bool:
        """Read once and route what arrived. False when the deadline passed first."""
        sock = self._connected_socket()
        remaining = deadline.remaining()
        if remaining is not None and remaining <= 0:
            return False
        try:
            sock.settimeout(remaining)
            data = sock.recv(RECV_SIZE)
        except TimeoutError:
            return False
        except OSError as exc:
            raise self._fail(closed_error(self.socket_path, exc)) from exc
        if not data:
            raise self._fail(closed_error(self.socket_path))
        try:
            for frame in self._frames.feed(data):
                self._router.route(frame)
        except ActonError as exc:
            raise self._fail(exc) from None
        if self._router.failure is not None:
            # A refusal / protocol-error frame (§5.2, §0 D3): the server closes right after.
            # Answers filed before it are still handed out; the next read raises the error.
            self._fail(self._router.failure)
        return True

    def _connected_socket(self) -> socket.socket:
        self.connect()
        assert self._sock is not None
        return self._sock

    def _fail(self, error: ActonError) -> ActonError:
        """Record ``error`` (the first one wins), drop the socket, return what to raise.

        With ``reconnect`` on, a dropped connection (not a refusal or ``close()``) is not recorded:
        the error is raised to the waiting call and the next call reconnects.
        """
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        if self._reconnect is not None and not self._closed and self._router.failure is None and is_drop(error):
            self._dropped = True
            self._sent.clear()
            return error.clone()
        self._router.fail(error)
        assert self._router.failure is not None
        return self._router.failure.clone()

