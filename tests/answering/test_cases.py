"""Cases a message asks about that one part of a provision states for them alone (``data/cases.json``):
asked what the company will be fined for employing foreigners without permits, the answer quotes
the paragraph on whoever employs (Law Art. 80 para. 3), not the one on whoever introduces the work,
which also names organisations (单位)."""

from __future__ import annotations

import datetime as dt

import pytest

from regchat.answering import Engine
from regchat.answering.cases import cases, cases_asked

TODAY = dt.date(2026, 6, 1)
EMPLOYERS = "非法聘用外国人的"


@pytest.mark.parametrize("case", cases(), ids=lambda c: c.name)
def test_each_case_names_the_words_of_its_part_in_its_provisions_official_text(case, shipped_provisions):
    doc, _, article = case.provision.partition("#")
    official = shipped_provisions[(doc, int(article), None)].official_text(TODAY)
    assert official is not None and case.corpus in official.text


@pytest.mark.parametrize(
    "question",
    [
        "我们厂用了三个没有工作许可的越南工人，被查到的话工厂要罚多少？",
        "Our cook has no work permit. How much can the restaurant be fined for it?",
        "她在一家培训机构兼职，没办加注。那家培训机构会不会也被罚？",
    ],
)
def test_a_question_asking_of_the_employer_asks_the_employers_case(question):
    assert cases_asked(question) == (EMPLOYERS,)


@pytest.mark.parametrize(
    "question",
    [
        # the employer only in the story: the worker's own fine is asked
        "他在一家公司上班，没有工作许可。他本人会被罚多少？",
        # ... or only in a clause of the asking sentence telling where the worker works
        "有个交换生周末在校外一家饭馆帮厨，拿现金，这样的话交换生本人要罚多少？",
        # an agency is who introduces the work, not who employs
        "那家中介机构会不会被罚？",
        "我帮两个朋友介绍了工厂的活儿，被查到的话我本人会被罚多少？",
        "And the recruitment agency that placed him with the company?",
    ],
)
def test_an_employer_only_told_or_an_agency_is_no_employers_case(question):
    assert cases_asked(question) == ()


@pytest.fixture(scope="module")
def engine(retriever, shipped_settings):
    return Engine(retriever, shipped_settings)


def test_each_sentence_that_asks_is_read_for_its_own_party():
    assert cases_asked("我们餐厅最多会被罚多少？那家中介公司呢？") == (EMPLOYERS,)


def test_the_employers_fine_asked_is_quoted_from_the_employers_paragraph(engine):
    question = ("我在杭州开了一家西餐厅，通过熟人介绍找了两个拿旅游签证的外国人当服务员，没办任何工作手续。"
                "万一被查，我们餐厅要罚多少钱？")
    answer = engine.answer(question, today=TODAY)
    assert "每非法聘用一人一万元" in answer.text


def test_the_employers_fine_asked_after_a_duty_answered_before_is_quoted_from_the_employers_paragraph(engine):
    # the second question's penalty is the one linked to the first answer's duty (Regulations Art. 22):
    # asked of the company, the employer's paragraph is quoted too
    question = ("两个问题：1. 浙大一位持学习类居留证件的研究生想到我们设计公司实习三个月，每周两天，需要办哪些手续？"
                "2. 要是我们不办手续就让她来，公司会受什么处罚？")
    answer = engine.answer(question, today=TODAY)
    second = answer.text.split("（2）")[1]
    assert "每非法聘用一人一万元" in second
