"""An article's parts, the parts one refers back to, and how a citation names what is quoted."""

from __future__ import annotations

from regchat.parts import Part, pinpoint, referred, split_parts

RULE_AND_FINE = "\n".join([
    "提供虚假材料骗取证件的，处二千元以上一万元以下罚款。",
    "单位有前款行为的，处一万元以上五万元以下罚款。",
    "本条所列罚款由县级以上公安机关决定。",
])

LIST_THEN_BACK = "\n".join([
    "Any of the following is fined:",
    "(1) failing to register a stay;",
    "(2) failing to report a change.",
    "Where item (1) of the preceding paragraph is serious, the person may be detained.",
])


def test_a_paragraph_that_speaks_of_the_one_before_it_refers_to_it():
    parts = split_parts(RULE_AND_FINE)
    assert referred(parts, parts[1]) == [parts[0]]


def test_a_paragraph_that_refers_to_nothing_before_it_needs_nothing():
    parts = split_parts(RULE_AND_FINE)
    assert referred(parts, parts[0]) == [] and referred(parts, parts[2]) == []


def test_two_paragraphs_back_are_both_referred_to():
    parts = split_parts(RULE_AND_FINE + "\n违反前两款规定的，予以警告。")
    assert referred(parts, parts[3]) == parts[1:3]


def test_an_item_named_of_the_paragraph_before_brings_its_lead_in_and_that_item_only():
    parts = split_parts(LIST_THEN_BACK)
    lead, first, second, back = parts
    assert referred(parts, back) == [lead, first]


def test_the_english_translation_refers_back_in_its_own_words():
    parts = split_parts("A school consents first.\nWhere the permit lacks the information in the preceding paragraph, no internship.")
    assert referred(parts, parts[1]) == [parts[0]]


def test_a_quote_holding_the_paragraph_referred_to_is_cited_by_both_paragraphs():
    part = Part(2, None, "单位有前款行为的……")
    assert pinpoint(74, part, "zh", paragraphs=2, several=(1, 2)) == "第七十四条第一款、第二款"
    assert pinpoint(22, part, "en", paragraphs=2, several=(1, 2)) == "Art. 22, paras. 1-2"
    assert pinpoint(74, part, "zh", paragraphs=2) == "第七十四条第二款"
    assert pinpoint(22, Part(2, 3, "(3) x", "lead"), "en", paragraphs=2, several=(2,)) == "Art. 22, para. 2(3)"


def test_two_paragraphs_quoted_apart_are_both_named_and_nothing_between():
    part = Part(1, None, "...")
    assert pinpoint(60, part, "en", paragraphs=3, several=(1, 3)) == "Art. 60, paras. 1, 3"
    assert pinpoint(60, part, "zh", paragraphs=3, several=(1, 3)) == "第六十条第一款、第三款"
