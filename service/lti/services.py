"""Calling a platform's Advantage services (AGS, NRPS) as hwcheck: an OAuth2 access token by the
client-credentials grant with a JWT signed by hwcheck's key (the IMS Security Framework, §4.1),
cached until shortly before it expires; requests that fetch a fresh token once when the cached
one is refused; and the pages of a list, followed through its `Link: <…>; rel="next"`."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from threading import Lock
from typing import Any

import httpx
from sqlalchemy.orm import Session

from service.lti import keys
from service.store.models import LtiPlatform

LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
MEMBERSHIP_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
TIMEOUT = 15  # seconds for any one call to a platform
EARLY = 60  # a cached token is renewed this many seconds before the platform said it expires
MAX_PAGES = 1000  # a list longer than this is a platform's loop, not a roster


class ServiceError(Exception):
    """A platform's service refused or failed (said to the instructor, kept on the outbox row)."""


_TOKENS: dict[tuple[int, str], tuple[str, float]] = {}
_TOKENS_LOCK = Lock()


def access_token(session: Session, platform: LtiPlatform, scopes: tuple[str, ...], *, fresh: bool = False) -> str:
    key = (platform.id, " ".join(sorted(scopes)))
    with _TOKENS_LOCK:
        cached = _TOKENS.get(key)
    if cached is not None and not fresh and cached[1] > time.monotonic():
        return cached[0]
    now = int(time.time())
    assertion = keys.sign(session, {"iss": platform.client_id, "sub": platform.client_id, "aud": platform.token_url,
                                    "iat": now, "exp": now + 300, "jti": secrets.token_urlsafe(16)})
    try:
        response = httpx.post(platform.token_url, timeout=TIMEOUT, data={
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion, "scope": key[1]})
    except httpx.HTTPError as error:
        raise ServiceError(f"the platform's token endpoint {platform.token_url} could not be reached: {error}") from None
    if response.status_code != 200:
        raise ServiceError(f"the platform's token endpoint answered {response.status_code}: {response.text[:200]}")
    body = response.json()
    token, lifetime = body.get("access_token"), float(body.get("expires_in", 3600))
    if not token:
        raise ServiceError("the platform's token endpoint gave no access_token")
    with _TOKENS_LOCK:
        _TOKENS[key] = (token, time.monotonic() + max(0.0, lifetime - EARLY))
    return token


def call(session: Session, platform: LtiPlatform, method: str, url: str, scopes: tuple[str, ...],
         **request: Any) -> httpx.Response:
    """`method url` with a bearer token for `scopes`; a 2xx response, else a ServiceError."""
    headers = dict(request.pop("headers", {}))
    for fresh in (False, True):
        headers["Authorization"] = "Bearer " + access_token(session, platform, scopes, fresh=fresh)
        try:
            response = httpx.request(method, url, headers=headers, timeout=TIMEOUT, **request)
        except httpx.HTTPError as error:
            raise ServiceError(f"{url} could not be reached: {error}") from None
        if response.status_code != 401:  # 401: the token was revoked or expired early; once more
            break
    if not response.is_success:
        raise ServiceError(f"{method} {url} answered {response.status_code}: {response.text[:200]}")
    return response


def pages(session: Session, platform: LtiPlatform, url: str, scopes: tuple[str, ...], accept: str) -> Iterator[Any]:
    """The JSON of each page of a list, from `url` through its rel="next" links."""
    seen = set()
    while url and len(seen) < MAX_PAGES:
        seen.add(url)
        response = call(session, platform, "GET", url, scopes, headers={"Accept": accept})
        yield response.json()
        url = response.links.get("next", {}).get("url")
        if url in seen:
            raise ServiceError(f"the platform's next page {url} is one already read")
