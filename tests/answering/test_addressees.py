"""Provisions addressed to one group of foreigners (students, Regulations Art. 22): a message naming
none of the group is answered from the provisions for everyone first."""

from __future__ import annotations

import datetime as dt

import pytest

from regchat.answering import Engine
from regchat.answering.addressees import groups, unnamed_addressees

TODAY = dt.date(2026, 4, 14)


@pytest.fixture(scope="module")
def engine(retriever, shipped_settings):
    return Engine(retriever, shipped_settings)


def test_each_group_is_addressed_in_the_official_texts_own_words(shipped_provisions):
    for group in groups():
        addressed = [p for p in shipped_provisions.values()
                     if p.official_text() is not None and group.addressed_by(p.official_text().text)]
        assert addressed, group.name


def test_the_work_study_article_speaks_to_students_alone(shipped_provisions):
    work_study = shipped_provisions[("cn-foreigner-entry-exit-regulations", 22, None)].official_text().text
    assert unnamed_addressees(work_study, "我太太拿私人事务类居留证件，有人请她去兼职教课，可以吗？") == ("students",)
    assert unnamed_addressees(work_study, "My son studies in Wuhan and was offered a paid internship.") == ()
    assert unnamed_addressees(work_study, "女儿在读研，想在校外咖啡店打工。") == ()
    # a provision for everyone is addressed to no group
    working = shipped_provisions[("cn-exit-entry-law", 41, None)].official_text().text
    assert unnamed_addressees(working, "我太太想去兼职教课。") == ()


def test_a_spouse_asked_to_teach_a_few_hours_is_not_given_the_students_rule(engine):
    answer = engine.answer("我拿私人事务类居留证件，随丈夫住在宁波。有个培训机构想请我每周去上两个晚上的课，我可以去吗？",
                           today=TODAY)
    cited = [(c.doc_id, c.article) for c in answer.citations]
    assert cited and ("cn-foreigner-entry-exit-regulations", 22) not in cited


def test_a_student_asking_about_an_internship_still_gets_the_work_study_article(engine):
    answer = engine.answer("I'm a master's student in Hangzhou. Can I take a paid internship off campus this summer?",
                           today=TODAY)
    assert ("cn-foreigner-entry-exit-regulations", 22) in [(c.doc_id, c.article) for c in answer.citations]


def test_the_chapter_on_vehicles_speaks_to_those_in_charge_of_them(shipped_provisions):
    carriers_report = shipped_provisions[("cn-exit-entry-law", 51, None)].official_text().text
    assert unnamed_addressees(carriers_report, "Our engineer's last day was 30 November. By when must we report it?") == ("vehicles",)
    assert unnamed_addressees(carriers_report, "我们的货轮下周靠泊青岛港，船员名单要提前报吗？") == ()
    assert unnamed_addressees(carriers_report, "The captain asks when the crew list is due.") == ()


def test_an_employer_asked_to_report_a_departure_is_not_given_a_carriers_report(engine):
    answer = engine.answer("Our French engineer's last day was 30 November. By when exactly must we report his "
                           "departure to the exit-entry bureau?", today=dt.date(2026, 12, 3))
    cited = [(c.doc_id, c.article) for c in answer.citations]
    assert ("cn-exit-entry-law", 51) not in cited
    assert ("cn-foreigner-entry-exit-regulations", 26) in cited
    # the provision says only "promptly": no day is computed, and the answer says so first
    assert not answer.deadlines
    assert answer.text.startswith("The documents I hold do not state how many days 'promptly'")
