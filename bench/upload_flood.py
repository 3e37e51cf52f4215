"""Issue 23, item 4: what anonymous uploads cost the server's memory. 100 POSTs of 19.5 MB (20 at
once) to /api/batch/jobs (no token: 401) and /api/batch/<nowhere> (404) against a real server;
prints the statuses and the server's resident memory before, at its peak and after.

    python -m bench.upload_flood
"""

from __future__ import annotations

import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests" / "service"), str(ROOT / "tests")]

from live_server import start_server  # noqa: E402
from test_hostile_connections import Watch, tree_rss_mib  # noqa: E402


def main() -> None:
    server = start_server(Path(tempfile.mkdtemp()), workers=1, env={"HWCHECK_RATE_LIMIT_PER_IP": "0"})
    body = b"x" * 19_500_000

    def attack(i: int) -> tuple[int, float]:
        started = time.perf_counter()
        try:
            status = httpx.post(server.base + ("/api/batch/jobs" if i % 2 else "/api/batch/nowhere"),
                                content=body, timeout=60, headers={"Content-Type": "text/csv"}).status_code
        except httpx.HTTPError:
            status = 0
        return status, time.perf_counter() - started

    try:
        before = tree_rss_mib(server.process.pid)
        with Watch(server) as watch, ThreadPoolExecutor(20) as pool:
            outcomes = list(pool.map(attack, range(100)))
        time.sleep(1)
        after = tree_rss_mib(server.process.pid)
    finally:
        server.stop()
    print(f"statuses {sorted({s for s, _ in outcomes})}, slowest {max(t for _, t in outcomes):.2f} s; "
          f"server RSS {before:.0f} -> peak {watch.peak_mib:.0f} -> after {after:.0f} MiB; "
          f"/healthz slowest {watch.slowest * 1000:.0f} ms")


if __name__ == "__main__":
    main()
