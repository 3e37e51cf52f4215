"""Hostile input against the real running server: every request below is refused with a clear
message in well under a second, and other clients are answered all the while.

A refusal is either a request error (413 body too large, 400 not UTF-8 / nested too deep) or,
for an answer we will not read, that part's `invalid` status with a message — never a 5xx,
never a hang, never an evaluation of what was typed.
"""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest
from live_server import start_server
from timing import bound

pytestmark = pytest.mark.e2e

BOUND = bound(1.0)  # the issue asks for under a second; see tests/timing.py

# (name, problem, part, answer, words the feedback must contain)
INVALID_ANSWERS = [
    ("import", "lipschitz-linear", "L", "__import__('os').system('touch /tmp/pwned')", "unexpected"),
    ("dunder walk", "lipschitz-linear", "L", "().__class__.__bases__[0].__subclasses__()", "unexpected"),
    ("dunder walk, expression part", "trace-gradient", "df_dX",
     "x.__class__.__mro__[1].__subclasses__()", ""),
    ("lambda", "lipschitz-linear", "L", "lambda: 1", "unexpected"),
    ("lambda, expression part", "inverse-derivative", "dAinv", "(lambda A: A)(A)", ""),
    ("open(", "lipschitz-linear", "L", "open('/etc/passwd').read()", "unexpected"),
    ("eval", "lipschitz-linear", "L", 'eval("1+1")', "unexpected"),
    ("huge exponent", "lipschitz-linear", "L", "9^9^9^9", "too large"),
    ("huge power of ten", "lipschitz-linear", "L", "10^1000000", "too large"),
    ("huge python power", "lipschitz-linear", "L", "2**99999999999", "too large"),
    ("overflow", "lipschitz-linear", "L", "1e308*10", "too large"),
    ("exp overflow", "lipschitz-linear", "L", "exp(100000)", "too large"),
    ("factorial", "lipschitz-linear", "L", "100000!", "unexpected"),
    ("factorial call", "lipschitz-linear", "L", "factorial(100000)", "factorial"),
    ("deep parentheses", "lipschitz-linear", "L", "(" * 999 + "1" + ")" * 999, "nested too deeply"),
    ("deep functions", "lipschitz-linear", "L", "sqrt(" * 300 + "2" + ")" * 300, "nested too deeply"),
    ("minus chain", "lipschitz-linear", "L", "-" * 1990 + "1", ""),
    ("power tower", "lipschitz-linear", "L", "^".join(["2"] * 900), ""),
    ("long string", "lipschitz-linear", "L", "1" * 999_000, "too long"),
    ("long expression", "trace-gradient", "df_dX", "A+" * 100_000 + "A", "too long"),
    ("\\def loop", "lipschitz-linear", "L", r"\def\a{\a}\a", "\\def"),
    ("\\def doubling", "trace-gradient", "df_dX", r"\def\x{\x\x}\x", "\\def"),
    ("\\newcommand", "lipschitz-linear", "L", r"\newcommand{\x}{\x\x}\x", "\\newcommand"),
    ("NaN text", "lipschitz-linear", "L", "NaN", "not a number"),
    ("inf text", "lipschitz-linear", "L", "inf", "not a number"),
    ("\\infty", "lipschitz-linear", "L", r"-\infty", "not a number"),
    ("0/0", "lipschitz-linear", "L", "0/0", ""),
    ("big matrix text", "branch-max-network", "dL_dW21", "[" + "1 " * 900 + "]", ""),
    ("huge matrix power", "branch-max-network", "dL_dW21", "[[1, 2], [3, 4]]^99999999999", ""),
    ("200,000-entry JSON matrix", "branch-max-network", "dL_dW21", [[0] * 1000] * 200, "too many entries"),
    ("100×100×30 JSON", "branch-max-network", "dL_dW21", [[[0] * 100] * 100] * 30, "too many entries"),
    ("many huge entries", "lipschitz-linear", "singular_values", ["9^9^9^9"] * 400, ""),
]

# (name, body bytes, content type, expected status, words the detail must contain)
RAW_BODIES = [
    ("10⁶-entry JSON matrix", json.dumps({"answers": {"L": [[0] * 1000] * 1000}}, separators=(",", ":")).encode(),
     "application/json", 413, "larger than"),
    ("1 MB string", json.dumps({"answers": {"L": "1" * 1_000_000}}).encode(), "application/json", 413, "larger than"),
    ("10 MB body", b'{"answers": {"L": "' + b"1" * 10_000_000 + b'"}}', "application/json", 413, "larger than"),
    ("1,000-deep JSON", b'{"answers": {"L": ' + b"[" * 1000 + b"]" * 1000 + b"}}", "application/json", 400,
     "nested"),
    ("1,000-deep object", b'{"a":' * 1000 + b"1" + b"}" * 1000, "application/json", 400, "nested"),
    ("invalid UTF-8", b'{"answers": {"L": "\xff\xfe1"}}', "application/json", 400, "UTF-8"),
    ("invalid UTF-8 key", b'{"answers": {"\xc3\x28": "1"}}', "application/json", 400, "UTF-8"),
    ("NaN literal", b'{"answers": {"L": NaN}}', "application/json", None, ""),
    ("Infinity literal", b'{"answers": {"L": -Infinity}}', "application/json", None, ""),
    ("not JSON", b"\x00\x01\x02", "application/json", None, ""),
    ("unpaired surrogate answer", b'{"answers": {"L": "\\ud800"}}', "application/json", None, ""),
    ("NUL in an answer", b'{"answers": {"L": "1\\u00002"}}', "application/json", None, ""),
    ("surrogate variant", b'{"variant": "\\udfff", "answers": {"L": 1}}', "application/json", 422, "surrogate"),
    ("401-digit integer answer", b'{"answers": {"L": 1' + b"0" * 400 + b'}}', "application/json", None, ""),
    ("401-digit variant", b'{"variant": 1' + b"0" * 400 + b', "answers": {"L": 1}}', "application/json", 422, ""),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = start_server(tmp_path_factory.mktemp("hostile"), workers=2,
                        env={"HWCHECK_RATE_LIMIT_PER_IP": "0", "HWCHECK_RATE_LIMIT_PER_TOKEN": "0"})
    yield live
    live.stop()


class Bystander(threading.Thread):
    """Another client, reading and grading honestly while the attack goes on."""

    def __init__(self, base: str):
        super().__init__(daemon=True)
        self.base = base
        self.stop = threading.Event()
        self.slowest = 0.0
        self.answered = 0
        self.failures: list[str] = []

    def run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=10) as client:
            while not self.stop.is_set():
                started = time.perf_counter()
                try:
                    graded = client.post("/api/grade/lipschitz-linear", json={"answers": {"L": "3*sqrt(5)"}})
                    listed = client.get("/api/problems")
                except httpx.HTTPError as error:
                    self.failures.append(repr(error))
                    continue
                self.slowest = max(self.slowest, time.perf_counter() - started)
                if graded.status_code != 200 or graded.json()["parts"][0]["status"] != "correct":
                    self.failures.append(graded.text[:200])
                if listed.status_code != 200:
                    self.failures.append(listed.text[:200])
                self.answered += 1


@pytest.fixture(scope="module")
def bystander(server):
    thread = Bystander(server.base)
    thread.start()
    yield thread
    thread.stop.set()
    thread.join(timeout=15)
    assert not thread.failures, thread.failures[:5]
    assert thread.answered > 0
    assert thread.slowest < 2 * BOUND, f"an honest client waited {thread.slowest:.2f} s"


@pytest.mark.parametrize(("name", "problem", "part", "answer", "words"), INVALID_ANSWERS,
                         ids=[case[0] for case in INVALID_ANSWERS])
def test_hostile_answer_is_invalid_with_a_message(server, bystander, name, problem, part, answer, words):
    started = time.perf_counter()
    response = httpx.post(f"{server.base}/api/grade/{problem}", json={"answers": {part: answer}}, timeout=30)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.text[:300]
    verdict = next(p for p in response.json()["parts"] if p["id"] == part)
    assert verdict["status"] in ("invalid", "incorrect"), verdict
    if verdict["status"] == "invalid":
        assert verdict["feedback"] and len(verdict["feedback"]) < 3000
    assert words in verdict["feedback"], verdict["feedback"][:300]
    assert elapsed < BOUND, f"{name}: {elapsed:.2f} s"


@pytest.mark.parametrize(("name", "body", "content_type", "status", "words"), RAW_BODIES,
                         ids=[case[0] for case in RAW_BODIES])
def test_hostile_body_is_refused_with_a_message(server, bystander, name, body, content_type, status, words):
    started = time.perf_counter()
    response = httpx.post(f"{server.base}/api/grade/lipschitz-linear", content=body,
                          headers={"Content-Type": content_type}, timeout=30)
    elapsed = time.perf_counter() - started
    assert response.status_code < 500, response.text[:300]
    if status is None:  # any clean refusal: a 4xx with a detail, or the part `invalid`
        if response.status_code == 200:
            assert response.json()["parts"][0]["status"] == "invalid"
        else:
            assert 400 <= response.status_code < 500 and response.json()["detail"]
    else:
        assert response.status_code == status, response.text[:300]
        assert words in json.dumps(response.json()["detail"]), response.text[:300]
    assert elapsed < BOUND + 1.0 * (len(body) > 5_000_000), f"{name}: {elapsed:.2f} s"


def test_hostile_preview_text(server, bystander):
    for text in ["__import__('os')", r"\def\a{\a}\a", "9^9^9^9", "(" * 999 + ")" * 999, "1" * 99_000]:
        started = time.perf_counter()
        response = httpx.post(f"{server.base}/api/preview", timeout=30,
                              json={"problem_id": "trace-gradient", "part_id": "df_dX", "text": text})
        assert response.status_code == 200, response.text[:300]
        assert response.json()["ok"] is False and response.json()["error"]["message"]
        assert time.perf_counter() - started < BOUND


def test_a_preview_that_would_expand_forever_is_read_but_not_expanded(server, bystander):
    """Issue 23: 19 anonymous characters took ~25 s of SymPy and returned 3.6 MB."""
    for text in ["(g1+g2+g3+beta2)^64", "(g1+g2+g3+beta2)^64^1", "1/(g1+g2+g3+beta2)^-64"]:
        started = time.perf_counter()
        response = httpx.post(f"{server.base}/api/preview", timeout=30,
                              json={"problem_id": "adam-bias-correction", "part_id": "v3_expr", "text": text})
        assert response.status_code == 200, response.text[:300]
        assert response.json()["ok"] is True and response.json()["canonical"] is None
        assert len(response.content) < 20_000
        assert time.perf_counter() - started < BOUND


def test_the_server_still_answers_after_the_attack(server, bystander):
    graded = httpx.post(f"{server.base}/api/grade/lipschitz-linear", json={"answers": {"L": "3*sqrt(5)"}})
    assert graded.status_code == 200 and graded.json()["parts"][0]["status"] == "correct"
    assert server.process.poll() is None
