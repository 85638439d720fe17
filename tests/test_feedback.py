"""Feedback: stored with the answer in its own SQLite file, exported for a reviewer, and
turned into evaluation questions that evals/run.py scores."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from regchat.cli import main
from regchat.documents import Answer, Citation, Deadline
from regchat.evaluation import load_questions
from regchat.feedback import (
    ChatFeedback, Correction, FeedbackError, FeedbackStore, GoldRef, UnknownAnswer, eval_questions, export_csv,
    export_jsonl, read_rating,
)
from regchat.settings import get_settings

EVALS = Path(__file__).resolve().parents[1] / "evals"
ART_30 = Citation(doc_id="cn-exit-entry-law", article=30, label="Exit and Entry Administration Law, Art. 30",
                  quote="within 30 days from the date of their entry")
ART_32 = Citation(doc_id="cn-exit-entry-law", article=32, label="Exit and Entry Administration Law, Art. 32")


def residence_answer() -> Answer:
    return Answer(text="Apply by 2026-04-01 [Exit and Entry Administration Law, Art. 30].", citations=[ART_30],
                  deadlines=[Deadline(date=dt.date(2026, 4, 1), weekday="Wednesday", is_working_day=True,
                                      rule_id="law-30-residence-permit", citation=ART_30)])


def wrong_answer() -> Answer:
    return Answer(text="Apply by 2026-12-15 [Exit and Entry Administration Law, Art. 30].", citations=[ART_30],
                  lang="en")


@pytest.fixture
def store(tmp_path):
    store = FeedbackStore(tmp_path / "data" / "feedback.sqlite3", index_version=lambda: "regchat-v3")
    yield store
    store.close()


def test_an_answer_nobody_rates_is_never_written(store):
    answer = store.remember("When?", [], residence_answer(), channel="api")
    assert len(answer.id) == 32
    assert not store.path.exists() and store.list() == []


def test_a_rating_is_stored_with_everything_about_the_answer(store, tmp_path):
    history = [{"role": "user", "content": "I entered on 2 March 2026 on a Z visa."},
               {"role": "assistant", "content": "Noted."}]
    answer = store.remember("By when must I apply?", history, residence_answer(), channel="web",
                            today=dt.date(2026, 3, 10))
    store.rate(answer.id, "down", comment="  the date is wrong  ", channel="web", user="alice")
    reopened = FeedbackStore(store.path)  # another process: read from the file alone
    [item] = reopened.list()
    assert (item.rating, item.comment, item.user, item.channel) == ("down", "the date is wrong", "alice", "web")
    assert item.answer.question == "By when must I apply?" and item.answer.history == history
    assert item.answer.today == dt.date(2026, 3, 10) and item.answer.index_version == "regchat-v3"
    assert item.answer.answer.citations == [ART_30] and item.answer.answer.deadlines[0].date == dt.date(2026, 4, 1)
    assert item.answer.answer.mode == "offline"
    reopened.close()


def test_rating_again_replaces_the_rating_and_keeps_the_comment(store):
    answer = store.remember("When?", [], residence_answer(), channel="web")
    first = store.rate(answer.id, "down", comment="wrong date", channel="web", user="alice")
    again = store.rate(answer.id, "up", channel="web", user="alice")
    other = store.rate(answer.id, "down", channel="web", user="bob")
    assert again.id == first.id and again.rating == "up" and again.comment == "wrong date"
    assert other.id != first.id
    assert store.counts() == {"up": 1, "down": 1}
    assert store.comment(first.id, "fine after all").comment == "fine after all"


def test_unknown_answers_and_overlong_comments_are_refused(store):
    with pytest.raises(UnknownAnswer, match="No answer with id 'nope'"):
        store.rate("nope", "up", channel="api")
    answer = store.remember("When?", [], residence_answer(), channel="api")
    with pytest.raises(FeedbackError, match="at most 2000 characters"):
        store.rate(answer.id, "down", comment="x" * 2001, channel="api")


def test_only_the_latest_answers_are_kept_for_rating(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite3", keep=2)
    first = store.remember("one", [], residence_answer(), channel="api")
    for question in ("two", "three"):
        store.remember(question, [], residence_answer(), channel="api")
    with pytest.raises(UnknownAnswer):
        store.rate(first.id, "up", channel="api")


def test_exports_carry_the_question_answer_citations_and_deadlines(store):
    answer = store.remember("我的居留许可什么时候到期？", [], residence_answer(), channel="wechat", user="o_1")
    store.rate(answer.id, "up", comment="很好，谢谢", channel="wechat", user="o_1")
    [row] = list(csv.DictReader(io.StringIO(export_csv(store.list()))))
    assert row["question"] == "我的居留许可什么时候到期？" and row["comment"] == "很好，谢谢"
    assert row["citations"] == "Exit and Entry Administration Law, Art. 30" and row["deadlines"] == "2026-04-01"
    assert row["rating"] == "up" and row["index_version"] == "regchat-v3"
    [line] = export_jsonl(store.list()).splitlines()
    record = json.loads(line)
    assert record["answer"]["answer"]["deadlines"][0]["rule_id"] == "law-30-residence-permit"


@pytest.mark.parametrize(
    ("text", "rating"),
    [("👎", ("down", None)), ("👎🏻 日期错了", ("down", "日期错了")), ("不对，是第32条", ("down", "是第32条")),
     ("[弱]", ("down", None)), ("👍", ("up", None)), ("[强]", ("up", None)), ("对。", ("up", None)),
     ("Wrong", ("down", None)), ("对外国人的规定是什么？", None), ("What is wrong with my visa?", None),
     ("不对外开放的口岸？", None), ("", None)],
)
def test_a_chat_reply_is_read_as_a_rating_only_when_it_is_one(text, rating):
    assert read_rating(text) == rating


def test_a_chat_rating_counts_only_right_after_an_answer(store):
    now = [0.0]
    chat = ChatFeedback(store, lambda: now[0], window=600)
    assert chat.reply("wechat", "o_1", "👎") is None  # nothing answered yet
    answer = store.remember("When?", [], residence_answer(), channel="wechat")
    chat.answered("wechat", "o_1", answer.id)
    assert chat.reply("wechat", "o_2", "👎") is None  # another user
    assert chat.reply("wechat", "o_1", "When exactly?") is None  # a question
    now[0] = 601
    assert chat.reply("wechat", "o_1", "👎") is None  # too late
    now[0] = 0
    assert chat.reply("wechat", "o_1", "👎 wrong article") == ChatFeedback.THANKS["down"]
    assert store.list()[0].comment == "wrong article"


# --- as evaluation questions ------------------------------------------------------------------


def test_a_thumbs_up_keeps_its_answer_as_gold_and_a_thumbs_down_needs_a_correction(store):
    good = store.remember("Z visa, entered 2026-03-02: residence permit by when?", [], residence_answer(),
                          channel="api", today=dt.date(2026, 3, 10))
    bad = store.remember("My residence permit expires on 2026-12-15. When must I apply to extend it?",
                         [{"role": "user", "content": "Hi"}], wrong_answer(), channel="web")
    unreviewed = store.remember("What about Macao?", [], wrong_answer(), channel="web")
    up = store.rate(good.id, "up", channel="api")
    down = store.rate(bad.id, "down", comment="wrong article and date", channel="web")
    waiting = store.rate(unreviewed.id, "down", channel="web")
    store.correct(down.id, Correction(gold_citations=[GoldRef(doc="cn-exit-entry-law", article=32)],
                                      gold_dates=[dt.date(2026, 11, 15)], must_mention=["30"]))
    questions, left_out = eval_questions(store.list())
    assert [f.id for f in left_out] == [waiting.id]
    by_id = {q["id"]: q for q in questions}
    assert by_id[f"feedback-{up.id}"] | {"feedback": None} == {
        "id": f"feedback-{up.id}", "question": "Z visa, entered 2026-03-02: residence permit by when?",
        "category": "deadline", "lang": "en", "today": "2026-03-10",
        "gold_citations": [{"doc": "cn-exit-entry-law", "article": 30}], "gold_dates": ["2026-04-01"],
        "feedback": None,
    }
    corrected = by_id[f"feedback-{down.id}"]
    assert corrected["gold_citations"] == [{"doc": "cn-exit-entry-law", "article": 32}]
    assert corrected["gold_dates"] == ["2026-11-15"] and corrected["must_mention"] == ["30"]
    assert corrected["history"] == [{"role": "user", "content": "Hi"}]
    assert corrected["feedback"]["comment"] == "wrong article and date"


class ReplayEngine:
    """Gives each question the answer that was rated (stands in for the engine's choices)."""

    def __init__(self, answers: dict[str, Answer]):
        self.answers = answers

    def answer(self, question, history=(), today=None) -> Answer:
        return self.answers[question]


def test_the_cli_reviews_corrects_and_writes_questions_that_evals_run_scores(tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("REGCHAT_DATA_DIR", str(data))
    get_settings.cache_clear()
    store = FeedbackStore(data / "feedback.sqlite3")
    q_good = "Z visa, entered 2026-03-02: residence permit by when?"
    q_bad = "My residence permit expires on 2026-12-15. When must I apply to extend it?"
    good = store.remember(q_good, [], residence_answer(), channel="api", today=dt.date(2026, 3, 10))
    bad = store.remember(q_bad, [], wrong_answer(), channel="web", today=dt.date(2026, 3, 10))
    up = store.rate(good.id, "up", channel="api")
    down = store.rate(bad.id, "down", comment="wrong article", channel="web")
    store.close()
    runner = CliRunner()
    try:
        listed = runner.invoke(main, ["feedback", "list"], catch_exceptions=False)
        assert listed.exit_code == 0
        assert f"{down.id} " in listed.stdout and "- web" in listed.stdout and "[wrong article]" in listed.stdout
        exported = runner.invoke(main, ["feedback", "export", "--format", "csv", "--rating", "down"])
        rows = list(csv.DictReader(io.StringIO(exported.stdout)))
        assert [r["question"] for r in rows] == [q_bad]
        jsonl = runner.invoke(main, ["feedback", "export", "--format", "jsonl", "-o", str(tmp_path / "all.jsonl")])
        assert jsonl.exit_code == 0 and len((tmp_path / "all.jsonl").read_text().splitlines()) == 2

        out = tmp_path / "feedback.jsonl"
        first = runner.invoke(main, ["feedback", "to-eval", str(out)])
        assert first.exit_code == 0 and "1 thumbs-down without a correction left out" in first.output
        assert len(load_questions(out)) == 1
        fixed = runner.invoke(main, ["feedback", "correct", str(down.id), "--cite", "cn-exit-entry-law#32",
                                     "--date", "2026-11-15"])
        assert fixed.exit_code == 0, fixed.output
        bad_cite = runner.invoke(main, ["feedback", "correct", str(down.id), "--cite", "law#thirty"])
        assert bad_cite.exit_code == 2 and "DOC#ARTICLE" in bad_cite.output
        assert runner.invoke(main, ["feedback", "to-eval", str(out)]).exit_code == 0
    finally:
        get_settings.cache_clear()
    questions = load_questions(out)  # the evaluation file format, validated by regchat.evaluation
    assert {q.id for q in questions} == {f"feedback-{up.id}", f"feedback-{down.id}"}

    spec = importlib.util.spec_from_file_location("evals_run_feedback", EVALS / "run.py")
    run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run)
    report_path = tmp_path / "report" / "feedback.json"
    engine = ReplayEngine({q_good: residence_answer(), q_bad: wrong_answer()})
    status = run.main(["--questions", str(out), "--report", str(report_path), "--no-progress"], engine=engine)
    assert status == 0
    results = {r["id"]: r for r in json.loads(report_path.read_text(encoding="utf-8"))["results"]}
    # The answer rated up passes its own question; the one rated down fails the reviewer's gold.
    good_checks, bad_checks = results[f"feedback-{up.id}"]["passed"], results[f"feedback-{down.id}"]["passed"]
    assert good_checks["citations"] is True and good_checks["dates"] is True
    assert bad_checks["citations"] is False and bad_checks["dates"] is False
