"""A visa letter standing for two visas ("a Q visa": Q1 for residence, Q2 for a short visit): a
residence permit's deadline counted from the entry is the residence visa's, and the answer says so."""

from __future__ import annotations

import datetime as dt

import pytest

from regchat.answering import Engine
from regchat.answering.visa_families import _data, families, residence_line, unnumbered_family
from regchat.settings import PROJECT_ROOT

TODAY = dt.date(2026, 3, 9)


@pytest.fixture(scope="module")
def engine(retriever, shipped_settings):
    return Engine(retriever, shipped_settings)


def test_each_pair_is_issued_in_the_regulations_own_words():
    text = (PROJECT_ROOT / "corpus" / "cn-foreigner-entry-exit-regulations.md").read_text(encoding="utf-8")
    for family in _data()["families"]:
        for words in family["corpus"]:
            assert words in text, (family["letter"], words)


@pytest.mark.parametrize(
    ("text", "letter"),
    [
        ("She came in on a Q visa last week", "Q"),
        ("my son is here on an X-visa", "X"),
        ("他拿S字签证入境", "S"),
        ("办了Q签过来的", "Q"),
    ],
)
def test_a_letter_alone_names_its_family(text, letter):
    assert unnumbered_family(text).letter == letter


@pytest.mark.parametrize(
    "text",
    [
        "She came in on a Q2 visa last week",  # the number says which
        "a Q visa, I think Q1",
        "我拿的是L签证",  # a letter of one visa only
        "an X visa or an S visa?",  # two families: no one line fits
        "Questions about visas",
    ],
)
def test_no_family_is_named_alone(text):
    assert unnumbered_family(text) is None


def test_the_line_names_both_visas_in_the_readers_language():
    q = next(f for f in families() if f.letter == "Q")
    assert "Q1" in residence_line(q, "en") and "Q2" in residence_line(q, "en")
    assert residence_line(q, "zh").startswith("（Q字签证分为Q1和Q2")


def test_a_residence_permit_deadline_from_entry_on_a_letter_alone_says_it_is_the_residence_visas(engine):
    answer = engine.answer("My husband entered on a Q visa on 10 February to live with me. By when the residence permit?", today=TODAY)
    assert "2026-03-12" in answer.text
    assert "this deadline is the Q1's" in answer.text


def test_a_numbered_visa_needs_no_such_line(engine):
    answer = engine.answer("My husband entered on a Q1 visa on 10 February to live with me. By when the residence permit?", today=TODAY)
    assert "2026-03-12" in answer.text
    assert "Q1's" not in answer.text
