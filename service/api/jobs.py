"""Instructor batch grading over HTTP: upload a class's answers (CSV or JSON Lines), get a job
id, poll its progress, fetch its outputs; and regrade an assignment's stored submissions.
Everything here needs an instructor's token; a job is seen by its creator and, when it names a
course, by that course's staff (service/batch/jobs.py: may_see)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field
from starlette.requests import ClientDisconnect

from service.api.deps import InstructorDep, ManagedCourse, SessionDep, require_instructor
from service.batch import jobs as batch_jobs
from service.batch.assembler import cancel, retry, retryable, start_queued_job
from service.batch.regrade import queue_regrade, regrade_assignment
from service.batch.run import context_for
from service.courses.staff import Need, course_for
from service.errors import conflict, not_found
from service.ops.limits import BodyTooLarge
from service.store.models import BatchJob

router = APIRouter(prefix="/api/batch", tags=["batch grading (instructors)"],
                   dependencies=[Depends(require_instructor)])
regrade_router = APIRouter(prefix="/api/courses", tags=["batch grading (instructors)"],
                           dependencies=[Depends(require_instructor)])

FILES = {
    "parts.csv": "text/csv", "totals.csv": "text/csv", "gradebook.csv": "text/csv", "canvas.csv": "text/csv",
    "moodle.csv": "text/csv", "analytics.json": "application/json", "analytics.csv": "text/csv",
    "sharing.csv": "text/csv", "summary.json": "application/json",
}


class JobOut(BaseModel):
    id: str
    kind: Literal["grade", "regrade"] = Field(description="grade: an upload; regrade: stored submissions "
                                                          "(its report is the summary)")
    status: Literal["queued", "running", "done", "failed", "interrupted", "cancelled"]
    course_id: int | None
    assignment: str | None
    input_name: str
    rows_total: int | None = Field(description="rows counted in the upload (lines); null if unknown")
    rows_done: int
    errors: int = Field(description="error rows (not gradable); they are in parts.csv with status `error`")
    message: str | None
    summary: dict[str, Any] | None
    files: dict[str, str] = Field(description="output name -> URL, once the job is done")
    created_at: Any
    finished_at: Any | None


def job_out(request: Request, job: BatchJob) -> JobOut:
    files = {}
    if job.status == "done" and job.kind == "grade":
        base = str(request.url_for("batch_job_file", job_id=job.id, name="NAME")).rsplit("NAME", 1)[0]
        files = {name: base + name for name in FILES}
        out = batch_jobs.job_dir(request.app.state.settings.data_dir, job.id) / "out"
        for svg in sorted((out / "histograms").glob("*.svg")):
            files[f"histograms/{svg.name}"] = base + f"histograms/{svg.name}"
        if (out / "gradescope").is_dir():  # one per student: the URL pattern, not 500 URLs
            files["gradescope/index.csv"] = base + "gradescope/index.csv"  # student id -> folder
            files["gradescope/{folder}/results.json"] = base + "gradescope/{folder}/results.json"
    return JobOut(id=job.id, kind=job.kind or "grade", status=job.status, course_id=job.course_id, assignment=job.assignment,
                  input_name=job.input_name, rows_total=job.rows_total, rows_done=job.rows_done, errors=job.errors,
                  message=job.message, summary=job.summary, files=files, created_at=job.created_at,
                  finished_at=job.finished_at)


_UPLOAD = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string", "description": "header: student_id,problem_id[,variant],<part>…"}},
            "application/x-ndjson": {"schema": {"type": "string", "description":
                                                '{"student_id", "problem_id", "variant", "answers"} per line'}},
        },
    }
}


@router.post("/jobs", response_model=JobOut, status_code=status.HTTP_202_ACCEPTED, openapi_extra=_UPLOAD)
async def create_job(
    request: Request,
    session: SessionDep,
    instructor: InstructorDep,
    assignment: Annotated[str | None, Query(max_length=50, description="slug: its problems and points")] = None,
    course_id: Annotated[int | None, Query(ge=1, le=2**31 - 1,
                                           description="grade roster students on their own variants")] = None,
    gradescope: Annotated[bool, Query(description="also write a Gradescope results.json per student")] = False,
) -> JobOut:
    """Upload a class's answers as CSV (`text/csv`) or JSON Lines (`application/x-ndjson`); the
    job runs in the background. Poll `GET /api/batch/jobs/{id}`."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in ("text/csv", "application/csv"):
        suffix = ".csv"
    elif content_type in ("application/x-ndjson", "application/jsonl", "application/x-jsonlines"):
        suffix = ".jsonl"
    else:
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                            "send the answers as text/csv or application/x-ndjson (JSON Lines)")
    course = course_for(session, instructor, course_id, Need.GRADE) if course_id is not None else None
    try:
        context = context_for(session, course, assignment, request.app.state.assignments)
    except ValueError as error:  # an assignment nobody has
        raise not_found(str(error)) from None
    job_id = batch_jobs.new_job_id()
    folder = batch_jobs.job_dir(request.app.state.settings.data_dir, job_id)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"input{suffix}"
    lines = 0
    try:
        with open(target, "wb") as handle:  # streamed to disk: the upload is never held in memory
            async for block in request.stream():  # BodyLimit counts it against the batch cap
                lines += block.count(b"\n")
                handle.write(block)
    except (BodyTooLarge, ClientDisconnect):
        shutil.rmtree(folder, ignore_errors=True)  # nothing of a refused upload stays on disk
        raise
    rows_total = max(0, lines - 1) if suffix == ".csv" else lines
    state = request.app.state
    if state.batch_queue is not None:  # the workers grade it (service/batch/queue.py)
        job = start_queued_job(state.sessionmaker, state.batch_queue, job_id, target, context,
                               chunk_rows=state.settings.batch_chunk_rows, gradescope=gradescope,
                               rows_total=rows_total, course_id=course_id, created_by=instructor.id)
    else:
        job = batch_jobs.start_job(state.sessionmaker, state.settings.data_dir, job_id, target, context,
                                   workers=batch_jobs.workers_for(state), gradescope=gradescope,
                                   rows_total=rows_total, course_id=course_id, created_by=instructor.id)
    session.expire_all()
    return job_out(request, session.get(BatchJob, job.id) or job)


@router.get("/jobs", response_model=list[JobOut])
def list_jobs(request: Request, session: SessionDep, instructor: InstructorDep) -> list[JobOut]:
    """Your jobs and those of your courses."""
    return [job_out(request, j) for j in batch_jobs.list_jobs(session, instructor, request.app.state.settings.data_dir)]


@router.get("/jobs/{job_id}", response_model=JobOut)
def show_job(job_id: str, request: Request, session: SessionDep, instructor: InstructorDep) -> JobOut:
    """Status and progress (`rows_done` of `rows_total`); `files` once it is done."""
    return job_out(request, batch_jobs.get_job(session, instructor, job_id, request.app.state.settings.data_dir))


@router.post("/jobs/{job_id}/cancel", response_model=JobOut)
def cancel_job(job_id: str, request: Request, session: SessionDep, instructor: InstructorDep) -> JobOut:
    """Stop a queued job: chunks not yet graded are left (`retry` takes it up where it stood)."""
    job = batch_jobs.job_to_change(session, instructor, job_id, request.app.state.settings.data_dir)
    if not job.queued or job.status not in ("queued", "running"):
        raise conflict(f"job {job_id} is {job.status}" + ("" if job.queued else " and runs in the server")
                       + "; only a queued job that is still grading can be cancelled")
    cancel(session, job)
    return job_out(request, job)


@router.post("/jobs/{job_id}/retry", response_model=JobOut)
def retry_job(job_id: str, request: Request, session: SessionDep, instructor: InstructorDep) -> JobOut:
    """Take a cancelled or failed queued job up where it stood: only its ungraded chunks are graded."""
    job = batch_jobs.job_to_change(session, instructor, job_id, request.app.state.settings.data_dir)
    queue = request.app.state.batch_queue
    if not retryable(job) or queue is None:
        raise conflict(f"job {job_id} is {job.status}; only a cancelled or failed queued job whose upload was "
                       "read can be retried (otherwise upload the file again)")
    retry(session, queue, job)
    return job_out(request, job)


@router.get("/jobs/{job_id}/analytics", response_class=FileResponse,
            responses={200: {"content": {"application/json": {}}}})
def job_analytics(job_id: str, request: Request, session: SessionDep, instructor: InstructorDep) -> FileResponse:
    """analytics.json, sent from the file (it may list many sharing flags: never loaded here)."""
    job = batch_jobs.get_job(session, instructor, job_id, request.app.state.settings.data_dir)
    if job.status != "done":
        raise conflict(f"job {job_id} is {job.status}; analytics come when it is done")
    out = batch_jobs.job_dir(request.app.state.settings.data_dir, job.id) / "out"
    if not (out / "analytics.json").is_file():
        raise not_found(f"job {job_id} has no analytics")
    return FileResponse(out / "analytics.json", media_type="application/json")


@router.get("/jobs/{job_id}/files/{name:path}", name="batch_job_file")
def job_file(job_id: str, name: str, request: Request, session: SessionDep, instructor: InstructorDep) -> FileResponse:
    """One output: parts.csv, totals.csv, gradebook.csv, canvas.csv, moodle.csv, analytics.json,
    analytics.csv, sharing.csv, summary.json, histograms/<problem>.svg,
    gradescope/index.csv, gradescope/<folder>/results.json."""
    job = batch_jobs.get_job(session, instructor, job_id, request.app.state.settings.data_dir)
    if job.status != "done":
        raise conflict(f"job {job_id} is {job.status}; its files come when it is done")
    out = (batch_jobs.job_dir(request.app.state.settings.data_dir, job.id) / "out").resolve()
    path = (out / name).resolve()
    if not path.is_relative_to(out) or not path.is_file():
        raise not_found(f"job {job_id} has no file {name[:100]!r}")
    media = FILES.get(name) or ("image/svg+xml" if name.endswith(".svg") else "application/json")
    return FileResponse(path, media_type=media, filename=Path(name).name)


@regrade_router.post("/{course_id}/assignments/{slug}/regrade", response_model=None, responses={
    200: {"description": "the report (no job queue: the regrade ran in this request)"},
    202: {"model": JobOut, "description": "with the job queue (HWCHECK_REDIS_URL) a worker regrades: poll "
                                          "`GET /api/batch/jobs/{id}`; its summary is the report"}})
def regrade(
    request: Request, course: ManagedCourse, slug: str, session: SessionDep, instructor: InstructorDep,
    dry_run: Annotated[bool, Query(description="report what would change; store nothing")] = False,
) -> dict[str, Any] | JSONResponse:
    """Re-grade the assignment's stored submissions (after a tolerance change or a solver fix):
    the old results are kept, and every score that changed is listed."""
    queue = request.app.state.batch_queue
    if queue is None:
        return regrade_assignment(session, course, slug, dry_run=dry_run)
    job = queue_regrade(session, queue.send_regrade, course, slug, dry_run=dry_run, created_by=instructor.id)
    return JSONResponse(job_out(request, job).model_dump(mode="json"), status_code=status.HTTP_202_ACCEPTED)
