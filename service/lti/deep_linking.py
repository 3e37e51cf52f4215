"""Deep Linking (LTI-DL 2.0): from the LMS's editor, an instructor picks which assignment — or
which one problem of it — a new LMS link opens, and hwcheck hands the LMS that link.

1. The launch (an LtiDeepLinkingRequest, from the course's staff only) becomes an *offer*:
   where to return, the platform's opaque `data`, who asked — signed by hwcheck's own key
   and short-lived, so nothing is stored and nobody else can answer it.
2. The picker page shows the course's assignments and their problems.
3. The answer is an LtiDeepLinkingResponse JWT signed by hwcheck's key, posted by the browser to
   the platform's return URL: one `ltiResourceLink` whose custom parameters (`hwcheck_assignment`,
   `hwcheck_problem`) say what it opens — every later launch of it carries them (people.py) — and,
   for a whole assignment, the gradebook column (`lineItem`) the LMS makes for it."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import jwt
from sqlalchemy.orm import Session

from service.lti import keys
from service.lti.launch import CLAIM, Launch
from service.lti.people import ASSIGNMENT_PARAMETER, PROBLEM_PARAMETER
from service.lti.platforms import LtiRefusal
from service.lti.scores import TAG
from service.store.models import Assignment, Instructor, LtiPlatform

DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/"
OFFER_SECONDS = 1800  # the instructor has half an hour to pick
_OFFER = "hwcheck-deep-linking-offer"


@dataclass(frozen=True)
class Offer:
    platform_id: int
    deployment_id: str
    return_url: str
    data: Any
    course_id: int
    instructor_id: int

    @property
    def return_origin(self) -> str:
        parts = urlsplit(self.return_url)
        return f"{parts.scheme}://{parts.netloc}"


def make_offer(session: Session, launch: Launch, course_id: int, instructor: Instructor) -> str:
    """The signed offer for a deep-linking launch (the picker's URL carries it)."""
    settings = launch.claims.get(DL_CLAIM + "deep_linking_settings") or {}
    return_url = settings.get("deep_link_return_url") if isinstance(settings, dict) else None
    if not isinstance(return_url, str) or urlsplit(return_url).scheme not in ("https", "http"):
        raise LtiRefusal("deep linking", "the request names no return URL (deep_link_return_url)")
    if "ltiResourceLink" not in (settings.get("accept_types") or ["ltiResourceLink"]):
        raise LtiRefusal("deep linking", "the LMS does not accept links (ltiResourceLink) here")
    now = int(time.time())
    return keys.sign(session, {
        "typ": _OFFER, "iat": now, "exp": now + OFFER_SECONDS, "platform": launch.platform.id,
        "deployment": launch.claim("deployment_id"), "return_url": return_url, "data": settings.get("data"),
        "course": course_id, "instructor": instructor.id})


def read_offer(session: Session, token: str, instructor: Instructor) -> Offer:
    """The offer, if hwcheck signed it, it is not stale, and it is this instructor's."""
    try:
        claims = keys.verify(session, token)
    except jwt.ExpiredSignatureError:
        raise LtiRefusal("deep linking", "this choice was offered more than half an hour ago: "
                                         "start again from the LMS's editor") from None
    except jwt.InvalidTokenError:
        raise LtiRefusal("deep linking", "this is not a choice hwcheck offered") from None
    if claims.get("typ") != _OFFER or claims.get("instructor") != instructor.id:
        raise LtiRefusal("deep linking", "this choice was offered to someone else", status_code=403)
    return Offer(claims["platform"], claims["deployment"], claims["return_url"], claims.get("data"),
                 claims["course"], claims["instructor"])


def content_item(assignment: Assignment, problem_id: str | None, launch_url: str) -> dict[str, Any]:
    """The LMS link for an assignment, or for one of its problems."""
    custom = {ASSIGNMENT_PARAMETER: assignment.slug}
    item: dict[str, Any] = {"type": "ltiResourceLink", "url": launch_url, "custom": custom}
    if problem_id is None:
        item["title"] = assignment.title
        item["lineItem"] = {"scoreMaximum": sum(p.points for p in assignment.problems), "label": assignment.title,
                            "resourceId": assignment.slug, "tag": TAG}
    else:
        custom[PROBLEM_PARAMETER] = problem_id
        item["title"] = f"{assignment.title}: {problem_id}"
    return item


def response_token(session: Session, offer: Offer, items: list[dict[str, Any]]) -> str:
    """The LtiDeepLinkingResponse, signed, for the browser to post to the platform (field `JWT`)."""
    platform = session.get(LtiPlatform, offer.platform_id)
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": platform.client_id, "aud": platform.issuer, "azp": platform.client_id, "iat": now, "exp": now + 600,
        "nonce": secrets.token_urlsafe(16),
        CLAIM + "message_type": "LtiDeepLinkingResponse", CLAIM + "version": "1.3.0",
        CLAIM + "deployment_id": offer.deployment_id, DL_CLAIM + "content_items": items,
    }
    if offer.data is not None:
        claims[DL_CLAIM + "data"] = offer.data
    return keys.sign(session, claims)
