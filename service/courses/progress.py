"""Reading recorded submissions: an instructor's lists, a student's own, score overrides, the
one that counts (best or last) and each student's progress per assignment."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from graders.grade import answer_key
from problems import registry
from problems.core import Problem, Variant, params_for, stored_variant
from problems.statement import render
from service.courses.assignments import get_assignment, list_assignments, resolve_assignment
from service.courses.deadlines import deadline_for
from service.courses.roster import get_student
from service.courses.schemas import (
    AssignmentProgress,
    ProblemProgress,
    StudentProblemOut,
    SubmissionOut,
)
from service.courses.score_outbox import note_score_changed
from service.courses.staff import Need, course_for, is_admin
from service.courses.variants import assignment_variant
from service.errors import CourseworkError, not_found, unprocessable
from service.schemas import PartSummary
from service.store.models import (
    Course,
    Grading,
    Instructor,
    Student,
)


def submission_out(row: Grading) -> SubmissionOut:
    return SubmissionOut(
        id=row.id,
        student_id=row.student.student_id,
        assignment=row.assignment.slug,
        problem_id=row.problem_id,
        variant=stored_variant(row.variant),
        attempt=row.attempt,
        submitted_at=row.created_at,
        answers=row.answers,
        parts=row.result["parts"],
        score=row.score,
        max_score=row.max_score,
        late_days=row.late_days,
        penalty=row.penalty,
        final_score=row.final_score,
        override_score=row.override_score,
        override_comment=row.override_comment,
        overridden_at=row.overridden_at,
        counted_score=row.counted_score,
    )


def list_submissions(
    session: Session,
    course: Course,
    *,
    student_id: str | None = None,
    problem_id: str | None = None,
    slug: str | None = None,
) -> list[Grading]:
    query = (
        select(Grading)
        .join(Student, Grading.student_pk == Student.id)
        .where(Student.course_id == course.id)
        .options(selectinload(Grading.student), selectinload(Grading.assignment))
    )
    if student_id is not None:
        query = query.where(Grading.student_pk == get_student(session, course, student_id).id)
    if slug is not None:
        query = query.where(Grading.assignment_id == get_assignment(session, course, slug).id)
    if problem_id is not None:
        query = query.where(Grading.problem_id == problem_id)
    return list(session.scalars(query.order_by(Grading.id)))


def own_submissions(
    session: Session, student: Student, *, problem_id: str | None = None, slug: str | None = None
) -> list[Grading]:
    query = select(Grading).where(Grading.student_pk == student.id).options(selectinload(Grading.assignment))
    if slug is not None:
        query = query.where(Grading.assignment_id == get_assignment(session, student.course, slug).id)
    if problem_id is not None:
        query = query.where(Grading.problem_id == problem_id)
    return list(session.scalars(query.order_by(Grading.id)))


def course_submission(session: Session, instructor: Instructor, submission_id: int, need: Need) -> Grading:
    """A stored submission, for the staff of its course whose role allows `need`; to those not
    on its staff (and, but for site admins, for practice gradings) there is no such submission."""
    row = session.get(Grading, submission_id)
    if row is None or (row.student_pk is None and not is_admin(instructor)):
        raise not_found(f"there is no submission {submission_id}")
    if row.student_pk is not None:
        try:
            course_for(session, instructor, row.student.course_id, need)
        except CourseworkError as refusal:
            if refusal.status_code == 404:
                raise not_found(f"there is no submission {submission_id}") from None
            raise
    return row


def override(
    session: Session, instructor: Instructor, submission_id: int, score: float, comment: str, now: datetime
) -> Grading:
    """Set a submission's score by hand (a role that grades: owner, instructor, TA)."""
    row = course_submission(session, instructor, submission_id, Need.GRADE)
    if row.student_pk is None:
        raise unprocessable(
            f"submission {submission_id} is practice (no student, no assignment); it counts for nothing"
        )
    if score > row.max_score:
        raise unprocessable(f"the score must be between 0 and {row.max_score:g}, this problem's maximum")
    row.override_score, row.override_comment, row.overridden_at = score, comment, now
    note_score_changed(session, row.student_pk, row.assignment_id, now)
    session.commit()
    return row


def counted(rows: list[Grading], rule: str) -> Grading | None:
    """The submission that counts: among those that used an attempt (or were overridden), the
    best or the last."""
    candidates = [r for r in rows if r.attempt is not None or r.override_score is not None]
    if not candidates:
        return None
    if rule == "last":
        return max(candidates, key=lambda r: r.id)
    return max(candidates, key=lambda r: (r.counted_score, -r.id))  # ties: the earlier one


def progress(session: Session, student: Student) -> list[AssignmentProgress]:
    rows = session.scalars(
        select(Grading).where(Grading.student_pk == student.id).order_by(Grading.id)
    ).all()
    by_problem: dict[tuple[int, str], list[Grading]] = defaultdict(list)
    for row in rows:
        by_problem[row.assignment_id, row.problem_id].append(row)
    summaries = []
    for assignment in list_assignments(session, student.course):
        deadline = deadline_for(session, assignment, student)
        problems = []
        for item in assignment.problems:
            mine = by_problem[assignment.id, item.problem_id]
            used = max((r.attempt for r in mine if r.attempt is not None), default=0)
            best = counted(mine, assignment.counts)
            points = None
            if best is not None:
                share = best.counted_score / best.max_score if best.max_score else 0.0
                points = round(share * item.points, 6)
            allowed = assignment.attempts_allowed
            problems.append(ProblemProgress(
                problem_id=item.problem_id, title=registry.get(item.problem_id).title, points=item.points,
                attempts_used=used, attempts_left=None if allowed is None else max(0, allowed - used),
                score=points, counted_submission_id=best.id if best else None,
                override_comment=best.override_comment if best else None,
            ))
        summaries.append(AssignmentProgress(
            slug=assignment.slug, title=assignment.title, due_at=deadline.due_at, extended=deadline.extended,
            late_policy=assignment.late_policy, penalty_per_day=assignment.penalty_per_day,
            accept_late_until=deadline.accept_late_until, attempts_allowed=assignment.attempts_allowed,
            counts=assignment.counts, randomized=assignment.randomized, problems=problems,
            score=round(sum(p.score or 0.0 for p in problems), 6),
            max_points=sum(p.points for p in problems),
        ))
    return summaries


def own_variant(session: Session, student: Student, problem_id: str, slug: str) -> Variant:
    assignment, _ = resolve_assignment(session, student.course, problem_id, slug)
    return assignment_variant(assignment, student, problem_id)


def student_problem(
    session: Session, course: Course, student_id: str, problem: Problem, slug: str | None
) -> StudentProblemOut:
    """A student's variant of a problem, its params and its answer key (for instructors)."""
    student = get_student(session, course, student_id)
    assignment, _ = resolve_assignment(session, course, problem.id, slug)
    variant = assignment_variant(assignment, student, problem.id)
    params = params_for(problem, variant)
    return StudentProblemOut(
        course_id=course.id, student_id=student.student_id, assignment=assignment.slug, problem_id=problem.id,
        title=problem.title, statement=render(problem.statement, params), variant=variant, params=params,
        parts=[PartSummary(id=p.id, kind=p.kind, prompt=p.prompt) for p in problem.parts],
        answers=answer_key(problem, variant),
    )
