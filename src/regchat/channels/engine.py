"""The answer engine as the channels see it: built once, on first use, with a
status the health check can report.

Building the engine opens the index and loads the embedding model, which takes
seconds; the server starts at once and builds it in the background (or on the
first question). When the index is missing the build fails with
``IndexNotReady``; every later call tries again, so running ``regchat ingest``
while the server is up is enough to bring it to life.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from regchat.documents import Answer
from regchat.errors import RegchatError
from regchat.settings import Settings

log = logging.getLogger("regchat.server")

#: Mainland China and Macao share one clock (UTC+8); "today" for a user is today there.
REGION_TZ = ZoneInfo("Asia/Shanghai")


def today_in_region() -> dt.date:
    """The calendar date in China and Macao right now (the edges' clock)."""
    return dt.datetime.now(REGION_TZ).date()


class AnswerEngine(Protocol):
    """What the channels need from ``regchat.answering.Engine``."""

    def answer(self, question: str, history: Sequence[dict] = (), today: dt.date | None = None) -> Answer: ...

    def stream(
        self, question: str, history: Sequence[dict] = (), today: dt.date | None = None
    ) -> Iterator[str | Answer]: ...


def _build_engine(settings: Settings) -> AnswerEngine:
    from regchat.answering import get_engine

    return get_engine(settings)


class LazyEngine:
    """An ``AnswerEngine`` that builds the real one on first use.

    ``factory`` builds the engine from the settings (default:
    ``regchat.answering.get_engine``); pass ``engine`` to use a ready one.
    Thread-safe: concurrent first requests wait for one build.
    """

    def __init__(
        self,
        settings: Settings,
        engine: AnswerEngine | None = None,
        factory: Callable[[Settings], AnswerEngine] = _build_engine,
    ):
        self.settings = settings
        self._engine = engine
        self._factory = factory
        self._lock = threading.Lock()
        self._error: RegchatError | None = None
        self.build_seconds: float | None = None

    @property
    def ready(self) -> bool:
        return self._engine is not None

    def get(self) -> AnswerEngine:
        """The engine, building it if needed. Raises ``IndexNotReady`` or another ``RegchatError``."""
        if self._engine is not None:
            return self._engine
        with self._lock:
            if self._engine is None:
                started = time.perf_counter()
                retrying = self._error is not None  # log a failure once, not on every retry
                if not retrying:
                    log.info("building the answer engine (index %s, %s mode)", self._index_location(),
                             self.settings.mode)
                try:
                    engine = self._factory(self.settings)
                except RegchatError as exc:
                    if not retrying or str(exc) != str(self._error):
                        log.warning("answer engine not available: %s", exc)
                    self._error = exc
                    raise
                self.build_seconds = time.perf_counter() - started
                self._engine, self._error = engine, None
                log.info("answer engine ready in %.1f s", self.build_seconds)
        return self._engine

    def warm_up(self) -> threading.Thread:
        """Build the engine in a background thread (errors are logged and kept for ``status``)."""

        def run() -> None:
            try:
                self.get()
            except RegchatError:
                pass  # already logged; status() reports it and the next request retries
            except Exception:  # noqa: BLE001 - a thread must not die silently
                log.exception("building the answer engine failed")

        thread = threading.Thread(target=run, name="regchat-warm-up", daemon=True)
        thread.start()
        return thread

    def status(self) -> dict[str, Any]:
        """Index status for the health check; tries a build when none has succeeded yet."""
        try:
            self.get()
        except RegchatError as exc:
            return {"ready": False, "location": self._index_location(), "error": str(exc)}
        except Exception as exc:  # noqa: BLE001 - the health check reports, it does not crash
            log.exception("building the answer engine failed")
            return {"ready": False, "location": self._index_location(), "error": f"{type(exc).__name__}: {exc}"}
        return {"ready": True, "location": self._index_location(), "build_seconds": self.build_seconds}

    def answer(self, question: str, history: Sequence[dict] = (), today: dt.date | None = None) -> Answer:
        return self.get().answer(question, history=history, today=today)

    def stream(
        self, question: str, history: Sequence[dict] = (), today: dt.date | None = None
    ) -> Iterator[str | Answer]:
        return self.get().stream(question, history=history, today=today)

    def _index_location(self) -> str:
        s = self.settings
        if s.chroma_host:
            return f"chroma server {s.chroma_host}:{s.chroma_port}, collection {s.collection!r}"
        return f"{s.chroma_path}, collection {s.collection!r}"
