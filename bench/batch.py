"""Batch grading throughput and memory: a generated class (bench/classgen.py: right, wrong,
malformed, missing and copied answers to every problem of hw1, plus error rows) of N rows,
graded by `hwcheck grade-batch` exactly as an instructor runs it, side by side with the grader's
own rate on the same rows (`grade_chunk` alone on one core in this process, the rows read and
prepared first, not timed; just before and just after the batch, averaged): the ratio is rows/s ÷
(grader rate × workers).

    python bench/batch.py --rows 100000 --runs 3 [--workers 2] [--sizes 10000,30000] [--numeric]

For each run: wall time, rows per second, peak resident memory of the main process and of all
its processes together (sampled every 0.1 s from /proc: main + forkserver + workers), and CPU
seconds of the main process (the pipeline's own overhead: reading, writing, analytics — what
competes with the workers for the cores) and of all the processes (the whole work; rows per CPU
second is much less sensitive to a loaded machine than rows per second of wall time).
`--sizes` grades smaller classes once each, to show the main process's peak does not grow with
the rows. `--numeric` answers no expression (symbolic) part, bench/grading.py's "numeric" mix.
Prints a Markdown table. (Queued jobs, on Redis and `hwcheck worker`s: bench/batch_queue.py.)
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, bench/ is first on the path, and bench/http.py would stand in for the standard
# library's http (the grader's imports need the real one).
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.classgen import write_csv  # noqa: E402
from service.courses.templates import load_assignments  # noqa: E402


def grader_rate(csv_path: Path, rows: int = 100_000, ready=lambda: None) -> float:
    """Rows per second of grading alone, one core, on the first `rows` rows (a million do not fit
    in memory at once here): the rows read and prepared first, not timed; `ready()` is called
    between the two (a barrier, for `grader_rate_together`)."""
    from itertools import islice

    from service.batch.inputs import read_rows
    from service.batch.run import Context, grade_chunk, prepare

    prepared = list(islice(prepare(read_rows(csv_path), Context()), rows))
    ready()
    start = time.process_time()
    grade_chunk(prepared)
    return len(prepared) / (time.process_time() - start)


def _grade_with_others(csv_path: Path, rows: int, start, rates) -> None:
    rates.put(grader_rate(csv_path, rows, ready=start.wait))  # every process grades at once


def grader_rate_together(csv_path: Path, processes: int, rows: int = 50_000) -> float:
    """The grader's rate per core with `processes` cores grading at once (each process the same
    first `rows` rows, from one barrier; their rates averaged). On this machine two busy vCPUs
    slow each other, so this is the most W workers' cores can give, where `grader_rate` (one
    busy core) is the figure the target is set against."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    start, rates = context.Barrier(processes), context.Queue()
    graders = [context.Process(target=_grade_with_others, args=(csv_path, rows, start, rates))
               for _ in range(processes)]
    for process in graders:
        process.start()
    found = [rates.get() for _ in graders]
    for process in graders:
        process.join()
    return sum(found) / processes


def beside_the_grader(csv_path: Path, run):
    """`run()`'s result, with the grader's rate on the same rows just before and just after it
    (this shared machine's speed drifts within minutes): (result, mean rate, before, after)."""
    before = grader_rate(csv_path)
    result = run()
    after = grader_rate(csv_path)
    return result, (before + after) / 2, before, after


def rss_kib(pid: int, field: str = "VmRSS") -> int:
    """A process's resident memory now, or (`field="VmHWM"`) its peak so far, as the kernel kept it."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def cpu_seconds(pid: int, reaped: bool = False) -> float:
    """utime + stime of one process, from /proc/<pid>/stat; `reaped`: with its children that
    have ended and been waited for (cutime + cstime)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if reaped else 0)
        return ticks / os.sysconf("SC_CLK_TCK")
    except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
        return 0.0


def children(pid: int) -> list[int]:
    """The processes any thread of `pid` started (one read per thread: a server has dozens)."""
    try:
        return [int(child) for task in Path(f"/proc/{pid}/task").iterdir()
                for child in (task / "children").read_text().split()]
    except (FileNotFoundError, ProcessLookupError):
        return []


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        below = children(todo.pop())
        found.extend(below)
        todo.extend(below)
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
    parser.add_argument("--numeric", action="store_true", help="leave every expression part unanswered")
    args = parser.parse_args()
    per_student = len(load_assignments()["hw1"].problems)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        results = []
        sizes = [int(s) for s in args.sizes.split(",") if s]
        for rows in sizes + [args.rows]:
            csv_path = tmp / f"class-{rows}.csv"
            made = write_csv(csv_path, math.ceil(rows / per_student), limit=rows, numeric=args.numeric)
            mib = csv_path.stat().st_size / 2**20
            runs = args.runs if rows == args.rows else 1
            for run in range(runs):
                result, rate, before, after = beside_the_grader(
                    csv_path, lambda: run_once(csv_path, args.workers, tmp / f"out-{rows}-{run}"))
                result.update(size=rows, input_mib=mib, made=made, grader=rate,
                              ratio=result["rows_per_s"] / (rate * args.workers))
                results.append(result)
                print(f"{rows} rows run {run + 1}: grader {rate:.0f} rows/s/core ({before:.0f} before, "
                      f"{after:.0f} after); {result['wall']:.1f} s, "
                      f"{result['rows_per_s']:.0f} rows/s ({result['ratio']:.0%} of grader × {args.workers}), "
                      f"main peak {result['peak_main_mib']:.0f} MiB, all {result['peak_all_mib']:.0f} MiB, "
                      f"main CPU {result['main_cpu']:.1f} s, all CPU {result['all_cpu']:.1f} s",
                      file=sys.stderr, flush=True)
    print(f"\nworkers={args.workers}, cpus={os.cpu_count()}, mix={'numeric' if args.numeric else 'hw1'}\n")
    print("| rows | input MiB | grader rows/s (1 core) | wall s | rows/s | ratio to grader × W | peak RSS main MiB "
          "| peak RSS all processes MiB | main CPU s | all CPU s | rows per CPU s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['size']:,} | {r['input_mib']:.1f} | {r['grader']:.0f} | {r['wall']:.1f} | {r['rows_per_s']:.0f} | "
              f"{r['ratio']:.0%} | {r['peak_main_mib']:.0f} | {r['peak_all_mib']:.0f} | {r['main_cpu']:.1f} | "
              f"{r['all_cpu']:.1f} | {r['rows_per_cpu_s']:.0f} |")
    full = [r for r in results if r["size"] == args.rows]
    print(f"\nmedian of {len(full)} runs at {args.rows:,} rows: "
          f"{statistics.median(r['rows_per_s'] for r in full):.0f} rows/s, "
          f"ratio {statistics.median(r['ratio'] for r in full):.0%}, "
          f"main peak {statistics.median(r['peak_main_mib'] for r in full):.0f} MiB, "
          f"all {statistics.median(r['peak_all_mib'] for r in full):.0f} MiB")


if __name__ == "__main__":
    main()
