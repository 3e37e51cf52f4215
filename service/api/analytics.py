"""Analytics of an assignment's recorded submissions (service/analytics/recorded.py), for
instructors: JSON, the same CSV as a batch's analytics.csv, and an SVG score histogram per problem."""

from __future__ import annotations

import io
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, Response

from service.analytics.charts import BINS, counted_bins, histogram_svg
from service.analytics.figures import write_csv
from service.analytics.recorded import assignment_analytics, assignment_report
from service.api.deps import SessionDep, ViewedCourse, require_instructor
from service.courses import assignments
from service.errors import not_found

router = APIRouter(prefix="/api/courses", tags=["analytics (instructors)"], dependencies=[Depends(require_instructor)])

Slug = Annotated[str, PathParam(max_length=50)]


@router.get("/{course_id}/assignments/{slug}/analytics", response_model=None)
def assignment_analytics_route(
    course: ViewedCourse, slug: Slug, session: SessionDep,
    format: Annotated[Literal["json", "csv"], Query(description="json (default) or csv")] = "json",
) -> dict[str, Any] | Response:
    """Per problem and part of the assignment, over each student's counted submission (best or
    last, as the assignment counts): attempts, share correct, statuses, the 5 most common wrong
    answers with counts, a score histogram, and answer-sharing flags. `?format=csv`: one line
    per part (as a batch's analytics.csv)."""
    report = assignment_report(session, course, slug)
    if format == "csv":
        text = io.StringIO()
        write_csv(report["problems"], text)
        return Response(text.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{report["assignment"]}-analytics.csv"'})
    return JSONResponse(report)


@router.get("/{course_id}/assignments/{slug}/analytics/histograms/{problem_id}.svg",
            response_class=Response, responses={200: {"content": {"image/svg+xml": {}}}})
def assignment_histogram(
    course: ViewedCourse, slug: Slug, problem_id: Annotated[str, PathParam(max_length=100)], session: SessionDep,
) -> Response:
    """How many students' counted submissions scored in each tenth of the problem's points."""
    assignment = assignments.get_assignment(session, course, slug)
    if problem_id not in {p.problem_id for p in assignment.problems}:
        raise not_found(f"{assignment.slug} has no problem {problem_id[:100]!r}")
    stats = assignment_analytics(session, course, slug, only=problem_id)
    try:
        counts = stats.histogram.get(problem_id, [0] * BINS)
    finally:
        stats.close()
    svg = histogram_svg(counted_bins(counts), f"{problem_id}: score share", standalone=True)
    return Response(str(svg), media_type="image/svg+xml")
