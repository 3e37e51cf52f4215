"""uvicorn's own HTTP protocol (httptools), with the three limits it lacks: the size of a request's
head (request line and headers), and how long a client may take to send its head and its body.

uvicorn reads a head of any size (a 32 MB Authorization header was read and hashed) and waits for
a slow client forever (one byte a minute holds a connection open). h11 could cap the head but is
slower and has no timeouts either, so we keep httptools and count around its parser: bytes fed
while a head is incomplete, and timers armed while a head or a body is awaited. Behind a proxy
the same limits belong in the proxy too (deploy/nginx.conf: `large_client_header_buffers`,
`client_header_timeout`, `client_body_timeout`), which then refuses first.

Used by `hwcheck serve` and the HTTP benchmark through service/cli/main.py `uvicorn_options`.
"""

from __future__ import annotations

import asyncio
import os

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# Read from the environment, not passed in: uvicorn builds this class itself in every worker.
MAX_HEAD_BYTES = "HWCHECK_MAX_HEADER_BYTES"
HEAD_SECONDS = "HWCHECK_HEADER_TIMEOUT_SECONDS"
BODY_SECONDS = "HWCHECK_BODY_TIMEOUT_SECONDS"
DEFAULTS = {MAX_HEAD_BYTES: 65_536, HEAD_SECONDS: 10.0, BODY_SECONDS: 30.0}


def _limit(name: str) -> float:
    try:
        return float(os.environ.get(name, DEFAULTS[name]))
    except ValueError:
        return float(DEFAULTS[name])


class GuardedHttpTools(HttpToolsProtocol):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.max_head = int(_limit(MAX_HEAD_BYTES))
        self.head_seconds = _limit(HEAD_SECONDS)
        self.body_seconds = _limit(BODY_SECONDS)
        self.reading_head = True
        self.head_bytes = 0
        self.oversized = False  # a head that arrived whole in one read, but too large
        self.timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.arm(self.head_seconds)  # a connection that never sends a byte is a slow head too

    def connection_lost(self, exc) -> None:
        self.disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.transport.is_closing():
            return
        was_reading_head = self.reading_head
        if was_reading_head:
            self.head_bytes += len(data)
        super().data_received(data)
        if self.transport.is_closing():
            return
        if self.oversized or self.reading_head and was_reading_head and self.head_bytes > self.max_head:
            # The head is still incomplete after this many bytes (a chunk that completes the head
            # and starts a large body is fine): refuse before httptools buffers any more of it.
            self.refuse(431, f"the request's headers are larger than {self.max_head} bytes")
        elif self.reading_head and self.timer is None:
            self.arm(self.head_seconds)
        elif self.awaiting_body():
            self.arm(self.body_seconds)  # restarted by every chunk: this is an idle timeout

    # Parser callbacks (called by httptools from inside data_received).
    def on_headers_complete(self) -> None:
        self.reading_head = False
        self.disarm()
        head = len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)
        if head > self.max_head:
            self.oversized = True  # refused by data_received once httptools returns
            return
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self.oversized:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if self.oversized:
            return
        super().on_message_complete()
        self.disarm()
        self.reading_head, self.head_bytes = True, 0  # the next request on this connection

    def on_response_complete(self) -> None:
        super().on_response_complete()  # arms uvicorn's keep-alive timeout for the idle wait
        self.disarm()

    def awaiting_body(self) -> bool:
        return self.cycle is not None and self.cycle.more_body and not self.cycle.response_complete

    def arm(self, seconds: float) -> None:
        self.disarm()
        if seconds > 0:
            self.timer = self.loop.call_later(seconds, self.too_slow)

    def disarm(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def too_slow(self) -> None:
        self.timer = None
        if self.transport.is_closing():
            return
        if self.reading_head and self.head_bytes == 0 and self.cycle is not None:
            self.transport.close()  # an idle keep-alive connection: uvicorn's timeout owns it
        elif self.reading_head:
            self.refuse(408, f"the request's headers did not arrive within {self.head_seconds:g} s")
        elif self.awaiting_body():
            if self.flow.read_paused:  # we stopped reading (the app is busy), not the client
                self.arm(self.body_seconds)
                return
            # Closing lets the app's receive() see a disconnect, so it stops reading.
            if self.cycle.response_started:
                self.transport.close()
            else:
                self.refuse(408, f"the request body stalled for {self.body_seconds:g} s")

    def refuse(self, status: int, message: str) -> None:
        """A plain-text answer and close, as uvicorn's own 400 for a malformed request."""
        reason = {408: b"Request Timeout", 431: b"Request Header Fields Too Large"}[status]
        body = message.encode()
        self.transport.write(b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\n"
                             b"content-length: %d\r\nconnection: close\r\n\r\n%s"
                             % (status, reason, len(body), body))
        self.transport.close()
