"""In model mode the answer streamed through the OpenAI-compatible endpoint is shown once:
the sentences streamed as they pass the checks, then only what the final answer adds."""

from __future__ import annotations

import datetime as dt
import json

from fastapi.testclient import TestClient
from langchain_core.messages import AIMessage

from regchat.answering import Engine
from regchat.channels.api import stream_tail
from regchat.channels.server import create_app

from .test_agent import scripted, tool_call

TODAY = dt.date(2026, 11, 22)


def streamed_text(engine, question: str) -> str:
    app = create_app(engine.settings, engine, clock=lambda: TODAY, warm_up=False)
    with TestClient(app) as client:
        response = client.post("/v1/chat/completions", json={
            "messages": [{"role": "user", "content": question}], "stream": True, "today": TODAY.isoformat()})
    text = ""
    for line in response.text.splitlines():
        if line.startswith("data: {"):
            for choice in json.loads(line[6:]).get("choices", []):
                text += choice["delta"].get("content") or ""
    return text


def test_a_model_answer_streams_once(retriever, shipped_settings):
    sentences = ["Apply at least 30 days before the permit expires [cn-exit-entry-law#32].",
                 "Apply at the exit/entry administration of the public security organ [cn-exit-entry-law#32]."]
    model = scripted(tool_call("compute_deadline", rule_id="law-32-extend-residence", event_date="2026-12-15"),
                     AIMessage(content=" ".join(sentences)))
    engine = Engine(retriever, shipped_settings.model_copy(update={"llm": "http://unused/v1"}), chat_model=model)
    text = streamed_text(engine, "My residence permit expires on 2026-12-15. When must I apply to extend it?")
    assert "Checked answer" not in text
    assert text.count("Apply at least 30 days before the permit expires") == 1
    assert text.count("public security organ") == 1
    assert "2026-11-15" in text  # the computed date, added once by the final answer


def test_stream_tail_sends_only_what_is_new():
    assert stream_tail("One. ", "One. Two.") == "Two."
    assert stream_tail("One.  Two. ", "Date: 2026-11-15.\nOne. Two.") == "\n\nDate: 2026-11-15.\n"[:-1]
    assert stream_tail("One. Taken back. ", "One.") is None
