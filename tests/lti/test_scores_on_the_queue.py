"""With the job queue, the LTI scores are sent by a `hwcheck worker`, not by the API server: the
server sees a score is due and enqueues one "send scores" message (not one a second); the
worker sends it to the real platform (tests/lti/lms.py) with the same fields as ever."""

from __future__ import annotations

import time

import pytest
from queueing import Worker, queue_env, redis_or_skip
from sqlalchemy import select
from test_scores import RIGHT, arrived_from_lms, course_with_hw1, submit, wait_for

from service.store.models import LtiScoreOutbox

pytestmark = pytest.mark.e2e


@pytest.fixture
def queue():
    return queue_env(redis_or_skip())


@pytest.fixture
def tool_settings(tool_settings, queue):
    return tool_settings.model_copy(update={"redis_url": queue["HWCHECK_REDIS_URL"],
                                            "queue_namespace": queue["HWCHECK_QUEUE_NAMESPACE"]})


def test_a_worker_sends_the_score_the_server_only_enqueues(tmp_path, hwcheck, lms, tool_settings, queue):
    course_with_hw1(hwcheck, lms)
    ada = arrived_from_lms(hwcheck, lms, "ada")
    submit(hwcheck, ada, RIGHT)
    time.sleep(2.5)  # two rounds of the server's sender, and more
    assert lms.scores == []  # no worker yet: nothing was sent
    waiting = hwcheck.app.state.batch_queue.broker.client.llen(f"{queue['HWCHECK_QUEUE_NAMESPACE']}:hwcheck-batch")
    assert waiting == 1  # one message, however many rounds saw the score due

    worker = Worker(tmp_path, {**queue, "HWCHECK_DATABASE_URL": tool_settings.effective_database_url}, "worker")
    try:
        (score,) = wait_for(lambda: lms.scores, seconds=60)
    finally:
        worker.stop()
    assert (score["userId"], score["scoreGiven"], score["scoreMaximum"]) == ("lms-user-ada", 10.0, 10)
    with hwcheck.app.state.sessionmaker() as session:
        sent = session.scalars(select(LtiScoreOutbox.sent_at)).all()
    assert sent and None not in sent  # the outbox knows it went
