"""Metrics over question files, on hand-made cases whose scores are known."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from regchat.documents import Answer, Citation, Deadline, RetrievedItem
from regchat.evaluation import (
    METRICS,
    Question,
    QuestionFileError,
    build_report,
    dates_in_text,
    group_by,
    load_questions,
    parse_questions,
    percentile,
    score,
    summarize,
)

LAW, REGS, CARD, MACAO = (
    "cn-exit-entry-law",
    "cn-foreigner-entry-exit-regulations",
    "cn-work-permit-card",
    "mo-non-resident-worker-card",
)
DEV_SET = Path(__file__).resolve().parents[1] / "evals" / "questions.jsonl"
HELD_OUT = DEV_SET.with_name("heldout.jsonl")


def make_question(**fields) -> Question:
    base = {"id": "q1", "question": "?", "category": "lookup", "lang": "en", "gold_citations": []}
    return Question.model_validate(base | fields)


def item(doc_id: str, article: int | None = None, section: str | None = None, score: float = 1.0) -> RetrievedItem:
    key = f"{doc_id}#{article if article is not None else 's1'}"
    return RetrievedItem(key=key, doc_id=doc_id, article=article, section=section, label=key, score=score)


def cite(doc_id: str, article: int | None = None, section: str | None = None) -> Citation:
    return Citation(doc_id=doc_id, article=article, section=section, label=f"{doc_id} {article or section}")


def deadline(day: str, act_by: str | None = None) -> Deadline:
    date = dt.date.fromisoformat(day)
    return Deadline(
        date=date,
        weekday=date.strftime("%A"),
        is_working_day=act_by is None,
        act_by=dt.date.fromisoformat(act_by) if act_by else None,
    )


# --------------------------------------------------------------------------- question files


class TestQuestionFiles:
    def test_a_full_line_parses_with_every_optional_field(self):
        line = json.dumps(
            {
                "id": "d1",
                "question": "我的居留许可12月15日到期，最晚哪天申请延期？",
                "category": "deadline",
                "lang": "zh",
                "today": "2026-11-22",
                "history": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}],
                "gold_citations": [{"doc": LAW, "article": 32}],
                "acceptable_citations": [{"doc": REGS}],
                "gold_dates": ["2026-11-15"],
                "must_mention": ["30"],
            },
            ensure_ascii=False,
        )
        (q,) = parse_questions([line])
        assert q.today == dt.date(2026, 11, 22)
        assert q.gold_dates == [dt.date(2026, 11, 15)]
        assert q.history_dicts()[1] == {"role": "assistant", "content": "hello"}
        assert q.acceptable_citations[0].article is None

    def test_blank_lines_are_skipped_and_an_empty_file_gives_no_questions(self, tmp_path):
        empty = tmp_path / "empty.jsonl"
        empty.write_text("", encoding="utf-8")
        assert load_questions(empty) == []
        assert parse_questions(["", "   "]) == []

    def test_bad_json_names_the_file_and_line(self, tmp_path):
        path = tmp_path / "q.jsonl"
        good = json.dumps({"id": "a", "question": "x", "category": "lookup", "lang": "en", "gold_citations": []})
        path.write_text(good + "\n\n{not json\n", encoding="utf-8")
        with pytest.raises(QuestionFileError, match=r"q\.jsonl, line 3: not valid JSON") as info:
            load_questions(path)
        assert info.value.line == 3

    def test_a_missing_field_is_named(self):
        line = json.dumps({"id": "a", "question": "x", "category": "lookup", "lang": "en"})
        with pytest.raises(QuestionFileError, match="line 1: missing field 'gold_citations'"):
            parse_questions([line])

    @pytest.mark.parametrize(
        "change, message",
        [
            ({"category": "trivia"}, "field 'category'"),
            ({"lang": "fr"}, "field 'lang'"),
            ({"gold_dates": ["2026-02-30"]}, "field 'gold_dates.0'"),
            ({"gold_citations": [{"article": 3}]}, "missing field 'gold_citations.0.doc'"),
            ({"must_mentions": ["30"]}, "unknown field 'must_mentions' \\(did you mean 'must_mention'\\?\\)"),
            ({"gold_citations": [{"doc": "x", "articel": 3}]}, "unknown field 'gold_citations.0.articel'"),
        ],
    )
    def test_malformed_fields_are_rejected_with_their_name(self, change, message):
        base = {"id": "a", "question": "x", "category": "lookup", "lang": "en", "gold_citations": []}
        with pytest.raises(QuestionFileError, match=message):
            parse_questions([json.dumps(base | change)])

    def test_fields_outside_the_format_are_kept_out_of_the_way(self):
        line = {"id": "a", "question": "x", "category": "lookup", "lang": "en", "gold_citations": [],
                "notes": "asked by HR in March", "history": [{"role": "user", "content": "hi", "name": "amy"}]}
        (q,) = parse_questions([json.dumps(line)])
        assert q.history_dicts() == [{"role": "user", "content": "hi"}]

    def test_a_line_that_is_not_an_object_is_rejected(self):
        with pytest.raises(QuestionFileError, match="line 1: expected a JSON object"):
            parse_questions(["[1, 2]"])

    def test_repeated_ids_are_rejected(self):
        line = json.dumps({"id": "a", "question": "x", "category": "lookup", "lang": "en", "gold_citations": []})
        with pytest.raises(QuestionFileError, match="line 2: id 'a' already used on line 1"):
            parse_questions([line, line])

    def test_an_unreadable_file_is_a_question_file_error(self, tmp_path):
        with pytest.raises(QuestionFileError, match="cannot be read"):
            load_questions(tmp_path / "missing.jsonl")


class TestDevSet:
    """The shipped dev set meets the composition it promises."""

    @pytest.fixture(scope="class")
    def questions(self):
        return load_questions(DEV_SET)

    def test_size_and_mix(self, questions):
        n = len(questions)
        assert n >= 150
        assert sum(q.lang == "zh" for q in questions) >= 0.3 * n
        assert sum(q.category == "out_of_scope" for q in questions) >= 0.1 * n
        assert sum(q.category == "deadline" and bool(q.gold_dates) for q in questions) >= 0.1 * n
        assert any(q.history for q in questions)

    def test_out_of_scope_questions_have_no_gold_and_others_do(self, questions):
        for q in questions:
            assert (q.category == "out_of_scope") == (not q.gold_citations), q.id

    def test_every_document_and_every_article_is_asked_about(self, questions):
        gold = {(r.doc, r.article) for q in questions for r in q.gold_citations}
        assert {doc for doc, _ in gold} == {LAW, REGS, CARD, MACAO}
        assert {a for d, a in gold if d == LAW} >= set(range(29, 50))
        assert {a for d, a in gold if d == REGS} >= set(range(1, 40))

    def test_deadlines_reach_past_the_published_holiday_data(self, questions):
        assert any(day.year >= 2027 for q in questions for day in q.gold_dates)

    def test_the_held_out_set_shares_no_question_with_the_dev_set(self, questions):
        held_out = load_questions(HELD_OUT)
        assert len(held_out) >= 50
        assert not {q.id for q in held_out} & {q.id for q in questions}
        assert not {q.question for q in held_out} & {q.question for q in questions}


# --------------------------------------------------------------------------- retrieval


class TestRetrievalMetrics:
    def test_recall_at_5_counts_gold_citations_in_the_top_five_only(self):
        q = make_question(gold_citations=[{"doc": LAW, "article": 30}, {"doc": REGS, "article": 18}])
        retrieved = [item(LAW, a) for a in (29, 31, 32, 33, 30)] + [item(REGS, 18)]
        r = score(q, Answer(text="", retrieved=retrieved))
        assert r.recall_at_5 == 0.5
        assert r.reciprocal_rank == pytest.approx(1 / 5)
        assert r.passed["retrieval"] is False

    def test_a_gold_citation_without_article_matches_any_provision_of_its_document(self):
        q = make_question(gold_citations=[{"doc": MACAO}])
        r = score(q, Answer(text="", retrieved=[item(LAW, 30), item(MACAO, None, "Application")]))
        assert r.recall_at_5 == 1.0
        assert r.reciprocal_rank == 0.5

    def test_duplicate_gold_citations_count_once(self):
        q = make_question(gold_citations=[{"doc": LAW, "article": 30}, {"doc": LAW, "article": 30}])
        r = score(q, Answer(text="", retrieved=[item(LAW, 30)]))
        assert r.gold_n == 1 and r.recall_at_5 == 1.0

    def test_unknown_documents_score_zero(self):
        q = make_question(gold_citations=[{"doc": "hk-immigration-ordinance", "article": 11}])
        r = score(q, Answer(text="", retrieved=[item(LAW, 11), item(REGS, 11)], citations=[cite(LAW, 11)]))
        assert (r.recall_at_5, r.reciprocal_rank, r.gold_cited_n, r.cited_correct_n) == (0.0, 0.0, 0, 0)

    def test_nothing_retrieved_scores_zero(self):
        r = score(make_question(gold_citations=[{"doc": LAW, "article": 30}]), Answer(text=""))
        assert (r.recall_at_5, r.reciprocal_rank) == (0.0, 0.0)

    def test_questions_without_gold_do_not_take_part_in_retrieval_metrics(self):
        results = [
            score(make_question(id="a", category="out_of_scope"), Answer(text="", retrieved=[item(LAW, 30)])),
            score(make_question(id="b", gold_citations=[{"doc": LAW, "article": 30}]), Answer(text="", retrieved=[item(LAW, 30)])),
        ]
        assert results[0].recall_at_5 is None
        assert summarize(results)["retrieval_recall_at_5"] == 1.0
        assert summarize(results)["mrr"] == 1.0

    def test_mrr_is_the_mean_of_reciprocal_ranks(self):
        gold = [{"doc": LAW, "article": 30}]
        results = [
            score(make_question(id="a", gold_citations=gold), Answer(text="", retrieved=[item(LAW, 30)])),
            score(make_question(id="b", gold_citations=gold), Answer(text="", retrieved=[item(LAW, 1), item(LAW, 2), item(LAW, 30)])),
            score(make_question(id="c", gold_citations=gold), Answer(text="", retrieved=[item(LAW, 1)])),
        ]
        assert summarize(results)["mrr"] == pytest.approx((1 + 1 / 3 + 0) / 3)


# --------------------------------------------------------------------------- citations


class TestCitationMetrics:
    def test_precision_counts_gold_and_acceptable_and_recall_counts_gold_only(self):
        q = make_question(
            gold_citations=[{"doc": LAW, "article": 30}, {"doc": REGS, "article": 16}],
            acceptable_citations=[{"doc": REGS, "article": 18}],
        )
        answer = Answer(text="", citations=[cite(LAW, 30), cite(REGS, 18), cite(LAW, 41)])
        r = score(q, answer)
        assert (r.cited_n, r.cited_correct_n, r.gold_cited_n) == (3, 2, 1)
        totals = summarize([r])
        assert totals["citation_precision"] == pytest.approx(2 / 3)
        assert totals["citation_recall"] == 0.5
        assert r.passed["citations"] is False

    def test_duplicate_citations_are_counted_once(self):
        q = make_question(gold_citations=[{"doc": LAW, "article": 30}])
        r = score(q, Answer(text="", citations=[cite(LAW, 30), cite(LAW, 30), cite(LAW, 30)]))
        assert (r.cited_n, r.cited_correct_n) == (1, 1)
        assert summarize([r])["citation_precision"] == 1.0
        assert r.passed["citations"] is True

    def test_a_document_level_gold_citation_accepts_a_section_citation(self):
        q = make_question(gold_citations=[{"doc": CARD}])
        r = score(q, Answer(text="", citations=[cite(CARD, None, "The order")]))
        assert (r.cited_correct_n, r.gold_cited_n) == (1, 1)
        assert r.citations == [f"{CARD}#The order"]

    def test_no_citations_means_no_precision_figure_and_zero_recall(self):
        r = score(make_question(gold_citations=[{"doc": LAW, "article": 30}]), Answer(text="Within 30 days."))
        totals = summarize([r])
        assert totals["citation_precision"] is None
        assert totals["citation_recall"] == 0.0

    def test_precision_and_recall_pool_over_questions(self):
        q1 = make_question(id="a", gold_citations=[{"doc": LAW, "article": 30}])
        q2 = make_question(id="b", gold_citations=[{"doc": LAW, "article": 32}, {"doc": LAW, "article": 36}])
        results = [
            score(q1, Answer(text="", citations=[cite(LAW, 30)])),
            score(q2, Answer(text="", citations=[cite(LAW, 32), cite(LAW, 29), cite(LAW, 31)])),
        ]
        totals = summarize(results)
        assert totals["citation_precision"] == pytest.approx(2 / 4)
        assert totals["citation_recall"] == pytest.approx(2 / 3)

    def test_a_citation_on_an_out_of_scope_question_is_imprecise(self):
        r = score(make_question(category="out_of_scope"), Answer(text="", refused=True, citations=[cite(LAW, 30)]))
        assert summarize([r])["citation_precision"] == 0.0
        assert r.passed["citations"] is False


# --------------------------------------------------------------------------- dates, mentions, refusals


class TestDates:
    @pytest.mark.parametrize(
        "text",
        [
            "Apply by 2026-04-01.",
            "Apply by 2026/4/1.",
            "最晚2026年4月1日申请。",
            "最晚 2026 年 4 月 1 号申请。",
            "Apply by 1 April 2026.",
            "Apply by Wednesday, 1st Apr 2026.",
            "Apply by April 1, 2026.",
        ],
    )
    def test_dates_are_read_from_text_in_common_notations(self, text):
        assert dt.date(2026, 4, 1) in dates_in_text(text)

    def test_impossible_and_partial_dates_are_ignored(self):
        assert dates_in_text("2026-02-30, 4月1日, April 2026, Article 30") == set()

    def test_every_gold_date_must_be_stated(self):
        q = make_question(category="deadline", gold_dates=["2026-10-05", "2026-09-30"])
        assert score(q, Answer(text="", deadlines=[deadline("2026-10-05", act_by="2026-09-30")])).dates_ok is True
        assert score(q, Answer(text="", deadlines=[deadline("2026-10-05")])).dates_ok is False
        assert score(q, Answer(text="The deadline is 5 October 2026; go by 2026-09-30.")).dates_ok is True

    def test_date_accuracy_counts_only_questions_with_gold_dates(self):
        results = [
            score(make_question(id="a", gold_dates=["2026-04-01"]), Answer(text="2026-04-01")),
            score(make_question(id="b", gold_dates=["2027-02-28"]), Answer(text="2027-03-01")),
            score(make_question(id="c"), Answer(text="no dates")),
        ]
        assert results[2].dates_ok is None
        assert summarize(results)["date_accuracy"] == 0.5


class TestMentions:
    def test_must_mention_is_case_insensitive_and_needs_every_term(self):
        q = make_question(must_mention=["Z", "Work Permit"])
        assert score(q, Answer(text="A z visa needs a work permit.")).mention_ok is True
        r = score(q, Answer(text="A Z visa."))
        assert r.mention_ok is False and r.missing_mentions == ["Work Permit"]

    def test_must_mention_rate_over_questions_that_have_terms(self):
        results = [
            score(make_question(id="a", must_mention=["30"]), Answer(text="30 days")),
            score(make_question(id="b", must_mention=["90"]), Answer(text="")),
            score(make_question(id="c"), Answer(text="")),
        ]
        assert summarize(results)["must_mention_rate"] == 0.5


class TestRefusals:
    def test_refusal_accuracy_and_over_refusal(self):
        results = [
            score(make_question(id="a", category="out_of_scope"), Answer(text="", refused=True)),
            score(make_question(id="b", category="out_of_scope"), Answer(text="Here is a poem")),
            score(make_question(id="c", gold_citations=[{"doc": LAW}]), Answer(text="", refused=True)),
            score(make_question(id="d", gold_citations=[{"doc": LAW}]), Answer(text="ok")),
            score(make_question(id="e", gold_citations=[{"doc": LAW}]), Answer(text="ok")),
            score(make_question(id="f", gold_citations=[{"doc": LAW}]), Answer(text="ok")),
        ]
        totals = summarize(results)
        assert totals["refusal_accuracy"] == 0.5
        assert totals["over_refusal_rate"] == 0.25
        assert [r.passed["refusal"] for r in results] == [True, False, False, True, True, True]

    def test_a_refused_in_scope_answer_still_scores_zero_on_citations(self):
        q = make_question(gold_citations=[{"doc": LAW, "article": 30}], must_mention=["30"])
        r = score(q, Answer(text="I can only answer questions about immigration rules.", refused=True))
        assert (r.gold_cited_n, r.mention_ok, r.ok) == (0, False, False)

    def test_without_out_of_scope_questions_refusal_accuracy_is_none(self):
        assert summarize([score(make_question(gold_citations=[{"doc": LAW}]), Answer(text=""))])["refusal_accuracy"] is None


# --------------------------------------------------------------------------- latency, engine failures, report


class TestAggregates:
    def test_percentiles_interpolate_linearly(self):
        values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
        assert percentile(values, 50) == 55
        assert percentile(values, 95) == pytest.approx(95.5)
        assert percentile([7], 95) == 7
        assert percentile([], 50) is None
        with pytest.raises(ValueError):
            percentile(values, 101)

    def test_latency_percentiles_come_from_each_result(self):
        results = [score(make_question(id=str(i)), Answer(text=""), latency_ms=ms) for i, ms in enumerate([5, 1, 3])]
        totals = summarize(results)
        assert (totals["latency_p50_ms"], totals["latency_p95_ms"]) == (3, pytest.approx(4.8))

    def test_a_failed_engine_call_scores_zero_and_is_counted(self):
        q = make_question(gold_citations=[{"doc": LAW, "article": 30}], gold_dates=["2026-04-01"])
        r = score(q, None, error="ModelError: timed out")
        assert (r.recall_at_5, r.dates_ok, r.refused) == (0.0, False, False)
        assert summarize([r])["errors"] == 1

    def test_answer_modes_and_notices_are_counted(self):
        results = [
            score(make_question(id="a"), Answer(text="", mode="llm")),
            score(make_question(id="b"), Answer(text="", mode="offline", notices=["model unreachable: offline answer"])),
        ]
        totals = summarize(results)
        assert totals["answer_modes"] == {"llm": 1, "offline": 1}
        assert totals["answers_with_notices"] == 1
        assert results[1].notices == ["model unreachable: offline answer"]

    def test_an_empty_result_list_summarizes_to_none(self):
        totals = summarize([])
        assert totals["n"] == 0
        assert all(totals[m] is None for m in METRICS)

    def test_grouping_by_category_and_language(self):
        results = [
            score(make_question(id="a", lang="en", category="out_of_scope"), Answer(text="", refused=True)),
            score(make_question(id="b", lang="zh", category="out_of_scope"), Answer(text="")),
            score(make_question(id="c", lang="zh", gold_citations=[{"doc": LAW}]), Answer(text="", retrieved=[item(LAW, 3)])),
        ]
        by_lang = group_by(results, "lang")
        assert list(by_lang) == ["en", "zh"]
        assert by_lang["en"]["refusal_accuracy"] == 1.0 and by_lang["zh"]["refusal_accuracy"] == 0.0
        assert by_lang["zh"]["n"] == 2
        assert group_by(results, "category")["lookup"]["retrieval_recall_at_5"] == 1.0

    def test_the_report_carries_every_documented_key(self):
        q = make_question(gold_citations=[{"doc": LAW, "article": 30}], gold_dates=["2026-04-01"], must_mention=["30"])
        answer = Answer(
            text="Apply within 30 days, by 2026-04-01.",
            citations=[cite(LAW, 30)],
            retrieved=[item(LAW, 30)],
            deadlines=[deadline("2026-04-01")],
        )
        report = build_report([score(q, answer, latency_ms=12.5)], mode="offline")
        for key in ("n", *METRICS, "latency_p50_ms", "latency_p95_ms", "by_category", "by_lang", "results"):
            assert key in report
        assert report["meta"] == {"mode": "offline"}
        row = report["results"][0]
        for key in ("id", "retrieved", "citations", "dates", "refused", "answer", "latency_ms", "passed"):
            assert key in row
        assert row["ok"] is True and row["dates"] == ["2026-04-01"]
        json.dumps(report)  # serialisable as is
