"""The `hwcheck` command: serve the API, list problems, grade a file locally, migrate."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from service.cli.admin import admin
from service.cli.authoring import register as register_authoring_commands
from service.cli.batch import register as register_batch_commands
from service.cli.jobs import jobs
from service.cli.lti import lti

app = typer.Typer(help="hwcheck: grades deep-learning homework.", no_args_is_help=True)
app.add_typer(admin, name="admin")
app.add_typer(lti, name="lti")
app.add_typer(jobs, name="jobs")
register_batch_commands(app)  # grade-batch, gradescope-bundle, regrade: service/cli/batch.py
register_authoring_commands(app)  # new-problem, check-problem: service/cli/authoring.py


@app.command()
def serve(
    host: Annotated[Optional[str], typer.Option(help="Interface to bind (default HWCHECK_HOST or 127.0.0.1).")] = None,
    port: Annotated[Optional[int], typer.Option(help="Port (default HWCHECK_PORT or 8000).")] = None,
    workers: Annotated[Optional[int], typer.Option(help="Worker processes (default HWCHECK_WORKERS or 1).")] = None,
) -> None:
    """Migrate the database, then serve the API (SQLite in ./hwcheck-data unless configured)."""
    import uvicorn

    from service.ops.observability import prepare_multiproc_dir
    from service.settings import get_settings
    from service.store.db import migrate

    settings = get_settings()
    _problems_or_exit()  # a course's problems that do not load stop the start, with where and why
    if settings.auto_migrate:  # HWCHECK_AUTO_MIGRATE=false: a separate `hwcheck migrate` ran first
        migrate(settings.effective_database_url)
    # Migrated once here, so the workers must not race each other on the schema.
    os.environ["HWCHECK_AUTO_MIGRATE"] = "false"
    prepare_multiproc_dir()  # PROMETHEUS_MULTIPROC_DIR: no samples of a previous run
    uvicorn.run(
        "service.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers or settings.workers,
        **uvicorn_options(settings),
    )


def _problems_or_exit() -> None:
    from problems.loading import ProblemLoadError

    try:
        import problems.registry  # noqa: F401 — loads HWCHECK_PROBLEM_PATHS and entry points
    except ProblemLoadError as error:
        typer.echo(f"hwcheck: cannot load the problems: {error}", err=True)
        raise typer.Exit(2) from None


def uvicorn_options(settings) -> dict:
    """How uvicorn runs the app (also read by bench/http_app.py, so the benchmark serves the
    app exactly as `hwcheck serve` does)."""
    from service.ops import http_protocol
    from service.ops.observability import logging_config

    # The protocol is built by uvicorn in each worker, so it reads its limits from the environment.
    os.environ[http_protocol.MAX_HEAD_BYTES] = str(settings.max_header_bytes)
    os.environ[http_protocol.HEAD_SECONDS] = str(settings.header_timeout_seconds)
    os.environ[http_protocol.BODY_SECONDS] = str(settings.body_timeout_seconds)
    return dict(
        http="service.ops.http_protocol:GuardedHttpTools",  # head size and read timeouts
        # Operations (service/ops/observability.py): JSON logs with request ids, our own access line,
        # in-flight gradings finish on SIGTERM, client addresses from the trusted proxy.
        log_config=logging_config(settings),
        access_log=False,
        timeout_graceful_shutdown=settings.graceful_shutdown_seconds,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )


@app.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    from service.settings import get_settings
    from service.store.db import migrate as run_migrations

    url = get_settings().effective_database_url
    run_migrations(url)
    typer.echo("database is up to date")


@app.command("problems")
def list_problems(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List every problem and its parts."""
    from problems.registry import PROBLEMS, source_of

    if as_json:
        typer.echo(json.dumps([{"id": p.id, "title": p.title, "family": p.family, "source": str(source_of(p.id)),
                                "parts": [{"id": q.id, "kind": q.kind} for q in p.parts]}
                               for p in PROBLEMS.values()], indent=2))
        return
    table = Table("id", "family", "title", "parts", "source")
    for p in PROBLEMS.values():
        table.add_row(p.id, p.family, p.title, ", ".join(q.id for q in p.parts), str(source_of(p.id)))
    Console().print(table)


@app.command("assignments")
def list_assignments() -> None:
    """List the assignments (HWCHECK_ASSIGNMENTS_FILE or the packaged hw1 and hw2)."""
    from service.courses.templates import load_assignments
    from service.settings import get_settings

    table = Table("id", "title", "problems", "points")
    for a in load_assignments(get_settings().assignments_file).values():
        table.add_row(a.id, a.title, ", ".join(p.problem_id for p in a.problems), f"{a.points:g}")
    Console().print(table)


@app.command("grade")
def grade_file(
    problem_id: Annotated[str, typer.Argument(help="Problem id, e.g. branch-max-network.")],
    answers_file: Annotated[Path, typer.Argument(help="JSON file of answers ('-' for stdin): "
                                                 "{\"part_id\": value} or {\"answers\": {...}}.")],
    variant: Annotated[str, typer.Option(help="'default' or a seed.")] = "default",
) -> None:
    """Grade answers locally (nothing stored) and print the result as JSON."""
    from graders.grade import UnknownParts, grade
    from problems.core import read_variant
    from problems.registry import PROBLEMS

    if problem_id not in PROBLEMS:
        raise typer.BadParameter(f"no problem {problem_id!r}; `hwcheck problems` lists them")
    try:
        seed = read_variant(variant)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    text = sys.stdin.read() if str(answers_file) == "-" else answers_file.read_text()
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as error:
        raise typer.BadParameter(f"{answers_file} is not JSON: {error}") from None
    if not isinstance(payload, dict):
        raise typer.BadParameter("the answers file must hold a JSON object")
    answers = payload.get("answers", payload)
    try:
        result = grade(PROBLEMS[problem_id], seed, answers)
    except UnknownParts as error:
        raise typer.BadParameter(str(error)) from None
    typer.echo(json.dumps(result.to_dict(), indent=2))


if __name__ == "__main__":
    app()
