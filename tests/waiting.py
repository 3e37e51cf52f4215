"""Waiting for a server a test (or a benchmark) started: the one loop they all use."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable

import httpx


def wait_until_answers(url: str, process: subprocess.Popen, seconds: float,
                       answered: Callable[[httpx.Response], bool] = lambda response: True) -> None:
    """Poll `url` until it answers (and `answered` says the answer will do). RuntimeError when
    the process exits first ("exited") or time runs out ("did not answer"); the caller adds its
    log and stops the process."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if answered(httpx.get(url, timeout=2)):
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode}")
        time.sleep(0.2)
    raise RuntimeError(f"did not answer within {seconds:g} s")
