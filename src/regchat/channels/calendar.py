"""``GET /api/deadline.ics``: a computed deadline as an iCalendar file.

Either a rule and the date of its event (as ``regchat deadline RULE DATE``)::

    /api/deadline.ics?rule=law-30-residence-permit&date=2026-03-02
    /api/deadline.ics?rule=reg-36-stay-period&date=2026-03-02&amount=30&lang=zh&remind=5

or a day itself, for a date computed without a rule::

    /api/deadline.ics?day=2026-04-01&region=CN

``remind``: working days before the day to act (default ``REGCHAT_ICS_REMINDER_DAYS``).
The browser chat links to the same file at ``/calendar/deadline.ics``, which
sits behind the chat login rather than the API keys.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from regchat.calendar_export import API_ICS_PATH, CHAT_ICS_PATH, MAX_REMINDER_DAYS, MEDIA_TYPE, deadline_ics, file_name
from regchat.channels.api import ApiError, map_error
from regchat.deadlines import compute_deadline, describe_day
from regchat.deadlines.calendars import calendar_for
from regchat.documents import Deadline
from regchat.errors import RegchatError
from regchat.settings import Settings


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def parse_moment(value: str, param: str) -> dt.date | dt.datetime:
    """``YYYY-MM-DD``, or ``YYYY-MM-DDTHH:MM`` for rules counted in hours."""
    value = value.strip()
    try:
        return dt.date.fromisoformat(value) if len(value) <= 10 else dt.datetime.fromisoformat(value)
    except ValueError:
        raise ApiError(422, f"{param}: {value!r} is not a date written YYYY-MM-DD (or YYYY-MM-DDTHH:MM)",
                       param=param) from None


def deadline_for(settings: Settings, *, rule: str | None, date: str | None, day: str | None, region: str,
                 amount: int | None, lang: str) -> Deadline:
    """The deadline a query names; ``ApiError`` (422) for a query that names none."""
    if rule and date:
        return compute_deadline(rule, parse_moment(date, "date"), amount=amount, lang=lang,
                                holidays_dir=settings.holidays_dir)
    if day and not rule:
        moment = parse_moment(day, "day")
        moment = moment.date() if isinstance(moment, dt.datetime) else moment
        return describe_day(moment, region, lang=lang, calendar=calendar_for(region, settings.holidays_dir))
    raise ApiError(422, "give a rule and the date of its event (rule=...&date=YYYY-MM-DD), or a day (day=YYYY-MM-DD)",
                   param="rule" if not rule else "date")


def build_router(settings: Settings, now: Callable[[], dt.datetime] = _utc_now) -> APIRouter:
    router = APIRouter()

    def ics(
        rule: str | None = Query(default=None, description="Rule id, as listed by `regchat rules`"),
        date: str | None = Query(default=None, description="Date of the rule's event, YYYY-MM-DD (or YYYY-MM-DDTHH:MM)"),
        day: str | None = Query(default=None, description="Without a rule: the day itself, YYYY-MM-DD"),
        region: Literal["CN", "MO"] = Query(default="CN", description="With day: whose working days"),
        amount: int | None = Query(default=None, ge=1, description="The period's length, for rules that need one"),
        lang: Literal["en", "zh"] = "en",
        remind: int | None = Query(default=None, ge=0, le=MAX_REMINDER_DAYS,
                                   description="Reminder, in working days before the day to act"),
    ) -> Response:
        try:
            deadline = deadline_for(settings, rule=rule, date=date, day=day, region=region, amount=amount, lang=lang)
            body = deadline_ics(
                deadline, lang=lang, now=now(),
                reminder_working_days=settings.ics_reminder_days if remind is None else remind,
                calendar=calendar_for(deadline.region, settings.holidays_dir),
            )
        except RegchatError as exc:
            raise map_error(exc) from exc
        return Response(body, media_type=MEDIA_TYPE,
                        headers={"Content-Disposition": f'attachment; filename="{file_name(deadline)}"'})

    router.add_api_route(API_ICS_PATH, ics, methods=["GET"], tags=["regchat"], response_class=Response,
                         summary="A computed deadline as an iCalendar (.ics) file",
                         responses={200: {"content": {"text/calendar": {}}}, 422: {"description": "Unknown rule or "
                                                                                   "bad date"}})
    router.add_api_route(CHAT_ICS_PATH, ics, methods=["GET"], include_in_schema=False, response_class=Response)
    return router
