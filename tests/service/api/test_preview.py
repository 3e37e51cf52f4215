"""POST /api/preview and grading an expression part, through the app."""

import pytest


def preview(client, problem_id, part_id, text):
    return client.post("/api/preview", json={"problem_id": problem_id, "part_id": part_id,
                                             "text": text})


def test_preview_of_a_matrix_expression(client):
    response = preview(client, "quadratic-form-gradient", "df_dx", "x^T (A + A^T)")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and body["error"] is None
    assert body["read_as"] == "xᵀ(A + Aᵀ)"
    assert body["latex"] == r"x^{\top} \left(A + A^{\top}\right)"
    assert body["mathml"].startswith("<math") and "<msup>" in body["mathml"]
    assert body["symbols"] == ["A", "x"]
    assert body["shape"] == "1×n"


def test_preview_splits_names_and_normalises_subscripts(client):
    body = preview(client, "dot-product-chain", "dalpha_dz", "x^TJ_y + y^TJx").json()
    assert body["ok"] and body["read_as"] == "xᵀ Jy + yᵀ Jx"
    assert body["symbols"] == ["x", "y", "Jx", "Jy"]
    assert "J_{y}" in body["latex"]


def test_preview_of_a_scalar_expression_has_a_canonical_form(client):
    body = preview(client, "adam-bias-correction", "expected_v_expr", r"(1 - \beta_2^t) Eg2").json()
    assert body["ok"] and body["shape"] == "scalar"
    assert body["symbols"] == ["beta2", "t", "Eg2"]
    assert r"\beta_{2}" in body["latex"]
    assert body["canonical"] and "beta" in body["canonical"]


@pytest.mark.parametrize(("text", "kind", "fragment"), [
    ("X^T (A + A^T)", "shape", "Xᵀ is n×m, A + Aᵀ is n×n — cannot multiply when m ≠ n"),
    ("X z", "unknown-symbol", "`z` is not a symbol here; the symbols are X, A"),
    ("X (A + ", "syntax", "never closed"),
    ("X A^100", "limit", "the limit is ±64"),
])
def test_preview_reports_the_error(client, text, kind, fragment):
    body = preview(client, "trace-gradient", "df_dX", text).json()
    assert body["ok"] is False
    assert body["error"]["kind"] == kind
    assert fragment in body["error"]["message"]
    if kind == "syntax":
        assert body["error"]["position"] == 2
    if kind == "shape":
        assert body["latex"]          # what was typed is still shown


def test_preview_of_numeric_parts(client):
    body = preview(client, "quadratic-form-gradient", "df_dx_value", "[0 -4]").json()
    assert body["ok"] and body["value"] == [0.0, -4.0]
    assert body["shape"] == "a vector of 2 entries"
    body = preview(client, "adam-bias-correction", "bias_factor", r"1 - 0.999^{10}").json()
    assert body["ok"] and abs(body["value"] - (1 - 0.999**10)) < 1e-12
    body = preview(client, "adam-bias-correction", "bias_factor", "1 - ").json()
    assert body["ok"] is False and body["error"]["kind"] == "syntax"


def test_preview_404_and_422(client):
    assert preview(client, "nope", "df_dx", "x").status_code == 404
    response = preview(client, "quadratic-form-gradient", "nope", "x")
    assert response.status_code == 404 and "its parts are" in response.json()["detail"]
    for body in ({"problem_id": "quadratic-form-gradient", "part_id": "df_dx"},
                 {"problem_id": "quadratic-form-gradient", "part_id": "df_dx", "text": 3},
                 {"problem_id": "quadratic-form-gradient", "part_id": "df_dx", "text": "x",
                  "extra": 1}):
        assert client.post("/api/preview", json=body).status_code == 422


def test_preview_refuses_too_long_text_plainly(client):
    body = preview(client, "quadratic-form-gradient", "df_dx", "x" * 5000).json()
    assert body["ok"] is False and "too long" in body["error"]["message"]


def test_grading_expression_parts_through_the_api(client):
    response = client.post("/api/grade/quadratic-form-gradient", json={"answers": {
        "df_dx": "x^T (A + A^T)", "df_dA": "x' * x", "df_dx_value": [0, -4]}})
    assert response.status_code == 200
    parts = {p["id"]: p for p in response.json()["parts"]}
    assert parts["df_dx"]["status"] == "correct" and parts["df_dx"]["score"] == 1.0
    assert parts["df_dA"]["status"] == "incorrect"
    response = client.post("/api/grade/quadratic-form-gradient", json={"answers": {
        "df_dx": "(A + A^T) x", "df_dA": "x x^T"}})
    parts = {p["id"]: p for p in response.json()["parts"]}
    assert parts["df_dx"]["status"] == "partial" and parts["df_dx"]["score"] == 0.5
    assert "transpose" in parts["df_dx"]["feedback"]
    response = client.post("/api/grade/quadratic-form-gradient", json={"answers": {
        "df_dx": "2Ax", "df_dA": "__import__('os')"}})
    parts = {p["id"]: p for p in response.json()["parts"]}
    assert parts["df_dx"]["status"] == "incorrect" and "symmetric" in parts["df_dx"]["feedback"]
    assert parts["df_dA"]["status"] == "invalid"


def test_the_answer_key_shows_expression_text(client, instructor):
    response = client.get("/api/problems/inverse-derivative/answer-key", headers=instructor)
    assert response.status_code == 200
    assert response.json()["answers"] == {"dAinv": "-A^{-1} dA A^{-1}"}


def test_openapi_documents_expression_parts(client):
    schema = client.get("/openapi.json").json()
    answers = schema["components"]["schemas"]["TraceGradientAnswers"]["properties"]["df_dX"]
    assert answers["x-symbols"] == {"X": "m×n", "A": "n×n"}
    assert "/api/preview" in schema["paths"]


def test_a_matrix_of_the_wrong_shape_is_told_before_it_costs_an_attempt(client):
    """A flat list of 6 for branch-max-network's 3×2 ∂L/∂W21 is graded incorrect: the preview,
    given the variant, says so first; without one it only reads the value."""
    flat = {"problem_id": "branch-max-network", "part_id": "dL_dW21", "text": "[1, 2, 3, 4, 5, 6]"}
    told = client.post("/api/preview", json={**flat, "variant": "default"}).json()
    assert told["ok"] is False and told["error"] == {
        "kind": "shape", "position": None,
        "message": "Expected a 3×2 matrix, got a flat list of 6 numbers: give it row by row, e.g. [[1, 2], [3, 4]]."}
    graded = client.post("/api/grade/branch-max-network", json={"answers": {"dL_dW21": flat["text"]}}).json()
    part = next(p for p in graded["parts"] if p["id"] == "dL_dW21")
    assert part["feedback"] == told["error"]["message"]
    assert client.post("/api/preview", json=flat).json()["ok"] is True
    square = client.post("/api/preview", json={**flat, "text": "[[1, 2], [3, 4]]", "variant": "default"}).json()
    assert square["error"]["message"] == "Expected a 3×2 matrix, got 2×2."
    assert client.post("/api/preview", json={**flat, "variant": "abc"}).status_code == 422
