"""Dates written in questions and answers, found and turned into ``date``s.

Forms understood (English and Chinese):

* Year first: ``2026-03-02``, ``2026/3/2``, ``2026.03.02``
* Year last, day and month as numbers: ``02/03/2026``, ``2.3.2026``,
  ``02-03-2026``, ``02/03/26`` (see "Ambiguous dates" below); without a year
  only after a word that introduces a date: ``by 2/3``
* English: ``2 March 2026``, ``2nd of March, 2026``, ``02-Mar-2026``,
  ``March 2, 2026``, ``March the 2nd``, ``Mar 2``, ``2 March`` (no year)
* Chinese: ``2026年3月2日``, ``二〇二六年三月二日``, ``3月2日`` / ``三月二号``
  (no year); full-width digits read as ASCII ones
* Relative, against ``today``: ``today``, ``yesterday``, ``tomorrow``,
  ``3 days ago``, ``in 2 weeks``, ``last Friday``; ``今天``, ``昨天``, ``前天``,
  ``明天``, ``后天``, ``三天前``, ``3天后``

A date written without a year is kept as a :class:`FoundDate` with
``year_given=False``; :func:`resolve` picks the year relative to ``today``,
preferring the past for events that already happened (entry, birth) and the
future for expiries.

Ambiguous and impossible dates
    When day and month are both numbers and both orders give different real
    dates ("02/03/2026"), the text does not say which is meant: regchat does
    not guess (a deadline from the wrong reading is weeks off) but reports a
    :class:`DateProblem` naming both readings, so the answer can ask. A day
    the calendar lacks ("2026-02-29", "30 February 2027") is a
    :class:`DateProblem` too. :func:`find_dates` returns neither;
    :func:`date_problems` returns both, and :func:`describe_date_problem` says
    in one sentence what is wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
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
_ZH_SMALL = r"[0-9零〇一二两三四五六七八九十]{1,3}"  # a month or a day: 4, 12, 四, 十二, 三十一
_ZH_YEAR = r"(?:\d{4}|[零〇一二三四五六七八九]{4})"  # 2026, 二〇二六, 二零二六

# Full-width digits and separators read as their ASCII twins (same length: offsets stay true).
_WIDE = str.maketrans("０１２３４５６７８９／－．", "0123456789/-.")

# Order matters: longer, more specific forms first; spans already taken are skipped.
_ABSOLUTE = [
    # Year first: 2026-04-05, 2026/4/5, 2026.4.5 (year-day-month is not a form anyone writes).
    re.compile(r"(?<![\d.])(?P<year>\d{4})[-/.](?P<mon>\d{1,2})[-/.](?P<day>\d{1,2})(?![\d])"),
    # 2026年4月5日, 2026年4月5号, 二〇二六年四月五日, 2026年四月五日
    re.compile(rf"(?P<year>{_ZH_YEAR})\s*年\s*(?P<mon>{_ZH_SMALL})\s*月\s*(?P<day>{_ZH_SMALL})\s*[日号]?"),
    # 5 April 2026, 5th of April, 2026, 05-Apr-2026, 5 Apr. 2026
    re.compile(rf"\b(?:the\s+)?{_DAY}(?:\s+|-)(?:of\s+)?{_MONTH}(?:,?\s+|-){_YEAR}\b", re.I),
    # April 5, 2026, Apr 5th 2026, April the 5th, 2026
    re.compile(rf"\b{_MONTH}\s+(?:the\s+)?{_DAY},?\s+{_YEAR}\b", re.I),
]
# Day and month as numbers with the year last: 04/05/2026, 5.4.2026, 05-04-2026, 04/05/26.
# Which number is the month is not known from the text alone (see :class:`DateProblem`).
_NUMERIC_YEAR_LAST = re.compile(
    r"(?<![\d./-])(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4}|(?<=/)\d{2})(?![\d/-]|\.\d)"
)
# A day and month as numbers without a year, only right after a word that introduces a date: "by 4/5".
_NUMERIC_YEARLESS = re.compile(
    r"\b(?:on|by|before|until|till|from|after|since|due|deadline:?|expires?|expiring)\s+"
    r"(?P<date>(?P<a>\d{1,2})/(?P<b>\d{1,2}))(?![\d/])",
    re.I,
)
_YEARLESS = [
    re.compile(rf"(?<![\d年零〇一二两三四五六七八九十])(?P<mon>{_ZH_SMALL})\s*月\s*(?P<day>{_ZH_SMALL})\s*[日号]"),
    re.compile(rf"\b(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}\b(?!\s*,?\s*\d{{4}})", re.I),
    re.compile(
        rf"\b{_MONTH}\s+(?:the\s+)?{_DAY}\b(?!\s*,?\s*\d{{4}})(?!\s*(?:days?|weeks?|months?|hours?|years?))",
        re.I,
    ),
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


ProblemKind = Literal["ambiguous", "nonexistent"]


@dataclass(frozen=True)
class DateProblem:
    """Something written like a date that cannot be taken as one date.

    ``ambiguous``: day and month both written as numbers, and both orders give
    a real, different date ("02/03/2026": 2 March or 3 February). regchat does
    not guess: it names both readings and asks which one is meant, because a
    deadline computed from the wrong one is wrong by weeks. ``readings`` holds
    the day-first reading, then the month-first one (for a date written
    without a year, in the year nearest ``today``). When only one order gives
    a real date ("13/02/2026") or both give the same ("05/05/2026"), it is
    simply a date.

    ``nonexistent``: a day the calendar does not have ("2026-02-29",
    "30 February 2027", "4月31日"). ``year``/``month``/``day`` are as written
    (``year`` None when no year was written); ``readings`` is empty.
    """

    kind: ProblemKind
    text: str
    start: int
    end: int
    year: int | None
    month: int
    day: int
    readings: tuple[dt.date, ...] = ()


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


def _month_of(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text.lower().rstrip(".") in MONTHS:
        return MONTHS[text.lower().rstrip(".")]
    return zh_number(text)


def _year_of(text: str) -> int | None:
    if text.isdigit():
        return int(text) if len(text) == 4 else 2000 + int(text)
    digits = [_ZH_DIGITS.get(ch) for ch in text]
    return None if None in digits else int("".join(str(d) for d in digits))


def _shaped(month: int | None, day: int | None) -> bool:
    """Whether the numbers could be a month and a day of some month (12 and 31 at most)."""
    return month is not None and day is not None and 1 <= month <= 12 and 1 <= day <= 31


def _exists_yearless(month: int, day: int) -> bool:
    return _safe_date(2024, month, day) is not None  # 2024: a leap year admits 29 Feb


def scan_dates(text: str, today: dt.date | None = None) -> tuple[list[FoundDate], list[DateProblem]]:
    """Every date written in ``text``, and everything written like a date that is not one date.

    Both lists are in order of appearance. Relative forms ("yesterday",
    "昨天") are read only when ``today`` is given; so are the readings of an
    ambiguous date written without a year.
    """
    text = text.translate(_WIDE)
    found: list[FoundDate] = []
    problems: list[DateProblem] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    def add(fd: FoundDate) -> None:
        found.append(fd)
        taken.append((fd.start, fd.end))

    def problem(p: DateProblem) -> None:
        problems.append(p)
        taken.append((p.start, p.end))

    def span(m: re.Match[str], group: int | str = 0) -> tuple[str, int, int]:
        start, end = m.span(group)
        raw = m.group(group)
        stripped = raw.rstrip()
        return stripped.strip(), start + (len(raw) - len(raw.lstrip())), start + len(stripped)

    def numeric(m: re.Match[str], group: int | str, year: int | None) -> None:
        """Two numbers, day and month in an order the text does not say."""
        written, start, end = span(m, group)
        a, b = int(m["a"]), int(m["b"])
        orders = [(mon, day) for mon, day in ((b, a), (a, b)) if _shaped(mon, day)]  # day first, then month first
        if not orders:
            return
        real = [
            (mon, day) for mon, day in orders
            if (_safe_date(year, mon, day) if year is not None else _exists_yearless(mon, day))
        ]  # fmt: skip
        real = list(dict.fromkeys(real))
        if len(real) == 1:
            (mon, day), = real
            add(FoundDate(written, start, end, mon, day, year))
        elif len(real) == 2:
            if year is not None:
                readings = tuple(dt.date(year, mon, day) for mon, day in real)
            elif today is not None:
                readings = tuple(d for mon, day in real if (d := resolve_yearless(mon, day, today)))
            else:
                readings = ()
            problem(DateProblem("ambiguous", written, start, end, year, real[0][0], real[0][1], readings))
        else:
            mon, day = orders[0]
            problem(DateProblem("nonexistent", written, start, end, year, mon, day))

    for pattern in _ABSOLUTE:
        for m in pattern.finditer(text):
            if not free(m.start(), m.end()):
                continue
            written, start, end = span(m)
            month, day, year = _month_of(m["mon"]), zh_number(m["day"]), _year_of(m["year"])
            if year is None or not _shaped(month, day):
                continue
            if _safe_date(year, month, day):
                add(FoundDate(written, start, end, month, day, year))
            else:
                problem(DateProblem("nonexistent", written, start, end, year, month, day))
    for m in _NUMERIC_YEAR_LAST.finditer(text):
        if free(m.start(), m.end()):
            numeric(m, 0, _year_of(m["year"]))
    for m in _NUMERIC_YEARLESS.finditer(text):
        if free(m.start("date"), m.end("date")):
            numeric(m, "date", None)
    for pattern in _YEARLESS:
        for m in pattern.finditer(text):
            if not free(m.start(), m.end()):
                continue
            if m.group("mon") == "may":  # the verb, not the month ("we may 2 ...")
                continue
            written, start, end = span(m)
            month, day = _month_of(m["mon"]), zh_number(m["day"])
            if not _shaped(month, day):
                continue
            if _exists_yearless(month, day):
                add(FoundDate(written, start, end, month, day, None))
            else:
                problem(DateProblem("nonexistent", written, start, end, None, month, day))
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
    year = _stated_year(text, taken)
    if year is not None:
        # "5月8日届满（2026年）", "on 8 May (in 2026)": the year stated once applies to the yearless dates.
        found = [
            replace(f, year=year) if f.year is None and _safe_date(year, f.month, f.day) else f for f in found
        ]
    return sorted(found, key=lambda f: f.start), sorted(problems, key=lambda p: p.start)


# A year written on its own: "2026年" not followed by a month, "(2026)", "in 2026".
_LONE_YEAR = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})(?:\s*年(?!\s*\d{1,2}\s*月|[一二三四五六七八九十]+月)|(?!\d))")


def _stated_year(text: str, taken: list[tuple[int, int]]) -> int | None:
    """The one year the text states apart from its dates (None when none, or several)."""
    years = {
        int(m["year"])
        for m in _LONE_YEAR.finditer(text)
        if all(m.end() <= s or m.start() >= e for s, e in taken)
    }
    return years.pop() if len(years) == 1 else None


def find_dates(text: str, today: dt.date | None = None) -> list[FoundDate]:
    """Every date written in ``text``, in order of appearance.

    Relative forms ("yesterday", "昨天") are found only when ``today`` is given.
    Impossible dates ("2026-02-30") and ambiguous ones ("02/03/2026") are left
    out: :func:`date_problems` reports them.
    """
    return scan_dates(text, today)[0]


def date_problems(text: str, today: dt.date | None = None) -> list[DateProblem]:
    """What in ``text`` is written like a date but cannot be taken as one:
    day and month in an unknown order, or a day the calendar does not have."""
    return scan_dates(text, today)[1]


_MONTH_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December"]  # fmt: skip


def _en(d: dt.date) -> str:
    return f"{d.day} {_MONTH_EN[d.month - 1]} {d.year}"


def _zh(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _why_not(problem: DateProblem, lang: str) -> str:
    """Why the day does not exist: a leap year, or the length of the month."""
    month, year = problem.month, problem.year
    if month == 2 and problem.day == 29 and year is not None:
        return f"{year}年不是闰年，2月只有28天" if lang == "zh" else f"{year} is not a leap year"
    if month == 2:
        if year is None:
            return "2月最多只有29天" if lang == "zh" else "February has at most 29 days"
        days = 29 if _safe_date(year, 2, 29) else 28
        return f"{year}年2月只有{days}天" if lang == "zh" else f"February {year} has {days} days"
    days = 30 if month in (4, 6, 9, 11) else 31
    return f"{month}月只有{days}天" if lang == "zh" else f"{_MONTH_EN[month - 1]} has {days} days"


def describe_date_problem(problem: DateProblem, lang: str) -> str:
    """One sentence (``lang`` "zh" for Chinese, otherwise English) saying what is wrong with a date
    in the question and what to write instead."""
    zh = lang == "zh"
    if problem.kind == "nonexistent":
        if zh:
            return f"{problem.text} 这个日期不存在：{_why_not(problem, 'zh')}。请核对日期后再问我。"
        return f"{problem.text} does not exist: {_why_not(problem, 'en')}. Please check the date and ask again."
    if len(problem.readings) == 2:
        show = _zh if zh else _en
        if problem.year is None:  # no year written: none is shown
            show = (lambda d: f"{d.month}月{d.day}日") if zh else (lambda d: f"{d.day} {_MONTH_EN[d.month - 1]}")
        first, second = (show(d) for d in problem.readings)
        if zh:
            return f"{problem.text} 既可以理解为{first}，也可以理解为{second}。请告诉我是哪一天（例如用“年月日”写明）。"
        return (
            f"{problem.text} could be {first} or {second}. Which one do you mean? "
            "(Writing the month in words avoids the doubt.)"
        )
    if zh:
        return f"{problem.text} 中哪个数字是月份并不清楚。请用“年月日”写明日期。"
    return f"In {problem.text} it is not clear which number is the month. Please write the month in words."


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
    """The resolved dates written in ``text`` (yearless ones resolved against ``today``).

    A date whose day and month order is unknown ("02/03/2026") gives both
    readings: either may be repeated back without being a new date.
    """
    found, problems = scan_dates(text, today)
    out: set[dt.date] = set()
    for fd in found:
        if fd.year is None and today is None:
            continue
        value = fd.resolve(today, prefer) if today else fd.resolve(dt.date.min)
        if value:
            out.add(value)
    for p in problems:
        out.update(p.readings)
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
