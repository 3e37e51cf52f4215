"""The batch job queue on Redis, by Dramatiq: one message per chunk of a queued job
(service/batch/chunks.py). `hwcheck worker` processes on any machine (with the same database and
Redis) take them; the API server only enqueues, and its assembler (service/batch/assembler.py)
writes the outputs once every chunk is in.

Dramatiq's Redis broker keeps each message a worker took until that worker acknowledges it; a
worker that stops beating for HWCHECK_WORKER_HEARTBEAT_SECONDS (kill -9, a lost machine) has its
messages put back for the others. A chunk graded twice that way is committed once (chunks.py)."""

from __future__ import annotations

import dramatiq
from dramatiq.brokers.redis import RedisBroker

from service.batch.chunk_task import grade_queued_chunk
from service.settings import Settings

QUEUE = "hwcheck-batch"
# A worker's consumer asks Redis every few hundred milliseconds; one ask in ten also looks for
# dead workers (Dramatiq's default, one in a thousand, left a killed worker's chunks for minutes).
MAINTENANCE_CHANCE = 100_000
CHUNK_TIME_LIMIT_MS = 30 * 60 * 1000  # a chunk is seconds of grading; this only stops a runaway


def make_broker(settings: Settings) -> RedisBroker:
    if not settings.redis_url:
        raise RuntimeError("the batch queue needs HWCHECK_REDIS_URL (e.g. redis://127.0.0.1:6379/0)")
    return RedisBroker(url=settings.redis_url, namespace=settings.queue_namespace,
                       heartbeat_timeout=int(settings.worker_heartbeat_seconds * 1000),
                       maintenance_chance=MAINTENANCE_CHANCE)


def declare(broker: RedisBroker) -> dramatiq.Actor:
    """The chunk actor on this broker (the API server sends with it; workers run it)."""
    return dramatiq.actor(grade_queued_chunk, broker=broker, actor_name="grade_chunk", queue_name=QUEUE,
                          time_limit=CHUNK_TIME_LIMIT_MS, max_retries=20, min_backoff=1000, max_backoff=60_000)


class Queue:
    """The API server's side: send a job's chunks."""

    def __init__(self, settings: Settings):
        self.broker = make_broker(settings)
        self.actor = declare(self.broker)

    def send(self, job_id: str, numbers: list[int]) -> None:
        for number in numbers:
            self.actor.send(job_id, number)

    def close(self) -> None:
        self.broker.close()
