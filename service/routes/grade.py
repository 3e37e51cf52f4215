"""`POST /api/grade/{problem_id}`: one route per problem, each with its own request model, so
the OpenAPI document shows every problem's answer form. Without a student's token this is
practice; with one, the submission is for an assignment and is stored (service/coursework.py)."""

import inspect
from typing import Annotated

from fastapi import APIRouter, Body, Header, HTTPException, status
from fastapi.responses import JSONResponse, Response

from problems import registry
from problems.core import Problem
from service import coursework
from service.clock import NowDep
from service.course_schemas import StudentGradeResponse
from service.deps import PrincipalDep, SessionDep, as_student
from service.grading import grade_and_store
from service.models import Student
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

    def grade_submission(
        submission, session: SessionDep, principal: PrincipalDep, now: NowDep, idempotency_key: IdempotencyKey = None
    ) -> GradeResponse | StudentGradeResponse:
        answers = submission.answers.model_dump(exclude_unset=True)
        if isinstance(principal, Student):
            receipt = coursework.submit(session, principal, problem, answers, slug=submission.assignment,
                                        idempotency_key=idempotency_key, now=now)
            # The stored body itself, so a retry gets byte-for-byte what the first try got.
            return JSONResponse(receipt.body, headers={"Idempotent-Replayed": str(receipt.replayed).lower()})
        if submission.assignment is not None:
            as_student(principal)  # 401 without a token, 403 for an instructor's
        result = grade_and_store(session, problem, submission.variant, answers)
        # Validated once, here, and sent as it is: returning the model would have FastAPI
        # validate it again against the response model (in another worker thread) first.
        body = GradeResponse.model_validate(result.to_dict()).model_dump_json()
        return Response(body, media_type="application/json")

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
        summary=f"Grade answers to {problem.title}",
        description=f"Parts: " + ", ".join(f"`{p.id}` ({p.kind})" for p in problem.parts),
    )


for _problem in registry.PROBLEMS.values():
    _route_for(_problem)


@router.post("/{problem_id}", include_in_schema=False)
def unknown_problem(problem_id: str) -> None:
    raise HTTPException(
        status.HTTP_404_NOT_FOUND, f"there is no problem {problem_id[:100]!r}; GET /api/problems lists them"
    )
