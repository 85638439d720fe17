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
  ``明天``, ``后天``, ``大前天``, ``大后天``, ``三天前``, ``3天后``

A date written without a year is kept as a :class:`FoundDate` with
``year_given=False``; :func:`resolve` picks the year relative to ``today``,
preferring the past for events that already happened (entry, birth) and the
future for expiries (unless the day passed within the last two months).

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

import calendar
import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Literal

import dateparser

from ..deadlines.matching import ZH_MASK
from ..tokens import is_chinese
from .language import zh_day

Prefer = Literal["past", "future", "nearest", "ahead"]
READINGS: tuple[Prefer, ...] = ("past", "future", "nearest")

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
_MONTH = r"(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
# A four-digit number followed by a currency is an amount, not a year: "on Jan 11th, 2000 rmb".
_AMOUNT_AFTER = r"\s*(?:yuan|rmb|cny|usd|hkd|mop|eur|dollars?|patacas?|元|块)"
_YEAR = rf"(?P<year>\d{{4}})(?!{_AMOUNT_AFTER})"

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
# 2026, 二〇二六, 二零二六, and as a year is often written, 26 (26年7月15号); not a count of years (工作了10年)
_ZH_YEAR = r"(?:\d{4}|(?<![\d了满近约多第过])\d{2}|[零〇一二三四五六七八九]{4})"

# Full-width digits and separators read as their ASCII twins (same length: offsets stay true).
_WIDE = str.maketrans("０１２３４５６７８９／－．", "0123456789/-.")

# Order matters: longer, more specific forms first; spans already taken are skipped.
_ABSOLUTE = [
    # Year first: 2026-04-05, 2026/4/5, 2026.4.5 (year-day-month is not a form anyone writes).
    re.compile(r"(?<![\d.])(?P<year>\d{4})[-/.](?P<mon>\d{1,2})[-/.](?P<day>\d{1,2})(?![\d])"),
    # 2026年4月5日, 2026年4月5号, 二〇二六年四月五日, 2026年四月五日
    re.compile(rf"(?P<year>{_ZH_YEAR})\s*年\s*(?P<mon>{_ZH_SMALL})\s*月\s*(?P<day>{_ZH_SMALL})\s*[日号]?"),
    # 5 April 2026, 5th of April, 2026, 05-Apr-2026, 5 Apr. 2026, and as a visa prints it, 15JAN2026
    re.compile(rf"\b(?:the\s+)?{_DAY}(?:\s+|-)(?:of\s+)?{_MONTH}(?:,?\s+|-){_YEAR}\b", re.I),
    re.compile(r"\b(?P<day>\d{2})(?P<mon>JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)(?P<year>\d{4})\b"),
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
# A year or month named relative to today: 明年4月5号, 下个月15号, 5 April next year, the 15th of next month.
_ZH_YEAR_OFFSET = {"前年": -2, "去年": -1, "今年": 0, "明年": 1, "后年": 2}
_ZH_MONTH_OFFSET = {"上个月": -1, "上月": -1, "本月": 0, "这个月": 0, "这月": 0, "下个月": 1, "下月": 1}
_ZH_RELATIVE_YEAR = re.compile(
    rf"(?P<rel>前年|去年|今年|明年|后年)\s*(?P<mon>{_ZH_SMALL})\s*月\s*(?P<day>{_ZH_SMALL})\s*[日号]?"
)
_ZH_RELATIVE_MONTH = re.compile(rf"(?P<rel>上个月|上月|本月|这个月|这月|下个月|下月)\s*(?P<day>{_ZH_SMALL})\s*[日号]")
_EN_RELATIVE_MONTH = re.compile(
    r"\b(?:the\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)\s+(?:of\s+)?(?P<rel>next|this|last)\s+month\b"
    r"|\b(?P<rel2>next|this|last)\s+month\s+on\s+the\s+(?P<day2>\d{1,2})(?:st|nd|rd|th)?\b",
    re.I,
)
# The end of a month named relative to today ("拖到月底", "下个月底", "by the end of the month"): its last day.
_MONTH_END = re.compile(
    r"(?<![\d一二三四五六七八九十])(?P<zh>上个|上|本|这个|这|下个|下)?月(?:底|末)"
    r"|\b(?:the\s+)?end\s+of\s+(?P<en>this|next|last|the)\s+month\b",
    re.I,
)
_EN_YEAR_AFTER = re.compile(r"\s*,?\s*(?P<rel>next|this|last)\s+year\b", re.I)
_EN_YEAR_OFFSET = {"last": -1, "this": 0, "next": 1}
# Day and month as bare numbers, no year, no introducing word: "12.13", "12/27", "12-13", "3/2". Read as a
# date only when the words around it speak of a dated event (see :func:`_date_context`).
_NUMERIC_BARE = re.compile(r"(?<![A-Za-z0-9./:-])(?P<date>(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2}))(?![0-9]|[./-]\d)")
_NOT_A_DATE_AFTER = re.compile(
    r"\s*(?:of\b|%|percent|per\b|x\b|times\b|points?\b|yuan|rmb|usd|mop|元|块|倍|分|"
    r"(?:working |business )?days?\b|weeks?\b|wks?\b|months?\b|mths?\b|mos?\b|years?\b|yrs?\b|hours?\b|hrs?\b|km|kg|a\.?m\.?|p\.?m\.?|"
    r"天|周|个|年|小时|点|岁|万|千|百)",
    re.I,
)
_NOT_A_DATE_BEFORE = re.compile(
    r"(?:\b(?:art|arts|article|articles|section|para|paragraph|item|no|version|v|rule|at|chapter)\.?\s*|第\s*)$", re.I
)
_DATE_CONTEXT = re.compile(
    r"\b(?:on|by|before|until|till|from|after|since|due|deadline|date|dated|expir\w*|valid|entered|enter|entry|"
    r"arrived|arrives|arriving|landed|lands|landing|applied|submitted|filed|issued|born|changed|got|received|ends?|ended|"
    r"runs? out|ran out|lapse[sd]?|handed|renew(?:al|ed|ing)?|latest|through|thru|(?:runs?|ran|goes|lasts?|good) to)\b"
    r"|入境|到期|届满|过期|有效|递交|提交|申请|受理|签发|出生|变更|更换|拿到|收到|开具|出具|于|在|前|后|日期|号",
    re.I,
)

_YEARLESS = [
    re.compile(rf"(?<![\d年零〇一二两三四五六七八九十])(?P<mon>{_ZH_SMALL})\s*月\s*(?P<day>{_ZH_SMALL})\s*[日号]"),
    # "居留证7月22到期": the day in digits with no 日 or 号 after it, when no unit or further digit follows
    re.compile(r"(?<![\d年零〇一二两三四五六七八九十])(?P<mon>\d{1,2})\s*月\s*(?P<day>\d{1,2})(?![\d日号天个年周次人元岁%％多小分.．:：])"),
    re.compile(rf"\b(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}\b(?!\s*,?\s*\d{{4}}(?!{_AMOUNT_AFTER}))", re.I),
    re.compile(
        rf"\b{_MONTH}\s+(?:the\s+)?{_DAY}\b(?!\s*,?\s*\d{{4}}(?!{_AMOUNT_AFTER}))(?!\s*(?:days?|weeks?|months?|hours?|years?))",
        re.I,
    ),
]
_EN_COUNT = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
             "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
             "thirty": 30}  # fmt: skip
_EN_COUNT_WORD = r"(?:\d+|" + "|".join(_EN_COUNT) + r")"
_EN_RELATIVE = re.compile(
    r"\b(?:today|tonight|this (?:morning|afternoon|evening)|yesterday|last night|tomorrow|the day before yesterday|the day after tomorrow"
    rf"|{_EN_COUNT_WORD}\s+(?:days?|weeks?|months?)\s+(?:ago|back|from now)"
    rf"|in\s+{_EN_COUNT_WORD}\s+(?:days?|weeks?|months?)(?!\s+(?:after|before|later|earlier|from)\b)"
    r"|(?:last|next)\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"|the\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\s+before\s+last"  # (a week before last's)
    r"|(?<!\ball )(?<!whole of )(?<!throughout )(?<!\bfor )(?:last|next)\s+week)\b",  # ("all next week": a span, no day)
    re.I,
)
_COUNTED_FROM = re.compile(rf"\b(?P<n>{_EN_COUNT_WORD})\s+(?P<unit>day|week|month)s?\s+(?:from|after)\s+$", re.I)
_EN_COUNTED = re.compile(
    rf"(?P<in>in\s+)?(?P<n>{_EN_COUNT_WORD})\s+(?P<unit>day|week|month)s?(?:\s+(?P<dir>ago|back|from now))?",
    re.I,
)
_ZH_RELATIVE_WORDS = {"今天": 0, "今日": 0, "今晚": 0, "昨天": -1, "昨日": -1, "昨晚": -1, "前天": -2, "大前天": -3,
                      "明天": 1, "明日": 1, "明晚": 1, "后天": 2, "大后天": 3}
# "三十日前" is legal language for "30 days before (an expiry)", not "30 days ago": only 天 counts here.
_ZH_RELATIVE = re.compile(rf"(?P<word>今天|今日|今晚|昨天|昨日|昨晚|大前天|前天|明天|明日|明晚|大后天|后天)|(?<!哪)(?P<n>{_ZH_NUM}|半)\s*(?P<unit>天|周|星期|个星期|个月)(?P<dir>前|后|以前|以后|之前|之后)")  # not 哪一天之前 ("before which day")


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
    monthless: bool = False  # "the 5th", "5号": a day of a month the text does not name
    weekday: int | None = None  # the weekday written beside it ("Tuesday 24.3", "3月24日（周二）"), Monday 0
    last_day: int | None = None  # a part of a month ("下个月中旬", "mid-January"): ``day`` is its first day, this its last

    @property
    def loose(self) -> bool:
        """Whether the text names a part of a month, not a day ("early May", "3月下旬")."""
        return self.last_day is not None

    def span_end(self, first: dt.date) -> dt.date:
        """The last day of the part of a month this date names, in the month of ``first`` (its first
        day, as resolved): 20 May for "mid-May"."""
        return first.replace(day=min(self.last_day or first.day, calendar.monthrange(first.year, first.month)[1]))

    @property
    def year_given(self) -> bool:
        return self.year is not None

    def resolve(self, today: dt.date, prefer: Prefer = "nearest") -> dt.date | None:
        if self.monthless:
            return resolve_monthless(self.day, today, prefer)
        if self.year is not None:
            return _safe_date(self.year, self.month, self.day)
        if self.weekday is not None:
            # the weekday written beside it says which year's ("Tuesday 24.3" asked in March 2026:
            # 2026's, a Tuesday, not 2025's, a Monday)
            years = (today.year - 1, today.year, today.year + 1)
            fitting = [d for y in years if (d := _safe_date(y, self.month, self.day)) and d.weekday() == self.weekday]
            if fitting:
                return _preferred(fitting, today, prefer)
        return resolve_yearless(self.month, self.day, today, prefer)


ProblemKind = Literal["ambiguous", "nonexistent"]


@dataclass(frozen=True)
class DateProblem:
    """Something written like a date that cannot be taken as one date.

    ``ambiguous``: day and month both written as numbers, and both orders give
    a real, different date ("02/03/2026": 2 March or 3 February). regchat does
    not guess: it names both readings and asks which one is meant, because a
    deadline computed from the wrong one is wrong by weeks (unless the question
    tells the event as past and one reading only is not after the day asked:
    ``questions.settled_by_tense``). ``readings`` holds
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
    ``future``: the earliest on or after today (a plan); ``ahead``: the earliest on or after
    today unless the same day passed within ``RECENT_DAYS`` (an expiry: "it ran out on 31
    January", asked on 5 February, is five days ago, not next year); ``nearest``: whichever
    of last, this and next year's is closest to today.
    """
    candidates = [d for y in (today.year - 1, today.year, today.year + 1) if (d := _safe_date(y, month, day))]
    return _preferred(candidates, today, prefer)


# An end (an expiry, a last day to enter) written without a year is most often still to come,
# but one that passed this recently is the one meant: nobody asks about a permit's end a year ahead
# in the words of a lapsed one, while a lapsed one is a common question.
RECENT_DAYS = 61


def _preferred(candidates: list[dt.date], today: dt.date, prefer: Prefer) -> dt.date | None:
    """``past``: the latest on or before today; ``future``: the earliest on or after; ``ahead``:
    the future's, unless the same day passed within ``RECENT_DAYS``; ``nearest``."""
    if not candidates:
        return None
    if prefer == "past":
        past = [d for d in candidates if d <= today]
        return max(past) if past else min(candidates)
    if prefer == "ahead":
        recent = [d for d in candidates if d < today and (today - d).days <= RECENT_DAYS]
        if recent:
            return max(recent)
    if prefer in ("future", "ahead"):
        future = [d for d in candidates if d >= today]
        return min(future) if future else max(candidates)
    return min(candidates, key=lambda d: abs((d - today).days))


def resolve_monthless(day: int, today: dt.date, prefer: Prefer = "nearest") -> dt.date | None:
    """The month for a day written without one ("on the 5th"): last, this or next month's,
    chosen as :func:`resolve_yearless` chooses the year."""
    candidates = []
    for offset in (-1, 0, 1):
        month_index = today.year * 12 + today.month - 1 + offset
        if (d := _safe_date(month_index // 12, month_index % 12 + 1, day)) is not None:
            candidates.append(d)
    return _preferred(candidates, today, prefer)


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


# The mainland's public holidays as people name them, to the calendar's Chinese names.
_HOLIDAY_NAMES = {
    "春节": "春节", "过年": "春节", "chinese new year": "春节", "spring festival": "春节", "lunar new year": "春节",
    "国庆": "国庆节", "国庆节": "国庆节", "十一": "国庆节", "national day": "国庆节", "golden week": "国庆节",
    "五一": "劳动节", "劳动节": "劳动节", "labour day": "劳动节", "labor day": "劳动节", "may day": "劳动节",
    "中秋": "中秋节", "中秋节": "中秋节", "mid-autumn": "中秋节", "mid-autumn festival": "中秋节",
    "端午": "端午节", "端午节": "端午节", "dragon boat festival": "端午节",
    "清明": "清明节", "清明节": "清明节", "qingming": "清明节",
    "元旦": "元旦", "new year's day": "元旦",
}
_ZH_HOLIDAY = "|".join(sorted((k for k in _HOLIDAY_NAMES if not k.isascii()), key=len, reverse=True))
_EN_HOLIDAY = "|".join(re.escape(k) for k in sorted((k for k in _HOLIDAY_NAMES if k.isascii()), key=len, reverse=True))
NAMED_DAYS_FILE = Path(__file__).resolve().parent.parent / "data" / "named_days.json"


@lru_cache(maxsize=1)
def _named_days() -> tuple[tuple[re.Pattern, int, int], ...]:
    """Days named instead of written ("Valentine's Day", "圣诞节"), each with its month and day
    (``data/named_days.json``)."""
    data = json.loads(NAMED_DAYS_FILE.read_text(encoding="utf-8"))
    out = []
    for entry in data["days"]:
        en = [rf"\b{p}\b" for p in entry.get("en", [])]
        out.append((re.compile("|".join(en + entry.get("zh", [])), re.I), int(entry["month"]), int(entry["day"])))
    return tuple(out)


_AFTER_HOLIDAY = (
    re.compile(
        rf"(?:(?P<year>\d{{4}})年)?(?P<name>{_ZH_HOLIDAY})(?:节)?(?:小长假|长假|假期|放假)?(?:结束)?(?:后|以后|之后)的?"
        r"(?:第一个|头一个|首个|第一天)(?:上班日|工作日|上班的日子)?"
    ),
    re.compile(
        rf"\b(?:the\s+)?first\s+(?:working|business|work)\s+day\s+after\s+(?:the\s+)?(?P<name>{_EN_HOLIDAY})"
        r"(?:\s+(?:holidays?|break|week))?(?:\s+(?:of|in)\s+(?P<year>\d{4}))?",
        re.I,
    ),
)


def _weekday_by_holiday(zh_side: str, en_order: str, en_side: str) -> tuple[re.Pattern, re.Pattern]:
    """The Chinese and English patterns of a weekday told by a public holiday's break: ``zh_side`` the
    words between the holiday and the weekday ("后的第一个"), ``en_order`` the word before the weekday
    ("first"), ``en_side`` the word after it ("after")."""
    return (
        re.compile(
            rf"(?:(?P<year>\d{{4}})年)?(?P<name>{_ZH_HOLIDAY})(?:节)?(?:小长假|长假|假期|放假)?{zh_side}"
            r"(?:周|星期|礼拜)(?P<wd>[一二三四五六日天])"
        ),
        re.compile(
            rf"\b(?:the\s+)?(?:{en_order}\s+)?(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\s+{en_side}\s+"
            rf"(?:the\s+)?(?P<name>{_EN_HOLIDAY})(?:\s+(?:holidays?|break|week))?(?:(?:\s+(?:of|in))?\s+(?P<year>\d{{4}}))?",
            re.I,
        ),
    )


# A weekday after a public holiday ("the Monday after Spring Festival", "春节后的第一个周一"): the first
# such day once the break is over; and one before it ("国庆放假前那个周一", "the Friday before Spring
# Festival"): the last such day before the break's first day off.
_WEEKDAY_AFTER_HOLIDAY = _weekday_by_holiday(r"(?:结束)?(?:后|以后|之后)的?(?:第一个|头一个|首个)?", "first", "after")
_WEEKDAY_BEFORE_HOLIDAY = _weekday_by_holiday(r"(?:前|之前|以前)(?:的|那个|那)?(?:最后一个)?", "last", "before")


def _weekday_number(written: str) -> int:
    """Monday 0 ... Sunday 6, from a weekday written in Chinese ("一", "天") or English ("Monday")."""
    return _ZH_WEEKDAYS[written] if written in _ZH_WEEKDAYS else _EN_WEEKDAY_NUMBER[written[:3].lower()]


def weekday_before(holiday_zh: str, weekday: int, today: dt.date, year: int | None = None) -> dt.date | None:
    """The last ``weekday`` (Monday 0) before the mainland's ``holiday_zh`` break (of ``year``, else the
    break nearest ``today``) begins; None when the calendar does not know the break."""
    breaks = _breaks(holiday_zh, today, year)
    if not breaks:
        return None
    start = min((b[0] for b in breaks), key=lambda d: abs((d - today).days))
    return start - dt.timedelta(days=(start.weekday() - weekday) % 7 or 7)


def _breaks(holiday_zh: str, today: dt.date, year: int | None) -> list[list[dt.date]]:
    """The days off of the mainland's ``holiday_zh`` break of ``year``, else of each year around ``today``
    (one list per year the calendar knows)."""
    from ..deadlines.calendars import calendar_for
    from ..errors import DeadlineError

    calendar = calendar_for("CN")
    breaks: list[list[dt.date]] = []
    for y in [year] if year else [today.year - 1, today.year, today.year + 1]:
        try:
            days = [info.date for info in (calendar.day(dt.date(y, 1, 1) + dt.timedelta(n)) for n in range(366))
                    if info.date.year == y and info.holiday_zh == holiday_zh and not info.is_working_day]
        except DeadlineError:
            continue
        if days:
            breaks.append(days)
    return breaks


def weekday_after(holiday_zh: str, weekday: int, today: dt.date, year: int | None = None) -> dt.date | None:
    """The first ``weekday`` (Monday 0) on or after the mainland's first working day once its
    ``holiday_zh`` break is over; None when the calendar does not know the break."""
    first = first_working_day_after(holiday_zh, today, year)
    return None if first is None else first + dt.timedelta(days=(weekday - first.weekday()) % 7)


def first_working_day_after(holiday_zh: str, today: dt.date, year: int | None = None) -> dt.date | None:
    """The mainland's first working day once its ``holiday_zh`` break of ``year`` is over (else the
    break nearest ``today``), from the holiday calendar; None when the calendar does not know it."""
    from ..deadlines.arithmetic import add_working_days
    from ..deadlines.calendars import calendar_for
    from ..errors import DeadlineError

    breaks = _breaks(holiday_zh, today, year)
    if not breaks:
        return None
    end = min((b[-1] for b in breaks), key=lambda d: abs((d - today).days))
    try:
        return add_working_days(end, 1, calendar=calendar_for("CN")).date
    except DeadlineError:
        return None


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
    # "12.10" in Chinese is 12月10日; a slash ("3/2") may be a foreigner's day first, and is asked about.
    month_first = is_chinese(text)

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
        dotted = m.groupdict().get("sep") == "."
        if len(real) == 2 and dotted and year is not None and _YEAR_LAST_DOTTED.fullmatch(m.group(0).strip()):
            real = real[:1]  # dots with the year last put the day first ("01.11.2026"): nobody writes mm.dd.yyyy
        if len(real) == 2 and month_first and dotted and not _DAY_FIRST_SAID.search(text):
            real = real[1:]  # Chinese writes a dotted day and month month first: "12.10" is 12月10日 (unless 日在前)
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
    if today is not None:
        for m in _ZH_RELATIVE_YEAR.finditer(text):
            if not free(m.start(), m.end()):
                continue
            written, start, end = span(m)
            month, day, year = zh_number(m["mon"]), zh_number(m["day"]), today.year + _ZH_YEAR_OFFSET[m["rel"]]
            if not _shaped(month, day):
                continue
            if _safe_date(year, month, day):
                add(FoundDate(written, start, end, month, day, year, relative=True))
            else:
                problem(DateProblem("nonexistent", written, start, end, year, month, day))
        for m in _ZH_RELATIVE_MONTH.finditer(text):
            if free(m.start(), m.end()):
                _month_relative(m, m["rel"], _ZH_MONTH_OFFSET[m["rel"]], zh_number(m["day"]), today, add, problem, span)
        for m in _EN_RELATIVE_MONTH.finditer(text):
            if free(m.start(), m.end()):
                rel = (m["rel"] or m["rel2"]).lower()
                day = int(m["day"] or m["day2"])
                _month_relative(m, rel, _EN_YEAR_OFFSET[rel], day, today, add, problem, span)
        for m in _MONTH_END.finditer(text):
            if free(m.start(), m.end()):
                offset = _ZH_MONTH_OFFSET.get(f"{m['zh']}月", 0) if m["zh"] \
                    else _EN_YEAR_OFFSET.get((m["en"] or "").lower(), 0)
                year, month = _shifted_month(today, offset)
                last = calendar.monthrange(year, month)[1]
                add(FoundDate(m.group(0), m.start(), m.end(), month, last, year, relative=True))
    for m in _NUMERIC_YEAR_LAST.finditer(text):
        if free(m.start(), m.end()):
            numeric(m, 0, _year_of(m["year"]))
    for m in _NUMERIC_YEARLESS.finditer(text):
        if free(m.start("date"), m.end("date")):
            numeric(m, "date", None)
    for m in _NUMERIC_BARE.finditer(text):
        if free(m.start("date"), m.end("date")) and _date_context(text, m.start("date"), m.end("date")):
            numeric(m, "date", None)
    for pattern in _YEARLESS:
        for m in pattern.finditer(text):
            if not free(m.start(), m.end()):
                continue
            if m.group("mon") == "may" and not _BEFORE_A_DAY.search(text[max(0, m.start() - 30):m.start()]):
                continue  # the verb, not the month ("we may 2 ..."), unless a date is expected there
            written, start, end = span(m)
            month, day = _month_of(m["mon"]), zh_number(m["day"])
            if not _shaped(month, day):
                continue
            if _exists_yearless(month, day):
                add(FoundDate(written, start, end, month, day, None))
            else:
                problem(DateProblem("nonexistent", written, start, end, None, month, day))
    if today is not None:
        # "春节后的第一个周一", "the Monday after Spring Festival": the first such weekday after the break;
        # "国庆放假前那个周一": the last one before it.
        for patterns, read in ((_WEEKDAY_AFTER_HOLIDAY, weekday_after), (_WEEKDAY_BEFORE_HOLIDAY, weekday_before)):
            for pattern in patterns:
                for m in pattern.finditer(text):
                    if not free(m.start(), m.end()):
                        continue
                    year = int(m["year"]) if m["year"] else None
                    value = read(_HOLIDAY_NAMES[m["name"].lower()], _weekday_number(m["wd"]), today, year)
                    if value:
                        add(FoundDate(m.group(0), m.start(), m.end(), value.month, value.day, value.year, relative=True))
        # "春节后第一个工作日", "the first working day after National Day": read off the holiday calendar.
        for pattern in _AFTER_HOLIDAY:
            for m in pattern.finditer(text):
                if not free(m.start(), m.end()):
                    continue
                year = int(m["year"]) if m["year"] else None
                value = first_working_day_after(_HOLIDAY_NAMES[m["name"].lower()], today, year)
                if value:
                    add(FoundDate(m.group(0), m.start(), m.end(), value.month, value.day, value.year, relative=True))
    for pattern, month, day in _named_days():
        # "born on Valentine's Day", "圣诞节入境": that day, in a year the words around it settle
        for m in pattern.finditer(text):
            if free(m.start(), m.end()):
                add(FoundDate(m.group(0), m.start(), m.end(), month, day, None))
    if today is not None:
        for m in _EN_RELATIVE.finditer(text):
            if not free(m.start(), m.end()):
                continue
            value = _en_relative(m.group(0), today)
            if value:
                add(FoundDate(m.group(0), m.start(), m.end(), value.month, value.day, value.year, relative=True))
        for m in _EN_WEEKDAY.finditer(text):
            # a weekday beside a written date names that date's day ("Friday, 20 March", "20 March (Friday)"),
            # and one after "to" ends a range
            beside = _DATE_BESIDE_AFTER.match(text, m.end()) or _DATE_BESIDE_BEFORE.search(text[max(0, m.start() - 12):m.start()])
            if free(m.start(), m.end()) and not beside:
                past = _PAST_BEFORE.search(text[max(0, m.start() - 40):m.start()]) or _PAST_AFTER.match(text, m.end())
                value = _bare_weekday(m["wd"], today, past=bool(past))
                add(FoundDate(m.group(0), m.start(), m.end(), value.month, value.day, value.year, relative=True))
        for m in _ZH_RELATIVE.finditer(text):
            if not free(m.start(), m.end()):
                continue
            value = _zh_relative(m, today)
            if value:
                add(FoundDate(m.group(0), m.start(), m.end(), value.month, value.day, value.year, relative=True))
    if today is not None:
        # "下周五", "本周三", "上星期一": a weekday of this, next or last week (weeks start on Monday).
        for m in _ZH_WEEKDAY.finditer(text):
            if free(m.start(), m.end()):
                monday = today - dt.timedelta(days=today.weekday())
                value = monday + dt.timedelta(days=7 * _ZH_WEEK_OFFSET[m["rel"]] + _ZH_WEEKDAYS[m["wd"]])
                add(FoundDate(m.group(0), m.start(), m.end(), value.month, value.day, value.year, relative=True))
    if today is not None:
        # "on the 5th", "5号": a day of the month, the month left to the reader (nearest, or as
        # the date's role prefers).
        for pattern in _MONTHLESS:
            for m in pattern.finditer(text):
                if not free(m.start("d"), m.end("d")):
                    continue
                day = int(m["day"])
                written, start, end = span(m, "d")
                named = _month_named_before(text, start, taken)
                if named is not None and _safe_date(2024, named, day):
                    # "9月下旬去办（28号左右）", "late September, around the 28th": the day of the month
                    # its sentence names before it
                    add(FoundDate(written, start, end, named, day, None))
                elif 1 <= day <= 31 and (value := resolve_monthless(day, today)) is not None:
                    add(FoundDate(written, start, end, value.month, day, None, monthless=True))
    if today is not None and not found and len(loose := _loose_dates(text, today, free)) == 1:
        # (only where the text gives no day at all, and one part of a month: beside a date written out,
        # "打算明年3月初申请" tells a plan loosely, no event to count from; two, "4月初入境…大概7月初到期",
        # tell a story told loosely throughout)
        add(loose[0])
    if today is not None:
        # "two weeks from tomorrow", "10 days from today", "a week from Friday": the period counted
        # from a day named relative to today (not from a date written out: "30 days from 2 March"
        # states a period, the date is its event's).
        for i, f in enumerate(found):
            before = _COUNTED_FROM.search(text, max(0, f.start - 30), f.start)
            if not f.relative or f.loose or before is None or (value := f.resolve(today)) is None:
                continue
            value = _moved(value, before["n"], before["unit"])
            found[i] = FoundDate(text[before.start() : f.end], before.start(), f.end, value.month, value.day, value.year,
                                 relative=True)
            taken.append((before.start(), f.end))
    if today is not None:
        # "5 April next year", "April 5 this year": the year named relative to today.
        for i, f in enumerate(found):
            after = _EN_YEAR_AFTER.match(text, f.end)
            if f.year is None and after and _safe_date(today.year + _EN_YEAR_OFFSET[after["rel"].lower()], f.month, f.day):
                year = today.year + _EN_YEAR_OFFSET[after["rel"].lower()]
                found[i] = replace(f, text=text[f.start : after.end()], end=after.end(), year=year, relative=True)
                taken.append((f.start, after.end()))
    found = [_with_weekday(text, f) for f in found]
    stated = _stated_year(text, taken)
    if stated is not None:
        # "5月8日届满（2026年）", "on 8 May (in 2026)": the year stated once applies to the yearless dates
        # of its sentence; a year said in another ("the card is good until 2027. We moved house on
        # 3.4") dates nothing.
        year, sentences = stated
        found = [
            replace(f, year=year)
            if f.year is None and _safe_date(year, f.month, f.day) and _sentence_of(text, f.start) in sentences
            else f
            for f in found
        ]
    found, problems = _restated(text, found, problems)
    found, problems = _settled_by_order(text, found, problems)
    return _said_again(text, sorted(found, key=lambda f: f.start)), sorted(problems, key=lambda p: p.start)


_OPENS_ASIDE = re.compile(r"\s*[（(]\s*(?:即|也就是|that is|i\.e\.)?\s*$", re.I)
_CLOSES_ASIDE = re.compile(r"\s*[）)]")


def _said_again(text: str, found: list[FoundDate]) -> list[FoundDate]:
    """``found`` without a date written in brackets just after another ("下周一（8号）", "next Monday (the
    8th)", "3/2（即2月3日）"): the same day said again, the first one's words (here the week's) read for it."""
    kept: list[FoundDate] = []
    for f in found:
        before = kept[-1] if kept else None
        if before is not None and _OPENS_ASIDE.fullmatch(text[before.end:f.start]) \
                and (close := _CLOSES_ASIDE.match(text, f.end)):
            if before.relative:  # (its words reach to the bracket's end: the cues beside it are read from there)
                kept[-1] = replace(before, text=text[before.start:close.end()], end=close.end())
            continue
        kept.append(f)
    return kept


_RESTATED_WITHIN = 40  # characters between a date written in numbers and its restatement beside it


def _restated(
    text: str, found: list[FoundDate], problems: list[DateProblem]
) -> tuple[list[FoundDate], list[DateProblem]]:
    """An ambiguous date the writer restates beside it in its sentence ("5/10/2026, that is 5
    October", "3/2（即2月3日）") is the one reading the restatement names, its year kept. Dates
    beside it naming both readings ("4 June or 6 April?") settle nothing."""
    kept: list[DateProblem] = []
    resolved: list[FoundDate] = []
    for p in problems:
        beside = [
            f for f in found
            if 0 <= f.start - p.end <= _RESTATED_WITHIN or 0 <= p.start - f.end <= _RESTATED_WITHIN
        ] if p.kind == "ambiguous" else []
        sentence = _sentence_of(text, p.start)
        near = [f for f in beside if _sentence_of(text, f.start) == sentence]
        named = {r for r in p.readings for f in near if (r.month, r.day) == (f.month, f.day)}
        if len(named) != 1:
            kept.append(p)
            continue
        (reading,) = named
        resolved.append(FoundDate(p.text, p.start, p.end, reading.month, reading.day, p.year))
    return found + resolved, kept


# Words saying in which order the writer puts a date's day and month ("her dates are day.month",
# "dd/mm", "日在前"), and the shape of a date written as two numbers.
_DAY_FIRST_SAID = re.compile(
    r"\bday[ ./-]?(?:first|before (?:the )?month|month\b)|\bdd[./-]mm\b|日在前|先写日|日/月|日\.月", re.I
)
_MONTH_FIRST_SAID = re.compile(
    r"\bmonth[ ./-]?(?:first|before (?:the )?day|day\b)|\bmm[./-]dd\b|月在前|先写月|月/日|月\.日", re.I
)
_YEAR_LAST_DOTTED = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}")
_TWO_NUMBERS = re.compile(r"^(\d{1,2})[/.-](\d{1,2})(?![\d])")
_WEEKDAY_SAID_AFTER = 40  # characters after a date within which its sentence may name its weekday ("9/10, it's a Thursday")


def _settled_by_order(
    text: str, found: list[FoundDate], problems: list[DateProblem]
) -> tuple[list[FoundDate], list[DateProblem]]:
    """An ambiguous date written as two numbers (both orders real) taken in the one reading the message
    settles: the weekday its sentence names beside it ("we can go on 9/10, it's a Thursday": 10
    September 2026 is one, 9 October a Friday); else the order the message says ("her dates are
    day.month", 日在前); else the order its other dates written as two numbers show, when all show the
    same ("back on 7.5." beside "19.4.": the day first). Left ambiguous otherwise."""
    said = {"day": bool(_DAY_FIRST_SAID.search(text)), "month": bool(_MONTH_FIRST_SAID.search(text))}
    stated = next((o for o, v in said.items() if v), None) if sum(said.values()) == 1 else None
    shown: set[str] = set()
    for f in found:
        if (m := _TWO_NUMBERS.match(f.text)) is not None:
            a, b = int(m.group(1)), int(m.group(2))
            if a > 12 >= b:
                shown.add("day")
            elif b > 12 >= a:
                shown.add("month")
    kept: list[DateProblem] = []
    resolved: list[FoundDate] = []
    for p in problems:
        if p.kind != "ambiguous":
            kept.append(p)
            continue
        # (the readings: day first, then month first, as written; resolved in a year when they can be)
        readings = {"day": FoundDate(p.text, p.start, p.end, p.month, p.day, p.year),
                    "month": FoundDate(p.text, p.start, p.end, p.day, p.month, p.year)}
        order = _weekday_settles(text, p) or stated or (next(iter(shown)) if len(shown) == 1 else None)
        if order is None:
            kept.append(p)
            continue
        resolved.append(readings[order])
    return found + resolved, kept


def _weekday_settles(text: str, p: DateProblem) -> str | None:
    """'day' or 'month': the order whose reading of ``p`` falls on the weekday written beside it, or
    named after it in its sentence; None when no weekday is, or both or neither reading fits."""
    end = _SENTENCE_END.search(text, p.end)  # (the sentence's end, its mark kept)
    after = text[p.end : min(end.end() if end else len(text), p.end + _WEEKDAY_SAID_AFTER)]
    before = text[max(0, p.start - 14) : p.start]
    m = _WEEKDAY_BEFORE_EN.search(before) or re.search(_WEEKDAY_NAME_EN, after)
    if m:
        weekday = _EN_WEEKDAY_NUMBER[m["wd"].lower()[:3]]
    elif m := (_WEEKDAY_BEFORE_ZH.search(before) or re.search(r"(?:周|星期|礼拜)(?P<wd>[一二三四五六日天])", after)):
        weekday = _ZH_WEEKDAYS[m["wd"]]
    else:
        return None
    if len(p.readings) != 2:
        return None
    fits = [order for order, day in zip(("day", "month"), p.readings) if day.weekday() == weekday]
    return fits[0] if len(fits) == 1 else None


# A weekday's whole name in any case, or its abbreviation capitalised ("Tue", not the verb "sat")
_WEEKDAY_NAME_EN = r"(?P<wd>(?i:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)day)|Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b\.?"
_WEEKDAY_BEFORE_EN = re.compile(rf"\b{_WEEKDAY_NAME_EN}\s*[,，]?\s*(?i:the\s+)?$")
_WEEKDAY_AFTER_EN = re.compile(rf"\s*[,，(（]?\s*(?i:a\s+)?{_WEEKDAY_NAME_EN}")
_WEEKDAY_BEFORE_ZH = re.compile(r"(?<![下上这本个])(?:周|星期|礼拜)(?P<wd>[一二三四五六日天])[\s,，(（]*$")
_WEEKDAY_AFTER_ZH = re.compile(r"\s*[（(，,]?\s*(?:周|星期|礼拜)(?P<wd>[一二三四五六日天])")
_EN_WEEKDAY_NUMBER = {d[:3]: i for i, d in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}


def _with_weekday(text: str, f: FoundDate) -> FoundDate:
    """``f`` with the weekday written just before or after it, when it has no year of its own."""
    if f.year is not None or f.monthless or f.relative:
        return f
    before = text[max(0, f.start - 14) : f.start]
    m = _WEEKDAY_BEFORE_EN.search(before) or _WEEKDAY_AFTER_EN.match(text, f.end)
    if m:
        return replace(f, weekday=_EN_WEEKDAY_NUMBER[m["wd"].lower()[:3]])
    m = _WEEKDAY_BEFORE_ZH.search(before) or _WEEKDAY_AFTER_ZH.match(text, f.end)
    return replace(f, weekday=_ZH_WEEKDAYS[m["wd"]]) if m else f


_ZH_WEEKDAY = re.compile(r"(?P<rel>下下|下个|下|上个|上|这个|这|本)(?:周|星期|礼拜)(?P<wd>[一二三四五六日天])")
_ZH_WEEK_OFFSET = {"下下": 2, "下个": 1, "下": 1, "上个": -1, "上": -1, "这个": 0, "这": 0, "本": 0}
_ZH_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
# The words that may follow "the 20th" when it is a day ("on the 20th instead", "the 4th and not the
# 14th", "the 28th, right before the holiday"): grammar words, not a noun the ordinal counts ("the 5th
# floor", "the 3rd item") or a month ("the 5th of May", read by the patterns above).
_AFTER_A_DAY = (
    r"instead|and|but|not|then|too|also|when|because|since|right|just|rather|so|this|that|last|next|please|"
    r"again|already|was|were|is|will|would|could|should|can|did|does|or|at|in|on|before|after|until|till|"
    r"from|by|for|with|he|she|they|we|you|his|her|their|our|my|which|what|how|if|as|though|yet"
)
_MONTHLESS = (
    re.compile(
        rf"(?P<d>\bthe\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)\b)(?!\s+(?:of\s+)?(?!(?:{_AFTER_A_DAY})\b)[A-Za-z]{{3,}}\b)",
        re.I,
    ),
    re.compile(r"(?<![月\d年/.\-第])(?P<d>(?P<day>\d{1,2})号)(?![楼房线门院车馆口台窗])"),
    # a day of the month beside its weekday: "on Thursday (24th)", "Friday, 3rd", "Monday morning (31st)"
    re.compile(
        rf"\b{_WEEKDAY_NAME_EN}(?:\s+(?:morning|afternoon|evening|night))?\s*[,(（]\s*(?P<d>(?P<day>\d{{1,2}})(?:st|nd|rd|th))\b",
        re.I,
    ),
)


# A part of a month named as a time ("9月下旬", "十二月初", "late September", "by the end of May"):
# the day written close after it ("around the 28th", "28号左右") is of that month.
_PART_OF_MONTH = re.compile(
    rf"(?<![\d零〇一二两三四五六七八九十])(?P<zh>{_ZH_SMALL})\s*月份?\s*(?:初|中旬|上旬|下旬|中|底|末)"
    rf"|\b(?:early|mid|late|end of|beginning of|start of)\s*-?\s*{_MONTH}(?!\s*\d)(?![a-z])",
    re.I,
)
_MONTH_BEFORE_DAY = 24  # characters at most between the part of a month and the day of it


def _month_named_before(text: str, start: int, taken: Sequence[tuple[int, int]]) -> int | None:
    """The month of the part of a month named last before ``start``, close before it in its
    sentence; None when there is none."""
    sentence = _sentence_of(text, start)
    month = None
    for m in _PART_OF_MONTH.finditer(text, max(0, start - _MONTH_BEFORE_DAY), start):
        if _sentence_of(text, m.start()) != sentence or any(s < m.end() and m.start() < e for s, e in taken):
            continue
        value = zh_number(m["zh"]) if m["zh"] else _month_of(m["mon"])
        if value is not None and 1 <= value <= 12:
            month = value
    return month


# A part of a month named without a day ("下个月中旬到期", "arrives early next month", "mid-January 2027"):
# a span of days, read as its first day with its last beside it. The end of a month ("3月底", "end of
# March") is its last day, as ``_MONTH_END`` reads one named relative to today ("下个月底").
_PARTS_ZH = {"初": (1, 10), "上旬": (1, 10), "中旬": (11, 20), "中": (11, 20), "下旬": (21, 31), "底": (31, 31), "末": (31, 31)}
_PARTS_EN = {"early": (1, 10), "beginning": (1, 10), "start": (1, 10), "mid": (11, 20), "middle": (11, 20),
             "late": (21, 31), "end": (31, 31)}
_ZH_PART = r"(?P<part>初|上旬|中旬|下旬|中(?=$|[\s，。！？、,.!?（(左前后到的时])|底|末)"
_LOOSE_MONTH = (
    re.compile(rf"(?P<rel>上个月|上月|本月|这个月|这月|下个月|下月){_ZH_PART.replace('|底|末', '')}"),
    re.compile(
        rf"(?:(?P<year>\d{{4}})\s*年|(?P<ryear>前年|去年|今年|明年|后年))?\s*"
        rf"(?<![\d零〇一二两三四五六七八九十])(?P<zh>{_ZH_SMALL})\s*月份?\s*{_ZH_PART}"
    ),
    re.compile(
        r"\b(?:the\s+)?(?P<part>early|beginning|start|mid|middle|late|end)(?:\s+of)?\s*-?\s*"
        rf"(?:(?P<rel>next|this|last)\s+month\b|(?:the\s+)?{_MONTH}(?![a-z])(?!\s*\d{{1,2}}\b(?!\d))(?:\s*,?\s*(?P<year>\d{{4}}))?)",
        re.I,
    ),
)


def _loose_dates(text: str, today: dt.date, free) -> list[FoundDate]:
    """The parts of months ``text`` names without a day, each as its first day with ``last_day`` set.
    (Read only where no day is written: a day written close after one, "9月下旬（28号左右）", is that day,
    read with its month by the monthless patterns.)"""
    out = []
    for pattern in _LOOSE_MONTH:
        for m in pattern.finditer(text):
            start, end = m.start(), m.end()
            while start < end and text[start].isspace():
                start += 1
            if not free(start, end):
                continue
            part = m["part"]
            first, last = _PARTS_ZH[part] if part in _PARTS_ZH else _PARTS_EN[part.lower()]
            groups = m.groupdict()
            year = int(groups["year"]) if groups.get("year") else None
            if groups.get("rel"):
                rel = groups["rel"]
                year, month = _shifted_month(today, _ZH_MONTH_OFFSET[rel] if rel in _ZH_MONTH_OFFSET
                                             else _EN_YEAR_OFFSET[rel.lower()])
            else:
                month = zh_number(groups["zh"]) if groups.get("zh") else _month_of(groups["mon"])
                if groups.get("ryear"):
                    year = today.year + _ZH_YEAR_OFFSET[groups["ryear"]]
            if month is None or not 1 <= month <= 12:
                continue
            last = min(last, calendar.monthrange(year or 2023, month)[1])
            first = min(first, last)
            out.append(FoundDate(text[start:end], start, end, month, first, year, relative=bool(groups.get("rel")),
                                 last_day=last if last > first else None))
    return out


def _date_context(text: str, start: int, end: int) -> bool:
    """Whether bare numbers ("12.13", "3/2") at ``text[start:end]`` are a day and month: not a
    fraction, an amount, a time or an article number, and next to words that speak of a date."""
    if _NOT_A_DATE_AFTER.match(text, end) or _NOT_A_DATE_BEFORE.search(text[max(0, start - 12) : start]):
        return False
    if text[start:end] == "24/7":
        return False
    window = text[max(0, start - 30) : start] + " " + text[end : end + 30]
    return bool(_DATE_CONTEXT.search(window))


def _shifted_month(today: dt.date, offset: int) -> tuple[int, int]:
    """The year and month ``offset`` months from today's (-1: last month)."""
    year, month = divmod(today.year * 12 + today.month - 1 + offset, 12)
    return year, month + 1


def _month_relative(m, rel, offset, day, today, add, problem, span) -> None:
    """A day of a month named relative to today's ("下个月15号", "the 15th of next month")."""
    written, start, end = span(m)
    year, month = _shifted_month(today, offset)
    if day is None or not 1 <= day <= 31:
        return
    if _safe_date(year, month, day):
        add(FoundDate(written, start, end, month, day, year, relative=True))
    else:
        problem(DateProblem("nonexistent", written, start, end, year, month, day))


# A year written on its own: "2026年" not followed by a month, "(2026)", "in 2026".
# (a year something began in, "been here since 2019", "从2019年起", dates that beginning, not the other
# dates of its sentence)
_LONE_YEAR = re.compile(
    r"(?<!since )(?<!from )(?<!从)(?<!自)"
    rf"(?<!\d)(?P<year>(?:19|20)\d{{2}})(?:\s*年(?!\s*\d{{1,2}}\s*月|[一二三四五六七八九十]+月|以来|起|开始)|(?!\d)(?!{_AMOUNT_AFTER}))"
)


_SENTENCE_END = re.compile(r"[.!?。！？\n]+(?=\s|$|[^\d])")
# A month written with its year and no day ("有效期到2027年1月", "valid until January 2027"): no date to
# count from, but a clause holding one dates its own cue, which is none of a later clause's date.
_MONTH_OF_YEAR = re.compile(
    rf"(?:19|20)\d{{2}}\s*年\s*{_ZH_SMALL}\s*月(?!\s*{_ZH_SMALL}\s*[日号])(?!份?\s*(?:初|中旬|上旬|下旬|中|底|末))"
    rf"|(?<!\d\s)(?<!\d(?:st|nd|rd|th)\s)(?<!\bof\s)\b{_MONTH}\s*,?\s*(?:19|20)\d{{2}}\b",
    re.I,
)


def _sentence_of(text: str, pos: int) -> int:
    """The index of the sentence of ``text`` holding offset ``pos``."""
    return sum(1 for m in _SENTENCE_END.finditer(text) if m.end() <= pos)


def _stated_year(text: str, taken: list[tuple[int, int]]) -> tuple[int, set[int]] | None:
    """The one year the text states apart from its dates, and the sentences that state it (None
    when none, or several)."""
    lone = [m for m in _LONE_YEAR.finditer(text) if all(m.end() <= s or m.start() >= e for s, e in taken)]
    if len({int(m["year"]) for m in lone}) != 1:
        return None
    return int(lone[0]["year"]), {_sentence_of(text, m.start()) for m in lone}


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
        show = zh_day if zh else _en
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


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (earlier when negative), clamped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (day.day, 30, 29, 28):
        if (d := _safe_date(year, month, min(day.day, last))) is not None:
            return d
    raise ValueError(day)


# A weekday named alone ("she flew in Monday", "I file on Friday"): the last one when the words just
# before it tell of the past (or its clause's verb after it), else the next one; never a range
# ("Monday to Friday") or a habit ("on Mondays").
_EN_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_EN_WEEKDAY = re.compile(
    rf"(?<!last )(?<!next )(?<!this )\b(?:on\s+)?(?P<wd>{'|'.join(_EN_WEEKDAYS)})\b(?!s\b|\s*(?:to|through|till|until|-|–|and|or)\b)",
    re.I,
)
_DATE_BESIDE_AFTER = re.compile(r"\s*[,，(（]?\s*(?:\d|(?:the\s+)?\d|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\s+\d)", re.I)
_DATE_BESIDE_BEFORE = re.compile(
    r"(?:(?:\d(?!\s*[ap]\.?m\b)\w{0,2}|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?)\s*[,，(（]?"
    r"|\b(?:to|through|till|until|from)|[-–])\s*$",
    re.I,
)
_PAST_BEFORE = re.compile(
    r"\b(?:\w+ed|came|flew|went|got|was|were|did|left|gave|took|had|sent|paid|lost|made|told|met|saw|began|"
    r"brought|bought|caught|drove|flown|gone|given|taken|arrived|landed|entered)\b[^.;!?]*$",
    re.I,
)


# ... or the verb of its own clause, just after it, does ("On Tuesday the police took him", "Monday I got it")
_PAST_AFTER = re.compile(
    r"\s*,?\s*(?:[\w']+\s+){0,3}?(?:\w+ed|came|flew|went|got|was|were|did|left|gave|took|had|sent|paid|lost|made|"
    r"told|met|saw|began|brought|bought|caught|drove|arrived|landed|entered)\b",
    re.I,
)


def _bare_weekday(name: str, today: dt.date, *, past: bool) -> dt.date:
    """The weekday ``name`` nearest ``today`` on the side ``past`` says (today itself for the past)."""
    wanted = _EN_WEEKDAYS.index(name.lower())
    if past:
        return today - dt.timedelta(days=(today.weekday() - wanted) % 7)
    return today + dt.timedelta(days=(wanted - today.weekday()) % 7 or 7)


def _moved(day: dt.date, count: str, unit: str, sign: int = 1) -> dt.date:
    """``day`` moved by a period written in English (``count`` "two" or "2", ``unit`` "week"; ``sign``
    -1 for one counted back, "ago")."""
    raw = count.lower()
    n = sign * (int(raw) if raw.isdigit() else _EN_COUNT[raw])
    unit = unit.lower()
    return _add_months(day, n) if unit == "month" else day + dt.timedelta(days=n * (7 if unit == "week" else 1))


def _en_relative(phrase: str, today: dt.date) -> dt.date | None:
    if re.fullmatch(r"tonight|this (?:morning|afternoon|evening)", phrase.strip(), re.I):
        return today
    if re.fullmatch(r"last night", phrase.strip(), re.I):
        return today - dt.timedelta(days=1)
    if (before_last := re.fullmatch(r"the\s+(\w+day)\s+before\s+last", phrase.strip(), re.I)) is not None:
        # "the Thursday before last": the one a week before last Thursday
        last = _en_relative(f"last {before_last.group(1)}", today)
        return None if last is None else last - dt.timedelta(days=7)
    counted = _EN_COUNTED.fullmatch(phrase.strip())
    if counted:
        return _moved(today, counted["n"], counted["unit"], -1 if (counted["dir"] or "").lower() in {"ago", "back"} else 1)
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
    sign = -1 if m["dir"] in {"前", "以前", "之前"} else 1
    if m["unit"] == "个月":
        if m["n"] == "半":
            return today + dt.timedelta(days=sign * 15)
        months = zh_number(m["n"])
        return _add_months(today, sign * months) if months else None
    n = zh_number(m["n"])
    if n is None:
        return None
    days = n * (7 if m["unit"] in {"周", "星期", "个星期"} else 1)
    return today + dt.timedelta(days=sign * days)


def dates_in(
    text: str, today: dt.date | None = None, prefer: Prefer | tuple[Prefer, ...] = "nearest"
) -> set[dt.date]:
    """The resolved dates written in ``text`` (yearless ones resolved against ``today``, in the
    reading ``prefer`` names, or in each of several: ``READINGS`` gives every year a date written
    without one may mean).

    A date whose day and month order is unknown ("02/03/2026") gives both
    readings: either may be repeated back without being a new date; a part of a month ("下个月中旬")
    gives its first and last days.
    """
    found, problems = scan_dates(text, today)
    prefers = (prefer,) if isinstance(prefer, str) else prefer
    out: set[dt.date] = set()
    for fd in found:
        if fd.year is None and today is None:
            continue
        for way in prefers:
            value = fd.resolve(today, way) if today else fd.resolve(dt.date.min)
            if value:
                out.add(value)
                if fd.loose:  # a part of a month: its last day too ("mid-May": 11 to 20 May)
                    out.add(fd.span_end(value))
    for p in problems:
        out.update(p.readings)
    return out


_TIME_24 = re.compile(r"(?<!\d)(?P<h>[01]?\d|2[0-3])[:：](?P<m>[0-5]\d)(?!\d)")
# "9 pm", "9:30am", and a range ("8-9pm", "8 to 9 pm"), read at its start
_TIME_12 = re.compile(
    r"\b(?:(?P<h0>1[0-2]|0?[1-9])\s*(?:-|–|to|or)\s*)?(?P<h>1[0-2]|0?[1-9])(?::(?P<m>[0-5]\d))?\s*(?P<ap>a\.?m\.?|p\.?m\.?)", re.I
)
# "晚上8点", "下午3点半", "晚上（估计十点左右）": the part of the day may stand a few words before the hour;
# a range ("下午2-3点", "两到三点") is read at its start
_TIME_ZH = re.compile(
    r"(?:(?P<part>凌晨|早上|上午|中午|下午|傍晚|晚上|夜里|(?:昨|今|明|前|当)?晚|深夜)[^0-9零〇一二两三四五六七八九十，。,;；！？!?]{0,4}?)?"
    rf"(?:(?P<h0>{_ZH_NUM})\s*[-–~到至]\s*)?(?P<h>{_ZH_NUM})\s*[点點时](?:(?P<m>\d{{1,2}})分?|(?P<half>半))?"
)


@dataclass(frozen=True)
class FoundTime:
    """A clock time written in a text, and where."""

    value: dt.time
    start: int
    end: int


def _clock(m: re.Match[str], pattern: re.Pattern) -> dt.time | None:
    if pattern is _TIME_24:
        return dt.time(int(m["h"]), int(m["m"]))
    if pattern is _TIME_12:
        pm = m["ap"].lower().startswith("p")
        hour = int(m["h0"] or m["h"]) % 12 + (12 if pm else 0)
        return dt.time(hour, 0 if m["h0"] else int(m["m"] or 0))
    hour = zh_number(m["h0"] or m["h"])
    if hour is None or hour > 24:
        return None
    if m["part"] and (m["part"] in {"下午", "深夜", "夜里"} or m["part"].endswith(("晚", "晚上"))) and hour < 12:
        hour += 12
    minute = 0 if m["h0"] else 30 if m["half"] else int(m["m"] or 0)
    return dt.time(hour % 24, minute)


def find_times(text: str) -> list[FoundTime]:
    """Every clock time in ``text``, in order: '21:00', '9 pm', '9:30am', '晚上8点', '下午3点半'."""
    found: list[FoundTime] = []
    # (a time with its am or pm first: "10:30pm" is 22:30, not the 10:30 its digits alone say)
    for pattern in (_TIME_12, _TIME_24, _TIME_ZH):
        for m in pattern.finditer(text):
            if any(m.start() < t.end and t.start < m.end() for t in found):
                continue
            if (value := _clock(m, pattern)) is not None:
                # (from the hour: the part of the day may be a date's word too, "昨晚十点")
                start = m.start("h0" if m["h0"] else "h") if pattern is _TIME_ZH else m.start()
                found.append(FoundTime(value, start, m.end()))
    return sorted(found, key=lambda t: t.start)


# A time written just before a date is that date's ("at 11pm on 1 Oct", "21:00, 2 October").
_TIME_BEFORE_DATE = re.compile(r"^[\s,，]*(?:on|of)?\s*$", re.I)


def time_of_day(text: str, day: dt.date, today: dt.date | None = None) -> dt.time | None:
    """The clock time ``text`` gives for ``day``: each time belongs to the date written just after it
    ("at 11pm on 1 Oct"), else to the date written before it in its sentence ("checks in on the 9th
    after dinner, maybe 8-9pm"), else to the next date of its sentence. When no written date is
    ``day``, the text's first time if it writes one date at most ("she arrived yesterday at 21:00")."""
    text = text.translate(_WIDE)
    times = find_times(text)
    if not times:
        return None
    dates = find_dates(text, today)
    if not dates:
        return times[0].value
    preferences: tuple[Prefer, ...] = ("nearest", "past", "future", "ahead")

    def is_day(fd: FoundDate) -> bool:
        return any(fd.resolve(today, way) == day for way in preferences) if today else (
            (fd.month, fd.day) == (day.month, day.day) and fd.year in (None, day.year)
        )

    if not any(is_day(fd) for fd in dates):
        return times[0].value if len(dates) == 1 else None
    for t in times:
        sentence = _sentence_of(text, t.start)
        after = next((fd for fd in dates if fd.start >= t.end), None)
        before = [fd for fd in dates if fd.end <= t.start and _sentence_of(text, fd.start) == sentence]
        if after is not None and _TIME_BEFORE_DATE.match(text[t.end:after.start]):
            owner = after
        elif before:
            owner = before[-1]
        elif after is not None and _sentence_of(text, after.start) == sentence:
            owner = after
        else:
            continue
        if is_day(owner):
            return t.value
    return None


# --------------------------------------------------------------------------- roles

Role = Literal[
    "enter_before", "visa_validity", "birth", "change", "decision", "filing", "expiry", "entry", "arrival", "issue",
    "plan", "action",
]  # fmt: skip
ROLES_FILE = Path(__file__).resolve().parent.parent / "data" / "date_roles.json"
# Roles whose date is something the user did, to compare with a deadline rather than start one.
ACTION_ROLES: frozenset[str] = frozenset({"filing", "plan", "action"})


@dataclass(frozen=True)
class RoleCues:
    """The words that say what a date is the date of, per role, most specific role first."""

    order: tuple[str, ...]
    patterns: dict[str, re.Pattern[str]]
    labels: dict[str, tuple[str, str]]  # role -> (English, Chinese) words for it
    inert: frozenset[str] = frozenset()  # roles no period of the documents starts from ('starts_nothing')

    def label(self, role: str, lang: str) -> str:
        en, zh = self.labels.get(role, (role, role))
        return zh if lang == "zh" else en


@lru_cache(maxsize=4)
def load_role_cues(path: Path = ROLES_FILE) -> RoleCues:
    """The role vocabulary (``data/date_roles.json``), compiled."""
    data = json.loads(path.read_text(encoding="utf-8"))
    order, patterns, labels = [], {}, {}
    for entry in data["roles"]:
        order.append(entry["role"])
        labels[entry["role"]] = (entry.get("label_en", entry["role"]), entry.get("label_zh", entry["role"]))
        parts = [*entry.get("en", []), *entry.get("zh", [])]
        patterns[entry["role"]] = re.compile("|".join(f"(?:{p})" for p in parts), re.I)
    inert = frozenset(e["role"] for e in data["roles"] if e.get("starts_nothing"))
    return RoleCues(tuple(order), patterns, labels, inert)


@dataclass(frozen=True)
class Cue:
    role: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class RoledDate:
    """A date of the question and what it is the date of.

    ``role`` is given by the cue nearest the date in its clause (None when its clause
    has none for it); ``roles`` are all the roles cued for it, nearest first, so a
    receipt "issued" on a day is still a filing date.
    """

    found: FoundDate
    role: str | None
    roles: tuple[str, ...] = ()
    cue: str | None = None
    base: dt.date | None = None  # for a date counted from an earlier one ("a month after mine"): that date

    @property
    def text(self) -> str:
        return self.found.text

    @property
    def planned(self) -> bool:
        """Whether a cue of its clause tells a day the user plans to act on ("was planning to go on
        the 19th to register her": the registering is the step, the plan says when)."""
        return self.role == "plan" or "plan" in self.roles


# Where one clause ends and the next begins: sentence ends, commas, semicolons, "and", "but".
# (full-width marks end a clause before a digit too: "收到决定书，3月25日去交"; ASCII ones not in "1,000")
# (the dot closing a day and month written with dots, "the letter came Friday 24.4. and we paid", ends nothing)
_CLAUSE_END = re.compile(
    r"[。！？；，\n]+|(?<!\d\.\d)(?<!\d\.\d\d)[.!?;,]+(?=\s|\D|$)|\s+(?:and|but|while|so|then|because)\s+"
    r"|而且|但是|并且|然后|所以|因为",
    re.I,
)


_CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")
GENERIC_ROLE = "action"  # something the user did, without saying what the deed was the date of
_DATING_ONLY = 4  # what a clause may say beside its date and still only date it: "落款", "dated", "signed on"


# A word saying only that a date is written on something ("dated", 落款, 签发日期 of a new passport): the
# clause before tells what.
DATING_WORDS = r"dated|落款(?:日期)?|签发(?:日期)?"
_DATING_WORD = re.compile(rf"^(?:{DATING_WORDS})$", re.I)


def _only_dates(said: str) -> bool:
    """Whether ``said`` (a clause's words besides its date) is short enough that the clause only dates:
    a Chinese character counts one, any other word two."""
    words = re.sub(r"[\W_]+", " ", said).split()
    return sum(len(w) if _CJK_CHAR.match(w) else 2 for w in words) <= _DATING_ONLY


def _clauses(text: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for m in _CLAUSE_END.finditer(text):
        if m.start() > start:
            bounds.append((start, m.start()))
        start = m.end()
    if start < len(text):
        bounds.append((start, len(text)))
    return bounds


def find_cues(text: str, spans: Sequence[tuple[int, int]] = (), cues: RoleCues | None = None) -> list[Cue]:
    """Every role cue in ``text``, dates (``spans``) masked; a more specific role's cue
    hides the words it covers from the roles after it."""
    cues = cues or load_role_cues()
    # 出入境 (the exit-entry administration) is no entry (入境): its characters cue nothing
    masked = ZH_MASK.sub(lambda m: "\u2007" * len(m.group(0)), text)
    for s, e in spans:
        masked = masked[:s] + "\u2007" * (e - s) + masked[e:]
    found: list[Cue] = []
    for role in cues.order:
        for m in cues.patterns[role].finditer(masked):
            if m.end() > m.start():
                found.append(Cue(role, m.start(), m.end(), m.group(0)))
        for c in found:
            if c.role == role:
                masked = masked[: c.start] + "\u2007" * (c.end - c.start) + masked[c.end :]
    return sorted(found, key=lambda c: c.start)


def event_role(description: str, cues: RoleCues | None = None) -> str | None:
    """The role of a rule's event, read from its description ("the date of entry into China"
    -> entry; "the expiry of the residence permit" -> expiry); parenthetical notes left out."""
    plain = re.sub(r"[(（][^)）]*[)）]", " ", description)
    found = find_cues(plain, cues=cues)
    order = (cues or load_role_cues()).order
    return min((c.role for c in found), key=order.index, default=None)


# A clause going straight on from the one before ("…落地，直接住到我家"; "landed at 9, went straight to
# her flat"): what it tells happens the same day.
_STRAIGHT_ON = re.compile(
    r"\W*(?:(?:and|then)\s+)?(?:went\s+|came\s+|drove\s+|headed\s+)?(?:straight|directly|right away|immediately)\b|"
    r"\W*(?:然后|就)?(?:直接|径直|马上|随即|立刻|当晚|当天)",
    re.I,
)


_TRIP_ENDS_IN = "entry"  # the role a journey told before it ends in (read_roles) ...
# ... when its words are of crossing into China, not of coming back from a trip at home ("过完五一才回来")
_CROSSING_WORD = re.compile(r"入境|入关|落地|过关|\b(?:entered|entering|entry|landed|landing|lands|crossed)\b", re.I)
# ... and when the date's own clause tells a journey (a flight, a crossing from one place to another)
_JOURNEY = re.compile(r"飞|航班|乘|坐[^，,。]{0,6}(?:船|车|飞机)|从[^，,。]{1,10}(?:到|去|来|飞)|\bfl(?:y|ies|ew|ight|ying)\b|"
                      r"\b(?:ferry|train|sailed|drove)\b|\bfrom\b[^,.]{1,40}\bto\b", re.I)


def read_roles(text: str, dates: Sequence[FoundDate], cues: RoleCues | None = None) -> list[RoledDate]:
    """Each date of ``text`` with its role, read from the cue words of its clause.

    A cue belongs to the date of its clause it is nearest; a date takes the nearest of
    its cues ("entered on 3 March and the permit expires on 5 May": entry, then expiry).
    Ties go to the more specific role.
    """
    text = text.translate(_WIDE)
    cues = cues or load_role_cues()
    order, inert = cues.order, cues.inert
    all_cues = find_cues(text, [(d.start, d.end) for d in dates], cues)
    clauses = _clauses(text)

    def clause_of(pos: int) -> tuple[int, int]:
        return next(((s, e) for s, e in clauses if s <= pos < e), (0, len(text)))

    def distance(c: Cue, d: FoundDate) -> int:
        return d.start - c.end if c.end <= d.start else max(c.start - d.end, 0)

    def told_before(s: int, e: int, mates: list[FoundDate]) -> list[Cue]:
        """The cues of the clause before, in the same sentence and dating nothing itself, for a
        clause that only dates it ("a restriction decision, dated 9 October"; "…决定书，落款10月9号"):
        a clause telling an event of its own ("today the police took him") is no date of the one before."""
        before = [(cs, ce) for cs, ce in clauses if ce <= s]
        if len(mates) != 1 or not before:
            return []
        d = mates[0]
        if not _only_dates(text[s:d.start] + " " + text[d.end:e]):
            return []
        cs, ce = before[-1]
        if _SENTENCE_END.search(text[ce:s]) or any(cs <= o.start < ce for o in dates) or _MONTH_OF_YEAR.search(text[cs:ce]):
            return []
        return [c for c in all_cues if cs <= c.start and c.end <= ce]

    def told_after(e: int) -> list[Cue]:
        """The cues of the clauses after, to the sentence's end, that date nothing themselves, for a
        clause whose own words only say the user did something ("on 5 May we went to the bureau,
        where an officer took the application and handed us a slip"): what was done that day is told there."""
        out: list[Cue] = []
        for cs, ce in (c for c in clauses if c[0] >= e):
            if _SENTENCE_END.search(text[e:cs]) or any(cs <= o.start < ce for o in dates):
                break
            out += [c for c in all_cues if cs <= c.start and c.end <= ce and c.role != GENERIC_ROLE]
        return out

    def told_beside(s: int, e: int, d: FoundDate, own: list[Cue]) -> list[Cue]:
        """For a clause that says little more than its date and what was done that day ("上周一刚拿到"),
        the cues of the clauses just before and after it in the same sentence that date nothing."""
        said = text[s:d.start] + " " + text[d.end:e]
        for c in own:
            said = said.replace(c.text, " ")
        if not _only_dates(said):
            return []
        end = _SENTENCE_END.search(text, e)
        if end is not None and re.search(r"[?？]", end.group(0)):
            return []  # a sentence that asks ("有效期到8月20日，最晚哪天申请？") tells nothing done that day
        i = clauses.index((s, e)) if (s, e) in clauses else -1
        out: list[Cue] = []
        for j in (i - 1, i + 1):
            if i < 0 or not 0 <= j < len(clauses):
                continue
            cs, ce = clauses[j]
            if any(cs <= o.start < ce for o in dates) or _MONTH_OF_YEAR.search(text[cs:ce]) \
                    or _SENTENCE_END.search(text[min(ce, e):max(cs, s)]):
                continue
            out += [c for c in all_cues if cs <= c.start and c.end <= ce]
        return out

    def later_that_day(e: int) -> list[Cue]:
        """The cues of the clause right after, in the same sentence, that dates nothing but tells a
        clock time ("5号晚上落地，大约十点到她家"; "lands on the 5th, home by 10pm"): what it
        tells happens later the same day."""
        nxt = next(((cs, ce) for cs, ce in clauses if cs >= e), None)
        if nxt is None or _SENTENCE_END.search(text[e:nxt[0]]) or any(nxt[0] <= o.start < nxt[1] for o in dates):
            return []
        if not find_times(text[nxt[0]:nxt[1]]) and not _STRAIGHT_ON.match(text[nxt[0]:nxt[1]]):
            return []
        return [c for c in all_cues if nxt[0] <= c.start and c.end <= nxt[1]]

    out = []
    for d in dates:
        s, e = clause_of(d.start)
        # (a cue read across a comma, "a replacement from her embassy, issued on 4 August", is of the
        # clause it ends in: its last words are the date's)
        same = [c for c in all_cues if s <= c.start and c.end <= e or c.start < s < c.end <= e]
        mates = [o for o in dates if s <= o.start < e]
        own = [c for c in same if min(mates, key=lambda o: (distance(c, o), o.start)) is d]
        # A clause only saying the date is written ("issued me a new passport, dated 9 March") dates what
        # the clause before tells, which leads its own word.
        written_on = told_before(s, e, mates) if own and all(_DATING_WORD.match(c.text) for c in own) else []
        own = own or told_before(s, e, mates)
        last = max(mates, key=lambda o: o.start) is d  # ("today (Tue 5 May) we went ...": the latter)
        after = told_after(e) if last and own and all(c.role == GENERIC_ROLE for c in own) else []
        if last and not own:
            # A clause whose words tell nothing of its date, the sentence going on to an event no
            # period starts from ("上周五准备出关，结果在口岸被拦下"), or to the entry the trip it tells
            # ends in ("3月2号从仁川飞青岛，在流亭机场入境"): the day is that event's.
            journey = bool(_JOURNEY.search(text[s:e]))
            after = [c for c in told_after(e) if c.role in inert
                     or journey and c.role == _TRIP_ENDS_IN and _CROSSING_WORD.search(c.text)]
        # A cue read across the words of a more specific one ("签证[入境有效期]到") is not nearer for
        # it: those words are the specific cue's ("入境有效期到1月8日" is the last day to enter).
        own = [c for c in own if not any(o is not c and c.start <= o.start and o.end <= c.end
                                         and order.index(o.role) < order.index(c.role) for o in own)]
        ranked = sorted(own, key=lambda c: (distance(c, d), order.index(c.role)))
        # what was done is told after: those roles lead, "went to" stays a reading of its own
        ranked = sorted(after, key=lambda c: (distance(c, d), order.index(c.role))) + ranked
        ranked = [c for c in written_on if c not in ranked] + ranked
        # The clauses of its sentence that date nothing themselves may tell what else the day was:
        # "换了本新护照，上周一刚拿到": the day it was received is the day the passport changed. Those
        # readings follow the date's own (they never lead it).
        beside = sorted((c for c in told_beside(s, e, d, own) if c not in ranked), key=lambda c: distance(c, d))
        if last:
            beside += [c for c in later_that_day(e) if c not in ranked and c not in beside]
        roles = tuple(dict.fromkeys([c.role for c in ranked] + [c.role for c in beside if c.role != GENERIC_ROLE]))
        first = ranked[0] if ranked else None
        out.append(RoledDate(d, first.role if first else None, roles, first.text if first else None))
    return out


def describe_comparison(done: dt.date, last: dt.date, lang: str, *, what: str | None = None,
                        today: dt.date | None = None) -> str:
    """One sentence comparing the day something was done with the last day allowed:
    "Filed on 10 October 2026: one day after the last day, 9 October 2026.". A day still to
    come (after ``today``) is a plan: "If done on 18 March 2026: ..., so it would be late."."""
    gap = (done - last).days
    planned = today is not None and done > today
    if lang == "zh":
        head = f"如在{zh_day(done)}办理：" if planned else f"{what or '办理日期'}{zh_day(done)}："
        if gap == 0:
            return head + f"正是最后一天（{zh_day(last)}），{'不会逾期' if planned else '未逾期'}。"
        if gap < 0:
            return head + f"比最后一天（{zh_day(last)}）早{-gap}天，{'不会逾期' if planned else '未逾期'}。"
        return head + f"比最后一天（{zh_day(last)}）晚{gap}天，{'将会逾期' if planned else '已逾期'}。"
    head = f"If done on {_en(done)}: " if planned else f"{what or 'Done'} on {_en(done)}: "
    days = lambda n: "one day" if n == 1 else f"{n} days"  # noqa: E731
    if gap == 0:
        return head + f"on the last day, {_en(last)}, so in time."
    if gap < 0:
        return head + f"{days(-gap)} before the last day, {_en(last)}, so in time."
    return head + f"{days(gap)} after the last day, {_en(last)}, so {'it would be late' if planned else 'late'}."


# --------------------------------------------------------------------------- dates derived from an earlier one

# "a month after mine", "two weeks before his", "比我晚一个月", "比她的早10天": a date stated as an
# offset from a date given earlier in the conversation (another person's same event).
_EN_DERIVED = re.compile(
    rf"\b(?P<n>{_EN_COUNT_WORD})\s+(?P<unit>day|week|month|year)s?\s+(?P<dir>after|before|later than|earlier than)\s+"
    r"(?P<ref>mine|my own|me|him|his|her|hers|us|ours|them|theirs|you|yours|that|that date|the first|the other)\b",
    re.I,
)
_ZH_DERIVED = re.compile(
    rf"比(?P<ref>我|他|她|我们|他们|你|那个|前者)的?\S{{0,6}}?(?P<dir>晚|早)了?(?P<n>{_ZH_NUM}|半)\s*(?P<unit>天|日|周|星期|个星期|个礼拜|礼拜|个月|年)"
)


@dataclass(frozen=True)
class Offset:
    """A date written as an offset from an earlier one: ``sign`` * ``amount`` ``unit``."""

    text: str
    start: int
    end: int
    amount: int
    unit: Literal["day", "week", "month", "year"]
    sign: int

    def apply(self, anchor: dt.date) -> dt.date:
        if self.unit == "month":
            return _add_months(anchor, self.sign * self.amount)
        if self.unit == "year":
            return _add_months(anchor, 12 * self.sign * self.amount)
        return anchor + dt.timedelta(days=self.sign * self.amount * (7 if self.unit == "week" else 1))


_ZH_UNITS = {"天": "day", "日": "day", "周": "week", "星期": "week", "个星期": "week", "礼拜": "week", "个礼拜": "week",
             "个月": "month", "年": "year"}


# Words after which "may 11" in lower case is a date: a preposition of time, or an event a date
# follows ("entered on z visa may 11", "expires may 3").
_BEFORE_A_DAY = re.compile(
    r"\b(?:on|since|from|by|until|till|before|after|entered|entry|arrived|landed|came|flew|visa|expires?|"
    r"expired|ends?|valid)\W+(?:\w+\W+){0,2}$",
    re.I,
)


def find_offsets(text: str) -> list[Offset]:
    """Dates written as offsets from an earlier date: "a month after mine", "比我晚一个月"."""
    text = text.translate(_WIDE)
    out = []
    for m in _EN_DERIVED.finditer(text):
        raw = m["n"].lower()
        n = int(raw) if raw.isdigit() else _EN_COUNT[raw]
        sign = 1 if m["dir"].lower() in {"after", "later than"} else -1
        out.append(Offset(m.group(0), m.start(), m.end(), n, m["unit"].lower(), sign))  # type: ignore[arg-type]
    for m in _ZH_DERIVED.finditer(text):
        unit = _ZH_UNITS[m["unit"]]
        if m["n"] == "半":
            if unit != "month":
                continue
            n, unit = 15, "day"
        else:
            n = zh_number(m["n"])
            if not n:
                continue
        out.append(Offset(m.group(0), m.start(), m.end(), n, unit, 1 if m["dir"] == "晚" else -1))  # type: ignore[arg-type]
    return sorted(out, key=lambda o: o.start)


def derived_date(offset: Offset, anchor: RoledDate, today: dt.date, prefer: Prefer = "nearest") -> RoledDate | None:
    """The date ``offset`` names from ``anchor`` (a dated event of an earlier turn), with the
    anchor's role: "his card runs out one month later than mine" is an expiry."""
    base = anchor.found.resolve(today, prefer)
    if base is None:
        return None
    day = offset.apply(base)
    found = FoundDate(offset.text, offset.start, offset.end, day.month, day.day, day.year, relative=True)
    return RoledDate(found, anchor.role, anchor.roles, anchor.cue, base)


def describe_derived(roled: RoledDate, lang: str) -> str | None:
    """How a date counted from an earlier one was read: "“a month after mine”: 10 June 2027
    (from 10 May 2027)."; None for a date written as such."""
    if roled.base is None:
        return None
    day = roled.found.resolve(roled.base)
    if day is None:
        return None
    if lang == "zh":
        return f"“{roled.text}”：按{zh_day(roled.base)}推算为{zh_day(day)}。"
    return f"“{roled.text}”: {_en(day)} (counted from {_en(roled.base)})."
