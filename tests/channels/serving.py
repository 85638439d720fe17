"""Helpers for the server tests: a scripted answer engine (it stands in for the
engine's choices only) and a real uvicorn server on a free loopback port."""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from regchat.documents import Answer, Citation, Deadline


class ScriptedEngine:
    """Answers with a queued ``Answer`` (or raises a queued exception), streaming its text in
    pieces, and records every call."""

    def __init__(self, *answers: Answer | BaseException):
        self.queue = list(answers)
        self.calls: list[dict] = []

    def _next(self, question, history, today) -> Answer:
        self.calls.append({"question": question, "history": list(history), "today": today})
        item = self.queue.pop(0) if len(self.queue) > 1 else self.queue[0]
        if isinstance(item, BaseException):
            raise item
        return item

    def answer(self, question, history=(), today=None) -> Answer:
        return self._next(question, history, today)

    def stream(self, question, history=(), today=None) -> Iterator[str | Answer]:
        answer = self._next(question, history, today)
        words = answer.text.split(" ")
        for i, word in enumerate(words):
            yield word if i == 0 else " " + word
        yield answer


def z_visa_answer() -> Answer:
    """A fully dressed answer: citation with quote, one deadline with steps."""
    citation = Citation(
        doc_id="cn-foreigner-entry-exit-regulations",
        article=15,
        label="Administrative Regulations on Entry and Exit of Foreigners, Art. 15",
        quote="Foreigners holding work-type visas shall apply for residence permits within 30 days of entry.",
    )
    return Answer(
        text="Apply for the residence permit by 2026-04-01 (Wednesday), within 30 days of entry "
        "[Administrative Regulations on Entry and Exit of Foreigners, Art. 15].",
        citations=[citation],
        deadlines=[
            Deadline(
                date=dt.date(2026, 4, 1),
                weekday="Wednesday",
                is_working_day=True,
                kind="residence permit application",
                citation=citation,
                steps=["Entry: 2026-03-02", "2026-03-02 + 30 days = 2026-04-01"],
            )
        ],
    )


@contextmanager
def live_server(app) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free loopback port; yields the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()
