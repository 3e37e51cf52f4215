"""Rendering a page: the templates, the CSRF field, who is signed in, and the few filters the
templates share (dates, scores, answer hints)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from graders.carried import was_carried
from graders.kinds import KINDS
from problems.core import Part
from service.store.models import Instructor, Student
from service.web.mathtext import math_html, render_statement
from service.web.session import csrf_token, remember_csrf

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))

# What each answer kind accepts, shown under its input (README: "Answers students type"): each
# kind's hint and examples (graders/kinds/). The examples are syntax only: none may be the answer
# to any part that shows it, which tests/web/test_hints.py checks by grading every one.
EXAMPLES = {name: kind.examples for name, kind in KINDS.items()}


STATUS_WORDS = {
    "correct": "Correct",
    "partial": "Partly correct",
    "incorrect": "Incorrect",
    "invalid": "Could not be read",
    "missing": "No answer",
}
STATUS_MARKS = {"correct": "✓", "partial": "◐", "incorrect": "✗", "invalid": "?", "missing": "–"}


def hint(part: Part) -> str:
    text = KINDS[part.kind].hint_text()
    if part.kind == "expression" and part.symbols:
        text += " Symbols: " + ", ".join(_symbol(name, spec) for name, spec in part.symbols.items()) + "."
    return text


def _symbol(name: str, spec: str) -> str:
    """'J (n×l, for ∂x/∂z)': a declaration after its semicolon says what the symbol stands for."""
    shape, _, meaning = (piece.strip() for piece in spec.partition(";"))
    return f"{name} ({shape}, for {meaning})" if meaning else f"{name} ({shape})"


def when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else ""


def points(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"


def answer_text(value: Any) -> str:
    """An answer as it goes back into its input: strings as typed, JSON values as JSON."""
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


templates.env.filters.update(when=when, points=points, answer_text=answer_text, statement=render_statement,
                             carried=was_carried)
templates.env.globals.update(hint=hint, STATUS_WORDS=STATUS_WORDS, STATUS_MARKS=STATUS_MARKS, math=math_html)


def render_page(
    request: Request, name: str, principal: Instructor | Student | None, *, status_code: int = 200,
    session_value: str | None = None, **context: Any,
) -> HTMLResponse:
    context |= {
        "me": principal,
        "role": "student" if isinstance(principal, Student) else "instructor" if isinstance(principal, Instructor) else None,
        "csrf": csrf_token(request, session_value),
    }
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    remember_csrf(request, response)
    response.headers["Cache-Control"] = "no-store"  # pages show a person's own work
    return response
