"""A server's background loops (the LTI score sender, the batch assembler): a daemon thread that
runs one round every few seconds until stopped — started and stopped by the app's lifespan, which
may run more than once (the tests restart an app)."""

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
