"""Courses: rosters and tokens, per-student variants, the published numbers, assignments, the
instructor's views, the CLI, and a restart that loses nothing."""

import hashlib
import json

import pytest
from fastapi.testclient import TestClient
from service_helpers import DUE, bearer
from sqlalchemy import select
from typer.testing import CliRunner

from problems import registry
from problems.core import MAX_SEED, params_for, reference, to_json
from service.app import create_app
from service.cli.main import app as cli
from service.store.models import Course, Grading, Instructor, Student


def rows(client, model):
    with client.app.state.sessionmaker() as session:
        return session.scalars(select(model)).all()


# --- courses and rosters -----------------------------------------------------------------------


def test_create_and_list_courses(client, instructor):
    created = client.post("/api/courses", json={"name": "CS 182"}, headers=instructor)
    assert created.status_code == 201
    assert set(created.json()) == {"id", "name", "created_at", "role"}  # never the secret
    assert client.get("/api/courses", headers=instructor).json() == [created.json()]
    assert client.get(f"/api/courses/{created.json()['id']}", headers=instructor).json() == created.json()
    again = client.post("/api/courses", json={"name": "CS 182"}, headers=instructor)
    assert again.status_code == 409
    assert again.json() == {"detail": "there is already a course named 'CS 182'"}
    missing = client.get("/api/courses/999", headers=instructor)
    assert missing.status_code == 404 and missing.json() == {"detail": "there is no course 999"}
    (course,) = rows(client, Course)
    assert len(course.secret) == 64


def test_roster_tokens_are_shown_once_and_stored_hashed(client, course):
    students = rows(client, Student)
    assert {s.student_id for s in students} == {"s-a", "s-b"}
    for student in students:
        token = course.tokens[student.student_id]
        assert token.startswith("hws_") and len(token) > 40
        assert student.token_hash == hashlib.sha256(token.encode()).hexdigest()
    # No column anywhere holds a token itself.
    with client.app.state.sessionmaker() as session:
        columns = Student.__table__.columns
        dump = json.dumps([[str(getattr(s, c.key)) for c in columns] for s in session.scalars(select(Student))])
    assert not any(token in dump for token in course.tokens.values())
    me = client.get("/api/me", headers=course.a).json()
    assert me == {"student_id": "s-a", "name": "Ada", "email": "ada@example.edu", "section": "101",
                  "course": {"id": course.id, "name": "CS 182"}}


def test_reuploading_a_roster_rotates_nothing_unless_asked(client, course, instructor):
    url = f"/api/courses/{course.id}/roster"
    again = client.post(url, headers=instructor, json=[
        {"student_id": "s-a", "name": "Ada", "email": "ada@example.edu", "section": "101"},
        {"student_id": "s-b", "name": "Bo Li", "email": "bo@example.edu", "section": "102"},
        {"student_id": "s-c", "name": "Cy"},
    ]).json()["students"]
    assert [(s["student_id"], s["status"], s["token"] is not None) for s in again] == [
        ("s-a", "unchanged", False), ("s-b", "updated", False), ("s-c", "created", True)]
    assert client.get("/api/me", headers=course.a).status_code == 200  # old tokens still work
    assert client.get("/api/me", headers=course.b).json()["name"] == "Bo Li"

    rotated = client.post(url + "?rotate=true", headers=instructor,
                          json=[{"student_id": "s-a", "name": "Ada"}]).json()["students"]
    new_token = rotated[0]["token"]
    assert new_token.startswith("hws_") and new_token != course.tokens["s-a"]
    old = client.get("/api/me", headers=course.a)
    assert old.status_code == 401
    assert old.json() == {"detail": "this token is not valid (unknown or replaced); ask your instructor for yours"}
    assert client.get("/api/me", headers=bearer(new_token)).json()["student_id"] == "s-a"


def test_roster_as_csv(client, course, instructor):
    csv_text = "\ufeffStudent_ID,name,email,section\ns-c,Cy Twain,cy@example.edu,103\n\ns-d,Di,,\n"
    response = client.post(f"/api/courses/{course.id}/roster", content=csv_text.encode(),
                           headers={**instructor, "Content-Type": "text/csv"})
    assert response.status_code == 200, response.text
    students = response.json()["students"]
    assert [(s["student_id"], s["name"], s["email"], s["section"]) for s in students] == [
        ("s-c", "Cy Twain", "cy@example.edu", "103"), ("s-d", "Di", None, None)]
    assert all(s["token"].startswith("hws_") for s in students)
    listed = client.get(f"/api/courses/{course.id}/students", headers=instructor).json()
    assert [s["student_id"] for s in listed] == ["s-a", "s-b", "s-c", "s-d"]
    assert "token" not in listed[0] and "token_hash" not in listed[0]


@pytest.mark.parametrize(("body", "content_type", "status", "detail"), [
    ("id,name\n1,A\n", "text/csv", 422, "the roster CSV needs a header row with student_id and name (and "
     "optionally email, section); missing: student_id"),
    ("student_id,name\n1,\n", "text/csv", 422,
     "1 roster line could not be read, so nothing was imported — line 2: the name is empty"),
    ("student_id,name,email\n1,A,a@x.org\n,B,\n3,C,not-an-email\n", "text/csv", 422,
     "2 roster lines could not be read, so nothing was imported — line 3: the student id is empty; "
     "line 4: the email: 'not-an-email' is not an email address"),
    ('[{"student_id": "x", "name": "A"}, {"student_id": "x", "name": "B"}]', "application/json", 422,
     "the roster lists a student twice: x"),
    ("[{", "application/json", 422, None),
    ("<roster/>", "application/xml", 415, "send the roster as application/json (a list of students) or as text/csv"),
])
def test_bad_rosters_are_refused_with_a_reason(client, course, instructor, body, content_type, status, detail):
    response = client.post(f"/api/courses/{course.id}/roster", content=body.encode(),
                           headers={**instructor, "Content-Type": content_type})
    assert response.status_code == status
    if detail:
        assert response.json()["detail"] == detail
    assert len(rows(client, Student)) == 2


def test_roster_json_field_errors_are_422_with_locations(client, course, instructor):
    response = client.post(f"/api/courses/{course.id}/roster", headers=instructor,
                           json=[{"student_id": "x", "name": "A", "nickname": "z"}])
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", 0, "nickname"]


def test_db_instructors_and_the_bootstrap_token_both_work(client, settings, course):
    from service.courses import roster

    with client.app.state.sessionmaker() as session:
        _, token = roster.create_instructor(session, "Pat", "pat@example.edu")
    assert token.startswith("hwi_")
    (stored,) = rows(client, Instructor)
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert client.get("/api/courses", headers=bearer(token)).status_code == 200
    assert client.get("/api/problems/lipschitz-linear/answer-key", headers=bearer(token)).status_code == 200
    assert client.get("/api/courses", headers=bearer("hwi_not-a-real-one")).status_code == 403


# --- assignments -------------------------------------------------------------------------------


def test_create_assignment_and_list_it(client, course, instructor):
    created = course.assignment("hw1", problems=(("lipschitz-linear", 10), ("receptive-field", 5)),
                                late_policy="penalty", penalty_per_day=0.1, attempts_allowed=3, counts="last",
                                due_at="2027-02-08T15:59:00-08:00")
    assert created["due_at"] == "2027-02-08T23:59:00Z"  # stored and shown in UTC
    assert [(p["problem_id"], p["points"]) for p in created["problems"]] == [("lipschitz-linear", 10),
                                                                          ("receptive-field", 5)]
    assert (created["late_policy"], created["penalty_per_day"], created["attempts_allowed"], created["counts"],
            created["randomized"], created["accept_late_until"]) == ("penalty", 0.1, 3, "last", True, None)
    assert client.get(f"/api/courses/{course.id}/assignments", headers=instructor).json() == [created]


@pytest.mark.parametrize(("fields", "status", "message"), [
    ({"problems": [{"problem_id": "nope", "points": 1}]}, 422,
     "there is no problem 'nope'; GET /api/problems lists them"),
    ({"late_policy": "penalty"}, 422, "late_policy 'penalty' needs penalty_per_day"),
    ({"penalty_per_day": 0.1}, 422, "a hard deadline accepts nothing late"),
    ({"late_policy": "penalty", "penalty_per_day": 0.1, "accept_late_until": "2027-01-01T00:00:00Z"}, 422,
     "accept_late_until is before due_at"),
    ({"due_at": "2027-02-08T23:59:00"}, 422, "Input should have timezone info"),
    ({"slug": "Home Work"}, 422, "String should match pattern"),
    ({"attempts_allowed": 0}, 422, "Input should be greater than or equal to 1"),
    ({"problems": [{"problem_id": "receptive-field", "points": 1}] * 2}, 422, "a problem is listed twice"),
    ({"template": "hw1"}, 422, "give either `problems` or `template`"),
    ({"problems": None, "template": "hw9"}, 422, "there is no template 'hw9'; GET /api/assignments lists them"),
])
def test_bad_assignments_are_refused(client, course, instructor, fields, status, message):
    body = {"slug": "hw1", "title": "HW 1", "due_at": DUE.isoformat(),
            "problems": [{"problem_id": "receptive-field", "points": 1}], **fields}
    response = client.post(f"/api/courses/{course.id}/assignments", json=body, headers=instructor)
    assert response.status_code == status
    assert message in json.dumps(response.json())


def test_an_assignment_from_a_template_of_the_assignments_file(client, course, instructor):
    body = {"slug": "hw2", "title": "Homework 2", "due_at": DUE.isoformat(), "template": "hw2"}
    response = client.post(f"/api/courses/{course.id}/assignments", json=body, headers=instructor)
    assert response.status_code == 201, response.text
    template = client.get("/api/assignments/hw2").json()
    assert [(p["problem_id"], p["points"]) for p in response.json()["problems"]] == [
        (p["id"], p["points"]) for p in template["problems"]]


def test_duplicate_assignment_slug_is_a_409(client, course, instructor):
    course.assignment("hw1")
    body = {"slug": "hw1", "title": "again", "due_at": DUE.isoformat(),
            "problems": [{"problem_id": "receptive-field", "points": 1}]}
    response = client.post(f"/api/courses/{course.id}/assignments", json=body, headers=instructor)
    assert response.status_code == 409
    assert response.json() == {"detail": "CS 182 already has an assignment 'hw1'"}


# --- variants ---------------------------------------------------------------------------------


def own_problem(client, headers, problem_id="lipschitz-linear", assignment="hw1"):
    response = client.get(f"/api/problems/{problem_id}?assignment={assignment}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_two_students_get_different_stable_variants(client, course):
    course.assignment("hw1", problems=(("lipschitz-linear", 10), ("receptive-field", 5)))
    for problem_id in ("lipschitz-linear", "receptive-field"):
        a, b = own_problem(client, course.a, problem_id), own_problem(client, course.b, problem_id)
        assert a["variant"] != b["variant"]
        assert a["params"] != b["params"]
        for seen in (a, b):
            assert MAX_SEED < seen["variant"] < 2**62  # never a public seed
            assert seen["params"] == params_for(registry.get(problem_id), seen["variant"])
        # The same on every request, and the same whichever `variant` is asked for.
        assert own_problem(client, course.a, problem_id) == a
        assert client.get(f"/api/problems/{problem_id}?assignment=hw1&variant=3", headers=course.a).json() == a
    # Different problems of the same student draw from different seeds.
    assert own_problem(client, course.a)["variant"] != own_problem(client, course.a, "receptive-field")["variant"]


def test_variants_depend_on_the_course_secret(client, course, instructor):
    course.assignment("hw1")
    other = client.post("/api/courses", json={"name": "CS 182 (other term)"}, headers=instructor).json()
    roster = client.post(f"/api/courses/{other['id']}/roster", headers=instructor,
                         json=[{"student_id": "s-a", "name": "Ada"}]).json()
    client.post(f"/api/courses/{other['id']}/assignments", headers=instructor, json={
        "slug": "hw1", "title": "HW 1", "due_at": DUE.isoformat(),
        "problems": [{"problem_id": "lipschitz-linear", "points": 10}]})
    same_id_elsewhere = own_problem(client, bearer(roster["students"][0]["token"]))
    assert same_id_elsewhere["variant"] != own_problem(client, course.a)["variant"]


def test_published_numbers_give_everyone_default(client, course):
    course.assignment("hw1", randomized=False)
    default = client.get("/api/problems/lipschitz-linear").json()
    for headers in (course.a, course.b):
        seen = own_problem(client, headers)
        assert seen["variant"] == "default"
        assert seen["params"] == default["params"]
    graded = client.post("/api/grade/lipschitz-linear", headers=course.a, json={"answers": {"L": "3*sqrt(5)"}}).json()
    assert graded["variant"] == "default"
    assert graded["parts"][0]["status"] == "correct"


def test_a_student_is_graded_on_their_own_variant_whatever_the_body_says(client, course):
    course.assignment("hw1")
    mine = own_problem(client, course.a)
    key = to_json(reference(registry.get("lipschitz-linear"), mine["variant"]))
    graded = client.post("/api/grade/lipschitz-linear", headers=course.a,
                         json={"variant": 7, "answers": key}).json()
    assert graded["variant"] == mine["variant"]
    assert graded["score"] == graded["max_score"] == 2
    # B's answers are not A's: the same values are wrong for B's variant.
    for_b = client.post("/api/grade/lipschitz-linear", headers=course.b, json={"answers": key}).json()
    assert for_b["parts"][0]["status"] != "correct"


def test_a_course_variant_cannot_be_replayed_as_practice(client, course):
    course.assignment("hw1")
    seed = own_problem(client, course.a)["variant"]
    assert client.get(f"/api/problems/lipschitz-linear?variant={seed}").status_code == 422
    response = client.post("/api/grade/lipschitz-linear", json={"variant": seed, "answers": {}})
    assert response.status_code == 422


def test_students_still_see_public_variants_without_an_assignment(client, course):
    course.assignment("hw1")
    assert client.get("/api/problems/lipschitz-linear?variant=5", headers=course.a).json() == \
        client.get("/api/problems/lipschitz-linear?variant=5").json()


def test_problem_outside_the_assignment_and_unknown_assignments(client, course):
    course.assignment("hw1")
    not_in = client.get("/api/problems/receptive-field?assignment=hw1", headers=course.a)
    assert not_in.status_code == 404
    assert not_in.json() == {"detail": "receptive-field is not part of hw1; its problems are lipschitz-linear"}
    unknown = client.get("/api/problems/lipschitz-linear?assignment=hw9", headers=course.a)
    assert unknown.status_code == 404
    assert unknown.json() == {"detail": "there is no assignment 'hw9' in CS 182"}


# --- the instructor's view of a student ------------------------------------------------------------


def test_instructor_sees_a_students_variant_and_its_answer_key(client, course, instructor):
    course.assignment("hw1")
    for school_id, headers in (("s-a", course.a), ("s-b", course.b)):
        theirs = own_problem(client, headers)
        seen = client.get(f"/api/courses/{course.id}/students/{school_id}/problems/lipschitz-linear",
                          headers=instructor).json()
        assert (seen["variant"], seen["params"], seen["statement"]) == (theirs["variant"], theirs["params"],
                                                                        theirs["statement"])
        assert seen["assignment"] == "hw1" and seen["student_id"] == school_id
        assert seen["answers"] == to_json(reference(registry.get("lipschitz-linear"), theirs["variant"]))
    missing = client.get(f"/api/courses/{course.id}/students/s-z/problems/lipschitz-linear", headers=instructor)
    assert missing.status_code == 404 and missing.json() == {"detail": "there is no student 's-z' in CS 182"}


def test_ambiguous_and_unassigned_problems_say_what_to_do(client, course, instructor):
    course.assignment("hw1")
    course.assignment("hw2", problems=(("lipschitz-linear", 5), ("receptive-field", 5)))
    url = f"/api/courses/{course.id}/students/s-a/problems/lipschitz-linear"
    ambiguous = client.get(url, headers=instructor)
    assert ambiguous.status_code == 422
    assert ambiguous.json() == {"detail": "lipschitz-linear is in more than one assignment (hw1, hw2); "
                                          "say which with `assignment`"}
    assert client.get(url + "?assignment=hw2", headers=instructor).json()["assignment"] == "hw2"
    unassigned = client.get(f"/api/courses/{course.id}/students/s-a/problems/branch-max-network", headers=instructor)
    assert unassigned.status_code == 422
    assert unassigned.json() == {"detail": "branch-max-network is not in any assignment of CS 182"}


# --- the command line ---------------------------------------------------------------------------


@pytest.fixture
def cli_env(settings, monkeypatch):
    from service.settings import get_settings

    monkeypatch.setenv("HWCHECK_DATABASE_URL", settings.effective_database_url)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_cli_creates_instructors_courses_and_rosters(cli_env, settings, tmp_path):
    runner = cli_env
    made = runner.invoke(cli, ["admin", "create-instructor", "--name", "Pat", "--email", "pat@example.edu"])
    assert made.exit_code == 0, made.output
    token = made.stdout.strip().splitlines()[-1]
    assert token.startswith("hwi_")
    course = runner.invoke(cli, ["admin", "create-course", "CS 182", "--owner", "pat@example.edu"])
    assert course.exit_code == 0 and course.stdout.strip() == "course 1: CS 182"
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name,email,section\ns-a,Ada,ada@example.edu,101\ns-b,Bo,,\n")
    imported = runner.invoke(cli, ["admin", "import-roster", "CS 182", str(roster)])
    assert imported.exit_code == 0, imported.output
    lines = imported.stdout.strip().splitlines()
    assert lines[0] == "student_id,name,email,status,token"
    student_tokens = [line.split(",")[-1] for line in lines[1:]]
    assert len(student_tokens) == 2 and all(t.startswith("hws_") for t in student_tokens)
    again = runner.invoke(cli, ["admin", "import-roster", "1", str(roster)])
    assert again.stdout.strip().splitlines()[1:] == ["s-a,Ada,ada@example.edu,unchanged,", "s-b,Bo,,unchanged,"]
    missing = runner.invoke(cli, ["admin", "import-roster", "CS 999", str(roster)])
    assert missing.exit_code == 1
    assert "there is no course 'CS 999'" in missing.stderr

    # The tokens printed are the ones the API takes.
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/courses", headers=bearer(token)).json()[0]["name"] == "CS 182"
        assert client.get("/api/me", headers=bearer(student_tokens[0])).json()["student_id"] == "s-a"


# --- persistence ----------------------------------------------------------------------------------


def test_a_restart_loses_nothing(settings, instructor):
    with TestClient(create_app(settings)) as client:
        course_id = client.post("/api/courses", json={"name": "CS 182"}, headers=instructor).json()["id"]
        token = client.post(f"/api/courses/{course_id}/roster", headers=instructor,
                            json=[{"student_id": "s-a", "name": "Ada"}]).json()["students"][0]["token"]
        client.post(f"/api/courses/{course_id}/assignments", headers=instructor, json={
            "slug": "hw1", "title": "HW 1", "due_at": "2199-01-01T00:00:00Z",
            "problems": [{"problem_id": "lipschitz-linear", "points": 10}]})
        variant = client.get("/api/problems/lipschitz-linear?assignment=hw1", headers=bearer(token)).json()["variant"]
        submitted = client.post("/api/grade/lipschitz-linear", headers={**bearer(token), "Idempotency-Key": "k1"},
                                json={"answers": {"L": "1"}})
        assert submitted.status_code == 200
    # A new process on the same database: same token, same variant, same history, same receipt.
    with TestClient(create_app(settings)) as client:
        again = client.get("/api/problems/lipschitz-linear?assignment=hw1", headers=bearer(token))
        assert again.json()["variant"] == variant
        history = client.get("/api/me/submissions", headers=bearer(token)).json()
        assert [(s["id"], s["answers"], s["attempt"]) for s in history] == [(submitted.json()["submission"]["id"],
                                                                            {"L": "1"}, 1)]
        retried = client.post("/api/grade/lipschitz-linear", headers={**bearer(token), "Idempotency-Key": "k1"},
                              json={"answers": {"L": "1"}})
        assert retried.json() == submitted.json()
        assert len(client.get(f"/api/courses/{course_id}/submissions", headers=instructor).json()) == 1
        with client.app.state.sessionmaker() as session:
            assert len(session.scalars(select(Grading)).all()) == 1


def test_cli_admins_owners_and_staff(cli_env, settings):
    """`create-instructor --admin` sees every course; `create-course --owner` and `add-staff`
    give roles; a role that is not one, or an email nobody has, is refused with the reason."""
    runner = cli_env

    def token_of(*args):
        made = runner.invoke(cli, ["admin", "create-instructor", *args])
        assert made.exit_code == 0, made.output
        return made.stdout.strip().splitlines()[-1]

    admin = token_of("--name", "Ada Admin", "--email", "admin@example.edu", "--admin")
    olive = token_of("--name", "Olive", "--email", "olive@example.edu")
    tariq = token_of("--name", "Tariq", "--email", "tariq@example.edu")
    assert runner.invoke(cli, ["admin", "create-course", "CS 182", "--owner", "olive@example.edu"]).exit_code == 0
    assert runner.invoke(cli, ["admin", "create-course", "CS 189"]).exit_code == 0  # no owner: admins only
    added = runner.invoke(cli, ["admin", "add-staff", "CS 182", "tariq@example.edu", "--role", "ta"])
    assert added.exit_code == 0 and added.stdout.strip() == "Tariq <tariq@example.edu> is ta of CS 182"
    bad_role = runner.invoke(cli, ["admin", "add-staff", "CS 182", "tariq@example.edu", "--role", "dean"])
    assert bad_role.exit_code == 1
    assert "'dean' is not a role; the roles are owner, instructor, ta, viewer" in bad_role.stderr
    nobody = runner.invoke(cli, ["admin", "add-staff", "CS 182", "nobody@example.edu"])
    assert nobody.exit_code == 1 and "no instructor has the email 'nobody@example.edu'" in nobody.stderr

    with TestClient(create_app(settings)) as client:
        def listed(token):
            return [(c["name"], c["role"]) for c in client.get("/api/courses", headers=bearer(token)).json()]

        assert listed(admin) == [("CS 182", "admin"), ("CS 189", "admin")]
        assert listed(olive) == [("CS 182", "owner")]
        assert listed(tariq) == [("CS 182", "ta")]
