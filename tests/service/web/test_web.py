"""The web pages through the app (no browser): signing in with the cookie, CSRF refusals,
a student's form, practice, the instructor's dashboard, statements as MathML. The real-browser
tests are in tests/web/test_browser.py."""

from __future__ import annotations

import re

import pytest
from service_helpers import CourseWorld

from service.analytics.charts import histogram_svg, score_bins
from service.web.mathtext import render_statement


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client, token: str):
    page = client.get("/login")
    return client.post("/login", data={"csrf_token": csrf_of(page.text), "token": token, "next": ""},
                       follow_redirects=False)


@pytest.fixture
def hw1(course: CourseWorld) -> CourseWorld:
    course.assignment("hw1", problems=(("branch-max-network", 10),), randomized=False, attempts_allowed=2)
    return course


def submit(client, answers: dict[str, str], path="/assignments/hw1/problems/branch-max-network"):
    page = client.get(path)
    nonce = re.search(r'name="form_nonce" value="([^"]+)"', page.text).group(1)
    data = {"csrf_token": csrf_of(page.text), "form_nonce": nonce,
            **{f"answer-{k}": v for k, v in answers.items()}}
    return client.post(path, data=data, follow_redirects=False), data


def test_sign_in_sets_an_httponly_strict_cookie_and_sign_out_clears_it(client, hw1):
    response = sign_in(client, hw1.tokens["s-a"])
    assert response.status_code == 303 and response.headers["location"] == "/assignments"
    cookie = response.headers["set-cookie"]
    assert "hwcheck_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    page = client.get("/assignments")
    assert "HW1" in page.text and "branch-max-network" in page.text
    out = client.post("/logout", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert out.status_code == 303 and 'hwcheck_session=""' in out.headers["set-cookie"]
    client.cookies.delete("hwcheck_session")
    assert client.get("/assignments", follow_redirects=False).status_code == 303


def test_the_cookie_is_a_session_id_that_signing_out_revokes(client, hw1):
    """Issue 23: the cookie held the raw long-lived token, and signing out only deleted it."""

    def signed_in_as(value: str) -> bool:
        client.cookies.clear()
        return client.get("/assignments", headers={"Cookie": f"hwcheck_session={value}"},
                          follow_redirects=False).status_code == 200

    def fresh_session() -> str:
        client.cookies.clear()
        sign_in(client, hw1.tokens["s-a"])
        return client.cookies["hwcheck_session"]

    copied = fresh_session()
    assert copied.startswith("hwsess_") and hw1.tokens["s-a"] not in copied
    assert client.get("/api/me", headers={"Authorization": f"Bearer {copied}"}).status_code == 401
    page = client.get("/assignments")
    client.post("/logout", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert not signed_in_as(copied)  # a copy kept from before signing out is worthless
    # Two browsers: each its own session; a replaced token ends both.
    first, second = fresh_session(), fresh_session()
    assert first != second and signed_in_as(first) and signed_in_as(second)
    rotated = hw1.client.post(f"/api/courses/{hw1.id}/roster?rotate=true",
                              json=[{"student_id": "s-a", "name": "Ada"}], headers=hw1.instructor)
    assert rotated.status_code == 200
    assert not signed_in_as(first) and not signed_in_as(second)


def test_a_wrong_token_is_refused_with_a_message(client, hw1):
    response = sign_in(client, "hws_nobody")
    assert response.status_code == 401 and "not valid" in response.text


def test_posts_without_the_right_csrf_token_are_refused(client, hw1):
    page = client.get("/login")
    token = hw1.tokens["s-a"]
    assert client.post("/login", data={"token": token}).status_code == 403  # no field
    assert client.post("/login", data={"token": token, "csrf_token": "0" * 64}).status_code == 403
    cross = client.post("/login", data={"token": token, "csrf_token": csrf_of(page.text)},
                        headers={"Origin": "https://evil.example"})
    assert cross.status_code == 403 and "another site" in cross.text
    # A token made before signing in is no good after: it is bound to the session.
    sign_in(client, token)
    stale = client.post("/assignments/hw1/problems/branch-max-network",
                        data={"csrf_token": csrf_of(page.text), "answer-loss": "1"})
    assert stale.status_code == 403
    assert client.get("/api/me/submissions", headers=hw1.a).json() == []


def test_a_student_submits_the_form_and_sees_per_part_feedback(client, hw1):
    key = client.get("/api/problems/branch-max-network/answer-key?variant=default", headers=hw1.instructor).json()
    sign_in(client, hw1.tokens["s-a"])
    y_hat = "[" + ", ".join(f"{v:.6f}" for v in key["answers"]["y_hat"]) + "]"
    response, data = submit(client, {"y_hat": y_hat, "loss": "7"})
    assert response.status_code == 303 and "submission=" in response.headers["location"]
    page = client.get(response.headers["location"]).text
    assert 'id="feedback-y_hat"' in page and "✓ Correct" in page and "✗ Incorrect" in page
    assert '<span class="message">Correct.</span>' not in page  # the status says it once
    # One scale, the assignment's 10 points: 1 of the grader's 11 part-points is 0.91 of them.
    assert "Total: <strong>0.91 / 10</strong>" in page and "Attempts left: 1." in page
    assert "(0.91 / 0.91)" in page and "Counted score</dt><dd>0.91 / 10" in page
    # The same form sent again (a double click) counts once.
    again = client.post("/assignments/hw1/problems/branch-max-network", data=data, follow_redirects=False)
    assert again.headers["location"] == response.headers["location"]
    assert len(client.get("/api/me/submissions", headers=hw1.a).json()) == 1
    # Out of attempts: the page says so and keeps the answers.
    submit(client, {"loss": "8"})
    refused, _ = submit(client, {"loss": "9"})
    assert refused.status_code == 403 and "used all 2 attempts" in refused.text and 'value="9"' in refused.text


def test_coming_back_shows_the_last_answers_and_which_attempt_counts(client, hw1):
    sign_in(client, hw1.tokens["s-a"])
    first, _ = submit(client, {"loss": "7"})
    submit(client, {"loss": "8", "h": "[1 2"})  # no attempt used: it cannot count
    page = client.get("/assignments/hw1/problems/branch-max-network").text
    assert 'name="answer-loss" data-part="loss"\n           value="8"' in page  # the last sent
    counted = first.headers["location"].split("submission=")[1].split("#")[0]
    assert page.count('<strong class="counts">(counts)</strong>') == 1
    assert '<tr class="counted">\n        <td>1 <strong class="counts">(counts)</strong></td>' in page
    assert f"Show submission {counted}</a>" in page


def test_closed_work_looks_closed_and_late_work_says_what_it_costs(client, course, clock):
    course.assignment("hw1", problems=(("branch-max-network", 10),), randomized=False)
    course.assignment("hw2", problems=(("branch-max-network", 10),), randomized=False,
                      late_policy="penalty", penalty_per_day=0.1)
    sign_in(client, course.tokens["s-a"])
    open_page = client.get("/assignments/hw1/problems/branch-max-network").text
    assert 'id="closed"' not in open_page and 'id="late"' not in open_page and "disabled" not in open_page
    clock.advance(days=8)  # half a day past DUE
    closed = client.get("/assignments/hw1/problems/branch-max-network").text
    assert 'id="closed"' in closed and "submissions are closed." in closed
    assert "0 used, submissions closed" in closed and "unlimited left" not in closed
    assert '<button type="submit" disabled aria-describedby="closed">Submit</button>' in closed
    late = client.get("/assignments/hw2/problems/branch-max-network").text
    assert 'id="late"' in late and "a submission now is 1 day(s) late and loses 10% of its score." in late
    assert "disabled" not in late


def test_check_my_answers_without_javascript_reads_them_and_uses_no_attempt(client, hw1):
    sign_in(client, hw1.tokens["s-a"])
    page = client.get("/assignments/hw1/problems/branch-max-network")
    nonce = re.search(r'name="form_nonce" value="([^"]+)"', page.text).group(1)
    checked = client.post("/assignments/hw1/problems/branch-max-network", data={
        "csrf_token": csrf_of(page.text), "form_nonce": nonce, "check": "1",
        "answer-loss": "3 root 5", "answer-dL_dW21": "[1, 2, 3, 4, 5, 6]", "answer-h": "[1, 2]"})
    assert checked.status_code == 200
    assert '<span class="error">Cannot read this yet: ' in checked.text  # loss: 'root'
    assert "Expected a 3×2 matrix, got a flat list of 6 numbers" in checked.text  # the variant's shape
    assert re.search(r'id="preview-h"[^>]*>Read as: <math', checked.text)
    assert 'value="3 root 5"' in checked.text  # the answers stay in their boxes
    assert client.get("/api/me/submissions", headers=hw1.a).json() == []  # nothing submitted


def test_an_unreadable_part_uses_no_attempt_and_the_page_says_so(client, hw1):
    sign_in(client, hw1.tokens["s-a"])
    response, _ = submit(client, {"loss": "7", "h": "[1 2"})
    page = client.get(response.headers["location"]).text
    assert "Result of attempt (no attempt used)" in page and "Attempts left: 2." in page
    assert ('id="not-counted">Not counted, and no attempt used: part h could not be read. Fix it '
            "(each part&#39;s message says what is wrong) and submit again.</p>") in page


def test_a_student_never_sees_another_students_submission(client, hw1):
    sign_in(client, hw1.tokens["s-a"])
    response, _ = submit(client, {"loss": "7"})
    client.cookies.clear()
    sign_in(client, hw1.tokens["s-b"])
    page = client.get(response.headers["location"]).text
    assert "Result of attempt" not in page and 'value="7"' not in page


def test_instructor_pages_and_student_pages_are_apart(client, hw1):
    sign_in(client, hw1.tokens["s-a"])
    submit(client, {"loss": "7"})
    assert client.get("/instructor", follow_redirects=False).headers["location"].startswith("/login?role=instructor")
    client.cookies.clear()
    sign_in(client, "instructor-test-token")
    assert client.get("/assignments", follow_redirects=False).status_code == 303
    course = client.get(f"/instructor/courses/{hw1.id}").text
    assert "Ada (s-a)" in course and "branch-max-network" in course
    stats = client.get(f"/instructor/courses/{hw1.id}/assignments/hw1/problems/branch-max-network").text
    assert "<svg" in stats and "<code>7</code> (1)" in stats
    gradebook = client.get(f"/instructor/courses/{hw1.id}/gradebook.csv")
    assert gradebook.headers["content-type"].startswith("text/csv")
    assert gradebook.text.splitlines()[0] == "student_id,name,section,hw1 (of 10),total"
    detail = client.get(f"/instructor/courses/{hw1.id}/students/s-a").text
    sid = re.search(r'id="submission-(\d+)"', detail).group(1)
    # The override box speaks the assignment's points (10 for this problem), not the grader's 11.
    assert "New score in points (0 to 10)" in detail and "— score 0 / 10." in detail
    too_much = client.post(f"/instructor/submissions/{sid}/override",
                           data={"csrf_token": csrf_of(detail), "score": "11", "comment": "regraded"})
    assert too_much.status_code == 422 and "from 0 to what the problem is worth" in too_much.text
    done = client.post(f"/instructor/submissions/{sid}/override",
                       data={"csrf_token": csrf_of(detail), "score": "10", "comment": "regraded", "confirm": "yes"})
    assert done.status_code == 200 and "overridden to 10" in done.text
    assert "s-a,Ada,101,10.0,10.0" in client.get(f"/instructor/courses/{hw1.id}/gradebook.csv").text


def test_a_roster_upload_names_every_bad_line_and_warns_of_unknown_columns(client, hw1):
    sign_in(client, "instructor-test-token")
    page = client.get(f"/instructor/courses/{hw1.id}").text
    bad = client.post(f"/instructor/courses/{hw1.id}/roster", data={
        "csrf_token": csrf_of(page), "roster_text": "student_id,name,email,phone\ns-c,Cy,cy@x.org,1\n,Dee,,2\ns-e,Eve,eve-at-x,3\n"})
    assert bad.status_code == 422
    assert ("2 roster lines could not be read, so nothing was imported — line 3: the student id is empty; "
            "line 4: the email: &#39;eve-at-x&#39; is not an email address") in bad.text
    assert "Ignored the column phone: a roster has student_id, name, email, section." in bad.text
    good = client.post(f"/instructor/courses/{hw1.id}/roster", data={
        "csrf_token": csrf_of(page), "roster_text": "student_id,name,phone\ns-c,Cy,1\n"})
    assert good.status_code == 200 and "Ignored the column phone" in good.text and "<code>hws_" in good.text
    # The outcome comes first: the page returns at its top, where the once-only tokens are.
    assert good.text.index('id="roster-outcome"') < good.text.index('id="recent-heading"')
    assert good.text.index("<code>hws_") < good.text.index('id="recent-heading"')


def test_roster_upload_shows_new_tokens_once(client, hw1):
    sign_in(client, "instructor-test-token")
    page = client.get(f"/instructor/courses/{hw1.id}").text
    done = client.post(f"/instructor/courses/{hw1.id}/roster",
                       data={"csrf_token": csrf_of(page), "roster_text": ""},
                       files={"roster_file": ("roster.csv", b"student_id,name\ns-c,Cy\ns-a,Ada\n", "text/csv")})
    assert done.status_code == 200
    assert len(re.findall(r"<code>hws_", done.text)) == 1  # only the new student's
    bad = client.post(f"/instructor/courses/{hw1.id}/roster",
                      data={"csrf_token": csrf_of(page), "roster_text": "id,who\n1,2\n"})
    assert bad.status_code == 422 and "needs a header row" in bad.text


def test_a_roster_file_over_the_promised_size_is_the_page_with_a_message(client, hw1):
    """Issue 23: a 1.5 MB roster got a raw JSON 413 although the page promises 5 MB."""
    sign_in(client, "instructor-test-token")
    page = client.get(f"/instructor/courses/{hw1.id}").text
    rows = b"student_id,name\n" + b"".join(b"s-%06d,Student %d\n" % (i, i) for i in range(60_000))
    assert 1_000_000 < len(rows) < 5_000_000
    done = client.post(f"/instructor/courses/{hw1.id}/roster", data={"csrf_token": csrf_of(page)},
                       files={"roster_file": ("roster.csv", rows, "text/csv")})
    assert done.status_code == 200 and "s-059999" in done.text
    huge = b"student_id,name\n" + b"s-1,Ada\n" * 700_000
    refused = client.post(f"/instructor/courses/{hw1.id}/roster", data={"csrf_token": csrf_of(page)},
                          files={"roster_file": ("roster.csv", huge, "text/csv")})
    assert refused.status_code == 413 and "text/html" in refused.headers["content-type"]
    assert "The roster file is larger than 5 MB; split it" in refused.text


def test_practice_needs_no_sign_in(client):
    page = client.get("/practice/lipschitz-linear")
    assert page.status_code == 200 and "<math" in page.text and "cdn" not in page.text.lower()
    graded = client.post("/practice/lipschitz-linear", data={"csrf_token": csrf_of(page.text), "answer-L": "3*sqrt(5)"})
    assert graded.status_code == 200 and "✓ Correct" in graded.text
    assert client.get("/practice/lipschitz-linear?variant=99999999999").status_code == 422


@pytest.mark.parametrize(("path", "status", "says"), [
    ("/practice/no-such-problem", 404, "there is no problem &#39;no-such-problem&#39;"),
    ("/practice/lipschitz-linear?variant=abc", 422, "variant"),
])
def test_a_wrong_practice_link_answers_a_page_with_a_way_back(client, path, status, says):
    page = client.get(path)
    assert page.status_code == status and page.headers["content-type"].startswith("text/html")
    assert says in page.text and '<a href="/practice">Go back</a>' in page.text


def test_statements_are_escaped_markdown_with_mathml():
    html = str(render_statement("Let <b>x</b> be **big**:\n\n$$x = \\begin{bmatrix} 1 & 2 \\end{bmatrix}^\\top$$\n\n"
                                "1. first $a_1$\n   continued\n2. second"))
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<strong>big</strong>" in html
    assert '<div class="display-math" tabindex="0" role="region" aria-label="formula"><math' in html and 'display="block"' in html
    assert "<ol><li>first <math" in html and "continued</li><li>second</li></ol>" in html
    assert "<msup><mrow><mo>&#x0005B;</mo><mtable>" in html  # the transpose on the whole matrix


def test_histogram_counts_shares_in_ten_bins():
    bins = score_bins([0.0, 0.05, 0.5, 1.0, 1.0])
    assert [b.count for b in bins] == [2, 0, 0, 0, 0, 1, 0, 0, 0, 2]
    svg = str(histogram_svg(bins, "Scores <hw1>"))
    assert svg.count('class="bar"') == 10 and "Scores &lt;hw1&gt;" in svg and 'role="img"' in svg


# --- assignments, extensions and staff from the instructor's pages -------------------------------


def _signed_in(client, token: str) -> str:
    """Sign in by the form; the CSRF field for this session's forms."""
    login = client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)
    client.post("/login", data={"token": token, "csrf_token": csrf})
    page = client.get("/instructor")
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def test_the_assignment_form_refuses_by_field_and_keeps_what_was_typed(client, hw1):
    course = hw1.id
    csrf = _signed_in(client, hw1.instructor["Authorization"].removeprefix("Bearer "))
    form = {"csrf_token": csrf, "title": "Week 2", "slug": "Week 2!", "due_at": "not a time",
            "late_policy": "penalty", "penalty_percent": "", "attempts_allowed": "0", "counts": "best",
            "points.receptive-field": "5"}
    refused = client.post(f"/instructor/courses/{course}/assignments", data=form)
    assert refused.status_code == 422
    errors = dict(re.findall(r'<span class="field-error" id="([a-z_]+)-error">([^<]+)</span>', refused.text))
    assert errors == {
        "slug": "use lowercase letters, digits, - and _ only, starting with a letter or digit",
        "due_at": "give a date and a time, such as 2027-03-01 23:59",
        "attempts_allowed": "Input should be greater than or equal to 1",
    }
    assert 'value="Week 2"' in refused.text and 'value="5"' in refused.text  # nothing typed is lost

    form |= {"slug": "week2", "due_at": "2099-02-01T23:59", "attempts_allowed": "3"}
    refused = client.post(f"/instructor/courses/{course}/assignments", data=form)
    assert dict(re.findall(r'id="([a-z_]+)-error">([^<]+)<', refused.text)) == {
        "penalty_percent": "late_policy &#39;penalty&#39; needs penalty_per_day (a fraction, e.g. 0.1)"}
    form |= {"penalty_percent": "10", "accept_late_until": "2099-02-03T23:59"}
    made = client.post(f"/instructor/courses/{course}/assignments", data=form, follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"].startswith(f"/instructor/courses/{course}?saved=week2")
    stored = {a["slug"]: a for a in client.get(f"/api/courses/{course}/assignments", headers=hw1.instructor).json()}
    week2 = stored["week2"]
    assert (week2["penalty_per_day"], week2["attempts_allowed"], week2["due_at"]) == (0.1, 3, "2099-02-01T23:59:00Z")
    assert [(p["problem_id"], p["points"]) for p in week2["problems"]] == [("receptive-field", 5.0)]

    # Editing: the form shows what is stored; a slug already taken is refused next to the slug.
    edit = client.get(f"/instructor/courses/{course}/assignments/week2/edit")
    assert 'value="2099-02-01T23:59"' in edit.text and 'value="10"' in edit.text
    taken = client.post(f"/instructor/courses/{course}/assignments/week2", data=form | {"slug": "hw1"})
    assert dict(re.findall(r'id="([a-z_]+)-error">([^<]+)<', taken.text)) == {
        "slug": "CS 182 already has an assignment &#39;hw1&#39;"}
    client.post(f"/instructor/courses/{course}/assignments/week2", data=form | {"points.receptive-field": "8"})
    again = client.get(f"/api/courses/{course}/assignments", headers=hw1.instructor).json()
    assert [p["points"] for a in again if a["slug"] == "week2" for p in a["problems"]] == [8.0]


def test_an_extension_from_the_course_page(client, hw1):
    course = hw1.id
    csrf = _signed_in(client, hw1.instructor["Authorization"].removeprefix("Bearer "))
    bad = client.post(f"/instructor/courses/{course}/extensions",
                      data={"csrf_token": csrf, "assignment": "hw1", "student_id": "s-zz", "due_at": "2099-03-01T12:00"})
    assert bad.status_code == 422
    assert 'id="ext-student-error">there is no student &#39;s-zz&#39; in CS 182<' in bad.text
    done = client.post(f"/instructor/courses/{course}/extensions",
                       data={"csrf_token": csrf, "assignment": "hw1", "student_id": "s-a", "due_at": "2099-03-01T12:00"})
    assert done.status_code == 200 and "Ada (s-a) now has until 2099-03-01 12:00 UTC for hw1." in done.text
    progress = client.get(f"/api/courses/{course}/students/s-a/assignments", headers=hw1.instructor).json()
    assert next(a for a in progress if a["slug"] == "hw1")["due_at"] == "2099-03-01T12:00:00Z"


@pytest.mark.parametrize(("origin", "status"), [
    ("http://testserver", 303), ("http://testserver:80", 303), ("http://TESTSERVER", 303),
    ("http://testserver:8081", 403), ("https://testserver", 403), ("http://evil.example", 403),
])
def test_a_form_from_another_origin_is_refused_port_and_scheme_included(client, hw1, origin, status):
    """Issue 23, item 9: the Origin check compared host names only, so another port on the same
    host (another site to a browser) passed."""
    csrf = _signed_in(client, hw1.instructor["Authorization"].removeprefix("Bearer "))
    response = client.post("/instructor/courses", data={"csrf_token": csrf, "name": f"Origin {origin}"},
                           headers={"Origin": origin}, follow_redirects=False)
    assert response.status_code == status
    if status == 403:
        assert "this form was sent from another site; reload the page" in response.text
