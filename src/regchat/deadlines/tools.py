"""The date calculator as LangChain tools for a chat model.

Each tool returns compact JSON text (and the ``Deadline`` as the tool
message's artifact). Bad input never raises into the agent loop: the tool
answers with a line starting ``Error:`` that says what to fix, and never
with a guessed date.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError
from langchain_core.tools import BaseTool, StructuredTool

from regchat.deadlines import arithmetic
from regchat.deadlines.arithmetic import Lang
from regchat.deadlines.calendars import REGIONS, calendar_for
from regchat.deadlines.rules import Rule, compute_deadline, load_rules
from regchat.documents import Deadline
from regchat.errors import DeadlineError, RegchatError

_DATE_FORMS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
)


def parse_date(text: str, what: str = "date") -> dt.date:
    """A calendar date written YYYY-MM-DD (also YYYY/MM/DD or 2026年3月2日); ``DeadlineError`` otherwise."""
    value = (text or "").strip() if isinstance(text, str) else text
    if isinstance(value, dt.date):
        return value
    for form in _DATE_FORMS:
        match = form.match(value)
        if match:
            year, month, day = (int(g) for g in match.groups())
            if not 1 <= month <= 12:
                raise DeadlineError(f"{value!r} is not a real date: there is no month {month}.")
            try:
                return dt.date(year, month, day)
            except ValueError:
                last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
                raise DeadlineError(
                    f"{value!r} is not a real date: {dt.date(year, month, 1):%B} {year} has {last} days."
                ) from None
    raise DeadlineError(f"The {what} {value!r} is not a date: write it as YYYY-MM-DD, e.g. 2026-03-02.")


def deadline_json(d: Deadline) -> str:
    """Compact JSON of a result, without empty fields."""
    data = {
        "date": d.date.isoformat(),
        "weekday": d.weekday,
        "working_day": d.is_working_day,
        "holiday": d.holiday,
        "act_by": d.act_by.isoformat() if d.act_by else None,
        "act_by_weekday": arithmetic.weekday_name(d.act_by) if d.act_by else None,
        "region": d.region,
        "rule": d.rule_id,
        "cite": d.citation.label if d.citation else None,
        "provisional": d.provisional_reason if d.provisional else None,
        "steps": d.steps,
    }
    return json.dumps({k: v for k, v in data.items() if v is not None}, ensure_ascii=False, separators=(",", ":"))


Region = str  # validated by calendar_for, so that an unknown region gets a clear message

_REGION = Field(default="CN", description="'CN' for mainland China (default) or 'MO' for Macao")


class ComputeDeadlineArgs(BaseModel):
    rule_id: str = Field(description="Rule id from list_rules, e.g. 'law-30-residence-permit'")
    event_date: str = Field(description="Date of the rule's event, YYYY-MM-DD (entry, expiry, receipt, issue...)")
    amount: int | None = Field(
        default=None,
        description="Only for rules whose length depends on the case (e.g. the visa's duration of stay "
        "in days for reg-36-stay-period); leave empty otherwise",
    )


class AddDaysArgs(BaseModel):
    start_date: str = Field(description="The event date, YYYY-MM-DD")
    days: int = Field(description="Number of calendar days, 0 to 3660")
    region: Region = _REGION


class DaysBeforeArgs(BaseModel):
    expiry_date: str = Field(description="The expiry date, YYYY-MM-DD")
    days: int = Field(description="Number of days before the expiry, 0 to 3660")
    region: Region = _REGION


class AddWorkingDaysArgs(BaseModel):
    start_date: str = Field(description="The start date, YYYY-MM-DD (not counted itself)")
    working_days: int = Field(description="Number of working days, 0 to 1000")
    direction: Literal["after", "before"] = Field(default="after", description="'after' (default) or 'before'")
    region: Region = _REGION


class AddMonthsArgs(BaseModel):
    start_date: str = Field(description="The start date, YYYY-MM-DD")
    months: int = Field(description="Number of months, 0 to 120")
    region: Region = _REGION


class IsWorkingDayArgs(BaseModel):
    date: str = Field(description="The date to check, YYYY-MM-DD")
    region: Region = _REGION


class ListRulesArgs(BaseModel):
    pass


def _validation_message(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item.get("loc", ())) or "input"
        parts.append(f"{where}: {item.get('msg', 'invalid')}")
    return "Error: invalid arguments (" + "; ".join(parts) + "). Fix them and call the tool again."


def _guarded(fn: Callable[..., Deadline | str]) -> Callable[..., tuple[str, Deadline | None]]:
    """Turn regchat errors (and only them) into an 'Error: ...' answer for the model."""

    def run(**kwargs):
        try:
            result = fn(**kwargs)
        except RegchatError as exc:
            return f"Error: {exc}", None
        if isinstance(result, Deadline):
            return deadline_json(result), result
        return result, None

    run.__name__ = fn.__name__
    return run


def _amount(value: int, what: str, high: int) -> int:
    if value < 0:
        raise DeadlineError(f"{what} cannot be negative ({value}); use the other direction or tool instead.")
    if value > high:
        raise DeadlineError(f"{what} must be at most {high}, not {value}: check the number.")
    return value


def make_tools(
    *,
    rules: list[Rule] | None = None,
    holidays_dir: Path | None = None,
    lang: Lang = "en",
) -> list[BaseTool]:
    """The date tools for a chat model: compute_deadline, add_days, days_before,
    add_working_days, add_months, is_working_day, list_rules.

    ``lang`` is the language of the computation steps the tools report.
    """
    catalogue = rules if rules is not None else load_rules()

    def cal(region: str):
        if (region or "").strip().upper() not in REGIONS:
            raise DeadlineError(f"Unknown region {region!r}: use 'CN' for mainland China or 'MO' for Macao.")
        return calendar_for(region, holidays_dir)

    def compute_deadline_tool(rule_id: str, event_date: str, amount: int | None = None) -> Deadline:
        return compute_deadline(
            rule_id, parse_date(event_date, "event_date"), amount=amount, lang=lang, rules=catalogue,
            holidays_dir=holidays_dir,
        )

    def add_days_tool(start_date: str, days: int, region: str = "CN") -> Deadline:
        days = _amount(days, "days", arithmetic.MAX_DAYS)
        return arithmetic.add_days(parse_date(start_date, "start_date"), days, calendar=cal(region), lang=lang)

    def days_before_tool(expiry_date: str, days: int, region: str = "CN") -> Deadline:
        days = _amount(days, "days", arithmetic.MAX_DAYS)
        return arithmetic.days_before(parse_date(expiry_date, "expiry_date"), days, calendar=cal(region), lang=lang)

    def add_working_days_tool(
        start_date: str, working_days: int, direction: str = "after", region: str = "CN"
    ) -> Deadline:
        n = _amount(working_days, "working_days", arithmetic.MAX_WORKING_DAYS)
        signed = -n if direction == "before" else n
        return arithmetic.add_working_days(
            parse_date(start_date, "start_date"), signed, calendar=cal(region), lang=lang
        )

    def add_months_tool(start_date: str, months: int, region: str = "CN") -> Deadline:
        months = _amount(months, "months", arithmetic.MAX_MONTHS)
        return arithmetic.add_months(parse_date(start_date, "start_date"), months, calendar=cal(region), lang=lang)

    def is_working_day_tool(date: str, region: str = "CN") -> Deadline:
        return arithmetic.describe_day(parse_date(date, "date"), calendar=cal(region), lang=lang)

    def list_rules_tool() -> str:
        rows = [
            {
                "id": r.id,
                "cite": r.label,
                "period": r.amount_text(lang),
                "event": r.event_zh if lang == "zh" else r.event_en,
                "result": r.result_zh if lang == "zh" else r.result_en,
            }
            for r in catalogue
        ]
        return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))

    specs = [
        (
            "compute_deadline",
            compute_deadline_tool,
            ComputeDeadlineArgs,
            "Compute the deadline a regulation sets, from the date of its event, and cite the article. "
            "Use this whenever a question asks by when something must be done. rule_id comes from "
            "list_rules (e.g. law-30-residence-permit: apply for the residence permit in the 30 days after entry; "
            "law-32-extend-residence: extension 30 days before expiry; reg-18-receipt: receipt valid "
            "15 working days). Returns JSON: date, weekday, working_day, act_by (the last working day "
            "on or before the date when it is not a working day), cite, steps. Quote the date exactly.",
        ),
        (
            "add_days",
            add_days_tool,
            AddDaysArgs,
            "Add calendar days to a date ('within N days from ...'; the start day is not counted). "
            "Returns JSON with the date, weekday, working_day and act_by.",
        ),
        (
            "days_before",
            days_before_tool,
            DaysBeforeArgs,
            "The date N days before an expiry date ('N days prior to the expiry'). "
            "Returns JSON with the date, weekday, working_day and act_by.",
        ),
        (
            "add_working_days",
            add_working_days_tool,
            AddWorkingDaysArgs,
            "Count N working days after (or before) a date, skipping weekends and public holidays and "
            "counting make-up working days. Returns JSON with the date and the steps.",
        ),
        (
            "add_months",
            add_months_tool,
            AddMonthsArgs,
            "Add months to a date (same day number, or the month's last day when it is shorter). "
            "Returns JSON with the date, weekday, working_day and act_by.",
        ),
        (
            "is_working_day",
            is_working_day_tool,
            IsWorkingDayArgs,
            "Say whether a date is a working day in the mainland or in Macao, and name the holiday if "
            "it is one. Returns JSON with working_day, holiday and act_by.",
        ),
        (
            "list_rules",
            list_rules_tool,
            ListRulesArgs,
            "List the deadline rules you can pass to compute_deadline: id, cited article, period, "
            "the event it counts from, and what the result means.",
        ),
    ]
    return [
        StructuredTool.from_function(
            func=_guarded(func),
            name=name,
            description=description,
            args_schema=schema,
            response_format="content_and_artifact",
            handle_validation_error=_validation_message,
        )
        for name, func, schema, description in specs
    ]
