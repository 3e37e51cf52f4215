"""The job queue on Redis, by Dramatiq. Its messages: one per chunk of a queued batch job
(service/batch/chunks.py), one per API regrade, and "send the LTI scores that are due"
(service/batch/tasks.py runs each). `hwcheck worker` processes on any machine (with the same
database and Redis) take them; the API server only enqueues, and its assembler
(service/batch/assembler.py) writes a batch job's outputs as its chunks are graded.

Dramatiq's Redis broker keeps each message a worker took until that worker acknowledges it; a
worker that stops beating for HWCHECK_WORKER_HEARTBEAT_SECONDS (kill -9, a lost machine) has its
messages put back for the others. A chunk graded twice that way is committed once (chunks.py)."""

from __future__ import annotations

from dataclasses import dataclass

import dramatiq
from dramatiq.brokers.redis import RedisBroker

from service.batch import tasks
from service.settings import Settings

QUEUE = "hwcheck-batch"
# A worker's consumer asks Redis every few hundred milliseconds; one ask in ten also looks for
# dead workers (Dramatiq's default, one in a thousand, left a killed worker's chunks for minutes).
MAINTENANCE_CHANCE = 100_000
TIME_LIMIT_MS = 30 * 60 * 1000  # a chunk is seconds of grading; this only stops a runaway
SCORES_PENDING_SECONDS = 120  # a "send scores" message not begun by then (its worker died) is sent again


def make_broker(settings: Settings) -> RedisBroker:
    if not settings.redis_url:
        raise RuntimeError("the job queue needs HWCHECK_REDIS_URL (e.g. redis://127.0.0.1:6379/0)")
    return RedisBroker(url=settings.redis_url, namespace=settings.queue_namespace,
                       heartbeat_timeout=int(settings.worker_heartbeat_seconds * 1000),
                       maintenance_chance=MAINTENANCE_CHANCE)


@dataclass(frozen=True)
class Actors:
    grade_chunk: dramatiq.Actor
    regrade: dramatiq.Actor
    send_scores: dramatiq.Actor


def declare(broker: RedisBroker) -> Actors:
    """The queue's actors on this broker (the API server sends with them; workers run them)."""
    def actor(task, name: str) -> dramatiq.Actor:
        return dramatiq.actor(task, broker=broker, actor_name=name, queue_name=QUEUE, time_limit=TIME_LIMIT_MS,
                              max_retries=20, min_backoff=1000, max_backoff=60_000)

    return Actors(grade_chunk=actor(tasks.grade_queued_chunk, "grade_chunk"),
                  regrade=actor(tasks.regrade_queued, "regrade"),
                  send_scores=actor(tasks.send_lti_scores, "send_lti_scores"))


class Queue:
    """The API server's side: send messages."""

    def __init__(self, settings: Settings):
        self.broker = make_broker(settings)
        self.actors = declare(self.broker)
        self._scores_flag = f"{settings.queue_namespace}:lti-scores-pending"

    def send(self, job_id: str, numbers: list[int]) -> None:
        for number in numbers:
            self.actors.grade_chunk.send(job_id, number)

    def send_regrade(self, job_id: str) -> None:
        self.actors.regrade.send(job_id)

    def send_scores(self) -> bool:
        """Ask a worker to send the due LTI scores, unless a message asking it waits already
        (the server looks every second; one message is enough); whether one was sent."""
        if not self.broker.client.set(self._scores_flag, "1", nx=True, ex=SCORES_PENDING_SECONDS):
            return False
        self.actors.send_scores.send(self._scores_flag)
        return True

    def close(self) -> None:
        self.broker.close()
