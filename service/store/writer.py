"""Group commit: the gradings of many requests written by one thread, in one transaction.

Under load a request's own INSERT and COMMIT cost more than its grading (bench/RESULTS-http.md):
a worker thread to hand the work to, a connection to check out, a commit each (on PostgreSQL a
WAL flush each), and on SQLite a queue for the one writer's lock. So async routes hand their
row to this writer and wait: its thread takes every row waiting, writes them in one
transaction, commits once, and only then answers each request with its row's id. A request
is still answered only after its row is committed — an acknowledged grading is never lost —
and a row that fails (a unique constraint, a bad value) fails alone: the batch is written
again one row at a time, so only that row's request sees the error. When the database itself
fails, every request of the batch gets its error at once.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.sql import Executable

from service.store.db import sqlite_write_lock

log = logging.getLogger("hwcheck.writer")

# Rows written per transaction at most: enough that a commit is shared by every request in
# flight (one per connection), few enough that one transaction stays short.
MAX_BATCH = 256


@dataclass
class _Write:
    statement: Executable
    values: Mapping[str, Any]
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future
    then: Sequence[tuple[Executable, Mapping[str, Any]]] = ()


_STOP = object()


class Writer:
    """One per engine (app.state.writer); its thread starts with the first write."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    async def write(self, statement: Executable, values: Mapping[str, Any],
                    then: Sequence[tuple[Executable, Mapping[str, Any]]] = ()) -> Any:
        """Execute `statement` — an INSERT … RETURNING one column, with `sort_by_parameter_order=True`
        so that rows written together get their own values back — with `values`, committed;
        its returned value. The statements of `then` run in the same transaction (a row that
        must exist exactly when this one does: the LTI score outbox's)."""
        self._ensure_started()
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._queue.put(_Write(statement, values, loop, future, then))
        # Shielded: a client that hangs up does not take back a row already on its way in.
        return await asyncio.shield(future)

    def close(self) -> None:
        """Write what is queued, then stop the thread (the app's shutdown, after in-flight requests)."""
        with self._start_lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(_STOP)
            thread.join()

    def _ensure_started(self) -> None:
        if self._thread is None:
            with self._start_lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="hwcheck-writer", daemon=True)
                    self._thread.start()

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is _STOP:
                return
            batch = [first]
            stop = False
            while len(batch) < MAX_BATCH:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    stop = True
                    break
                batch.append(item)
            self._write(batch)
            if stop:
                return

    def _write(self, batch: list[_Write]) -> None:
        try:
            outcomes = self._transaction(batch)
        except (OperationalError, InterfaceError) as error:
            # The database itself failed (down, unreachable, out of disk): no row would fare
            # better alone, and trying each would keep every request waiting that much longer.
            outcomes = [error] * len(batch)
        except Exception as error:
            # A row the database or its driver refused (a unique constraint, a value it cannot
            # hold, text it cannot encode); which one is not known: each on its own, so only
            # that one fails.
            outcomes = [error] if len(batch) == 1 else [self._alone(item) for item in batch]
        for item, outcome in zip(batch, outcomes):
            _answer(item, outcome)

    def _alone(self, item: _Write) -> Any:
        try:
            return self._transaction([item])[0]
        except Exception as error:  # handed to the request that sent this row
            return error

    def _transaction(self, batch: list[_Write]) -> list[Any]:
        lock = sqlite_write_lock(self.engine)  # SQLite: queue with this process's other writers
        if lock is not None:
            lock.acquire()
        try:
            with self.engine.begin() as connection:
                values = [value for group in _alike(batch) for value in _execute(connection, group)]
                for item in batch:
                    for statement, parameters in item.then:
                        connection.execute(statement, parameters)
                return values
        finally:
            if lock is not None:
                lock.release()


def _alike(batch: list[_Write]) -> list[list[_Write]]:
    """Runs of the same statement with the same columns, in order: each can go as one."""
    groups: list[list[_Write]] = []
    for item in batch:
        last = groups[-1][0] if groups else None
        if last is not None and last.statement is item.statement and last.values.keys() == item.values.keys():
            groups[-1].append(item)
        else:
            groups.append([item])
    return groups


def _execute(connection: Connection, group: list[_Write]) -> list[Any]:
    if len(group) == 1:
        return [connection.execute(group[0].statement, group[0].values).scalar()]
    # Several rows in one INSERT … VALUES (…), (…) RETURNING (SQLAlchemy's "insertmanyvalues"):
    # executing them one by one was most of the writer's CPU. The statement must return its
    # rows in the order of the parameters (`sort_by_parameter_order=True`).
    return connection.execute(group[0].statement, [item.values for item in group]).scalars().all()


def _answer(item: _Write, outcome: Any) -> None:
    def deliver() -> None:
        if item.future.done():
            return
        if isinstance(outcome, BaseException):
            item.future.set_exception(outcome)
        else:
            item.future.set_result(outcome)

    try:
        item.loop.call_soon_threadsafe(deliver)
    except RuntimeError:  # that loop is closed: nobody is waiting any more (the row is written)
        log.warning("a grading was written after its request's event loop had closed")
