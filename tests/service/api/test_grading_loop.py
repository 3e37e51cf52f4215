"""Which gradings the async route does on its event loop and which it hands to a worker thread
(service/grading.py): short answers on the loop, expressions longer than LOOP_EXPRESSION_CHARS
in all in a thread, so that one of them never holds up the other requests."""

from __future__ import annotations

import anyio
import pytest
from service_helpers import count_calls

from problems import registry
from service import grading
from service.grading import LOOP_EXPRESSION_CHARS, grade_soon, quick

GRADIENT = registry.PROBLEMS["quadratic-form-gradient"]  # two expression parts, df_dx and df_dA
NUMBERS = registry.PROBLEMS["lipschitz-linear"]


def long_sum(n: int) -> str:
    return ("+".join(["x^T A"] * n))[:n]


@pytest.mark.parametrize("answers,on_loop", [
    ({"df_dx": "x^T (A + A^T)"}, True),
    ({"df_dx": long_sum(LOOP_EXPRESSION_CHARS)}, True),
    ({"df_dx": long_sum(LOOP_EXPRESSION_CHARS + 1)}, False),
    # The limit is on all expression answers together.
    ({"df_dx": long_sum(LOOP_EXPRESSION_CHARS // 2), "df_dA": long_sum(LOOP_EXPRESSION_CHARS // 2)}, True),
    ({"df_dx": long_sum(LOOP_EXPRESSION_CHARS // 2), "df_dA": long_sum(LOOP_EXPRESSION_CHARS // 2 + 1)}, False),
    ({"df_dx": 3}, True),            # not text: refused at once
    ({"df_dx": [1, 2]}, True),
    ({}, True),
])
def test_expressions_are_graded_on_the_loop_when_short(answers, on_loop):
    assert quick(GRADIENT, answers) is on_loop


def test_numbers_are_always_graded_on_the_loop():
    assert quick(NUMBERS, {"L": "-" * 1990 + "1"})


@pytest.mark.parametrize("length,threads", [(20, 0), (LOOP_EXPRESSION_CHARS + 1, 1)])
def test_a_long_expression_goes_to_a_worker_thread(monkeypatch, length, threads):
    handed = count_calls(monkeypatch, grading, "run_in_threadpool")
    result = anyio.run(grade_soon, GRADIENT, "default", {"df_dx": long_sum(length)})
    assert len(handed) == threads
    graded = {part.id: part.status for part in result.parts}
    assert graded["df_dx"] in ("incorrect", "invalid") and graded["df_dA"] == "missing"
