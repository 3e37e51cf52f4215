"""The web pages: a form for students (and for practice) and a dashboard for instructors,
rendered on the server with Jinja2 — no front-end build, math as MathML made on the server,
one small script (the live preview) that the forms do not need.

`install(app)` adds the pages, the static files and the two page-only exception handlers."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from service.web import assignment_pages, instructor, lti, staff_pages, student
from service.web.pages import render_page
from service.web.refusals import PageRefused
from service.web.session import FormRefused, SignInNeeded

STATIC = Path(__file__).parent / "static"


def install(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(student.router)
    app.include_router(instructor.router)
    app.include_router(assignment_pages.router)
    app.include_router(staff_pages.router)
    app.include_router(lti.router)  # the LTI 1.3 login and launch

    @app.exception_handler(SignInNeeded)
    async def sign_in_first(request: Request, exc: SignInNeeded) -> RedirectResponse:
        return RedirectResponse(f"/login?role={exc.role}&next={quote(exc.next_path)}", status_code=303)

    @app.exception_handler(PageRefused)
    async def page_refused(request: Request, exc: PageRefused):
        return render_page(request, "error.html", exc.principal, status_code=exc.error.status_code,
                           title="Not possible", message=exc.error.detail, back=exc.back)

    @app.exception_handler(FormRefused)
    async def form_refused(request: Request, exc: FormRefused):
        return render_page(request, "error.html", None, status_code=exc.status_code,
                           title="Form refused", message=exc.detail)
