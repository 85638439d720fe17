"""Quantities of time a message gives ("30 hours", "两年") and the limits a provision states
("不超过二十四小时", "五年内不准入境"), and how they compare: a number the user gives is
weighed against the text's, in the words of neither (pure functions)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..parsing import ZH_NUMERAL, chinese_to_int
from .language import Lang


@dataclass(frozen=True)
class Quantity:
    """An amount of one unit of time, as written ("30 hours", "二十四小时")."""

    amount: int
    unit: str  # "hour" or "year"
    written: str


# Hours and years only: the documents' bounds of hours (a transit, a registration, a questioning) and of
# years (a ban on entry, a permit's validity) are few, each of one thing; their bounds of days and months
# are many (a stay, a report, a decision, a processing time), and a figure of days a message gives is
# weighed against the wrong one as often as not.
_UNITS_EN = {"hour": "hour", "hr": "hour", "year": "year"}
_UNITS_ZH = {"小时": "hour", "钟头": "hour", "年": "year"}

_EN = re.compile(r"(?<![\w.,])(\d{1,4})[\s-]*(hours?|hrs?|years?)\b", re.I)
_EN_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
             "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty-eight": 48, "sixty": 60,
             "ninety": 90}
_EN_WORDED = re.compile(rf"\b({'|'.join(sorted(_EN_WORDS, key=len, reverse=True))})[\s-]+(hours?|years?)\b", re.I)
# (a calendar year, 2026年, is a date, not an amount, and 哪一年 asks one; 个 before the unit is the
# measure word, 两个小时)
_ZH = re.compile(rf"(?<![\d哪那这每同第])({ZH_NUMERAL})个?(小时|钟头|年)(?!级)")

# Words with which a text sets a bound on the amount it names ("不超过二十四小时", "within 24 hours").
_BOUND_EN = re.compile(
    r"\b(?:not (?:to )?exceed(?:ing)?|no (?:more|longer) than|more than|less than|at least|up to|within|exceeds?|over)\s+$", re.I)
_BOUND_ZH = re.compile(r"(?:不超过|不得超过|超过|不满|满|不少于|少于|未满|在)$")
_BOUND_ZH_AFTER = re.compile(r"^(?:以上|以下|以内|之内|内)")


def _unit_en(word: str) -> str:
    return _UNITS_EN[word.lower().rstrip("s")]


def given(text: str) -> list[Quantity]:
    """The amounts of hours and years ``text`` names, in order: "30 hours", "two years", "三十个小时", "两年"."""
    found: list[tuple[int, Quantity]] = []
    for m in _EN.finditer(text):
        found.append((m.start(), Quantity(int(m.group(1)), _unit_en(m.group(2)), m.group(0))))
    for m in _EN_WORDED.finditer(text):
        found.append((m.start(), Quantity(_EN_WORDS[m.group(1).lower()], _unit_en(m.group(2)), m.group(0))))
    for m in _ZH.finditer(text):
        if m.group(2) == "年" and m.group(1).isdigit() and len(m.group(1)) == 4:
            continue  # (2026年: a year)
        try:
            number = chinese_to_int(m.group(1))
        except ValueError:
            continue
        found.append((m.start(), Quantity(number, _UNITS_ZH[m.group(2)], m.group(0))))
    return [q for _, q in sorted(found, key=lambda f: f[0]) if q.amount > 0]


def bounds(text: str) -> list[Quantity]:
    """The amounts of time ``text`` sets a bound on ("不超过二十四小时", "within 48 hours", "五年以内"):
    those a figure can be weighed against."""
    out = []
    for q in given(text):
        at = text.find(q.written)
        before, after = text[max(0, at - 24):at], text[at + len(q.written):]
        if _BOUND_EN.search(before) or _BOUND_ZH.search(before) or _BOUND_ZH_AFTER.match(after):
            out.append(q)
    return out


_RELATION = {"en": {1: "more than", -1: "less than"}, "zh": {1: "多于", -1: "少于"}}


def weighed(asked: str, stated: str, lang: Lang) -> list[str]:
    """For each amount ``asked`` gives whose unit a bound of ``stated`` has, one line saying how the
    two compare: "The figure you give, 30 hours, is more than the 24 hours this provision states."
    Nothing when they share no unit: a figure is never weighed against another kind of time."""
    # (a figure written as the text writes it is the text's own, said again: "不到24小时要签证吗？")
    limits, figures = bounds(stated), [q for q in given(asked) if q.written not in stated]
    out: list[str] = []
    for unit in dict.fromkeys(q.unit for q in figures):
        mine = {q.amount: q for q in figures if q.unit == unit}
        theirs = {b.amount for b in limits if b.unit == unit}
        if len(mine) != 1 or len(theirs) != 1:
            continue  # (several figures or several bounds of one unit: which meets which is not for a count to say)
        (amount, q), bound = next(iter(mine.items())), Quantity(theirs.pop(), unit, "")
        if amount == bound.amount:
            continue  # (the text's own figure, written otherwise: "一年" for "1年", said again)
        relation = _RELATION[lang][(amount > bound.amount) - (amount < bound.amount)]
        if lang == "zh":
            out.append(f"您给出的{q.written}，{relation}本条所说的{spoken(bound, lang)}。")
        else:
            out.append(f"The figure you give, {q.written}, is {relation} the {spoken(bound, lang)} this provision states.")
    return out


_SPOKEN = {"en": {"hour": "hours", "year": "years"}, "zh": {"hour": "小时", "year": "年"}}


def spoken(q: Quantity, lang: Lang) -> str:
    """``q`` in the reader's language: "24 hours", "24小时"."""
    if lang == "zh":
        return f"{q.amount}{_SPOKEN['zh'][q.unit]}"
    return f"{q.amount} {_SPOKEN['en'][q.unit][:-1] if q.amount == 1 else _SPOKEN['en'][q.unit]}"
