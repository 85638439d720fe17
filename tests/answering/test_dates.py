"""Dates in questions: every written form, and years for dates written without one."""

import datetime as dt

import pytest

from regchat.answering.dates import find_dates, resolve_yearless, zh_number
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
