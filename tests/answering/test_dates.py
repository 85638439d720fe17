"""Dates in questions: every written form, and years for dates written without one."""

import datetime as dt

import pytest

from regchat.answering.dates import (
    date_problems,
    dates_in,
    describe_date_problem,
    find_dates,
    resolve_yearless,
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
    ],
)
def test_each_written_form_is_found(text, expected):
    found = find_dates(text, TODAY)
    assert len(found) == 1
    assert found[0].resolve(TODAY) == expected


def test_a_chinese_day_and_month_takes_the_year_of_the_next_such_day_for_an_expiry():
    (found,) = find_dates("我的居留许可12月15日到期", TODAY)
    assert found.year is None
    assert found.resolve(TODAY, "future") == dt.date(2026, 12, 15)


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
