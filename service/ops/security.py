"""Security headers on every response, and CORS only when configured.

Every response: `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`,
`X-Frame-Options: DENY`. HTML responses also get a Content-Security-Policy
(`HWCHECK_CONTENT_SECURITY_POLICY`; it includes `frame-ancestors 'none'`, the modern
X-Frame-Options) — unless `HWCHECK_LTI_FRAME_ANCESTORS` names the LMS origins that may frame
the pages of an LTI launch. The interactive docs (/docs, /redoc) run Swagger UI / ReDoc — served from the
installed fastapi-offline package, no outside host — with an inline script, so they get their
own policy allowing inline script and style (`HWCHECK_DOCS_CONTENT_SECURITY_POLICY`).

CORS is off — no `Access-Control-Allow-Origin` on anything — unless `HWCHECK_CORS_ORIGINS` names
the origins (comma-separated) allowed to call the API from a browser.
"""

from __future__ import annotations

from typing import Any

from fastapi.middleware.cors import CORSMiddleware

from service.settings import Settings

DOCS_PATHS = ("/docs", "/redoc")


def framed_by(csp: str, ancestors: str) -> str:
    """`csp` with its frame-ancestors allowing these origins (an LMS framing LTI launches)."""
    directives = [d.strip() for d in csp.split(";") if d.strip() and not d.strip().startswith("frame-ancestors")]
    return "; ".join([*directives, f"frame-ancestors 'self' {ancestors}"])


def posting_to(csp: str, origin: str) -> str:
    """`csp` whose form-action also allows `origin` (a page whose form goes back to an LMS)."""
    directives = [d.strip() for d in csp.split(";") if d.strip() and not d.strip().startswith("form-action")]
    return "; ".join([*directives, f"form-action 'self' {origin}"])


def page_policy(settings: Settings) -> str:
    """The CSP of the HTML pages, as SecurityHeaders sends it."""
    ancestors = settings.lti_frame_ancestors.strip()
    return framed_by(settings.content_security_policy, ancestors) if ancestors else settings.content_security_policy


class SecurityHeaders:
    def __init__(self, app, csp: str, docs_csp: str, frame_ancestors: str = "") -> None:
        self.app = app
        self.csp = (framed_by(csp, frame_ancestors) if frame_ancestors else csp).encode()
        self.docs_csp = docs_csp.encode()
        # X-Frame-Options cannot name origins: with frame-ancestors allowing an LMS it is left out
        # (every browser that frames follows frame-ancestors).
        self.frame_options = [] if frame_ancestors else [(b"x-frame-options", b"DENY")]

    async def __call__(self, scope: dict[str, Any], receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = self.docs_csp if scope["path"].startswith(DOCS_PATHS) else self.csp

        async def with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {key.lower() for key, _ in headers}
                added = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                         *self.frame_options]
                content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if content_type.startswith(b"text/html"):
                    added.append((b"content-security-policy", policy))
                headers += [(k, v) for k, v in added if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def cors_origins(settings: Settings) -> list[str]:
    return [origin.strip() for origin in settings.cors_origins.split(",") if origin.strip()]


def install_security(app, settings: Settings) -> None:
    """Security headers outermost (so 413/429 refusals carry them too); CORS when configured."""
    app.add_middleware(SecurityHeaders, csp=settings.content_security_policy,
                       docs_csp=settings.docs_content_security_policy,
                       frame_ancestors=settings.lti_frame_ancestors.strip())
    origins = cors_origins(settings)
    if origins:
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_credentials=False,
                           allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                           allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
                           expose_headers=["Retry-After", "Idempotent-Replayed"], max_age=600)
