"""Registered LMS platforms: who may launch hwcheck, and where their endpoints are."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.errors import CourseworkError, unprocessable
from service.store.models import LtiPlatform


def _url(name: str, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise unprocessable(f"{name} must be an http(s) URL, not {value[:80]!r}")
    return value


def add_platform(session: Session, *, issuer: str, client_id: str, auth_login_url: str, token_url: str,
                 jwks_url: str, deployment_ids: list[str]) -> LtiPlatform:
    """Register a platform (or update the one with this issuer and client id): a launch from it is
    accepted only from one of `deployment_ids`."""
    if not issuer or not client_id:
        raise unprocessable("a platform needs its issuer and the client id it gave hwcheck")
    deployments = sorted({d.strip() for d in deployment_ids if d.strip()})
    if not deployments:
        raise unprocessable("name at least one deployment id: launches from any other are refused")
    platform = session.scalar(select(LtiPlatform).where(LtiPlatform.issuer == issuer,
                                                        LtiPlatform.client_id == client_id))
    if platform is None:
        platform = LtiPlatform(issuer=issuer, client_id=client_id)
        session.add(platform)
    platform.auth_login_url = _url("the OIDC authorization URL", auth_login_url)
    platform.token_url = _url("the token URL", token_url)
    platform.jwks_url = _url("the JWKS URL", jwks_url)
    platform.deployment_ids = deployments
    session.commit()
    return platform


def platform_for(session: Session, issuer: str, client_id: str | None) -> LtiPlatform | None:
    """The platform a login or launch names; with no client id, the issuer's only registration."""
    query = select(LtiPlatform).where(LtiPlatform.issuer == issuer)
    if client_id:
        query = query.where(LtiPlatform.client_id == client_id)
    found = session.scalars(query.limit(2)).all()
    return found[0] if len(found) == 1 else None


class LtiRefusal(CourseworkError):
    """A login or launch refused: `check` names the check of the specification that failed."""

    def __init__(self, check: str, detail: str, status_code: int = 400, step: str = "launch"):
        super().__init__(status_code, f"LTI {step} refused ({check}): {detail}")
        self.check = check
