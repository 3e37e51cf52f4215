"""`POST /api/grade/{problem_id}`: one route per problem, each with its own request model, so
the OpenAPI document shows every problem's answer form. Without a student's token this is
practice; with one, the submission is for an assignment and is stored (service/courses/submissions.py)."""

import inspect
from sqlite3 import SQLITE_BUSY, SQLITE_LOCKED
from typing import Annotated

from fastapi import APIRouter, Body, Header, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from problems import registry
from problems.core import Problem
from service.api.clock import NowDep
from service.api.deps import BearerDep
from service.api.direct import DirectRoute
from service.courses import submissions
from service.courses.principals import as_student, principal_for
from service.courses.schemas import StudentGradeResponse
from service.errors import no_problem
from service.grading import grade_and_keep
from service.schemas import GradeResponse, grade_request_model
from service.store.models import Student
from service.store.offload import in_thread

IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", min_length=1, max_length=200,
           description="Students: a retry with the same key is answered with the stored result "
                       "and counts once."),
]

router = APIRouter(prefix="/api/grade", tags=["grading"])


def _context(engine: Engine, token: str, problem: Problem, slug: str | None, idempotency_key: str | None):
    # A plain read (no ORM session needed) that ends in COMMIT, not the ROLLBACK of a closed
    # connection: psycopg forgets a connection's prepared statements at every ROLLBACK, so on
    # PostgreSQL this six-table query was planned afresh each time (2 ms of planning for 0.3 ms
    # of executing); kept prepared, it runs on a cached plan. SQLite: no difference.
    with engine.begin() as connection:
        return submissions.submission_context(connection, token, problem.id, slug, idempotency_key)


def _submit_with_token(state, token: str, problem: Problem, answers: dict, slug: str | None,
                       idempotency_key: str | None, now) -> submissions.Receipt | None:
    """A token's submission step by step, in one worker thread and one session: who the token
    is and, for a student, the submission stored (attempt races, replays, every refusal).
    None: an instructor's token, graded as practice."""
    with state.sessionmaker() as session:
        principal = principal_for(session, state.settings, token)
        if not isinstance(principal, Student):
            if slug is not None:
                as_student(principal)  # 403: an assignment is for students
            return None
        return submissions.submit(session, principal, problem, answers, slug=slug,
                                 idempotency_key=idempotency_key, now=now)


async def _submit(state, token: str, problem: Problem, answers: dict, slug: str | None,
                  idempotency_key: str | None, now) -> submissions.Receipt | None:
    # The usual case: one query, grading on the event loop, the row by the group-committing
    # writer. Anything else step by step, in one worker thread.
    async def read_context():
        if state.loop_reader is not None:
            # SQLite: a local read of ~0.3 ms, on the loop like a quick grading. Handed to a
            # thread, it had to win the GIL back from the loop after each step of SQLite:
            # p99 12-18 ms at ~300 recorded gradings/s against 1 ms here (bench/RESULTS-http.md).
            try:
                return _context(state.loop_reader, token, problem, slug, idempotency_key)
            except OperationalError as error:
                # Locked (this reader never waits): wait in a thread. Any other error is raised.
                if getattr(error.orig, "sqlite_errorcode", 0) & 0xFF not in (SQLITE_BUSY, SQLITE_LOCKED):
                    raise
        return await in_thread(_context, state.engine, token, problem, slug, idempotency_key)

    receipt = await submissions.submit_soon(state.writer, read_context, problem, answers,
                                           idempotency_key=idempotency_key, now=now)
    if receipt is not None:
        return receipt
    return await in_thread(_submit_with_token, state, token, problem, answers, slug, idempotency_key, now)


def _route_for(problem: Problem) -> None:
    submission_model = grade_request_model(problem)

    # async: gradings run on the event loop (or in a thread when they may be slow,
    # service/grading.py) and are stored by the group-committing writer; a token's reads are
    # one query (on SQLite on the loop, elsewhere in a worker thread). A plain `def` route cost
    # a thread per request and its dependencies more hops (bench/RESULTS-http.md). The
    # signature is what FastAPI documents; DirectRoute reads these same parameters from the
    # request (service/api/direct.py).
    async def grade_submission(
        submission, request: Request, credentials: BearerDep, now: NowDep, idempotency_key: IdempotencyKey = None
    ) -> GradeResponse | StudentGradeResponse:
        answers = submission.answers.model_dump(exclude_unset=True)
        state = request.app.state
        if credentials is not None:
            receipt = await _submit(state, credentials.credentials, problem, answers, submission.assignment,
                                    idempotency_key, now)
            if receipt is not None:
                # The stored body itself, so a retry gets byte-for-byte what the first try got.
                return JSONResponse(receipt.body, headers={"Idempotent-Replayed": str(receipt.replayed).lower()})
        elif submission.assignment is not None:
            as_student(None)  # 401: an assignment needs a student's token
        result = await grade_and_keep(state.writer, problem, submission.variant, answers)
        return Response(result.as_json, media_type="application/json")

    # The body's type differs per problem, so it is set on the signature FastAPI reads.
    signature = inspect.signature(grade_submission)
    grade_submission.__signature__ = signature.replace(
        parameters=[
            p.replace(annotation=Annotated[submission_model, Body()]) if p.name == "submission" else p
            for p in signature.parameters.values()
        ]
    )
    router.add_api_route(
        f"/{problem.id}",
        grade_submission,
        methods=["POST"],
        response_model=GradeResponse | StudentGradeResponse,
        name=f"grade_{problem.id.replace('-', '_')}",
        route_class_override=DirectRoute,
        summary=f"Grade answers to {problem.title}",
        description="Parts: " + ", ".join(f"`{p.id}` ({p.kind})" for p in problem.parts),
    )


for _problem in registry.PROBLEMS.values():
    _route_for(_problem)


@router.post("/{problem_id}", include_in_schema=False)
def unknown_problem(problem_id: str) -> None:
    raise no_problem(problem_id)
