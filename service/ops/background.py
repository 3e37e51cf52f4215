"""A server's background loops (the LTI score sender, the batch assembler): a daemon thread that
runs one round every few seconds until stopped — started and stopped by the app's lifespan, which
may run more than once (the tests restart an app); and what ends a process the server started
once the server is gone (`exit_when_gone`)."""

from __future__ import annotations

import logging
import threading

log = logging.getLogger("hwcheck")


class Poller:
    """Subclasses say what a round is (`round`) and how long to wait between rounds (`interval`)."""

    name = "hwcheck-poller"

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def interval(self) -> float:
        raise NotImplementedError

    def round(self) -> None:
        raise NotImplementedError

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=60)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self.interval()):
            try:
                self.round()
            except Exception:  # a database hiccup: the next round tries again, nothing is lost
                log.exception("%s failed a round", self.name)


def exit_when_gone(owner: int) -> None:
    """In a process the server started (a batch's grading processes, a job's output writer): exit
    when the server is gone. After a kill -9 of the server its grading processes were orphaned,
    blocked on their queue, forever."""
    import os
    import time

    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(owner, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:  # the pid was reused by someone else's process: ours is gone
                os._exit(1)

    threading.Thread(target=watch, daemon=True, name="owner-watch").start()
