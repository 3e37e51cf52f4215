"""Database work an async route hands to a worker thread (the recorded path's reads, and its
step-by-step fallback).

A pool of our own rather than `run_in_threadpool` (anyio's): under 32 concurrent requests its
hop cost about twice the CPU of `run_in_executor` on a plain pool (bench/RESULTS-costs.md),
and a recorded grading makes one on every request. The caller's
context variables go along (the request id on log lines).

Gradings that may be slow stay on anyio's threads (service/grading.py): on this pool, practice
at a third of capacity answered with a higher median latency, the throughput the same
(bench/RESULTS-costs.md) — measured, the cause not pinned down."""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

# Enough for the reads of every request in flight to wait on the database at once, few enough
# that they do not fight over the GIL; the writer (service/store/writer.py) has its own thread.
THREADS = 8

_pool = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="hwcheck-worker")


async def in_thread(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    context = contextvars.copy_context()
    call = functools.partial(context.run, function, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(_pool, call)
