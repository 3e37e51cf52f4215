"""The group-committing writer (service/store/writer.py): rows waiting together share a commit, each
request gets its own row's id only once committed, a bad row fails alone, a request that goes
away does not take its row back, and closing writes what is queued."""

from __future__ import annotations

import asyncio
import threading

import pytest
from service_helpers import fresh_settings
from sqlalchemy import Column, Integer, MetaData, String, Table, event, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError

from service.store.db import make_engine
from service.store.writer import Writer

metadata = MetaData()
names = Table("names", metadata, Column("id", Integer, primary_key=True), Column("name", String, unique=True))
INSERT = insert(names).returning(names.c.id, sort_by_parameter_order=True)


@pytest.fixture
def engine(tmp_path):
    # SQLite, or the PostgreSQL of HWCHECK_TEST_DATABASE_URL (its schema made empty first).
    engine = make_engine(fresh_settings(tmp_path, "unused").effective_database_url)
    metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def writer(engine):
    writer = Writer(engine)
    yield writer
    writer.close()


def count_commits(engine) -> list[int]:
    commits = []
    event.listen(engine, "commit", lambda connection: commits.append(1))
    return commits


def stored(engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {name: id_ for id_, name in connection.execute(select(names.c.id, names.c.name))}


class Held:
    """Holds the writer's next transaction back until released (as a lock held by another
    writer would), so the rows queued meanwhile meet in one batch."""

    def __init__(self, writer: Writer):
        self.gate = threading.Event()
        transaction = writer._transaction

        def held_transaction(batch):
            self.gate.wait(30)
            return transaction(batch)

        writer._transaction = held_transaction

    def release(self) -> None:
        self.gate.set()


async def write_while_held(engine, writer, rows: list[str]) -> list:
    """Queue every row while the writer is held, so they meet in a batch."""
    held = Held(writer)
    try:
        tasks = [asyncio.ensure_future(writer.write(INSERT, {"name": name})) for name in rows]
        await asyncio.sleep(0.2)  # every write is queued, the first batch is held
    finally:
        held.release()
    # A bound, so a writer that never answers fails the test instead of hanging it.
    return await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 30)


def test_rows_waiting_together_share_one_commit_and_each_gets_its_own_id(engine, writer):
    commits = count_commits(engine)
    rows = [f"student {i}" for i in range(60)]
    ids = asyncio.run(write_while_held(engine, writer, rows))
    assert stored(engine) == dict(zip(rows, ids))  # committed, and each id is its own row's
    # The first row may have gone alone, before the rest were queued; the rest went together.
    assert 1 <= len(commits) <= 2
    assert ids == sorted(ids)  # several rows in one statement: each got its own id back, in order


def test_a_row_that_fails_fails_alone(engine, writer):
    outcomes = asyncio.run(write_while_held(engine, writer, ["a", "b", "a", "c"]))
    assert isinstance(outcomes[2], IntegrityError)
    assert stored(engine) == {"a": outcomes[0], "b": outcomes[1], "c": outcomes[3]}


def test_a_request_that_goes_away_still_has_its_row_written(engine, writer):
    async def scenario():
        held = Held(writer)
        try:
            task = asyncio.ensure_future(writer.write(INSERT, {"name": "left early"}))
            await asyncio.sleep(0.1)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        finally:
            held.release()
        # The row was already on its way in: it is written, and a later write is answered.
        return await writer.write(INSERT, {"name": "after"})

    after = asyncio.run(scenario())
    assert set(stored(engine)) == {"left early", "after"} and stored(engine)["after"] == after


def test_close_writes_what_is_queued_then_stops(engine):
    writer = Writer(engine)
    written = []
    before = set(threading.enumerate())  # other tests' apps may have writers of their own

    async def queue_then_close():
        held = Held(writer)
        tasks = [asyncio.ensure_future(writer.write(INSERT, {"name": f"n{i}"})) for i in range(5)]
        await asyncio.sleep(0.1)
        closer = threading.Thread(target=writer.close)
        closer.start()  # waits for the writer, which is held
        held.release()
        written.extend(await asyncio.gather(*tasks))
        await asyncio.to_thread(closer.join, 10)
        return closer.is_alive()

    still_closing = asyncio.run(queue_then_close())
    assert not still_closing
    assert sorted(stored(engine)) == [f"n{i}" for i in range(5)] and len(set(written)) == 5
    assert not [t for t in set(threading.enumerate()) - before if t.name == "hwcheck-writer"]


def test_an_error_reaches_the_request_that_sent_the_row(engine, writer):
    async def scenario():
        await writer.write(INSERT, {"name": "taken"})
        return await writer.write(INSERT, {"name": "taken"})

    with pytest.raises(IntegrityError):
        asyncio.run(scenario())
    assert list(stored(engine)) == ["taken"]


def test_when_the_database_fails_the_whole_batch_is_told_at_once(engine, writer):
    """Not one row at a time: each would wait for the same failure again."""
    tries = []

    def down(batch):
        tries.append(len(batch))
        raise OperationalError("INSERT", {}, Exception("the database is down"))

    writer._transaction = down
    outcomes = asyncio.run(write_while_held(engine, writer, ["a", "b", "c", "d"]))
    assert all(isinstance(o, OperationalError) for o in outcomes)
    assert sum(tries) == 4 and len(tries) <= 2  # the first row may have gone alone


def test_a_row_the_driver_cannot_encode_fails_alone(engine, writer):
    """An unpaired surrogate reaching the database (if anything upstream let one through) is that
    row's failure, not a database failure: its neighbours in the batch are written."""
    outcomes = asyncio.run(write_while_held(engine, writer, ["a", "b\ud800", "c", "d"]))
    assert isinstance(outcomes[1], Exception)
    assert stored(engine) == {"a": outcomes[0], "c": outcomes[2], "d": outcomes[3]}
