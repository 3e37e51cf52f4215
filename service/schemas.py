"""Request and response models of the API. Each problem gets its own answers model, built from
its parts, so /docs shows every problem's answer form with the accepted shapes."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    StrictInt,
    WithJsonSchema,
    create_model,
)

from graders.kinds import KINDS
from problems.core import MAX_SEED, Part, Problem

# Strict: JSON `true` is not seed 1, nor "5" seed 5 (a JSON number, or "default").
Seed = Annotated[StrictInt, Field(ge=0, le=MAX_SEED)]
VariantField = Literal["default"] | Seed
# What responses may show: a course student's own variant is a seed above MAX_SEED (drawn from
# the course secret), which requests never accept, so it cannot be replayed as practice.
ShownVariant = Literal["default"] | Annotated[int, Field(ge=0)]



def _answer_field(part: Part) -> tuple[Any, Any]:
    # Validation accepts any JSON: a malformed answer is that part's `invalid`, never a 422.
    # The schema documents what the part expects.
    schema = {**KINDS[part.kind].schema, "description": part.prompt}
    if part.kind == "expression" and part.symbols:
        # The symbols and their shapes are what a student needs to write the formula.
        schema["x-symbols"] = dict(part.symbols)
    return Annotated[JsonValue, WithJsonSchema(schema)], None


def _camel(problem_id: str) -> str:
    return "".join(word.capitalize() for word in problem_id.split("-"))


def grade_request_model(problem: Problem) -> type[BaseModel]:
    answers = create_model(
        f"{_camel(problem.id)}Answers",
        __config__=ConfigDict(extra="forbid"),
        **{part.id: _answer_field(part) for part in problem.parts},
    )
    return create_model(
        f"{_camel(problem.id)}Submission",
        __config__=ConfigDict(extra="forbid"),
        variant=(VariantField, "default"),
        answers=(answers, ...),
        assignment=(
            Annotated[str | None, Field(max_length=50, description=(
                "With a student token: the assignment (slug, e.g. `hw1`) this submission is for; "
                "optional when the problem is in only one. The student's own variant is used and "
                "`variant` is ignored."))],
            None,
        ),
    )


class PartSummary(BaseModel):
    id: str
    kind: str
    prompt: str


class ProblemSummary(BaseModel):
    id: str
    title: str
    family: str
    parts: list[PartSummary]
    source: str = Field(description="where it is defined: `built-in: gradients/beale_hessian.py`, or a course's "
                                    "`path: /…/file.py`, `module: name`, `entry point: name = module`",
                        examples=["built-in: gradients/beale_hessian.py"])


class ProblemDetail(BaseModel):
    id: str
    title: str
    statement: str
    variant: ShownVariant
    params: dict[str, JsonValue]
    parts: list[PartSummary]


class PartResultOut(BaseModel):
    id: str
    status: Literal["correct", "partial", "incorrect", "invalid", "missing"]
    score: float
    max_score: float
    feedback: str


class GradeResponse(BaseModel):
    problem_id: str
    variant: ShownVariant
    score: float
    max_score: float
    parts: list[PartResultOut]


class AnswerKey(BaseModel):
    problem_id: str
    variant: ShownVariant
    answers: dict[str, JsonValue]
