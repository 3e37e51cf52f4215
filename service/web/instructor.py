"""Pages for instructors: courses, roster upload (tokens shown once), assignments, per-problem
statistics (score histogram, most common wrong answers), gradebook CSV, a student's
submissions with score overrides."""

from __future__ import annotations

from collections import defaultdict

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from problems import registry
from service.analytics.charts import histogram_svg, score_bins
from service.analytics.recorded import assignment_analytics
from service.api.clock import get_now
from service.api.deps import SessionDep
from service.courses import assignments, progress, roster
from service.courses.staff import Need, allowed, course_for, make_owner, visible_courses
from service.errors import CourseworkError
from service.exports.course_gradebook import gradebook, gradebook_csv
from service.exports.roster_tokens import as_data_url, tokens_csv
from service.lti.roster import lms_roster_offered
from service.ops.limits import BodyTooLarge
from service.store.models import AssignmentProblem, Grading
from service.web.pages import render_page
from service.web.refusals import refuse, shown_as_page, staff_course
from service.web.session import WebInstructor, checked_form

router = APIRouter(prefix="/instructor", include_in_schema=False)

# What the course page promises; the whole form may be up to HWCHECK_MAX_BATCH_BODY_BYTES.
ROSTER_BYTES = 5_000_000
ROSTER_TOO_LARGE = "The roster file is larger than 5 MB; split it and upload each part."


@router.get("", response_class=HTMLResponse)
def dashboard(request: Request, instructor: WebInstructor, session: SessionDep):
    return render_page(request, "instructor_home.html", instructor, title="Courses",
                       courses=visible_courses(session, instructor))


@router.post("/courses", response_class=HTMLResponse)
async def create_course(request: Request, instructor: WebInstructor, session: SessionDep):
    form = await checked_form(request)
    name = str(form.get("name", "")).strip()
    if not name:
        return render_page(request, "instructor_home.html", instructor, status_code=422, title="Courses",
                           courses=visible_courses(session, instructor), error="Give the course a name.")
    try:
        course = roster.create_course(session, name[:200])
        make_owner(session, course, instructor)
    except CourseworkError as error:
        return render_page(request, "instructor_home.html", instructor, status_code=error.status_code,
                           title="Courses", courses=visible_courses(session, instructor), error=error.detail)
    return RedirectResponse(f"/instructor/courses/{course.id}", status_code=303)


def course_page_for(request, instructor, session, course, *, roster_result=None, roster_error=None,
                    roster_warnings=(), tokens_download=None, extension=None, status_code=200):
    """The course page; also what a roster upload or an extension (assignment_pages.py) shows."""
    submissions = progress.list_submissions(session, course)
    return render_page(
        request, "course.html", instructor, status_code=status_code, title=course.name, course=course,
        students=roster.list_students(session, course),
        assignments=assignments.list_assignments(session, course),
        recent=list(reversed(submissions))[:25], roster_result=roster_result, roster_error=roster_error,
        roster_warnings=list(roster_warnings), tokens_download=tokens_download,
        can=allowed(session, instructor, course), extension=extension or {"values": {}, "errors": {}},
        saved=request.query_params.get("saved"),
        lms_roster=lms_roster_offered(session, course),
    )


@router.get("/courses/{course_id}", response_class=HTMLResponse)
def course_page(request: Request, course_id: int, instructor: WebInstructor, session: SessionDep):
    course = staff_course(session, instructor, course_id)
    return course_page_for(request, instructor, session, course)


@router.post("/courses/{course_id}/roster", response_class=HTMLResponse)
async def upload_roster(request: Request, course_id: int, instructor: WebInstructor, session: SessionDep):
    course = staff_course(session, instructor, course_id, Need.MANAGE)  # before reading the file
    try:
        form = await checked_form(request)
    except BodyTooLarge:
        return course_page_for(request, instructor, session, course, status_code=413,
                               roster_error=ROSTER_TOO_LARGE)
    upload = form.get("roster_file")
    text = ""
    if upload is not None and not isinstance(upload, str):
        raw = await upload.read(5_000_001)
        if len(raw) > ROSTER_BYTES:
            return course_page_for(request, instructor, session, course, status_code=413,
                                   roster_error=ROSTER_TOO_LARGE)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return course_page_for(request, instructor, session, course, status_code=422,
                                roster_error="The roster file is not UTF-8 text.")
    if not text.strip():
        text = str(form.get("roster_text", ""))
    if not text.strip():
        return course_page_for(request, instructor, session, course, status_code=422,
                            roster_error="Choose a CSV file or paste the roster.")
    warnings: list[str] = []
    try:
        entries = roster.parse_roster_csv(text, warnings)
        outcomes = roster.import_roster(session, course, entries, rotate=form.get("rotate") == "yes")
    except CourseworkError as error:
        return course_page_for(request, instructor, session, course, status_code=error.status_code,
                            roster_error=error.detail, roster_warnings=warnings)
    result = [o.out() for o in outcomes]
    tokens = tokens_csv(result)
    return course_page_for(request, instructor, session, course, roster_result=result, roster_warnings=warnings,
                           tokens_download=as_data_url(tokens) if tokens else None)


@router.get("/courses/{course_id}/assignments/{slug}/problems/{problem_id}", response_class=HTMLResponse)
def problem_stats(request: Request, course_id: int, slug: str, problem_id: str, instructor: WebInstructor,
                  session: SessionDep):
    """One student, one counted submission: the histogram and every part's figures (the API's
    analytics, service/analytics/recorded.py) describe the same submissions."""
    with shown_as_page(instructor):
        course = course_for(session, instructor, course_id)
        assignment, item = assignments.resolve_assignment(session, course, problem_id, slug)
    problem = registry.get(problem_id)
    rows = progress.list_submissions(session, course, problem_id=problem_id, slug=assignment.slug)
    by_student: dict[int, list[Grading]] = defaultdict(list)
    for row in rows:
        by_student[row.student_pk].append(row)
    counted = [c for c in (progress.counted(r, assignment.counts) for r in by_student.values()) if c]
    shares = [c.counted_score / c.max_score if c.max_score else 0.0 for c in counted]
    bins = score_bins(shares)
    stats = assignment_analytics(session, course, assignment.slug, only=problem_id)
    try:
        figures = stats.problems().get(problem_id, {"parts": {}, "variants": "one"})
    finally:
        stats.close()
    parts = [{"part": part, **figures["parts"].get(part.id, {})} for part in problem.parts]
    mean = sum(shares) / len(shares) if shares else None
    return render_page(
        request, "problem_stats.html", instructor, title=f"{problem.title} — {assignment.title}", course=course,
        assignment=assignment, problem=problem, item=item, submissions=len(rows), students=len(counted),
        mean=mean, bins=bins, one_variant=figures["variants"] == "one",
        histogram=histogram_svg(bins, f"Counted scores of {len(counted)} students on {problem.title}"),
        parts=parts,
    )


@router.get("/courses/{course_id}/gradebook", response_class=HTMLResponse)
def gradebook_page(request: Request, course_id: int, instructor: WebInstructor, session: SessionDep):
    """The gradebook on screen: what gradebook.csv downloads."""
    course = staff_course(session, instructor, course_id)
    return render_page(request, "gradebook.html", instructor, title=f"Gradebook — {course.name}", course=course,
                       book=gradebook(session, course))


@router.get("/courses/{course_id}/gradebook.csv")
def gradebook_download(request: Request, course_id: int, instructor: WebInstructor, session: SessionDep):
    """Points per student per assignment (counted attempts, overrides and late penalties applied)."""
    course = staff_course(session, instructor, course_id)
    filename = f"gradebook-course-{course.id}.csv"
    return Response(gradebook_csv(gradebook(session, course)), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/courses/{course_id}/students/{student_id}", response_class=HTMLResponse)
def student_page(request: Request, course_id: int, student_id: str, instructor: WebInstructor,
                 session: SessionDep, overridden: int | None = None):
    with shown_as_page(instructor):
        course = course_for(session, instructor, course_id)
        student = roster.get_student(session, course, student_id)
    rows = progress.list_submissions(session, course, student_id=student.student_id)

    def pts(row: Grading, value: float) -> float:
        """A grader's score in the points its assignment gives the problem (one scale a page)."""
        worth = _points_of(session, row)
        return value * worth / row.max_score if worth is not None and row.max_score else value

    standing = progress.progress(session, student)
    counting = {p.counted_submission_id for a in standing for p in a.problems} - {None}
    return render_page(
        request, "student_detail.html", instructor, title=f"{student.name} ({student.student_id})",
        course=course, student=student, progress=standing, counting=counting,
        submissions=list(reversed(rows)), overridden=overridden, can=allowed(session, instructor, course),
        pts=pts, worth=lambda row: _points_of(session, row),
    )


def _points_of(session, row: Grading) -> float | None:
    item = session.get(AssignmentProblem, (row.assignment_id, row.problem_id)) if row.assignment_id else None
    return item.points if item is not None else None


@router.post("/submissions/{submission_id}/override", response_class=HTMLResponse)
async def override(request: Request, submission_id: int, instructor: WebInstructor, session: SessionDep):
    form = await checked_form(request)
    with shown_as_page(instructor):
        row = progress.course_submission(session, instructor, submission_id, Need.GRADE)
    if row.student is None:
        raise refuse(instructor, 404, f"there is no course submission {submission_id}")
    back = f"/instructor/courses/{row.student.course_id}/students/{row.student.student_id}"
    comment = str(form.get("comment", "")).strip()[:2000]
    try:
        score = float(str(form.get("score", "")))
    except ValueError:
        score = float("nan")
    worth = _points_of(session, row)
    if not (score >= 0) or not comment or (worth is not None and score > worth):
        raise refuse(instructor, 422, "An override needs a score (a number of points from 0 to what the "
                                      "problem is worth) and a comment.")
    if form.get("confirm") != "yes":  # a score replaced by a slip of the keyboard is a grade changed
        raise refuse(instructor, 422, "Tick the box that confirms you replace this submission's score.")
    if worth:  # the form speaks in the assignment's points; the record keeps the grader's scale
        score = score * row.max_score / worth
    with shown_as_page(instructor):
        progress.override(session, instructor, submission_id, score, comment, get_now(request))
    return RedirectResponse(f"{back}?overridden={submission_id}#submission-{submission_id}",
                            status_code=303)
