"""Date arithmetic: the worked examples of the Law and Regulations, and properties."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regchat.deadlines import (
    add_days,
    add_hours,
    add_months,
    add_working_days,
    calendar_for,
    days_before,
    describe_day,
    shift_months,
    stay_period_end,
)
from regchat.errors import DeadlineError

D = dt.date
CN = calendar_for("CN")
MO = calendar_for("MO")


def test_calendar_days_after_an_event_do_not_count_the_event_day():
    result = add_days(D(2026, 3, 2), 30)
    assert (result.date, result.weekday, result.is_working_day, result.act_by) == (D(2026, 4, 1), "Wednesday", True, None)
    assert any("not counted" in step for step in result.steps)


def test_days_before_an_expiry_and_the_working_day_to_act_by():
    result = days_before(D(2026, 12, 15), 30)
    assert result.date == D(2026, 11, 15)
    assert result.weekday == "Sunday" and not result.is_working_day
    assert result.act_by == D(2026, 11, 13)  # Friday
    assert any("2026-11-13 (Friday)" in step for step in result.steps)


def test_working_days_skip_national_day_and_count_the_make_up_saturday():
    result = add_working_days(D(2026, 9, 28), 15)
    assert result.date == D(2026, 10, 23)
    assert result.is_working_day
    steps = " ".join(result.steps)
    assert "2026-10-01..2026-10-07 (National Day)" in steps
    assert "2026-10-10 (National Day)" in steps  # the make-up working day, counted


def test_working_days_backward():
    assert add_working_days(D(2026, 10, 23), -15).date == D(2026, 9, 28)


def test_months_are_clamped_to_the_end_of_a_shorter_month_and_2027_is_provisional():
    result = add_months(D(2026, 8, 31), 6)
    assert result.date == D(2027, 2, 28)
    assert result.provisional
    assert "the 2027 holiday schedule is not in the calendar data" in result.provisional_reason
    assert any("last day of that month" in step for step in result.steps)


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [(D(2026, 1, 31), 1, D(2026, 2, 28)), (D(2027, 12, 31), 2, D(2028, 2, 29)), (D(2026, 3, 15), 12, D(2027, 3, 15))],
)
def test_shift_months(start, months, end):
    assert shift_months(start, months) == end


def test_a_stay_period_starts_the_day_after_entry():
    result = stay_period_end(D(2026, 3, 1), 30)
    assert result.date == D(2026, 3, 31)
    assert any("day 1 is 2026-03-02" in step for step in result.steps)


def test_hours_run_through_holidays_and_give_no_act_by_day():
    result = add_hours(dt.datetime(2026, 10, 1, 22, 0), 24)
    assert result.date == D(2026, 10, 2)
    assert result.holiday == "National Day" and result.act_by is None
    assert any("2026-10-02 22:00" in step for step in result.steps)
    assert result.time == dt.time(22, 0)  # a period counted from a time given ends at a clock time
    assert add_hours(D(2026, 3, 2), 24).date == D(2026, 3, 3)
    assert add_hours(D(2026, 3, 2), 24).time is None  # (no time given: none to end at)
    with pytest.raises(DeadlineError, match="give the time"):
        add_hours(D(2026, 3, 2), 5)


def test_describe_day_names_the_holiday_and_the_day_to_act_by():
    day = describe_day(D(2026, 10, 5))
    assert (day.is_working_day, day.holiday, day.act_by) == (False, "National Day", D(2026, 9, 30))
    assert describe_day(D(2026, 10, 10)).is_working_day
    assert "调休上班日" in describe_day(D(2026, 10, 10), lang="zh").steps[0]


def test_act_by_is_never_before_the_event():
    # The event day itself may be the day to act ...
    assert add_days(D(2026, 9, 30), 3).act_by == D(2026, 9, 30)
    # ... but entry on 1 October + 3 days stays inside the holiday: no working day to act by.
    result = add_days(D(2026, 10, 1), 3)
    assert not result.is_working_day and result.act_by is None
    assert any("as early as possible" in step for step in result.steps)


def test_macao_counts_its_own_holidays():
    # Mainland National Day week is worked in Macao, except 1 and 2 October.
    assert add_working_days(D(2026, 9, 30), 3, region="MO").date == D(2026, 10, 7)  # 10-05, 10-06, 10-07
    assert add_working_days(D(2026, 9, 30), 3, region="CN").date == D(2026, 10, 10)  # 10-08, 10-09, 10-10
    assert add_working_days(D(2026, 9, 30), 3, region="MO").region == "MO"


def test_chinese_steps():
    result = days_before(D(2026, 12, 15), 30, lang="zh")
    assert result.weekday == "Sunday"  # data stays language-neutral
    assert any("2026-11-13（星期五）" in step for step in result.steps)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: add_days("2026-03-02", 30), "must be a date"),
        (lambda: add_days(D(2026, 3, 2), -1), "between 0 and"),
        (lambda: add_days(D(2026, 3, 2), 10**6), "between 0 and"),
        (lambda: add_days(D(2026, 3, 2), 2.5), "whole number"),
        (lambda: add_working_days(D(2026, 3, 2), 5000), "between"),
        (lambda: add_months(D(2026, 3, 2), 121), "between 0 and 120"),
        (lambda: stay_period_end(D(2026, 3, 2), 0), "between 1 and"),
        (lambda: add_days(D(2026, 3, 2), 30, region="HK"), "Unknown region"),
        (lambda: add_days(D(2099, 12, 1), 60), "outside the years"),
        (lambda: add_hours("2026-03-02 10:00", 24), "a date and time"),
    ],
)
def test_bad_input_raises_deadline_error(call, message):
    with pytest.raises(DeadlineError, match=message):
        call()


# --- properties -----------------------------------------------------------------

days_2005_2026 = st.dates(min_value=D(2005, 1, 1), max_value=D(2026, 10, 31))
working_2005_2026 = days_2005_2026.filter(CN.is_working_day)


@settings(max_examples=200, deadline=None)
@given(start=working_2005_2026, n=st.integers(min_value=0, max_value=40))
def test_adding_then_subtracting_working_days_round_trips_on_working_days(start, n):
    forward = add_working_days(start, n, calendar=CN)
    assert add_working_days(forward.date, -n, calendar=CN).date == start


@settings(max_examples=200, deadline=None)
@given(start=days_2005_2026, n=st.integers(min_value=1, max_value=40))
def test_a_working_day_count_lands_on_a_working_day_with_exactly_n_working_days_in_between(start, n):
    result = add_working_days(start, n, calendar=CN)
    assert result.is_working_day and result.act_by is None
    between = [start + dt.timedelta(days=i) for i in range(1, (result.date - start).days + 1)]
    assert sum(CN.is_working_day(day) for day in between) == n


@settings(max_examples=200, deadline=None)
@given(start=days_2005_2026, n=st.integers(min_value=0, max_value=60), region=st.sampled_from(["CN", "MO"]))
def test_act_by_is_the_last_working_day_on_or_before_the_date(start, n, region):
    calendar = CN if region == "CN" else MO
    result = days_before(start + dt.timedelta(days=90), n, calendar=calendar)
    if result.is_working_day:
        assert result.act_by is None
    else:
        assert result.act_by is not None and result.act_by < result.date
        assert calendar.is_working_day(result.act_by)
        gap = [result.act_by + dt.timedelta(days=i) for i in range(1, (result.date - result.act_by).days + 1)]
        assert not any(calendar.is_working_day(day) for day in gap)


@settings(max_examples=200, deadline=None)
@given(start=days_2005_2026, n=st.integers(min_value=0, max_value=3000))
def test_add_days_and_days_before_are_inverse(start, n):
    later = add_days(start, n)
    assert (later.date - start).days == n
    assert days_before(later.date, n).date == start


@settings(max_examples=200, deadline=None)
@given(start=st.dates(min_value=D(2004, 1, 1), max_value=D(2090, 1, 1)), n=st.integers(min_value=0, max_value=120))
def test_month_shift_keeps_the_day_or_clamps_to_month_end(start, n):
    end = shift_months(start, n)
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == n
    assert end.day == start.day or (end.day < start.day and (end + dt.timedelta(days=1)).day == 1)


def test_holiday_names_follow_the_language():
    english = days_before(dt.date(2027, 5, 8), 7)
    chinese = days_before(dt.date(2027, 5, 8), 7, lang="zh")
    assert english.holiday == "Labor Day"
    assert chinese.holiday == "劳动节"


def test_a_day_nobody_acts_by_has_no_act_by_day():
    # 2026-10-03 is in the National Day holiday: a deadline to act gets the working day before it ...
    assert add_days(dt.date(2026, 9, 3), 30).act_by is not None
    # ... the end of a longest period or of a stay does not: nothing has to be done by then
    assert add_days(dt.date(2026, 9, 3), 30, act=False).act_by is None
    assert stay_period_end(dt.date(2026, 9, 2), 30).act_by is None


def test_a_validity_that_lapses_at_midnight_ends_on_its_own_last_day_whatever_the_calendar():
    from regchat.deadlines.arithmetic import lapses_on

    d = lapses_on(dt.date(2026, 2, 17))  # Spring Festival: nobody acts on it, the visa is simply used
    assert d.date == dt.date(2026, 2, 17) and d.act_by is None
    assert d.steps == [
        "Last day of validity: 2026-02-17 (Tuesday); it lapses at 24:00 Beijing time that day, so it can be "
        "used until the end of that day."
    ]
