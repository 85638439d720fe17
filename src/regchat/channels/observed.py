"""The answer engine as one channel hands it out: each answer gets an id and is kept
for feedback, timed and counted for the metrics, and logged (the question itself
only with ``REGCHAT_LOG_QUESTIONS=1``).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterator, Sequence
from typing import Any

from regchat.documents import Answer
from regchat.feedback import FeedbackStore
from regchat.metrics import Metrics

log = logging.getLogger("regchat.answers")


def index_info(engine: Any) -> dict[str, Any] | None:
    """Version and size of the index behind a built engine; ``None`` before it is built (never builds it)."""
    if not getattr(engine, "ready", True):
        return None
    inner = engine._engine if hasattr(engine, "_engine") else engine  # LazyEngine: its built engine
    handle = getattr(getattr(inner, "retriever", None), "handle", None)
    if handle is None:
        return None
    return {
        "version": getattr(handle, "name", None),
        "embedder": getattr(handle, "embedder_spec", None),
        "provisions": len(getattr(handle, "provisions", []) or []),
        "documents": len(getattr(handle, "documents", {}) or {}),
    }


class ChannelEngine:
    """Wraps an ``AnswerEngine`` (usually the ``LazyEngine``) for the channel ``channel``;
    anything else (``get``, ``status``, ``ready``) is the wrapped engine's."""

    def __init__(self, engine: Any, channel: str, *, feedback: FeedbackStore | None = None,
                 metrics: Metrics | None = None, log_questions: bool = False):
        self.engine, self.channel = engine, channel
        self.feedback, self.metrics, self.log_questions = feedback, metrics, log_questions

    def __getattr__(self, name: str) -> Any:
        return getattr(self.engine, name)

    def answer(self, question: str, history: Sequence[dict] = (), today: dt.date | None = None) -> Answer:
        started = time.perf_counter()
        try:
            answer = self.engine.answer(question, history=history, today=today)
        except Exception as exc:
            self._failed(exc)
            raise
        return self._done(question, history, today, answer, started)

    def stream(self, question: str, history: Sequence[dict] = (), today: dt.date | None = None
               ) -> Iterator[str | Answer]:
        started = time.perf_counter()
        try:
            for item in self.engine.stream(question, history=history, today=today):
                yield self._done(question, history, today, item, started) if isinstance(item, Answer) else item
        except Exception as exc:
            self._failed(exc)
            raise

    def _failed(self, exc: Exception) -> None:
        if self.metrics is not None:
            self.metrics.observe_error(exc, channel=self.channel)

    def _done(self, question: str, history: Sequence[dict], today: dt.date | None, answer: Answer,
              started: float) -> Answer:
        seconds = time.perf_counter() - started
        if self.feedback is not None:
            answer = self.feedback.remember(question, history, answer, channel=self.channel, today=today)
        outcome = self.metrics.observe(answer, channel=self.channel, seconds=seconds) if self.metrics else None
        fields = {"channel": self.channel, "answer_id": answer.id, "mode": answer.mode, "lang": answer.lang,
                  "outcome": outcome, "ms": round(seconds * 1000, 1), "citations": len(answer.citations),
                  "deadlines": len(answer.deadlines)}
        if self.log_questions:
            fields["question"] = question
        message = "answered " + " ".join(f"{k}={v}" for k, v in fields.items() if k != "question")
        if self.log_questions:
            message += f" question={question!r}"
        log.info(message, extra={"fields": fields})
        return answer
