"""Limits on what one client can ask of the server: the size of a request body, and how many
requests per minute per IP address and per token. A refusal is JSON `{"detail": ...}` — 413 for
a body over the cap, 429 with `Retry-After` (seconds) for too many requests.

Both are plain ASGI middleware, so a refusal costs neither a database session nor a parse:

- `BodyLimit` answers 413 from `Content-Length` before reading anything, and counts the bytes of
  a body sent without one (chunked), stopping at the cap. Uploads — file forms, and CSV or JSON
  Lines under one of `HWCHECK_BATCH_BODY_PATHS` — get `HWCHECK_MAX_BATCH_BODY_BYTES` and are
  streamed to their route, which authenticates before it reads a byte; the count then raises
  BodyTooLarge in the route, which answers (a JSON 413, or the form's page with a message). A JSON body that is not
  UTF-8 is a 400 that says so, rather than a generic parse error.
- `RateLimit` counts requests in fixed windows of `HWCHECK_RATE_LIMIT_WINDOW_SECONDS`, per
  client IP and per bearer token (by the token's SHA-256, so the counter store never holds a
  token). With `HWCHECK_REDIS_URL` the counters live in Redis, shared by every worker and every
  machine; without it each process keeps its own. A Redis outage lets requests through (and
  logs it): the limit protects the service, it must not become the thing that takes it down.
"""

from __future__ import annotations

import json
import logging
import math
import re
import threading
import time
from collections.abc import Awaitable, Callable
from itertools import accumulate
from typing import Any

from starlette.exceptions import HTTPException

from service.settings import Settings
from service.tokens import token_hash

log = logging.getLogger("hwcheck.limits")

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


async def send_json(send: Send, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
    body = json.dumps({"detail": detail}).encode()
    raw_headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw_headers += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def _size(n: int) -> str:
    return f"{n / 1_000_000:g} MB" if n >= 1_000_000 else f"{n / 1000:g} kB" if n >= 1000 else f"{n} bytes"


# JSON deeper than this is never a real request (an answer is at most 4 levels; every other
# body 3), and refusing it here keeps a 1,000-deep body away from any recursive decoder.
MAX_JSON_DEPTH = 32
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"')
_NOT_BRACKETS = bytes(c for c in range(256) if c not in b"[]{}")


def json_depth(body: bytes) -> int:
    """The deepest nesting of [ and { outside strings (in C-speed passes: 1 MB in ~10 ms)."""
    brackets = _STRINGS.sub(b"", body).translate(None, _NOT_BRACKETS)
    if len(brackets) <= 2 * MAX_JSON_DEPTH:
        return len(brackets) // 2
    steps = brackets.replace(b"{", b"[").replace(b"}", b"]").decode()
    return max(accumulate(1 if c == "[" else -1 for c in steps), default=0)


# --- body size --------------------------------------------------------------------------------


class BodyTooLarge(HTTPException):
    """Raised from inside `receive` when a streamed upload passes its cap: the route that is
    reading it answers 413 (and can remove what it wrote so far)."""

    def __init__(self, detail: str) -> None:
        super().__init__(413, detail, headers={"Connection": "close"})


def _too_large(cap: int) -> str:
    return (f"the request body is larger than the {_size(cap)} this route accepts; "
            "send less (answers are at most 2,000 characters each)")


class BodyLimit:
    """JSON and form bodies (at most `max_bytes`) are read here whole, checked (UTF-8, nesting)
    and replayed to the app. An upload — a body that is not JSON on a path under `batch_paths` —
    is never buffered: the route authenticates first and then streams it to disk, and this
    middleware only counts its bytes, so an anonymous 20 MB POST costs a 401 and no memory."""

    def __init__(self, app: ASGIApp, max_bytes: int, max_batch_bytes: int, batch_paths: list[str]):
        self.app = app
        self.max_bytes = max_bytes
        self.max_batch_bytes = max_batch_bytes
        self.batch_paths = tuple(batch_paths)

    def is_upload(self, path: str, content_type: str) -> bool:
        """A file form (a roster from the course page), or a CSV or JSON Lines body on a batch
        path; JSON there (a regrade's options) is small and read whole like any other."""
        if content_type.startswith("multipart/form-data"):
            return True  # Starlette spools its files to disk; its other fields are capped at 1 MB
        streamed = any(kind in content_type for kind in ("ndjson", "jsonl", "jsonlines")) or "json" not in content_type
        return bool(self.batch_paths) and path.startswith(self.batch_paths) and streamed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        content_type = (_header(scope, b"content-type") or "").lower()
        upload = self.is_upload(scope["path"], content_type)
        cap = self.max_batch_bytes if upload else self.max_bytes
        declared = _header(scope, b"content-length")
        try:
            length = int(declared) if declared is not None else 0
        except ValueError:
            await send_json(send, 400, "the Content-Length header is not a number")
            return
        if upload:  # refused by its route, once it has checked who is asking (a page for a form)
            await self.app(scope, self.counted(receive, cap, length), send)
            return
        if length > cap:
            await send_json(send, 413, _too_large(cap), {"Connection": "close"})
            return
        # Read the whole body (at most `cap` bytes) before the app sees any of it: a refusal
        # can then still be a clean 413, and the app reads from memory.
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > cap:
                await send_json(send, 413, _too_large(cap), {"Connection": "close"})
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if body and ("json" in content_type or "text/" in content_type):
            try:
                body.decode("utf-8")
            except UnicodeDecodeError as error:
                await send_json(send, 400, f"the request body is not valid UTF-8 (byte {error.start + 1} "
                                           "is not); send UTF-8 text")
                return
        if body and "json" in content_type and (depth := json_depth(body)) > MAX_JSON_DEPTH:
            await send_json(send, 400, f"the JSON is nested {depth} levels deep; the limit is "
                                       f"{MAX_JSON_DEPTH} (a matrix is a list of rows: 2 levels)")
            return

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # after the body: wait for the disconnect, as a server would

        await self.app(scope, replay, send)

    @staticmethod
    def counted(receive: Receive, cap: int, declared: int) -> Receive:
        """`receive`, counting the bytes that pass; past `cap` (or at once, when Content-Length
        says it will be) it raises BodyTooLarge to the route reading the stream."""
        received = 0

        async def counting() -> Message:
            nonlocal received
            if declared > cap:
                raise BodyTooLarge(_too_large(cap))
            message = await receive()
            received += len(message.get("body", b""))
            if received > cap:
                raise BodyTooLarge(_too_large(cap))
            return message

        return counting


# --- rate limits ------------------------------------------------------------------------------


class MemoryCounter:
    """Fixed-window counters in this process (a worker's own view of the traffic). O(1) a hit:
    a new window drops the old counts at once (only the current window counts), and past
    MAX_KEYS clients in one window the first one seen is forgotten — it rebuilt its whole
    table on every request once it tracked 100,000 clients, on the event loop."""

    MAX_KEYS = 200_000

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.window = -1
        self.counts: dict[str, int] = {}  # key -> requests in self.window

    def hit(self, key: str, window: int, seconds: int) -> int:
        with self.lock:
            if window > self.window:
                self.window, self.counts = window, {}
            count = self.counts.get(key, 0) + 1
            if count == 1 and len(self.counts) >= self.MAX_KEYS:
                del self.counts[next(iter(self.counts))]  # dicts keep insertion order: the oldest
            self.counts[key] = count
            return count


class RedisCounter:
    """Fixed-window counters in Redis: INCR, and EXPIRE on the window's first request."""

    def __init__(self, url: str) -> None:
        import redis  # only when configured: the default install needs no Redis

        self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)

    def hit(self, key: str, window: int, seconds: int) -> int | None:
        name = f"hwcheck:rate:{key}:{window}"
        try:
            pipe = self.client.pipeline(transaction=False)
            pipe.incr(name)
            pipe.expire(name, seconds + 1)
            count, _ = pipe.execute()
            return int(count)
        except Exception as error:  # noqa: BLE001 — any Redis trouble: let the request through
            log.warning("rate limit store unavailable (%s); not limiting", type(error).__name__)
            return None


class RateLimit:
    def __init__(self, app: ASGIApp, per_ip: int, per_token: int, seconds: int, counter) -> None:
        self.app = app
        self.per_ip = per_ip
        self.per_token = per_token
        self.seconds = max(1, seconds)
        self.counter = counter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        now = time.time()
        window = int(now // self.seconds)
        retry_after = str(max(1, math.ceil((window + 1) * self.seconds - now)))
        checks = []
        if self.per_ip:
            client = scope.get("client")
            checks.append((f"ip:{client[0] if client else 'unknown'}", self.per_ip, "from your address"))
        authorization = _header(scope, b"authorization")
        if self.per_token and authorization and authorization[:7].lower() == "bearer ":
            checks.append((f"token:{token_hash(authorization[7:].strip())[:32]}", self.per_token,
                           "with your token"))
        for key, limit, whose in checks:
            count = self.counter.hit(key, window, self.seconds)
            if count is not None and count > limit:
                await send_json(send, 429, f"too many requests {whose}: at most {limit} per "
                                           f"{self.seconds} s; try again in {retry_after} s",
                                {"Retry-After": retry_after})
                return
        await self.app(scope, receive, send)


def install_limits(app, settings: Settings) -> None:
    """Body cap and rate limits on `app` (the rate limit outside, so a flood is refused first)."""
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes,
                       max_batch_bytes=settings.max_batch_body_bytes,
                       batch_paths=settings.batch_body_paths)
    if settings.rate_limit_per_ip or settings.rate_limit_per_token:
        counter = RedisCounter(settings.redis_url) if settings.redis_url else MemoryCounter()
        app.add_middleware(RateLimit, per_ip=settings.rate_limit_per_ip,
                           per_token=settings.rate_limit_per_token,
                           seconds=settings.rate_limit_window_seconds, counter=counter)
