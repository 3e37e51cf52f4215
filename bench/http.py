"""HTTP throughput and latency of the real server, driven by wrk (a load generator in its own
process), three scenarios side by side on the same server in the same run:

- `hello`: `GET /bench/hello`, a bare FastAPI route returning a tiny JSON (bench/http_app.py,
  never in the production routes) — the yardstick;
- `practice`: `POST /api/grade/{id}` without a token: a mix of problems, right and wrong answers,
  JSON values and typed strings, the published numbers and a few seeds;
- `recorded`: the same routes with the bearer tokens of the course's students (rotating over
  all of them), each submission graded for an assignment and stored.

    python -m bench.http [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/hwbench]
                         [--runs 3] [--duration 10] [--connections 32] [--threads 1]
                         [--servers 1,2] [--source after=. --source before=/tmp/http-before]
                         [--think-ms 50] [--slices 4] [--probe]

Each run starts a fresh server (uvicorn in a subprocess, `hwcheck serve`'s settings, one worker)
on a fresh database (a SQLite file in a temporary folder, or the PostgreSQL database given, its
schema dropped), seeds a course with an assignment and 40 students, warms up, then runs wrk for
each scenario: the scenarios take turns, each's `--duration` cut into `--slices` turns of whole
seconds (hello, practice, recorded, hello, ...), so that a change in the shared machine's load
falls on all three alike rather than on whichever ran in that window. Runs alternate between
the sources (`--source name=path`: a source tree to serve, e.g. a git worktree of an older
commit) and between server counts (`--servers 1,2`: that many server processes on the same
database, each wrk of `--connections / servers` connections on its own port). Afterwards: every
submission id a recorded 2xx answer acknowledged must be in the database, and the database may
hold at most `connections` rows more per turn (requests still in flight when wrk stopped,
answered after it had gone). Prints Markdown tables of medians (req/s, p50, p99 and the ratio
to hello of the same run; with turns, a run's p50 is the median of its turns' and its p99 the
worst); `--json FILE` keeps every run.

By default every connection sends its next request the moment the last is answered: the server
is saturated, throughput is the figure and latency is mostly queueing (p50 ≈ connections /
throughput). `--think-ms N` makes each connection wait N ms between requests, as students do
between submissions: the load is then below saturation and p50/p99 are the latency a student
sees at that load (the req/s printed is the load offered and served, not a capacity).

`--probe` asks what a tail was made of: each server records its requests, its garbage
collections and how late its event loop wakes (bench/latency_probe.py), and every run's line is
followed by the server's own p99 per scenario and how many of its slowest 1 % of requests
overlapped a collection pause or a stall of the loop.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bench import latency_probe  # noqa: E402
from tests.waiting import wait_until_answers  # noqa: E402

INSTRUCTOR_TOKEN = "hwi_bench-http-instructor-token-0123456789"
INSTRUCTOR = {"Authorization": f"Bearer {INSTRUCTOR_TOKEN}"}
STUDENTS = 40
SLUG = "hwb"
SCENARIOS = ("hello", "practice", "recorded")
# A realistic spread: cheap and expensive problems, vectors, matrices, sets, expressions.
PROBLEMS = (
    "lipschitz-linear", "logistic-regression-gradient", "quadratic-form-gradient", "softmax-ce-gradient",
    "mlp-bce-backprop", "adam-bias-correction", "receptive-field", "gd-quadratic-convergence",
    "inverse-derivative", "batchnorm-backward",
)


# --- the requests -----------------------------------------------------------------------------


def _wrong(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value * 1.1 + 0.5
    if isinstance(value, list):
        return [_wrong(v) for v in value]
    if isinstance(value, str):
        return f"2*({value})"  # an expression off by a factor (the grader's feedback path)
    if isinstance(value, dict):
        return {k: _wrong(v) for k, v in value.items()}
    return value


def _typed(value):
    """As a student types it: numbers as text, vectors/matrices MATLAB-style."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list) and value and all(isinstance(v, (int, float)) for v in value):
        return "[" + " ".join(repr(v) for v in value) + "]"
    if isinstance(value, list) and value and all(isinstance(v, list) for v in value):
        return "[" + "; ".join(" ".join(repr(x) for x in row) for row in value) + "]"
    return value


def answer_sets() -> dict[str, list[dict]]:
    """For each problem: right (JSON), right (typed), wrong, half right half missing."""
    from problems import registry
    from problems.core import reference, to_json

    sets = {}
    for problem_id in PROBLEMS:
        problem = registry.PROBLEMS[problem_id]
        parts = [p.id for p in problem.parts]
        key = {k: v for k, v in to_json(reference(problem, "default")).items() if k in parts}
        half = {k: key[k] for k in parts[: max(1, len(parts) // 2)] if k in key}
        sets[problem_id] = [key, {k: _typed(v) for k, v in key.items()}, {k: _wrong(v) for k, v in key.items()},
                            half]
    return sets


def write_requests(folder: Path, tokens: list[str]) -> dict[str, Path]:
    sets = answer_sets()
    lines = {name: [] for name in SCENARIOS}
    lines["hello"].append("GET\t/bench/hello\t-\t-")
    n = 0
    for round_ in range(4):
        for problem_id, answers in sets.items():
            for i, answer in enumerate(answers):
                # Practice: mostly the published numbers, sometimes a seed (wrong for those).
                variant = "default" if (n % 5) else (n % 4) + 1
                body = json.dumps({"variant": variant, "answers": answer}, separators=(",", ":"))
                lines["practice"].append(f"POST\t/api/grade/{problem_id}\t-\t{body}")
                body = json.dumps({"assignment": SLUG, "answers": answer}, separators=(",", ":"))
                lines["recorded"].append(f"POST\t/api/grade/{problem_id}\tBearer {{token}}\t{body}")
                n += 1
    # Interleave so consecutive requests differ in problem and in answer kind.
    paths = {}
    for name, entries in lines.items():
        ordered = entries[::2] + entries[1::2] if len(entries) > 1 else entries
        # The students take turns in the order the requests are sent: with 40 students and 32
        # connections, the requests in flight together are different students', as in a class.
        # (Before, one student's two submissions of the same problem were 20 requests apart,
        # so most requests raced another for the same attempt number; the races themselves are
        # tested in tests/service/courses/test_attempts.py.)
        ordered = [line.replace("{token}", tokens[i % len(tokens)]) for i, line in enumerate(ordered)]
        paths[name] = folder / f"{name}.requests"
        paths[name].write_text("\n".join(ordered) + "\n")
    return paths


# --- servers ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def start_server(source: Path, folder: Path, env: dict[str, str], workers: int, name: str) -> Server:
    app_dir = folder / "app"
    app_dir.mkdir(exist_ok=True)
    shutil.copy(ROOT / "bench" / "http_app.py", app_dir / "hwcheck_bench_app.py")
    shutil.copy(ROOT / "bench" / "latency_probe.py", app_dir / "hwcheck_latency_probe.py")
    port = free_port()
    pythonpath = os.pathsep.join(filter(None, [str(source), str(app_dir), os.environ.get("BENCH_PYTHONPATH")]))
    full_env = {**os.environ, **env, "PYTHONPATH": pythonpath, "PYTHONUNBUFFERED": "1"}
    log = folder / f"{name}.log"
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "hwcheck_bench_app", "--port", str(port), "--workers", str(workers)],
            cwd=app_dir, env=full_env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    server = Server(port, process, log)
    try:
        wait_until_answers(server.base + "/bench/hello", process, 90, lambda r: r.status_code == 200)
    except RuntimeError as failure:
        server.stop()
        raise RuntimeError(f"the server {failure}:\n{log.read_text()[-3000:]}") from None
    return server


def seed(base: str) -> list[str]:
    with httpx.Client(base_url=base, timeout=60, headers=INSTRUCTOR) as http:
        course = http.post("/api/courses", json={"name": "Bench 101"})
        course.raise_for_status()
        course_id = course.json()["id"]
        made = http.post(f"/api/courses/{course_id}/assignments", json={
            "slug": SLUG, "title": "Bench", "due_at": "2099-01-01T00:00:00Z", "randomized": False,
            "problems": [{"problem_id": p, "points": 10} for p in PROBLEMS]})
        assert made.status_code == 201, made.text
        roster = http.post(f"/api/courses/{course_id}/roster", json=[
            {"student_id": f"b{i:03}", "name": f"Student {i}", "email": f"b{i}@example.edu", "section": "1"}
            for i in range(STUDENTS)])
        assert roster.status_code == 200, roster.text
        return [s["token"] for s in roster.json()["students"]]


# --- wrk --------------------------------------------------------------------------------------


def run_wrk(bases: list[str], requests: Path, folder: Path, seconds: float, connections: int,
            threads: int, think_ms: int = 0) -> dict:
    """One wrk per server (connections split between them), all at once; their figures merged:
    requests added up, p50 the mean and p99 the worst of theirs."""
    procs = []
    per = max(1, connections // len(bases))
    for i, base in enumerate(bases):
        ids = folder / f"ids-{i}.txt"
        env = {**os.environ, "BENCH_REQUESTS": str(requests), "BENCH_IDS": str(ids), "BENCH_THINK_MS": str(think_ms)}
        cmd = ["wrk", f"-t{threads}", f"-c{per}", f"-d{int(seconds)}s", "--timeout", "10s",
               "-s", str(ROOT / "bench" / "http.lua"), base + "/"]
        procs.append((subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                       text=True), ids))
    results = []
    all_ids: list[int] = []
    for proc, ids in procs:
        out, _ = proc.communicate(timeout=seconds + 120)
        line = next((l for l in out.splitlines() if l.startswith("BENCH ")), None)
        if line is None:
            raise RuntimeError(f"wrk said:\n{out}")
        results.append(json.loads(line[6:]))
        if ids.exists():
            all_ids += [int(x) for x in ids.read_text().split()]
            ids.unlink()
    statuses: dict[str, int] = {}
    for r in results:
        for status, n in r["statuses"].items():
            statuses[status] = statuses.get(status, 0) + n
    duration = max(r["duration_us"] for r in results) / 1e6
    total = sum(r["requests"] for r in results)
    return {
        "requests": total,
        "rps": total / duration,
        "seconds": duration,
        "p50_ms": statistics.mean(r["p50_us"] for r in results) / 1000,
        "p99_ms": max(r["p99_us"] for r in results) / 1000,
        "statuses": statuses,
        "ok": sum(n for s, n in statuses.items() if 200 <= int(s) < 300),
        "server_errors": sum(n for s, n in statuses.items() if int(s) >= 500),
        "socket_errors": {k: sum(r["errors"][k] for r in results) for k in results[0]["errors"]},
        "ids": all_ids,
    }


def merge(slices: list[dict]) -> dict:
    """One scenario's slices as one result: requests and time added up; p50 the median of the
    slices' and p99 the worst of them (wrk gives percentiles, not its histogram)."""
    statuses: dict[str, int] = {}
    for r in slices:
        for status, n in r["statuses"].items():
            statuses[status] = statuses.get(status, 0) + n
    requests = sum(r["requests"] for r in slices)
    return {
        "requests": requests,
        "seconds": sum(r["seconds"] for r in slices),
        "rps": requests / sum(r["seconds"] for r in slices),
        "p50_ms": statistics.median(r["p50_ms"] for r in slices),
        "p99_ms": max(r["p99_ms"] for r in slices),
        "statuses": statuses,
        "ok": sum(r["ok"] for r in slices),
        "server_errors": sum(r["server_errors"] for r in slices),
        "socket_errors": {k: sum(r["socket_errors"][k] for r in slices) for k in slices[0]["socket_errors"]},
        "ids": [i for r in slices for i in r["ids"]],
    }


def count_rows(url: str) -> tuple[int, int, set[int]]:
    """(practice rows, recorded rows, recorded ids) in the database."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        practice = connection.execute(text("SELECT count(*) FROM gradings WHERE student_pk IS NULL")).scalar()
        recorded = {row[0] for row in connection.execute(text("SELECT id FROM gradings WHERE student_pk IS NOT NULL"))}
    engine.dispose()
    return practice, len(recorded), recorded


def settle(url: str) -> None:
    """Wait until the number of stored gradings stops changing (for 0.5 s)."""
    last = None
    for _ in range(60):
        practice, recorded, _ = count_rows(url)
        if (practice, recorded) == last:
            return
        last = (practice, recorded)
        time.sleep(0.5)


# --- one run ----------------------------------------------------------------------------------


@dataclass
class Run:
    source: str
    database: str
    servers: int
    results: dict[str, dict] = field(default_factory=dict)
    checks: dict = field(default_factory=dict)
    probe: dict | None = None


def one_run(args, source_name: str, source: Path, servers: int) -> Run:
    folder = Path(tempfile.mkdtemp(prefix="hwbench-"))
    try:
        if args.database_url:
            reset_postgres(args.database_url)
            url = args.database_url
        else:
            url = f"sqlite:///{folder / 'data' / 'hwcheck.db'}"
        env = {
            "HWCHECK_DATA_DIR": str(folder / "data"),
            "HWCHECK_INSTRUCTOR_TOKEN": INSTRUCTOR_TOKEN,
            # The limits stay on (their middleware runs on every request), set out of reach.
            "HWCHECK_RATE_LIMIT_PER_IP": "1000000000",
            "HWCHECK_RATE_LIMIT_PER_TOKEN": "1000000000",
        }
        if args.database_url:
            env["HWCHECK_DATABASE_URL"] = args.database_url
        if args.probe:
            env["HWCHECK_BENCH_PROBE"] = str(folder / "probe")
            (folder / "probe").mkdir()
        started = []
        try:
            # The first server migrates the schema alone; the others start once it is there.
            for i in range(servers):
                started.append(start_server(source, folder, env, args.workers, f"server{i}"))
            bases = [s.base for s in started]
            tokens = seed(bases[0])
            requests = write_requests(folder, tokens)
            for name in SCENARIOS:  # warm every path (imports, caches, connection pools)
                run_wrk(bases, requests[name], folder, args.warmup, args.connections, args.threads, args.think_ms)
            settle(url)  # warm-up requests still in flight when wrk stopped: let them land first
            practice0, recorded0, ids0 = count_rows(url)
            run = Run(source_name, "postgresql" if args.database_url else "sqlite", servers)
            # The scenarios take turns in slices (hello, practice, recorded, hello, ...), so that a
            # change in what else the shared machine runs falls on all three alike.
            slices: dict[str, list[dict]] = {name: [] for name in SCENARIOS}
            measured_from = time.monotonic()  # the probe's clock: the same in every process
            for _ in range(args.slices):
                for name in SCENARIOS:
                    slices[name].append(run_wrk(bases, requests[name], folder, max(1, round(args.duration / args.slices)),
                                                args.connections, args.threads, args.think_ms))
                    settle(url)  # requests still in flight when wrk stopped finish before the next one
            measured_to = time.monotonic()
            run.results = {name: merge(parts) for name, parts in slices.items()}
            practice1, recorded1, ids1 = count_rows(url)
            acknowledged = set(run.results["recorded"]["ids"])
            new_ids = ids1 - ids0
            run.checks = {
                "practice_2xx": run.results["practice"]["ok"],
                "practice_rows": practice1 - practice0,
                "recorded_2xx": run.results["recorded"]["ok"],
                "recorded_rows": recorded1 - recorded0,
                "acknowledged_missing": len(acknowledged - new_ids),
                "server_errors": sum(r["server_errors"] for r in run.results.values()),
            }
            c = run.checks
            c["ok"] = (c["acknowledged_missing"] == 0 and c["server_errors"] == 0
                       and len(acknowledged) == c["recorded_2xx"]
                       and 0 <= c["recorded_rows"] - c["recorded_2xx"] <= args.connections * args.slices
                       and 0 <= c["practice_rows"] - c["practice_2xx"] <= args.connections * args.slices)
            for r in run.results.values():
                del r["ids"]
        finally:
            for server in started:
                server.stop()  # a probed server writes its records as it stops
        if args.probe:
            records = latency_probe.load(folder / "probe")
            run.probe = latency_probe.summarize(records, measured_from, measured_to)
        return run
    finally:
        if args.keep:
            print(f"  kept {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)


# --- report -----------------------------------------------------------------------------------


def table(runs: list[Run]) -> str:
    groups: dict[tuple, list[Run]] = {}
    for run in runs:
        groups.setdefault((run.database, run.source, run.servers), []).append(run)
    lines = ["| database | source | servers | scenario | req/s | p50 ms | p99 ms | ratio to hello | runs |",
             "|---|---|---|---|---:|---:|---:|---:|---:|"]
    for (database, source, servers), group in groups.items():
        for name in SCENARIOS:
            rps = statistics.median(r.results[name]["rps"] for r in group)
            p50 = statistics.median(r.results[name]["p50_ms"] for r in group)
            p99 = statistics.median(r.results[name]["p99_ms"] for r in group)
            ratio = statistics.median(r.results[name]["rps"] / r.results["hello"]["rps"] for r in group)
            lines.append(f"| {database} | {source} | {servers} | {name} | {rps:,.0f} | {p50:.1f} | {p99:.1f} | "
                         f"{ratio:.2f} | {len(group)} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL (its schema is dropped); default a SQLite file")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10.0, help="seconds of wrk per scenario")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of wrk per scenario, not counted")
    parser.add_argument("--slices", type=int, default=4,
                        help="each scenario's seconds in this many turns, the scenarios alternating")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (per wrk process)")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers per server")
    parser.add_argument("--think-ms", type=int, default=0,
                        help="each connection waits this long between requests (0: saturate the server); "
                             "for latency at a load below saturation")
    parser.add_argument("--servers", default="1", help="server processes on one database, e.g. 1,2")
    parser.add_argument("--source", action="append", default=[],
                        help="name=path of a source tree to serve (repeat to alternate); default this checkout")
    parser.add_argument("--json", type=Path, help="write every run here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders (server logs)")
    parser.add_argument("--probe", action="store_true",
                        help="record each server's requests, garbage collections and event-loop lateness "
                             "(bench/latency_probe.py) and say what the slowest requests overlapped")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk)")
    sources = [(s.split("=", 1)[0], Path(s.split("=", 1)[1]).resolve()) for s in args.source] or [("current", ROOT)]
    server_counts = [int(n) for n in args.servers.split(",")]
    plan = [(name, path, n) for name, path in sources for n in server_counts]
    runs: list[Run] = []
    for i in range(args.runs):
        order = plan if i % 2 == 0 else plan[::-1]  # alternate, so drift in the machine's load evens out
        for name, path, n in order:
            run = one_run(args, name, path, n)
            runs.append(run)
            r = run.results
            print(f"run {i + 1} {name} servers={n}: " + ", ".join(
                f"{k} {v['rps']:,.0f} req/s p50 {v['p50_ms']:.1f} p99 {v['p99_ms']:.1f} ms" for k, v in r.items())
                + f" | checks {run.checks}", file=sys.stderr, flush=True)
            if run.probe:
                print(f"  probe: {latency_probe.line(run.probe)}", file=sys.stderr, flush=True)
    think = f", each waiting {args.think_ms} ms between requests" if args.think_ms else ""
    print(f"\nwrk: {args.threads} thread(s) and {args.connections} connections in all per scenario{think}, "
          f"{args.duration:g} s each in {args.slices} turns (after {args.warmup:g} s warm-up); {args.runs} runs; "
          "medians.\n")
    print(table(runs))
    failed = [r for r in runs if not r.checks["ok"]]
    print("\nchecks: " + ("every run: no 5xx, every acknowledged submission stored, rows == 2xx (+ in flight)"
                          if not failed else f"FAILED in {len(failed)} run(s): {[r.checks for r in failed]}"))
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ for r in runs], indent=1, default=str))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
