"""bench/latency_probe.py, the instrument behind the HTTP bench's `--probe`: that it records
what a server's requests overlapped, and that its summary blames the right cause."""

from __future__ import annotations

import asyncio
import gc
import time

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from bench import latency_probe
from bench.latency_probe import Probe, _Intervals, load, summarize


def _records(n_fast: int, slow: list[tuple[float, float]], collections, late) -> dict:
    """Fast requests of 1 ms, one every 10 ms from t=0, and the slow ones given as (start, s)."""
    requests = [[i * 0.010, 0.001, "practice"] for i in range(n_fast)]
    requests += [[start, seconds, "recorded"] for start, seconds in slow]
    return {"requests": requests, "collections": collections, "late": late}


def test_the_slowest_requests_are_matched_with_what_they_overlapped():
    records = _records(
        198,
        slow=[(0.500, 0.100), (1.200, 0.080)],
        # A full collection of 80 ms inside the first slow request; quick ones elsewhere.
        collections=[[0.555, 0.080, 2], [0.1001, 0.0002, 0], [1.9, 0.001, 1]],
        # The loop woke 60 ms late at 1.255 s: it was held from 1.195 s, within the second.
        late=[[1.255, 0.060], [0.3, 0.0001], [0.31, 0.0002]],
    )
    summary = summarize([records])
    assert summary["slowest_1pct"] == {"n": 2, "from_ms": 80.0,
                                       "during_gc_pause": 1, "during_loop_stall": 1}
    # Of all 200, the fast ones that ran inside the pause (0.56 ... 0.63 s) or the stall
    # (1.20 ... 1.25 s) count too: the base rate to compare the slowest with.
    assert summary["all_requests"] == {"n": 200, "during_gc_pause": 1 + 8,
                                       "during_loop_stall": 1 + 6}
    assert summary["gc"] == {"collections": 3, "full": 1, "pauses": 1,
                             "max_ms": 80.0, "total_ms": 81.2}
    assert summary["loop_late"]["max_ms"] == 60.0 and summary["loop_late"]["stalls"] == 1
    practice, recorded = summary["requests"]["practice"], summary["requests"]["recorded"]
    assert practice["n"] == 198 and practice["max_ms"] == 1.0
    assert recorded == {"n": 2, "p50_ms": 90.0, "p99_ms": 100.0, "max_ms": 100.0}


def test_a_slow_request_clear_of_pauses_and_stalls_is_blamed_on_neither():
    records = _records(198, slow=[(0.500, 0.100), (1.200, 0.080)],
                       collections=[[0.700, 0.080, 2]],  # after the first slow request ended
                       late=[[1.190, 0.050]])  # held 1.14-1.19 s, just before the second began
    assert summary_of(records) == (2, 0, 0)


@pytest.mark.parametrize("interval,meets", [
    ((0.0, 0.5), False), ((2.5, 3.0), False),       # wholly before, wholly after
    ((0.5, 1.0), True), ((2.0, 2.5), True),         # touching either end
    ((1.999, 3.0), True), ((0.0, 1.001), True),     # just inside either end
    ((0.0, 9.0), True), ((1.2, 1.3), True),         # around the request, within it
])
def test_a_request_meets_an_interval_that_shares_any_instant_with_it(interval, meets):
    assert _Intervals([interval]).meet(1.0, 2.0) is meets
    # Among others that miss it, one of them long and far earlier (the search looks back by the
    # longest interval, so it must not stop at that one).
    others = _Intervals([(-9.0, 0.9), (-5.0, -0.5), (3.5, 3.6), interval])
    assert others.meet(1.0, 2.0) is meets


def test_only_the_measured_window_counts():
    records = _records(100, slow=[(0.05, 0.5)], collections=[[0.06, 0.1, 2]], late=[[0.2, 0.1]])
    summary = summarize([records], since=0.1, until=0.5)
    assert summary["requests"]["practice"]["n"] == 40  # starts 0.10 ... 0.49
    assert "recorded" not in summary["requests"]
    assert summary["gc"]["collections"] == 0 and summary["loop_late"]["stalls"] == 1


def test_a_request_is_matched_with_its_own_process_only():
    """Two workers: the first's slow requests overlap the second's pause and stall in time, but
    the second's loop and heap never held them."""
    first = _records(198, slow=[(0.500, 0.100), (1.200, 0.080)], collections=[], late=[])
    second = {"requests": [], "collections": [[0.555, 0.080, 2]], "late": [[1.255, 0.060]]}
    summary = summarize([first, second])
    assert summary["slowest_1pct"]["during_gc_pause"] == 0
    assert summary["slowest_1pct"]["during_loop_stall"] == 0
    assert summary["gc"]["pauses"] == 1 and summary["loop_late"]["stalls"] == 1
    # The same records in one process: then they are blamed.
    one = {**first, "collections": second["collections"], "late": second["late"]}
    assert summary_of(one) == (2, 1, 1)


def summary_of(records: dict) -> tuple[int, int, int]:
    s = summarize([records])["slowest_1pct"]
    return s["n"], s["during_gc_pause"], s["during_loop_stall"]


def test_the_probe_records_a_real_apps_requests_collections_and_stalls(tmp_path, monkeypatch):
    """A small app whose routes collect garbage or hold the loop, through the probe as the bench
    server runs it: lifespan, then requests, then shutdown writes the records."""
    monkeypatch.setattr(latency_probe, "GC_PAUSE", 0.0)  # this process's collections may be quick

    def collect(request):
        gc.collect()
        return PlainTextResponse("collected")

    async def hold(request):  # a blocking call on the loop: every coroutine waits for it
        time.sleep(0.060)
        return PlainTextResponse("held")

    async def hello(request):
        return PlainTextResponse("hello")

    app = Starlette(routes=[Route("/collect", collect, methods=["POST"]),
                            Route("/hold", hold, methods=["POST"]),
                            Route("/bench/hello", hello)])

    async def scenario(probe):
        inbox: asyncio.Queue = asyncio.Queue()
        sent: list[dict] = []

        async def lifespan_send(message):
            sent.append(message)

        lifespan = asyncio.create_task(probe({"type": "lifespan", "asgi": {"version": "3.0"}},
                                             inbox.get, lifespan_send))
        await inbox.put({"type": "lifespan.startup"})
        await asyncio.sleep(0.05)  # the loop probe ticks
        transport = httpx.ASGITransport(app=probe)
        async with httpx.AsyncClient(transport=transport, base_url="http://probe") as client:
            assert (await client.get("/bench/hello")).text == "hello"
            assert (await client.post("/collect")).text == "collected"
            await asyncio.sleep(0.02)
            held = await client.post("/hold", headers={"Authorization": "Bearer x"})
            assert held.text == "held"
            await asyncio.sleep(0.02)  # the probe wakes late and notes it
        await inbox.put({"type": "lifespan.shutdown"})
        await lifespan
        return sent

    probe = Probe(app, tmp_path)
    try:
        sent = asyncio.run(scenario(probe))
    finally:
        gc.callbacks.remove(probe._on_gc)  # the hook would outlive the test otherwise
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    processes = load(tmp_path)
    assert len(processes) == 1
    records = processes[0]
    assert sorted(kind for _, _, kind in records["requests"]) == ["hello", "practice", "recorded"]
    requests = {kind: (start, seconds) for start, seconds, kind in records["requests"]}
    assert requests["recorded"][1] >= 0.060
    start, seconds = requests["practice"]
    assert any(g == 2 and start <= s <= start + seconds for s, _, g in records["collections"])
    assert max(late for _, late in records["late"]) >= 0.040  # held 60 ms, ticking every 5
    summary = summarize(processes)
    assert summary["slowest_1pct"]["n"] == 1 and summary["slowest_1pct"]["during_loop_stall"] == 1
    assert summary["gc"]["full"] >= 1
