"""Computed deadlines as iCalendar files (RFC 5545), built with ``icalendar``.

One file per deadline:

* an all-day event on the deadline's date, in the region's time zone
  (``Asia/Shanghai`` for the mainland, ``Asia/Macau`` for Macao: named in
  ``X-WR-TIMEZONE`` and given as a ``VTIMEZONE``);
* when the date is not a working day, a second all-day event on the "act by"
  day, the last working day on or before it;
* a reminder (``VALARM``) at 09:00 a given number of *working* days before the
  day to act (the act-by day, or the date itself), counted on regchat's own
  working-day calendar, so a reminder never lands on a holiday;
* the rule, its article and the quoted phrase, then the steps of the
  computation, in the description.

Pure: the clock (``now``, for ``DTSTAMP``) and the calendar are arguments.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import icalendar

from regchat.answering.language import day_in, zh_day
from regchat.deadlines.arithmetic import weekday_name
from regchat.deadlines.calendars import Calendar, calendar_for
from regchat.documents import Answer, Deadline
from regchat.errors import DeadlineError

TIME_ZONES = {"CN": "Asia/Shanghai", "MO": "Asia/Macau"}
PRODID = "-//regchat//deadlines//EN"
REMINDER_HOUR = 9
#: Where the API serves a deadline's file; the browser chat links to ``CHAT_ICS_PATH`` (behind the chat login).
API_ICS_PATH = "/api/deadline.ics"
CHAT_ICS_PATH = "/calendar/deadline.ics"
MEDIA_TYPE = "text/calendar; charset=utf-8"
MAX_REMINDER_DAYS = 60

_TEXT = {
    "en": {
        "deadline": "Deadline",
        "act_by": "Act by",
        "act_by_note": "{date} is not a working day{why}: act by {act_by} ({weekday}), the last working day on or "
        "before it.",
        "rule": "Rule",
        "steps": "How the date was computed:",
        "provisional": "Provisional",
        "reminder": "Reminder: {what}, act by {day}",
        "footer": "Computed by regchat from the regulation texts. Not legal advice: confirm with the exit-entry "
        "administration or your employer.",
    },
    "zh": {
        "deadline": "截止日期",
        "act_by": "最晚办理日",
        "act_by_note": "{date}不是工作日{why}：最晚于{act_by}（{weekday}）办理，这是当日或之前的最后一个工作日。",
        "rule": "依据",
        "steps": "计算过程：",
        "provisional": "暂定",
        "reminder": "提醒：{what}，最晚办理日 {day}",
        "footer": "由 regchat 根据法规原文计算，不构成法律意见；请向出入境管理机构或用人单位确认。",
    },
}


def time_zone(region: str) -> str:
    return TIME_ZONES.get(region, TIME_ZONES["CN"])


def action_day(deadline: Deadline) -> dt.date:
    """The day to act: the act-by day when the date is not a working day, else the date."""
    return deadline.act_by or deadline.date


def reminder_day(deadline: Deadline, working_days: int, calendar: Calendar | None = None) -> dt.date:
    """The working day ``working_days`` working days before the day to act (0: the day itself),
    but never before the event the period counts from (a 24-hour period is reminded of on its first day)."""
    if not 0 <= working_days <= MAX_REMINDER_DAYS:
        raise DeadlineError(f"The reminder must be 0 to {MAX_REMINDER_DAYS} working days before, not {working_days}.")
    cal = calendar if calendar is not None else calendar_for(deadline.region)
    day = action_day(deadline)
    left = working_days
    while left:
        day -= dt.timedelta(days=1)
        if cal.is_working_day(day):
            left -= 1
    event = deadline.event.date() if isinstance(deadline.event, dt.datetime) else deadline.event
    if event is not None and event <= action_day(deadline):
        day = max(day, event)
    return day


def _summary(deadline: Deadline, lang: str) -> str:
    text = _TEXT[lang]
    what = (deadline.what or text["deadline"]).strip()
    return what[:1].upper() + what[1:] if lang == "en" else what


def describe(deadline: Deadline, lang: str = "en") -> str:
    """The event description: what the date is, act-by, rule and article, steps, warnings."""
    text = _TEXT[lang]
    zh = lang == "zh"
    day = f"{zh_day(deadline.date)}（{weekday_name(deadline.date, lang)}）" if zh else \
        f"{deadline.date.isoformat()} ({weekday_name(deadline.date, lang)})"
    colon = "：" if zh else ": "
    lines = [f"{_summary(deadline, lang)}{colon}{day}"]
    if deadline.act_by and deadline.act_by != deadline.date:
        why = (f"（{deadline.holiday}）" if zh else f" ({deadline.holiday})") if deadline.holiday else ""
        lines.append(text["act_by_note"].format(
            date=day_in(deadline.date, lang), why=why, act_by=day_in(deadline.act_by, lang),
            weekday=weekday_name(deadline.act_by, lang)))
    if deadline.citation is not None:
        rule = f"{deadline.rule_id}, " if deadline.rule_id else ""
        lines.append(f"{text['rule']}{colon}{rule}{deadline.citation.label}")
        if deadline.citation.quote:
            lines.append(f"\u201c{deadline.citation.quote.strip()}\u201d")
    if deadline.steps:
        lines.append("")
        lines.append(text["steps"])
        lines.extend(f"{n}. {step}" for n, step in enumerate(deadline.steps, 1))
    if deadline.provisional:
        lines.append("")
        lines.append(f"{text['provisional']}{colon}{deadline.provisional_reason or ''}".rstrip(": ："))
    lines += ["", text["footer"]]
    return "\n".join(lines)


def _uid(deadline: Deadline, part: str) -> str:
    """Stable across downloads, so importing the same deadline again updates the event."""
    key = "|".join(str(x) for x in (deadline.rule_id, deadline.event, deadline.amount, deadline.date, deadline.region,
                                    part))
    return f"{hashlib.sha256(key.encode()).hexdigest()[:24]}-{part}@regchat"


def _all_day(summary: str, day: dt.date, description: str, uid: str, now: dt.datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", now)
    event.add("summary", summary)
    event.add("dtstart", day)  # a date: VALUE=DATE, an all-day event
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("description", description)
    event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    event.add("categories", ["regchat", "deadline"])
    return event


def deadline_calendar(
    deadline: Deadline,
    *,
    reminder_working_days: int = 3,
    lang: str = "en",
    now: dt.datetime,
    calendar: Calendar | None = None,
) -> icalendar.Calendar:
    """The deadline as an ``icalendar.Calendar`` (one or two all-day events, one reminder)."""
    if lang not in _TEXT:
        lang = "en"
    tz = time_zone(deadline.region)
    cal = calendar if calendar is not None else calendar_for(deadline.region)
    now = now.astimezone(dt.timezone.utc)
    description = describe(deadline, lang)
    summary = _summary(deadline, lang)

    ical = icalendar.Calendar()
    ical.add("prodid", PRODID)
    ical.add("version", "2.0")
    ical.add("calscale", "GREGORIAN")
    ical.add("method", "PUBLISH")
    ical.add("x-wr-calname", "regchat")
    ical.add("x-wr-timezone", tz)
    first = min(reminder_day(deadline, reminder_working_days, cal), deadline.date)
    ical.add_component(icalendar.Timezone.from_tzinfo(
        ZoneInfo(tz), tzid=tz, first_date=first, last_date=deadline.date + dt.timedelta(days=1)))

    main = _all_day(summary, deadline.date, description, _uid(deadline, "date"), now)
    act_day = action_day(deadline)
    acting = main
    if act_day != deadline.date:
        text = _TEXT[lang]
        separator = "：" if lang == "zh" else ": "
        acting = _all_day(f"{text['act_by']}{separator}{summary}", act_day, description, _uid(deadline, "act"), now)
        ical.add_component(acting)
    ical.add_component(main)

    remind = reminder_day(deadline, reminder_working_days, cal)
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", _TEXT[lang]["reminder"].format(what=summary, day=act_day.isoformat()))
    # Relative to the all-day start (midnight, local time): 09:00 on the reminder day.
    alarm.add("trigger", dt.timedelta(days=-(act_day - remind).days, hours=REMINDER_HOUR))
    acting.add_component(alarm)
    return ical


def deadline_ics(deadline: Deadline, **kwargs) -> bytes:
    """The deadline as the bytes of an ``.ics`` file; arguments as ``deadline_calendar``."""
    return deadline_calendar(deadline, **kwargs).to_ical()


def file_name(deadline: Deadline) -> str:
    stem = deadline.rule_id or "deadline"
    return f"{stem}-{deadline.date.isoformat()}.ics"


def _moment(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    return value.isoformat()


def ics_query(deadline: Deadline, lang: str = "en") -> dict[str, str]:
    """The query that recomputes this deadline: its rule and event, or (no rule) the day itself."""
    if deadline.rule_id and deadline.event is not None:
        query = {"rule": deadline.rule_id, "date": _moment(deadline.event)}
        if deadline.amount is not None:
            query["amount"] = str(deadline.amount)
    else:
        query = {"day": deadline.date.isoformat(), "region": deadline.region}
    if lang != "en":
        query["lang"] = lang
    return query


def ics_link(deadline: Deadline, lang: str = "en", path: str = API_ICS_PATH) -> str:
    """A server-relative link to this deadline's ``.ics`` file."""
    return f"{path}?{urlencode(ics_query(deadline, lang))}"


__all__ = [
    "API_ICS_PATH", "CHAT_ICS_PATH", "MEDIA_TYPE", "TIME_ZONES", "action_day", "deadline_calendar", "deadline_ics",
    "describe", "file_name", "ics_link", "ics_query", "reminder_day", "time_zone", "with_ics_links",
]


def with_ics_links(answer: Answer, path: str = API_ICS_PATH) -> Answer:
    """A copy of ``answer`` whose deadlines carry their ``ics`` link."""
    if not answer.deadlines:
        return answer
    deadlines = [d.model_copy(update={"ics": ics_link(d, answer.lang, path)}) for d in answer.deadlines]
    return answer.model_copy(update={"deadlines": deadlines})
