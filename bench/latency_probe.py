"""Where a server's slow requests went: the probe that found the garbage collector's pauses
behind the p99 (bench/RESULTS-http.md, 2026-12-01). `python -m bench.http --probe` installs it
in every server it starts; it never runs in production.

In the server process, `Probe(app, folder)` wraps the ASGI app and records, on one clock
(time.monotonic, shared by every process of the machine, so the bench can cut out its measured
window):

- every HTTP request: when it started, how long until its last body byte was sent, its kind
  (`hello` for /bench/hello, `recorded` with an Authorization header, else `practice`);
- every garbage collection: when, how long, which generation (`gc.callbacks`);
- how late the event loop is: a task asks to sleep 5 ms, again and again, and notes how much
  later than that it woke (every other coroutine of the process waited as long).

When the server shuts down, each process writes its records to `probe-<pid>.json` in `folder`;
`load()` and `summarize()` read them back: per kind, the server's own p50/p99/max; the
collections and the loop's lateness; and how many of the slowest 1 % of requests overlapped a
collection of ≥ 5 ms or a late wake of the loop of ≥ 10 ms in their own process — the question
to ask of a tail before guessing at it.
"""

from __future__ import annotations

import asyncio
import gc
import json
import math
import os
import statistics
import time
from bisect import bisect_left, bisect_right
from pathlib import Path

TICK = 0.005  # the loop probe's sleep
GC_PAUSE = 0.005  # a collection at least this long counts as a pause
LATE_LOOP = 0.010  # a wake at least this late counts as a stall of the loop


class Probe:
    def __init__(self, app, folder: Path):
        self.app, self.folder = app, Path(folder)
        self.requests: list[tuple[float, float, str]] = []  # (start, seconds, kind)
        self.collections: list[tuple[float, float, int]] = []  # (start, seconds, generation)
        self.late: list[tuple[float, float]] = []  # (woke, seconds late)
        self._gc_started = 0.0
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, info: dict) -> None:
        now = time.monotonic()
        if phase == "start":
            self._gc_started = now
        else:
            self.collections.append((self._gc_started, now - self._gc_started, info["generation"]))

    async def _tick(self) -> None:
        while True:
            asked = time.monotonic()
            await asyncio.sleep(TICK)
            woke = time.monotonic()
            self.late.append((woke, max(0.0, woke - asked - TICK)))

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            # Started and written with the app (atexit would not run in uvicorn's worker processes).
            async def watched_receive():
                message = await receive()
                if message["type"] == "lifespan.startup":
                    self._ticker = asyncio.get_running_loop().create_task(self._tick())
                elif message["type"] == "lifespan.shutdown":
                    self._ticker.cancel()
                    self.dump()
                return message

            return await self.app(scope, watched_receive, send)
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.monotonic()
        headers = dict(scope["headers"])
        kind = ("hello" if scope["path"] == "/bench/hello"
                else "recorded" if b"authorization" in headers else "practice")

        async def timed_send(message):
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                self.requests.append((started, time.monotonic() - started, kind))

        await self.app(scope, receive, timed_send)

    def dump(self) -> None:
        (self.folder / f"probe-{os.getpid()}.json").write_text(json.dumps(
            {"requests": self.requests, "collections": self.collections, "late": self.late}))


def load(folder: Path) -> list[dict]:
    """The records of each process that wrote to `folder` (uvicorn's workers: one each)."""
    return [json.loads(path.read_text()) for path in sorted(Path(folder).glob("probe-*.json"))]


class _Intervals:
    """(start, end) intervals, asked which meet a request's [start, end]: by bisection, for the
    tens of thousands of requests of a run."""

    def __init__(self, intervals: list[tuple[float, float]]):
        self.intervals = sorted(intervals)
        self.starts = [s for s, _ in self.intervals]
        self.longest = max((e - s for s, e in self.intervals), default=0.0)

    def meet(self, start: float, end: float) -> bool:
        lo = bisect_left(self.starts, start - self.longest)  # none before it reaches `start`
        hi = bisect_right(self.starts, end)
        return any(e >= start for _, e in self.intervals[lo:hi])


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _percentile(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))] if values else 0.0


def summarize(processes: list[dict], since: float = -math.inf, until: float = math.inf) -> dict:
    """The records of the window [since, until) (time.monotonic), in milliseconds. A request is
    matched with the pauses and stalls of its own process only: each has its own loop and heap."""
    requests = [(s, d, kind, i) for i, records in enumerate(processes)
                for s, d, kind in records["requests"] if since <= s < until]
    collections = [[c for c in records["collections"] if since <= c[0] < until]
                   for records in processes]
    late = [[w for w in records["late"] if since <= w[0] < until] for records in processes]
    pauses = [_Intervals([(s, s + d) for s, d, _ in some if d >= GC_PAUSE]) for some in collections]
    # A late wake covers the time the loop was held: from when it should have woken to when it did.
    stalls = [_Intervals([(w - d, w) for w, d in some if d >= LATE_LOOP]) for some in late]
    collections = [c for some in collections for c in some]
    late = [w for some in late for w in some]
    out: dict = {"requests": {}}
    for kind in sorted({k for _, _, k, _ in requests}):
        times = [d for _, d, k, _ in requests if k == kind]
        out["requests"][kind] = {"n": len(times), "p50_ms": _ms(statistics.median(times)),
                                 "p99_ms": _ms(_percentile(times, 0.99)), "max_ms": _ms(max(times))}

    def overlapping(some: list) -> dict:
        return {"n": len(some),
                "during_gc_pause": sum(pauses[i].meet(s, s + d) for s, d, _, i in some),
                "during_loop_stall": sum(stalls[i].meet(s, s + d) for s, d, _, i in some)}

    slowest = sorted(requests, key=lambda r: r[1])[-max(1, len(requests) // 100):]
    fastest_of_them = min((d for _, d, _, _ in slowest), default=0.0)
    out["slowest_1pct"] = {**overlapping(slowest), "from_ms": _ms(fastest_of_them)}
    # The base rate: how often any request meets a pause or a stall, however quick it was.
    out["all_requests"] = overlapping(requests)
    out["gc"] = {
        "collections": len(collections),
        "full": sum(g == 2 for _, _, g in collections),
        "pauses": sum(len(p.intervals) for p in pauses),
        "max_ms": _ms(max((d for _, d, _ in collections), default=0.0)),
        "total_ms": _ms(sum(d for _, d, _ in collections)),
    }
    lateness = [d for _, d in late]
    out["loop_late"] = {"p50_ms": _ms(_percentile(lateness, 0.5)),
                        "p99_ms": _ms(_percentile(lateness, 0.99)),
                        "max_ms": _ms(max(lateness, default=0.0)),
                        "stalls": sum(len(s.intervals) for s in stalls)}
    return out


def line(summary: dict) -> str:
    """One line for the bench's log."""
    kinds = ", ".join(f"{kind} p99 {v['p99_ms']} max {v['max_ms']}"
                      for kind, v in summary["requests"].items())
    s, a = summary["slowest_1pct"], summary["all_requests"]
    g, l = summary["gc"], summary["loop_late"]

    def share(key: str) -> str:
        return f"{100 * a[key] / max(1, a['n']):.1f} %"

    return (f"server-side ms: {kinds} | slowest 1 % ({s['n']}, ≥ {s['from_ms']} ms): "
            f"{s['during_gc_pause']} in a GC pause, {s['during_loop_stall']} in a loop stall "
            f"(of all requests: {share('during_gc_pause')}, {share('during_loop_stall')}) | "
            f"GC: {g['collections']} collections, {g['full']} full, "
            f"{g['pauses']} ≥ {_ms(GC_PAUSE)} ms, "
            f"max {g['max_ms']} | loop late p99 {l['p99_ms']} max {l['max_ms']} ms")
