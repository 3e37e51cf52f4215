"""The module Dramatiq's worker imports (`hwcheck worker` runs `dramatiq service.batch.worker_state`):
the broker from the settings, with the queue's actors (service/batch/tasks.py) declared on it,
and the grader imported before the first message."""

from __future__ import annotations

import dramatiq

from service.batch.queue import Actors, declare, make_broker
from service.batch.run import warm_up
from service.settings import get_settings


def _setup() -> Actors:
    broker = make_broker(get_settings())
    dramatiq.set_broker(broker)
    warm_up()
    return declare(broker)


actors = _setup()
