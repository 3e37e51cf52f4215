"""Issue 24, item 11: the instructor's statistics page counts each student's counted submission
once, groups wrong answers by the mistake diagnosed when variants differ, marks credit carried
forward; a student's page shows the submission that counts and folds the rest; an override is
confirmed; the gradebook is on screen."""

from __future__ import annotations

import html
import math
import re

import numpy as np
import pytest
from test_web import csrf_of, sign_in

from problems import registry
from problems.core import reference, to_json

PROBLEM = "branch-max-network"
STATS = "/instructor/courses/{}/assignments/hw1/problems/branch-max-network"
SIGN = "Sign: the gradient of softmax cross-entropy is ∂L/∂z = ŷ − y, not y − ŷ."


def own_reference(client, headers) -> tuple[str, dict]:
    variant = client.get(f"/api/problems/{PROBLEM}?assignment=hw1", headers=headers).json()["variant"]
    return str(variant), to_json(reference(registry.get(PROBLEM), variant))


def grade(client, headers, answers) -> dict:
    response = client.post(f"/api/grade/{PROBLEM}", headers=headers, json={"answers": answers})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def graded(course):
    """Ada (s-a) flips the sign of ∂L/∂z twice; Bo (s-b) has a wrong ŷ and carries it into the
    loss and into ∂L/∂z."""
    course.assignment("hw1", problems=((PROBLEM, 10),), randomized=True, attempts_allowed=3)
    client = course.client
    variant_a, ada = own_reference(client, course.a)
    variant_b, bo = own_reference(client, course.b)
    assert variant_a != variant_b  # the test course's secret gives them different variants
    ada_answers = {**ada, "dL_dz": [-x for x in ada["dL_dz"]]}
    first = grade(client, course.a, ada_answers)
    second = grade(client, course.a, ada_answers)
    own = np.array(bo["y_hat"]) * 0.8 + 0.2 / len(bo["y_hat"])  # wrong, and still a distribution
    label = int(np.argmin(bo["dL_dz"]))  # the one-hot y's entry: ŷ − y is negative only there
    y = np.eye(len(own))[label]
    bo_answers = {**bo, "y_hat": list(own), "loss": -math.log(own[label]), "dL_dz": list(own - y)}
    third = grade(client, course.b, bo_answers)
    return course, first, second, third


def feedback_of(result: dict, part: str) -> str:
    return next(p["feedback"] for p in result["parts"] if p["id"] == part)


def test_statistics_count_each_student_once_and_group_by_the_mistake(client, graded):
    course, first, second, third = graded
    assert feedback_of(first, "dL_dz") == SIGN
    carried = feedback_of(third, "dL_dz")
    assert carried == "Correct given your earlier answer for ŷ." == feedback_of(third, "loss")
    sign_in(client, "instructor-test-token")
    page = client.get(STATS.format(course.id)).text
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    text = " ".join(text.split())
    assert "3 submissions by 2 students" in text
    # The variants differ: raw values would be meaningless, so no "common wrong answers".
    assert "different variants of this problem" in text and "Most common wrong answers" not in text
    article = re.search(r'<article class="card" id="part-dL_dz".*?</article>', page, re.S).group(0)
    part = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", article)).split())
    # Ada's two attempts are one student: (1), not (2). Bo's carried answer earned full credit
    # (this problem's carried_credit is 1): not a mistake, counted in the carried column.
    assert part == f"dL_dz — ∂L/∂z (3 entries) Diagnosed mistakes (students) {SIGN} (1)"
    assert "No wrong answers: h, a, b, z, loss, dL_dW21, dL_dW22, dL_dh, dL_dW1." in text  # ŷ: Bo's
    rows = dict(re.findall(r'<th scope="row">(?:<a href="#part-\w+">)?(\w+)(?:</a>)?</th>\s*((?:<td>\d+</td>\s*)+)', page))
    counts = {part: [int(n) for n in re.findall(r"\d+", cells)] for part, cells in rows.items()}
    # Correct, partial, incorrect, invalid, missing, carried forward — over 2 students.
    assert counts["loss"][-1] == 1 and sum(counts["loss"][:-1]) == 2
    assert counts["dL_dz"][-1] == 1 and sum(counts["dL_dz"][:-1]) == 2


def test_one_variant_shows_the_common_wrong_answers_read_as_the_grader_reads_them(client, course):
    course.assignment("hw1", problems=((PROBLEM, 10),), randomized=False, attempts_allowed=3)
    _, ada = own_reference(client, course.a)
    _, bo = own_reference(client, course.b)
    grade(client, course.a, {**ada, "loss": "1/4"})
    grade(client, course.b, {**bo, "loss": 0.250})
    sign_in(client, "instructor-test-token")
    page = client.get(STATS.format(course.id)).text
    assert "different variants" not in page
    assert "<code>0.25</code> (2)" in page  # 1/4 and 0.250 are one answer


def test_the_student_page_shows_the_counted_submission_and_folds_the_rest(client, graded):
    course, first, second, _ = graded
    sign_in(client, "instructor-test-token")
    page = client.get(f"/instructor/courses/{course.id}/students/s-a").text
    counted, other = first["submission"]["id"], second["submission"]["id"]  # equal scores: the earlier
    assert re.search(rf'<article class="card" id="submission-{counted}".*?counts</span>', page, re.S)
    folded = re.search(rf'<details class="card" id="submission-{other}">\s*<summary>(.*?)</summary>', page, re.S)
    assert folded and "not counted" in folded.group(1)
    # An override needs its box ticked; then it is done, and the overridden one opens.
    data = {"csrf_token": csrf_of(page), "score": "10", "comment": "the sign convention was ambiguous"}
    refused = client.post(f"/instructor/submissions/{other}/override", data=data)
    assert refused.status_code == 422
    assert "Tick the box that confirms you replace this submission&#39;s score." in refused.text
    done = client.post(f"/instructor/submissions/{other}/override", data={**data, "confirm": "yes"})
    assert done.status_code == 200 and "overridden to 10" in done.text
    # Now the override is the best: it counts, and the first attempt is folded.
    assert re.search(rf'<article class="card" id="submission-{other}"', done.text)
    assert re.search(rf'<details class="card" id="submission-{counted}">', done.text)


def test_the_gradebook_is_on_screen_with_what_the_csv_says(client, graded):
    course, *_ = graded
    sign_in(client, "instructor-test-token")
    page = client.get(f"/instructor/courses/{course.id}/gradebook").text
    csv_lines = client.get(f"/instructor/courses/{course.id}/gradebook.csv").text.splitlines()
    assert csv_lines[0] == "student_id,name,section,hw1 (of 10),total"
    for line in csv_lines[1:]:
        student_id, name, section, points, total = line.split(",")
        row = re.search(rf'<tr><th scope="row"><a href="[^"]+/students/{student_id}">{name} \({student_id}\)</a></th>'
                        rf'\s*<td>{section}</td>\s*<td>([^<]+)</td><td>([^<]+)</td></tr>', page)
        assert row, student_id
        assert float(row.group(1)) == pytest.approx(float(points), abs=0.005)
        assert float(row.group(2)) == pytest.approx(float(total), abs=0.005)
