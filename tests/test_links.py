"""The links (``corpus/links.json``): a provision names the part of another that answers a further
question about it (the penalty for breaching its duty, what to submit, who may file, the stay while
the passport is held, how long it takes), quoted in that text's own words; and an answer asking
that further question quotes the part beside the provision."""

from __future__ import annotations

import datetime as dt

import pytest

from regchat.answering import Engine
from regchat.errors import DocumentError
from regchat.parts import plain
from regchat.links import KINDS, load_links, parse_links

TODAY = dt.date(2026, 12, 1)
LINKS = load_links()




def test_the_shipped_file_has_links_of_every_kind():
    assert {link.kind for link in LINKS.all} == set(KINDS)


@pytest.mark.parametrize(
    "link", [link for link in LINKS.all if not link.states_none], ids=lambda link: f"{link.kind}:{link.from_article}->{link.article}"
)
def test_every_link_joins_two_provisions_of_the_corpus_in_the_linked_texts_own_words(link, shipped_provisions):
    assert (link.from_doc, link.from_article, None) in shipped_provisions
    linked = shipped_provisions[(link.doc_id, link.article, None)]
    official = linked.official_text(TODAY)
    assert official is not None and plain(link.text) in plain(official.text)


def test_links_are_found_by_the_provision_they_start_from_and_their_kind():
    found = LINKS.of("cn-exit-entry-law", 33, "penalty")
    assert [(link.doc_id, link.article) for link in found] == [("cn-exit-entry-law", 76)]
    assert {link.article for link in LINKS.of("cn-exit-entry-law", 32, "materials")} == {17}
    assert LINKS.of("cn-exit-entry-law", 1) == []


@pytest.mark.parametrize("link", [link for link in LINKS.all if link.states_none], ids=lambda link: f"{link.kind}:{link.from_article}")
def test_a_link_to_nothing_starts_from_a_provision_of_the_corpus_that_has_no_other_link_of_its_kind(link, shipped_provisions):
    assert (link.from_doc, link.from_article, None) in shipped_provisions and link.note
    assert all(other.states_none for other in LINKS.of(link.from_doc, link.from_article, link.kind))


def test_no_penalty_article_of_the_law_names_the_report_that_links_to_no_penalty(shipped_provisions):
    # the Law's penalties name a duty by its article only once (Art. 76 item 6: "本法第三十九条第二款");
    # none names Art. 45, the employer's report
    penalties = [p for (doc, article, _), p in shipped_provisions.items() if doc == "cn-exit-entry-law" and article and 71 <= article <= 88]
    assert penalties and not any("第四十五条" in p.all_text() for p in penalties)
    assert any(link.states_none for link in LINKS.of("cn-exit-entry-law", 45, "penalty"))


def test_a_link_to_nothing_must_say_why():
    with pytest.raises(DocumentError, match="link 1: a link to nothing"):
        parse_links({"links": [{"kind": "penalty", "from": {"doc": "d", "article": 1}, "to": None}]})
    found = parse_links({"links": [{"kind": "penalty", "from": {"doc": "d", "article": 1}, "to": None, "note": "no article punishes it"}]})
    assert [link.states_none for link in found.all] == [True]


def test_a_link_without_its_text_or_of_an_unknown_kind_is_an_error_naming_it():
    with pytest.raises(DocumentError, match="link 1"):
        parse_links({"links": [{"kind": "penalty", "from": {"doc": "d", "article": 1}, "to": {"doc": "d", "article": 2}}]})
    with pytest.raises(DocumentError, match="link 1: 'kind'"):
        parse_links({"links": [{"kind": "fee", "from": {"doc": "d", "article": 1}, "to": {"doc": "d", "article": 2, "text": "x"}}]})


def test_a_link_does_not_hold_for_a_message_naming_a_case_another_provision_governs():
    found = parse_links({"links": [{"kind": "work_allowed", "from": {"doc": "d", "article": 1},
                                    "to": {"doc": "d", "article": 2, "text": "x"}, "unless": ["\\bstudents?\\b", "学生"]}]})
    (link,) = found.all
    assert link.holds_for("Can my wife work on her S2 visa?")
    assert not link.holds_for("I'm a student on an X1 visa: may I work 20 hours a week?")
    assert not link.holds_for("留学生可以打工吗？")


def test_a_student_asked_whether_he_may_work_is_not_answered_with_what_working_requires_of_everyone(engine):
    # the work-study rules govern (Law Arts. 42-43 item (3)), not Art. 41
    answer = engine.answer("As a foreign undergraduate in Harbin, how many hours a week may I work part time? "
                           "Would 20 hours be ok?", today=TODAY)
    cited = [f"{c.doc_id}#{c.article}" for c in answer.citations]
    assert "cn-exit-entry-law#43" in cited and "cn-exit-entry-law#41" not in cited


def test_a_corpus_without_the_file_has_no_links(tmp_path):
    assert len(load_links(tmp_path)) == 0


@pytest.fixture(scope="module")
def engine(retriever, shipped_settings):
    return Engine(retriever, shipped_settings)


@pytest.mark.parametrize(
    "question, penalty",
    [
        ("My passport was renewed on 2026-11-20, so the number on my residence permit is old. By when must I "
         "update it, and will I be fined if I do it late?", 76),
        ("我们公司的外籍员工换了新护照，居留证件还没变更。要是拖着不办，会被罚款吗？", 76),
    ],
)
def test_asking_what_follows_a_missed_duty_quotes_the_penalty_part_beside_the_duty(engine, question, penalty):
    answer = engine.answer(question, today=TODAY)
    articles = [c.article for c in answer.citations if c.doc_id == "cn-exit-entry-law"]
    assert 33 in articles and penalty in articles
    assert "二千元以下罚款" in answer.text or "2,000 yuan" in answer.text or "2000" in answer.text


def test_asking_how_a_matter_is_handled_asks_no_penalty(engine):
    answer = engine.answer("我的居留许可下个月到期，想申请延长居留期限，这要怎么处理？", today=TODAY)
    assert 78 not in [c.article for c in answer.citations if c.doc_id == "cn-exit-entry-law"]


@pytest.mark.parametrize(
    "question, linked",
    [
        # what to submit, and the stay while the passport is held, for a visa page ruined in the wash
        ("My visa page got soaked and is unreadable. Where do I get the visa reissued, what documents do I "
         "need, and am I legal while they keep my passport?", {12, 13}),
        ("我的居留证件2027年1月15日到期，最晚哪天申请延期？要带什么材料？", {17}),
        ("My residence permit expires on 2027-01-20. By when must I apply to extend it, and can my employer "
         "file for me?", {19}),
        # which residence permit a relative applies for (Regulations Art. 15), and whether one may file it
        ("工作类居留的外籍工程师，太太刚拿S1签证过来，她的私人事务类居留证件能不能我替她去办？", {19}),
        ("我持工作类居留许可在成都上班，女儿拿X1签证来读大学了，她的居留证件我能不能代她去办？", {19}),
    ],
)
def test_a_further_question_about_an_application_quotes_the_linked_parts(engine, question, linked):
    answer = engine.answer(question, today=TODAY)
    articles = {c.article for c in answer.citations if c.doc_id == "cn-foreigner-entry-exit-regulations"}
    assert linked <= articles



_REGISTRATION = [
    {"role": "user", "content": "Our new engineer rents a flat instead of staying at a hotel. Who registers him with the police?"},
    {"role": "assistant", "content": "He or his landlord must register within 24 hours of moving in (Exit and Entry Administration Law Art. 39 para. 2)."},
]  # fmt: skip


@pytest.mark.parametrize(
    "question",
    [
        # the answer before quoted the duty; the follow-up asks what missing it costs, in words of its own
        "He forgot for two weeks. Is it a fine, and could it hurt his permit later?",
        "ok and if nobody did it for a month, what penalty is there?",
    ],
)
def test_a_follow_up_asking_the_penalty_gets_the_one_linked_to_the_provision_the_answer_before_quoted(engine, question):
    answer = engine.answer(question, history=_REGISTRATION, today=TODAY)
    articles = [c.article for c in answer.citations if c.doc_id == "cn-exit-entry-law"]
    assert articles and articles[0] == 76
    assert "Art. 76, para. 1(6)" in answer.text  # the item punishing that duty's breach, not the hotel's


@pytest.mark.parametrize(
    "question",
    [
        "If our company doesn't report a foreign employee's resignation to the police, what's the fine?",
        "学校没有及时报告留学生退学，会被罚款吗？",
        # asked of the report the answer before it quoted
        "Our Indian engineer resigned; his last day was 13 November. How many days do we have to report it to the "
        "police? And what is the penalty for a late report?",
    ],
)
def test_a_penalty_asked_of_a_duty_no_article_punishes_is_said_to_be_stated_nowhere(engine, question):
    answer = engine.answer(question, today=TODAY)
    assert "state no penalty" in answer.text or "没有规定不履行这项义务的处罚" in answer.text
    assert 80 not in [c.article for c in answer.citations if c.doc_id == "cn-exit-entry-law"]  # (another act's fine)
    assert {"cn-foreigner-entry-exit-regulations", "cn-exit-entry-law"} & {c.doc_id for c in answer.citations}


def test_not_leaving_before_the_stay_ends_is_punished_as_illegal_residence():
    # Law Art. 37 sets two duties: activities matching the purpose of the stay (Art. 81 punishes the
    # breach) and leaving before the stay ends (staying on is illegal residence: Art. 78)
    penalties = {(link.doc_id, link.article) for link in LINKS.of("cn-exit-entry-law", 37, "penalty")}
    assert {("cn-exit-entry-law", 78), ("cn-exit-entry-law", 81)} <= penalties


def test_a_follow_up_asking_what_follows_not_leaving_in_time_quotes_the_illegal_residence_penalty(engine):
    history = [
        {"role": "user", "content": "Must a foreigner leave before the residence permit runs out?"},
        {"role": "assistant", "content": "Yes: before the duration of residence ends (Exit and Entry Administration Law, Art. 37)."},
    ]
    answer = engine.answer("And if she stays on, what are the consequences?", history=history, today=TODAY)
    assert 78 in [c.article for c in answer.citations if c.doc_id == "cn-exit-entry-law"]


@pytest.mark.parametrize(
    "question",
    [
        "I'm a Filipino deckhand on a bulk carrier calling at Dalian on Monday; my wife travels on board with me. "
        "May the two of us go ashore there, and what do we have to arrange?",
        "外籍货轮下周停靠青岛港，船员和随船家属想上岸，可以吗？要办什么？",
    ],
)
def test_a_question_asking_no_penalty_is_answered_by_the_duty_before_the_penalty_for_breaching_it(engine, question):
    # the fine for going ashore without temporary entry (Art. 82) shares the question's words; temporary
    # entry itself (Art. 23), whose breach it punishes, answers what must be done
    answer = engine.answer(question, today=TODAY)
    articles = [c.article for c in answer.citations if c.doc_id == "cn-exit-entry-law"]
    assert articles and articles[0] == 23


def test_a_question_speaking_of_the_fine_keeps_the_penalty_first(engine):
    answer = engine.answer("外国船员没办临时入境手续就登陆了，会被罚多少？", today=TODAY)
    articles = [c.article for c in answer.citations if c.doc_id == "cn-exit-entry-law"]
    assert articles and articles[0] == 82
