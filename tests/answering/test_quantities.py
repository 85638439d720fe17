"""Quantities of time a message gives, the bounds a provision sets, and how they compare."""

import pytest

from regchat.answering.quantities import bounds, given, weighed

# (Law Art. 22 item (3) and Art. 81 para. 3, official text)
TRANSIT = "在中国境内停留不超过二十四小时且不离开口岸"
EXPELLED = "被驱逐出境的外国人，自被驱逐出境之日起十年内不准入境"


@pytest.mark.parametrize(
    "text, amounts",
    [
        ("the layover is 36 hours", [(36, "hour")]),
        ("we waited two hours, then 3 hrs", [(2, "hour"), (3, "hour")]),
        ("等了三十个小时，住了两年", [(30, "hour"), (2, "year")]),
        # a calendar year is a date and 哪一年 asks one; days and months are not weighed (see the module)
        ("2026年到期，哪一年能回来？住了30天，三个月", []),
    ],
)
def test_a_message_gives_amounts_of_hours_and_years_not_dates(text, amounts):
    assert [(q.amount, q.unit) for q in given(text)] == amounts


def test_a_bound_is_an_amount_the_text_limits_not_every_amount_it_names():
    assert [(q.amount, q.unit) for q in bounds(TRANSIT)] == [(24, "hour")]
    assert [(q.amount, q.unit) for q in bounds(EXPELLED)] == [(10, "year")]
    assert bounds("the office decides two years after the visit") == []  # no word bounding it


def test_a_figure_is_weighed_against_the_bound_of_its_unit_in_the_readers_language():
    assert weighed("What if the connection were 30 hours?", TRANSIT, "en") == [
        "The figure you give, 30 hours, is more than the 24 hours this provision states."]
    assert weighed("要是转机只等十个小时呢？", TRANSIT, "zh") == ["您给出的十个小时，少于本条所说的24小时。"]
    assert weighed("有人说三年就能回来，到底多少年？", EXPELLED, "zh") == ["您给出的三年，少于本条所说的10年。"]


@pytest.mark.parametrize(
    "asked",
    [
        "Can she stay 3 years?",  # years against hours: another kind of time
        "He waited 30 hours, then 40 hours: which counts?",  # two figures of one unit: which meets the bound?
        "不到二十四小时也要签证吗？",  # the text's own figure said again
        "转机正好24个小时，可以吗？",  # ... or written otherwise
    ],
)
def test_nothing_is_said_where_a_count_cannot_tell(asked):
    assert weighed(asked, TRANSIT, "en") == []
