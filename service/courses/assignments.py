"""A course's assignments: made from a problem list or a template, listed, and found for a
submission (the one named, or the only one that has the problem)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, lazyload

from problems import registry
from service.courses.schemas import (
    AssignmentIn,
    AssignmentOut,
    AssignmentProblemIn,
    AssignmentProblemOut,
)
from service.courses.templates import Assignment as Template
from service.errors import conflict, no_problem, not_found, unprocessable
from service.store.models import (
    Assignment,
    AssignmentProblem,
    Course,
)


def _problems_of(spec: AssignmentIn, templates: Mapping[str, Template] | None) -> list[AssignmentProblemIn]:
    """The problems and points: the spec's own list, or its template's (service/courses/assignments.toml
    or HWCHECK_ASSIGNMENTS_FILE)."""
    problems = spec.problems
    if spec.template is not None:
        template = (templates or {}).get(spec.template)
        if template is None:
            raise unprocessable(f"there is no template {spec.template!r}; GET /api/assignments lists them")
        problems = [AssignmentProblemIn(problem_id=p.problem_id, points=p.points) for p in template.problems]
    for item in problems:
        if item.problem_id not in registry.PROBLEMS:
            raise unprocessable(no_problem(item.problem_id).detail)
    return problems


def _take(assignment: Assignment, spec: AssignmentIn, problems: list[AssignmentProblemIn]) -> None:
    assignment.slug, assignment.title = spec.slug, spec.title
    assignment.due_at = spec.due_at.astimezone(UTC)
    assignment.late_policy, assignment.penalty_per_day = spec.late_policy, spec.penalty_per_day
    assignment.accept_late_until = spec.accept_late_until.astimezone(UTC) if spec.accept_late_until else None
    assignment.attempts_allowed, assignment.counts = spec.attempts_allowed, spec.counts
    assignment.randomized = spec.randomized
    assignment.problems = [AssignmentProblem(problem_id=p.problem_id, points=p.points, position=i)
                           for i, p in enumerate(problems)]


def _slug_taken(session: Session, course: Course, slug: str, besides: int | None = None) -> bool:
    query = select(Assignment.id).where(Assignment.course_id == course.id, Assignment.slug == slug)
    return any(found != besides for found in session.scalars(query))


def _commit(session: Session, course: Course, slug: str) -> None:
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise conflict(f"{course.name} already has an assignment {slug!r}") from None


def create_assignment(
    session: Session, course: Course, spec: AssignmentIn, templates: Mapping[str, Template] | None = None
) -> Assignment:
    """A course assignment from an explicit problem list or from a template of the assignments file."""
    problems = _problems_of(spec, templates)
    if _slug_taken(session, course, spec.slug):
        raise conflict(f"{course.name} already has an assignment {spec.slug!r}")
    assignment = Assignment(course_id=course.id)
    _take(assignment, spec, problems)
    session.add(assignment)
    _commit(session, course, spec.slug)
    return assignment


def update_assignment(
    session: Session, course: Course, slug: str, spec: AssignmentIn, templates: Mapping[str, Template] | None = None
) -> Assignment:
    """Everything of an assignment anew. New points count at once (a submission's score is kept
    on its problem's own scale); a submission's late penalty stays what it was when it came."""
    assignment = get_assignment(session, course, slug)
    problems = _problems_of(spec, templates)
    if spec.slug != assignment.slug and _slug_taken(session, course, spec.slug, besides=assignment.id):
        raise conflict(f"{course.name} already has an assignment {spec.slug!r}")
    _take(assignment, spec, problems)
    _commit(session, course, spec.slug)
    return assignment


def assignment_out(assignment: Assignment) -> AssignmentOut:
    return AssignmentOut(
        id=assignment.id, slug=assignment.slug, title=assignment.title, due_at=assignment.due_at,
        late_policy=assignment.late_policy, penalty_per_day=assignment.penalty_per_day,
        accept_late_until=assignment.accept_late_until, attempts_allowed=assignment.attempts_allowed,
        counts=assignment.counts, randomized=assignment.randomized,
        problems=[
            AssignmentProblemOut(problem_id=p.problem_id, title=registry.get(p.problem_id).title, points=p.points)
            for p in assignment.problems
        ],
    )


def list_assignments(session: Session, course: Course) -> list[Assignment]:
    return list(session.scalars(
        select(Assignment).where(Assignment.course_id == course.id).order_by(Assignment.due_at, Assignment.id)
    ))


def get_assignment(session: Session, course: Course, slug: str) -> Assignment:
    assignment = session.scalar(
        select(Assignment).where(Assignment.course_id == course.id, Assignment.slug == slug)
    )
    if assignment is None:
        raise not_found(f"there is no assignment {slug[:50]!r} in {course.name}")
    return assignment


def resolve_assignment(
    session: Session, course: Course, problem_id: str, slug: str | None
) -> tuple[Assignment, AssignmentProblem]:
    """The assignment a submission or a view is for: the one named, or the only one that has
    this problem."""
    if slug is not None:
        # The assignment and this one problem of it in one query. Not all its problems: their
        # select-in load was a tenth of a recorded grading's CPU (bench/RESULTS-http.md); they
        # are loaded below only for the message, when the problem is not there.
        found = session.execute(
            select(Assignment, AssignmentProblem)
            .options(lazyload(Assignment.problems))
            .outerjoin(AssignmentProblem, (AssignmentProblem.assignment_id == Assignment.id)
                       & (AssignmentProblem.problem_id == problem_id))
            .where(Assignment.course_id == course.id, Assignment.slug == slug)
        ).first()
        if found is None:
            raise not_found(f"there is no assignment {slug[:50]!r} in {course.name}")
        assignment, item = found
        if item is None:
            listed = ", ".join(p.problem_id for p in assignment.problems)
            raise not_found(f"{problem_id} is not part of {assignment.slug}; its problems are {listed}")
        return assignment, item
    having = list(session.scalars(
        select(Assignment)
        .join(AssignmentProblem)
        .where(Assignment.course_id == course.id, AssignmentProblem.problem_id == problem_id)
        .order_by(Assignment.due_at, Assignment.id)
    ))
    if not having:
        raise unprocessable(f"{problem_id} is not in any assignment of {course.name}")
    if len(having) > 1:
        slugs = ", ".join(a.slug for a in having)
        raise unprocessable(
            f"{problem_id} is in more than one assignment ({slugs}); say which with `assignment`"
        )
    return having[0], having[0].problem(problem_id)
