"""Dates written in questions and answers, found and turned into ``date``s.

Forms understood (English and Chinese):

* ISO and numeric: ``2026-03-02``, ``2026/3/2``, ``2026.03.02``
* English: ``2 March 2026``, ``2nd of March, 2026``, ``March 2, 2026``, ``Mar 2``,
  ``2 March`` (no year)
* Chinese: ``2026年3月2日``, ``3月2日`` / ``3月2号`` (no year)
* Relative, against ``today``: ``today``, ``yesterday``, ``tomorrow``,
  ``3 days ago``, ``in 2 weeks``, ``last Friday``; ``今天``, ``昨天``, ``前天``,
  ``明天``, ``后天``, ``三天前``, ``3天后``

A date written without a year is kept as a :class:`FoundDate` with
``year_given=False``; :func:`resolve` picks the year relative to ``today``,
preferring the past for events that already happened (entry, birth) and the
future for expiries.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

import dateparser

Prefer = Literal["past", "future", "nearest"]

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
_MONTH = r"(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"

_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def zh_number(text: str) -> int | None:
    """'15' -> 15, '十五' -> 15, '三十' -> 30, '二十一' -> 21, '一百八十' -> 180."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _ZH_DIGITS:
            current = _ZH_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


_ZH_NUM = r"[0-9零〇一二两三四五六七八九十百]+"

# Order matters: longer, more specific forms first; spans already taken are skipped.
_ABSOLUTE = [
    re.compile(r"(?<!\d)(?P<year>\d{4})[-/.](?P<mon>\d{1,2})[-/.](?P<day>\d{1,2})(?!\d)"),
    re.compile(r"(?P<year>\d{4})\s*年\s*(?P<mon>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*[日号]?"),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.I),
]
_YEARLESS = [
    re.compile(r"(?<![\d年])(?P<mon>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*[日号]"),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\b(?!\s*,?\s*\d{{4}})", re.I),
    re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?!\s*,?\s*\d{{4}})(?!\s*(?:days?|weeks?|months?|hours?))", re.I),
]
_EN_RELATIVE = re.compile(
    r"\b(?:today|yesterday|tomorrow|the day before yesterday|the day after tomorrow"
    r"|(?:\d+|a|an|one|two|three|four|five|six|seven|ten)\s+(?:days?|weeks?)\s+ago"
    r"|in\s+(?:\d+|a|an|one|two|three)\s+(?:days?|weeks?)"
    r"|(?:last|next)\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|week))\b",
    re.I,
)
_ZH_RELATIVE_WORDS = {"今天": 0, "今日": 0, "昨天": -1, "昨日": -1, "前天": -2, "明天": 1, "明日": 1, "后天": 2}
# "三十日前" is legal language for "30 days before (an expiry)", not "30 days ago": only 天 counts here.
_ZH_RELATIVE = re.compile(rf"(?P<word>今天|今日|昨天|昨日|前天|明天|明日|后天)|(?P<n>{_ZH_NUM})\s*(?P<unit>天|周|星期|个星期)(?P<dir>前|后|以前|以后|之前|之后)")


@dataclass(frozen=True)
class FoundDate:
    """A date mentioned in a text: where, how it was written, and its value."""

    text: str
    start: int
    end: int
    month: int
    day: int
    year: int | None  # None when the text gives no year
    relative: bool = False

    @property
    def year_given(self) -> bool:
        return self.year is not None

    def resolve(self, today: dt.date, prefer: Prefer = "nearest") -> dt.date | None:
        if self.year is not None:
            return _safe_date(self.year, self.month, self.day)
        return resolve_yearless(self.month, self.day, today, prefer)


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def resolve_yearless(month: int, day: int, today: dt.date, prefer: Prefer = "nearest") -> dt.date | None:
    """The year for a day and month written without one.

    ``past``: the latest such date on or before today (an entry or a birth);
    ``future``: the earliest on or after today (an expiry); ``nearest``: whichever
    of last, this and next year's is closest to today.
    """
    candidates = [d for y in (today.year - 1, today.year, today.year + 1) if (d := _safe_date(y, month, day))]
    if not candidates:
        return None
    if prefer == "past":
        past = [d for d in candidates if d <= today]
        return max(past) if past else min(candidates)
    if prefer == "future":
        future = [d for d in candidates if d >= today]
        return min(future) if future else max(candidates)
    return min(candidates, key=lambda d: abs((d - today).days))


def _month_of(text: str) -> int:
    return int(text) if text.isdigit() else MONTHS[text.lower().rstrip(".")]


def find_dates(text: str, today: dt.date | None = None) -> list[FoundDate]:
    """Every date written in ``text``, in order of appearance.

    Relative forms ("yesterday", "昨天") are found only when ``today`` is given.
    Impossible dates ("2026-02-30") are left out.
    """
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    def add(fd: FoundDate) -> None:
        found.append(fd)
        taken.append((fd.start, fd.end))

    for pattern in _ABSOLUTE:
        for m in pattern.finditer(text):
            if not free(m.start(), m.end()):
                continue
            month, day, year = _month_of(m["mon"]), int(m["day"]), int(m["year"])
            if _safe_date(year, month, day):
                add(FoundDate(m.group(0).strip(), m.start(), m.end(), month, day, year))
    for pattern in _YEARLESS:
        for m in pattern.finditer(text):
            if not free(m.start(), m.end()):
                continue
            if m.group("mon") == "may":  # the verb, not the month ("we may 2 ...")
                continue
            month, day = _month_of(m["mon"]), int(m["day"])
            if 1 <= month <= 12 and _safe_date(2024, month, day):  # 2024: a leap year admits 29 Feb
                add(FoundDate(m.group(0).strip(), m.start(), m.end(), month, day, None))
    if today is not None:
        for m in _EN_RELATIVE.finditer(text):
            if not free(m.start(), m.end()):
                continue
            value = _en_relative(m.group(0), today)
            if value:
                add(FoundDate(m.group(0), m.start(), m.end(), value.month, value.day, value.year, relative=True))
        for m in _ZH_RELATIVE.finditer(text):
            if not free(m.start(), m.end()):
                continue
            value = _zh_relative(m, today)
            if value:
                add(FoundDate(m.group(0), m.start(), m.end(), value.month, value.day, value.year, relative=True))
    return sorted(found, key=lambda f: f.start)


def _en_relative(phrase: str, today: dt.date) -> dt.date | None:
    base = dt.datetime.combine(today, dt.time(12))
    parsed = dateparser.parse(
        phrase,
        languages=["en"],
        settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past" if "last" in phrase.lower() else "future"},
    )
    return parsed.date() if parsed else None


def _zh_relative(m: re.Match[str], today: dt.date) -> dt.date | None:
    if m["word"]:
        return today + dt.timedelta(days=_ZH_RELATIVE_WORDS[m["word"]])
    n = zh_number(m["n"])
    if n is None:
        return None
    days = n * (7 if m["unit"] in {"周", "星期", "个星期"} else 1)
    sign = -1 if m["dir"] in {"前", "以前", "之前"} else 1
    return today + dt.timedelta(days=sign * days)


def dates_in(text: str, today: dt.date | None = None, prefer: Prefer = "nearest") -> set[dt.date]:
    """The resolved dates written in ``text`` (yearless ones resolved against ``today``)."""
    out: set[dt.date] = set()
    for fd in find_dates(text, today):
        if fd.year is None and today is None:
            continue
        value = fd.resolve(today, prefer) if today else fd.resolve(dt.date.min)
        if value:
            out.add(value)
    return out


_TIME_24 = re.compile(r"(?<!\d)(?P<h>[01]?\d|2[0-3])[:：](?P<m>[0-5]\d)(?!\d)")
_TIME_12 = re.compile(r"\b(?P<h>1[0-2]|0?[1-9])(?::(?P<m>[0-5]\d))?\s*(?P<ap>a\.?m\.?|p\.?m\.?)", re.I)
_TIME_ZH = re.compile(rf"(?P<part>凌晨|早上|上午|中午|下午|傍晚|晚上|夜里)?\s*(?P<h>{_ZH_NUM})\s*[点點时](?:(?P<m>\d{{1,2}})分?|(?P<half>半))?")


def find_time(text: str) -> dt.time | None:
    """The first clock time in ``text``: '21:00', '9 pm', '9:30am', '晚上8点', '下午3点半'."""
    if m := _TIME_24.search(text):
        return dt.time(int(m["h"]), int(m["m"]))
    if m := _TIME_12.search(text):
        hour = int(m["h"]) % 12 + (12 if m["ap"].lower().startswith("p") else 0)
        return dt.time(hour, int(m["m"] or 0))
    if m := _TIME_ZH.search(text):
        hour = zh_number(m["h"])
        if hour is None or hour > 24:
            return None
        if m["part"] in {"下午", "傍晚", "晚上", "夜里"} and hour < 12:
            hour += 12
        minute = 30 if m["half"] else int(m["m"] or 0)
        return dt.time(hour % 24, minute)
    return None
