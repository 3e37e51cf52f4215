"""Who is signed in to the web pages, and CSRF protection of their forms.

- The session cookie `hwcheck_session` holds a random session id, never the person's token:
  HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it), Secure when
  the page came over HTTPS, Path=/. The database keeps the id's SHA-256 and the SHA-256 of the
  token signed in with (`web_sessions`). Signing out deletes the row, so a copied cookie is
  worthless afterwards; a session also ends after SESSION_MAX_AGE, or when its token is replaced.
- CSRF: a random secret in the cookie `hwcheck_csrf` (also HttpOnly, SameSite=Strict), and in
  every form a hidden `csrf_token` = HMAC-SHA256(that secret, the session cookie's value). A
  post is accepted only when the field matches — a page on another site can neither read the
  secret nor the token, and a token is tied to the session it was made for (signing in makes a
  new one). A post whose Origin header names another host is refused as well."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, HTTPException, Request, Response, status
from sqlalchemy import delete
from sqlalchemy.orm import Session

from service.api.deps import SessionDep, SettingsDep
from service.courses.principals import Principal, principal_by_hash
from service.settings import Settings
from service.store.models import Instructor, Student, WebSession, utc_now
from service.text import unreadable_reason
from service.tokens import token_hash

SESSION_COOKIE = "hwcheck_session"
CSRF_COOKIE = "hwcheck_csrf"
EMBEDDED_COOKIE = "hwcheck_embedded"  # set by an LTI launch: see same_site
SESSION_MAX_AGE = 60 * 60 * 24 * 14  # two weeks; the token itself does not expire
SESSION_PREFIX = "hwsess_"


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def open_session(session: Session, token: str) -> str:
    """A new signed-in session for the holder of `token` (already checked): the cookie's value."""
    return open_session_for(session, token_hash(token))


def open_session_for(session: Session, hashed_token: str) -> str:
    """A new signed-in session for whoever holds the token with this hash (an LTI launch signs
    in a person whose token nobody holds): the cookie's value."""
    value = SESSION_PREFIX + secrets.token_urlsafe(32)
    now = utc_now()
    session.execute(delete(WebSession).where(WebSession.expires_at < now))  # keeps the table small
    session.add(WebSession(id_hash=token_hash(value), token_hash=hashed_token, created_at=now,
                           expires_at=now + timedelta(seconds=SESSION_MAX_AGE)))
    session.commit()
    return value


def session_principal(session: Session, settings: Settings, value: str) -> Principal | None:
    """Who is signed in with this cookie, or None (unknown, signed out, expired, token replaced)."""
    if not value.startswith(SESSION_PREFIX) or len(value) > 100:
        return None
    row = session.get(WebSession, token_hash(value))
    if row is None or row.expires_at < utc_now():
        return None
    return principal_by_hash(session, settings, row.token_hash)


def same_site(request: Request, embedded: bool = False) -> str:
    """SameSite of our cookies: Strict, except for a browser an LMS launched (it may show hwcheck
    in its own frame, whose requests carry only SameSite=None cookies, which browsers accept
    only when Secure: so over HTTPS; over plain HTTP, Lax)."""
    if not (embedded or request.cookies.get(EMBEDDED_COOKIE) == "1"):
        return "strict"
    return "none" if _secure(request) else "lax"


def set_session(response: Response, request: Request, value: str, embedded: bool = False) -> None:
    response.set_cookie(SESSION_COOKIE, value, max_age=SESSION_MAX_AGE, httponly=True,
                        samesite=same_site(request, embedded), secure=_secure(request), path="/")
    if embedded:  # remembered, so later cookies (CSRF's) are made for the frame as well
        response.set_cookie(EMBEDDED_COOKIE, "1", max_age=SESSION_MAX_AGE, httponly=True,
                            samesite=same_site(request, True), secure=_secure(request), path="/")


def close_session(session: Session, request: Request, response: Response) -> None:
    """Sign out: the server forgets the session (a copy of the cookie no longer works)."""
    value = request.cookies.get(SESSION_COOKIE)
    if value:
        session.execute(delete(WebSession).where(WebSession.id_hash == token_hash(value)))
        session.commit()
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")


def csrf_secret(request: Request) -> str:
    """This browser's CSRF secret: the cookie's, or a new one (set on the response by
    `remember_csrf`)."""
    existing = request.cookies.get(CSRF_COOKIE)
    if existing and 20 <= len(existing) <= 100:
        return existing
    if not hasattr(request.state, "new_csrf_secret"):
        request.state.new_csrf_secret = secrets.token_urlsafe(32)
    return request.state.new_csrf_secret


def csrf_token(request: Request, session_value: str | None = None) -> str:
    """The hidden field's value for forms on this page."""
    if session_value is None:
        session_value = request.cookies.get(SESSION_COOKIE, "")
    return hmac.new(csrf_secret(request).encode(), session_value.encode(), hashlib.sha256).hexdigest()


def remember_csrf(request: Request, response: Response) -> None:
    if getattr(request.state, "new_csrf_secret", None):
        response.set_cookie(CSRF_COOKIE, request.state.new_csrf_secret, httponly=True,
                            samesite=same_site(request), secure=_secure(request), path="/")


class FormRefused(HTTPException):
    """A posted form refused before its page runs: the error page says why (service/web/__init__.py)."""


class CsrfError(FormRefused):
    pass


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url) -> tuple[str, str | None, int | None]:
    scheme = (url.scheme or "").lower()
    return scheme, (url.hostname or "").lower() or None, url.port or _DEFAULT_PORTS.get(scheme)


def check_csrf(request: Request, submitted: str | None) -> None:
    """403 unless the form carried this browser's token for this session, from our own origin."""
    origin = request.headers.get("origin")
    # Scheme, host and port, as browsers compare origins: another port on the same host is
    # another site. request.url is built from the Host header and, behind the proxy, from
    # X-Forwarded-Proto (deploy/nginx.conf passes the client's own Host, port included: $http_host).
    if origin and origin != "null" and _origin(urlsplit(origin)) != _origin(request.url):
        raise CsrfError(status.HTTP_403_FORBIDDEN, "this form was sent from another site; reload the page")
    if not request.cookies.get(CSRF_COOKIE) or not submitted:
        raise CsrfError(status.HTTP_403_FORBIDDEN,
                        "this form has expired or cookies are off; reload the page and send it again")
    if not hmac.compare_digest(submitted.encode(), csrf_token(request).encode()):
        raise CsrfError(status.HTTP_403_FORBIDDEN,
                        "this form has expired (signed in or out since?); reload the page and send it again")


async def checked_form(request: Request):
    """The posted form, once its CSRF token is checked (a 403 page otherwise) and its text fields
    are text that can be stored (a 422 page otherwise: PostgreSQL refused a NUL with a 500)."""
    form = await request.form()
    check_csrf(request, form.get("csrf_token"))
    for name, value in form.multi_items():
        if isinstance(value, str) and (why := unreadable_reason(value)) is not None:
            raise FormRefused(status.HTTP_422_UNPROCESSABLE_CONTENT,
                                f"the form's field {name[:40]!r}: {why}; remove it and send the form again")
    return form


def web_principal(request: Request, session: SessionDep, settings: SettingsDep) -> Principal | None:
    value = request.cookies.get(SESSION_COOKIE)
    if not value:
        return None
    return session_principal(session, settings, value)


WebPrincipal = Annotated[Principal | None, Depends(web_principal)]


class SignInNeeded(Exception):
    """Raised by page dependencies: the handler in service/web/__init__.py redirects to /login."""

    def __init__(self, role: str, next_path: str):
        self.role, self.next_path = role, next_path


def web_student(request: Request, principal: WebPrincipal) -> Student:
    if not isinstance(principal, Student):
        raise SignInNeeded("student", request.url.path)
    return principal


def web_instructor(request: Request, principal: WebPrincipal) -> Instructor:
    if not isinstance(principal, Instructor):
        raise SignInNeeded("instructor", request.url.path)
    return principal


WebStudent = Annotated[Student, Depends(web_student)]
WebInstructor = Annotated[Instructor, Depends(web_instructor)]
