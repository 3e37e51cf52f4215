"""Pages for students (and for anyone, in practice mode): sign in with the token, my
assignments, a problem's form with my own variant, per-part feedback, my history."""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from graders.kinds import KINDS
from graders.preview import preview
from problems import registry
from problems.core import Problem, params_for, read_variant, solution
from problems.statement import render
from service.api.clock import get_now
from service.api.deps import SessionDep, SettingsDep
from service.courses import assignments, deadlines, progress, submissions, variants
from service.courses.principals import lookup_token
from service.errors import CourseworkError, problem_or_404, unprocessable
from service.grading import grade_and_store
from service.store.models import Grading, Instructor, Student
from service.web.pages import render_page
from service.web.refusals import shown_as_page
from service.web.session import (
    WebPrincipal,
    WebStudent,
    checked_form,
    close_session,
    open_session,
    set_session,
)

router = APIRouter(include_in_schema=False)


def _safe_next(path: str | None, default: str) -> str:
    # Only a path on this site: never "//evil.example" or "https://…".
    if path and path.startswith("/") and not path.startswith("//") and "\\" not in path:
        return path
    return default


def form_answers(problem: Problem, form: Any) -> dict[str, Any]:
    """The form's inputs as an answers body: empty inputs are left out (graded `missing`);
    an object typed as JSON (property parts with several fields) is passed as an object."""
    answers: dict[str, Any] = {}
    for part in problem.parts:
        text = str(form.get(f"answer-{part.id}", "")).strip()
        if not text:
            continue
        if part.kind == "property" and text.startswith("{"):
            try:
                answers[part.id] = json.loads(text)
                continue
            except ValueError:
                pass
        answers[part.id] = text
    return answers


# --- signing in and out ---------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def home(request: Request, principal: WebPrincipal):
    if isinstance(principal, Student):
        return RedirectResponse("/assignments", status_code=303)
    if isinstance(principal, Instructor):
        return RedirectResponse("/instructor", status_code=303)
    return render_page(request, "home.html", None, title="hwcheck")


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, principal: WebPrincipal, next: str | None = None, role: str | None = None):
    return render_page(request, "login.html", principal, title="Sign in", next=_safe_next(next, ""),
                       wanted=role if role in ("student", "instructor") else None)


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request, session: SessionDep, settings: SettingsDep):
    form = await checked_form(request)
    token = str(form.get("token", "")).strip()
    next_path = str(form.get("next", ""))
    principal = lookup_token(session, settings, token) if token else None
    if principal is None:
        message = ("Enter your token." if not token else
                   "This token is not valid (unknown or replaced). Check it, or ask your instructor for yours.")
        return render_page(request, "login.html", None, status_code=401, title="Sign in",
                           next=_safe_next(next_path, ""), error=message)
    default = "/assignments" if isinstance(principal, Student) else "/instructor"
    target = _safe_next(next_path, default)
    if isinstance(principal, Student) and target.startswith("/instructor"):
        target = default
    response = RedirectResponse(target, status_code=303)
    set_session(response, request, open_session(session, token))
    return response


@router.post("/logout")
async def logout(request: Request, session: SessionDep):
    await checked_form(request)
    response = RedirectResponse("/", status_code=303)
    close_session(session, request, response)
    return response


# --- a student's assignments and problems ---------------------------------------------------------


@router.get("/assignments", response_class=HTMLResponse)
def my_assignments(request: Request, student: WebStudent, session: SessionDep):
    summaries = progress.progress(session, student)
    return render_page(request, "assignments.html", student, title="My assignments", assignments=summaries,
                       now=get_now(request))


def _readings(session, student: Student, slug: str, problem: Problem, answers: dict[str, Any]) -> dict:
    """WeBWorK's "Preview My Answers" without JavaScript: each typed answer as the preview reads
    it, its shape checked against the student's own variant (on the server, never shown)."""
    assignment, _ = assignments.resolve_assignment(session, student.course, problem.id, slug)
    values = solution(problem, variants.assignment_variant(assignment, student, problem.id))
    return {part.id: preview(part, answers[part.id], values.get(part.id) if KINDS[part.kind].shaped else None)
            for part in problem.parts if isinstance(answers.get(part.id), str) and answers[part.id].strip()}


def _problem_page(request: Request, session, student: Student, slug: str, problem: Problem, *,
                  shown: Grading | None = None, answers: dict[str, Any] | None = None,
                  error: str | None = None, status_code: int = 200, checked: dict | None = None) -> HTMLResponse:
    assignment, item = assignments.resolve_assignment(session, student.course, problem.id, slug)
    standing = _standing(session, assignment, student, get_now(request))
    variant = variants.assignment_variant(assignment, student, problem.id)
    params = params_for(problem, variant)
    summary = next(a for a in progress.progress(session, student) if a.slug == assignment.slug)
    mine = next(p for p in summary.problems if p.problem_id == problem.id)
    history = progress.own_submissions(session, student, problem_id=problem.id, slug=assignment.slug)
    result = shown.response if shown is not None and shown.response else (
        shown.result if shown is not None else None)
    if shown is not None and answers is None:
        answers = shown.answers
    if answers is None and history:
        answers = history[-1].answers  # coming back: the boxes hold what was sent last
    results = {p["id"]: p for p in result["parts"]} if result else {}
    return render_page(
        request, "problem.html", student, status_code=status_code,
        title=f"{problem.title} — {assignment.title}", problem=problem,
        statement=render(problem.statement, params), assignment=summary, progress=mine, item=item,
        answers=answers or {}, result=result, results=results, shown=shown, history=list(reversed(history)),
        error=error, action=f"/assignments/{assignment.slug}/problems/{problem.id}",
        form_nonce=secrets.token_urlsafe(12), practice=False, counted_id=mine.counted_submission_id,
        closed=standing.get("closed"), late=standing.get("late"), out_of_attempts=mine.attempts_left == 0,
        # One scale on the page, the assignment's points: the grader's scores (a problem's parts
        # weigh 1 each) are converted, as the counted score already is.
        pts=lambda value, max_score: value * item.points / max_score if max_score else value,
        checked=checked or {},
    )


def _standing(session, assignment, student: Student, now) -> dict[str, str]:
    """What the page must say before anyone submits, by the very rule submitting applies
    (service/courses/deadlines.py): {"closed": why} or {"late": what it costs}, or nothing."""
    deadline = deadlines.deadline_for(session, assignment, student)
    try:
        days, penalty = deadlines.late_terms(assignment, deadline, now)
    except CourseworkError as error:
        return {"closed": f"{error.detail[:1].upper()}{error.detail[1:]}."}
    if days:
        return {"late": f"The deadline has passed: a submission now is {days} day(s) late and loses "
                        f"{penalty:.0%} of its score."}
    return {}


@router.get("/assignments/{slug}/problems/{problem_id}", response_class=HTMLResponse)
def problem_page(request: Request, slug: str, problem_id: str, student: WebStudent, session: SessionDep,
                 submission: int | None = None):
    problem = problem_or_404(problem_id)
    shown = None
    if submission is not None:
        shown = session.get(Grading, submission)
        if shown is None or shown.student_pk != student.id or shown.problem_id != problem.id:
            shown = None  # never someone else's
    try:
        return _problem_page(request, session, student, slug, problem, shown=shown)
    except CourseworkError as error:
        return render_page(request, "error.html", student, status_code=error.status_code,
                           title="Not found", message=error.detail)


@router.post("/assignments/{slug}/problems/{problem_id}", response_class=HTMLResponse)
async def submit_problem(request: Request, slug: str, problem_id: str, student: WebStudent, session: SessionDep):
    problem = problem_or_404(problem_id)
    form = await checked_form(request)
    answers = form_answers(problem, form)
    if form.get("check"):  # "Check my answers": how each was read, graded nothing, no attempt
        try:
            return _problem_page(request, session, student, slug, problem, answers=answers,
                                 checked=_readings(session, student, slug, problem, answers))
        except CourseworkError as error:
            return render_page(request, "error.html", student, status_code=error.status_code,
                               title="Not found", message=error.detail)
    # The same form sent twice with the same answers (a double click, a reload) counts once;
    # changed answers are a new submission.
    nonce = str(form.get("form_nonce", ""))[:100]
    key = None
    if nonce:
        key = "web-" + hashlib.sha256(
            (nonce + json.dumps(answers, sort_keys=True)).encode()).hexdigest()[:40]
    try:
        receipt = submissions.submit(session, student, problem, answers, slug=slug, idempotency_key=key,
                                    now=get_now(request))
    except CourseworkError as error:
        session.rollback()
        try:
            return _problem_page(request, session, student, slug, problem, answers=answers, error=error.detail,
                                 status_code=error.status_code)
        except CourseworkError as again:
            return render_page(request, "error.html", student, status_code=again.status_code,
                               title="Not found", message=again.detail)
    submission_id = receipt.body["submission"]["id"]
    return RedirectResponse(
        f"/assignments/{quote(slug)}/problems/{problem.id}?submission={submission_id}#result", status_code=303)


# --- practice: no sign-in, nothing counts --------------------------------------------------------


def _practice_variant(raw: str | None):
    try:
        return read_variant(raw)
    except ValueError as error:
        raise unprocessable(str(error)) from None


@router.get("/practice", response_class=HTMLResponse)
def practice_list(request: Request, principal: WebPrincipal):
    return render_page(request, "practice_list.html", principal, title="Practice",
                       problems=list(registry.PROBLEMS.values()))


def _practice_page(request, principal, problem, variant, *, answers=None, result=None, status_code=200):
    params = params_for(problem, variant)
    return render_page(
        request, "problem.html", principal, status_code=status_code, title=f"{problem.title} — practice",
        problem=problem, statement=render(problem.statement, params), answers=answers or {}, result=result,
        results={p["id"]: p for p in result["parts"]} if result else {}, history=[], error=None,
        action=f"/practice/{problem.id}", practice=True, variant=variant, form_nonce=None,
        pts=lambda value, max_score: value,  # practice has no points: the grader's own scale
        checked={},
    )


@router.get("/practice/{problem_id}", response_class=HTMLResponse)
def practice_page(request: Request, problem_id: str, principal: WebPrincipal, variant: str | None = None):
    with shown_as_page(principal, back="/practice"):  # a page, not JSON, for a wrong link
        problem = problem_or_404(problem_id)
        variant = _practice_variant(variant)
    return _practice_page(request, principal, problem, variant)


@router.post("/practice/{problem_id}", response_class=HTMLResponse)
async def practice_grade(request: Request, problem_id: str, principal: WebPrincipal, session: SessionDep):
    with shown_as_page(principal, back="/practice"):
        problem = problem_or_404(problem_id)
    form = await checked_form(request)
    with shown_as_page(principal, back=f"/practice/{problem.id}"):
        variant = _practice_variant(str(form.get("variant", "default")))
    answers = form_answers(problem, form)
    result = grade_and_store(session, problem, variant, answers).to_dict()  # stored like API practice
    return _practice_page(request, principal, problem, variant, answers=answers, result=result)
