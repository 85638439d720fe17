"""A card named loosely ("my work card", 工作证) by a question about both the mainland and Macao
is asked back: the two places' cards follow different rules."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from regchat.answering import Engine
from regchat.answering.cards import _data, cards, cards_not_asked_about, names_a_card, names_loosely, unclear_card, which_card_line
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
        "珠海和澳门两边都有同事，有人说上班用的那张卡不见了，怎么补？",  # "that card"
        "珠海和澳门两边都有同事，阿May说她的“卡”丢了。",  # the card in quotation marks
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


@pytest.mark.parametrize(
    "text",
    [
        "My residence permit was pickpocketed on the bus; how do I get a new one?",
        "我的居留证件被偷了，怎么补办？",
        "Our engineer's visa page got torn, what now?",
        # the work permit as one of the two permissions to work, and the permanent resident's own ID card
        "Before she starts, must we get her a work permit plus a work-type residence permit?",
        "他换了新公司，工作许可和工作类居留证件都要重新办吗？",
        "He holds a permanent residence ID card; may he start at our firm straight away?",
    ],
)
def test_a_message_naming_another_document_and_no_card_asks_about_no_card(text):
    assert {c.place for c in cards_not_asked_about(text)} == {"CN", "MO"}


@pytest.mark.parametrize(
    "text",
    [
        "My residence permit and my work permit were both in the stolen bag.",  # what the card permits
        "居留证件和外雇证都丢了",  # the Macao card by its name
        "My residence permit and my card were stolen",  # a card named loosely may be either
    ],
)
def test_a_card_named_in_any_way_is_asked_about(text):
    assert {c.place for c in cards_not_asked_about(text)} != {"CN", "MO"}


def test_the_card_guide_makes_way_for_the_provisions_on_the_document_named(engine):
    # the guide to reissuing a lost work permit card is no answer to a lost residence permit
    hits = engine._search(engine_reading(engine, "A thief took my residence permit with my wallet. What do I do about it now?"))
    assert not any(h.provision.doc_id == "cn-work-permit-card" for h in hits)


def test_a_message_naming_the_card_still_finds_its_guide(engine):
    hits = engine._search(engine_reading(engine, "A thief took my work permit card with my wallet. What do I do about it now?"))
    assert any(h.provision.doc_id == "cn-work-permit-card" for h in hits)


def engine_reading(engine, text):
    from regchat.answering.questions import read_question

    return read_question(text, [], TODAY, engine.retriever.provisions)


@pytest.mark.parametrize(
    "text", ["his permit runs out on 31 July", "Mr. Lee's permit expires soon", "我的证下个月到期", "my card expires"]
)
def test_a_permit_or_card_named_loosely_may_be_a_card(text):
    assert names_loosely(text)


@pytest.mark.parametrize(
    "text", ["his residence permit expires", "my work permit card expires", "我的外雇证下个月到期", "I need a permit"]
)
def test_a_thing_named_fully_is_not_loose(text):
    assert not names_loosely(text)


def test_a_date_of_a_loosely_named_permit_gives_each_readings_date_and_says_the_card_has_no_deadline(engine):
    answer = engine.answer(
        "HR here: one of our analysts, his permit runs out on 31 July. Which day is the last to hand in the renewal?",
        today=dt.date(2026, 6, 22),
    )
    assert answer.outcome == "clarify"
    assert "2026-07-01" in answer.text  # if it is the residence permit: 30 days before its expiry
    assert "Work Permit card: the documents set no deadline" in answer.text
    assert "cn-work-permit-card" in {c.doc_id for c in answer.citations}


def test_the_same_date_of_a_residence_permit_is_answered(engine):
    answer = engine.answer(
        "HR here: one of our analysts, his residence permit runs out on 31 July. Which day is the last to hand in the renewal?",
        today=dt.date(2026, 6, 22),
    )
    assert answer.outcome == "answered" and "2026-07-01" in answer.text
    assert "Work Permit card" not in answer.text


def test_a_date_of_a_work_permit_is_the_cards_or_the_residence_permits_not_a_visas_stay(engine):
    # people say "work permit" of the work-type residence permit too; a permit is no visa
    answer = engine.answer("My work permit runs out on 30 September. Last day to apply to renew it?", today=dt.date(2026, 8, 1))
    assert answer.outcome == "clarify"
    assert "2026-08-31" in answer.text and "Work Permit card: the documents set no deadline" in answer.text
    assert "duration of stay" not in answer.text


def test_the_card_reading_is_kept_when_no_date_is_computed(engine):
    # the guide is cited though retrieval did not find it: the answer looked it up
    answer = engine.answer("Her permit runs out on the 30th. Latest day we can hand in the extension?", today=dt.date(2026, 6, 10))
    assert answer.outcome == "clarify"
    assert "Work Permit card: the documents set no deadline" in answer.text


@pytest.mark.parametrize("text", ["How does one get a Chinese green card?", "绿卡能被取消吗？"])
def test_a_green_card_is_no_card_of_the_guides(text):
    assert not names_a_card(text)


@pytest.mark.parametrize("text", ["He lost his card on the bus.", "那张卡丢了"])
def test_a_card_named_at_all_is_one(text):
    assert names_a_card(text)
