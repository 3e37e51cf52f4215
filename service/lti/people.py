"""Who a launch is and where it lands: the LMS's course (its context) is a hwcheck course —
made at the first launch by one of its instructors, linked thereafter — and its person (`sub`,
with their roles) a student or a staff member of that course, linked to a roster row that
already has their school id (the `lis` person sourcedid) or email, or added to the roster."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.lti.launch import Launch
from service.lti.platforms import LtiRefusal
from service.store.models import (
    Course,
    CourseStaff,
    Instructor,
    LtiContext,
    LtiInstructor,
    LtiStudent,
    Student,
)
from service.tokens import INSTRUCTOR_PREFIX, STUDENT_PREFIX, new_token

_MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
_INSTITUTION = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#"
# LTI role URIs -> the course role they give (the strongest wins); anything else is a learner.
STAFF_ROLES = {
    _MEMBERSHIP + "Instructor": "instructor",
    _MEMBERSHIP + "Administrator": "instructor",
    _MEMBERSHIP + "ContentDeveloper": "instructor",
    _INSTITUTION + "Administrator": "instructor",
    _MEMBERSHIP + "Instructor#TeachingAssistant": "ta",
    _MEMBERSHIP + "TeachingAssistant": "ta",
}


def course_role(roles: list[str]) -> str | None:
    """'instructor', 'ta', or None for a learner (or a role hwcheck does not know)."""
    given = {STAFF_ROLES[r] for r in roles if r in STAFF_ROLES}
    return "instructor" if "instructor" in given else "ta" if "ta" in given else None


def arrive(session: Session, launch: Launch) -> tuple[Instructor | Student, Course]:
    """The person the launch signs in, and the course it is for."""
    context = launch.claim("context") or {}
    if not context.get("id"):
        raise LtiRefusal("context", "the launch names no course (context); hwcheck launches from within a course")
    role = course_role(list(launch.claim("roles") or []))
    course = _course(session, launch, context, role)
    person = _staff(session, launch, course, role) if role else _student(session, launch, course)
    session.commit()
    return person, course


def _course(session: Session, launch: Launch, context: dict, role: str | None) -> Course:
    link = session.scalar(select(LtiContext).where(LtiContext.platform_id == launch.platform.id,
                                                   LtiContext.context_id == str(context["id"])))
    if link is not None:
        return session.get(Course, link.course_id)
    if role != "instructor":
        raise LtiRefusal("context", "this course is not set up in hwcheck yet: one of its instructors must "
                                    "open the link from the LMS first", status_code=403)
    title = str(context.get("title") or context.get("label") or "LTI course")[:150]
    name = title
    if session.scalar(select(Course).where(Course.name == name)) is not None:
        name = f"{title} ({str(context['id'])[:40]})"
    course = Course(name=name)
    session.add(course)
    session.flush()
    session.add(LtiContext(platform_id=launch.platform.id, context_id=str(context["id"]), course_id=course.id,
                           title=title))
    return course


def _name(launch: Launch) -> str:
    claims = launch.claims
    given = " ".join(p for p in (claims.get("given_name"), claims.get("family_name")) if p)
    return str(claims.get("name") or given or claims.get("email") or claims["sub"])[:200]


def _staff(session: Session, launch: Launch, course: Course, role: str) -> Instructor:
    link = session.scalar(select(LtiInstructor).where(LtiInstructor.platform_id == launch.platform.id,
                                                      LtiInstructor.sub == launch.claims["sub"]))
    if link is not None:
        instructor = session.get(Instructor, link.instructor_id)
    else:
        _, hashed = new_token(INSTRUCTOR_PREFIX)  # they sign in through the LMS: nobody holds this token
        instructor = Instructor(name=_name(launch), email=str(launch.claims.get("email") or "")[:320],
                                token_hash=hashed)
        session.add(instructor)
        session.flush()
        session.add(LtiInstructor(platform_id=launch.platform.id, sub=launch.claims["sub"],
                                  instructor_id=instructor.id))
    staff = session.scalar(select(CourseStaff).where(CourseStaff.course_id == course.id,
                                                     CourseStaff.instructor_id == instructor.id))
    if staff is None:
        # The instructor whose launch made the course owns it; later ones get their LMS role.
        first = session.scalar(select(func.count()).select_from(CourseStaff)
                               .where(CourseStaff.course_id == course.id)) == 0
        session.add(CourseStaff(course_id=course.id, instructor_id=instructor.id,
                                role="owner" if first and role == "instructor" else role))
    return instructor


def _student(session: Session, launch: Launch, course: Course) -> Student:
    link = session.scalar(select(LtiStudent).where(LtiStudent.platform_id == launch.platform.id,
                                                   LtiStudent.sub == launch.claims["sub"],
                                                   LtiStudent.course_id == course.id))
    if link is not None:
        return session.get(Student, link.student_pk)
    school_id = (launch.claim("lis") or {}).get("person_sourcedid")
    email = launch.claims.get("email")
    student = None
    if school_id:
        student = session.scalar(select(Student).where(Student.course_id == course.id,
                                                       Student.student_id == str(school_id)))
    if student is None and email:
        student = session.scalar(select(Student).where(Student.course_id == course.id,
                                                       func.lower(Student.email) == str(email).lower()))
    if student is None:
        _, hashed = new_token(STUDENT_PREFIX)  # signed in by the LMS: nobody holds this token
        student = Student(course_id=course.id, student_id=str(school_id or f"lti-{launch.claims['sub']}")[:100],
                          name=_name(launch), email=str(email)[:320] if email else None, token_hash=hashed)
        session.add(student)
        session.flush()
    session.add(LtiStudent(platform_id=launch.platform.id, sub=launch.claims["sub"], course_id=course.id,
                           student_pk=student.id))
    return student
