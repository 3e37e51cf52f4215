"""LTI Dynamic Registration (1.0): the LMS's administrator pastes hwcheck's registration URL into
the LMS; the LMS opens it with where its OpenID configuration is (and a one-time registration
token); hwcheck reads that configuration, registers itself at the LMS's registration endpoint and
records the platform it gets back (client id, deployment) — no copying of keys or URLs by hand.

The URL carries an *invitation* a site admin made (`hwcheck lti registration-url`): signed by
hwcheck's key and expiring, so a stranger cannot register a platform of their own making and
launch into hwcheck as its "instructor"."""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import httpx
import jwt
from sqlalchemy.orm import Session

from service.lti import keys
from service.lti.platforms import LtiRefusal, add_platform
from service.lti.scores import SCOPES as AGS_SCOPES
from service.lti.services import MEMBERSHIP_SCOPE, TIMEOUT
from service.store.models import LtiPlatform

INVITATION_SECONDS = 7 * 24 * 3600
_INVITATION = "hwcheck-lti-registration"
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"


def invitation_url(session: Session, base_url: str) -> str:
    """The registration URL to paste into the LMS (valid INVITATION_SECONDS)."""
    now = int(time.time())
    invitation = keys.sign(session, {"typ": _INVITATION, "iat": now, "exp": now + INVITATION_SECONDS})
    return base_url.rstrip("/") + "/lti/register?" + urlencode({"invitation": invitation})


def _refused(check: str, detail: str, status_code: int = 400) -> LtiRefusal:
    return LtiRefusal(check, detail, status_code, step="registration")


@dataclass(frozen=True)
class Registered:
    platform: LtiPlatform
    product: str


def register(session: Session, invitation: str, openid_configuration: str, registration_token: str | None,
             base_url: str) -> Registered:
    """Register hwcheck with the LMS whose configuration is at `openid_configuration`."""
    try:
        claims = keys.verify(session, invitation)
    except jwt.ExpiredSignatureError:
        raise _refused("invitation", "this registration URL has expired: make a new one (hwcheck lti registration-url)") from None
    except jwt.InvalidTokenError:
        raise _refused("invitation", "this registration URL is not one hwcheck made", 403) from None
    if claims.get("typ") != _INVITATION:
        raise _refused("invitation", "this registration URL is not one hwcheck made", 403)
    configuration = _fetch_configuration(openid_configuration)
    base = base_url.rstrip("/")
    scopes = " ".join((*AGS_SCOPES, MEMBERSHIP_SCOPE))
    body = {
        "application_type": "web", "response_types": ["id_token"], "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": base + "/lti/login", "redirect_uris": [base + "/lti/launch"],
        "client_name": "hwcheck", "jwks_uri": base + "/lti/jwks", "token_endpoint_auth_method": "private_key_jwt",
        "scope": scopes,
        TOOL_CONFIGURATION: {
            "domain": urlsplit(base).netloc, "target_link_uri": base + "/lti/launch",
            "description": "Grades deep-learning homework: per-part scores and feedback, at once.",
            "claims": ["iss", "sub", "name", "given_name", "family_name", "email"],
            "messages": [{"type": "LtiDeepLinkingRequest", "target_link_uri": base + "/lti/launch",
                          "label": "hwcheck"}],
        },
    }
    headers = {"Authorization": f"Bearer {registration_token}"} if registration_token else {}
    try:
        answer = httpx.post(configuration["registration_endpoint"], json=body, headers=headers, timeout=TIMEOUT)
    except httpx.HTTPError as error:
        raise _refused("registration", f"the LMS's registration endpoint could not be reached: {error}", 502) from None
    if not answer.is_success:
        raise _refused("registration", f"the LMS refused the registration ({answer.status_code}): {answer.text[:200]}", 502)
    made = answer.json()
    deployment = (made.get(TOOL_CONFIGURATION) or {}).get("deployment_id")
    if not made.get("client_id") or not deployment:
        raise _refused("registration", "the LMS did not say hwcheck's client id and deployment id; register it by hand "
                       "(hwcheck lti add-platform)", 502)
    platform = add_platform(session, issuer=configuration["issuer"], client_id=str(made["client_id"]),
                            auth_login_url=configuration["authorization_endpoint"],
                            token_url=configuration["token_endpoint"], jwks_url=configuration["jwks_uri"],
                            deployment_ids=[str(deployment)])
    product = (configuration.get(PLATFORM_CONFIGURATION) or {}).get("product_family_code") or configuration["issuer"]
    return Registered(platform, str(product))


def _fetch_configuration(url: str) -> dict:
    if urlsplit(url).scheme not in ("https", "http"):
        raise _refused("configuration", "the LMS gave no OpenID configuration URL (openid_configuration)")
    try:
        response = httpx.get(url, timeout=TIMEOUT, headers={"Accept": "application/json"})
        configuration = response.json() if response.is_success else None
    except (httpx.HTTPError, ValueError):
        configuration = None
    if not isinstance(configuration, dict):
        raise _refused("configuration", f"the LMS's OpenID configuration could not be read from {url}", 502)
    missing = [k for k in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri", "registration_endpoint")
               if not isinstance(configuration.get(k), str)]
    if missing:
        raise _refused("configuration", f"the LMS's OpenID configuration has no {', '.join(missing)}")
    # The specification's check: the configuration speaks for the issuer it was fetched from.
    if urlsplit(configuration["issuer"]).netloc != urlsplit(url).netloc:
        raise _refused("issuer", f"the configuration at {url} names another issuer ({configuration['issuer']})")
    return configuration
