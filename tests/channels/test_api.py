"""The HTTP API: /api/ask, /healthz, and the OpenAI-compatible endpoint.

Request handling is specified against a scripted engine; the last tests run the
real engine over the shipped index, through a real uvicorn server and the
official ``openai`` client."""

from __future__ import annotations

import datetime as dt
import json
import socket

import httpx
import openai
import pytest
from fastapi.testclient import TestClient

from regchat.channels.api import MAX_BODY_BYTES, MAX_QUESTION_CHARS
from regchat.channels.server import create_app
from regchat.documents import Answer
from regchat.errors import IndexNotReady, ModelError
from regchat.settings import Settings

from serving import ScriptedEngine, live_server, z_visa_answer


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(llm="offline", data_dir=tmp_path / "data")


def client_for(settings, engine, today=dt.date(2026, 11, 22)) -> TestClient:
    return TestClient(create_app(settings, engine, clock=lambda: today, warm_up=False))


# --- POST /api/ask ---------------------------------------------------------------


def test_ask_returns_the_answer_as_json(settings):
    engine = ScriptedEngine(z_visa_answer())
    with client_for(settings, engine) as client:
        response = client.post("/api/ask", json={"question": "Z visa, entered 2 March 2026: residence permit by when?"})
    assert response.status_code == 200
    body = response.json()
    assert body["deadlines"][0]["date"] == "2026-04-01"
    assert body["citations"][0]["label"].endswith("Art. 15")
    got = Answer.model_validate(body)
    assert got.deadlines[0].ics == "/api/deadline.ics?day=2026-04-01&region=CN"
    without_links = [d.model_copy(update={"ics": None}) for d in got.deadlines]
    assert len(got.id) == 32  # the id feedback refers to
    assert got.model_copy(update={"id": None, "deadlines": without_links}) == z_visa_answer()


def test_ask_passes_history_and_today_through(settings):
    engine = ScriptedEngine(z_visa_answer())
    history = [{"role": "user", "content": "I hold a Z visa."}, {"role": "assistant", "content": "Noted."}]
    with client_for(settings, engine) as client:
        client.post("/api/ask", json={"question": "  When?  ", "history": history, "today": "2026-03-10"})
    assert engine.calls == [{"question": "When?", "history": history, "today": dt.date(2026, 3, 10)}]


def test_ask_without_today_counts_from_the_servers_clock(settings):
    engine = ScriptedEngine(z_visa_answer())
    with client_for(settings, engine, today=dt.date(2026, 12, 1)) as client:
        client.post("/api/ask", json={"question": "When?"})
    assert engine.calls[0]["today"] == dt.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"question": ""}, 422, "question must not be empty"),
        ({"question": "   "}, 422, "question: must not be blank"),
        ({"question": "x" * 20_000}, 422, f"question is too long: at most {MAX_QUESTION_CHARS} characters (got 20000)"),
        ({"question": 42}, 422, "question: Input should be a valid string"),
        ({"question": ["a"]}, 422, "question: Input should be a valid string"),
        ({}, 422, "question is required"),
        ({"question": "When?", "today": 20260301}, 422, "today: must be a date written YYYY-MM-DD"),
        ({"question": "When?", "today": "1 March"}, 422, "today: '1 March' is not a date written YYYY-MM-DD"),
        ({"question": "When?", "history": "earlier"}, 422, "history: Input should be a valid list"),
        ({"question": "When?", "history": [{"role": "system", "content": "x"}]}, 422, "history.0.role"),
        ({"question": "When?", "questoin": "typo"}, 422, "questoin is not a known field"),
    ],
)
def test_bad_requests_get_a_4xx_with_a_readable_message(settings, body, status, message):
    engine = ScriptedEngine(z_visa_answer())
    with client_for(settings, engine) as client:
        response = client.post("/api/ask", json=body)
    assert response.status_code == status
    error = response.json()["error"]
    assert message in error["message"]
    assert error["type"] == "invalid_request_error"
    assert engine.calls == []
    assert "x" * 100 not in response.text  # a long input is not echoed back


def test_broken_json_is_a_400_naming_the_problem(settings):
    with client_for(settings, ScriptedEngine(z_visa_answer())) as client:
        response = client.post("/api/ask", content=b'{"question": "When?"', headers={"content-type": "application/json"})
        missing = client.post("/api/ask")
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("The request body is not valid JSON")
    assert response.json()["error"]["code"] == "json_invalid"
    assert missing.status_code == 422
    assert missing.json()["error"]["message"] == "the request body is missing"


def test_an_oversized_body_is_a_413_even_without_a_content_length(settings):
    body = b'{"question": "' + b"x" * (2 * MAX_BODY_BYTES) + b'"}'
    chunks = (body[i:i + 65536] for i in range(0, len(body), 65536))
    engine = ScriptedEngine(z_visa_answer())
    with live_server(create_app(settings, engine, warm_up=False)) as url:
        declared = httpx.post(f"{url}/api/ask", content=body, headers={"content-type": "application/json"})
        streamed = httpx.post(f"{url}/api/ask", content=chunks, headers={"content-type": "application/json"})
    assert declared.status_code == 413
    assert streamed.status_code == 413
    assert streamed.json()["error"]["message"] == f"The request body is too large: at most {MAX_BODY_BYTES} bytes."
    assert engine.calls == []


def test_a_missing_index_is_a_503_that_says_what_to_do(settings):
    engine = ScriptedEngine(IndexNotReady("no index at .regchat/chroma; run `regchat ingest`"))
    with client_for(settings, engine) as client:
        response = client.post("/api/ask", json={"question": "When?"})
    assert response.status_code == 503
    assert "regchat ingest" in response.json()["error"]["message"]
    assert response.json()["error"]["code"] == "index_not_ready"


def test_a_failing_model_is_a_502(settings):
    with client_for(settings, ScriptedEngine(ModelError("timed out after 60 s"))) as client:
        response = client.post("/api/ask", json={"question": "When?"})
    assert response.status_code == 502
    assert "timed out after 60 s" in response.json()["error"]["message"]


def test_an_unexpected_failure_is_a_500_without_a_stack_trace(settings):
    with client_for(settings, ScriptedEngine(KeyError("provision"))) as client:
        response = client.post("/api/ask", json={"question": "When?"})
    assert response.status_code == 500
    assert response.json()["error"]["message"] == "regchat failed while answering; the server log has the details."
    assert "Traceback" not in response.text and "KeyError" not in response.text


def test_openapi_documents_the_endpoints(settings):
    with client_for(settings, ScriptedEngine(z_visa_answer())) as client:
        assert client.get("/docs").status_code == 200
        paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/ask", "/healthz", "/v1/chat/completions", "/v1/models"} <= set(paths)


# --- GET /healthz -------------------------------------------------------------------


class _MissingIndex:
    """An engine factory for a machine where nobody ran ``regchat ingest``."""

    def __call__(self, settings):
        raise IndexNotReady(f"no index at {settings.chroma_path}; run `regchat ingest`")


def test_healthz_is_200_when_regchat_can_answer(settings):
    with client_for(settings, ScriptedEngine(z_visa_answer())) as client:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["index"]["ready"] is True
    assert response.json()["model"] == {"mode": "offline", "ready": True}


def test_healthz_is_503_without_an_index(settings):
    from regchat.channels.engine import LazyEngine

    engine = LazyEngine(settings, factory=_MissingIndex())
    with client_for(settings, engine) as client:
        response = client.get("/healthz")
        chat = client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": "Hi"}], "stream": True})
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["index"]["ready"] is False and "regchat ingest" in body["index"]["error"]
    assert "regchat ingest" in body["hint"]
    assert chat.status_code == 503  # refused before any stream starts


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_healthz_says_degraded_when_the_model_endpoint_is_down(tmp_path):
    # The engine then composes answers offline, so regchat can still answer: 200, flagged.
    settings = Settings(llm=f"http://127.0.0.1:{_closed_port()}/v1", data_dir=tmp_path)
    with client_for(settings, ScriptedEngine(z_visa_answer())) as client:
        response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded" and body["model"]["ready"] is False
    assert body["model"]["endpoint"].startswith("http://127.0.0.1:")
    assert "composed offline" in body["hint"]


def test_healthz_is_200_when_the_model_endpoint_answers(tmp_path):
    # Any OpenAI-compatible server will do as the model endpoint, regchat's own included.
    model_app = create_app(Settings(llm="offline", data_dir=tmp_path), ScriptedEngine(z_visa_answer()), warm_up=False)
    with live_server(model_app) as model_url:
        settings = Settings(llm=f"{model_url}/v1", data_dir=tmp_path)
        with client_for(settings, ScriptedEngine(z_visa_answer())) as client:
            response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["model"]["ready"] is True and response.json()["mode"] == "llm"


# --- the OpenAI-compatible endpoint, through the official client -----------------------


@pytest.fixture
def scripted_server(settings):
    engine = ScriptedEngine(z_visa_answer())
    with live_server(create_app(settings, engine, clock=lambda: dt.date(2026, 11, 22), warm_up=False)) as url:
        yield engine, openai.OpenAI(base_url=f"{url}/v1", api_key="unused", max_retries=0)


def test_openai_client_lists_the_model(scripted_server):
    _, client = scripted_server
    assert [m.id for m in client.models.list()] == ["regchat"]


def test_openai_completion_carries_citations_in_text_and_extra_field(scripted_server):
    engine, client = scripted_server
    completion = client.chat.completions.create(
        model="regchat",
        messages=[
            {"role": "system", "content": "You are helpful."},
            {"role": "user", "content": "I hold a Z visa."},
            {"role": "assistant", "content": "Noted."},
            {"role": "user", "content": [{"type": "text", "text": "By when must I apply?"}]},
        ],
    )
    text = completion.choices[0].message.content
    assert "2026-04-01" in text
    assert text.endswith("Sources:\n- Administrative Regulations on Entry and Exit of Foreigners, Art. 15")
    extra = completion.model_extra["regchat"]
    assert extra["citations"][0]["article"] == 15
    assert extra["deadlines"][0]["date"] == "2026-04-01"
    assert engine.calls[0]["question"] == "By when must I apply?"
    assert engine.calls[0]["history"] == [
        {"role": "user", "content": "I hold a Z visa."},
        {"role": "assistant", "content": "Noted."},
    ]


def test_openai_streaming_delivers_the_same_text_in_chunks(scripted_server):
    _, client = scripted_server
    stream = client.chat.completions.create(
        model="regchat", messages=[{"role": "user", "content": "By when must I apply?"}], stream=True
    )
    chunks = list(stream)
    deltas = [c.choices[0].delta.content or "" for c in chunks]
    assert len([d for d in deltas if d]) > 3  # streamed, not one block
    text = "".join(deltas)
    assert text == z_visa_answer().text + "\n\nSources:\n- " + z_visa_answer().citations[0].label
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert chunks[-1].model_extra["regchat"]["deadlines"][0]["date"] == "2026-04-01"


class RetractingEngine(ScriptedEngine):
    """Streams a draft, then ends with a checked answer that does not start with it."""

    def stream(self, question, history=(), today=None):
        answer = self._next(question, history, today)
        yield "An unchecked draft sentence. "
        yield answer.model_copy(update={"notices": ["The model's answer could not be verified."]})


def test_a_stream_whose_text_the_checks_replaced_ends_with_the_checked_answer(settings):
    with live_server(create_app(settings, RetractingEngine(z_visa_answer()), warm_up=False)) as url:
        client = openai.OpenAI(base_url=f"{url}/v1", api_key="unused", max_retries=0)
        chunks = list(client.chat.completions.create(
            model="regchat", messages=[{"role": "user", "content": "When?"}], stream=True))
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text == (
        "An unchecked draft sentence. \n\n---\nChecked answer:\n" + z_visa_answer().text
        + "\n\n(The model's answer could not be verified.)"
        + "\n\nSources:\n- Administrative Regulations on Entry and Exit of Foreigners, Art. 15"
    )


def test_openai_client_sees_bad_requests_as_errors(scripted_server):
    _, client = scripted_server
    with pytest.raises(openai.UnprocessableEntityError, match="at most 2000 characters"):
        client.chat.completions.create(model="regchat", messages=[{"role": "user", "content": "x" * 20_000}])
    with pytest.raises(openai.UnprocessableEntityError, match="last message must come from the user"):
        client.chat.completions.create(model="regchat", messages=[{"role": "assistant", "content": "Hello"}])


def test_an_error_during_a_stream_arrives_as_an_openai_error_event(settings):
    engine = ScriptedEngine(ModelError("the model endpoint closed the connection"))
    with live_server(create_app(settings, engine, warm_up=False)) as url:
        client = openai.OpenAI(base_url=f"{url}/v1", api_key="unused", max_retries=0)
        stream = client.chat.completions.create(model="regchat", messages=[{"role": "user", "content": "Hi"}],
                                                stream=True)
        with pytest.raises(openai.APIError, match="closed the connection"):
            list(stream)


def test_sse_lines_follow_the_openai_wire_format(settings):
    with client_for(settings, ScriptedEngine(z_visa_answer())) as client:
        response = client.post("/v1/chat/completions",
                               json={"messages": [{"role": "user", "content": "When?"}], "stream": True})
    assert response.headers["content-type"].startswith("text/event-stream")
    events = [line for line in response.text.split("\n\n") if line]
    assert all(e.startswith("data: ") for e in events)
    assert events[-1] == "data: [DONE]"
    first = json.loads(events[0].removeprefix("data: "))
    assert first["object"] == "chat.completion.chunk" and first["choices"][0]["delta"]["role"] == "assistant"


# --- the real engine over the shipped index -----------------------------------------------


@pytest.fixture(scope="module")
def real_server(shipped_settings):
    app = create_app(shipped_settings, clock=lambda: dt.date(2026, 11, 22))
    with live_server(app) as url:
        yield url


def test_ask_with_the_real_engine_computes_the_deadline_and_cites_the_article(shipped_settings):
    with TestClient(create_app(shipped_settings, clock=lambda: dt.date(2026, 11, 22))) as client:
        response = client.post("/api/ask", json={
            "question": "I came into China with a Z visa on 2026-03-02. By when must I apply for a residence permit?"})
        health = client.get("/healthz")
    assert response.status_code == 200, response.text
    answer = Answer.model_validate(response.json())
    assert [d.date for d in answer.deadlines] == [dt.date(2026, 4, 1)]
    assert "2026-04-01" in answer.text
    assert any(c.doc_id == "cn-exit-entry-law" and c.article == 30 for c in answer.citations)
    assert health.status_code == 200 and health.json()["index"]["ready"] is True


def test_openai_client_with_the_real_engine(real_server):
    client = openai.OpenAI(base_url=f"{real_server}/v1", api_key="unused", max_retries=0)
    question = "我的居留许可12月15日到期，最晚哪天申请延期？"
    completion = client.chat.completions.create(model="regchat", messages=[{"role": "user", "content": question}])
    text = completion.choices[0].message.content
    extra = completion.model_extra["regchat"]
    assert extra["lang"] == "zh" and extra["citations"]
    assert "\n\n来源：\n- " + extra["citations"][0]["label"] in text
    assert extra["deadlines"][0]["date"] in text

    streamed = client.chat.completions.create(model="regchat", messages=[{"role": "user", "content": question}],
                                              stream=True)
    assert "".join(c.choices[0].delta.content or "" for c in streamed) == text


def test_the_wechat_callbacks_share_the_app(real_server):
    response = httpx.get(f"{real_server}/wechat")
    assert response.status_code == 404
    assert "REGCHAT_WECHAT_TOKEN" in response.text  # answered by the callback routes, not the chat page


@pytest.mark.slow
def test_python_app_py_serves_on_the_configured_port(shipped_settings):
    import os
    import subprocess
    import sys
    import time

    from regchat.settings import PROJECT_ROOT

    port = _closed_port()
    env = {**os.environ, "REGCHAT_PORT": str(port), "REGCHAT_DATA_DIR": str(shipped_settings.data_dir),
           "REGCHAT_LLM": "offline", "REGCHAT_EMBEDDER": shipped_settings.embedder}
    process = subprocess.Popen([sys.executable, str(PROJECT_ROOT / "app.py")], env=env, cwd=PROJECT_ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=30)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stdout.read()
                assert time.monotonic() < deadline, "app.py did not start within 60 s"
                time.sleep(0.2)
        assert health.status_code == 200, health.text
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=10).status_code == 200
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=20)
    assert "answer engine ready" in output


def test_with_the_model_endpoint_down_answers_still_come_offline_and_health_says_degraded(shipped_settings):
    settings = shipped_settings.model_copy(update={"llm": f"http://127.0.0.1:{_closed_port()}/v1", "llm_timeout": 5})
    with TestClient(create_app(settings, clock=lambda: dt.date(2026, 11, 22))) as client:
        response = client.post("/api/ask", json={
            "question": "I came into China with a Z visa on 2026-03-02. By when must I apply for a residence permit?"})
        health = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["mode"] == "offline" and body["deadlines"][0]["date"] == "2026-04-01"
    assert any("could not be reached" in notice for notice in body["notices"])
    assert health.status_code == 200 and health.json()["status"] == "degraded"
