"""`hwcheck jobs …`: the batch jobs in the database — list them, follow one with a progress bar,
cancel or retry a queued one (the API's /api/batch/jobs routes, for an operator's shell)."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from service.cli.admin import cli_session

jobs = typer.Typer(help="Batch grading jobs: list, watch, cancel, retry.", no_args_is_help=True)
FINISHED = ("done", "failed", "interrupted", "cancelled")


def _job(session, job_id: str):
    from service.store.models import BatchJob

    job = session.get(BatchJob, job_id)
    if job is None:
        raise typer.BadParameter(f"there is no batch job {job_id!r}")
    return job


@jobs.command("list")
def list_jobs() -> None:
    """Every job: id, kind, status, rows done of rows, where it runs."""
    from sqlalchemy import select

    from service.store.models import BatchJob

    with cli_session() as session:
        for job in session.scalars(select(BatchJob).order_by(BatchJob.created_at)):
            where = "queue" if job.queued else "server"
            typer.echo(f"{job.id}\t{job.kind}\t{job.status}\t{job.rows_done}/{job.rows_total or '?'}\t{where}\t{job.input_name}")


@jobs.command("watch")
def watch(job_id: Annotated[str, typer.Argument(help="The job's id.")]) -> None:
    """Follow a job to its end with a progress bar; exit 1 unless it is done."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with cli_session() as session, Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                            TimeElapsedColumn()) as bar:
        job = _job(session, job_id)
        task = bar.add_task(job.status, total=job.rows_total)
        while True:
            session.expire_all()
            job = _job(session, job_id)
            bar.update(task, completed=job.rows_done, total=job.rows_total, description=job.status)
            if job.status in FINISHED:
                break
            time.sleep(0.5)
    typer.echo(f"{job.status}: {job.rows_done} rows, {job.errors} error rows" + (f" — {job.message}" if job.message else ""))
    if job.status != "done":
        raise typer.Exit(1)


@jobs.command("cancel")
def cancel(job_id: Annotated[str, typer.Argument(help="The job's id.")]) -> None:
    """Stop a queued job that is still grading (retry takes it up where it stood)."""
    from service.batch.assembler import cancel as cancel_job

    with cli_session() as session:
        job = _job(session, job_id)
        if not job.queued or job.status not in ("queued", "running"):
            typer.echo(f"error: job {job_id} is {job.status}; only a queued job still grading can be cancelled", err=True)
            raise typer.Exit(1)
        cancel_job(session, job)
        typer.echo(f"cancelled: {job.rows_done} rows were graded")


@jobs.command("retry")
def retry(job_id: Annotated[str, typer.Argument(help="The job's id.")]) -> None:
    """Take a cancelled or failed queued job up where it stood (needs HWCHECK_REDIS_URL)."""
    from service.batch.assembler import retry as retry_job
    from service.batch.assembler import retryable
    from service.batch.chunks import undone_chunks
    from service.batch.queue import Queue
    from service.settings import get_settings

    with cli_session() as session:
        job = _job(session, job_id)
        if not retryable(job):
            typer.echo(f"error: job {job_id} is {job.status}; only a cancelled or failed queued job whose upload "
                       "was read can be retried", err=True)
            raise typer.Exit(1)
        left = len(undone_chunks(session, job_id))
        queue = Queue(get_settings())
        try:
            retry_job(session, queue, job)
        finally:
            queue.close()
        typer.echo("running again: the regrade is sent to the workers" if job.kind == "regrade"
                   else f"running again: {left} chunks of {job.chunks_total} sent to the workers")
