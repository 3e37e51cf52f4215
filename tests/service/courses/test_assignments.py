import pytest

from problems import registry
from service.courses.templates import AssignmentsError, load_assignments, parse_assignments


def test_hw1_and_hw2_cover_the_whole_catalog_once():
    assignments = load_assignments()
    assert list(assignments) == ["hw1", "hw2"]
    listed = [p.problem_id for a in assignments.values() for p in a.problems]
    assert sorted(listed) == sorted(registry.PROBLEMS)


def test_points_default_to_the_parts_and_can_be_set():
    parsed = parse_assignments('[q]\nproblems = ["lipschitz-linear", { id = "receptive-field", points = 10 }]')
    assert [(p.problem_id, p.points) for p in parsed["q"].problems] == [("lipschitz-linear", 2.0), ("receptive-field", 10.0)]
    assert parsed["q"].points == 12 and parsed["q"].title == "q"


@pytest.mark.parametrize(("text", "message"), [
    ('[q]\nproblems = ["nope"]', "assignment 'q' names an unknown problem 'nope'"),
    ('[q]\nproblems = []', "assignment 'q' needs a non-empty `problems` list"),
    ('[q]\nproblems = ["lipschitz-linear", "lipschitz-linear"]', "assignment 'q' lists a problem twice"),
    ('[q]\nproblems = [{ id = "lipschitz-linear", points = -1 }]', "points for 'lipschitz-linear' must be a positive"),
    ('[q\n', "assignments file is not valid TOML"),
])
def test_mistakes_in_the_file_are_named(text, message):
    with pytest.raises(AssignmentsError, match=message.replace("(", r"\(").replace("[", r"\[")):
        parse_assignments(text)


def test_assignments_api(client):
    listing = client.get("/api/assignments").json()
    assert [a["id"] for a in listing] == ["hw1", "hw2"]
    hw2 = client.get("/api/assignments/hw2").json()
    assert hw2["problems"][0]["id"] == "logistic-regression-gradient"
    assert hw2["points"] == sum(p["points"] for p in hw2["problems"])
    assert client.get("/api/assignments/hw9").status_code == 404


def test_a_replacement_file(tmp_path, settings):
    from fastapi.testclient import TestClient

    from service.app import create_app

    custom = tmp_path / "course.toml"
    custom.write_text('[quiz1]\ntitle = "Quiz 1"\nproblems = ["branch-max-network"]\n')
    with TestClient(create_app(settings.model_copy(update={"assignments_file": custom}))) as client:
        assert [a["id"] for a in client.get("/api/assignments").json()] == ["quiz1"]
