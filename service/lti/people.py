"""Who a launch is and where it lands: the LMS's course (its context) is a hwcheck course —
made at the first launch by one of its instructors, linked thereafter — and its person (`sub`,
with their roles) a student or a staff member of that course, linked to a roster row that
already has their school id (the `lis` person sourcedid) or email, or added to the roster."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.lti.launch import Launch
from service.lti.platforms import LtiRefusal
from service.store.models import (
    Assignment,
    AssignmentProblem,
    Course,
    CourseStaff,
    Instructor,
    LtiContext,
    LtiInstructor,
    LtiLineItem,
    LtiResourceLink,
    LtiStudent,
    Student,
)
from service.tokens import INSTRUCTOR_PREFIX, STUDENT_PREFIX, new_token

AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
# The custom parameters of a link that opens an assignment (or one of its problems): Deep Linking
# puts them on the links it makes; an instructor may also type them into the LMS's link settings.
ASSIGNMENT_PARAMETER, PROBLEM_PARAMETER = "hwcheck_assignment", "hwcheck_problem"
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
    """'instructor', 'ta', or None for a learner (or a role hwcheck does not know). A short name
    ("Instructor", as some rosters write it) is a membership role."""
    full = [r if "://" in r else _MEMBERSHIP + r for r in roles]
    given = {STAFF_ROLES[r] for r in full if r in STAFF_ROLES}
    return "instructor" if "instructor" in given else "ta" if "ta" in given else None


@dataclass(frozen=True)
class Arrival:
    person: Instructor | Student
    course: Course
    context: LtiContext
    link: LtiResourceLink | None  # what the LMS link opens, when it is set


def arrive(session: Session, launch: Launch) -> Arrival:
    """The person the launch signs in, the course it is for and what the link opens."""
    context = launch.claim("context") or {}
    if not context.get("id"):
        raise LtiRefusal("context", "the launch names no course (context); hwcheck launches from within a course")
    role = course_role(list(launch.claim("roles") or []))
    if launch.claim("message_type") == "LtiDeepLinkingRequest" and role != "instructor":
        raise LtiRefusal("roles", "adding hwcheck content to the LMS is for the course's instructors",
                         status_code=403)
    course, link = _course(session, launch, context, role)
    _note_services(launch, link)
    person = _staff(session, launch, course, role) if role else _student(session, launch, course)
    placed = _resource_link(session, launch, course, link)
    session.commit()
    return Arrival(person, course, link, placed)


def _note_services(launch: Launch, context: LtiContext) -> None:
    """The course's gradebook (AGS) and roster (NRPS) endpoints, as this launch names them."""
    ags = launch.claims.get(AGS_CLAIM) or {}
    nrps = launch.claims.get(NRPS_CLAIM) or {}
    if isinstance(ags, dict) and isinstance(ags.get("lineitems"), str):
        context.lineitems_url = ags["lineitems"][:1000]
    if isinstance(nrps, dict) and isinstance(nrps.get("context_memberships_url"), str):
        context.memberships_url = nrps["context_memberships_url"][:1000]


def _resource_link(session: Session, launch: Launch, course: Course, context: LtiContext) -> LtiResourceLink | None:
    """What this LMS link opens: set (or changed) by its custom parameters, else as set before."""
    link_id = str((launch.claim("resource_link") or {}).get("id") or "")[:255]
    if not link_id:
        return None
    placed = session.scalar(select(LtiResourceLink).where(LtiResourceLink.platform_id == launch.platform.id,
                                                          LtiResourceLink.resource_link_id == link_id))
    custom = launch.claim("custom") or {}
    slug = custom.get(ASSIGNMENT_PARAMETER) if isinstance(custom, dict) else None
    if isinstance(slug, str) and slug:
        assignment = session.scalar(select(Assignment).where(Assignment.course_id == course.id,
                                                             Assignment.slug == slug))
        problem = custom.get(PROBLEM_PARAMETER) or None
        if assignment is not None and (problem is None or session.scalar(
                select(AssignmentProblem).where(AssignmentProblem.assignment_id == assignment.id,
                                                AssignmentProblem.problem_id == problem)) is not None):
            if placed is None:
                placed = LtiResourceLink(platform_id=launch.platform.id, resource_link_id=link_id)
                session.add(placed)
            placed.assignment_id, placed.problem_id = assignment.id, problem
            session.flush()
    if placed is not None and placed.problem_id is None:
        _note_line_item(session, launch, context, placed)
    return placed


def _note_line_item(session: Session, launch: Launch, context: LtiContext, placed: LtiResourceLink) -> None:
    """A link the LMS made a gradebook column for (AGS `lineitem`): its assignment's scores go there."""
    url = (launch.claims.get(AGS_CLAIM) or {}).get("lineitem")
    if not isinstance(url, str) or not url:
        return
    known = session.scalar(select(LtiLineItem).where(LtiLineItem.context_pk == context.id,
                                                     LtiLineItem.assignment_id == placed.assignment_id))
    if known is None:
        session.add(LtiLineItem(context_pk=context.id, assignment_id=placed.assignment_id, url=url[:1000]))
    else:
        known.url = url[:1000]


def _course(session: Session, launch: Launch, context: dict, role: str | None) -> tuple[Course, LtiContext]:
    link = session.scalar(select(LtiContext).where(LtiContext.platform_id == launch.platform.id,
                                                   LtiContext.context_id == str(context["id"])))
    if link is not None:
        return session.get(Course, link.course_id), link
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
    link = LtiContext(platform_id=launch.platform.id, context_id=str(context["id"]), course_id=course.id,
                      title=title)
    session.add(link)
    return course, link


def _name(launch: Launch) -> str:
    claims = launch.claims
    given = " ".join(p for p in (claims.get("given_name"), claims.get("family_name")) if p)
    return str(claims.get("name") or given or claims.get("email") or claims["sub"])


def _staff(session: Session, launch: Launch, course: Course, role: str) -> Instructor:
    return link_staff(session, launch.platform.id, course, Member(launch.claims["sub"], _name(launch),
                                                                  launch.claims.get("email"), None), role)


def _student(session: Session, launch: Launch, course: Course) -> Student:
    school_id = (launch.claim("lis") or {}).get("person_sourcedid")
    return link_student(session, launch.platform.id, course,
                        Member(launch.claims["sub"], _name(launch), launch.claims.get("email"), school_id))


@dataclass(frozen=True)
class Member:
    """A person of the LMS course, as a launch or its roster (NRPS) names them."""

    sub: str
    name: str
    email: str | None
    school_id: str | None  # the `lis` person sourcedid


def link_staff(session: Session, platform_id: int, course: Course, member: Member, role: str) -> Instructor:
    """The hwcheck instructor for this LMS person, made on first sight, on this course's staff."""
    link = session.scalar(select(LtiInstructor).where(LtiInstructor.platform_id == platform_id,
                                                      LtiInstructor.sub == member.sub))
    if link is not None:
        instructor = session.get(Instructor, link.instructor_id)
    else:
        _, hashed = new_token(INSTRUCTOR_PREFIX)  # they sign in through the LMS: nobody holds this token
        instructor = Instructor(name=member.name[:200], email=str(member.email or "")[:320], token_hash=hashed)
        session.add(instructor)
        session.flush()
        session.add(LtiInstructor(platform_id=platform_id, sub=member.sub, instructor_id=instructor.id))
    staff = session.scalar(select(CourseStaff).where(CourseStaff.course_id == course.id,
                                                     CourseStaff.instructor_id == instructor.id))
    if staff is None:
        # The instructor whose launch made the course owns it; later ones get their LMS role.
        first = session.scalar(select(func.count()).select_from(CourseStaff)
                               .where(CourseStaff.course_id == course.id)) == 0
        session.add(CourseStaff(course_id=course.id, instructor_id=instructor.id,
                                role="owner" if first and role == "instructor" else role))
    return instructor


def link_student(session: Session, platform_id: int, course: Course, member: Member) -> Student:
    """The course's student for this LMS person: linked before, or the roster row with their school id
    or email, or a new row."""
    link = session.scalar(select(LtiStudent).where(LtiStudent.platform_id == platform_id,
                                                   LtiStudent.sub == member.sub,
                                                   LtiStudent.course_id == course.id))
    if link is not None:
        return session.get(Student, link.student_pk)
    student = None
    if member.school_id:
        student = session.scalar(select(Student).where(Student.course_id == course.id,
                                                       Student.student_id == str(member.school_id)))
    if student is None and member.email:
        student = session.scalar(select(Student).where(Student.course_id == course.id,
                                                       func.lower(Student.email) == str(member.email).lower()))
    if student is None:
        _, hashed = new_token(STUDENT_PREFIX)  # signed in by the LMS: nobody holds this token
        student = Student(course_id=course.id, student_id=str(member.school_id or f"lti-{member.sub}")[:100],
                          name=member.name[:200], email=str(member.email)[:320] if member.email else None,
                          token_hash=hashed)
        session.add(student)
        session.flush()
    session.add(LtiStudent(platform_id=platform_id, sub=member.sub, course_id=course.id, student_pk=student.id))
    session.flush()
    return student
