"""What a `hwcheck worker` process opens once: its database sessions, and its broker with the
chunk actor declared — the module Dramatiq's worker imports (`service.batch.worker_state`)."""

from __future__ import annotations

from functools import lru_cache

import dramatiq
from sqlalchemy.orm import Session, sessionmaker

from service.batch.queue import declare, make_broker
from service.settings import get_settings


@lru_cache
def sessions() -> sessionmaker[Session]:
    from service.store.db import make_engine, make_sessionmaker

    return make_sessionmaker(make_engine(get_settings().effective_database_url))


def _setup() -> dramatiq.Actor:
    broker = make_broker(get_settings())
    dramatiq.set_broker(broker)
    return declare(broker)


grade_chunk = _setup()
