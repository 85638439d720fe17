"""Deadlines computed in code: calendars, date arithmetic, the rules catalogue, LangChain tools."""

from regchat.deadlines.arithmetic import (
    add_days,
    add_hours,
    add_months,
    add_working_days,
    days_before,
    describe_day,
    shift_months,
    stay_period_end,
    weekday_name,
)
from regchat.deadlines.calendars import Calendar, DayInfo, MacaoCalendar, MainlandCalendar, calendar_for
from regchat.deadlines.formatting import format_deadline
from regchat.deadlines.rules import Rule, compute_deadline, get_rule, load_rules, match_rules
from regchat.deadlines.tools import deadline_json, make_tools, parse_date

__all__ = [
    "Calendar",
    "Rule",
    "DayInfo",
    "MacaoCalendar",
    "MainlandCalendar",
    "add_days",
    "add_hours",
    "add_months",
    "add_working_days",
    "calendar_for",
    "compute_deadline",
    "days_before",
    "deadline_json",
    "describe_day",
    "format_deadline",
    "get_rule",
    "load_rules",
    "make_tools",
    "match_rules",
    "parse_date",
    "shift_months",
    "stay_period_end",
    "weekday_name",
]
