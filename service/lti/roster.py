"""Names and Role Provisioning: the LMS course's roster read page by page (through its
`Link: rel="next"`) and every active member linked as `people.py` links a launch — learners
to the roster (matched by school id or email first), instructors and TAs to the staff — so
students appear (and their scores go back) before they ever open the link."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from service.errors import CourseworkError, unprocessable
from service.lti.people import Member, course_role, link_staff, link_student
from service.lti.services import MEMBERSHIP_SCOPE, ServiceError, pages
from service.store.models import Course, LtiContext, LtiPlatform, LtiStudent, Student

MEMBERSHIPS = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"


@dataclass
class RosterSync:
    students: int = 0  # active learners, now all on the roster
    new_students: int = 0  # of them, added or first linked by this sync
    staff: int = 0
    inactive: int = 0  # members the LMS lists as inactive or deleted: left as they are

    def summary(self) -> str:
        return (f"{self.students} students ({self.new_students} new), {self.staff} staff; "
                f"{self.inactive} inactive left as they were")


def lms_roster_offered(session: Session, course: Course) -> bool:
    """Whether some LMS course linked to `course` offers its roster (the course page's button)."""
    return session.scalar(select(exists().where(LtiContext.course_id == course.id,
                                                LtiContext.memberships_url.is_not(None))))


def sync_roster(session: Session, course: Course) -> RosterSync:
    """Read the roster of every LMS course linked to `course` and link its people."""
    contexts = session.scalars(select(LtiContext).where(LtiContext.course_id == course.id)).all()
    usable = [c for c in contexts if c.memberships_url]
    if not usable:
        raise unprocessable(f"course {course.id} has no LMS roster to read: it was not launched from an LMS "
                            "that offers Names and Role Provisioning (open the link from the LMS once)")
    result = RosterSync()
    try:
        for context in usable:
            platform = session.get(LtiPlatform, context.platform_id)
            for page in pages(session, platform, context.memberships_url, (MEMBERSHIP_SCOPE,), MEMBERSHIPS):
                for entry in page.get("members", []):
                    _link(session, platform, course, entry, result)
    except ServiceError as error:  # nothing of a half-read roster is kept
        session.rollback()
        raise CourseworkError(502, f"the LMS roster could not be read: {error}") from None
    session.commit()
    return result


def _link(session: Session, platform: LtiPlatform, course: Course, entry: dict, result: RosterSync) -> None:
    sub = str(entry.get("user_id") or "")[:255]
    if not sub:
        return
    if entry.get("status", "Active") != "Active":
        result.inactive += 1
        return
    name = " ".join(p for p in (entry.get("given_name"), entry.get("family_name")) if p)
    member = Member(sub, str(entry.get("name") or name or entry.get("email") or sub),
                    entry.get("email"), entry.get("lis_person_sourcedid"))
    role = course_role(list(entry.get("roles") or []))
    if role:
        link_staff(session, platform.id, course, member, role)
        result.staff += 1
        return
    known = session.scalar(select(LtiStudent.id).join(Student, Student.id == LtiStudent.student_pk)
                           .where(LtiStudent.platform_id == platform.id, LtiStudent.sub == sub,
                                  Student.course_id == course.id))
    link_student(session, platform.id, course, member)
    result.students += 1
    result.new_students += known is None
