"""Dates in questions: every written form, and years for dates written without one."""

import datetime as dt

import pytest

from regchat.answering.dates import (
    date_problems,
    load_role_cues,
    dates_in,
    describe_comparison,
    FoundDate,
    RoledDate,
    derived_date,
    describe_date_problem,
    event_role,
    find_dates,
    find_offsets,
    read_roles,
    resolve_yearless,
    scan_dates,
    time_of_day,
    zh_number,
)
from regchat.answering.language import detect_language
from regchat.answering.references import find_article_refs
from regchat.documents import Provision

TODAY = dt.date(2026, 11, 22)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I entered China on 2 March 2026.", dt.date(2026, 3, 2)),
        ("I entered on the 2nd of March, 2026", dt.date(2026, 3, 2)),
        ("Entry date: March 2, 2026", dt.date(2026, 3, 2)),
        ("entered 2026-03-02 with a Z visa", dt.date(2026, 3, 2)),
        ("entered 2026/3/2", dt.date(2026, 3, 2)),
        ("我2026年3月2日入境", dt.date(2026, 3, 2)),
        ("I arrived yesterday", dt.date(2026, 11, 21)),
        ("我昨天入境的", dt.date(2026, 11, 21)),
        ("我三天前入境", dt.date(2026, 11, 19)),
        ("他大前天被决定限期出境", dt.date(2026, 11, 19)),
        ("大后天入境", dt.date(2026, 11, 25)),
        ("I arrived 3 days ago", dt.date(2026, 11, 19)),
        ("I entered last Friday", dt.date(2026, 11, 20)),
        ("landed 17.08.2026 in Shanghai", dt.date(2026, 8, 17)),
        ("my permit runs out 09/28/2027", dt.date(2027, 9, 28)),
        ("arrived on 21-07-2026", dt.date(2026, 7, 21)),
        ("valid until 30/06/27", dt.date(2027, 6, 30)),
        ("07/07/2026 was my entry day", dt.date(2026, 7, 7)),
        ("my visa was issued on 14-Sep-2026", dt.date(2026, 9, 14)),
        ("It lapses on September the 9th, 2027.", dt.date(2027, 9, 9)),
        ("He came on the 3rd of June 2026", dt.date(2026, 6, 3)),
        ("我二〇二六年六月十八日入境", dt.date(2026, 6, 18)),
        ("签证二零二七年一月三十一号到期", dt.date(2027, 1, 31)),
        ("我2026年十月一日入境", dt.date(2026, 10, 1)),
        ("入境日期：２０２６年９月３日", dt.date(2026, 9, 3)),
        ("入境日期：２０２６／９／３", dt.date(2026, 9, 3)),
        ("居留证2027年7月22到期", dt.date(2027, 7, 22)),
        ("学习类居留许可26年7月15号到期", dt.date(2026, 7, 15)),
        ("签证27年1月3日到期", dt.date(2027, 1, 3)),
    ],
)
def test_each_written_form_is_found(text, expected):
    found = find_dates(text, TODAY)
    assert len(found) == 1
    assert found[0].resolve(TODAY) == expected


def test_a_count_of_years_is_no_two_digit_year():
    assert all(d.year != 2010 for d in find_dates("他在中国工作了10年3月2号要走", TODAY))


def test_a_chinese_day_and_month_takes_the_year_of_the_next_such_day_for_an_expiry():
    (found,) = find_dates("我的居留许可12月15日到期", TODAY)
    assert found.year is None
    assert found.resolve(TODAY, "future") == dt.date(2026, 12, 15)


@pytest.mark.parametrize("text", ["居留证7月22到期", "7月22到期，要续吗"])
def test_a_chinese_month_and_day_needs_no_day_character(text):
    (found,) = find_dates(text, TODAY)
    assert (found.month, found.day, found.text) == (7, 22, "7月22")


@pytest.mark.parametrize("text", ["停留3个月20天", "5月份", "12月初", "7月22日", "每月500元", "5月10天后"])
def test_a_month_followed_by_a_count_or_a_part_of_it_is_no_bare_day(text):
    assert not [f.text for f in find_dates(text, TODAY) if f.text[-1].isdigit()]


def test_an_end_written_without_a_year_is_the_one_still_to_come_unless_it_just_passed():
    # asked on 22 November 2026
    assert resolve_yearless(3, 2, TODAY, "ahead") == dt.date(2027, 3, 2)
    assert resolve_yearless(11, 30, TODAY, "ahead") == dt.date(2026, 11, 30)
    assert resolve_yearless(11, 1, TODAY, "ahead") == dt.date(2026, 11, 1)  # three weeks ago: lapsed
    assert resolve_yearless(9, 23, TODAY, "ahead") == dt.date(2026, 9, 23)  # 60 days ago
    assert resolve_yearless(9, 21, TODAY, "ahead") == dt.date(2027, 9, 21)  # 62 days ago: next year's


def test_yearless_dates_resolve_relative_to_today():
    assert resolve_yearless(3, 2, TODAY, "past") == dt.date(2026, 3, 2)
    assert resolve_yearless(3, 2, TODAY, "future") == dt.date(2027, 3, 2)
    assert resolve_yearless(12, 15, TODAY, "past") == dt.date(2025, 12, 15)
    assert resolve_yearless(12, 15, TODAY, "nearest") == dt.date(2026, 12, 15)
    assert resolve_yearless(2, 29, TODAY, "future") == dt.date(2028, 2, 29) or resolve_yearless(
        2, 29, TODAY, "future"
    ) is None


def test_impossible_dates_and_durations_are_not_dates():
    assert find_dates("2026-02-30", TODAY) == []
    assert find_dates("within 30 days of entry", TODAY) == []
    assert find_dates("we may 2 times apply", TODAY) == []


def test_relative_dates_need_today():
    assert find_dates("yesterday") == []


def test_chinese_numbers():
    assert [zh_number(t) for t in ("15", "十五", "三十", "二十一", "一百八十")] == [15, 15, 30, 21, 180]


def test_language_of_a_question():
    assert detect_language("When must I apply for a residence permit?") == "en"
    assert detect_language("我的居留许可12月15日到期，最晚哪天申请延期？") == "zh"
    assert detect_language("我的 residence permit 什么时候到期") == "zh"
    assert detect_language("What is 专局?") == "en"


def _p(doc_id, title, article):
    return Provision(doc_id=doc_id, doc_title=title, jurisdiction="CN", article=article, label="x", text="t")


PROVISIONS = [
    _p("cn-exit-entry-law", "Exit and Entry Administration Law", 33),
    _p("cn-foreigner-entry-exit-regulations", "Administrative Regulations on Entry and Exit of Foreigners", 33),
]


def test_article_references_name_a_document_only_when_the_question_does():
    assert [(r.article, r.doc_id) for r in find_article_refs("What does Article 33 say?", PROVISIONS)] == [
        (33, None)
    ]
    assert find_article_refs("What does Law Art. 33 say?", PROVISIONS)[0].doc_id == "cn-exit-entry-law"
    assert (
        find_article_refs("Regulations Article 33?", PROVISIONS)[0].doc_id == "cn-foreigner-entry-exit-regulations"
    )
    assert [r.article for r in find_article_refs("第三十三条规定了什么？", PROVISIONS)] == [33]
    assert find_article_refs("How long can I stay?", PROVISIONS) == []


@pytest.mark.parametrize(
    "text, month, day",
    [
        ("我的工作许可十一月三十日到期", 11, 30),
        ("签证十二月一号到期", 12, 1),
        ("the card runs out on December the 12th", 12, 12),
        ("I have to leave by 28/9", 9, 28),
    ],
)
def test_yearless_forms_in_words_and_numbers(text, month, day):
    (found,) = find_dates(text, TODAY)
    assert (found.year, found.month, found.day) == (None, month, day)


def test_numbers_that_only_look_like_dates_are_not_dates():
    assert find_dates("support is open 24/7 and fees rose 3/4 of a point", TODAY) == []
    assert date_problems("support is open 24/7 and fees rose 3/4 of a point", TODAY) == []
    assert find_dates("see paragraph 1.2.3 and version 10.4.1", TODAY) == []
    assert find_dates("it takes 三个月五天", TODAY) == []


def test_day_and_month_in_an_unknown_order_is_a_problem_not_a_guess():
    question = "I arrived 06/08/2026 on an S1 visa; by when do I register?"
    assert find_dates(question, TODAY) == []
    (problem,) = date_problems(question, TODAY)
    assert problem.kind == "ambiguous" and problem.text == "06/08/2026"
    assert problem.readings == (dt.date(2026, 8, 6), dt.date(2026, 6, 8))  # day first, then month first
    assert dates_in(question, TODAY) == {dt.date(2026, 8, 6), dt.date(2026, 6, 8)}


@pytest.mark.parametrize(
    "question, day",
    [
        ("The permit expires 5/10/2026, that is 5 October (we are Dutch). May we file on Sep 8?", dt.date(2026, 10, 5)),
        ("The permit expires 5/10/2026 (10 May). May we file then?", dt.date(2026, 5, 10)),
        ("居留许可到期日是3/2/2027（即2月3日），最晚哪天续？", dt.date(2027, 2, 3)),
    ],
)
def test_an_ambiguous_date_restated_beside_it_is_the_reading_restated(question, day):
    assert date_problems(question, TODAY) == []
    first = find_dates(question, TODAY)[0]
    assert question[first.start:first.end] in {"5/10/2026", "3/2/2027"} and (first.year, first.month, first.day) == (
        day.year, day.month, day.day)
    assert day in dates_in(question, TODAY)


def test_a_date_in_another_sentence_or_both_readings_beside_it_restate_nothing():
    assert date_problems("It expires 1/11/2026. On 1 November I travel.", TODAY)[0].kind == "ambiguous"
    assert date_problems("It says 04/06/2026 (4 June or 6 April?). When must I apply?", TODAY)[0].kind == "ambiguous"


@pytest.mark.parametrize(
    "text, month, day",
    [
        # the order the message says
        ("She is Dutch, so her dates are day.month: the permit ends on 3/12.", 12, 3),
        ("签发日期写的是3.12.（她说德国写法是日在前）", 12, 3),
        # the order its other dates written in numbers show
        ("The hearing was on 16.4. and she is back on 11.5.", 5, 11),
        ("He landed on 3/14 and his permit notice came on 2/5.", 2, 5),
    ],
)
def test_an_ambiguous_date_is_the_reading_the_message_settles(text, month, day):
    assert date_problems(text, TODAY) == []
    last = find_dates(text, TODAY)[-1]
    assert (last.month, last.day) == (month, day)


def test_an_ambiguous_date_is_the_reading_falling_on_the_weekday_its_sentence_names():
    # asked on 20 August 2026: 9 October 2026 is a Friday, 10 September a Thursday
    found = find_dates("The office can see us on 9/10, it's a Thursday.", dt.date(2026, 8, 20))
    assert (found[0].text, found[0].month, found[0].day) == ("9/10", 9, 10)
    found = find_dates("The office can see us on 9/10, it's a Friday.", dt.date(2026, 8, 20))
    assert (found[0].text, found[0].month, found[0].day) == ("9/10", 10, 9)
    assert date_problems("The office can see us on 9/10, it's a Monday.", dt.date(2026, 8, 20))[0].kind == "ambiguous"


def test_a_weekday_before_last_is_a_week_before_last_weeks():
    # asked on Monday 23 March 2026: last Thursday is the 19th, the Thursday before last the 12th
    (found,) = find_dates("He flew in on the Thursday before last.", dt.date(2026, 3, 23))
    assert found.resolve(dt.date(2026, 3, 23)) == dt.date(2026, 3, 12)


def test_a_date_written_with_dots_and_the_year_last_puts_the_day_first():
    (found,) = find_dates("Her permit says valid until 01.11.2026.", TODAY)
    assert (found.year, found.month, found.day) == (2026, 11, 1)
    assert date_problems("Her permit says valid until 01/11/2026.", TODAY)[0].kind == "ambiguous"


def test_the_dot_closing_a_day_and_month_written_with_dots_ends_no_clause():
    text = "The inspection was on 2.4., and on Friday 24.4. the penalty decision reached us."
    roled = read_roles(text, find_dates(text, TODAY))
    assert [(r.found.day, r.role) for r in roled] == [(2, None), (24, "decision")]


def test_an_ambiguous_date_without_a_year_has_readings_only_against_today():
    (problem,) = date_problems("the meeting is due 9/10", TODAY)
    assert problem.kind == "ambiguous"
    assert {(d.month, d.day) for d in problem.readings} == {(10, 9), (9, 10)}
    assert date_problems("the meeting is due 9/10")[0].readings == ()


@pytest.mark.parametrize(
    "text, year, month, day",
    [
        ("my passport was stamped on 2027-02-29", 2027, 2, 29),
        ("the permit lapses 31 June 2027", 2027, 6, 31),
        ("entry: 31/11/2026", 2026, 11, 31),
        ("签证2026年2月30日到期", 2026, 2, 30),
        ("签证九月三十一日到期", None, 9, 31),
    ],
)
def test_a_day_the_calendar_lacks_is_a_problem(text, year, month, day):
    assert find_dates(text, TODAY) == []
    (problem,) = date_problems(text, TODAY)
    assert (problem.kind, problem.year, problem.month, problem.day, problem.readings) == (
        "nonexistent", year, month, day, ()
    )


def test_a_leap_day_in_a_leap_year_is_a_date():
    assert find_dates("I entered on 2028-02-29", TODAY)[0].resolve(TODAY) == dt.date(2028, 2, 29)
    assert date_problems("I entered on 2028-02-29", TODAY) == []


def test_problems_are_described_in_the_language_of_the_question():
    (leap,) = date_problems("I came in on 2027-02-29.", TODAY)
    assert describe_date_problem(leap, "en").startswith("2027-02-29 does not exist: 2027 is not a leap year.")
    assert "2027年不是闰年" in describe_date_problem(leap, "zh")
    (short,) = date_problems("expires 31 September 2027", TODAY)
    assert "September has 30 days" in describe_date_problem(short, "en")
    assert "9月只有30天" in describe_date_problem(short, "zh")
    (feb,) = date_problems("expires 30 Feb 2028", TODAY)
    assert "February 2028 has 29 days" in describe_date_problem(feb, "en")
    (either,) = date_problems("entered 11/12/2026", TODAY)
    en = describe_date_problem(either, "en")
    assert "11 December 2026" in en and "12 November 2026" in en and "Which one" in en
    zh = describe_date_problem(either, "zh")
    assert "2026年12月11日" in zh and "2026年11月12日" in zh
    (yearless,) = date_problems("I leave by 9/10", TODAY)
    assert describe_date_problem(yearless, "en") == (
        "9/10 could be 9 October or 10 September. Which one do you mean? (Writing the month in words avoids the doubt.)"
    )


class TestYearStatedApart:
    """A year written once on its own applies to the dates written without one."""

    TODAY = dt.date(2026, 11, 22)

    @pytest.mark.parametrize(
        "text, expected",
        [
            ("停留期7月9日到期（2026年），什么时候要办延期？", dt.date(2026, 7, 9)),
            ("Back in 2025 my residence permit ran out on 3 June.", dt.date(2025, 6, 3)),
            ("2027年的1月4日入境", dt.date(2027, 1, 4)),
        ],
    )
    def test_the_lone_year_dates_the_yearless_day(self, text, expected):
        [found] = find_dates(text, self.TODAY)
        assert found.resolve(self.TODAY) == expected

    def test_a_year_belonging_to_another_date_is_not_lent(self):
        dates = find_dates("I entered on 3 March 2026 and my permit expires on 5 May.", self.TODAY)
        assert dates[1].year is None

    def test_two_different_lone_years_lend_nothing(self):
        [found] = find_dates("Between 2025 and 2027, the stay ended on 5 May.", self.TODAY)
        assert found.year is None


# --------------------------------------------------------------------------- more written forms


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I entered on 12.13 with an M visa", dt.date(2026, 12, 13)),  # 13 cannot be a month
        ("my stay permit expires 12/27", dt.date(2026, 12, 27)),
        ("签证停留期12/27到期", dt.date(2026, 12, 27)),
        ("我12.13入境", dt.date(2026, 12, 13)),
        ("entered on 12-13 with a Z visa", dt.date(2026, 12, 13)),
        ("居留证件31/05/2027到期", dt.date(2027, 5, 31)),
        ("I arrived Jan 11th", dt.date(2027, 1, 11)),
        ("我明年4月5号入境", dt.date(2027, 4, 5)),
        ("居留许可去年12月1日签发", dt.date(2025, 12, 1)),
        ("居留许可下个月15号到期", dt.date(2026, 12, 15)),
        ("本月30日到期", dt.date(2026, 11, 30)),
        ("it expires on the 15th of next month", dt.date(2026, 12, 15)),
        ("I will enter on 5 April next year", dt.date(2027, 4, 5)),
        ("I arrived three weeks ago", dt.date(2026, 11, 1)),
        ("the baby was born two months ago", dt.date(2026, 9, 22)),
        ("我两个月前入境", dt.date(2026, 9, 22)),
        ("我半个月前入境", dt.date(2026, 11, 7)),
        ("the permit ends in 10 days", dt.date(2026, 12, 2)),
    ],
)
def test_more_written_forms_are_found(text, expected):
    found = find_dates(text, TODAY)
    assert len(found) == 1, found
    assert found[0].resolve(TODAY) == expected


def test_a_month_named_relative_to_today_clamps_nothing_and_rejects_a_missing_day():
    today = dt.date(2026, 1, 31)
    assert find_dates("下个月15号到期", today)[0].resolve(today) == dt.date(2026, 2, 15)
    (problem,) = date_problems("下个月30号到期", today)  # February 2026 has no 30th
    assert problem.kind == "nonexistent"


def test_a_bare_day_and_month_that_could_be_either_order_is_asked_about():
    (problem,) = date_problems("I entered on 3/2, when must I apply?", TODAY)
    assert problem.kind == "ambiguous" and problem.text == "3/2"
    assert set(problem.readings) == {dt.date(2027, 2, 3), dt.date(2027, 3, 2)}
    assert find_dates("I entered on 3/2, when must I apply?", TODAY) == []
    assert "3/2" in describe_date_problem(problem, "en")


@pytest.mark.parametrize(
    "text",
    [
        "Article 3.2 of the rules",  # an article number
        "it takes 2.5 days",  # an amount
        "it takes 3-5 working days",  # a range
        "after the card was issued I will live in Leeds 2-3 yrs",  # a range, its unit abbreviated
        "we arrived and stayed 1-2 mths",
        "visa valid, staying 6-8 wks",
        "the permit was issued; the check took 5-6 hrs",
        "the fee went up 3/4 of a point",  # a fraction
        "open 24/7",
        "第3.2条",
        "I have 1.5 years left",
        "we met at 9.30",  # a time
        "收到12.5万元的赔偿",  # an amount in ten-thousands
    ],
)
def test_bare_numbers_that_are_not_dates(text):
    assert find_dates(text, TODAY) == []
    assert date_problems(text, TODAY) == []


def test_bare_numbers_need_words_about_a_date_nearby():
    assert find_dates("the ratio is 12.13", TODAY) == []
    assert find_dates("my permit expires 12.13", TODAY)[0].resolve(TODAY) == dt.date(2026, 12, 13)
    assert find_dates("决定书是11.13收到的", TODAY)[0].resolve(TODAY) == dt.date(2026, 11, 13)


# --------------------------------------------------------------------------- roles


def roles_of(text: str) -> list[tuple[str, str | None]]:
    found = find_dates(text, TODAY)
    return [(r.text, r.role) for r in read_roles(text, found)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("They entered the country on 2026-03-04.", [("2026-03-04", "entry")]),
        ("The residence permit lapses on 2026-12-17.", [("2026-12-17", "expiry")]),
        ("My visa is valid until 31/05/2027.", [("31/05/2027", "visa_validity")]),  # to enter by, or stay until?
        ("My permit is valid until 31/05/2027.", [("31/05/2027", "expiry")]),
        ("I submitted the application on 2026-10-10.", [("2026-10-10", "filing")]),
        ("The baby was born on 2026-08-01.", [("2026-08-01", "birth")]),
        ("She received a new passport on 2026-09-23.", [("2026-09-23", "change")]),
        ("The old passport was full, so I got a new one issued on 2026-09-14.", [("2026-09-14", "change")]),
        ("Pages ran out, so I received a new passport on 2026-09-14.", [("2026-09-14", "change")]),
        ("I had the passport replaced in Shanghai; the new one is dated 2026-09-14.", [("2026-09-14", "change")]),
        ("I was ordered to leave on 2026-05-20.", [("2026-05-20", "decision")]),
        ("The proof of health was issued on 2026-08-27.", [("2026-08-27", "issue")]),
        ("A friend moved into my flat on 2026-11-20.", [("2026-11-20", "arrival")]),
        ("We moved into a rented house on 2026-11-20.", [("2026-11-20", "arrival")]),  # not an entry into China
        ("On 2026-11-20 he moved out of the hotel into a rented flat.", [("2026-11-20", "arrival")]),  # from where, then where
        ("She graduates on 2026-06-30.", [("2026-06-30", "other_end")]),  # no period starts from it
        ("Orientation week runs until 2026-04-02.", [("2026-04-02", "other_end")]),  # not a permit's expiry
        ("The earliest slot they've got is 2026-04-07.", [("2026-04-07", "plan")]),  # an appointment booked
        ("We had pencilled in 2026-04-01 for the bureau.", [("2026-04-01", "plan")]),
        ("I picked it up at the consulate on 2026-11-03.", [("2026-11-03", "issue")]),  # the new passport, collected
        ("He took it to the exit-entry bureau on 2026-11-14.", [("2026-11-14", "action")]),  # a step of his own
        ("她2026年6月30号毕业。", [("2026年6月30号", "other_end")]),
        ("On 2026-11-20 she went by taxi to her new apartment.", [("2026-11-20", "arrival")]),
        ("We registered her on 2026-10-03.", [("2026-10-03", "action")]),
        ("I arrived three weeks ago.", [("three weeks ago", "entry")]),
        ("We came in on 2026-11-06 with an F visa.", [("2026-11-06", "entry")]),
        ("On 2026-11-04 he was told to leave within a set time.", [("2026-11-04", "decision")]),
        ("The office decided on 2026-10-21.", [("2026-10-21", "decision")]),
        ("Our stay began 2026-11-09.", [("2026-11-09", "entry")]),
        ("Nothing special happened on 2026-10-10.", [("2026-10-10", None)]),
        ("Their permits run to 8/15.", [("8/15", "expiry")]),  # a bare day and month after "run to"
        ("A friend showed up at my apartment on 2026-02-16.", [("2026-02-16", "arrival")]),  # not a step taken
        ("We showed up at the office on 2026-02-16.", [("2026-02-16", "action")]),
        # going to the office to have something done is filing it
        ("On 2026-03-04 we went to the exit-entry office in Wuhan to renew her permit.", [("2026-03-04", "filing")]),
        ("The technicians land in Chongqing on 2026-05-13.", [("2026-05-13", "entry")]),
        ("If they land on 2026-07-05 with 30 days of stay", [("2026-07-05", "entry")]),
        ("My aunt is landing 2026-06-02 on an L visa.", [("2026-06-02", "entry")]),
        ("Flying in on 2026-06-09, thirty days of stay.", [("2026-06-09", "entry")]),
        ("Her residence permit is good through 3/20.", [("3/20", "expiry")]),
        # a child coming on a visa enters; a baby that came, with nothing after, was born
        ("Our son came on an S1 visa on 2026-11-05.", [("2026-11-05", "entry")]),
        ("Our baby came on 2026-05-03.", [("2026-05-03", "birth")]),
    ],
)
def test_each_date_gets_the_role_its_words_give_it(text, expected):
    assert roles_of(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("我于2026年3月4日入境", [("2026年3月4日", "entry")]),
        ("居留证件将于2026年12月17日期满", [("2026年12月17日", "expiry")]),
        ("我10月10日递交了申请", [("10月10日", "filing")]),
        ("宝宝于2026年8月3日出生", [("2026年8月3日", "birth")]),
        ("他在2026年9月23日换发了护照", [("2026年9月23日", "change")]),
        ("我们3月2号回哈尔滨老家住几天", [("3月2号", "arrival")]),  # going home to the family's house
        ("客户换了新护照，新护照签发日期是2026年5月6日", [("2026年5月6日", "change")]),  # the new passport's day
        # going to have the permit changed is filing the change, not the change itself
        ("她6月2号去出入境办变更", [("6月2号", "filing")]),
        ("护照号码3月5号变更了", [("3月5号", "change")]),
        ("健康证明于2026年8月27日签发", [("2026年8月27日", "issue")]),
        ("朋友11月20日入住我家", [("11月20日", "arrival")]),
        ("我三天前入境", [("三天前", "entry")]),
        # a full-width comma ends a clause even before a digit: 决定 belongs to the first date
        ("我3月3日收到处罚决定书，3月25日去银行交罚款", [("3月3日", "issue"), ("3月25日", "action")]),
        ("货轮8月3日靠港，船员想上岸", [("8月3日", "entry")]),
        ("货轮8月3日靠天津港", [("8月3日", "entry")]),
        ("签证上写的入境有效期截止到2026年9月5日", [("2026年9月5日", "enter_before")]),  # not the end of a stay
        ("2月16日晚上到成都朋友家住几天", [("2月16日", "arrival")]),  # arriving at a home, not at the border
    ],
)
def test_roles_in_chinese(text, expected):
    assert roles_of(text) == expected


@pytest.mark.parametrize(
    "text, day",
    [
        ("She flew in Monday on an S1.", dt.date(2026, 11, 16)),  # the past: the Monday just gone
        ("He arrived on Sunday.", dt.date(2026, 11, 22)),  # today, when today is that day
        ("I will file on Friday.", dt.date(2026, 11, 27)),  # the future: the next Friday
        ("On Thursday the officers took his passport away.", dt.date(2026, 11, 19)),  # its clause's verb: the past
        ("On Thursday, the office will decide.", dt.date(2026, 11, 26)),
    ],
)
def test_a_weekday_named_alone_is_the_last_or_the_next_one_as_the_words_before_it_tell(text, day):
    assert TODAY == dt.date(2026, 11, 22)  # a Sunday
    assert [f.resolve(TODAY) for f in find_dates(text, TODAY)] == [day]


@pytest.mark.parametrize(
    "text",
    ["The office opens Monday to Friday.", "We meet on Mondays.", "the office is closed from Monday-Friday",
     "He is at meetings in Foshan all next week."],  # a week long, no day
)
def test_a_range_or_a_habit_of_weekdays_is_no_date(text):
    assert find_dates(text, TODAY) == []


@pytest.mark.parametrize("text", ["Friday, 20 March 2026", "on 16 March (Monday)", "Monday, Jan 5th"])
def test_a_weekday_beside_a_written_date_names_that_dates_day(text):
    assert len(find_dates(text, TODAY)) == 1


def test_a_month_written_with_its_year_keeps_its_clause_s_cue_from_the_next_clause_s_date():
    # "valid until January 2027" is the permit's expiry, a month with no day: not the next clause's 5 March
    text = "居留证件有效期到2027年1月，3月5号。"
    assert [r.role for r in read_roles(text, find_dates(text, TODAY))] == [None]


def test_a_clause_saying_only_that_a_date_is_written_dates_what_the_clause_before_tells():
    # "dated" is no issue of a permit: the date is written on the new passport the clause before tells of
    text = "The embassy gave her a new passport, dated 4 May, and she collected it soon after."
    (roled,) = read_roles(text, find_dates(text, TODAY))
    assert roled.role == "change" and "issue" in roled.roles
    assert roles_of("Her health certificate is dated 4 May.") == [("4 May", "issue")]  # nothing before it: its own word
    # ... and so is the date of issue written on a new passport told of in the clause before
    text = "她在使馆换了新护照，签发日期5月4日。"
    (roled,) = read_roles(text, find_dates(text, TODAY))
    assert roled.role == "change"
    assert roles_of("体检证明签发日期5月4日。") == [("5月4日", "issue")]


def test_a_clause_that_only_dates_what_the_clause_before_tells_takes_its_role():
    text = "给了个限制活动范围决定书，落款10月9号。"
    (roled,) = read_roles(text, find_dates(text, TODAY))
    assert roled.role == "decision" and "detention" in roled.roles  # the decision to restrict her activities
    assert roles_of("He got a decision to leave, on 2026-10-09.") == [("2026-10-09", "decision")]
    # a clause telling its own event is no date of the clause before, nor one past a full stop
    assert roles_of("签证过期一个多月了，今天被警察带走。") == [("今天", "detention")]  # its own event
    assert roles_of("He got a decision to leave. On 2026-10-09 we met.") == [("2026-10-09", None)]


def test_a_date_of_something_done_takes_what_the_rest_of_its_sentence_says_was_done():
    text = "Today (Tue 5 May) we went to the bureau, where an officer accepted the application and handed us a slip."
    assert roles_of(text)[-1] == ("5 May", "filing")
    (roled,) = read_roles("On 2026-09-28 I went to the office, they accepted my application.",
                          find_dates("On 2026-09-28 I went to the office, they accepted my application.", TODAY))
    assert roled.roles == ("filing", "action")  # going there stays a reading of it
    # not past the sentence's end, nor past a clause with a date of its own
    assert roles_of("On 2026-09-28 I went to the office. They accepted my application.") == [("2026-09-28", "action")]
    assert roles_of("On 2026-09-28 I went to the office, on 2026-09-30 they accepted my application.")[0] == (
        "2026-09-28", "action")
    # a date whose own words say what it is keeps it
    assert roles_of("I entered on 2026-09-28, they accepted my application later.")[0] == ("2026-09-28", "entry")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("My wallet got stolen on 2026-09-27.", "loss"),
        ("my wallet got nicked on the metro on 2026-09-27", None),
        ("I got my permit on 2026-09-27.", "issue"),
    ],
)
def test_something_that_got_lost_or_stolen_was_not_issued(text, expected):
    assert roles_of(text)[0][1] == expected


def test_enter_before_is_the_visas_validity_not_an_entry():
    assert roles_of("The visa says enter before 2026-12-15.") == [("2026-12-15", "enter_before")]
    assert roles_of("签证须在2026年12月15日前入境") == [("2026年12月15日", "enter_before")]
    assert roles_of("We entered on 2026-03-04 with a visa valid for entry until 2026-12-17.") == [
        ("2026-03-04", "entry"),
        ("2026-12-17", "enter_before"),
    ]


def test_a_wider_cue_read_across_a_specific_ones_words_does_not_win_by_nearness():
    # "签证…到" (an expiry) spans "入境有效期" (the last day to enter): the specific words decide
    assert roles_of("她的M签证入境有效期到2027年2月3日") == [("2027年2月3日", "enter_before")]
    assert roles_of("她的M签证有效期到2027年2月3日") == [("2027年2月3日", "visa_validity")]


def test_two_dates_in_one_sentence_each_take_their_own_words():
    assert roles_of("He entered on 2026-03-04 and his residence permit ends on 2026-12-17") == [
        ("2026-03-04", "entry"),
        ("2026-12-17", "expiry"),
    ]
    assert roles_of("我2026年3月2日入境，居留证件2027年3月1日到期") == [("2026年3月2日", "entry"), ("2027年3月1日", "expiry")]


def test_a_receipt_issued_on_a_day_is_also_a_filing_date():
    (roled,) = read_roles("The receipt was issued on 2026-10-01", find_dates("The receipt was issued on 2026-10-01"))
    assert roled.role == "issue" and "filing" in roled.roles


@pytest.mark.parametrize(
    "text",
    ["We went to the exit-entry center on 24 April 2026 for his residence permit.",
     "She went to the PSB office on 3 May 2026 for her extension."],
)
def test_going_to_the_office_for_a_permit_on_a_day_is_filing_on_it(text):
    (roled,) = read_roles(text, find_dates(text))
    assert roled.role == "filing"


def test_every_rule_event_has_a_role():
    from regchat.deadlines import load_rules

    roles = {rule.id: event_role(rule.event_en) for rule in load_rules()}
    assert roles["law-30-residence-permit"] == "entry"
    assert roles["law-32-extend-residence"] == "expiry"
    assert roles["law-30-decision"] == "filing"
    assert roles["law-40-newborn"] == "birth"
    assert roles["law-33-change-registration"] == "change"
    assert roles["reg-33-exit-period"] == "decision"
    assert roles["law-39-accommodation"] == "arrival"
    assert roles["reg-16-health-certificate"] == "issue"
    assert roles["law-60-detention-examination"] == roles["law-61-restricted-activities"] == "detention"
    assert None not in roles.values()


def test_every_role_reaches_text_of_the_corpus():
    import json
    import re

    from regchat.answering.dates import ROLES_FILE
    from regchat.settings import PROJECT_ROOT

    data = json.loads(ROLES_FILE.read_text(encoding="utf-8"))
    for entry in data["roles"]:
        assert entry["reaches"], entry["role"]
        for target in entry["reaches"]:
            # the English translation, or the English summary of an article it does not cover
            texts = [p.read_text(encoding="utf-8") for p in sorted((PROJECT_ROOT / "corpus").glob(f"{target['doc']}*.md"))]
            articles = [re.search(rf"^Article {target['article']}\b.*?(?=^Article \d+|\Z)", t, re.S | re.M) for t in texts]
            assert any(a and target["text"] in a.group(0) for a in articles), (entry["role"], target)


# --------------------------------------------------------------------------- comparing with a deadline


@pytest.mark.parametrize(
    "done, lang, expected",
    [
        (dt.date(2026, 10, 10), "en", "Filed on 10 October 2026: one day after the last day, 9 October 2026, so late."),
        (dt.date(2026, 10, 9), "en", "Filed on 9 October 2026: on the last day, 9 October 2026, so in time."),
        (dt.date(2026, 10, 2), "en", "Filed on 2 October 2026: 7 days before the last day, 9 October 2026, so in time."),
        (dt.date(2026, 10, 12), "zh", "申请递交日期2026年10月12日：比最后一天（2026年10月9日）晚3天，已逾期。"),
    ],
)
def test_a_filing_date_is_compared_with_the_last_day(done, lang, expected):
    what = "Filed" if lang == "en" else "申请递交日期"
    assert describe_comparison(done, dt.date(2026, 10, 9), lang, what=what) == expected


@pytest.mark.parametrize(
    "planned, lang, expected",
    [
        (dt.date(2026, 10, 14), "en", "If done on 14 October 2026: 5 days after the last day, 9 October 2026, so it would be late."),
        (dt.date(2026, 10, 8), "en", "If done on 8 October 2026: one day before the last day, 9 October 2026, so in time."),
        (dt.date(2026, 10, 14), "zh", "如在2026年10月14日办理：比最后一天（2026年10月9日）晚5天，将会逾期。"),
    ],
)
def test_a_day_still_to_come_is_compared_as_a_plan(planned, lang, expected):
    today = dt.date(2026, 10, 5)
    assert describe_comparison(planned, dt.date(2026, 10, 9), lang, what="Filed", today=today) == expected


# --------------------------------------------------------------------------- dates counted from an earlier one


@pytest.mark.parametrize(
    "text, anchor, expected",
    [
        ("My wife's permit expires a month after mine.", dt.date(2027, 5, 10), dt.date(2027, 6, 10)),
        ("He entered two weeks after me.", dt.date(2026, 11, 1), dt.date(2026, 11, 15)),
        ("Hers ends 10 days before mine.", dt.date(2027, 1, 31), dt.date(2027, 1, 21)),
        ("我太太的比我晚一个月到期", dt.date(2027, 5, 10), dt.date(2027, 6, 10)),
        ("他比我早3天入境", dt.date(2026, 11, 4), dt.date(2026, 11, 1)),
        ("她的居留证比我的晚半个月到期", dt.date(2027, 1, 31), dt.date(2027, 2, 15)),
        ("his expires a month after mine", dt.date(2027, 1, 31), dt.date(2027, 2, 28)),  # clamped to the month's end
    ],
)
def test_a_date_counted_from_an_earlier_one(text, anchor, expected):
    (offset,) = find_offsets(text)
    earlier = RoledDate(FoundDate("x", 0, 1, anchor.month, anchor.day, anchor.year), "expiry", ("expiry",))
    derived = derived_date(offset, earlier, TODAY)
    assert derived.found.resolve(TODAY) == expected
    assert derived.role == "expiry"  # the same event, for another person


def test_words_that_are_not_an_offset_from_an_earlier_date():
    assert find_offsets("I entered two weeks ago") == []
    assert find_offsets("apply 30 days before the expiry") == []


@pytest.mark.parametrize(
    "text, prefer, day",
    [
        ("I got here on the 5th.", "nearest", dt.date(2026, 6, 5)),
        ("what if he came in on the 5th instead", "nearest", dt.date(2026, 6, 5)),  # a grammar word after it
        ("dropped it off on the 5th, right before the holiday", "nearest", dt.date(2026, 6, 5)),
        ("我5号入境的", "past", dt.date(2026, 6, 5)),
        ("居留证3号到期", "future", dt.date(2026, 7, 3)),
        ("we went to the office on Tuesday (9th) with the forms", "nearest", dt.date(2026, 6, 9)),  # beside its weekday
    ],
)
def test_a_day_of_the_month_alone_is_read_in_the_month_its_role_prefers(text, prefer, day):
    (found,), problems = scan_dates(text, dt.date(2026, 6, 12))
    assert found.monthless and not problems and found.resolve(dt.date(2026, 6, 12), prefer) == day


def test_a_day_of_the_month_beside_a_weekday_and_a_time_of_day_is_a_date():
    found, _ = scan_dates("I'll take him on Monday morning (15th)", dt.date(2026, 6, 12))
    assert dt.date(2026, 6, 15) in [f.resolve(dt.date(2026, 6, 12)) for f in found if f.monthless]


@pytest.mark.parametrize(
    "text, day",
    [
        ("我们打算9月下旬再去办（28号左右）", dt.date(2026, 9, 28)),
        ("准备十月初过去，大概2号", dt.date(2026, 10, 2)),
        ("we'd go in late September, around the 27th", dt.date(2026, 9, 27)),
        ("by the end of September, say the 29th", dt.date(2026, 9, 29)),
    ],
)
def test_a_day_of_the_month_after_a_part_of_a_month_is_of_that_month(text, day):
    (found,), _ = scan_dates(text, dt.date(2026, 8, 20))
    assert not found.monthless and found.resolve(dt.date(2026, 8, 20)) == day


@pytest.mark.parametrize("text", ["我9月份入境的，28号要去办", "permit runs out in September; I may go on the 28th"])
def test_a_month_named_for_another_event_leaves_a_day_of_the_month_alone(text):
    found = [f for f in scan_dates(text, dt.date(2026, 8, 20))[0] if f.text.endswith(("号", "th"))]
    assert [f.monthless for f in found] == [True]


@pytest.mark.parametrize("text", ["on the 5th floor", "住在5号楼", "the 3rd item of Article 6", "第5号", "the 2nd time I came"])
def test_numbers_that_are_not_days_of_the_month_are_not_dates(text):
    assert scan_dates(text, dt.date(2026, 6, 12)) == ([], [])


def test_a_bare_day_and_month_after_runs_out_is_a_date():
    (found,), _ = scan_dates("my residence permit runs out 12.13 this year.", dt.date(2026, 11, 25))
    assert found.resolve(dt.date(2026, 11, 25)) == dt.date(2026, 12, 13)


@pytest.mark.parametrize(
    "text, day",
    [("下周五到期", dt.date(2026, 5, 22)), ("本周五", dt.date(2026, 5, 15)), ("上礼拜一入境", dt.date(2026, 5, 4)),
     ("这周日", dt.date(2026, 5, 17))],
)
def test_a_weekday_of_this_next_or_last_week_in_chinese(text, day):
    (found,), _ = scan_dates(text, dt.date(2026, 5, 13))  # a Wednesday
    assert found.resolve(dt.date(2026, 5, 13)) == day


@pytest.mark.parametrize(
    "text, day",
    [("宝宝元旦那天出生", dt.date(2026, 1, 1)), ("born on New Year's Day", dt.date(2026, 1, 1)),
     ("they land tonight", dt.date(2026, 1, 20)), ("今晚到我家", dt.date(2026, 1, 20))],
)
def test_a_one_day_holiday_and_tonight_are_dates(text, day):
    (found,), _ = scan_dates(text, dt.date(2026, 1, 20))
    assert found.resolve(dt.date(2026, 1, 20), "past") == day


def test_a_holiday_period_names_no_single_day():
    assert scan_dates("during the National Day holiday", dt.date(2026, 9, 20)) == ([], [])


@pytest.mark.parametrize("text", ["I did my medical check on 10 Jan", "体检报告是6月10号开的"])
def test_the_day_a_certificate_was_made_is_its_issue_date(text):
    found, _ = scan_dates(text, dt.date(2026, 3, 5))
    (roled,) = read_roles(text, found)
    assert roled.role == "issue"


def test_a_dotted_day_and_month_in_chinese_is_month_first():
    # Chinese writes the month first ("12.10" is 12月10日); in English the order stays unknown, and a
    # slash may be a foreigner's day first even in Chinese, so it is still asked about.
    (found,) = find_dates("罚款决定书是12.10收到的", TODAY)
    assert (found.month, found.day) == (12, 10)
    assert date_problems("The fine decision reached me on 12.10", TODAY)[0].kind == "ambiguous"
    assert date_problems("居留证3/2到期", TODAY)[0].kind == "ambiguous"


def test_before_which_day_is_a_question_not_a_date():
    assert find_dates("他们最迟在哪一天之前要出结果？", TODAY) == []
    assert find_dates("一天之前我入境了", TODAY)[0].text == "一天之前"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Our baby girl arrived on 31 May 2026 in a Hangzhou hospital.", [("31 May 2026", "birth")]),
        ("I was issued a replacement with a different number on 14 August 2026.", [("14 August 2026", "change")]),
        ("She is coming straight to my apartment on 30 December 2025.", [("30 December 2025", "arrival")]),
        ("我们孩子的生日是10月3日", [("10月3日", "birth")]),
        ("签证可停留到下个星期三", [("下个星期三", "expiry")]),
        ("他10.28在领事馆把护照换成了新的", [("10.28", "change")]),
        ("决定书我在12月10日领到", [("12月10日", "issue")]),
    ],
)
def test_more_words_for_the_same_roles(text, expected):
    assert roles_of(text) == expected


def test_a_visa_said_to_be_valid_through_a_day_is_the_visas_validity():
    assert roles_of("The visa says it's valid through 2026-08-20.") == [("2026-08-20", "visa_validity")]


def test_the_exit_entry_administration_is_no_entry():
    # 出入境 names the office: a date beside it is not an entry date (taken away by its police: detention)
    assert roles_of("他2026年3月20号被出入境带走了") == [("2026年3月20号", "detention")]
    assert roles_of("他2026年3月20号在出入境排了一上午队") == [("2026年3月20号", None)]
    assert roles_of("9月28号去出入境办了签证延期") == [("9月28号", "filing")]


def test_a_flight_that_lands_on_a_day_enters_on_it():
    assert roles_of("The flight lands in Shanghai on 12/27 around 4pm.") == [("12/27", "entry")]


@pytest.mark.parametrize(
    "text, day",
    [
        ("我2026年春节后第一个工作日入境的", dt.date(2026, 2, 24)),  # the 2026 break ran to 23 February
        ("国庆假期结束后的第一个工作日去交的材料", dt.date(2025, 10, 9)),  # 1-8 October 2025, nearest to today
        ("He landed on the first working day after the Spring Festival holiday of 2026.", dt.date(2026, 2, 24)),
    ],
)
def test_the_first_working_day_after_a_public_holiday_is_read_off_the_calendar(text, day):
    (found,) = find_dates(text, dt.date(2026, 1, 10))
    assert found.resolve(dt.date(2026, 1, 10)) == day


@pytest.mark.parametrize(
    "text",
    [
        "the decision was handed to me on Jan 11th, 2000 rmb to pay",
        "fined on 11 January, 2000 yuan",
        "1月11日收到处罚决定书，罚款2000元",
    ],
)
def test_a_four_digit_amount_after_a_date_is_not_its_year(text):
    (found,) = find_dates(text, TODAY)
    assert (found.month, found.day, found.year) == (1, 11, None)


def test_a_year_stated_once_still_dates_the_yearless_dates():
    (found,) = find_dates("my permit ends on 8 May (in 2027)", TODAY)
    assert found.year == 2027


def test_a_year_said_in_another_sentence_dates_nothing():
    (found,) = find_dates("The card is good until 2027. We moved house on 3 April.", TODAY)
    assert found.year is None


@pytest.mark.parametrize(
    "text, found",
    [
        ("landed in chengdu on my z visa may 11, what now", [(5, 11)]),
        ("my permit expires may 3", [(5, 3)]),
        ("we may 2 times apply for it", []),
        ("you may 15 days later leave", []),
    ],
)
def test_may_in_lower_case_is_the_month_only_where_a_date_is_expected(text, found):
    dates, _ = scan_dates(text, dt.date(2026, 5, 20))
    assert [(d.month, d.day) for d in dates] == found


@pytest.mark.parametrize(
    "text, day",
    [
        ("Our son was born on Christmas Day in Xiamen", dt.date(2025, 12, 25)),
        ("she came in on New Year's Day", dt.date(2026, 1, 1)),
        ("孩子是儿童节那天出生的", dt.date(2026, 6, 1)),
        ("我们平安夜落地的", dt.date(2025, 12, 24)),
        # (a holiday period's first day, named as that one day)
        ("签证是国庆节当天签发的", dt.date(2025, 10, 1)),
        ("he landed on Labour Day itself", dt.date(2026, 5, 1)),
    ],
)
def test_a_day_named_instead_of_written_is_that_date(text, day):
    found, problems = scan_dates(text, dt.date(2026, 6, 20))
    assert problems == [] and [f.resolve(dt.date(2026, 6, 20), "past") for f in found] == [day]


@pytest.mark.parametrize(
    "text, day",
    [
        ("能不能拖到月底再交？", dt.date(2026, 10, 31)),
        ("他的证件下个月底到期", dt.date(2026, 11, 30)),
        ("can she wait until the end of next month?", dt.date(2026, 11, 30)),
        ("we landed at the end of last month", dt.date(2026, 9, 30)),
    ],
)
def test_the_end_of_a_month_named_relative_to_today_is_its_last_day(text, day):
    assert [f.resolve(dt.date(2026, 10, 13)) for f in find_dates(text, dt.date(2026, 10, 13))] == [day]


@pytest.mark.parametrize("text", ["We travel over the Christmas holidays", "圣诞节假期去哪里玩", "国庆去杭州玩", "over National Day"])
def test_a_named_holiday_period_is_no_date(text):
    assert find_dates(text, TODAY) == []


def test_picked_up_by_the_police_is_a_detention_not_an_issue():
    assert roles_of("He was picked up by police on 2026-11-04.") == [("2026-11-04", "detention")]
    assert roles_of("他2026年11月4日被警察带走了") == [("2026年11月4日", "detention")]
    assert roles_of("I picked up my new passport on 2026-11-04.") != [("2026-11-04", "detention")]


def test_the_day_of_an_expulsion_is_a_removal():
    assert roles_of("He was expelled from China on 3 March 2021.") == [("3 March 2021", "removal")]
    assert roles_of("他2020年5月6日被驱逐出境。") == [("2020年5月6日", "removal")]


def test_the_end_of_a_course_a_lease_or_a_trip_is_no_expiry():
    assert roles_of("Her course would end around 2026-10-09.") == [("2026-10-09", "other_end")]
    assert roles_of("我们的租约2026年10月9日到期。") == [("2026年10月9日", "expiry")]  # (到期: said of documents too)
    assert roles_of("交流项目2026年10月9日结束。") == [("2026年10月9日", "other_end")]


def test_the_day_a_trip_sets_off_is_no_expiry_and_starts_nothing():
    assert roles_of("她下个月出差，8月3号走，10号回来。") == [("8月3号", "trip"), ("10号", "entry")]
    assert roles_of("她8月3号出发，去泰国一周。") == [("8月3号", "trip")]
    # (a thing taken away, a ship sailing off, is no departure on a trip)
    assert roles_of("8月3号警察把他的居留证件收走了。") != [("8月3号", "trip")]
    assert roles_of("船8月3号下午就开走了。") != [("8月3号", "trip")]


def test_the_end_of_a_job_is_no_entry_and_no_expiry():
    assert roles_of("He resigned, last day June 30; what do we report?") == [("June 30", "job_end")]
    assert roles_of("His contract ends on 2026-06-30 and he will leave.") == [("2026-06-30", "job_end")]
    assert roles_of("她12月13号离职，之后去别的公司。") == [("12月13号", "job_end")]
    assert roles_of("His residence permit ends on 2026-06-30.") == [("2026-06-30", "expiry")]


def test_last_night_is_yesterday_and_a_clock_time_before_a_weekday_is_no_date_beside_it():
    today = dt.date(2026, 2, 16)  # a Monday
    found = [(f.text, f.resolve(today)) for f in find_dates("He moved in last night, around 9pm Sunday.", today)]
    assert found == [("last night", dt.date(2026, 2, 15)), ("Sunday", dt.date(2026, 2, 15))]
    assert [f.text for f in find_dates("arrived 20 March (Friday)", today)] == ["20 March"]  # the weekday of that date


def test_staying_until_a_day_is_a_stay_wished_for_and_moving_in_on_a_day_an_arrival():
    assert roles_of("朋友打算住到10号。") == [("10号", "stay_wish")]
    assert roles_of("朋友3号住到我家来了。") == [("3号", "arrival")]


def test_taking_someone_to_the_office_on_a_day_is_a_plan():
    assert roles_of("I was planning to take him to the police station on the 24th.") == [("the 24th", "plan")]
    assert roles_of("我周末没空，想着24号再带我岳母一起去。") == [("24号", "plan")]
    assert roles_of("Everyone is away this week; she plans to sort it out on the 24th.") == [("the 24th", "plan")]
    assert roles_of("My plan was to go to the bureau on Thursday the 24th.") == [("the 24th", "plan")]


def test_the_day_someone_was_stopped_at_the_border_starts_nothing():
    assert roles_of("She was stopped at the Gongbei crossing on 2026-05-03 and sent back.") == [("2026-05-03", "border_stop")]
    assert roles_of("On 3 May the officers refused him entry at the airport.") == [("3 May", "border_stop")]
    assert roles_of("他5月3号在口岸被边检拦下了，不让他出境。") == [("5月3号", "border_stop")]
    assert "border_stop" in load_role_cues().inert
    # a refusal of something else is still a decision, and an entry still an entry
    assert roles_of("The bureau refused the extension on 3 May.") == [("3 May", "decision")]
    assert roles_of("He entered at Luohu on 3 May.") == [("3 May", "entry")]
    # a clause telling nothing of its date, the sentence going on to the stop, dates the stop
    assert roles_of("他5月3号在机场准备出境，结果被边检拦下了。") == [("5月3号", "border_stop")]
    assert roles_of("He flew out of Pudong on 3 May, and was stopped at passport control.") == [("3 May", "border_stop")]
    assert roles_of("He arrived on 3 May, and we want to register him.") == [("3 May", "entry")]


def test_a_stay_wished_for_is_no_end_of_stay_and_no_step_taken():
    assert roles_of("They would like to remain until 2026-10-08; by when must they ask for more time?") == [("2026-10-08", "stay_wish")]
    assert roles_of("爸妈打算待到2026年10月8日，延期最晚哪天申请？") == [("2026年10月8日", "stay_wish")]
    assert roles_of("Her visa lets her stay until 2026-10-08.") == [("2026-10-08", "expiry")]
    assert roles_of("She is permitted to stay until 2026-10-08.") == [("2026-10-08", "expiry")]


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("他的工作许可证和居留许可都是到2027年6月18号，最晚哪天申请延期？", "expiry"),
        ("他6月18号晚上到的青岛流亭机场，停留期最晚到哪天？", "entry"),
        ("她8月3号持Z签证到了南京，最晚哪天办居留证件？", None),  # 签证到了 is no expiry (nor, alone, an arrival)
    ],
)
def test_an_expiry_said_of_two_permits_and_an_arrival_at_an_airport_are_read(text, role):
    found = find_dates(text, dt.date(2026, 6, 20))
    assert [r.role for r in read_roles(text, found)] == [role]


@pytest.mark.parametrize(
    "text, amount, unit",
    [("and her colleague who flew in a week after her?", 1, "week"), ("他比他妈妈晚了一个礼拜才过关", 1, "week")],
)
def test_a_span_after_another_persons_date_is_an_offset_not_a_day_from_today(text, amount, unit):
    (offset,) = find_offsets(text)
    assert (offset.amount, offset.unit, offset.sign) == (amount, unit, 1)
    assert scan_dates(text, dt.date(2026, 10, 20)) == ([], [])
    assert scan_dates("she will come back in a week", dt.date(2026, 10, 20))[0]  # from today, when nothing follows


def test_a_bare_day_and_month_after_expires_in_a_chinese_message_is_ambiguous_not_an_error():
    # an English phrase quoted in a Chinese message: "3/4" after "expires" is read, and asked about
    found, problems = scan_dates("客户原话是 “my permit expires 3/4”，他问要不要续", dt.date(2026, 3, 20))
    assert found == [] and [p.kind for p in problems] == ["ambiguous"]


@pytest.mark.parametrize(
    "text", ["I've been here since 2019 and my permit runs out on 22 April.", "我从2019年起在北京工作，居留证4月22日到期"]
)
def test_a_year_something_began_in_does_not_date_the_other_days_of_its_sentence(text):
    (found,), _ = scan_dates(text, dt.date(2026, 3, 10))
    assert found.year is None and found.resolve(dt.date(2026, 3, 10)) == dt.date(2026, 4, 22)


def test_a_date_printed_as_on_a_visa_is_read():
    (found,), _ = scan_dates('Z visa, "Enter before: 15JAN2026"', dt.date(2026, 1, 12))
    assert (found.year, found.month, found.day) == (2026, 1, 15)


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("The officer at the airport stamped a visa on arrival, on 2026-03-08.", "entry"),
        ("I landed and got my port visa upon arrival on 2026-03-08.", "entry"),
        ("表弟3月8号持L签证来西安玩。", "entry"),
        ("He collected his new Brazilian passport on 2026-05-04.", "change"),
        ("The consulate issued the new one on 2026-05-04.", "change"),
    ],
)
def test_a_visa_on_arrival_a_visa_held_coming_here_and_a_new_passport_are_read(text, role):
    assert [r.role for r in read_roles(text, find_dates(text, TODAY))] == [role]


def test_a_clause_that_only_dates_reads_too_what_the_clauses_beside_it_tell():
    # "the passport was changed for a new one; got it on 4 May; the number differs": the day it was
    # received is also the day the registered item changed, a reading that follows the date's own
    text = "护照换了本新的，5月4号才拿到，号码变了。"
    (roled,) = read_roles(text, find_dates(text, TODAY))
    assert roled.role == "issue" and "change" in roled.roles
    # ... not a clause that tells more than its date (the expiry told beside it is of another thing)
    text = "Her old passport expired; the embassy in Rome handed the papers to her driver on 2026-05-04."
    (roled,) = read_roles(text, find_dates(text, TODAY))
    assert "expiry" not in roled.roles
    # ... nor across a sentence's end
    text = "护照换了本新的。5月4号才拿到。"
    (roled,) = read_roles(text, find_dates(text, TODAY))
    assert roled.roles == ("issue",)


@pytest.mark.parametrize(
    ("text", "day", "clock"),
    [
        # a time after a date in its sentence is that date's, not the first time of the message
        ("Landed 3 Nov near 10pm, slept at the airport, then reached my aunt's house on 4 Nov around 4pm.",
         dt.date(2026, 11, 4), dt.time(16)),
        ("Landed 3 Nov near 10pm, slept at the airport, then reached my aunt's house on 4 Nov around 4pm.",
         dt.date(2026, 11, 3), dt.time(22)),
        # a time written just before a date is that date's
        ("He moved in at 7:45 on 12 March; his visa was issued on 2 March.", dt.date(2026, 3, 12), dt.time(7, 45)),
        # a range is read at its start, the part of the day a few words before the hour
        ("She checks in on the 9th after dinner, maybe 8-9pm.", dt.date(2026, 11, 9), dt.time(20)),
        ("11月5号晚上（估计十点左右）搬进来", dt.date(2026, 11, 5), dt.time(22)),
        ("11月5号下午2到3点到", dt.date(2026, 11, 5), dt.time(14)),
        # one date and one time; or a time with no date written
        ("昨天晚上8点半入住的", dt.date(2026, 11, 21), dt.time(20, 30)),
        # the evening said with the day in one word ("昨晚", "今晚"), or late at night
        ("他们昨晚十点左右才进门", dt.date(2026, 11, 21), dt.time(22)),
        ("朋友今晚九点半到我家", dt.date(2026, 11, 22), dt.time(21, 30)),
        ("深夜11点到的酒店", dt.date(2026, 11, 22), dt.time(23)),
        # the digits with a colon and the half of the day after them
        ("her train gets in around 9:45pm", dt.date(2026, 11, 22), dt.time(21, 45)),
        ("she arrives at 23:10, what's the deadline?", dt.date(2026, 11, 22), dt.time(23, 10)),
        # a time of another day only: none for this one
        ("Checked into a hotel on 3 Nov at 10pm; moved to a friend's flat on 5 Nov.", dt.date(2026, 11, 5), None),
    ],
)
def test_the_time_of_day_is_the_one_written_with_that_day(text, day, clock):
    assert time_of_day(text, day, TODAY) == clock


@pytest.mark.parametrize(
    ("text", "when"),
    [
        # asked on 12 March 2026, an arrival "on Thursday 26.3" is 2026's (a Thursday), though an arrival
        # without a weekday is read in the past (2025's)
        ("My engineer arrives on Thursday 26.3 on a port visa.", dt.date(2026, 3, 26)),
        ("入境日期是3月26日（周四）", dt.date(2026, 3, 26)),
        ("entered 26 March (Wednesday)", dt.date(2025, 3, 26)),
        ("entered 26 March", dt.date(2025, 3, 26)),
        ("ENTERED THURSDAY 26 MARCH", dt.date(2026, 3, 26)),
        # the verb "sat" is no Saturday (28 March 2026 is one; 2025's is the past one)
        ("He entered on 28 March, sat in the hotel and waited.", dt.date(2025, 3, 28)),
    ],
)
def test_a_weekday_written_beside_a_date_says_its_year(text, when):
    (found,) = find_dates(text, dt.date(2026, 3, 12))
    assert found.resolve(dt.date(2026, 3, 12), "past") == when



def test_the_end_of_a_month_is_a_time_not_the_end_of_a_stay():
    # "until the end of August" says when, not what ends: the date beside it keeps its own role
    text = "We want her to stay until the end of August for the wedding on 22/8."
    (roled,) = read_roles(text, find_dates(text, dt.date(2026, 6, 1)))
    assert "expiry" not in roled.roles
    text = "Her stay ends on 22/8."
    (roled,) = read_roles(text, find_dates(text, dt.date(2026, 6, 1)))
    assert roled.role == "expiry"


@pytest.mark.parametrize(
    "text",
    [
        "她12号晚上八点的航班落地，到我家大概十点了，住一个礼拜。",
        "She landed on the 12th at 8pm, got to our flat around 10pm.",
        "He lands on the 12th at 7pm, gets to our place by 10pm and stays a week.",
    ],
)
def test_a_clause_telling_only_a_clock_time_after_a_date_tells_more_of_that_day(text):
    (roled,) = read_roles(text, find_dates(text, dt.date(2026, 3, 20)))
    assert roled.role == "entry" and "arrival" in roled.roles


def test_a_clause_with_no_clock_time_is_not_read_as_the_same_day():
    text = "她12号晚上八点的航班落地，以后再来我家住。"
    (roled,) = read_roles(text, find_dates(text, dt.date(2026, 3, 20)))
    assert roled.roles == ("entry",)


@pytest.mark.parametrize(
    "text, expected",
    [
        # a cue read across a comma belongs to the clause it ends in
        ("She got a new one at her embassy, issued on 4 August 2026.", [("4 August 2026", "change")]),
        ("We put in her extension on 3 August 2026.", [("3 August 2026", "filing")]),
        ("They put in his renewal on 3 August 2026 and got a slip.", [("3 August 2026", "filing")]),
        ("我同事2026年5月3日被机场边检的民警带走了", [("2026年5月3日", "detention")]),
    ],
)
def test_a_cue_across_a_comma_and_an_application_put_in(text, expected):
    assert roles_of(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "我表哥3月8号晚上九点多落地上海，直接住到我家。",
        "Her parents landed in Chengdu on 8 March and went straight to our flat.",
    ],
)
def test_a_clause_going_straight_on_tells_what_the_same_day_was_too(text):
    (roled,) = read_roles(text, find_dates(text, dt.date(2026, 3, 10)))
    assert roled.role == "entry" and "arrival" in roled.roles


def test_a_clause_not_going_straight_on_tells_nothing_of_the_day():
    text = "Her parents landed in Chengdu on 8 March, and they will stay with us for a while."
    (roled,) = read_roles(text, find_dates(text, dt.date(2026, 3, 10)))
    assert "arrival" not in roled.roles


@pytest.mark.parametrize(
    "text, day",
    [
        ("打算下周三（25号）带她去派出所", dt.date(2026, 11, 25)),
        ("We plan to go next Wednesday (the 25th).", dt.date(2026, 11, 25)),
    ],
)
def test_a_day_said_again_in_brackets_after_a_date_is_that_date(text, day):
    found = find_dates(text, TODAY)
    assert [f.resolve(TODAY) for f in found] == [day]


def test_a_death_and_a_leaving_start_nothing():
    # the family reports a death "as the rules require" (Law Art. 40 para. 2) and an employer a leaving
    # "promptly" (Regulations Art. 26): no number of days to count
    assert roles_of("My father-in-law died in hospital on 5 December.") == [("5 December", "death")]
    assert roles_of("我公公12月5日在医院去世了。") == [("12月5日", "death")]
    assert roles_of("One of our engineers left on Dec 19 and nobody reported anything.") == [("Dec 19", "departure")]
    assert roles_of("他12月19号已经回国了。") == [("12月19号", "departure")]
    assert {"death", "departure"} <= load_role_cues().inert
    # days left are no leaving
    assert roles_of("I have 5 days left on my visa, which ends on 9 March.") != [("9 March", "departure")]


def test_someones_last_day_is_the_end_of_a_job_and_an_appointment_booked_a_plan():
    assert roles_of("Our French engineer's last day was 30 November.") == [("30 November", "job_end")]
    assert roles_of("His last day is 30 November.") == [("30 November", "job_end")]
    assert roles_of("出入境那边最早只能约到30号。") == [("30号", "plan")]
    # (a visa's last day is no job's)
    assert roles_of("The visa's last day is 30 November.") != [("30 November", "job_end")]


def test_a_journey_told_on_its_day_is_dated_by_the_entry_it_ends_in():
    assert roles_of("他3月2号从仁川飞青岛，在流亭机场入境。") == [("3月2号", "entry")]
    assert roles_of("On 2 March he flew from Incheon to Qingdao, and entered at Liuting airport.") == [("2 March", "entry")]
    # the next sentence's entry is no entry of this day
    assert roles_of("他3月2号从仁川飞青岛。下周再入境。") == [("3月2号", None)]


def test_the_day_a_document_was_lost_starts_nothing():
    # a lost visa's reissue is applied for "promptly" (Regulations Art. 11); a new passport's issue is the change
    assert roles_of("My passport with my residence permit inside was stolen on 3 December.") == [("3 December", "loss")]
    assert roles_of("我的签证12月3日丢了。") == [("12月3日", "loss")]
    assert "loss" in load_role_cues().inert


@pytest.mark.parametrize(
    "text, first, last",
    [
        ("我的居留许可下个月中旬到期", dt.date(2027, 1, 11), dt.date(2027, 1, 20)),
        ("明年1月初入境", dt.date(2027, 1, 1), dt.date(2027, 1, 10)),
        ("arriving early next month", dt.date(2027, 1, 1), dt.date(2027, 1, 10)),
        ("my permit expires mid-January 2027", dt.date(2027, 1, 11), dt.date(2027, 1, 20)),
        ("签证明年2月下旬到期", dt.date(2027, 2, 21), dt.date(2027, 2, 28)),
    ],
)
def test_a_part_of_a_month_named_without_a_day_is_its_first_day_with_its_last_beside_it(text, first, last):
    today = dt.date(2026, 12, 7)
    (found,) = find_dates(text, today)
    assert found.loose and found.resolve(today) == first and found.last_day == last.day
    assert {first, last} <= dates_in(text, today)


@pytest.mark.parametrize("text, day", [("3月底到期", 31), ("the permit ends at the end of March", 31)])
def test_the_end_of_a_named_month_is_its_last_day(text, day):
    (found,) = find_dates(text, dt.date(2026, 12, 7))
    assert not found.loose and (found.month, found.day) == (3, day)


def test_a_part_of_a_month_with_its_day_written_after_it_is_that_day():
    (found,) = find_dates("9月下旬去办（28号左右）", dt.date(2026, 8, 1))
    assert not found.loose and (found.month, found.day) == (9, 28)


def test_the_middle_of_a_word_is_not_a_part_of_a_month():
    assert find_dates("6月中国的规定变了吗", dt.date(2026, 12, 7)) == []


@pytest.mark.parametrize(
    "text, day",
    [
        ("我2026年春节后的第一个周一入境", dt.date(2026, 3, 2)),  # the break ran to 23 February (a Monday at work)
        ("He lands the Monday after the Spring Festival holiday of 2026.", dt.date(2026, 3, 2)),
        ("元旦后第一个工作日入职", dt.date(2026, 1, 4)),  # 2026: 1-3 January off, Sunday 4 January a make-up working day
    ],
)
def test_a_weekday_after_a_public_holiday_is_read_off_the_calendar(text, day):
    (found,) = find_dates(text, dt.date(2026, 1, 10))
    assert found.resolve(dt.date(2026, 1, 10)) == day


@pytest.mark.parametrize(
    "text, day",
    [
        ("I fly in two weeks from tomorrow", dt.date(2026, 12, 22)),
        ("the office said 10 days from today", dt.date(2026, 12, 17)),
        ("she comes three days after next Monday", dt.date(2026, 12, 17)),
    ],
)
def test_a_period_counted_from_a_day_named_relative_to_today_gives_a_date(text, day):
    (found,) = find_dates(text, dt.date(2026, 12, 7))
    assert found.resolve(dt.date(2026, 12, 7)) == day


def test_a_period_from_a_date_written_out_states_a_period_not_a_date():
    (found,) = find_dates("within 30 days from 2 March", dt.date(2026, 12, 7))
    assert (found.month, found.day) == (3, 2)


def test_coming_on_a_visa_on_a_day_is_an_entry():
    assert roles_of("I came on an S1 visa on 25 November with our son.") == [("25 November", "entry")]


def test_a_part_of_a_month_beside_a_date_written_out_is_no_date():
    # (a plan told loosely beside the day a certificate was issued counts nothing)
    assert [f.text for f in find_dates("体检报告是2025年8月31日开的，打算明年3月初申请", dt.date(2025, 12, 1))] == ["2025年8月31日"]


def test_two_parts_of_months_and_no_day_tell_a_story_told_loosely_and_date_nothing():
    assert find_dates("她4月初入境，大概7月初到期", dt.date(2026, 6, 10)) == []


@pytest.mark.parametrize(
    "text, day",
    [("新护照是国庆放假前那个周一拿到的", dt.date(2026, 9, 28)),  # the 2026 break ran 1-7 October
     ("She got it the Friday before Spring Festival 2026.", dt.date(2026, 2, 13))],  # the break began on 15 February
)
def test_a_weekday_before_a_public_holiday_is_read_off_the_calendar(text, day):
    (found,) = find_dates(text, dt.date(2026, 10, 2))
    assert found.resolve(dt.date(2026, 10, 2)) == day


def test_a_day_someone_wants_to_take_a_person_to_the_office_is_a_plan():
    assert roles_of("The admin wants to bring her to the bureau on the 11th to update it.") == [("the 11th", "plan")]
