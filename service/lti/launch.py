"""The OIDC third-party login and the launch, as LTI 1.3 (Core, §5.1) and the IMS Security
Framework (§5.1.3) ask: every check of the id_token made, in order, and a refusal that names the
check that failed. Nothing is written until every check has passed.

1. Login (`begin_login`): the platform names itself (iss, client_id) and the person (login_hint);
   hwcheck answers with a redirect to the platform's authorization endpoint carrying a fresh
   `state` (kept in this browser's cookie, and its hash here) and `nonce`.
2. Launch (`accept_launch`): the platform posts back `state` and a signed `id_token`. The state
   must be this browser's and unused; the token's signature must verify against the platform's
   JWKS (fetched, cached, fetched again for an unknown `kid` — a platform that rotated its key);
   then `iss`, `aud`/`azp`, `exp`/`iat` (a minute of leeway), the `nonce` we sent (once only),
   a registered deployment, the message type and the LTI version.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from threading import Lock
from typing import Any
from urllib.parse import urlencode

import jwt
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.lti.platforms import LtiRefusal, platform_for
from service.store.models import LtiLogin, LtiNonce, LtiPlatform, utc_now
from service.tokens import token_hash

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
MESSAGE_TYPES = ("LtiResourceLinkRequest", "LtiDeepLinkingRequest")
LOGIN_SECONDS = 600  # a login not completed by then is refused (and its row dropped)
LEEWAY = 60  # seconds of clock difference allowed on exp and iat
JWKS_SECONDS = 300  # how long a platform's key set is trusted before it is fetched again
# A kid unknown even after a fetch is not fetched for again before this: made-up kids cannot make
# hwcheck hammer a platform, and a platform's real rotation is seen at the next launch after it.
REFETCH_COOLDOWN = 10


@dataclass(frozen=True)
class Launch:
    platform: LtiPlatform
    claims: dict[str, Any]

    def claim(self, name: str, default: Any = None) -> Any:
        return self.claims.get(CLAIM + name, default)


def begin_login(session: Session, params: dict[str, str], redirect_uri: str) -> tuple[str, str]:
    """The platform's authorization URL to send the browser to, and the state for its cookie."""
    issuer, login_hint = params.get("iss"), params.get("login_hint")
    if not issuer or not login_hint:
        raise LtiRefusal("login", "the login initiation must name the platform (iss) and the person (login_hint)")
    platform = platform_for(session, issuer, params.get("client_id"))
    if platform is None:
        raise LtiRefusal("iss", f"no platform {issuer!r} with client id {params.get('client_id')!r} is registered")
    deployment = params.get("lti_deployment_id")
    if deployment and deployment not in platform.deployment_ids:
        raise LtiRefusal("deployment", f"deployment {deployment!r} of {issuer} is not registered")
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = utc_now()
    session.execute(delete(LtiLogin).where(LtiLogin.expires_at < now))  # keeps the table small
    session.add(LtiLogin(state_hash=token_hash(state), platform_id=platform.id, nonce=nonce,
                         expires_at=now + timedelta(seconds=LOGIN_SECONDS)))
    session.commit()
    query = {
        "scope": "openid", "response_type": "id_token", "response_mode": "form_post", "prompt": "none",
        "client_id": platform.client_id, "redirect_uri": redirect_uri, "login_hint": login_hint,
        "state": state, "nonce": nonce,
    }
    if params.get("lti_message_hint"):
        query["lti_message_hint"] = params["lti_message_hint"]
    separator = "&" if "?" in platform.auth_login_url else "?"
    return platform.auth_login_url + separator + urlencode(query), state


def accept_launch(session: Session, form: dict[str, str], browser_state: str | None) -> Launch:
    """The launch's checked claims; an LtiRefusal naming the first check that failed."""
    id_token, state = form.get("id_token"), form.get("state")
    if not id_token or not state:
        raise LtiRefusal("launch", "the launch must post an id_token and the state")
    if not browser_state or not secrets.compare_digest(browser_state, state):
        raise LtiRefusal("state", "the state does not match this browser's login (cookies blocked, or another "
                                  "browser's launch); open the link from the LMS again")
    login = session.get(LtiLogin, token_hash(state))
    if login is None or login.expires_at < utc_now():
        raise LtiRefusal("state", "this login is unknown, already used or expired; open the link from the LMS again")
    platform = session.get(LtiPlatform, login.platform_id)
    claims = _verified(platform, id_token)
    if claims.get("nonce") != login.nonce:
        raise LtiRefusal("nonce", "the id_token's nonce is not the one this login sent")
    deployment = claims.get(CLAIM + "deployment_id")
    if deployment not in platform.deployment_ids:
        raise LtiRefusal("deployment", f"deployment {deployment!r} of {platform.issuer} is not registered")
    message_type = claims.get(CLAIM + "message_type")
    if message_type not in MESSAGE_TYPES:
        raise LtiRefusal("message type", f"{message_type!r} is not a message hwcheck takes")
    if claims.get(CLAIM + "version") != "1.3.0":
        raise LtiRefusal("version", f"LTI version {claims.get(CLAIM + 'version')!r} is not 1.3.0")
    if not claims.get("sub"):
        raise LtiRefusal("sub", "the launch names no person (sub); anonymous launches are not taken")
    session.delete(login)  # single use: the same state cannot launch again
    session.add(LtiNonce(nonce_hash=token_hash(login.nonce),
                         expires_at=utc_now() + timedelta(seconds=LOGIN_SECONDS + LEEWAY)))
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise LtiRefusal("nonce", "this id_token's nonce was already used: a replayed launch") from None
    session.execute(delete(LtiNonce).where(LtiNonce.expires_at < utc_now()))
    return Launch(platform, claims)


def _verified(platform: LtiPlatform, id_token: str) -> dict[str, Any]:
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.DecodeError:
        raise LtiRefusal("id_token", "the id_token is not a JWT") from None
    if header.get("alg") != "RS256":
        raise LtiRefusal("signature", f"the id_token is signed with {header.get('alg')!r}; LTI 1.3 asks for RS256")
    key = _signing_key(platform, header.get("kid"), id_token)
    try:
        claims = jwt.decode(id_token, key, algorithms=["RS256"], audience=platform.client_id,
                            issuer=platform.issuer, leeway=LEEWAY,
                            options={"require": ["exp", "iat", "iss", "aud", "sub"]})
    except jwt.InvalidSignatureError:
        raise LtiRefusal("signature", "the id_token's signature does not verify against the platform's keys") from None
    except jwt.ExpiredSignatureError:
        raise LtiRefusal("exp", "the id_token has expired") from None
    except jwt.InvalidAudienceError:
        raise LtiRefusal("aud", f"the id_token is not for hwcheck's client id {platform.client_id!r}") from None
    except jwt.InvalidIssuerError:
        raise LtiRefusal("iss", f"the id_token was not issued by {platform.issuer!r}") from None
    except (jwt.ImmatureSignatureError, jwt.InvalidIssuedAtError):
        raise LtiRefusal("iat", "the id_token is issued in the future") from None
    except jwt.MissingRequiredClaimError as error:
        raise LtiRefusal(error.claim, f"the id_token has no {error.claim!r} claim") from None
    except jwt.InvalidTokenError as error:
        raise LtiRefusal("id_token", f"the id_token is not valid: {error}") from None
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    azp = claims.get("azp")
    if (len(audiences) > 1 or azp is not None) and azp != platform.client_id:
        raise LtiRefusal("azp", f"the id_token's authorized party is {azp!r}, not hwcheck's client id")
    return claims


_KEY_SETS: dict[str, jwt.PyJWKClient] = {}
_KEY_SETS_LOCK = Lock()


def _signing_key(platform: LtiPlatform, kid: str | None, id_token: str):
    """The platform's key for this `kid`, from its JWKS: cached for JWKS_SECONDS, and fetched again
    at once for a kid the cached set does not have (PyJWKClient does both)."""
    with _KEY_SETS_LOCK:
        client = _KEY_SETS.get(platform.jwks_url)
        if client is None:
            client = _KEY_SETS[platform.jwks_url] = jwt.PyJWKClient(
                platform.jwks_url, cache_jwk_set=True, lifespan=JWKS_SECONDS, timeout=10,
                cooldown_duration=REFETCH_COOLDOWN)
    try:
        return client.get_signing_key_from_jwt(id_token).key
    except jwt.PyJWKClientConnectionError:
        raise LtiRefusal("jwks", f"the platform's keys could not be fetched from {platform.jwks_url}",
                         status_code=502) from None
    except jwt.PyJWKClientError:
        raise LtiRefusal("kid", f"the platform's key set has no key {kid!r}, even fetched again") from None
