"""Deadlines as iCalendar files: read back with ``icalendar`` and, independently, with
``vobject``; served by the API and the chat's link, written by the CLI."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
import vobject
from click.testing import CliRunner
from fastapi.testclient import TestClient

from regchat.calendar_export import deadline_ics, ics_link, reminder_day, with_ics_links
from regchat.channels.server import create_app
from regchat.cli import main
from regchat.deadlines import compute_deadline, describe_day
from regchat.documents import Answer
from regchat.settings import Settings, get_settings

NOW = dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.timezone.utc)


def national_day_deadline(lang="en"):
    """Entry 2026-09-03 + 30 days = Saturday 2026-10-03, National Day: act by Wednesday 2026-09-30."""
    return compute_deadline("law-30-residence-permit", dt.date(2026, 9, 3), lang=lang)


def _events(cal: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(e["uid"]).rsplit("-", 1)[1].split("@")[0]: e for e in cal.walk("VEVENT")}


def test_the_reminder_counts_back_working_days_over_the_mid_autumn_holiday():
    deadline = national_day_deadline()
    assert (deadline.date, deadline.act_by) == (dt.date(2026, 10, 3), dt.date(2026, 9, 30))
    # 29, 28 September, then Sunday 27, Saturday 26 and Friday 25 (Mid-Autumn Festival) are skipped.
    assert reminder_day(deadline, 3) == dt.date(2026, 9, 24)
    assert reminder_day(deadline, 0) == dt.date(2026, 9, 30)


def test_the_reminder_is_never_before_the_event_the_period_counts_from():
    hours = compute_deadline("law-39-accommodation", dt.datetime(2026, 3, 2, 22, 30))  # within 24 hours
    assert hours.date == dt.date(2026, 3, 3)
    assert reminder_day(hours, 3) == dt.date(2026, 3, 2)
    cal = icalendar.Calendar.from_ical(deadline_ics(hours, now=NOW, reminder_working_days=3))
    [event] = cal.walk("VEVENT")
    midnight = dt.datetime.combine(dt.date(2026, 3, 3), dt.time())
    assert midnight + event.walk("VALARM")[0].decoded("trigger") == dt.datetime(2026, 3, 2, 9, 0)


def test_icalendar_reads_an_all_day_event_the_act_by_day_and_the_reminder():
    cal = icalendar.Calendar.from_ical(deadline_ics(national_day_deadline(), now=NOW, reminder_working_days=3))
    assert str(cal["x-wr-timezone"]) == "Asia/Shanghai"
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    events = _events(cal)
    assert set(events) == {"date", "act"}
    date, act = events["date"], events["act"]
    for event, day in ((date, dt.date(2026, 10, 3)), (act, dt.date(2026, 9, 30))):
        start = event.decoded("dtstart")
        assert type(start) is dt.date and start == day  # all-day: a date, not a date-time
        assert event["dtstart"].params.get("VALUE") == "DATE"
        assert event.decoded("dtend") == day + dt.timedelta(days=1)
    assert str(date["summary"]) == "Last day to apply for the residence permit"
    assert str(act["summary"]) == "Act by: Last day to apply for the residence permit"
    description = str(date["description"])
    assert "law-30-residence-permit, Exit and Entry Administration Law, Art. 30" in description
    assert "within 30 days from the date of their entry" in description
    assert "2026-09-03 + 30 calendar days = 2026-10-03" in description
    assert "act by 2026-09-30 (Wednesday)" in description
    [alarm] = act.walk("VALARM")
    assert not date.walk("VALARM")
    assert str(alarm["action"]) == "DISPLAY"
    midnight = dt.datetime.combine(act.decoded("dtstart"), dt.time())
    assert midnight + alarm.decoded("trigger") == dt.datetime(2026, 9, 24, 9, 0)


def test_vobject_reads_the_same_file_independently():
    text = deadline_ics(national_day_deadline(), now=NOW, reminder_working_days=3).decode("utf-8")
    cal = vobject.readOne(text)
    assert cal.contents["x-wr-timezone"][0].value == "Asia/Shanghai"
    starts = sorted(event.dtstart.value for event in cal.vevent_list)
    assert starts == [dt.date(2026, 9, 30), dt.date(2026, 10, 3)]
    [acting] = [e for e in cal.vevent_list if e.dtstart.value == dt.date(2026, 9, 30)]
    trigger = acting.valarm.trigger.value
    assert trigger == dt.timedelta(days=-6, hours=9)  # 09:00 on 24 September
    assert "Art. 30" in acting.description.value


def test_a_working_day_deadline_is_one_event_and_chinese_text_survives():
    deadline = compute_deadline("law-30-residence-permit", dt.date(2026, 3, 2), lang="zh")
    assert deadline.is_working_day and deadline.act_by is None
    cal = icalendar.Calendar.from_ical(deadline_ics(deadline, lang="zh", now=NOW, reminder_working_days=1))
    [event] = cal.walk("VEVENT")
    assert event.decoded("dtstart") == dt.date(2026, 4, 1)
    description = str(event["description"])
    assert description.startswith("申请外国人居留证件的最后一天：2026年4月1日（星期三）")  # as Chinese readers write it
    assert "依据：law-30-residence-permit, Exit and Entry Administration Law, Art. 30" in description
    assert "2026-03-02 加 30 个自然日 = 2026-04-01" in description
    midnight = dt.datetime.combine(dt.date(2026, 4, 1), dt.time())
    assert midnight + event.walk("VALARM")[0].decoded("trigger") == dt.datetime(2026, 3, 31, 9, 0)
    assert vobject.readOne(deadline_ics(deadline, lang="zh", now=NOW).decode()).vevent.dtstart.value == \
        dt.date(2026, 4, 1)


def test_a_macao_day_is_in_macao_time_and_counts_macao_holidays():
    day = describe_day(dt.date(2026, 12, 20), "MO")  # Macao SAR Establishment Day, a Sunday
    cal = icalendar.Calendar.from_ical(deadline_ics(day, now=NOW, reminder_working_days=1))
    assert str(cal["x-wr-timezone"]) == "Asia/Macau"
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Macau"]
    act = _events(cal)["act"]
    assert act.decoded("dtstart") == dt.date(2026, 12, 18)
    midnight = dt.datetime.combine(dt.date(2026, 12, 18), dt.time())
    assert midnight + act.walk("VALARM")[0].decoded("trigger") == dt.datetime(2026, 12, 17, 9, 0)


def test_the_same_deadline_keeps_its_uids():
    first = icalendar.Calendar.from_ical(deadline_ics(national_day_deadline(), now=NOW))
    again = icalendar.Calendar.from_ical(deadline_ics(national_day_deadline(), now=NOW + dt.timedelta(days=3)))
    assert [str(e["uid"]) for e in first.walk("VEVENT")] == [str(e["uid"]) for e in again.walk("VEVENT")]
    other = compute_deadline("law-30-residence-permit", dt.date(2026, 9, 4))
    assert str(_events(icalendar.Calendar.from_ical(deadline_ics(other, now=NOW)))["date"]["uid"]) != \
        str(_events(first)["date"]["uid"])


def test_links_name_the_rule_and_event_or_the_day():
    assert ics_link(national_day_deadline()) == "/api/deadline.ics?rule=law-30-residence-permit&date=2026-09-03"
    stay = compute_deadline("reg-36-stay-period", dt.date(2026, 3, 2), amount=30, lang="zh")
    assert ics_link(stay, "zh") == "/api/deadline.ics?rule=reg-36-stay-period&date=2026-03-02&amount=30&lang=zh"
    hours = compute_deadline("law-39-accommodation", dt.datetime(2026, 3, 2, 22, 30))
    assert ics_link(hours) == "/api/deadline.ics?rule=law-39-accommodation&date=2026-03-02T22%3A30"
    assert ics_link(describe_day(dt.date(2026, 12, 20), "MO")) == "/api/deadline.ics?day=2026-12-20&region=MO"
    answer = with_ics_links(Answer(text="x", deadlines=[national_day_deadline()]))
    assert answer.deadlines[0].ics.startswith("/api/deadline.ics?rule=")


# --- served over HTTP and written by the CLI -----------------------------------------------------


@pytest.fixture
def client(tmp_path):
    app = create_app(Settings(llm="offline", data_dir=tmp_path, ics_reminder_days=3), warm_up=False)
    with TestClient(app) as client:
        yield client


@pytest.mark.parametrize("path", ["/api/deadline.ics", "/calendar/deadline.ics"])
def test_the_server_gives_the_file_for_a_rule_and_event(client, path):
    response = client.get(path, params={"rule": "law-30-residence-permit", "date": "2026-09-03"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert 'filename="law-30-residence-permit-2026-10-03.ics"' in response.headers["content-disposition"]
    cal = icalendar.Calendar.from_ical(response.content)
    assert {e.decoded("dtstart") for e in cal.walk("VEVENT")} == {dt.date(2026, 9, 30), dt.date(2026, 10, 3)}
    assert vobject.readOne(response.text).vevent_list


def test_the_server_takes_a_reminder_and_a_language(client):
    response = client.get("/api/deadline.ics", params={"rule": "law-30-residence-permit", "date": "2026-09-03",
                                                       "remind": 0, "lang": "zh"})
    act = _events(icalendar.Calendar.from_ical(response.content))["act"]
    assert str(act["summary"]).startswith("最晚办理日")
    midnight = dt.datetime.combine(dt.date(2026, 9, 30), dt.time())
    assert midnight + act.walk("VALARM")[0].decoded("trigger") == dt.datetime(2026, 9, 30, 9, 0)


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"rule": "law-99-nothing", "date": "2026-09-03"}, "Unknown rule"),
        ({"rule": "law-30-residence-permit", "date": "3 Sept"}, "is not a date"),
        ({"rule": "law-30-residence-permit"}, "give a rule and the date of its event"),
        ({"rule": "law-30-residence-permit", "date": "2026-09-03", "remind": 99}, "remind"),
    ],
)
def test_a_bad_query_is_a_readable_422(client, params, says):
    response = client.get("/api/deadline.ics", params=params)
    assert response.status_code == 422
    assert says in response.json()["error"]["message"]


def test_the_cli_writes_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("REGCHAT_ICS_REMINDER_DAYS", "3")
    get_settings.cache_clear()
    out = tmp_path / "residence.ics"
    try:
        result = CliRunner().invoke(main, ["deadline", "law-30-residence-permit", "2026-09-03", "--ics", str(out)],
                                    catch_exceptions=False)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0
    assert "2026-10-03 (Saturday)" in result.output
    cal = icalendar.Calendar.from_ical(out.read_bytes())
    act = _events(cal)["act"]
    midnight = dt.datetime.combine(dt.date(2026, 9, 30), dt.time())
    assert midnight + act.walk("VALARM")[0].decoded("trigger") == dt.datetime(2026, 9, 24, 9, 0)
    assert vobject.readOne(out.read_text(encoding="utf-8")).vevent_list
