"""Each student's own variant of a problem: an HMAC of the course's secret, the student and
the problem, drawn above every public seed."""

from __future__ import annotations

import hashlib
import hmac

from problems.core import MAX_SEED, Variant
from service.store.models import (
    Assignment,
    Course,
    Student,
)

# Course variants live above every public seed: a student cannot grade their own variant as
# anonymous practice (requests accept only seeds ≤ MAX_SEED), nor anyone else's. They stay below
# 2**53 so a JavaScript client reads the number exactly (still ~9e15 of them).
COURSE_SEED_MIN = MAX_SEED + 1


COURSE_SEED_END = 2**53


def course_variant(course: Course, student: Student, problem_id: str) -> int:
    """HMAC-SHA256(course secret, course:student:problem) -> a seed in (MAX_SEED, 2**53): the
    same student always gets the same numbers, and nobody without the secret can work out
    anyone's."""
    return variant_seed(course.id, course.secret, student.student_id, problem_id)


def variant_seed(course_id: int, secret: str, student_id: str, problem_id: str) -> int:
    message = f"{course_id}:{student_id}:{problem_id}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return COURSE_SEED_MIN + int.from_bytes(digest[:8], "big") % (COURSE_SEED_END - COURSE_SEED_MIN)


def assignment_variant(assignment: Assignment, student: Student, problem_id: str) -> Variant:
    return variant_rule(assignment.randomized, assignment.course.id, assignment.course.secret,
                        student.student_id, problem_id)


def variant_rule(randomized: bool, course_id: int, secret: str, student_id: str, problem_id: str) -> Variant:
    """The one rule, from plain values (a row of one query has no `course` to load): a
    randomized assignment gives each student their own seed, any other the published numbers."""
    if not randomized:
        return "default"  # the published numbers, the same for everyone
    return variant_seed(course_id, secret, student_id, problem_id)
