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


def _fresh_engine(settings: Settings) -> AnswerEngine:
    """An engine over the index version active now (not the process-wide cached one)."""
    from regchat.answering import Engine
    from regchat.retrieval import open_retriever

    return Engine(open_retriever(settings), settings, clock=dt.date.today)


def _active_version(settings: Settings) -> str | None:
    from regchat.index import active_version

    return active_version(settings)


def engine_version(engine: AnswerEngine) -> str | None:
    """The index version an engine answers from (None when it does not say)."""
    handle = getattr(getattr(engine, "retriever", None), "handle", None)
    return getattr(handle, "name", None)


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
        *,
        check_every: float = 10.0,
        rebuild: Callable[[Settings], AnswerEngine] | None = None,
        index_version: Callable[[Settings], str | None] = _active_version,
    ):
        self.settings = settings
        self._engine = engine
        self._factory = factory
        self._lock = threading.Lock()
        self._error: RegchatError | None = None
        self.build_seconds: float | None = None
        # Switching to a new index version: checked at most every ``check_every`` seconds, in
        # the background; the new engine replaces the old one only once it is built.
        self.check_every = check_every
        self._rebuild = rebuild or (factory if factory is not _build_engine else _fresh_engine)
        self._index_version = index_version
        self._checked_at = time.monotonic()
        self._switching = threading.Lock()

    @property
    def ready(self) -> bool:
        return self._engine is not None

    def get(self) -> AnswerEngine:
        """The engine, building it if needed. Raises ``IndexNotReady`` or another ``RegchatError``."""
        if self._engine is not None:
            self._maybe_switch()
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

    def _maybe_switch(self) -> None:
        """Start a background check for a newer index version, when one is due."""
        if time.monotonic() - self._checked_at < self.check_every or engine_version(self._engine) is None:
            return
        if not self._switching.acquire(blocking=False):
            return  # a check is running
        self._checked_at = time.monotonic()
        threading.Thread(target=self._switch, name="regchat-index-switch", daemon=True).start()

    def _switch(self) -> None:
        try:
            current = engine_version(self._engine)
            latest = self._index_version(self.settings)
            if latest is None or latest == current:
                return
            log.info("index version %s is live; building an engine over it", latest)
            engine = self._rebuild(self.settings)
            self._engine = engine  # one assignment: every request sees the old engine or the new one
            log.info("now answering from index version %s (was %s)", engine_version(engine), current)
        except RegchatError as exc:
            log.warning("index switch: %s", exc)
        except Exception:  # noqa: BLE001 - a background thread must not die silently
            log.exception("index switch failed")
        finally:
            self._checked_at = time.monotonic()
            self._switching.release()

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
