"""The uvicorn server of the classroom web app, with connection-level bounds (issue 24).

uvicorn (0.29-0.55, h11) has no timeout on a request's head: a connection that
opens and sends nothing, or drips a header a byte at a time, is kept for ever,
and 1,100 of them starved real clients (and the process of file descriptors).
:class:`Protocol` adds, cheaply, on uvicorn's own h11 protocol:

* a **header timeout**: a connection must deliver a complete request head
  within :data:`HEADER_TIMEOUT_S` of opening (or of its previous answer), else
  it is closed; dripping bytes does not extend it;
* a **connection cap**: past :data:`MAX_CONNECTIONS` open connections, a new
  one closes the oldest connection still waiting for its request head (a slow
  or idle one: never one being answered), or itself if every one is busy, so
  slow clients cannot keep real ones out (a burst of more than the cap of real
  clients loses its oldest waiting ones the same way);
* ``TCP_NODELAY`` on every connection (asyncio sets it only on sockets made
  with ``IPPROTO_TCP``: without it each answer waited 40 ms for the client's
  delayed acknowledgement).

With uvicorn's own bounds: ``h11_max_incomplete_event_size`` (a request head
of at most :data:`MAX_HEAD_BYTES`), ``timeout_keep_alive`` (an idle kept-alive
connection closes after :data:`KEEP_ALIVE_S`) and ``limit_concurrency``
(twice the cap: uvicorn answers 503 above it, which the cap keeps from
happening while connections close). uvicorn's own 400 answer to a malformed
or oversized head carries the app's security headers too. The request body has its
own time limit in :mod:`cablesim.web.app`.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from cablesim.web.app import SECURITY_HEADERS

HEADER_TIMEOUT_S = 10.0
"""Longest a connection may take to send a complete request head."""
MAX_CONNECTIONS = 200
"""Open connections kept (a class of 30 browsers opens about 6 each)."""
MAX_HEAD_BYTES = 16 * 1024
"""Largest request head (request line and headers)."""
KEEP_ALIVE_S = 5
"""Idle time after which a kept-alive connection is closed."""


class Protocol(H11Protocol):
    """uvicorn's h11 protocol with a header timeout and a connection cap (see module)."""

    header_timeout: float = HEADER_TIMEOUT_S
    max_connections: int = MAX_CONNECTIONS

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            # asyncio sets TCP_NODELAY only on sockets made with proto=IPPROTO_TCP; on
            # others (the one `cablesim serve` binds), a response written in two parts
            # waited 40 ms for the client's delayed acknowledgement
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._head_timer: asyncio.TimerHandle | None = None
        self._arm()
        if len(self.connections) > self.max_connections:
            self._make_room()

    def _arm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
        self._waiting_since = self.loop.time()
        self._head_timer = self.loop.call_later(self.header_timeout, self._head_expired)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _waiting(self) -> bool:
        """True while no request head has arrived (a new or kept-alive connection)."""
        return self.conn.their_state is h11.IDLE and (
            self.cycle is None or self.cycle.response_complete
        )

    def _head_expired(self) -> None:
        self._head_timer = None
        if self._waiting() and not self.transport.is_closing():
            self.transport.close()

    def _make_room(self) -> None:
        """Close the connection that has waited longest for its request head (a slow or
        idle one), or this new one if every other is being answered."""
        oldest = None
        for other in list(self.connections):
            if (
                isinstance(other, Protocol)
                and other is not self
                and other._waiting()
                and not other.transport.is_closing()
                and (oldest is None or other._waiting_since < oldest._waiting_since)
            ):
                oldest = other
        (oldest or self).transport.close()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._head_timer is not None and not self._waiting():
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self._waiting():
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        """uvicorn's answer to a malformed or oversized request head, with the security
        headers every answer of the app carries."""
        headers = [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"connection", b"close"),
            *((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in SECURITY_HEADERS),
        ]
        try:
            for event in (
                h11.Response(status_code=400, headers=headers, reason=b"Bad Request"),
                h11.Data(data=msg.encode("ascii", "replace")),
                h11.EndOfMessage(),
            ):
                self.transport.write(self.conn.send(event))
        except h11.LocalProtocolError:  # a response was already under way
            pass
        self.transport.close()


def protocol(
    *, header_timeout: float = HEADER_TIMEOUT_S, max_connections: int = MAX_CONNECTIONS
) -> type[Protocol]:
    """A :class:`Protocol` class with these bounds."""
    return type(
        "Protocol",
        (Protocol,),
        {"header_timeout": float(header_timeout), "max_connections": int(max_connections)},
    )


def file_limit() -> int:
    """Raise this process's open-file limit to its hard limit; the soft limit after."""
    try:
        import resource  # POSIX only
    except ImportError:  # pragma: no cover - Windows
        return 512
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
    if soft != resource.RLIM_INFINITY and soft < want:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
            soft = want
    return soft if soft != resource.RLIM_INFINITY else 65536


def config(
    app: Any,
    *,
    header_timeout: float = HEADER_TIMEOUT_S,
    max_connections: int = MAX_CONNECTIONS,
    log_level: str = "warning",
) -> uvicorn.Config:
    """The uvicorn configuration of ``cablesim serve`` for ``app``.

    The connection cap is lowered to fit the process's open-file limit (less 64
    for the data files and the log).
    """
    cap = max(8, min(int(max_connections), file_limit() - 64))
    return uvicorn.Config(
        app,
        http=protocol(header_timeout=header_timeout, max_connections=cap),
        log_level=log_level,
        access_log=False,
        timeout_keep_alive=KEEP_ALIVE_S,
        limit_concurrency=2 * cap,
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,
        timeout_graceful_shutdown=5,
    )
