"""LTI 1.3's JSON: hwcheck's public key set (`GET /lti/jwks`, what a platform checks our signed
messages against) and the registration of a platform by a site admin (`POST /api/lti/platforms`;
the CLI's `hwcheck lti add-platform` does the same)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from service.api.deps import InstructorDep, SessionDep
from service.courses.staff import is_admin
from service.errors import closed
from service.lti import keys
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
