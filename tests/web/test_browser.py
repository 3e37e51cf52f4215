"""The web pages in a real browser: Debian's Chromium driven by Playwright, against a real
`hwcheck serve` process on a fresh SQLite data directory. A student signs in, sees the preview,
submits a right and a wrong part and reads the feedback; the instructor finds the submission on
the dashboard. Every page is screenshotted into test-artifacts/ and checked with axe-core.

Skipped locally (with the reason) when Chromium, Playwright or axe-core is missing; CI
(.ci/run sets HWCHECK_REQUIRE_BROWSER=1 after installing them) fails instead of skipping."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from browsing import ARTIFACTS, check_page, new_page
from live_server import INSTRUCTOR_TOKEN, start_server

pytestmark = pytest.mark.e2e

@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`hwcheck serve` with a course: students s-a, s-b; hw1 = branch-max-network (randomized)."""
    tmp = tmp_path_factory.mktemp("browser")
    live = start_server(tmp)
    base, env = live.base, live.env
    api = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {INSTRUCTOR_TOKEN}"})
    course = api.post("/api/courses", json={"name": "CS 182"}).json()
    roster = api.post(f"/api/courses/{course['id']}/roster", json=[
        {"student_id": "s-a", "name": "Ada Lovelace", "section": "101"},
        {"student_id": "s-b", "name": "Bo", "section": "102"},
    ]).json()
    created = api.post(f"/api/courses/{course['id']}/assignments", json={
        "slug": "hw1", "title": "Homework 1", "due_at": "2099-01-01T23:59:00Z", "attempts_allowed": 3,
        "problems": [{"problem_id": "branch-max-network", "points": 10}]})
    assert created.status_code == 201, created.text
    tokens = {s["student_id"]: s["token"] for s in roster["students"]}
    yield {"base": base, "api": api, "course": course["id"], "tokens": tokens, "env": env, "cwd": tmp}
    api.close()
    live.stop()


def test_student_submits_and_instructor_sees_it(browser, server, axe_source):
    base, api, course = server["base"], server["api"], server["course"]
    key = api.get(f"/api/courses/{course}/students/s-a/problems/branch-max-network",
                  params={"assignment": "hw1"}).json()["answers"]
    right_y_hat = "[" + ", ".join(f"{v:.6f}" for v in key["y_hat"]) + "]"
    wrong_loss = f"{key['loss'] + 1:.4f}"

    context, page, console_errors = new_page(browser, base)
    page.goto("/login")
    check_page(page, "01-login", axe_source)
    page.keyboard.press("Tab")  # keyboard first: the skip link, then on to the form
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.get_by_label("Your token").fill("hws_not-a-real-token")
    page.get_by_role("button", name="Sign in").click()
    assert "not valid" in page.get_by_role("alert").inner_text()
    page.get_by_label("Your token").fill(server["tokens"]["s-a"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("/assignments")
    cookie = next(c for c in context.cookies() if c["name"] == "hwcheck_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert page.evaluate("document.cookie") == ""  # no script can read the token
    check_page(page, "02-assignments", axe_source)

    page.get_by_role("link", name="Branch").first.click()
    page.wait_for_url("/assignments/hw1/problems/branch-max-network")
    assert page.locator(".statement math").count() > 5  # MathML from the server
    y_hat = page.get_by_label("y_hat", exact=False)
    y_hat.fill(right_y_hat)
    page.locator("#answer-loss").fill(wrong_loss)
    page.locator("#answer-z").fill("[1 2")  # an unfinished matrix: the preview says why
    preview = page.locator("#preview-y_hat")
    preview.locator("math").wait_for()
    assert "Read as" in preview.inner_text() and "3" in preview.inner_text()
    page.locator("#preview-z .error").wait_for()
    page.locator("#answer-z").fill("")
    page.locator("#preview-loss math").wait_for()
    check_page(page, "03-problem-preview", axe_source)

    page.get_by_role("button", name="Submit").click()
    page.wait_for_url("**submission=*")
    stored = api.get(f"/api/courses/{course}/submissions", params={"student": "s-a"}).json()
    assert len(stored) == 1
    feedback = {p["id"]: p for p in stored[0]["parts"]}
    assert feedback["y_hat"]["status"] == "correct" and feedback["loss"]["status"] == "incorrect"
    y_box, loss_box = page.locator("#feedback-y_hat"), page.locator("#feedback-loss")
    assert "Correct" in y_box.locator(".status").inner_text()
    # A bare "Correct." is the status said again: only a message that adds something is shown.
    assert feedback["y_hat"]["feedback"] == "Correct." and y_box.locator(".message").count() == 0
    assert "Incorrect" in loss_box.locator(".status").inner_text()
    if feedback["loss"]["feedback"] == "Incorrect.":
        assert loss_box.locator(".message").count() == 0
    else:
        assert loss_box.locator(".message").inner_text() == feedback["loss"]["feedback"]
    assert "Total: 0.91 / 10" in page.locator("#result .total").inner_text()  # the 10 points, not the grader's 11
    assert "Attempts left: 2." in page.locator("#result .total").inner_text()
    assert page.locator("#attempts").inner_text() == "1 used, 2 left"
    assert page.get_by_role("link", name=f"Show submission {stored[0]['id']}").count() == 1
    assert page.locator("#answer-y_hat").input_value() == right_y_hat  # answers stay in the form
    check_page(page, "04-problem-result", axe_source)
    assert not console_errors, console_errors
    context.close()

    context, page, console_errors = new_page(browser, base)
    page.goto("/instructor")
    assert "/login?role=instructor" in page.url  # signed out: sent to sign in
    page.get_by_label("Your token").fill(INSTRUCTOR_TOKEN)
    page.keyboard.press("Enter")  # the keyboard alone signs in
    page.wait_for_url("/instructor")  # exactly: the sign-in page's own URL ends in next=/instructor
    check_page(page, "05-instructor-courses", axe_source)
    page.get_by_role("link", name="CS 182").click()
    row = page.locator("#recent-submissions tbody tr").first
    assert "Ada Lovelace" in row.inner_text() and "branch-max-network" in row.inner_text()
    assert "1 / 11" in row.inner_text()
    check_page(page, "06-instructor-course", axe_source)

    page.get_by_role("link", name="Statistics of branch-max-network").click()
    assert page.locator("svg.histogram rect.bar").count() == 10
    # One variant: the common wrong answers, read as the grader reads them (3 significant figures).
    assert f"{float(wrong_loss):.3g} (1)" in page.locator("#part-loss").inner_text()
    check_page(page, "07-problem-stats", axe_source)

    page.go_back()
    page.locator("#recent-submissions").get_by_role("link", name="Ada Lovelace (s-a)").click()
    page.get_by_label("New score in points (0 to 10)").fill("5")  # the problem's 10 points
    page.get_by_label("Comment for the student").fill("Partial credit for the working")
    page.get_by_label(f"I replace the score of submission {stored[0]['id']}", exact=False).check()
    page.get_by_role("button", name=f"Override submission {stored[0]['id']}").click()
    assert "overridden to 5" in page.locator(f"#submission-{stored[0]['id']}").inner_text()
    check_page(page, "08-instructor-student", axe_source)
    with page.expect_download() as download:
        page.get_by_role("link", name="Courses").first.click()
        page.get_by_role("link", name="CS 182").click()
        page.get_by_role("link", name="download it as CSV").click()
    csv_text = Path(download.value.path()).read_text()
    assert "s-a,Ada Lovelace,101,5.0," in csv_text  # 5 of the problem's 10 points
    assert not console_errors, console_errors
    context.close()


def test_practice_without_javascript(browser, server, axe_source):
    """Practice needs no sign-in, and the form is graded with JavaScript off (the preview is an
    enhancement). axe needs a script, so it checks the practice pages in a second context."""
    context, page, _ = new_page(browser, server["base"], java_script_enabled=False)
    page.goto("/practice/lipschitz-linear")
    page.get_by_label("L —", exact=False).fill("3*sqrt(5)")
    page.get_by_role("button", name="Check my answers").click()
    assert "Correct" in page.locator("#feedback-L .status").inner_text()
    assert "No answer" in page.locator("#feedback-singular_values .status").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "10-practice-result-no-js.png"), full_page=True)
    context.close()

    context, page, console_errors = new_page(browser, server["base"])
    page.goto("/practice")
    check_page(page, "09-practice-list", axe_source)
    page.get_by_role("link", name="Lipschitz constant of a linear map").click()
    page.wait_for_url("/practice/lipschitz-linear")
    check_page(page, "11-practice-problem", axe_source)
    assert not console_errors, console_errors
    context.close()


def _instructor_token(server, name: str, email: str) -> str:
    """`hwcheck admin create-instructor` on the server's own database, as an operator would."""
    made = subprocess.run([str(Path(sys.executable).parent / "hwcheck"), "admin", "create-instructor",
                           "--name", name, "--email", email], env=server["env"], cwd=server["cwd"],
                          capture_output=True, text=True, check=True)
    return made.stdout.strip().splitlines()[-1]


def _sign_in(page, token: str, next_path: str) -> None:
    page.goto(next_path)
    page.get_by_label("Your token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(next_path)


def test_an_instructor_makes_an_assignment_a_student_submits_a_ta_overrides(browser, server, axe_source):
    base = server["base"]
    owner = _instructor_token(server, "Olive Owner", "olive@example.edu")
    ta = _instructor_token(server, "Tariq TA", "tariq@example.edu")

    # The owner: a new course, its roster, a TA on its staff, and an assignment from scratch.
    context, page, console_errors = new_page(browser, base)
    _sign_in(page, owner, "/instructor")
    assert "CS 182" not in page.locator("main").inner_text()  # not theirs: not listed
    page.get_by_label("Course name").fill("CS 189")
    page.get_by_role("button", name="Create the course").click()
    page.wait_for_url("/instructor/courses/*")
    course_path = page.url.removeprefix(base)
    page.get_by_label("…or paste the CSV").fill("student_id,name\ns-c,Cy Young\n")
    page.get_by_role("button", name="Upload the roster").click()
    student_token = page.locator("code", has_text="hws_").first.inner_text()
    with page.expect_download() as download:  # the tokens exist only on this page: a file of them
        page.get_by_role("link", name="Download the new tokens (CSV)").click()
    assert download.value.suggested_filename.startswith("tokens-course-")
    assert Path(download.value.path()).read_text().splitlines() == ["student_id,name,email,token",
                                                                     f"s-c,Cy Young,,{student_token}"]
    page.get_by_role("link", name="Course staff").click()
    page.wait_for_url(f"{course_path}/staff")
    page.get_by_label("Their email", exact=False).fill("tariq@example.edu")
    page.get_by_label("Role").select_option("ta")
    page.get_by_role("button", name="Save the role").click()
    assert "Tariq TA (tariq@example.edu) is now ta." in page.get_by_role("status").inner_text()
    assert "Olive Owner" in page.locator("#staff").inner_text()
    check_page(page, "12-course-staff", axe_source)

    page.goto(course_path)
    page.get_by_role("link", name="New assignment").click()
    page.wait_for_url(f"{course_path}/assignments/new")
    page.get_by_label("Title").fill("Lipschitz warm-up")
    page.get_by_label("Due (UTC)").fill("2099-01-01T23:59")
    page.get_by_label("Attempts per problem", exact=False).fill("2")
    page.get_by_label("Lipschitz constant of a linear map", exact=False).fill("10")
    page.get_by_role("button", name="Create the assignment").click()  # no slug yet: refused, by the field
    assert page.locator("#slug").get_attribute("aria-invalid") == "true"
    assert page.locator("#slug-error").inner_text() != ""
    assert page.get_by_label("Title").input_value() == "Lipschitz warm-up"  # what was typed stays
    check_page(page, "13-assignment-form-error", axe_source)
    assert console_errors == ["Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"]
    console_errors.clear()  # that 422 was the refusal we asked for
    page.get_by_label("Slug", exact=False).fill("warmup")
    page.get_by_role("button", name="Create the assignment").click()
    page.wait_for_url(f"{course_path}?saved=warmup*")
    assert "Assignment warmup saved." in page.get_by_role("status").first.inner_text()
    assert "2 attempts" in page.locator("main").inner_text()
    check_page(page, "14-course-with-assignment", axe_source)
    assert not console_errors, console_errors
    context.close()

    # The student sees it and submits a wrong answer.
    context, page, console_errors = new_page(browser, base)
    _sign_in(page, student_token, "/assignments")
    page.get_by_role("link", name="Lipschitz constant of a linear map").click()
    page.wait_for_url("/assignments/warmup/problems/lipschitz-linear")
    page.get_by_label("L —", exact=False).fill("1")
    page.get_by_role("button", name="Submit").click()
    page.wait_for_url("**submission=*")
    assert "Incorrect" in page.locator("#feedback-L .status").inner_text()
    submission = page.url.split("submission=")[1].split("#")[0]
    assert not console_errors, console_errors
    context.close()

    # The TA: sees the course, may extend and override, may not change the roster.
    context, page, console_errors = new_page(browser, base)
    _sign_in(page, ta, "/instructor")
    page.get_by_role("link", name="CS 189").click()
    assert page.get_by_role("button", name="Upload the roster").count() == 0
    page.get_by_label("Their own deadline (UTC)").fill("2099-01-08T23:59")
    page.get_by_role("button", name="Give the extension").click()
    assert "Cy Young (s-c) now has until 2099-01-08 23:59 UTC for warmup." in page.get_by_role("status").inner_text()
    page.get_by_role("link", name="Cy Young (s-c)").first.click()
    page.get_by_label("New score", exact=False).fill("0.5")
    page.get_by_label("Comment for the student").fill("Right method, slip in the last step")
    page.get_by_label(f"I replace the score of submission {submission}", exact=False).check()
    page.get_by_role("button", name=f"Override submission {submission}").click()
    assert "overridden to 0.5" in page.locator(f"#submission-{submission}").inner_text()
    check_page(page, "15-ta-override", axe_source)
    page.goto(f"{course_path}/assignments/new")
    assert "your role in this course is ta" in page.locator("main").inner_text()
    assert console_errors == ["Failed to load resource: the server responded with a status of 403 (Forbidden)"]
    context.close()


def test_the_api_docs_work_with_every_outside_request_blocked(browser, server):
    """Issue 19: /docs was a blank page without internet (Swagger UI came from a CDN)."""
    base = server["base"]
    context = browser.new_context(base_url=base)
    blocked: list[str] = []

    def only_ours(route):
        if route.request.url.startswith(base):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_ours)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/docs")
    page.get_by_text("/api/grade/lipschitz-linear").first.wait_for(timeout=15_000)
    assert page.locator(".opblock").count() > 40  # every operation listed
    policy = httpx.get(base + "/docs").headers["content-security-policy"]
    assert "http" not in policy  # no outside host at all
    page.goto("/redoc")
    page.get_by_text("/api/grade/lipschitz-linear").first.wait_for(timeout=15_000)
    # ReDoc's bundle names its own logo on cdn.redoc.ly: the CSP refuses it before any request.
    refused_by_policy = [e for e in errors if "violates the following Content Security Policy" in e]
    assert blocked == [] and errors == refused_by_policy, (blocked, errors)
    context.close()


def test_on_a_phone_nothing_is_clipped_and_axe_finds_nothing_serious(browser, server, axe_source):
    """Issue 24: at 390 px display math was clipped with no sign it scrolls (axe: serious
    scrollable-region-focusable) and the tables made the page 504–592 px wide."""
    context = browser.new_context(base_url=server["base"], viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    _sign_in(page, server["tokens"]["s-b"], "/assignments")
    pages = [("16-phone-assignments", "/assignments"),
             ("17-phone-problem", "/assignments/hw1/problems/branch-max-network"),
             ("18-phone-practice", "/practice/adam-steps")]
    for name, path in pages:
        page.goto(path)
        check_page(page, name, axe_source)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width} px wide on a 390 px screen"
    context.close()


def test_instructor_statistics_fold_and_the_gradebook_on_desktop_phone_and_without_javascript(
        browser, server, axe_source):
    """Issue 24, item 11: statistics one per student and by diagnosed mistake across variants,
    the submission that counts shown and the rest folded, an override confirmed, the gradebook
    on screen — at 1100 px with JavaScript, and at 390 px without it."""
    base, api, course = server["base"], server["api"], server["course"]
    shown = api.get(f"/api/courses/{course}/students/s-b/problems/branch-max-network",
                    params={"assignment": "hw1"}).json()
    flipped = {**shown["answers"], "dL_dz": [-x for x in shown["answers"]["dL_dz"]]}
    if not api.get(f"/api/courses/{course}/submissions", params={"student": "s-a"}).json():  # run alone
        ada = api.get(f"/api/courses/{course}/students/s-a/problems/branch-max-network",
                      params={"assignment": "hw1"}).json()["answers"]
        httpx.post(f"{base}/api/grade/branch-max-network", json={"answers": ada},
                   headers={"Authorization": f"Bearer {server['tokens']['s-a']}"}).raise_for_status()
    student = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {server['tokens']['s-b']}"})
    first, second = (student.post("/api/grade/branch-max-network", json={"answers": flipped}).json()
                     for _ in range(2))
    student.close()
    sign = next(p["feedback"] for p in first["parts"] if p["id"] == "dL_dz")
    counted, folded = first["submission"]["id"], second["submission"]["id"]  # equal scores: the earlier
    course_path = f"/instructor/courses/{course}"
    stats_path = f"{course_path}/assignments/hw1/problems/branch-max-network"

    phone = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
    # axe and the width check need a script: they run where JavaScript is on.
    for label, options in (("desktop", {}), ("phone", phone), ("phone-no-js", {**phone, "java_script_enabled": False})):
        scripts = options.get("java_script_enabled", True)

        def look(name: str) -> None:
            if scripts:
                check_page(page, f"{name}-{label}", axe_source)
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= options.get("viewport", {"width": 1100})["width"], f"{page.url}: {width} px"
            else:
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / f"{name}-{label}.png"), full_page=True)

        context, page, console_errors = new_page(browser, base, **options)
        _sign_in(page, INSTRUCTOR_TOKEN, "/instructor")
        page.goto(course_path)
        look("19-course")
        page.goto(stats_path)
        assert "different variants of this problem" in page.locator("main").inner_text()
        assert f"{sign} (1)" in page.locator("#part-dL_dz").inner_text()  # Bo's two attempts: one student
        assert page.get_by_text("Most common wrong answers").count() == 0
        look("20-problem-stats")

        page.goto(f"{course_path}/students/s-b")
        assert "counts" in page.locator(f"#submission-{counted} h3").inner_text()
        other = page.locator(f"details#submission-{folded}")
        assert other.get_attribute("open") is None and not other.locator("table").is_visible()
        other.locator("summary").click()  # unfolds without JavaScript too
        assert other.locator("table").is_visible()
        look("21-student-folded")
        if not scripts:
            form = page.locator(f"#submission-{counted} form.override")
            form.get_by_label("New score", exact=False).fill("10")
            form.get_by_label("Comment for the student").fill("Sign convention accepted")
            form.get_by_role("button", name=f"Override submission {counted}").click()
            assert page.url.endswith("/students/s-b")  # not ticked: the browser does not send it
            form.get_by_label(f"I replace the score of submission {counted}", exact=False).check()
            form.get_by_role("button", name=f"Override submission {counted}").click()
            page.wait_for_url(f"**overridden={counted}*")
            assert "overridden to 10" in page.locator(f"#submission-{counted}").inner_text()

        page.goto(f"{course_path}/gradebook")
        row = page.locator("#gradebook tbody tr", has_text="Bo (s-b)")
        assert row.count() == 1
        if not scripts:
            assert row.locator("td").last.inner_text() == "10"  # the override, in the total
        look("22-gradebook")
        assert not console_errors, console_errors
        context.close()
