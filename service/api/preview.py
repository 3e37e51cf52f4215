"""`POST /api/preview`: how an answer will be read, before it is graded — the LaTeX and MathML
of what was understood, the symbols found and the shape, or the error with its position."""

from typing import Any

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field, JsonValue

from graders.kinds import KINDS
from graders.preview import preview
from problems.core import read_variant, solution
from service.errors import problem_or_404

router = APIRouter(prefix="/api", tags=["grading"])


class PreviewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    problem_id: str = Field(max_length=200)
    part_id: str = Field(max_length=200)
    # Longer than any answer may be (2,000 characters): a longer text gets the answer
    # language's own "too long" message, a far longer body is a 422.
    text: str = Field(max_length=100_000, examples=["x^T (A + A^T)"])
    variant: str | None = Field(default=None, max_length=40, description="the variant whose answer "
                                "shape a vector or matrix is checked against ('default' or a seed); "
                                "none given, the shape is not checked")


class PreviewError(BaseModel):
    kind: str
    message: str
    position: int | None


class PreviewResponse(BaseModel):
    problem_id: str
    part_id: str
    kind: str
    ok: bool
    read_as: str | None = Field(description="what was read, as plain text")
    latex: str | None
    mathml: str | None
    symbols: list[str] = Field(description="the declared symbols the expression uses")
    shape: str | None = Field(description="e.g. '1×n', 'scalar', 'a 2×2 matrix'")
    value: JsonValue = Field(description="numeric parts: the value read")
    canonical: str | None = Field(description="scalar expressions: SymPy's expanded form (LaTeX)")
    error: PreviewError | None


@router.post("/preview", response_model=PreviewResponse)
def preview_answer(request: PreviewRequest) -> dict[str, Any]:
    problem = problem_or_404(request.problem_id)
    try:
        part = problem.part(request.part_id)
    except KeyError:
        known = ", ".join(p.id for p in problem.parts)
        raise HTTPException(status.HTTP_404_NOT_FOUND,
                            f"{problem.id} has no part {request.part_id[:100]!r}; its parts are "
                            f"{known}") from None
    reference = None
    if KINDS[part.kind].shaped and request.variant is not None:  # shapes vary by variant
        try:
            variant = read_variant(request.variant)
        except ValueError as error:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from None
        reference = solution(problem, variant).get(part.id)
    return {"problem_id": problem.id, "part_id": part.id, **preview(part, request.text, reference)}
