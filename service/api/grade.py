"""`POST /api/grade/{problem_id}`: one route per problem, each with its own request model, so
the OpenAPI document shows every problem's answer form. Without a student's token this is
practice; with one, the submission is for an assignment and is stored (service/courses/recording.py)."""

import inspect
from typing import Annotated

from fastapi import APIRouter, Body, Header, Request
from fastapi.responses import JSONResponse, Response

from problems import registry
from problems.core import Problem
from service.api.clock import NowDep
from service.api.deps import BearerDep
from service.api.direct import DirectRoute
from service.courses.principals import as_student
from service.courses.recording import Submission, record
from service.courses.schemas import StudentGradeResponse
from service.errors import no_problem
from service.grading import grade_and_keep
from service.schemas import GradeResponse, grade_request_model

IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", min_length=1, max_length=200,
           description="Students: a retry with the same key is answered with the stored result "
                       "and counts once."),
]

router = APIRouter(prefix="/api/grade", tags=["grading"])


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
            sent = Submission(credentials.credentials, problem, answers, submission.assignment, idempotency_key, now)
            receipt = await record(state, sent)
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
