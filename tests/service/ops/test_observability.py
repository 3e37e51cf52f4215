"""Operations in-process: /healthz, /readyz, /metrics by route template, gradings counted,
request ids, and JSON logs that never hold a token or an answer."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest

from service.ops.observability import JsonFormatter, RequestContextFilter, redact
from service.settings import Settings

ANSWERS = {"answers": {"L": "3*sqrt(5)", "singular_values": "[1 2]"}}


def metric(client, name: str, **labels: str) -> float:
    total = 0.0
    for line in client.get("/metrics").text.splitlines():
        if line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_healthz_and_readyz(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"


def test_metrics_count_a_grading_after_it_happens(client):
    before = metric(client, "hwcheck_gradings_total", problem="lipschitz-linear")
    requests_before = metric(client, "hwcheck_http_requests_total", route="/api/grade/lipschitz-linear",
                             method="POST", status="200")
    assert client.post("/api/grade/lipschitz-linear", json=ANSWERS).status_code == 200
    assert metric(client, "hwcheck_gradings_total", problem="lipschitz-linear") == before + 1
    assert metric(client, "hwcheck_http_requests_total", route="/api/grade/lipschitz-linear",
                  method="POST", status="200") == requests_before + 1
    assert metric(client, "hwcheck_http_request_duration_seconds_count",
                  route="/api/grade/lipschitz-linear") >= 1
    text = client.get("/metrics")
    assert text.headers["content-type"].startswith("text/plain")
    assert "# TYPE hwcheck_gradings_total counter" in text.text


def test_grading_status_labels(client):
    def count(status):
        return metric(client, "hwcheck_gradings_total", problem="lipschitz-linear", status=status)

    before = {s: count(s) for s in ("correct", "partial", "incorrect", "invalid")}
    client.post("/api/grade/lipschitz-linear", json={"answers": {"L": "3*sqrt(5)", "singular_values": "{3*sqrt(5), 0}"}})
    client.post("/api/grade/lipschitz-linear", json={"answers": {"L": "7"}})
    client.post("/api/grade/lipschitz-linear", json={"answers": {"L": "[[["}})
    after = {s: count(s) for s in before}
    assert after["incorrect"] == before["incorrect"] + 1
    assert after["invalid"] == before["invalid"] + 1
    assert after["correct"] + after["partial"] == before["correct"] + before["partial"] + 1


def test_routes_are_labelled_by_template_not_raw_path(client, instructor):
    for course in (101, 202, 303):
        client.get(f"/api/courses/{course}", headers=instructor)
    client.get("/no/such/path/12345")
    body = client.get("/metrics").text
    assert 'route="/api/courses/{course_id}"' in body
    # Only labels can hold a path; the sample values are floats that may contain any digits.
    labels = re.findall(r'route="([^"]*)"', body)
    assert labels and not any("101" in label or "12345" in label for label in labels)
    assert 'route="<unmatched>"' in body


def test_request_id_is_echoed_or_made(client):
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123.x"}).headers["x-request-id"] == "abc-123.x"
    made = client.get("/healthz").headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    # Not an id (spaces, too long): replaced by a fresh one rather than echoed into logs.
    for bad in ("a b", "x" * 200, "<script>"):
        got = client.get("/healthz", headers={"X-Request-ID": bad}).headers["x-request-id"]
        assert got != bad and re.fullmatch(r"[0-9a-f]{32}", got)
    # Refusals from the outer layers carry one too.
    assert "x-request-id" in client.post("/api/grade/nope", json={}).headers


@pytest.fixture
def captured_logs():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    logger = logging.getLogger("hwcheck")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield stream
    logger.removeHandler(handler)
    logger.setLevel(old_level)


def test_access_log_is_json_with_request_id_and_no_secrets(client, captured_logs):
    token = "hws_" + "S3cr3tT0kenValue" * 2
    client.post("/api/grade/lipschitz-linear?assignment=hw1", json=ANSWERS,
                headers={"Authorization": f"Bearer {token}", "X-Request-ID": "req-42"})
    logging.getLogger("hwcheck.test").info("header was Authorization: Bearer %s", token)
    lines = [json.loads(line) for line in captured_logs.getvalue().splitlines()]
    access = [entry for entry in lines if entry["logger"] == "hwcheck.access"]
    assert access and access[-1]["request_id"] == "req-42"
    assert access[-1]["route"] == "/api/grade/lipschitz-linear"
    assert access[-1]["status"] == 401 and access[-1]["duration_ms"] >= 0
    assert access[-1]["path"] == "/api/grade/lipschitz-linear"  # never the query string
    text = captured_logs.getvalue()
    assert token not in text and "S3cr3t" not in text
    assert "3*sqrt(5)" not in text and "singular_values" not in text


def test_redact_scrubs_tokens_and_database_passwords():
    assert "hunter2" not in redact("postgresql+psycopg://app:hunter2@db:5432/x")
    assert "abc.def" not in redact("Authorization: Bearer abc.def")
    assert "hwi_" + "z" * 20 not in redact("token hwi_" + "z" * 20)
    assert redact("nothing secret here") == "nothing secret here"


def test_every_setting_is_in_the_readme_table():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`(HWCHECK_[A-Z0-9_]+)`", section))
    missing = sorted(f"HWCHECK_{name.upper()}" for name in Settings.model_fields
                     if f"HWCHECK_{name.upper()}" not in documented)
    assert missing == [], f"settings missing from the README's configuration table: {missing}"
