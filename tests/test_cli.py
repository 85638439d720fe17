"""The command line: each command's output, and bad input answered with a message and
an exit code, never a traceback."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from regchat.cli import main
from regchat.documents import Answer
from regchat.settings import get_settings


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke


@pytest.fixture
def shipped_env(monkeypatch, shipped_settings):
    """Point the process settings (read from the environment) at the shipped index."""
    monkeypatch.setenv("REGCHAT_DATA_DIR", str(shipped_settings.data_dir))
    monkeypatch.setenv("REGCHAT_EMBEDDER", shipped_settings.embedder)
    monkeypatch.delenv("REGCHAT_LLM", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


class TestDeadline:
    def test_prints_the_date_the_day_to_act_by_and_the_steps(self, run):
        result = run("deadline", "law-32-extend-residence", "2026-12-15")
        assert result.exit_code == 0
        assert "2026-11-15 (Sunday)" in result.output
        assert "2026-11-13 (Friday)" in result.output
        assert "Exit and Entry Administration Law, Art. 32" in result.output
        assert "Steps:" in result.output

    def test_working_days_in_chinese(self, run):
        result = run("deadline", "reg-18-receipt", "2026-09-28", "--lang", "zh")
        assert result.exit_code == 0
        assert "2026-10-23" in result.output and "国庆节" in result.output

    def test_rules_counted_in_hours_take_a_time(self, run):
        result = run("deadline", "law-39-accommodation", "2026-12-31T23:00", "--json")
        assert result.exit_code == 0
        assert json.loads(result.output)["date"] == "2027-01-01"

    def test_unknown_rule_names_the_known_ones(self, run):
        result = run("deadline", "no-such-rule", "2026-01-01")
        assert result.exit_code == 1
        assert "law-30-residence-permit" in result.output
        assert "Traceback" not in result.output

    @pytest.mark.parametrize("value", ["2026-02-30", "tomorrow", "2026-13-01T10:00"])
    def test_impossible_dates_are_usage_errors(self, run, value):
        result = run("deadline", "law-30-residence-permit", value)
        assert result.exit_code == 2
        assert "not a valid date" in result.output


def test_rules_lists_every_rule_with_its_article(run):
    result = run("rules")
    assert result.exit_code == 0
    assert "law-30-residence-permit" in result.output and "Art. 30" in result.output


class TestAsk:
    @pytest.mark.parametrize("question", ["", "   "])
    def test_an_empty_question_is_a_usage_error(self, run, question):
        result = run("ask", question)
        assert result.exit_code == 2
        assert "the question is empty" in result.output

    def test_json_is_the_whole_answer(self, run, shipped_env):
        result = run(
            "ask", "I entered China on 2 March 2026 on a Z visa. When must I apply for a residence permit?",
            "--today", "2026-11-22", "--json",
        )  # fmt: skip
        assert result.exit_code == 0
        answer = Answer.model_validate_json(result.stdout)  # progress lines go to stderr
        assert [d.date.isoformat() for d in answer.deadlines] == ["2026-04-01"]
        assert any(c.doc_id == "cn-exit-entry-law" and c.article == 30 for c in answer.citations)


def test_search_shows_labels_and_scores(run, shipped_env):
    result = run("search", "第三十三条", "-k", "3")
    assert result.exit_code == 0
    assert "Art. 33" in result.output


def test_ingest_names_each_bad_file_and_fails(run, monkeypatch, tmp_path):
    monkeypatch.setenv("REGCHAT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("REGCHAT_EMBEDDER", "hashing")
    get_settings.cache_clear()
    good = tmp_path / "good.md"
    good.write_text("# A guide\n\nArticle 1 Foreigners shall register within 24 hours.\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    try:
        result = CliRunner().invoke(main, ["ingest", str(good), str(empty), "--no-progress"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "1 added" in result.output
    assert f"{empty}: empty file" in result.output
