"""Events of a life a message tells (a death, a birth in China): the message is answered first from
the close provision stating the duty the event brings, not from those sharing more of its words."""

from __future__ import annotations

import datetime as dt

import pytest

from regchat.answering import Engine
from regchat.answering.events import events, events_told

TODAY = dt.date(2026, 6, 8)


@pytest.fixture(scope="module")
def engine(retriever, shipped_settings):
    return Engine(retriever, shipped_settings)


def test_every_word_stating_an_event_is_the_official_texts_own(shipped_provisions):
    for event in events():
        for word in event.stated:
            assert any(word in p.all_text() for p in shipped_provisions.values()), word


@pytest.mark.parametrize(
    "text, stated",
    [
        ("Our colleague passed away in hospital on Friday.", ("死亡证明",)),
        ("我公公上个月在上海病逝了。", ("死亡证明",)),
        ("My wife gave birth in Shenzhen on 3 May.", ("出生证明",)),
        ("宝宝出生两周了，还没办手续。", ("出生证明",)),
        ("Her switch to a new employer in Taipa was approved on Monday.", ("transfer to another employing entity",)),
        ("他在澳门转换雇主已经批了。", ("transfer to another employing entity",)),
        ("Do we have to tell anybody he's left?", ("聘用的外国人离职",)),
        ("公司要不要去报备他离职？", ("聘用的外国人离职",)),
    ],
)
def test_an_event_told_is_read_as_the_texts_state_it(text, stated):
    assert events_told(text) == stated


@pytest.mark.parametrize(
    "text",
    [
        "I was born in Canada and moved here in 2019.",  # the asker's own birth abroad, no birth in China
        "My date of birth is wrong on the permit.",
        "He says his residence permit dies the day it expires.",  # a permit running out, no death
        "He has left China for good.",  # a departure from the country, no job ended
        "他去年已经离职回国了，现在还能罚公司吗？",  # a resignation told beside a question that asks no report
        "The project is dead, so she leaves in May.",
        "气死了！签证被拒了，领馆一句理由都不给。",  # furious, nobody died
    ],
)
def test_no_event_is_told(text):
    assert events_told(text) == ()


def test_a_death_told_is_answered_from_the_familys_report_first(engine):
    answer = engine.answer("My mother-in-law, who lived with us in Xiamen on a family residence permit, "
                           "died on Tuesday. What must we do with her permit?", today=TODAY)
    first = answer.citations[0]
    assert (first.doc_id, first.article) == ("cn-exit-entry-law", 40)


@pytest.mark.parametrize(
    "question",
    [
        "My brother drives for a bakery in Macao on the blue card; his transfer to a new employer got approved. "
        "Is it a renewal of the card now?",
        "我在澳门做外劳，转换雇主批下来了，外雇证是不是要续期？",
    ],
)
def test_an_approved_move_to_a_new_employer_in_macao_is_answered_from_the_cards_replacement(engine, question):
    answer = engine.answer(question, today=TODAY)
    assert answer.citations[0].doc_id == "mo-non-resident-worker-card"
    assert "transfer to another employing entity" in answer.text or "转换雇主" in answer.text


def test_the_events_step_comes_first_and_what_is_asked_of_it_beside_it(engine):
    answer = engine.answer("我是广西人，在澳门茶楼做点心师傅，拿外雇证。原来的老板月底结业，新老板那边已经批了转雇主。"
                           "证上面写的还是旧公司，要去办什么手续？在哪里办？得满足什么条件？", today=TODAY)
    assert "转换雇主" in answer.text and "氹仔" in answer.text and answer.outcome != "not_stated"


def test_a_birth_told_beside_a_registration_asked_is_answered_from_the_babys_registration(engine):
    answer = engine.answer("我们公司一位德国籍员工，他太太上个月在广州生了个儿子，宝宝要去哪里办什么登记？要带什么？",
                           today=TODAY)
    first = answer.citations[0]
    assert (first.doc_id, first.article) == ("cn-exit-entry-law", 40)


def test_a_birth_the_story_only_tells_does_not_make_the_babys_registration_the_answer(engine):
    answer = engine.answer("We just had a baby in Suzhou. My mother-in-law from Utrecht wants to live with us for a "
                           "year to help. Which visa should she apply for?", today=TODAY)
    assert ("cn-exit-entry-law", 40) not in [(c.doc_id, c.article) for c in answer.citations]
