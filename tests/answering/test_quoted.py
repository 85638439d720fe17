"""Terms a message quotes: a name copied from an official page names the one or two provisions
using it word for word, and those are searched first."""

from __future__ import annotations

import datetime as dt

import pytest

from regchat.answering import Engine
from regchat.answering.quoted import named_by_quotes, quoted_terms

TODAY = dt.date(2026, 6, 8)


@pytest.fixture(scope="module")
def engine(retriever, shipped_settings):
    return Engine(retriever, shipped_settings)


@pytest.mark.parametrize(
    "text, terms",
    [
        ("The letter mentions a 'Special Authorization to Stay' for relatives.", ["Special Authorization to Stay"]),
        ("通知上写着“居留及逗留事务厅”，是哪个部门？", ["居留及逗留事务厅"]),
        ('He said "within 30 days" applies to everyone.', []),  # a figure is a claim, not a name
        ("It's the employer's job, isn't it? I'm not sure.", []),  # apostrophes quote nothing
        ('They called it "urgent".', []),  # one word names nothing
    ],
)
def test_the_terms_a_message_quotes(text, terms):
    assert quoted_terms(text) == terms


def test_a_quoted_term_names_only_the_few_provisions_using_it(shipped_provisions):
    provisions = list(shipped_provisions.values())
    named = named_by_quotes("I read about a 'Special Authorization to Stay' on their website.", provisions)
    assert {key.split("#")[0] for key in named} == {"mo-non-resident-worker-card"} and len(named) == 1
    assert named_by_quotes("Someone said 'exit/entry administrations of public security organs' handle it.", provisions) == set()
    assert named_by_quotes("He called it 'a yellow paper thing'.", provisions) == set()


def test_a_long_story_quoting_a_status_is_answered_from_the_provision_naming_it(engine):
    question = ("My wife drives a delivery van in Macao on the blue card; her employment authorization was renewed "
                "in March and her card renewed after it. Our son is 9 and stays with my mother in Davao. A friend "
                "told me there is a 'Special Authorization to Stay' for relatives of workers. Can our son get one, "
                "and how long is it valid?")
    answer = engine.answer(question, today=TODAY)
    assert "Special Authorization to Stay" in answer.text.split("\n\n")[0]
