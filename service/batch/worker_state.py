"""The module Dramatiq's worker imports (`hwcheck worker` runs `dramatiq service.batch.worker_state`):
the broker from the settings, with the chunk actor (service/batch/chunk_task.py) declared on it."""

from __future__ import annotations

import dramatiq

from service.batch.queue import declare, make_broker
from service.settings import get_settings


def _setup() -> dramatiq.Actor:
    broker = make_broker(get_settings())
    dramatiq.set_broker(broker)
    return declare(broker)


grade_chunk = _setup()
