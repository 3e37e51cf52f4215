"""`hwcheck grade-batch`, `hwcheck gradescope-bundle`, `hwcheck regrade`, `hwcheck analytics`:
the instructor's batch commands (registered on the main `hwcheck` app by service/cli/main.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Optional

import typer


def _count_rows(path: Path) -> int | None:
    """Rows to expect, for the progress bar: lines of a file (read in blocks, never kept)."""
    if path.is_dir():
        return None
    lines = 0
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            lines += block.count(b"\n")
    return max(0, lines - (0 if path.suffix.lower() in (".jsonl", ".ndjson") else 1))


def grade_batch(
    input_path: Annotated[Path, typer.Argument(metavar="INPUT", exists=True,
                                               help="CSV (student_id, problem_id[, variant], one column per part), "
                                                    "JSON Lines, or a folder of per-student JSON files.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the outputs.")] = Path("hwcheck-batch"),
    assignment: Annotated[Optional[str], typer.Option(help="Assignment slug (course's, or the assignments "
                                                           "file's, e.g. hw1): its problems and points.")] = None,
    course: Annotated[Optional[str], typer.Option(help="Course id or name: roster students are graded on "
                                                       "their own variants.")] = None,
    roster: Annotated[Optional[Path], typer.Option(help="Roster CSV for names/emails in gradebooks "
                                                        "(without --course).", exists=True)] = None,
    workers: Annotated[int, typer.Option(help="Worker processes (default: every core).")] = 0,
    chunk: Annotated[int, typer.Option(help="Rows per chunk sent to a worker.")] = 128,
    gradescope: Annotated[bool, typer.Option(help="Also write gradescope/<folder>/results.json per student (gradescope/index.csv: which folder).")] = False,
    analytics: Annotated[bool, typer.Option(help="Write analytics (JSON, CSV, SVG histograms).")] = True,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """Grade a class's answers: per-part CSV, totals, Canvas/Moodle/plain gradebooks, analytics."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from service.batch.inputs import read_rows
    from service.batch.run import context_for, run_batch
    from service.courses.templates import load_assignments
    from service.settings import get_settings

    templates = load_assignments(get_settings().assignments_file)
    try:
        if course is not None:
            from service.cli.admin import cli_session, printed_refusals
            from service.courses.roster import find_course

            with cli_session() as session, printed_refusals():
                context = context_for(session, find_course(session, course), assignment,
                                            templates, roster)
        else:
            context = context_for(None, None, assignment, templates, roster)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    workers = workers or os.cpu_count() or 1
    total = _count_rows(input_path)
    columns = [TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, disable=quiet, transient=False) as bar:
        task = bar.add_task("rows", total=total)
        summary = run_batch(read_rows(input_path), out, context, workers=workers, chunk=chunk,
                                  gradescope=gradescope, analytics=analytics,
                                  progress=lambda done: bar.update(task, completed=done))
    typer.echo(json.dumps({**summary.to_dict(), "out": str(out)}, indent=2))


def gradescope_bundle(
    assignment: Annotated[str, typer.Argument(help="Assignment id of the assignments file, e.g. hw1.")],
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Zip to write (default <assignment>-autograder.zip).")] = None,
) -> None:
    """Write a Gradescope autograder zip: setup.sh installs hwcheck, run_autograder grades
    /autograder/submission/answers.json into /autograder/results/results.json."""
    from service.batch.gradescope_bundle import write_bundle
    from service.courses.templates import load_assignments
    from service.settings import get_settings

    templates = load_assignments(get_settings().assignments_file)
    if assignment not in templates:
        raise typer.BadParameter(f"no assignment {assignment!r}; `hwcheck assignments` lists them")
    target = write_bundle(templates[assignment], out or Path(f"{assignment}-autograder.zip"),
                          get_settings().assignments_file)
    typer.echo(str(target))


def regrade(
    assignment: Annotated[str, typer.Option(help="The course assignment's slug.")],
    course: Annotated[Optional[str], typer.Option(help="Course id or name (needed when there are several).")] = None,
    dry_run: Annotated[bool, typer.Option(help="Report what would change; store nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Re-grade an assignment's stored submissions (after a tolerance change or a solver fix):
    old results are kept, and every changed score is reported."""
    from rich.console import Console
    from rich.table import Table

    from service.batch.regrade import regrade_assignment
    from service.cli.admin import cli_session, printed_refusals
    from service.courses import assignments
    from service.courses.roster import find_course, list_courses

    with cli_session() as session, printed_refusals():
        if course is None:
            courses = list_courses(session)
            having = [c for c in courses if any(a.slug == assignment for a in assignments.list_assignments(session, c))]
            if len(having) != 1:
                raise typer.BadParameter(f"{len(having)} courses have {assignment!r}; say which with --course")
            target = having[0]
        else:
            target = find_course(session, course)
        report = regrade_assignment(session, target, assignment, dry_run=dry_run)
    if as_json:
        typer.echo(json.dumps(report, indent=2))
        return
    table = Table("submission", "student", "problem", "old", "new", "parts changed")
    for change in report["changes"]:
        table.add_row(str(change["submission_id"]), change["student_id"], change["problem_id"],
                      f"{change['old_score']:g}", f"{change['new_score']:g}",
                      ", ".join(f"{p['id']}: {p['old_status']}→{p['new_status']}" for p in change["parts"]))
    console = Console()
    console.print(table)
    console.print(f"{report['regraded']} submissions re-graded, {len(report['changes'])} scores changed"
                  + (" (dry run: nothing stored)" if dry_run else f" (run {report['run']})"))


def analytics(
    assignment: Annotated[str, typer.Option(help="The course assignment's slug.")],
    course: Annotated[str, typer.Option(help="Course id or name.")],
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Folder for analytics.json, analytics.csv, "
                                                                    "sharing.csv and histograms/<problem>.svg.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="What to print without --out: json or csv.")] = "json",
) -> None:
    """Analytics of an assignment's recorded submissions (each student's counted one): attempts,
    share correct, common wrong answers, score histograms, answer-sharing flags."""
    from service.analytics.figures import write_csv
    from service.analytics.recorded import assignment_analytics, assignment_report
    from service.cli.admin import cli_session, printed_refusals
    from service.courses.roster import find_course

    if fmt not in ("json", "csv"):
        raise typer.BadParameter(f"--format is json or csv, not {fmt[:20]!r}")
    with cli_session() as session, printed_refusals():
        target = find_course(session, course)
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            stats = assignment_analytics(session, target, assignment)
            try:
                files = stats.write(out)
            finally:
                stats.close()
            typer.echo(json.dumps({"out": str(out), "files": files}, indent=2))
            return
        report = assignment_report(session, target, assignment)
    if fmt == "csv":
        import sys

        write_csv(report["problems"], sys.stdout)
    else:
        typer.echo(json.dumps(report, indent=2))


def register(app: typer.Typer) -> None:
    app.command("grade-batch")(grade_batch)
    app.command("gradescope-bundle")(gradescope_bundle)
    app.command("regrade")(regrade)
    app.command("analytics")(analytics)
    app.command("worker")(worker)


def worker(
    processes: Annotated[int, typer.Option(help="Grading processes (default: one per core).")] = 0,
) -> None:
    """Grade queued batch jobs' chunks (Redis: HWCHECK_REDIS_URL; database: HWCHECK_DATABASE_URL).
    Run as many as you like, on any machine that reaches both."""
    import sys

    # Dramatiq's consumer, while its process is busy, backs off asking Redis up to this (default
    # 1,000 ms): a worker finishing a chunk then idled half a second on average before the next.
    os.environ.setdefault("dramatiq_worker_timeout", "100")
    from dramatiq.cli import main as dramatiq_main

    from service.batch.queue import QUEUE
    from service.settings import get_settings

    if not get_settings().redis_url:
        typer.echo("error: hwcheck worker needs HWCHECK_REDIS_URL (the queue's Redis)", err=True)
        raise typer.Exit(2)
    count = processes or os.cpu_count() or 1
    sys.argv = ["hwcheck worker", "service.batch.worker_state", "--processes", str(count), "--threads", "1",
                "--queues", QUEUE]
    raise typer.Exit(dramatiq_main() or 0)
