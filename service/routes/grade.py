"""`POST /api/grade/{problem_id}`: one route per problem, each with its own request model, so
the OpenAPI document shows every problem's answer form."""

import inspect
from typing import Annotated

from fastapi import APIRouter, Body, HTTPException, status

from problems import registry
from problems.core import Problem
from service.deps import SessionDep
from service.grading import grade_and_store
from service.schemas import GradeResponse, grade_request_model

router = APIRouter(prefix="/api/grade", tags=["grading"])


def _route_for(problem: Problem) -> None:
    submission_model = grade_request_model(problem)

    def grade_submission(submission, session: SessionDep) -> GradeResponse:
        answers = submission.answers.model_dump(exclude_unset=True)
        result = grade_and_store(session, problem, submission.variant, answers)
        return GradeResponse.model_validate(result.to_dict())

    # The body's type differs per problem, so it is set on the signature FastAPI reads.
    signature = inspect.signature(grade_submission)
    grade_submission.__signature__ = signature.replace(
        parameters=[
            signature.parameters["submission"].replace(annotation=Annotated[submission_model, Body()]),
            signature.parameters["session"],
        ]
    )
    router.add_api_route(
        f"/{problem.id}",
        grade_submission,
        methods=["POST"],
        response_model=GradeResponse,
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
