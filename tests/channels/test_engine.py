"""The engine as the server holds it: built once, on first use; retried until an index exists."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest

from regchat.channels.engine import LazyEngine, today_in_region
from regchat.errors import IndexNotReady
from regchat.settings import Settings

from serving import ScriptedEngine, z_visa_answer


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(llm="offline", data_dir=tmp_path)


def test_concurrent_first_requests_build_the_engine_once(settings):
    builds = []

    def factory(settings):
        builds.append(threading.current_thread().name)
        time.sleep(0.2)
        return ScriptedEngine(z_visa_answer())

    lazy = LazyEngine(settings, factory=factory)
    threads = [threading.Thread(target=lazy.answer, args=("When?",)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(builds) == 1
    assert lazy.ready and lazy.build_seconds >= 0.2


def test_a_missing_index_is_retried_on_the_next_call(settings):
    index_built = False

    def factory(settings):
        if not index_built:
            raise IndexNotReady("no index yet")
        return ScriptedEngine(z_visa_answer())

    lazy = LazyEngine(settings, factory=factory)
    with pytest.raises(IndexNotReady):
        lazy.answer("When?")
    assert lazy.status() == {"ready": False, "location": f"{settings.chroma_path}, collection 'regchat'",
                             "error": "no index yet"}
    index_built = True  # someone ran `regchat ingest`
    assert lazy.answer("When?").deadlines[0].date == dt.date(2026, 4, 1)
    assert lazy.status()["ready"] is True


def test_status_reports_an_unexpected_build_failure_instead_of_raising(settings):
    def factory(settings):
        raise OSError("disk on fire")

    assert LazyEngine(settings, factory=factory).status()["error"] == "OSError: disk on fire"


def test_warm_up_builds_in_the_background(settings):
    lazy = LazyEngine(settings, factory=lambda s: ScriptedEngine(z_visa_answer()))
    lazy.warm_up().join(timeout=10)
    assert lazy.ready


def test_today_is_the_date_in_china():
    # UTC+8 all year: it is never behind the UTC date, and at most one day ahead.
    utc = dt.datetime.now(dt.timezone.utc).date()
    assert today_in_region() - utc in (dt.timedelta(0), dt.timedelta(days=1))
