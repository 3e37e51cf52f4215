"""Assignment and Grade Services: each student's counted score on an assignment, sent to the
LMS's gradebook column for it (a line item, found by its tag or made) from the outbox
(service/courses/score_outbox.py) by a background sender.

- What is sent is the score *as it stands when sent* (override and late penalty applied, as the
  student's progress shows it), stamped with that moment: the outbox row only says the score
  changed. A retry can never send an older score over a newer one, and the platform — which
  ignores a score older than the one it has — keeps the newest even if two senders race.
- Rows are sent in their order. When a platform fails (down, an error), its rows wait with a
  growing back-off and the rest of its rows stay behind them; other platforms go on.
- Several server processes may send: a row is claimed (for CLAIM_SECONDS) before it is sent."""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from service.courses.progress import progress
from service.courses.score_outbox import INSERT_OUTBOX, outbox_row
from service.lti.services import LINEITEM_SCOPE, SCORE_SCOPE, ServiceError, call, pages
from service.ops.background import Poller
from service.store.models import (
    Assignment,
    LtiContext,
    LtiLineItem,
    LtiPlatform,
    LtiResourceLink,
    LtiScoreOutbox,
    LtiStudent,
    Student,
    utc_now,
)

log = logging.getLogger("hwcheck.lti")

SCOPES = (LINEITEM_SCOPE, SCORE_SCOPE)
LINEITEMS = "application/vnd.ims.lis.v2.lineitemcontainer+json"
LINEITEM = "application/vnd.ims.lis.v2.lineitem+json"
SCORE = "application/vnd.ims.lis.v1.score+json"
TAG = "hwcheck"  # every line item hwcheck makes carries it, with the assignment's slug as resourceId
BATCH = 100  # rows claimed per round
CLAIM_SECONDS = 120
BACKOFF_SECONDS = 5.0  # the first retry's wait; doubled each time, at most MAX_BACKOFF
MAX_BACKOFF = 3600.0
POLL_SECONDS = 1.0


def backoff(tries: int) -> timedelta:
    return timedelta(seconds=min(MAX_BACKOFF, BACKOFF_SECONDS * 2 ** max(0, tries - 1)))


def _due(now: datetime):
    return (LtiScoreOutbox.sent_at.is_(None) & (LtiScoreOutbox.next_try_at <= now)
            & or_(LtiScoreOutbox.claimed_until.is_(None), LtiScoreOutbox.claimed_until < now))


def any_due(session: Session) -> bool:
    return session.scalar(select(LtiScoreOutbox.id).where(_due(utc_now())).limit(1)) is not None


def send_pending(session: Session, now: datetime | None = None) -> int:
    """Send what the outbox holds that is due; the number of scores the LMS accepted."""
    now = now or utc_now()
    due = session.scalars(select(LtiScoreOutbox).where(_due(now)).order_by(LtiScoreOutbox.id).limit(BATCH)).all()
    mine = [row.id for row in due if _claim(session, row.id, now)]
    if not mine:
        return 0
    # A student's other waiting rows for the same assignment go with them, due or not: what is
    # sent is the score as it stands, which covers every earlier change. (Rows of one student in
    # two back-off cohorts sent that score twice, the second time out of order.)
    for student_pk, assignment_id in {(row.student_pk, row.assignment_id) for row in due if row.id in mine}:
        waiting = session.scalars(select(LtiScoreOutbox.id).where(
            LtiScoreOutbox.student_pk == student_pk, LtiScoreOutbox.assignment_id == assignment_id,
            LtiScoreOutbox.sent_at.is_(None), LtiScoreOutbox.id.not_in(mine))).all()
        mine += [row_id for row_id in waiting if _claim(session, row_id, now)]
    rows = session.scalars(select(LtiScoreOutbox).where(LtiScoreOutbox.id.in_(mine))
                           .order_by(LtiScoreOutbox.id)).all()
    groups: dict[tuple[int, int], list[LtiScoreOutbox]] = defaultdict(list)
    for row in rows:  # dicts keep insertion order: groups go in the order of their first row
        groups[row.student_pk, row.assignment_id].append(row)
    failed: dict[int, datetime] = {}  # platforms that failed this round -> when they are tried again
    sent = 0
    for (student_pk, assignment_id), group in groups.items():
        link = session.scalar(select(LtiStudent).where(LtiStudent.student_pk == student_pk))
        if link is not None and link.platform_id in failed:
            _wait(group, failed[link.platform_id])  # behind the row that failed, not ahead of it
            session.commit()
            continue
        try:
            if link is None:
                raise _Unsendable("the student is no longer linked to an LMS")
            _send(session, link, session.get(Student, student_pk), session.get(Assignment, assignment_id), now)
        except _Unsendable as reason:
            _done(group, now, str(reason))
        except ServiceError as error:
            log.warning("LTI score for student %s on assignment %s not sent: %s", student_pk, assignment_id, error)
            for row in group:
                row.tries += 1
                row.last_error = str(error)[:2000]
            failed[link.platform_id] = now + backoff(max(row.tries for row in group))
            _wait(group, failed[link.platform_id])
        else:
            _done(group, now, None)
            sent += 1
        session.commit()
    session.commit()
    return sent


def _claim(session: Session, row_id: int, now: datetime) -> bool:
    claimed = session.execute(
        update(LtiScoreOutbox)
        .where(LtiScoreOutbox.id == row_id, LtiScoreOutbox.sent_at.is_(None),
               or_(LtiScoreOutbox.claimed_until.is_(None), LtiScoreOutbox.claimed_until < now))
        .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS)))
    session.commit()
    return claimed.rowcount == 1


def _wait(group: list[LtiScoreOutbox], until: datetime) -> None:
    for row in group:
        row.claimed_until, row.next_try_at = None, until


def _done(group: list[LtiScoreOutbox], now: datetime, note: str | None) -> None:
    for row in group:
        row.sent_at, row.claimed_until, row.last_error = now, None, note


class _Unsendable(Exception):
    """Nothing to send it to (no AGS for the course): the row is closed with this note."""


def _send(session: Session, link: LtiStudent, student: Student, assignment: Assignment, now: datetime) -> None:
    platform = session.get(LtiPlatform, link.platform_id)
    context = session.scalar(select(LtiContext).where(LtiContext.platform_id == platform.id,
                                                      LtiContext.course_id == assignment.course_id,
                                                      LtiContext.lineitems_url.is_not(None)))
    if context is None:
        raise _Unsendable("the course's LMS offers no gradebook service (AGS) to hwcheck")
    standing = next(p for p in progress(session, student) if p.slug == assignment.slug)
    done = [p for p in standing.problems if p.counted_submission_id is not None]
    score = {
        "userId": link.sub,
        "scoreGiven": standing.score,
        "scoreMaximum": standing.max_points,
        "activityProgress": "Completed" if len(done) == len(standing.problems) else "InProgress" if done
        else "Initialized",
        "gradingProgress": "FullyGraded",
        "timestamp": now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }
    url = line_item(session, platform, context, assignment)
    call(session, platform, "POST", _under(url, "scores"), SCOPES, json=score, headers={"Content-Type": SCORE})


def line_item(session: Session, platform: LtiPlatform, context: LtiContext, assignment: Assignment) -> str:
    """The URL of the assignment's column in the LMS gradebook: known, found by tag, or made."""
    known = session.scalar(select(LtiLineItem).where(LtiLineItem.context_pk == context.id,
                                                     LtiLineItem.assignment_id == assignment.id))
    if known is not None:
        return known.url
    found = None
    for page in pages(session, platform, context.lineitems_url, SCOPES, LINEITEMS):
        found = next((item["id"] for item in page if item.get("tag") == TAG
                      and item.get("resourceId") == assignment.slug), None)
        if found:
            break
    if found is None:
        points = sum(item.points for item in assignment.problems)
        wanted: dict[str, Any] = {"scoreMaximum": points, "label": assignment.title, "tag": TAG,
                                  "resourceId": assignment.slug}
        placed = session.scalar(select(LtiResourceLink).where(LtiResourceLink.platform_id == platform.id,
                                                              LtiResourceLink.assignment_id == assignment.id,
                                                              LtiResourceLink.problem_id.is_(None)))
        if placed is not None:
            wanted["resourceLinkId"] = placed.resource_link_id
        made = call(session, platform, "POST", context.lineitems_url, SCOPES, json=wanted,
                    headers={"Content-Type": LINEITEM, "Accept": LINEITEM})
        found = made.json().get("id")
        if not found:
            raise ServiceError("the platform made a line item but did not say its id (URL)")
    session.add(LtiLineItem(context_pk=context.id, assignment_id=assignment.id, url=found))
    session.flush()
    return found


def _under(url: str, leaf: str) -> str:
    """`…/lineitems/7?x=1` -> `…/lineitems/7/scores?x=1` (a line item URL may carry a query)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/" + leaf))


def resend_assignment(session: Session, assignment: Assignment) -> int:
    """Queue every LMS student's score on `assignment` again (`hwcheck lti sync-grades`)."""
    students = session.scalars(select(LtiStudent.student_pk).join(Student, Student.id == LtiStudent.student_pk)
                               .where(Student.course_id == assignment.course_id)).all()
    now = utc_now()
    for student_pk in students:
        session.execute(INSERT_OUTBOX, outbox_row(student_pk, assignment.id, now))
    session.commit()
    return len(students)


@dataclass(frozen=True)
class Resent:
    queued: int  # students whose score was queued again
    sent: int  # of them, those whose score the LMS took
    waiting: int  # rows left to be retried (the LMS failed them)


def resend_now(session: Session, assignment: Assignment) -> Resent:
    """Queue every LMS student's score on `assignment` again and send them now (`hwcheck lti
    sync-grades`). A running server's own sender may claim some of these rows first: they are
    being sent, not waiting, so their outcome is awaited (a claim lasts CLAIM_SECONDS), and a
    score counts as sent whoever sent it."""
    started = utc_now()
    queued = resend_assignment(session, assignment)
    while send_pending(session) > 0:
        pass
    unsent = (LtiScoreOutbox.assignment_id == assignment.id) & LtiScoreOutbox.sent_at.is_(None)
    deadline = time.monotonic() + CLAIM_SECONDS
    while time.monotonic() < deadline and session.scalar(select(func.count()).select_from(LtiScoreOutbox).where(
            unsent, LtiScoreOutbox.claimed_until > utc_now())):
        time.sleep(0.2)
        session.expire_all()
    sent = session.scalar(select(func.count(func.distinct(LtiScoreOutbox.student_pk))).where(
        LtiScoreOutbox.assignment_id == assignment.id, LtiScoreOutbox.sent_at >= started,
        LtiScoreOutbox.last_error.is_(None)))
    return Resent(queued, sent, session.scalar(select(func.count()).select_from(LtiScoreOutbox).where(unsent)))


class ScoreSender(Poller):
    """The server's background sender (app.state.score_sender): every POLL_SECONDS, whatever is
    due — sent from here, or, with the job queue, by a worker this asks to (the LMS's slowness
    and failures then stay off the server)."""

    name = "hwcheck-lti-scores"

    def __init__(self, make_session: sessionmaker, ask_a_worker: Callable[[], object] | None = None):
        """`ask_a_worker`: with the job queue, what enqueues a "send the due scores" message."""
        super().__init__()
        self._make_session, self._ask_a_worker = make_session, ask_a_worker

    def interval(self) -> float:
        return POLL_SECONDS

    def round(self) -> None:
        with self._make_session() as session:
            if self._ask_a_worker is not None:
                if any_due(session):
                    self._ask_a_worker()
                return
            while send_pending(session) and not self.stopping:
                pass
