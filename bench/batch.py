"""Batch grading throughput and memory: a generated class (bench/classgen.py: right, wrong,
malformed, missing and copied answers to every problem of hw1, plus error rows) of N rows,
graded by `hwcheck grade-batch` exactly as an instructor runs it.

    python bench/batch.py --rows 100000 --runs 3 [--workers 2] [--sizes 10000,30000]

For each run: wall time, rows per second, peak resident memory of the main process and of all
its processes together (sampled every 0.1 s from /proc: main + forkserver + workers), and CPU
seconds of the main process (the pipeline's own overhead: reading, writing, analytics — what
competes with the workers for the cores) and of all the processes (the whole work; rows per CPU
second is much less sensitive to a loaded machine than rows per second of wall time).
`--sizes` grades smaller classes once each, to show the main process's peak does not grow with
the rows. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.classgen import write_csv  # noqa: E402
from service.courses.templates import load_assignments  # noqa: E402


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process (not its children), from /proc/<pid>/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
        return 0.0


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                found.extend(map(int, children))
                todo.extend(map(int, children))
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


def run_once(csv_path: Path, workers: int, out: Path) -> dict:
    command = [sys.executable, "-m", "service.cli.main", "grade-batch", str(csv_path), "--out", str(out),
               "--assignment", "hw1", "--workers", str(workers), "--quiet"]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak_main = peak_all = 0
    main_cpu = all_cpu = 0.0
    done = threading.Event()

    def sample():
        nonlocal peak_main, peak_all, main_cpu, all_cpu
        while not done.is_set():
            children = descendants(process.pid)
            main_cpu = max(main_cpu, cpu_seconds(process.pid))
            all_cpu = max(all_cpu, main_cpu + sum(cpu_seconds(child) for child in children))
            main = rss_kib(process.pid)
            total = main + sum(rss_kib(child) for child in children)
            peak_main, peak_all = max(peak_main, main), max(peak_all, total)
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"grade-batch failed:\n{stderr.decode()}")
    import json

    summary = json.loads(stdout)
    return {"rows": summary["rows"], "errors": summary["errors"], "wall": wall, "rows_per_s": summary["rows"] / wall,
            "peak_main_mib": peak_main / 1024, "peak_all_mib": peak_all / 1024, "main_cpu": main_cpu,
            "all_cpu": all_cpu, "rows_per_cpu_s": summary["rows"] / all_cpu if all_cpu else 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--sizes", default="", help="comma-separated smaller row counts, one run each")
    args = parser.parse_args()
    per_student = len(load_assignments()["hw1"].problems)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        results = []
        sizes = [int(s) for s in args.sizes.split(",") if s]
        for rows in sizes + [args.rows]:
            csv_path = tmp / f"class-{rows}.csv"
            made = write_csv(csv_path, math.ceil(rows / per_student), limit=rows)
            mib = csv_path.stat().st_size / 2**20
            runs = args.runs if rows == args.rows else 1
            for run in range(runs):
                result = run_once(csv_path, args.workers, tmp / f"out-{rows}-{run}")
                result.update(size=rows, input_mib=mib, made=made)
                results.append(result)
                print(f"{rows} rows run {run + 1}: {result['wall']:.1f} s, {result['rows_per_s']:.0f} rows/s, "
                      f"main peak {result['peak_main_mib']:.0f} MiB, all {result['peak_all_mib']:.0f} MiB, "
                      f"main CPU {result['main_cpu']:.1f} s, all CPU {result['all_cpu']:.1f} s",
                      file=sys.stderr, flush=True)
    print(f"\nworkers={args.workers}, cpus={os.cpu_count()}\n")
    print("| rows | input MiB | wall s | rows/s | peak RSS main MiB | peak RSS all processes MiB | main CPU s "
          "| all CPU s | rows per CPU s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['size']:,} | {r['input_mib']:.1f} | {r['wall']:.1f} | {r['rows_per_s']:.0f} | "
              f"{r['peak_main_mib']:.0f} | {r['peak_all_mib']:.0f} | {r['main_cpu']:.1f} | {r['all_cpu']:.1f} | "
              f"{r['rows_per_cpu_s']:.0f} |")
    full = [r for r in results if r["size"] == args.rows]
    print(f"\nmedian of {len(full)} runs at {args.rows:,} rows: "
          f"{statistics.median(r['rows_per_s'] for r in full):.0f} rows/s, "
          f"main peak {statistics.median(r['peak_main_mib'] for r in full):.0f} MiB, "
          f"all {statistics.median(r['peak_all_mib'] for r in full):.0f} MiB")


if __name__ == "__main__":
    main()
