"""Date arithmetic for legal time limits. Pure: no clock, no I/O.

Every function returns a ``Deadline``: the ISO date, its weekday, whether it is
a working day, the holiday if any, ``act_by`` (the last working day on or
before the date when the date itself is not one), the steps of the
computation in words (English or Chinese), and a provisional flag when a day
involved lies outside the official holiday data.

Conventions (those of the Law and the Regulations):

- "within N days from the event": the event day is not counted; the last day
  is event + N (entry 2026-03-02 + 30 days = 2026-04-01).
- "N days prior to the expiry" / 届满N日前: the latest day is expiry - N.
- working days skip weekends and public holidays and count make-up working days.
- months: same day number N months later, clamped to the end of a shorter month.
- period of stay (Regulations Art. 36(3)): starts the day after entry; day N is
  entry + N.

Bad input raises ``regchat.errors.DeadlineError``.
"""

from __future__ import annotations

import calendar as _monthrange
import datetime as dt
from typing import Literal

from regchat.deadlines.calendars import Calendar, DayInfo, calendar_for, check_supported
from regchat.documents import Deadline
from regchat.errors import DeadlineError

Lang = Literal["en", "zh"]

WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAYS_ZH = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")

MAX_DAYS = 3660  # ten years
MAX_WORKING_DAYS = 1000
MAX_MONTHS = 120
MAX_HOURS = 24 * 366
ACT_BY_SEARCH = 40  # the longest run of non-working days is 9 (Spring Festival); leave room


def _t(lang: Lang, en: str, zh: str) -> str:
    return zh if lang == "zh" else en


def weekday_name(day: dt.date, lang: Lang = "en") -> str:
    return (WEEKDAYS_ZH if lang == "zh" else WEEKDAYS_EN)[day.weekday()]


def _d(day: dt.date, lang: Lang) -> str:
    """'2026-11-13 (Friday)' / '2026-11-13（星期五）'."""
    return f"{day.isoformat()}（{weekday_name(day, 'zh')}）" if lang == "zh" else f"{day.isoformat()} ({weekday_name(day)})"


def _check_date(value: object, what: str) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        raise DeadlineError(f"{what} must be a date, not {value!r}.")
    check_supported(value)
    return value


def _check_amount(value: object, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DeadlineError(f"{what} must be a whole number, not {value!r}.")
    if not low <= value <= high:
        raise DeadlineError(f"{what} must be between {low} and {high}, not {value}.")
    return value


def _resolve(calendar: Calendar | None, region: str) -> Calendar:
    return calendar if calendar is not None else calendar_for(region)


def _day_sentence(info: DayInfo, lang: Lang) -> str:
    day = info.date
    if info.is_working_day:
        if info.makeup:
            return _t(
                lang,
                f"{_d(day, lang)} is a make-up working day ({info.holiday}): a working day.",
                f"{_d(day, lang)}是调休上班日（{info.holiday_zh}），是工作日。",
            )
        if info.holiday:  # e.g. a Macao half-day holiday
            return _t(
                lang,
                f"{_d(day, lang)} is a working day (morning; {info.holiday}).",
                f"{_d(day, lang)}是工作日（上午办公；{info.holiday_zh}）。",
            )
        return _t(lang, f"{_d(day, lang)} is a working day.", f"{_d(day, lang)}是工作日。")
    if info.holiday:
        return _t(
            lang,
            f"{_d(day, lang)} is a public holiday ({info.holiday}), not a working day.",
            f"{_d(day, lang)}是法定节假日（{info.holiday_zh}），不是工作日。",
        )
    return _t(
        lang,
        f"{_d(day, lang)} is a weekend day, not a working day.",
        f"{_d(day, lang)}是周末，不是工作日。",
    )


class _Work:
    """Collects the days consulted so that provisional days are reported."""

    def __init__(self, calendar: Calendar, lang: Lang):
        self.calendar = calendar
        self.lang = lang
        self.reasons: dict[int, str] = {}

    def holiday_name(self, info: DayInfo) -> str | None:
        return (info.holiday_zh or info.holiday) if self.lang == "zh" else info.holiday

    def day(self, day: dt.date) -> DayInfo:
        info = self.calendar.day(day)
        if info.provisional:
            self.reasons.setdefault(day.year, (info.provisional_zh if self.lang == "zh" else info.provisional_en) or "")
        return info

    def finish(
        self,
        target: dt.date,
        kind: str,
        steps: list[str],
        *,
        window_start: dt.date | None = None,
        find_act_by: bool = True,
    ) -> Deadline:
        """Describe ``target`` and, when it is not a working day, find the day to act by.

        ``window_start``: the first day the act can be done (an event date); ``act_by`` is never
        earlier than it.
        """
        lang = self.lang
        info = self.day(target)
        steps = [*steps, _day_sentence(info, lang)]
        act_by = None
        if not info.is_working_day and find_act_by:
            candidate = target
            for _ in range(ACT_BY_SEARCH):
                candidate -= dt.timedelta(days=1)
                if window_start is not None and candidate < window_start:
                    candidate = None
                    break
                if self.day(candidate).is_working_day:
                    break
            else:
                candidate = None
            if candidate is not None:
                act_by = candidate
                steps.append(
                    _t(
                        lang,
                        f"To be safe, act by {_d(act_by, lang)}, the last working day on or before it.",
                        f"稳妥起见，最晚于{_d(act_by, lang)}办理，这是当日或之前的最后一个工作日。",
                    )
                )
            else:
                steps.append(
                    _t(
                        lang,
                        "No working day falls between the event and this date: act as early as possible.",
                        "从事件发生到该日期之间没有工作日：请尽早办理。",
                    )
                )
        provisional = bool(self.reasons)
        reason = "; ".join(self.reasons[y] for y in sorted(self.reasons)) or None
        return Deadline(
            date=target,
            weekday=weekday_name(target),
            is_working_day=info.is_working_day,
            holiday=None if info.is_working_day else self.holiday_name(info),
            act_by=act_by,
            region=self.calendar.region,
            kind=kind,
            steps=steps,
            provisional=provisional,
            provisional_reason=reason,
        )


def describe_day(
    day: dt.date, region: str = "CN", *, calendar: Calendar | None = None, lang: Lang = "en"
) -> Deadline:
    """One day as a ``Deadline``: weekday, working day or not, holiday, last working day before it."""
    day = _check_date(day, "The date")
    work = _Work(_resolve(calendar, region), lang)
    return work.finish(day, "day", [])


def add_days(
    start: dt.date,
    days: int,
    *,
    region: str = "CN",
    calendar: Calendar | None = None,
    lang: Lang = "en",
    act: bool = True,
) -> Deadline:
    """Last day of "within ``days`` days from ``start``": the start day is not counted."""
    start = _check_date(start, "The start date")
    days = _check_amount(days, "The number of days", 0, MAX_DAYS)
    target = start + dt.timedelta(days=days)
    check_supported(target)
    work = _Work(_resolve(calendar, region), lang)
    steps = [
        _t(lang, f"Start: {_d(start, lang)}; the start day itself is not counted.",
           f"起算日：{_d(start, lang)}；当日不计入。"),
        _t(lang, f"{start.isoformat()} + {days} calendar days = {_d(target, lang)}.",
           f"{start.isoformat()} 加 {days} 个自然日 = {_d(target, lang)}。"),
    ]
    return work.finish(target, "after_event", steps, window_start=start, find_act_by=act)


def lapses_on(day: dt.date, *, region: str = "CN", calendar: Calendar | None = None, lang: Lang = "en") -> Deadline:
    """The last day of a validity that lapses at 24:00 (Beijing time) on ``day``: that day itself, to its end."""
    day = _check_date(day, "The last day of validity")
    check_supported(day)
    work = _Work(_resolve(calendar, region), lang)
    steps = [
        _t(lang, f"Last day of validity: {_d(day, lang)}; it lapses at 24:00 Beijing time that day, so it can be "
           "used until the end of that day.",
           f"有效期满日：{_d(day, lang)}；于当日北京时间24时失效，当日24时前仍可使用。"),
    ]
    done = work.finish(day, "lapses", steps, find_act_by=False)
    # (nobody acts on the day a validity lapses: whether it is a working day says nothing)
    return done.model_copy(update={"steps": steps})


def days_before(
    expiry: dt.date, days: int, *, region: str = "CN", calendar: Calendar | None = None, lang: Lang = "en"
) -> Deadline:
    """Latest day for "``days`` days prior to the expiry" (届满N日前): ``expiry`` minus ``days``."""
    expiry = _check_date(expiry, "The expiry date")
    days = _check_amount(days, "The number of days", 0, MAX_DAYS)
    target = expiry - dt.timedelta(days=days)
    check_supported(target)
    work = _Work(_resolve(calendar, region), lang)
    steps = [
        _t(lang, f"Expiry: {_d(expiry, lang)}.", f"届满日：{_d(expiry, lang)}。"),
        _t(lang, f"{expiry.isoformat()} - {days} days = {_d(target, lang)}: the latest day to file.",
           f"{expiry.isoformat()} 减 {days} 日 = {_d(target, lang)}：最晚的申请日。"),
    ]
    return work.finish(target, "before_expiry", steps)


def _runs(days: list[DayInfo]) -> list[tuple[dt.date, dt.date, str | None, str | None]]:
    """Group consecutive days with the same holiday name: (first, last, name_en, name_zh)."""
    runs: list[list] = []
    for info in days:
        if runs and runs[-1][2] == info.holiday and (info.date - runs[-1][1]).days == 1:
            runs[-1][1] = info.date
        else:
            runs.append([info.date, info.date, info.holiday, info.holiday_zh])
    return [tuple(r) for r in runs]


def _span(first: dt.date, last: dt.date) -> str:
    return first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}"


def add_working_days(
    start: dt.date,
    days: int,
    *,
    region: str = "CN",
    calendar: Calendar | None = None,
    lang: Lang = "en",
    act: bool = True,
) -> Deadline:
    """The ``days``-th working day after ``start`` (before it when ``days`` is negative).

    The start day is not counted. Weekends and public holidays are skipped; make-up
    working days count.
    """
    start = _check_date(start, "The start date")
    days = _check_amount(days, "The number of working days", -MAX_WORKING_DAYS, MAX_WORKING_DAYS)
    work = _Work(_resolve(calendar, region), lang)
    step = dt.timedelta(days=1 if days >= 0 else -1)
    counted: list[DayInfo] = []
    skipped: list[DayInfo] = []
    day = start
    while len(counted) < abs(days):
        day += step
        check_supported(day)
        info = work.day(day)
        (counted if info.is_working_day else skipped).append(info)
    forward = days >= 0
    steps = [
        _t(lang, f"Start: {_d(start, lang)}; the start day itself is not counted.",
           f"起算日：{_d(start, lang)}；当日不计入。"),
        _t(
            lang,
            f"Count {abs(days)} working days {'forward' if forward else 'backward'}, skipping weekends and "
            f"public holidays and counting make-up working days.",
            f"{'向后' if forward else '向前'}数 {abs(days)} 个工作日，跳过周末和法定节假日，调休上班日计入。",
        ),
    ]
    holidays_skipped = [i for i in skipped if i.holiday]
    if holidays_skipped:
        spans = ", ".join(
            _t(lang, f"{_span(a, b)} ({en})", f"{_span(a, b)}（{zh}）")
            for a, b, en, zh in _runs(sorted(holidays_skipped, key=lambda i: i.date))
        )
        steps.append(_t(lang, f"Public holidays skipped: {spans}.", f"跳过的法定节假日：{spans}。"))
    weekend_skipped = len(skipped) - len(holidays_skipped)
    if weekend_skipped:
        steps.append(_t(lang, f"Weekend days skipped: {weekend_skipped}.", f"跳过的周末天数：{weekend_skipped}。"))
    makeups = [i for i in counted if i.makeup]
    if makeups:
        listed = ", ".join(_t(lang, f"{i.date.isoformat()} ({i.holiday})", f"{i.date.isoformat()}（{i.holiday_zh}）")
                           for i in makeups)
        steps.append(_t(lang, f"Make-up working days counted: {listed}.", f"计入的调休上班日：{listed}。"))
    if 0 < len(counted) <= 31:
        listed = ", ".join(i.date.isoformat()[5:] for i in counted)
        steps.append(_t(lang, f"Working days counted: {listed}.", f"计入的工作日：{listed}。"))
    if days:
        steps.append(
            _t(lang, f"Working day {abs(days)} is {_d(day, lang)}.", f"第 {abs(days)} 个工作日是{_d(day, lang)}。")
        )
    return work.finish(day, "working_days", steps, window_start=start if forward else None, find_act_by=act)


def shift_months(start: dt.date, months: int) -> dt.date:
    """Same day number ``months`` later (earlier when negative), clamped to the month's last day."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    last = _monthrange.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(start.day, last))


def add_months(
    start: dt.date,
    months: int,
    *,
    region: str = "CN",
    calendar: Calendar | None = None,
    lang: Lang = "en",
    act: bool = True,
) -> Deadline:
    """``months`` after ``start``: same day number, clamped to the end of a shorter month."""
    start = _check_date(start, "The start date")
    months = _check_amount(months, "The number of months", 0, MAX_MONTHS)
    target = shift_months(start, months)
    check_supported(target)
    work = _Work(_resolve(calendar, region), lang)
    steps = [_t(lang, f"Start: {_d(start, lang)}.", f"起算日：{_d(start, lang)}。")]
    if target.day != start.day:
        steps.append(
            _t(
                lang,
                f"{start.isoformat()} + {months} months: {target.year}-{target.month:02d} has no day "
                f"{start.day}, so the period ends on the last day of that month, {_d(target, lang)}.",
                f"{start.isoformat()} 加 {months} 个月：{target.year}年{target.month}月没有{start.day}日，"
                f"期限在该月最后一天届满，即{_d(target, lang)}。",
            )
        )
    else:
        steps.append(
            _t(lang, f"{start.isoformat()} + {months} months = {_d(target, lang)}.",
               f"{start.isoformat()} 加 {months} 个月 = {_d(target, lang)}。")
        )
    return work.finish(target, "months", steps, window_start=start, find_act_by=act)


def add_hours(
    start: dt.datetime | dt.date,
    hours: int,
    *,
    region: str = "CN",
    calendar: Calendar | None = None,
    lang: Lang = "en",
) -> Deadline:
    """``hours`` clock hours after ``start`` (e.g. registration within 24 hours of arrival).

    Given only a date (time unknown), ``hours`` must be whole days' worth: the period ends
    on the same clock time that many days later.
    """
    fmt = "%Y-%m-%d %H:%M"
    if isinstance(start, dt.datetime):
        check_supported(start.date())
        hours = _check_amount(hours, "The number of hours", 0, MAX_HOURS)
        end = start + dt.timedelta(hours=hours)
        check_supported(end.date())
        steps = [
            _t(lang, f"Start: {start.strftime(fmt)} ({weekday_name(start.date())}).",
               f"起算时间：{start.strftime(fmt)}（{weekday_name(start.date(), 'zh')}）。"),
            _t(lang, f"{start.strftime(fmt)} + {hours} hours = {end.strftime(fmt)} ({weekday_name(end.date())}); "
                     f"hours run through weekends and holidays.",
               f"{start.strftime(fmt)} 加 {hours} 小时 = {end.strftime(fmt)}（{weekday_name(end.date(), 'zh')}）；"
               f"小时连续计算，不因周末或节假日顺延。"),
        ]
        first, last = start.date(), end.date()
    else:
        if not isinstance(start, dt.date):
            raise DeadlineError(f"The start must be a date and time (or a date), not {start!r}.")
        first = _check_date(start, "The start")
        hours = _check_amount(hours, "The number of hours", 0, MAX_HOURS)
        if hours % 24:
            raise DeadlineError(f"{hours} hours from a date without a time is ambiguous: give the time too.")
        last = first + dt.timedelta(days=hours // 24)
        check_supported(last)
        steps = [
            _t(lang, f"Start: {_d(first, lang)}, time of day not given.", f"起算日：{_d(first, lang)}，未给出具体时间。"),
            _t(lang, f"{hours} hours later is the same time of day on {_d(last, lang)}; hours run through weekends "
                     f"and holidays, so act on {first.isoformat()} itself to be safe.",
               f"{hours}小时后是{_d(last, lang)}的同一时刻；小时连续计算，不因周末或节假日顺延，"
               f"稳妥起见请在{first.isoformat()}当天办理。"),
        ]
    work = _Work(_resolve(calendar, region), lang)
    # Hours run on non-working days too (police stations register every day): no act-by day.
    deadline = work.finish(last, "hours", steps, window_start=first, find_act_by=False)
    return deadline.model_copy(update={"time": end.time()}) if isinstance(start, dt.datetime) else deadline


def stay_period_end(
    entry: dt.date, days: int, *, region: str = "CN", calendar: Calendar | None = None, lang: Lang = "en"
) -> Deadline:
    """Last day of a period of stay of ``days`` days: it starts the day after entry
    (Regulations Art. 36(3)), so day ``days`` is ``entry + days``."""
    entry = _check_date(entry, "The entry date")
    days = _check_amount(days, "The duration of stay", 1, MAX_DAYS)
    first = entry + dt.timedelta(days=1)
    target = entry + dt.timedelta(days=days)
    check_supported(target)
    work = _Work(_resolve(calendar, region), lang)
    steps = [
        _t(lang, f"Entry: {_d(entry, lang)}.", f"入境日：{_d(entry, lang)}。"),
        _t(lang, f"The period of stay starts the day after entry: day 1 is {_d(first, lang)}.",
           f"停留期自入境次日起算：第1天是{_d(first, lang)}。"),
        _t(lang, f"Day {days} is {_d(target, lang)}: the last day of the stay.",
           f"第{days}天是{_d(target, lang)}：停留期的最后一天。"),
    ]
    # The last day of a stay is a day one may still stay, not a day to do something by.
    return work.finish(target, "stay_period", steps, window_start=entry, find_act_by=False)
