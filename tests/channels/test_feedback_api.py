"""POST /api/feedback: answers from /api/ask and /v1/chat/completions carry an id; a rating
of that id is stored with the answer."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from regchat.channels.server import create_app
from regchat.settings import Settings

from serving import ScriptedEngine, z_visa_answer


@pytest.fixture
def app(tmp_path):
    return create_app(Settings(llm="offline", data_dir=tmp_path), ScriptedEngine(z_visa_answer()),
                      clock=lambda: dt.date(2026, 11, 22), warm_up=False)


def test_an_answer_from_the_json_api_is_rated_by_its_id(app):
    with TestClient(app) as client:
        answer = client.post("/api/ask", json={"question": "Residence permit by when?", "today": "2026-03-10"}).json()
        receipt = client.post("/api/feedback", json={"answer_id": answer["id"], "rating": "down",
                                                     "comment": "Should cite the Law, Art. 30", "user": "hr-17",
                                                     "correction": {"gold_citations": [{"doc": "cn-exit-entry-law",
                                                                                        "article": 30}]}})
    assert receipt.status_code == 200
    assert receipt.json()["answer_id"] == answer["id"] and receipt.json()["rating"] == "down"
    [stored] = app.state.feedback.list()
    assert stored.id == receipt.json()["id"]
    assert (stored.channel, stored.user, stored.comment) == ("api", "hr-17", "Should cite the Law, Art. 30")
    assert stored.answer.question == "Residence permit by when?" and stored.answer.today == dt.date(2026, 3, 10)
    assert stored.answer.answer.deadlines[0].date == dt.date(2026, 4, 1)
    assert stored.correction.gold_citations[0].article == 30
    assert app.state.feedback.path == app.state.settings.data_dir / "feedback.sqlite3"


def test_an_openai_compatible_answer_carries_its_id_too(app):
    with TestClient(app) as client:
        completion = client.post("/v1/chat/completions", json={
            "messages": [{"role": "user", "content": "I hold a Z visa."}, {"role": "assistant", "content": "Noted."},
                         {"role": "user", "content": "By when?"}]}).json()
        answer_id = completion["regchat"]["id"]
        assert client.post("/api/feedback", json={"answer_id": answer_id, "rating": "up"}).status_code == 200
    [stored] = app.state.feedback.list()
    assert stored.rating == "up" and stored.answer.history == [
        {"role": "user", "content": "I hold a Z visa."}, {"role": "assistant", "content": "Noted."}]


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"answer_id": "0" * 32, "rating": "up"}, 404, "No answer with id"),
        ({"answer_id": "x", "rating": "meh"}, 422, "rating"),
        ({"answer_id": "x", "rating": "up", "comment": "x" * 2001}, 422, "at most 2000 characters"),
        ({"rating": "up"}, 422, "answer_id is required"),
    ],
)
def test_bad_feedback_gets_a_readable_error(app, body, status, says):
    with TestClient(app) as client:
        response = client.post("/api/feedback", json=body)
    assert response.status_code == status
    assert says in response.json()["error"]["message"]
    assert app.state.feedback.list() == []
