"""/metrics scraped and parsed with prometheus_client's own parser while answers are given;
outcomes and guardrail kinds read off Answer objects; JSON logs without questions by default."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from regchat.channels.observed import ChannelEngine
from regchat.channels.server import create_app
from regchat.documents import Answer, Citation, Deadline
from regchat.logs import JsonFormatter, configure_logging
from regchat.metrics import Metrics, guardrail_kinds, outcome_of
from regchat.settings import Settings

ART_30 = Citation(doc_id="cn-exit-entry-law", article=30, label="Exit and Entry Administration Law, Art. 30")


def scrape(client) -> dict[tuple[str, tuple], float]:
    """Every sample of /metrics, keyed by (name, sorted labels), read with prometheus_client's parser."""
    response = client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.text) for s in family.samples}


def value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


# --- outcomes, read off the Answer ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "outcome"),
    [
        (Answer(text="I can only answer questions about visas and permits.", refused=True), "refused"),
        (Answer(text="Apply by 2026-04-01.", citations=[ART_30],
                deadlines=[Deadline(date=dt.date(2026, 4, 1), weekday="Wednesday", is_working_day=True)]),
         "answered"),
        (Answer(text="A residence permit for work is valid for 90 days to 5 years [Art. 30].", citations=[ART_30]),
         "answered"),
        (Answer(text="None of the documents I hold has an Article 99 (Law: Art. 1-93)."), "not_stated"),
        (Answer(text="所收录的澳门文件没有规定办理此事的期限（天数），因此无法计算日期。", citations=[ART_30], lang="zh"),
         "not_stated"),
        (Answer(text="Art. 30 sets the period. Tell me the date (the date of entry) and I will compute the last day.",
                citations=[ART_30]), "asked_which_rule"),
        (Answer(text="“3/4” 既可以理解为3月4日，也可以理解为4月3日。请告诉我是哪一天。", citations=[ART_30], lang="zh"),
         "asked_which_rule"),
    ],
)
def test_the_outcome_is_read_off_the_answer(answer, outcome):
    assert outcome_of(answer) == outcome


def test_guardrail_removals_and_fallbacks_are_read_from_the_notices():
    answer = Answer(text="x", citations=[ART_30], notices=[
        "Removed: citation [cn-exit-entry-law#99] does not point to a provision that was retrieved or looked up.",
        "Removed: quote \"within 60 days\" is not in the text of cn-exit-entry-law#30.",
        "Removed: citation [cn-x#1] does not point to a provision that was retrieved or looked up.",
        "The date 2026-05-01 was not computed by the deadline calculator; check it.",
        "The model's answer could not be verified against the regulations; showing the provisions instead.",
    ])
    assert guardrail_kinds(answer) == {"citation": 2, "quote": 1, "date": 1, "unverified": 1}
    metrics = Metrics()
    metrics.observe(answer, channel="api", seconds=0.2)
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for f in text_string_to_metric_families(metrics.exposition().decode()) for s in f.samples}
    assert value(samples, "regchat_guardrail_removals_total", kind="citation") == 2
    assert value(samples, "regchat_model_fallbacks_total") == 1


# --- the real engine through the app ------------------------------------------------------------------


def test_counters_move_as_the_real_engine_answers(shipped_settings, retriever):
    app = create_app(shipped_settings, clock=lambda: dt.date(2026, 3, 5))
    with TestClient(app) as client:
        before = scrape(client)
        assert value(before, "regchat_answers_total", channel="api", outcome="answered") == 0
        questions = {
            "I came into China with a Z visa on 2026-03-02. By when must I apply for a residence permit?": "answered",
            "Write me a poem about the sea.": "refused",
            "What does Article 99 of the Exit and Entry Administration Law say?": "not_stated",
        }
        ids = []
        for question in questions:
            ids.append(client.post("/api/ask", json={"question": question}).json()["id"])
        client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": "外国人在中国工作需要什么证件？"}]})
        client.post("/api/feedback", json={"answer_id": ids[0], "rating": "up"})
        client.post("/api/feedback", json={"answer_id": ids[2], "rating": "down"})
        after = scrape(client)
    for outcome in set(questions.values()):
        expected = list(questions.values()).count(outcome) + (1 if outcome == "answered" else 0)
        assert value(after, "regchat_answers_total", channel="api", outcome=outcome) == expected, outcome
    assert value(after, "regchat_answer_seconds_count", channel="api", mode="offline") == 4
    assert value(after, "regchat_answer_seconds_bucket", channel="api", mode="offline", le="+Inf") == 4
    assert 0 < value(after, "regchat_answer_seconds_sum", channel="api", mode="offline") < 60
    assert value(after, "regchat_feedback_total", rating="up", channel="api") == 1
    assert value(after, "regchat_feedback_total", rating="down", channel="api") == 1
    assert value(after, "regchat_index_ready") == 1
    [(_, labels)] = [k for k in after if k[0] == "regchat_index_info"]
    assert dict(labels)["version"].startswith(shipped_settings.collection + "-v")
    assert value(after, "regchat_index_provisions") == len(retriever.provisions) > 0
    assert value(after, "regchat_index_documents") == len(retriever.handle.documents) > 0


# --- logs ------------------------------------------------------------------------------------------------


def _answering(log_questions: bool, caplog) -> list[logging.LogRecord]:
    class Fixed:
        def answer(self, question, history=(), today=None):
            return Answer(text="Apply by 2026-04-01.", citations=[ART_30])

    engine = ChannelEngine(Fixed(), "api", metrics=Metrics(), log_questions=log_questions)
    with caplog.at_level(logging.INFO, logger="regchat.answers"):
        engine.answer("My passport number is E1234567, when must I renew?")
    return [r for r in caplog.records if r.name == "regchat.answers"]


def test_questions_are_logged_only_when_asked_for(caplog):
    [quiet] = _answering(False, caplog)
    assert "E1234567" not in quiet.getMessage() and "question" not in quiet.fields
    assert quiet.fields["outcome"] == "answered" and quiet.fields["channel"] == "api"
    caplog.clear()
    [told] = _answering(True, caplog)
    assert "E1234567" in told.getMessage() and told.fields["question"].startswith("My passport")


def test_json_logs_are_one_object_a_line_with_the_fields(capsys, caplog):
    [record] = _answering(False, caplog)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["level"] == "info" and entry["logger"] == "regchat.answers"
    assert entry["outcome"] == "answered" and entry["citations"] == 1 and "question" not in entry
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        configure_logging(Settings(_env_file=None, log_format="json"))
        logging.getLogger("regchat.server").warning("listening on %s", "0.0.0.0")
    finally:
        root.handlers[:], root.level = saved
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert json.loads(line)["message"] == "listening on 0.0.0.0"
