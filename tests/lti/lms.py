"""An LMS for the tests: a real LTI 1.3 platform, built on the `lti1p3platform` package (its OIDC
login initiation, its launch message and its signing), served by uvicorn on a free port so that
hwcheck fetches its JWKS over HTTP as it would Canvas's.

The test drives it as a browser would: `start_launch` is the link a person clicks in the LMS;
`authorize` is the platform's OIDC authorization endpoint, answering with the auto-submitting form
that posts the signed id_token to hwcheck. `tamper` makes the next launches wrong in one way
(another audience, an expired token, a foreign signature …) for the negative tests, and `rotate`
replaces the platform's key (its JWKS then holds only the new one).

Its Advantage services are the package's where it has them (the access token of the
client-credentials grant, checking that token, the AGS and NRPS launch claims, checking a deep
linking response) and plain dicts where it leaves storage to the LMS (line items, scores, the
roster, served a page of `page_size` at a time with `Link: rel="next"`). `down = True` makes every
service answer 503, as an LMS being upgraded does."""

from __future__ import annotations

import html
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from lti1p3platform.ags import LtiAgs
from lti1p3platform.deep_linking import LtiDeepLinking
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import MessageLaunchAbstract
from lti1p3platform.nrps import LtiNrps
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration

CLIENT_ID = "hwcheck-client-1"
DEPLOYMENT_ID = "deployment-1"
MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
LEARNER, INSTRUCTOR, TA = MEMBERSHIP + "Learner", MEMBERSHIP + "Instructor", MEMBERSHIP + "Instructor#TeachingAssistant"


def _key_pair() -> tuple[str, str]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()).decode()
    public_pem = private.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private_pem, public_pem


@dataclass
class Person:
    sub: str
    name: str
    email: str
    roles: list[str]
    sourcedid: str | None = None
    status: str = "Active"  # on the roster (NRPS): Active, Inactive or Deleted


@dataclass
class Platform:
    """The LMS: its issuer URL, its keys, the people and course it launches, what to tamper."""

    tool: str  # hwcheck's base URL, as registered in the LMS
    base: str = ""
    keys: tuple[str, str] = field(default_factory=_key_pair)
    context: dict[str, str] = field(default_factory=lambda: {"id": "course-ctx-1", "title": "Deep Learning 101",
                                                             "label": "DL101"})
    people: dict[str, Person] = field(default_factory=dict)
    tampering: dict[str, Any] = field(default_factory=dict)
    jwks_fetches: int = 0
    tool_keys: Callable[[], dict] | None = None  # hwcheck's key set, as /lti/jwks serves it
    custom: dict[str, str] = field(default_factory=dict)  # the launched link's custom parameters
    resource_link: str = "resource-link-1"
    deep_linking: bool = False  # the next launches are the LMS editor's "add content" (Deep Linking)
    deep_links: list[dict] = field(default_factory=list)  # content items hwcheck sent back
    down: bool = False
    line_items: dict[int, dict] = field(default_factory=dict)
    scores: list[dict] = field(default_factory=list)  # each with the "lineitem" it was posted to
    members: list[Person] = field(default_factory=list)  # the course's roster, for NRPS
    page_size: int = 2
    token_requests: int = 0
    registrations: list[dict] = field(default_factory=list)  # what tools asked at /register (Dynamic Registration)

    @property
    def issuer(self) -> str:
        return self.base

    def registration(self, private_pem: str | None = None) -> Registration:
        private, public = self.keys
        registration = (Registration().set_iss(self.issuer).set_client_id(CLIENT_ID)
                        .set_deployment_id(DEPLOYMENT_ID).set_launch_url(self.tool + "/lti/launch")
                        .set_oidc_login_url(self.tool + "/lti/login").set_tool_key_set_url(self.tool + "/lti/jwks")
                        .set_platform_public_key(public).set_platform_private_key(private_pem or private))
        return registration

    def checking_tool(self) -> _Config:
        """The platform's configuration, holding hwcheck's current public keys (to check what it signed)."""
        config = _Config(platform=self)
        config._registration.set_tool_key_set(self.tool_keys())
        return config

    def rotate(self) -> None:
        self.keys = _key_pair()

    def tamper(self, **how: Any) -> None:
        self.tampering = how

    def start_launch(self, person: str) -> str:
        """The link the person clicks in the LMS: the OIDC login initiation URL on hwcheck."""
        return f"{self.base}/start?person={person}"

    def registration_args(self) -> dict[str, Any]:
        return dict(issuer=self.issuer, client_id=CLIENT_ID, auth_login_url=self.base + "/authorize",
                    token_url=self.base + "/token", jwks_url=self.base + "/jwks", deployment_ids=[DEPLOYMENT_ID])


class _Config(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, platform: Platform, private_pem: str | None = None) -> None:
        self._registration = platform.registration(private_pem)

    def get_registration_by_params(self, **kwargs):
        return self._registration


class _Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs: Any) -> None:
        self._lti_message_hint = kwargs["person"]

    def get_redirect(self, url: str):
        return RedirectResponse(url, status_code=302)


class _Launch(MessageLaunchAbstract):
    def __init__(self, request_params: dict[str, str], config: _Config, platform: Platform):
        super().__init__(None, config)
        self._params, self._platform = request_params, platform

    def get_preflight_response(self) -> dict[str, Any]:
        return self._params

    def prepare_launch(self, preflight_response: dict[str, Any]) -> None:
        person = self._platform.people[preflight_response["lti_message_hint"]]
        self.set_user_data(person.sub, person.roles, full_name=person.name, email_address=person.email)
        self.set_launch_context_claim(self._platform.context["id"], context_title=self._platform.context["title"],
                                      context_label=self._platform.context["label"])
        self.set_resource_link_claim(self._platform.resource_link, title="Homework 1")
        base = self._platform.base
        extra: dict[str, Any] = {
            **LtiAgs(base + "/lineitems", allow_creating_lineitems=True).get_lti_ags_launch_claim(),
            **LtiNrps(base + "/memberships").get_lti_nrps_launch_claim(),
        }
        if self._platform.custom:
            extra["https://purl.imsglobal.org/spec/lti/claim/custom"] = dict(self._platform.custom)
        if self._platform.deep_linking:
            extra["https://purl.imsglobal.org/spec/lti/claim/message_type"] = "LtiDeepLinkingRequest"
            extra.update(LtiDeepLinking(base + "/deep-link-return").get_lti_deep_linking_launch_claim(
                title="Add hwcheck content", accept_types={"ltiResourceLink"}))
        if person.sourcedid:
            extra["https://purl.imsglobal.org/spec/lti/claim/lis"] = {"person_sourcedid": person.sourcedid}
        tampering = self._platform.tampering
        if "claims" in tampering:
            extra.update(tampering["claims"])
        if "expires_in" in tampering:
            self.set_id_token_expiration(tampering["expires_in"])
        self.set_extra_claims(extra)

    def render_launch_form(self, launch_data: dict[str, Any], **kwargs: Any) -> HTMLResponse:
        fields = "".join(f'<input type="hidden" name="{name}" value="{html.escape(str(launch_data[name]))}">'
                         for name in ("id_token", "state"))
        return HTMLResponse(f'<!doctype html><title>LMS launch</title><form method="post" id="launch" '
                            f'action="{html.escape(launch_data["launch_url"])}">{fields}'
                            '<noscript><button>Continue to hwcheck</button></noscript></form>'
                            '<script>document.getElementById("launch").submit()</script>')


def _app(platform: Platform) -> FastAPI:
    app = FastAPI()

    @app.get("/jwks")
    def jwks() -> JSONResponse:
        platform.jwks_fetches += 1
        return JSONResponse(_Config(platform=platform).get_jwks())

    @app.get("/start")
    def start(person: str):
        login = _Login(None, _Config(platform=platform))
        login.set_lti_message_hint(person=person)
        return login.initiate_login(platform.people[person].sub)

    @app.get("/authorize")
    def authorize(request: Request):
        params = dict(request.query_params)
        signer = _key_pair()[0] if platform.tampering.get("foreign_signature") else None
        config = _Config(platform=platform, private_pem=signer)
        if signer:  # a foreign key's signature under the platform's own kid
            kid = Registration.get_jwk(platform.keys[1])["kid"]
            config._registration.get_kid = lambda: kid
        return _Launch(params, config, platform).lti_launch()

    def service(request: Request, scope: str) -> None:
        """The checks of a service call: up, and a valid access token of the platform with `scope`."""
        if platform.down:
            raise _Unavailable()
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        try:
            valid = _Config(platform=platform).validate_token(token, allowed_scopes=[scope])
        except Exception:
            valid = False
        if not valid:
            raise _Unauthorized()

    @app.exception_handler(_Unavailable)
    def unavailable(request, error):
        return JSONResponse({"error": "down for maintenance"}, status_code=503)

    @app.exception_handler(_Unauthorized)
    def unauthorized(request, error):
        return JSONResponse({"error": "invalid token"}, status_code=401)

    @app.post("/token")
    async def token(request: Request):
        if platform.down:
            raise _Unavailable()
        form = dict(await request.form())
        platform.token_requests += 1
        try:
            return JSONResponse(platform.checking_tool().get_access_token(form))
        except Exception as error:
            return JSONResponse({"error": "invalid_client", "error_description": str(error)}, status_code=400)

    @app.get("/lineitems")
    def lineitems(request: Request):
        service(request, AGS_LINEITEM)
        return JSONResponse(list(platform.line_items.values()))

    @app.post("/lineitems")
    async def new_lineitem(request: Request):
        service(request, AGS_LINEITEM)
        item = await request.json()
        number = len(platform.line_items) + 1
        platform.line_items[number] = {**item, "id": f"{platform.base}/lineitems/{number}"}
        return JSONResponse(platform.line_items[number], status_code=201)

    @app.post("/lineitems/{number}/scores")
    async def score(number: int, request: Request):
        service(request, AGS_SCORE)
        if number not in platform.line_items:
            return JSONResponse({"error": "no such line item"}, status_code=404)
        platform.scores.append({**await request.json(), "lineitem": platform.line_items[number]["id"]})
        return JSONResponse({}, status_code=200)

    @app.get("/memberships")
    def memberships(request: Request, page: int = 0):
        service(request, NRPS_SCOPE)
        size = platform.page_size
        shown = platform.members[page * size:(page + 1) * size]
        body = {"id": f"{platform.base}/memberships", "context": platform.context, "members": [
            {"user_id": p.sub, "roles": p.roles, "name": p.name, "email": p.email, "status": p.status,
             **({"lis_person_sourcedid": p.sourcedid} if p.sourcedid else {})} for p in shown]}
        headers = {}
        if (page + 1) * size < len(platform.members):
            headers["Link"] = f'<{platform.base}/memberships?page={page + 1}>; rel="next"'
        return JSONResponse(body, headers=headers)

    @app.get("/.well-known/openid-configuration")
    def openid_configuration():
        base = platform.base
        return JSONResponse({
            "issuer": platform.issuer, "authorization_endpoint": base + "/authorize",
            "token_endpoint": base + "/token", "jwks_uri": base + "/jwks", "registration_endpoint": base + "/register",
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                "product_family_code": "test-lms", "version": "1.0",
                "messages_supported": [{"type": "LtiResourceLinkRequest"}, {"type": "LtiDeepLinkingRequest"}]},
        })

    @app.post("/register")
    async def register(request: Request):
        if request.headers.get("authorization") != "Bearer one-time-registration-token":
            return JSONResponse({"error": "invalid registration token"}, status_code=401)
        asked = await request.json()
        platform.registrations.append(asked)
        tool = asked["https://purl.imsglobal.org/spec/lti-tool-configuration"]
        return JSONResponse({**asked, "client_id": CLIENT_ID, "https://purl.imsglobal.org/spec/lti-tool-configuration":
                             {**tool, "deployment_id": DEPLOYMENT_ID}})

    @app.post("/deep-link-return")
    async def deep_link_return(request: Request):
        form = dict(await request.form())
        items = platform.checking_tool().validate_deeplinking_resp(form)
        platform.deep_links.extend(items)
        return HTMLResponse(f"<!doctype html><title>LMS</title><p id=saved>Added {len(items)} item(s).</p>")

    return app


AGS_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
AGS_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"


class _Unavailable(Exception):
    pass


class _Unauthorized(Exception):
    pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(tool: str) -> tuple[Platform, uvicorn.Server]:
    """The platform running on a free port (stop with `server.should_exit = True`)."""
    port = _free_port()
    platform = Platform(tool=tool, base=f"http://127.0.0.1:{port}")
    server = uvicorn.Server(uvicorn.Config(_app(platform), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test platform did not start")
        time.sleep(0.05)
    return platform, server


def launch_form(page: str) -> tuple[str, dict[str, str]]:
    """The action and fields of the platform's auto-submitting launch form."""
    action = html.unescape(re.search(r'action="([^"]+)"', page).group(1))
    fields = {name: html.unescape(value) for name, value in re.findall(r'name="([^"]+)" value="([^"]*)"', page)}
    return action, fields
