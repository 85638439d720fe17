"""A model that keeps talking past the per-request time budget is given up on: the answer is
composed offline, with a notice saying why."""

from __future__ import annotations

import datetime as dt
import time

from langchain_core.messages import AIMessage

from regchat.answering import Engine

from .test_agent import ScriptedModel

TODAY = dt.date(2026, 11, 22)


class DawdlingModel(ScriptedModel):
    """Streams its words slowly (the model's pace, scripted)."""

    def _stream(self, *args, **kwargs):
        for chunk in super()._stream(*args, **kwargs):
            time.sleep(0.05)
            yield chunk


def test_an_answer_past_the_time_budget_is_composed_offline(retriever, shipped_settings):
    words = " ".join(["Apply at least 30 days before the permit expires [cn-exit-entry-law#32]."] * 40)
    model = DawdlingModel(messages=iter([AIMessage(content=words)]))
    settings = shipped_settings.model_copy(update={"llm": "http://unused/v1", "answer_budget": 0.5})
    answer = Engine(retriever, settings, chat_model=model).answer(
        "My residence permit expires on 2026-12-15. When must I apply to extend it?", today=TODAY)
    assert answer.mode == "offline" and answer.citations
    assert any("time budget" in n for n in answer.notices)
