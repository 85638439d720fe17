"""Working-day calendars: official data, schedule files, provisional years, Macao."""

import datetime as dt
import json

import chinese_calendar
import holidays
import pytest

from regchat.deadlines.calendars import (
    PACKAGED_SCHEDULES,
    MacaoCalendar,
    MainlandCalendar,
    calendar_for,
    load_schedule,
    load_schedules,
)
from regchat.errors import DeadlineError, DocumentError

D = dt.date

# Days on which chinesecalendar (the official schedules) and holidays' CN calendar disagree, 2004-2026.
# 2005-12-31 (Saturday): the 2006 New Year notice made it a working day in exchange for 2006-01-03;
# chinesecalendar files the 2006 arrangement under 2006 only and lists the Saturday as a rest day.
# regchat corrects it with the packaged schedule file cn-corrections.json.
RAW_SOURCE_DISAGREEMENTS = {D(2005, 12, 31): "make-up working day of the 2006 New Year holiday"}


def every_day(first: dt.date, last: dt.date):
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def test_the_two_sources_disagree_only_on_the_listed_days():
    rule_based = holidays.country_holidays("CN", years=range(2004, 2027))
    disagreements = {
        day for day in every_day(D(2004, 1, 1), D(2026, 12, 31))
        if chinese_calendar.is_workday(day) != rule_based.is_working_day(day)
    }
    assert disagreements == set(RAW_SOURCE_DISAGREEMENTS)


def test_mainland_working_days_agree_with_holidays_cn_every_day_2004_to_2026():
    calendar = calendar_for("CN")
    rule_based = holidays.country_holidays("CN", years=range(2004, 2027))
    differing = [
        day for day in every_day(D(2004, 1, 1), D(2026, 12, 31))
        if calendar.is_working_day(day) != rule_based.is_working_day(day)
    ]
    assert differing == []


@pytest.mark.parametrize(
    ("day", "working", "holiday", "makeup"),
    [
        (D(2026, 10, 1), False, "National Day", False),
        (D(2026, 10, 7), False, "National Day", False),
        (D(2026, 10, 8), True, None, False),
        (D(2026, 10, 10), True, "National Day", True),  # Saturday worked for the National Day holiday
        (D(2026, 10, 11), False, None, False),
        (D(2026, 11, 15), False, None, False),  # an ordinary Sunday
        (D(2026, 11, 13), True, None, False),
        (D(2026, 2, 17), False, "Spring Festival", False),
    ],
)
def test_mainland_days_of_2026_follow_the_official_schedule(day, working, holiday, makeup):
    info = calendar_for("CN").day(day)
    assert (info.is_working_day, info.holiday, info.makeup, info.provisional) == (working, holiday, makeup, False)


def test_a_year_without_official_data_is_computed_from_the_statutory_holidays_and_marked_provisional():
    info = calendar_for("CN").day(D(2027, 10, 1))
    assert info.is_working_day is False
    assert info.provisional
    assert "the 2027 holiday schedule is not in the calendar data" in info.provisional_en
    assert "2027" in info.provisional_zh


def test_an_administrator_adds_a_published_year_as_a_file_without_code_changes(tmp_path):
    schedule = {
        "region": "CN",
        "year": 2027,
        "source": "test notice",
        "holidays": {"2027-10-01": "National Day", "2027-10-04": {"en": "National Day", "zh": "国庆节"}},
        "workdays": {"2027-09-26": "National Day"},
    }
    (tmp_path / "cn-2027.json").write_text(json.dumps(schedule), encoding="utf-8")
    calendar = calendar_for("CN", tmp_path)
    sunday_worked = calendar.day(D(2027, 9, 26))
    assert sunday_worked.is_working_day and sunday_worked.makeup and not sunday_worked.provisional
    assert calendar.day(D(2027, 10, 4)).holiday_zh == "国庆节"
    assert not calendar.is_working_day(D(2027, 10, 4))
    # A weekday the file does not list is an ordinary working day, no longer provisional.
    assert calendar.day(D(2027, 3, 3)).is_working_day and not calendar.day(D(2027, 3, 3)).provisional
    # Without the folder the same day is still provisional.
    assert calendar_for("CN").day(D(2027, 3, 3)).provisional


def test_a_correction_file_without_a_year_only_changes_the_dates_it_lists():
    packaged = load_schedules(PACKAGED_SCHEDULES)
    calendar = MainlandCalendar(packaged)
    assert calendar.is_working_day(D(2005, 12, 31))
    assert not calendar.is_working_day(D(2005, 12, 25))  # a Sunday, untouched
    assert not MainlandCalendar([]).is_working_day(D(2005, 12, 31))  # chinesecalendar alone


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "cannot read"),
        ('{"region": "HK", "holidays": {}}', "region"),
        ('{"holidays": {"2027-02-30": "x"}}', "not a date"),
        ('{"holidays": {"2027-01-01": "x"}, "workdays": {"2027-01-01": "x"}}', "both"),
        ('{"year": "2027"}', "year"),
    ],
)
def test_a_broken_schedule_file_is_rejected_naming_the_file_and_the_problem(tmp_path, content, problem):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DocumentError, match=problem) as caught:
        load_schedule(path)
    assert "bad.json" in str(caught.value)


def test_macao_closes_on_public_and_government_holidays_and_weekends_without_make_up_days():
    macao = calendar_for("MO")
    assert isinstance(macao, MacaoCalendar)
    assert not macao.is_working_day(D(2026, 12, 21))  # compensatory rest day for SAR Establishment Day
    assert not macao.is_working_day(D(2026, 12, 22))  # Winter Solstice (government holiday)
    assert not macao.is_working_day(D(2026, 10, 10))  # a Saturday: no make-up working days in Macao
    assert macao.is_working_day(D(2026, 10, 8))  # worked in Macao, a holiday on the mainland
    assert macao.is_working_day(D(2026, 12, 31))  # New Year's Eve: afternoon off only


def test_unknown_region_and_unsupported_years_raise_deadline_errors():
    with pytest.raises(DeadlineError, match="Unknown region 'HK'"):
        calendar_for("HK")
    with pytest.raises(DeadlineError, match="outside the years"):
        calendar_for("CN").day(D(1999, 12, 31))
