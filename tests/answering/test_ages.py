"""The age a message tells, and the ages a provision singles out: a child's or an old person's
age is answered first from the provision stating the rule for it."""

from __future__ import annotations

import datetime as dt

import pytest

from regchat.answering import Engine
from regchat.answering.ages import age_rules, ages_told, singled_out

TODAY = dt.date(2026, 5, 4)


@pytest.fixture(scope="module")
def engine(retriever, shipped_settings):
    return Engine(retriever, shipped_settings)


@pytest.mark.parametrize(("text", "n"), [("七十", 70), ("十六", 16), ("二十一", 21), ("18", 18), ("一", 1)])
def test_an_age_in_chinese_numerals_or_digits(text, n):
    assert ages_told(f"他今年{text}岁") == [n]
    assert age_rules(f"已满{text}周岁") == [("from", n)]


@pytest.mark.parametrize(
    ("text", "ages"),
    [
        ("Grandpa is 81 and lives with us", [81]),
        ("our 12-year-old daughter", [12]),
        ("my mother (66, Dutch) came in March", [66]),
        ("she's 8 yo", [8]),
        ("奶奶今年七十五岁了", [75]),
        ("儿子14周岁", [14]),
        ("she is 30 days over her stay", []),  # days, not an age
        ("the fine is 5000 yuan", []),
        ("16岁以上的都要带护照吗", []),  # a limit asked about, not someone's age
    ],
)
def test_the_ages_a_message_tells(text, ages):
    assert ages_told(text) == ages


def test_the_ages_a_text_singles_out_in_either_language():
    assert age_rules("（三）未满十六周岁或者已满七十周岁的；") == [("below", 16), ("from", 70)]
    assert age_rules("he/she is under 16 years of age or attains 60 years of age") == [("below", 16), ("from", 60)]


def test_only_a_childs_or_an_old_persons_age_is_singled_out():
    assert singled_out([75], [("from", 70)]) and singled_out([9], [("below", 16)])
    assert not singled_out([40], [("from", 16)])  # an adult's rule says nothing of anyone in particular
    assert not singled_out([19], [("below", 18)])


def test_an_old_persons_age_is_answered_from_the_rule_for_it(engine):
    answer = engine.answer("我外公今年七十八岁，被带走说要拘留审查，他这个年纪也能被关吗？", today=TODAY)
    assert answer.citations[0].article == 61
    assert "已满七十周岁" in answer.text


def test_a_childs_age_asked_of_a_rule_that_speaks_of_ages_itself_keeps_that_rule(engine):
    # carrying a passport from 16 (Law Art. 38) answers; a rule for those under 16 elsewhere does not
    answer = engine.answer("我家老二13岁，英国籍，住在广州，放学后自己出去玩。规定上他得一直随身带着护照吗？", today=TODAY)
    assert answer.citations[0].article == 38


def test_an_age_told_without_its_unit_this_year_is_read():
    assert ages_told("她今年71了，也被带走了") == [71]
    assert ages_told("今年3月了") == []
