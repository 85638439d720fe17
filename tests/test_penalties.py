"""The penalty links (``corpus/penalties.json``): each duty's provision names the part of the Law
that punishes its breach, quoted in the Law's own words; and an answer to "what if the duty is not
met?" quotes that part beside the duty."""

from __future__ import annotations

import datetime as dt

import pytest

from regchat.answering import Engine
from regchat.errors import DocumentError
from regchat.parts import plain
from regchat.penalties import load_penalties, parse_penalties

TODAY = dt.date(2026, 12, 1)
PENALTIES = load_penalties()




def test_the_shipped_file_has_links():
    assert len(PENALTIES) >= 10


@pytest.mark.parametrize("link", PENALTIES.all, ids=lambda link: f"{link.duty_article}->{link.article}")
def test_every_link_joins_two_provisions_of_the_corpus_in_the_penalty_texts_own_words(link, shipped_provisions):
    assert (link.duty_doc, link.duty_article, None) in shipped_provisions
    penalty = shipped_provisions[(link.doc_id, link.article, None)]
    official = penalty.official_text(TODAY)
    assert official is not None and plain(link.text) in plain(official.text)


def test_links_are_found_by_the_duty():
    found = PENALTIES.of("cn-exit-entry-law", 33)
    assert [(link.doc_id, link.article) for link in found] == [("cn-exit-entry-law", 76)]
    assert PENALTIES.of("cn-exit-entry-law", 1) == []


def test_a_link_without_its_penalty_text_is_an_error_naming_it():
    with pytest.raises(DocumentError, match="penalty link 1"):
        parse_penalties({"links": [{"duty": {"doc": "d", "article": 1}, "penalty": {"doc": "d", "article": 2}}]})


def test_a_corpus_without_the_file_has_no_links(tmp_path):
    assert len(load_penalties(tmp_path)) == 0


@pytest.fixture(scope="module")
def engine(retriever, shipped_settings):
    return Engine(retriever, shipped_settings)


@pytest.mark.parametrize(
    "question, penalty",
    [
        ("My passport was renewed on 2026-11-20, so the number on my residence permit is old. By when must I "
         "update it, and will I be fined if I do it late?", 76),
        ("我们公司的外籍员工换了新护照，居留证件还没变更。要是拖着不办，会被罚款吗？", 76),
    ],
)
def test_asking_what_follows_a_missed_duty_quotes_the_penalty_part_beside_the_duty(engine, question, penalty):
    answer = engine.answer(question, today=TODAY)
    articles = [c.article for c in answer.citations if c.doc_id == "cn-exit-entry-law"]
    assert 33 in articles and penalty in articles
    assert "二千元以下罚款" in answer.text or "2,000 yuan" in answer.text or "2000" in answer.text


def test_asking_how_a_matter_is_handled_asks_no_penalty(engine):
    answer = engine.answer("我的居留许可下个月到期，想申请延长居留期限，这要怎么处理？", today=TODAY)
    assert 78 not in [c.article for c in answer.citations if c.doc_id == "cn-exit-entry-law"]
