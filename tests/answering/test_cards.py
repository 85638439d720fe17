"""A card named loosely ("my work card", 工作证) by a question about both the mainland and Macao
is asked back: the two places' cards follow different rules."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from regchat.answering import Engine
from regchat.answering.cards import _data, cards, unclear_card, which_card_line
from regchat.settings import PROJECT_ROOT

TODAY = dt.date(2026, 3, 10)


@pytest.fixture(scope="module")
def engine(retriever, shipped_settings):
    return Engine(retriever, shipped_settings)


def test_each_card_reaches_the_document_that_governs_it():
    for record in _data()["cards"]:
        texts = [p.read_text(encoding="utf-8") for p in (PROJECT_ROOT / "corpus").glob(f"{record['reaches']}*.md")]
        assert texts, record["reaches"]
        for word in record["corpus"]:
            assert any(word in text for text in texts), (record["place"], word)


@pytest.mark.parametrize(
    "text",
    [
        "我们在澳门和珠海都有外籍员工，其中一个人的工作证丢了，补办流程是怎样的？",
        "Customer lost his work card yesterday; we have addresses for him in both Zhuhai and Taipa.",
        "我们在横琴和澳门都有员工，有个同事说他的卡过期了，怎么续？",  # "his card", said in Chinese
    ],
)
def test_a_loose_name_about_both_places_is_unclear(text):
    assert [c.place for c in unclear_card(text, both_places=True)] == ["CN", "MO"]


@pytest.mark.parametrize(
    "text",
    [
        "我们在澳门和珠海都有员工，他的外雇证丢了",  # the card's own name
        "Staff in Zhuhai and Macao: one lost his blue card",
        "Staff in Zhuhai and Macao: one lost her blue-card",
        "我们在澳门和珠海都有员工，他的银行卡丢了",  # a card of no permit: not "his card" alone
        "去澳门打工，要不要办内地那种外籍人员工作证？",  # the place qualifies the loose name
        "Staff in Zhuhai and Macao: one lost his passport",  # no card at all
    ],
)
def test_a_card_named_by_its_own_name_or_its_place_is_clear(text):
    assert unclear_card(text, both_places=True) == ()


def test_a_loose_name_with_one_place_is_that_places_card():
    assert unclear_card("他的工作证丢了", both_places=False) == ()


def test_the_clarifying_line_names_both_cards_in_the_readers_language():
    assert which_card_line(cards(), "zh").startswith("请问是哪一张证：中国内地的《外国人工作许可证》，还是澳门")
    assert re.match(r"Which card do you mean: the mainland's .+, or Macao's .+\?", which_card_line(cards(), "en"))


def test_the_engine_asks_which_card_and_quotes_each_places_document(engine):
    answer = engine.answer("我们在澳门和珠海都有外籍员工，其中一个人的工作证丢了，补办流程是怎样的？", today=TODAY)
    assert answer.outcome == "clarify" and answer.text.startswith("请问是哪一张证")
    assert {c.doc_id for c in answer.citations} == {"cn-work-permit-card", "mo-non-resident-worker-card"}


def test_a_question_comparing_the_two_places_is_answered(engine):
    answer = engine.answer("Compare how a lost work card is reissued in mainland China and in Macao.", today=TODAY)
    assert answer.outcome != "clarify"
