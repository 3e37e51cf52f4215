"""Queued batch jobs against the grader's own speed, side by side in one run: a generated class
(bench/classgen.py, hw1's mix) is graded (1) in this process by `grade_chunk` alone — the
grader's rate on one core, nothing read or written, measured just before and just after (2), and
the two averaged — and (2) as an API job on the Redis queue:
a real `hwcheck serve` (enqueues, writes the outputs) and W `hwcheck worker` processes, from the
upload to `done`, after a small warm-up job (the workers' solver caches warm, as the grader's
are). Reported: rows/s, the ratio to grader rate × W, the peak RSS of the server's
main process (VmHWM) and, apart, of the process it starts to write a job's outputs, and CPU
seconds of the server (with that writer) and of the workers. Beside the ratio: the grader's rate
per core with W processes grading at once (bench/batch.py's `grader_rate_together`) — on this
machine's vCPUs one busy core grades faster than each of two, and the workers' CPU for the same
job varied by a fifth from run to run with it — and the ratio to that.

    python bench/batch_queue.py --rows 100000 --workers 2 [--database-url postgresql+psycopg://…]
        [--redis redis://127.0.0.1:6379/0] [--runs 3] [--sizes 10000] [--numeric]

--numeric answers no expression (symbolic) part, as bench/grading.py's "numeric" figure does.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, bench/ is first on the path, and bench/http.py would stand in for the standard
# library's http (httpx needs the real one).
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

import httpx  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from live_server import INSTRUCTOR_TOKEN, start_server  # noqa: E402

from bench.batch import (  # noqa: E402
    beside_the_grader,
    children,
    cpu_seconds,
    descendants,
    grader_rate_together,
    rss_kib,
)
from bench.classgen import write_csv  # noqa: E402
from service.courses.templates import load_assignments  # noqa: E402

AUTH = {"Authorization": f"Bearer {INSTRUCTOR_TOKEN}"}
HWCHECK = str(Path(sys.executable).parent / "hwcheck")


def queued_run(tmp: Path, csv_path: Path, workers: int, redis: str, database_url: str | None) -> dict:
    env = {"HWCHECK_REDIS_URL": redis, "HWCHECK_QUEUE_NAMESPACE": f"hwcheck-bench-{uuid.uuid4().hex[:8]}",
           "HWCHECK_RATE_LIMIT_PER_IP": "0", "HWCHECK_RATE_LIMIT_PER_TOKEN": "0",
           "HWCHECK_MAX_BATCH_BODY_BYTES": str(2**31)}  # a million rows are 220 MB
    server = start_server(tmp, env=env, database_url=database_url, name="bench-server")
    worker_env = {**os.environ, **env,
                  "HWCHECK_DATABASE_URL": database_url or f"sqlite:///{server.data_dir / 'hwcheck.db'}"}
    started = [subprocess.Popen([HWCHECK, "worker", "--processes", "1"], env=worker_env, cwd=tmp,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
               for _ in range(workers)]
    peak_writer = 0
    done = threading.Event()
    # The kernel keeps each process's peak (VmHWM): the server's is read once at the end, and the
    # sampler only looks at the forkserver's children (the output writer) — walking every thread
    # of the server ten times a second, as it did, cost this process 3 CPU s per 100,000-row job,
    # taken from the cores the workers grade on.
    helpers = descendants(server.process.pid)

    def sample():
        nonlocal peak_writer
        while not done.is_set():
            peak_writer = max([peak_writer] + [rss_kib(child, "VmHWM") for helper in helpers
                                               for child in children(helper)])
            time.sleep(0.1)

    threading.Thread(target=sample, daemon=True).start()
    def server_cpu() -> float:  # an ended output writer is reaped: its CPU counts in the forkserver's
        return cpu_seconds(server.process.pid) + sum(cpu_seconds(pid, reaped=True)
                                                     for pid in descendants(server.process.pid))

    def worker_cpu() -> float:
        return sum(cpu_seconds(pid) for process in started for pid in [process.pid, *descendants(process.pid)])

    client = httpx.Client(base_url=server.base, headers=AUTH, timeout=600)

    def run_job(body: bytes) -> dict:
        job = client.post("/api/batch/jobs", content=body, headers={"Content-Type": "text/csv"}).json()
        while (seen := client.get(f"/api/batch/jobs/{job['id']}").json())["status"] in ("queued", "running"):
            time.sleep(0.25)  # what a client might poll at (20 a second added about a CPU second per 100k rows to the server's share)
        return seen

    try:
        time.sleep(2)  # the workers connect
        # A worker that has run a while has its imports done and its solver cache warm, as the
        # grader figure's process has: the workers first grade a small job of the same class
        # (two chunks of its first rows: every problem and variant), not timed.
        with open(csv_path, "rb") as handle:
            warm_up = b"".join(line for _, line in zip(range(4001), handle))
        if run_job(warm_up)["status"] != "done":
            raise SystemExit("the warm-up job did not finish")
        time.sleep(0.5)
        server_start, workers_start = server_cpu(), worker_cpu()
        start = time.perf_counter()
        seen = run_job(csv_path.read_bytes())
        wall = time.perf_counter() - start
        time.sleep(0.5)
        server_used, workers_used = server_cpu() - server_start, worker_cpu() - workers_start
        peak = rss_kib(server.process.pid, "VmHWM")
        if seen["status"] != "done":
            raise SystemExit(f"the job ended {seen['status']}: {seen['message']}")
    finally:
        done.set()
        client.close()
        for process in started:
            os.killpg(process.pid, 15)
            process.wait(timeout=30)
        server.stop()
    # CPU seconds of the timed job alone (the warm-up's and the imports before it left out).
    return {"rows": seen["rows_done"], "wall": wall, "rows_per_s": seen["rows_done"] / wall, "peak_main_mib": peak / 1024,
            "peak_writer_mib": peak_writer / 1024, "server_cpu": server_used, "worker_cpu": workers_used}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--sizes", default="", help="comma-separated smaller row counts, one run each")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--database-url", default=None, help="default: the server's own SQLite file")
    parser.add_argument("--numeric", action="store_true", help="leave every expression part unanswered")
    args = parser.parse_args()
    per_student = len(load_assignments()["hw1"].problems)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for rows in [int(s) for s in args.sizes.split(",") if s] + [args.rows]:
            csv_path = tmp / f"class-{rows}.csv"
            write_csv(csv_path, math.ceil(rows / per_student), limit=rows, numeric=args.numeric)
            for run in range(args.runs if rows == args.rows else 1):
                folder = tmp / f"run-{rows}-{run}"
                folder.mkdir()
                result, rate, before, after = beside_the_grader(
                    csv_path, lambda: queued_run(folder, csv_path, args.workers, args.redis, args.database_url))
                together = grader_rate_together(csv_path, args.workers)
                result.update(size=rows, grader=rate, grader_before=before, grader_after=after,
                              ratio=result["rows_per_s"] / (rate * args.workers), together=together,
                              ratio_together=result["rows_per_s"] / (together * args.workers))
                results.append(result)
                print(f"{rows} rows: grader {rate:.0f} rows/s/core ({before:.0f} before, {after:.0f} after; "
                      f"{together:.0f} with {args.workers} cores at once); queued {result['rows_per_s']:.0f} rows/s "
                      f"({result['ratio']:.0%} of grader × {args.workers}, {result['ratio_together']:.0%} of the "
                      f"{args.workers} at once), {result['wall']:.1f} s, "
                      f"server main peak {result['peak_main_mib']:.0f} MiB, its writer {result['peak_writer_mib']:.0f} MiB; CPU s: server {result['server_cpu']:.1f}, "
                      f"workers {result['worker_cpu']:.1f}", file=sys.stderr, flush=True)
    print(f"\nworkers={args.workers}, cpus={os.cpu_count()}, database={'PostgreSQL' if args.database_url else 'SQLite'}, "
          f"mix={'numeric' if args.numeric else 'hw1'}\n")
    print("| rows | grader rows/s (1 core) | queued rows/s | ratio to grader × W | grader rows/s per core, W at once "
          "| ratio to it | wall s | server main peak MiB | output writer peak MiB | CPU s server / workers |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['size']:,} | {r['grader']:.0f} | {r['rows_per_s']:.0f} | {r['ratio']:.0%} | {r['together']:.0f} | "
              f"{r['ratio_together']:.0%} | {r['wall']:.1f} | {r['peak_main_mib']:.0f} | {r['peak_writer_mib']:.0f} | "
              f"{r['server_cpu']:.1f} / {r['worker_cpu']:.1f} |")
    full = [r for r in results if r["size"] == args.rows]
    print(f"\nmedian at {args.rows:,} rows: {statistics.median(r['rows_per_s'] for r in full):.0f} rows/s, "
          f"ratio {statistics.median(r['ratio'] for r in full):.0%} "
          f"({statistics.median(r['ratio_together'] for r in full):.0%} of the grader on W cores at once)")


if __name__ == "__main__":
    main()
