"""LTI 1.3's JSON: hwcheck's public key set (`GET /lti/jwks`, what a platform checks our signed
messages against), the registration of a platform by a site admin (`POST /api/lti/platforms`;
the CLI's `hwcheck lti add-platform` does the same) and a course's roster read from its LMS
(`POST /api/courses/{id}/lti/roster`, as `hwcheck lti sync-roster`)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from service.api.deps import InstructorDep, ManagedCourse, SessionDep
from service.courses.staff import is_admin
from service.errors import closed
from service.lti import keys, registration, roster
from service.lti.platforms import add_platform

router = APIRouter(tags=["lti"])


@router.get("/lti/jwks", summary="hwcheck's public signing keys (JWKS) for LTI platforms")
def jwks(session: SessionDep) -> dict:
    return keys.jwks(session)


class PlatformIn(BaseModel):
    issuer: str = Field(min_length=1, max_length=500, examples=["https://canvas.instructure.com"])
    client_id: str = Field(min_length=1, max_length=500)
    auth_login_url: str = Field(min_length=1, max_length=1000)
    token_url: str = Field(min_length=1, max_length=1000)
    jwks_url: str = Field(min_length=1, max_length=1000)
    deployment_ids: list[str] = Field(min_length=1, max_length=100)


class PlatformOut(PlatformIn):
    id: int


@router.post("/api/lti/platforms", summary="Register an LTI 1.3 platform (site admin)", status_code=201)
def register_platform(body: PlatformIn, session: SessionDep, instructor: InstructorDep) -> PlatformOut:
    if not is_admin(instructor):
        raise closed("registering an LTI platform is for a site admin")
    platform = add_platform(session, **body.model_dump())
    return PlatformOut(id=platform.id, **body.model_dump() | {"deployment_ids": platform.deployment_ids})


class RosterSyncOut(BaseModel):
    students: int = Field(description="active learners of the LMS course, all now on the roster")
    new_students: int = Field(description="of them, added or first linked by this sync")
    staff: int
    inactive: int = Field(description="members the LMS lists as inactive: left as they were")


@router.post("/api/courses/{course_id}/lti/roster", summary="Read the course's roster from its LMS (NRPS)")
def sync_roster(course: ManagedCourse, session: SessionDep) -> RosterSyncOut:
    return RosterSyncOut(**vars(roster.sync_roster(session, course)))


class RegistrationUrlOut(BaseModel):
    url: str = Field(description="paste into the LMS's LTI Dynamic Registration; valid for seven days")


@router.post("/api/lti/registrations", summary="A URL for LTI Dynamic Registration (site admin)", status_code=201)
def registration_url(request: Request, session: SessionDep, instructor: InstructorDep) -> RegistrationUrlOut:
    if not is_admin(instructor):
        raise closed("registering an LTI platform is for a site admin")
    return RegistrationUrlOut(url=registration.invitation_url(session, str(request.base_url)))
