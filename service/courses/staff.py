"""Who may do what in a course: the staff roles, and the one check every route and page makes.

A course's staff are instructors with a role in it. A site admin (the HWCHECK_INSTRUCTOR_TOKEN
holder, or an instructor made with `--admin`) sees and manages every course. To anyone else a
course they are not staff of does not exist (404, the same words as for a course nobody made:
we do not confirm it is there); a member whose role does not allow the action gets a 403 that
says what their role does allow."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.errors import conflict, forbidden, not_found, unprocessable
from service.store.models import Course, CourseStaff, Instructor


class Need(StrEnum):
    """What an action needs of the caller's role."""

    VIEW = "view"  # read the roster, submissions, analytics, gradebooks, answer keys
    GRADE = "grade"  # override a score, extend a deadline, run a batch job for the course
    MANAGE = "manage"  # change the roster and the assignments, regrade
    STAFF = "staff"  # add, remove and change staff


# The roles table (the README shows it): what each role may do.
ROLES: dict[str, frozenset[Need]] = {
    "owner": frozenset(Need),
    "instructor": frozenset({Need.VIEW, Need.GRADE, Need.MANAGE}),
    "ta": frozenset({Need.VIEW, Need.GRADE}),
    "viewer": frozenset({Need.VIEW}),
}

ALLOWS = {
    "owner": "everything, staff changes included",
    "instructor": "everything but staff changes",
    "ta": "viewing everything, score overrides and extensions; not the roster, assignments or staff",
    "viewer": "viewing only",
}

NEEDS_WORDS = {
    Need.VIEW: "viewing this course",
    Need.GRADE: "a score override, an extension or a batch job",
    Need.MANAGE: "changing the roster or the assignments, or a regrade,",
    Need.STAFF: "changing the staff",
}


def is_admin(instructor: Instructor) -> bool:
    # The bootstrap instructor has no row (id None): the HWCHECK_INSTRUCTOR_TOKEN holder.
    return instructor.id is None or instructor.is_admin


def role_in(session: Session, instructor: Instructor, course_id: int) -> str | None:
    """The instructor's role in the course; "admin" for a site admin; None for no role."""
    if is_admin(instructor):
        return "admin"
    return session.scalar(
        select(CourseStaff.role).where(CourseStaff.course_id == course_id,
                                       CourseStaff.instructor_id == instructor.id)
    )


def may(role: str | None, need: Need) -> bool:
    return role == "admin" or (role is not None and need in ROLES[role])


def allowed(session: Session, instructor: Instructor, course: Course) -> frozenset[str]:
    """What this instructor may do in the course, for the pages to offer only those forms."""
    role = role_in(session, instructor, course.id)
    return frozenset(need.value for need in Need if may(role, need))


def course_for(session: Session, instructor: Instructor, course_id: int, need: Need = Need.VIEW) -> Course:
    """The course, if this instructor may do `need` in it: else 404 (not staff) or 403 (role)."""
    if not 1 <= course_id < 2**31:  # no course has such an id (and the driver would refuse it)
        raise not_found(f"there is no course {course_id}")
    role = role_in(session, instructor, course_id)
    course = session.get(Course, course_id) if role is not None else None
    if course is None:
        raise not_found(f"there is no course {course_id}")
    if not may(role, need):
        *some, last = [r for r, needs in ROLES.items() if need in needs]
        roles = f"{', '.join(some)} or {last}" if some else last
        raise forbidden(f"your role in this course is {role}: it allows {ALLOWS[role]}; {NEEDS_WORDS[need]} "
                        f"needs {roles}")
    return course


def visible_courses(session: Session, instructor: Instructor) -> list[tuple[Course, str]]:
    """The courses this instructor is staff of (a site admin: all), each with the role."""
    if is_admin(instructor):
        return [(c, "admin") for c in session.scalars(select(Course).order_by(Course.id))]
    rows = session.execute(
        select(Course, CourseStaff.role).join(CourseStaff, CourseStaff.course_id == Course.id)
        .where(CourseStaff.instructor_id == instructor.id).order_by(Course.id)
    )
    return [(course, role) for course, role in rows]


def list_staff(session: Session, course: Course) -> list[CourseStaff]:
    return list(session.scalars(select(CourseStaff).where(CourseStaff.course_id == course.id)
                                .order_by(CourseStaff.id)))


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise unprocessable(f"{role!r} is not a role; the roles are {', '.join(ROLES)}")


def find_instructor(session: Session, email: str) -> Instructor:
    """The one instructor with this email (staff are added by email, which people know)."""
    found = list(session.scalars(select(Instructor).where(Instructor.email == email.strip())))
    if not found:
        raise not_found(f"no instructor has the email {email!r}; create them first "
                        "(hwcheck admin create-instructor)")
    if len(found) > 1:
        raise conflict(f"{len(found)} instructors have the email {email!r}; give each their own email first")
    return found[0]


def _owners(session: Session, course: Course) -> int:
    return len([s for s in list_staff(session, course) if s.role == "owner"])


def set_staff(session: Session, course: Course, instructor: Instructor, role: str) -> CourseStaff:
    """Give the instructor this role in the course (adding them, or changing their role)."""
    _check_role(role)
    member = session.scalar(select(CourseStaff).where(CourseStaff.course_id == course.id,
                                                      CourseStaff.instructor_id == instructor.id))
    if member is None:
        member = CourseStaff(course_id=course.id, instructor_id=instructor.id, role=role)
        session.add(member)
    elif member.role != role:
        if member.role == "owner" and _owners(session, course) == 1:
            raise conflict("this is the course's last owner: make someone else owner first")
        member.role = role
    try:
        session.commit()
    except IntegrityError:  # the same instructor added twice at once
        session.rollback()
        raise conflict(f"{instructor.email or instructor.name} was just added by someone else; reload") from None
    session.refresh(member)
    return member


def remove_staff(session: Session, course: Course, instructor_id: int) -> None:
    member = session.scalar(select(CourseStaff).where(CourseStaff.course_id == course.id,
                                                      CourseStaff.instructor_id == instructor_id))
    if member is None:
        raise not_found(f"instructor {instructor_id} is not on this course's staff")
    if member.role == "owner" and _owners(session, course) == 1:
        raise conflict("this is the course's last owner: make someone else owner first")
    session.delete(member)
    session.commit()


def make_owner(session: Session, course: Course, instructor: Instructor) -> None:
    """The creator of a course owns it (the bootstrap instructor has no row to own with)."""
    if instructor.id is not None:
        session.add(CourseStaff(course_id=course.id, instructor_id=instructor.id, role="owner"))
        session.commit()
