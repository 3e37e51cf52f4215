"""The HTTP contract of DESIGN.md, through the app, on a real database."""

import numpy as np
import pytest
from sqlalchemy import func, select

from problems import registry
from problems.core import params_for, reference
from service.store.models import Grading

# The worked solution's own rounded answers to branch-max-network (seed 000).
WORKED_SOLUTION = {
    "y_hat": [0.82, 0.07, 0.11],
    "dL_dz": [0.82, -0.93, 0.11],
    "dL_dW21": [[0.82, 1.64], [0, 0], [0.11, 0.22]],
    "dL_dW22": [[0, 0], [-0.23, -0.46], [0, 0]],
    "dL_dh": [-0.22, 1.39],
    "dL_dW1": [[-0.22, -0.44, -0.66, -0.22], [1.39, 2.78, 4.17, 1.39]],
}


def stored(client):
    with client.app.state.sessionmaker() as session:
        return session.scalar(select(func.count()).select_from(Grading))


def test_list_problems_follows_the_contract(client):
    listing = client.get("/api/problems").json()
    assert {p["id"] for p in listing} >= {"branch-max-network", "adam-bias-correction", "receptive-field",
                                          "lipschitz-linear", "quadratic-form-gradient"}
    for problem in listing:
        assert set(problem) == {"id", "title", "family", "parts", "source"}  # source: issue 18, additive
        assert all(set(p) == {"id", "kind", "prompt"} for p in problem["parts"])


def test_problem_detail_default_and_seeded(client):
    default = client.get("/api/problems/branch-max-network").json()
    assert set(default) == {"id", "title", "statement", "variant", "params", "parts"}
    assert default["variant"] == "default"
    assert default["params"]["x"] == [1, 2, 3, 1]
    assert "{{" not in default["statement"]
    seeded = client.get("/api/problems/branch-max-network?variant=12").json()
    assert seeded["variant"] == 12
    assert seeded["params"] == params_for(registry.get("branch-max-network"), 12)
    assert client.get("/api/problems/branch-max-network?variant=12").json() == seeded


@pytest.mark.parametrize("variant", ["-1", "abc", "2147483648", "1.5"])
def test_bad_variant_query_is_a_422(client, variant):
    response = client.get(f"/api/problems/branch-max-network?variant={variant}")
    assert response.status_code == 422
    assert "variant must be 'default' or a whole number" in response.json()["detail"]


def test_unknown_problem_is_a_404(client):
    for response in (client.get("/api/problems/nope"), client.post("/api/grade/nope", json={"answers": {}})):
        assert response.status_code == 404
        assert response.json()["detail"] == "there is no problem 'nope'; GET /api/problems lists them"


def test_worked_solution_earns_full_credit_and_is_stored(client):
    response = client.post("/api/grade/branch-max-network", json={"variant": "default", "answers": WORKED_SOLUTION})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"problem_id", "variant", "score", "max_score", "parts"}
    graded = {p["id"]: p for p in body["parts"]}
    for part_id in WORKED_SOLUTION:
        assert graded[part_id]["status"] == "correct", graded[part_id]
        assert graded[part_id]["score"] == graded[part_id]["max_score"]
    assert graded["h"]["status"] == "missing"
    assert body["score"] == len(WORKED_SOLUTION)
    assert stored(client) == 1
    with client.app.state.sessionmaker() as session:
        row = session.scalars(select(Grading)).one()
    # Anonymous practice keeps scores and statuses and each answer's length and hash, not the text
    # (HWCHECK_PRACTICE_STORE=summary, the default).
    import hashlib
    import json

    def summary(raw):
        text = raw if isinstance(raw, str) else json.dumps(raw)
        return {"stored": "summary", "length": len(text), "sha256": hashlib.sha256(text.encode()).hexdigest()}

    assert row.answers == {part: summary(raw) for part, raw in WORKED_SOLUTION.items()} and row.variant == "default"
    assert row.result["parts"][0]["id"] == "h"


def test_bad_answers_are_part_verdicts_not_errors(client):
    answers = {"dL_dW21": [[1, 2], [3]], "h": "abc", "loss": "nan", "dL_dW1": np.zeros((4, 2)).tolist()}
    response = client.post("/api/grade/branch-max-network", json={"answers": answers})
    assert response.status_code == 200
    graded = {p["id"]: p for p in response.json()["parts"]}
    assert graded["dL_dW21"]["status"] == "invalid"
    assert graded["dL_dW21"]["feedback"] == "the rows have different lengths: row 1 has 2 entries, row 2 has 1"
    assert graded["h"]["status"] == "invalid"
    assert graded["h"]["feedback"] == "`abc` is not a number or a known constant (pi, e)"
    assert graded["loss"]["status"] == "invalid"
    assert graded["dL_dW1"]["status"] == "incorrect"
    assert graded["dL_dW1"]["feedback"] == "Expected a 2×4 matrix, got 4×2 — transposed?"


def test_request_errors_are_422(client):
    not_json = client.post("/api/grade/branch-max-network", content=b"{not json",
                           headers={"Content-Type": "application/json"})
    assert not_json.status_code == 422
    unknown_part = client.post("/api/grade/branch-max-network", json={"answers": {"bogus": 1}})
    assert unknown_part.status_code == 422
    assert unknown_part.json()["detail"][0]["loc"] == ["body", "answers", "bogus"]
    bad_variant = client.post("/api/grade/branch-max-network", json={"variant": -3, "answers": {}})
    assert bad_variant.status_code == 422
    assert stored(client) == 0


def test_seeded_variant_is_graded_against_its_own_reference(client):
    problem = registry.get("lipschitz-linear")
    ref = reference(problem, 5)
    body = client.post("/api/grade/lipschitz-linear",
                       json={"variant": 5, "answers": {"L": float(ref["L"])}}).json()
    assert body["variant"] == 5
    assert body["parts"][0] == {"id": "L", "status": "correct", "score": 1.0, "max_score": 1.0,
                                "feedback": "Correct."}


def test_answer_key_is_for_instructors_only(client, instructor):
    url = "/api/problems/receptive-field/answer-key?variant=3"
    assert client.get(url).status_code == 401
    assert client.get(url, headers={"Authorization": "Bearer wrong"}).status_code == 403
    key = client.get(url, headers=instructor)
    assert key.status_code == 200
    expected = reference(registry.get("receptive-field"), 3)
    assert key.json()["answers"]["rf_per_layer"] == expected["rf_per_layer"].tolist()


def test_openapi_has_one_typed_route_per_problem(client):
    spec = client.get("/openapi.json").json()
    for problem_id, problem in registry.PROBLEMS.items():
        operation = spec["paths"][f"/api/grade/{problem_id}"]["post"]
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        model = spec["components"]["schemas"][ref.split("/")[-1]]
        answers_ref = model["properties"]["answers"]["$ref"].split("/")[-1]
        fields = spec["components"]["schemas"][answers_ref]["properties"]
        assert list(fields) == [p.id for p in problem.parts]
        for p in problem.parts:
            assert fields[p.id]["description"] == p.prompt


CATALOG_IDS = {
    "linear-form-gradient", "matrix-vector-jacobian", "bilinear-form-gradient", "quadratic-form-gradient",
    "trace-gradient", "dot-product-chain", "inverse-derivative", "beale-hessian", "softmax-ce-gradient",
    "logistic-regression-gradient", "symmetry-regularizer", "branch-max-network", "mlp-bce-backprop",
    "sigmoid-mlp-backprop", "softmax-leaky-relu-backprop", "batchnorm-backward",
    "gaussian-dropout-regularizer", "adam-steps", "adam-bias-correction", "adamax-steps",
    "gd-quadratic-convergence", "backtracking-line-search", "taylor-optimal-step", "newton-method",
    "conv-output-size", "receptive-field", "lipschitz-linear", "lipschitz-activations",
    "lipschitz-network-bound", "lipschitz-combinations", "matrix-norm-identities",
    "sigmoid-tanh-equivalence", "perceptron-regions",
}


def test_all_33_catalog_problems_are_listed_and_their_keys_grade_as_correct(client, instructor):
    listing = client.get("/api/problems").json()
    assert {p["id"] for p in listing} == CATALOG_IDS and len(listing) == 33
    for problem in listing:
        for variant in ("default", "7"):
            key = client.get(f"/api/problems/{problem['id']}/answer-key?variant={variant}", headers=instructor)
            assert key.status_code == 200, key.text
            answers = key.json()["answers"]
            assert set(answers) == {p["id"] for p in problem["parts"]}
            # The key, sent back as a submission, earns full marks: key and grader agree.
            body = {"variant": variant if variant == "default" else int(variant), "answers": answers}
            graded = client.post(f"/api/grade/{problem['id']}", json=body).json()
            assert graded["score"] == graded["max_score"], [p for p in graded["parts"] if p["status"] != "correct"]


@pytest.mark.parametrize("literal,stored_as", [(b"NaN", "NaN"), (b"-Infinity", "-Infinity"),
                                               (b"[1, Infinity]", [1, "Infinity"])])
def test_a_non_finite_literal_is_graded_invalid_and_stored_as_its_text(client, literal, stored_as, monkeypatch):
    # Python's json reads these literals; PostgreSQL's JSON refuses them (it was a 500 there).
    from service import grading

    monkeypatch.setattr(grading, "_practice_store", "full")  # HWCHECK_PRACTICE_STORE=full: the answers too
    body = b'{"answers": {"L": ' + literal + b"}}"
    response = client.post("/api/grade/lipschitz-linear", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    assert next(p for p in response.json()["parts"] if p["id"] == "L")["status"] == "invalid"
    with client.app.state.sessionmaker() as session:
        stored = session.scalars(select(Grading.answers).order_by(Grading.id.desc())).first()
    assert stored == {"L": stored_as}


def test_json_text_is_json_dumps_for_finite_values():
    import json

    from service.store.db import json_text

    value = {"a": [1, 2.5, {"b": "x", "c": None}], "d": True, "é": "ᵀ"}
    assert json_text(value) == json.dumps(value)
    assert json.loads(json_text({"a": [float("nan"), (1.0, float("-inf"))]})) == {"a": ["NaN", [1.0, "-Infinity"]]}


def test_json_text_stores_text_already_json_as_it_is_and_any_other_string_as_a_string():
    from service.store.db import JSONText, json_text

    assert json_text(JSONText('{"a":[1,"ᵀ"]}')) == '{"a":[1,"ᵀ"]}'
    assert json_text('{"a":1}') == '"{\\"a\\":1}"'


@pytest.mark.parametrize("answers", [{}, {"df_dx": "(A + A^T) x", "df_dA": "x x^T", "df_dx_value": [1, 2]},
                                     {"df_dx": "(A + A^T x", "df_dA": "x^T x"}])
def test_a_practice_gradings_stored_result_is_what_the_student_was_sent(client, answers):
    # The row holds the response's own text (GradeResult.as_json), not a second encoding of it.
    response = client.post("/api/grade/quadratic-form-gradient", json={"answers": answers})
    assert response.status_code == 200, response.text
    with client.app.state.sessionmaker() as session:
        row = session.scalars(select(Grading).order_by(Grading.id.desc())).first()
    assert row.result == response.json()
    assert (row.score, row.max_score) == (response.json()["score"], response.json()["max_score"])
