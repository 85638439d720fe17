"""Answers that ask back: a short question in the question's language naming the
candidate rules (result in plain words, period, article, quoted), never a computed date;
and a date the user filed or acted on, compared with the computed last day."""

import datetime as dt

import pytest

from regchat.answering.clarify import also_quoted, compare_actions, compose_clarification, merge_drafts, unquoted_rest
from regchat.answering.offline import Draft
from regchat.answering.questions import choose_rule, dated_roles, read_question
from regchat.deadlines import compute_deadline, get_rule, load_rules
from regchat.assembly import assemble
from regchat.parsing import load_provisions
from regchat.settings import PROJECT_ROOT

TODAY = dt.date(2026, 11, 22)
RULES = load_rules()


@pytest.fixture(scope="module")
def provisions():
    files: dict[str, list] = {}
    for path in sorted((PROJECT_ROOT / "corpus").glob("*.md")):
        document, parts = load_provisions(path)
        files.setdefault(document.doc_id, []).append((document, parts))
    return {(p.doc_id, p.article): p for parts in files.values() for p in assemble(parts)}


def clarify(question: str, provisions):
    reading = read_question(question, [], TODAY, [])
    choice = choose_rule(reading, RULES, [])
    assert choice.abstains, choice
    by_rule = {c.rule.id: provisions.get((c.rule.doc_id, c.rule.article)) for c in choice.candidates}
    return choice, compose_clarification(reading, choice, by_rule)


def test_two_close_rules_are_named_with_their_results_and_articles(provisions):
    choice, draft = clarify("I got the acceptance receipt on 2026-10-09. When does it run out?", provisions)
    first, *rest = draft.text.splitlines()
    assert first.startswith("Which deadline do you mean?")
    assert "Art. 13" in draft.text and "Art. 18" in draft.text
    assert "7 working days" in draft.text and "15 working days" in draft.text
    assert draft.deadlines == []  # nothing computed
    assert "2026-10-" not in draft.text.replace("2026-10-09", "")  # no date but the one given
    assert {p.article for p in draft.cited} == {13, 18}
    for p in draft.cited:
        assert draft.quotes[p.key] in p.text


def test_the_clarifying_question_is_in_the_language_of_the_question(provisions):
    _, draft = clarify("我是2026年9月3日入境的。居留证件最迟哪一天续签？", provisions)
    first = draft.text.splitlines()[0]
    assert first.startswith("请问")
    assert "入境日期" in first  # the date read as the entry, not as the expiry the renewal counts from
    assert "第三十二条" in draft.text


def test_a_date_of_the_wrong_event_asks_for_the_right_one(provisions):
    _, draft = clarify("My Z visa says enter before 2026-12-15. When must I apply for the residence permit?", provisions)
    first = draft.text.splitlines()[0]
    assert first.startswith("What is the date of entry into China?")
    assert "the last day the visa may be used to enter" in first
    assert "Art. 30" in draft.text


def test_a_filing_date_is_compared_with_the_deadline():
    rule = get_rule("law-32-extend-residence")
    reading = read_question(
        "Her residence permit lapses on 2026-12-17. She applied to renew it on 2026-11-20. In time?", [], TODAY, []
    )
    deadline = compute_deadline(rule, dt.date(2026, 12, 17))
    draft = compare_actions(reading, rule, deadline, Draft(text="Latest day: 2026-11-17.\nThe article says ..."))
    assert draft.text.splitlines() == [
        "Filed on 20 November 2026: 3 days after the last day, 17 November 2026, so late.",
        "Latest day: 2026-11-17.",
        "The article says ...",
    ]


def test_an_action_in_time_in_chinese():
    rule = get_rule("law-40-newborn")
    reading = read_question("宝宝是2026年8月3日出生的，我们2026年9月20日登记了，晚了吗？", [], TODAY, [])
    deadline = compute_deadline(rule, dt.date(2026, 8, 3), lang="zh")
    draft = compare_actions(reading, rule, deadline, Draft(text="最后一天：2026-10-02。"))
    assert draft.text.splitlines()[0] == "办理日期2026年9月20日：比最后一天（2026年10月2日）早12天，未逾期。"


def test_the_filing_date_that_starts_the_authoritys_deadline_is_not_compared_with_it():
    rule = get_rule("law-30-decision")
    reading = read_question("I applied on 2026-10-01; when must they decide?", [], TODAY, [])
    deadline = compute_deadline(rule, dt.date(2026, 10, 1))
    draft = compare_actions(reading, rule, deadline, Draft(text="Last day: 2026-10-16."))
    assert draft.text == "Last day: 2026-10-16."


def test_the_day_the_authority_decided_is_compared_with_its_last_day():
    rule = get_rule("law-30-decision")
    reading = read_question("I applied on 2026-10-01 and they decided on 2026-10-20. Were they late?", [], TODAY, [])
    deadline = compute_deadline(rule, dt.date(2026, 10, 1))
    draft = compare_actions(reading, rule, deadline, Draft(text="Last day: 2026-10-16."))
    assert draft.text.splitlines()[0] == "Decided on 20 October 2026: 4 days after the last day, 16 October 2026, so late."


def test_several_drafts_make_one_answer():
    a = Draft(text="A", quotes={"k1": "q1"})
    b = Draft(text="B", quotes={"k2": "q2"})
    merged = merge_drafts(a, [b])
    assert merged.text == "A\n\nB" and merged.quotes == {"k1": "q1", "k2": "q2"}


# --------------------------------------------------------------------------- through the engine


@pytest.fixture(scope="module")
def engine(retriever, shipped_settings):
    from regchat.answering import Engine

    return Engine(retriever, shipped_settings)


def test_the_engine_asks_instead_of_computing_for_a_guessed_rule(engine):
    answer = engine.answer("I entered China on 2026-09-01 on a Z visa. By when do I have to renew my residence permit?", today=TODAY)
    assert answer.deadlines == []
    assert answer.text.splitlines()[0].startswith("Which deadline do you mean?")
    assert {c.article for c in answer.citations} == {30, 32}


@pytest.mark.parametrize(
    "question, first_line",
    [
        (
            "The penalty decision reached me on 2 December. Can I pay the fine on 20 December?",
            "If done on 20 December 2026: 3 days after the last day, 17 December 2026, so it would be late.",
        ),
        ("我12月2日收到处罚决定书，12月20日去银行交罚款行吗？", "如在2026年12月20日办理：比最后一天（2026年12月17日）晚3天，将会逾期。"),
    ],
)
def test_a_step_the_question_dates_is_measured_against_its_deadline(engine, question, first_line):
    answer = engine.answer(question, today=TODAY)
    (deadline,) = answer.deadlines
    assert deadline.rule_id == "law-87-pay-fine"
    assert answer.text.splitlines()[0] == first_line


@pytest.mark.parametrize(
    "question, first_line",
    [
        # a plan told in the filing's own words, after an entry told in the past: the day is still to come
        ("I entered on a Z visa on 2 November. Can I apply for my residence permit on 5 December?",
         "If done on 5 December 2026: 3 days after the last day, 2 December 2026, so it would be late."),
        ("我11月2日持Z字签证入境的，12月5日再去申请居留证件可以吗？", "如在2026年12月5日办理：比最后一天（2026年12月2日）晚3天，将会逾期。"),
    ],
)
def test_a_filing_day_asked_as_a_plan_is_a_day_to_come(engine, question, first_line):
    answer = engine.answer(question, today=dt.date(2026, 11, 20))
    assert answer.text.splitlines()[0] == first_line


def test_the_engine_computes_each_rule_asked_and_compares_the_filing_date(engine):
    answer = engine.answer(
        "My residence permit expires on 2027-01-31 and I applied to extend it on 2027-01-05. Was that in time?",
        today=TODAY,
    )
    (deadline,) = answer.deadlines
    assert deadline.rule_id == "law-32-extend-residence"
    assert answer.text.splitlines()[0] == "Filed on 5 January 2027: 4 days after the last day, 1 January 2027, so late."
    both = engine.answer(
        "I entered on 2026-03-02 and my health check was done on 2026-02-20. "
        "When must I apply for the residence permit, and until when is the health certificate valid?",
        today=TODAY,
    )
    assert {d.rule_id for d in both.deadlines} == {"law-30-residence-permit", "reg-16-health-certificate"}


def test_the_model_is_given_the_candidates_not_a_date(provisions):
    from regchat.answering.agent import _context

    choice, draft = clarify("I got the acceptance receipt on 2026-10-09. When does it run out?", provisions)
    reading = read_question("I got the acceptance receipt on 2026-10-09. When does it run out?", [], TODAY, [])
    context = _context(reading, [], draft)
    assert "Computed by the deadline calculator" not in context
    assert "reg-13-receipt" in context and "reg-18-receipt" in context
    assert "Do not compute a date for a rule you guess." in context


def test_the_engine_chains_the_end_of_a_stay_into_the_extension_deadline(engine):
    answer = engine.answer("I arrived on 2026-11-01 on a 30-day stay. When must I apply to extend my stay?", today=TODAY)
    assert [d.rule_id for d in answer.deadlines] == ["law-29-extend-stay", "reg-36-stay-period"]
    assert answer.deadlines[1].date.isoformat() == "2026-12-01"  # the stay's last day
    assert answer.deadlines[0].date.isoformat() == "2026-11-24"  # seven days before it
    assert answer.text.startswith("Latest day to apply for an extension of stay: 2026-11-24")


def test_a_question_asking_how_far_the_stay_may_go_also_gets_the_longest_extension(engine):
    answer = engine.answer(
        "I arrived on 2026-11-01 on a 30-day stay. When must I apply to extend it, and until when could it be extended?",
        today=TODAY,
    )
    assert [d.rule_id for d in answer.deadlines] == ["law-29-extend-stay", "reg-36-stay-period", "law-29-extension-limit"]
    assert answer.deadlines[2].date.isoformat() == "2026-12-31"  # the stay's last day plus its original 30 days


def test_the_longest_extension_needs_the_question_to_ask_for_it(engine):
    answer = engine.answer("I arrived on 2026-11-01 on a 30-day stay. When must I apply to extend my stay?", today=TODAY)
    assert "law-29-extension-limit" not in [d.rule_id for d in answer.deadlines]


def test_the_longest_extension_is_counted_from_the_end_of_the_stay_the_answer_computed(engine):
    answer = engine.answer("我3月2号入境，停留期限30天，最长可以延长到什么时候？", today=dt.date(2026, 3, 10))
    limit = next(d for d in answer.deadlines if d.rule_id == "law-29-extension-limit")
    assert limit.date.isoformat() == "2026-05-01"  # stay ends 1 April; at most 30 more days


def test_the_longest_detention_asked_also_gets_the_longest_extension_in_a_complex_case(engine):
    answer = engine.answer("She was put in detention for examination on 2026-03-05. At the longest, until what date may they hold her?", today=dt.date(2026, 3, 9))
    assert [(d.rule_id, d.date.isoformat()) for d in answer.deadlines] == [
        ("law-60-detention-examination", "2026-04-04"), ("law-60-detention-extended", "2026-05-04"),
    ]


def test_a_date_counted_from_an_earlier_one_says_how_it_was_read():
    history = [{"role": "user", "content": "The residence permit I hold lapses on 2027-05-10. When must I apply to extend it?"},
               {"role": "assistant", "content": "..."}]  # fmt: skip
    reading = read_question("My wife's permit expires a month after mine. When must she apply?", history, TODAY, [])
    rule = get_rule("law-32-extend-residence")
    deadline = compute_deadline(rule, dt.date(2027, 6, 10))
    draft = compare_actions(reading, rule, deadline, Draft(text="Latest day: 2027-05-11.\nThe article says ..."))
    assert draft.text.splitlines() == [
        "Latest day: 2027-05-11.",
        "“a month after mine”: 10 June 2027 (counted from 10 May 2027).",
        "The article says ...",
    ]


@pytest.mark.parametrize(
    "reply, rule_id, day",
    [
        ("It was for my residence permit application.", "reg-18-receipt", "2026-10-29"),
        ("The visa extension one.", "reg-13-receipt", "2026-10-19"),
    ],
)
def test_a_reply_to_the_clarifying_question_picks_a_rule_and_keeps_the_date(engine, reply, rule_id, day):
    first_question = "I got the acceptance receipt on 2026-10-09. When does it run out?"
    first = engine.answer(first_question, today=TODAY)
    # which receipt? each reading's day is given beside it
    assert first.outcome == "clarify"
    assert sorted((d.rule_id, d.date.isoformat()) for d in first.deadlines) == [
        ("reg-13-receipt", "2026-10-19"), ("reg-18-receipt", "2026-10-29")]
    history = [{"role": "user", "content": first_question}, {"role": "assistant", "content": first.text}]
    answer = engine.answer(reply, history, today=TODAY)
    (deadline,) = answer.deadlines
    assert (deadline.rule_id, deadline.date.isoformat()) == (rule_id, day)


def test_a_date_the_words_do_not_place_is_asked_about(provisions):
    _, draft = clarify("Something happened on 2026-12-18. When is the last day to apply to extend my residence permit?", provisions)
    assert draft.text.splitlines()[0] == (
        "What is the date of the expiry of the residence permit? The question does not say whether "
        "“2026-12-18” is the expiry of the residence permit, so no date is computed yet."
    )


@pytest.mark.parametrize(
    "question",
    ["我老公的证件10月15号到期，我们要做什么？", "The document expires on 2026-12-15. What do we have to do?"],
)
def test_a_date_of_an_unnamed_document_asks_which_rule_it_belongs_to(provisions, question):
    choice, draft = clarify(question, provisions)
    assert choice.reason == "subject"
    assert {c.rule.id for c in choice.candidates} == {"law-29-extend-stay", "law-32-extend-residence"}
    assert not draft.deadlines and ("哪一个期限" in draft.text or "Which deadline" in draft.text)


def test_a_bare_date_and_a_request_for_the_deadline_asks_which_one(provisions):
    choice, _ = clarify("日期是2026年6月10日，帮我算一下截止日", provisions)
    assert choice.reason == "subject" and len(choice.candidates) > 1


def test_a_permit_named_loosely_is_asked_about_even_in_the_words_of_renewing_one():
    # "my permit" may be the residence permit or the work permit card, which both get renewed
    reading = read_question("My permit expires on 2026-12-15. When should I apply to renew it?", [], TODAY, [])
    choice = choose_rule(reading, RULES, [])
    assert choice.abstains and choice.reason == "subject"
    assert "law-32-extend-residence" in {c.rule.id for c in choice.candidates}


@pytest.mark.parametrize(
    "question, rule_id",
    [
        ("My residence permit expires on 2026-12-15. When should I apply?", "law-32-extend-residence"),  # it is named
        ("It expires 31/05/2027; we file 'within 30 days' before. Last day to file?", "law-32-extend-residence"),
        ("我今天（2026年11月20日）收到了罚款决定书，最晚哪天要交钱？", "law-87-pay-fine"),  # its event's own words
    ],
)
def test_a_question_that_points_at_one_rule_gets_its_date(question, rule_id):
    reading = read_question(question, [], TODAY, [])
    assert choose_rule(reading, RULES, []).rule.id == rule_id


@pytest.mark.parametrize(
    "question", ["My visa is valid until 2027-08-20. When do I have to apply?", "签证有效期到2027年8月20日，最晚哪天申请延期？"]
)
def test_a_visas_valid_until_date_is_not_taken_for_the_end_of_the_stay(provisions, question):
    choice, draft = clarify(question, provisions)
    assert choice.reason == "role" and [c.rule.id for c in choice.candidates] == ["law-29-extend-stay"]
    assert not draft.deadlines and "2027-08-13" not in draft.text


def test_a_date_in_a_question_that_asks_for_no_date_starts_no_computation(engine):
    answer = engine.answer("They refused me entry at the airport on 2026-11-20 without a reason. Is that allowed?",
                           today=TODAY)
    assert not answer.deadlines and answer.outcome != "clarify"
    assert 25 in [c.article for c in answer.citations]


@pytest.mark.parametrize(
    "question",
    [
        # a replacement visa asked for (a receipt comes with it, but no date of any rule's event is given)
        "孩子的签证页昨天被撕坏了，字看不清。该去哪里补？需要什么材料？护照被收走期间还能合法待着吗？",
        "Yesterday the visa page of my son's passport got torn and is unreadable. Where does he get a new visa, what "
        "does he bring, and may he stay while they keep the passport?",
    ],
)
def test_one_rule_the_question_hardly_names_is_no_which_one(engine, question):
    answer = engine.answer(question, today=TODAY)
    assert answer.outcome != "clarify" and not answer.deadlines
    assert answer.citations


@pytest.mark.parametrize(
    "question",
    [
        "Our Canadian analyst on a work residence permit resigned; his last working day is 2026-11-27. What must "
        "the company report, and by when?",
        "我们的外籍设计师（工作类居留许可）辞职了，最后工作日是2026年11月27日。公司要向哪里报告？最晚什么时候？",
    ],
)
def test_a_date_of_an_event_no_rule_counts_from_is_no_which_date(engine, question):
    # (the residence permit the story names is not what is asked; the resignation starts no period)
    answer = engine.answer(question, today=TODAY)
    assert answer.outcome != "clarify" and not answer.deadlines and answer.citations


def test_the_end_of_a_course_is_not_the_end_of_the_stay_that_is_counted_from_the_entry(engine):
    answer = engine.answer("She entered on 2026-06-16 on an X2 visa with a duration of stay of 90 days. Her course "
                           "ends around 2026-10-09. What is the last day to apply to extend her stay?",
                           today=dt.date(2026, 8, 24))
    assert [d.date for d in answer.deadlines][:1] == [dt.date(2026, 9, 7)]


def test_one_rule_whose_event_the_question_dates_is_still_asked_about(engine):
    answer = engine.answer("landed in Chengdu a week ago. my deadline?", today=TODAY)
    assert answer.outcome == "clarify" and not answer.deadlines


def test_close_rules_each_dating_its_own_event_are_each_computed():
    # the entry date starts one rule, the certificate's date the other: nothing to ask
    reading = read_question(
        "He entered on 16 March 2026 and his medical check was done on 9 October 2025. "
        "We plan to file on 13 April. Will that work?", [], dt.date(2026, 3, 20), [],
    )  # fmt: skip
    choice = choose_rule(reading, RULES, [])
    assert not choice.abstains
    computed = {choice.rule.id, *(rule.id for rule, _ in choice.also)}
    assert computed == {"law-30-residence-permit", "reg-16-health-certificate"}


def test_two_rules_counting_from_one_date_are_still_a_choice():
    reading = read_question("I got the acceptance receipt on 2026-10-09. When does it run out?", [], TODAY, [])
    choice = choose_rule(reading, RULES, [])
    assert choice.abstains and {c.rule.id for c in choice.candidates} == {"reg-13-receipt", "reg-18-receipt"}


@pytest.mark.parametrize(
    "question",
    [
        "9.28交的居留证延期 给了个回执 回执最晚到哪天",  # a dotted date does not end the clause that dates it
        "居留证延期是10月9号交的，窗口给了受理回执，最晚哪天出结果？",
    ],
)
def test_a_receipt_for_a_residence_permit_gets_the_residence_permit_receipt_rule(question):
    reading = read_question(question, [], TODAY, [])
    assert choose_rule(reading, RULES, []).rule.id == "reg-18-receipt"


def test_a_named_rule_the_question_cannot_date_does_not_stop_the_dated_one():
    reading = read_question(
        "他上个月20号被带走拘留审查，签证也过期了。拘留审查最长能到哪天？", [], TODAY, []
    )
    assert choose_rule(reading, RULES, []).rule.id == "law-60-detention-examination"


def test_a_follow_up_asking_for_a_date_keeps_the_earlier_turns_dates_of_other_roles():
    history = [{"role": "user", "content": "我的工作类居留证到4月30号。下周出国玩几天，回来需要签证吗？"},
               {"role": "assistant", "content": "..."}]  # fmt: skip
    reading = read_question("哦对了，我5月3号左右才回来，这样还来得及吗？", history, dt.date(2026, 3, 18), [])
    assert reading.follow_up
    assert [(r.found.text, r.role) for r in reading.roles] == [("5月3号", "entry")]
    kept = [(r.found.text, r.role) for r in dated_roles(reading)]
    assert kept == [("5月3号", "entry"), ("4月30号", "expiry")]  # a rule counting back from the permit's end can
    story = read_question("哦对了，我5月3号左右才回来。", history, dt.date(2026, 3, 18), [])
    assert [r.role for r in dated_roles(story)] == ["entry"]  # ... only when a date is asked for


def test_a_part_the_quoted_provision_already_answers_gets_no_other_provision(provisions):
    from regchat.answering.engine import _already_stated

    law_30 = provisions[("cn-exit-entry-law", 30)]  # work-type permits: 90 days to five years
    draft = Draft(text="...", cited=[law_30])
    assert _already_stated("顺便问下最长能办几年？", draft)
    assert not _already_stated("需要带什么材料？", draft)  # asks no figure: another provision may answer it
    assert not _already_stated("How much is the fee?", draft)  # a fee the article does not state
    # a visa category, which no text is ever reported not to state, is not stated by an article naming visas
    assert not _already_stated("Which visa would his wife get?", draft)


@pytest.mark.parametrize(
    "question",
    ["新同事的Z签证上有个日期是2026年12月15日，最晚哪天要申请居留证件？",
     "The date on his visa is 2026-12-15. By when must he apply for the residence permit?"],
)  # fmt: skip
def test_a_date_printed_on_the_visa_is_not_taken_for_the_entry(question):
    reading = read_question(question, [], TODAY, [])
    assert [r.role for r in reading.roles] == ["visa_validity"]
    assert choose_rule(reading, RULES, []).rule is None


def test_was_i_late_is_about_the_askers_step_not_the_authoritys_decision(engine):
    # the filing date could start the receipt's period, but "was I late?" asks about the step the
    # entry date starts, with the filing compared
    answer = engine.answer(
        "I landed on Aug 25 on my X1 visa and only went to submit my residence permit application "
        "today, 26 Sept; they gave me a receipt. Was I late?", today=dt.date(2025, 9, 26),
    )  # fmt: skip
    assert [(d.rule_id, d.date.isoformat()) for d in answer.deadlines][:1] == [("law-30-residence-permit", "2025-09-24")]
    assert answer.text.splitlines()[0].startswith("Filed on 26 September 2025: 2 days after the last day")


def test_a_follow_up_naming_no_rule_goes_on_with_the_rule_of_the_article_the_answer_before_cited(engine):
    history = [
        {"role": "user", "content": "居留证件换发受理后多久出结果？"},
        {"role": "assistant", "content": "受理回执有效期不超过15日（《外国人入境出境管理条例》第十八条），按工作日计算。"},
    ]
    answer = engine.answer("要是我10月9号递交呢？", history=history, today=TODAY)
    assert [d.rule_id for d in answer.deadlines] == ["reg-18-receipt"]


def test_one_rule_asked_for_each_of_several_dates_is_counted_from_every_one(engine):
    answer = engine.answer(
        "Two of our engineers came in on Z visas: Ana entered on 2026-11-02 and Boris entered on 2026-11-20. "
        "What is each one's last day to apply for the residence permit?",
        today=TODAY,
    )
    assert [d.rule_id for d in answer.deadlines] == ["law-30-residence-permit"] * 2
    first, ana, boris, *_ = answer.text.splitlines()
    assert first == "Last day to apply for the residence permit, for each date given:"
    assert ana.startswith("- Ana entered on 2026-11-02: 2026-12-02")
    assert boris.startswith("- Boris entered on 2026-11-20: 2026-12-20")


def test_a_listed_date_that_reads_two_ways_is_counted_both_ways_and_said_to_be_so(engine):
    answer = engine.answer(
        "居留证件到期日如下：Kim 2027年2月26日，Lee 3/4。每个人最晚哪天申请延期？", today=TODAY
    )
    lines = answer.text.splitlines()
    assert lines[0].endswith("按所给日期逐一计算：")
    assert any(line.startswith("- Lee 3/4（若指3月4日）：") for line in lines)
    assert any(line.startswith("- Lee 3/4（若指4月3日）：") for line in lines)


def test_without_each_asked_one_date_is_counted():
    reading = read_question(
        "I entered on 2026-11-02 and re-entered on 2026-11-20. When must I apply for the residence permit?", [], TODAY, []
    )
    assert choose_rule(reading, RULES, []).each == ()


def test_a_visas_entry_deadline_asked_about_is_the_day_it_lapses_at_midnight(engine):
    answer = engine.answer(
        "签证上的入境有效期到2027年1月9日，航班1月9号晚上11点才落地上海，入境还来得及吗？", today=TODAY
    )
    assert answer.deadlines[0].rule_id == "reg-36-enter-before"
    first = answer.text.splitlines()[0]
    assert first.startswith("可凭签证入境的最后一天（当日北京时间24时失效）：2027年1月9日（星期六）；尚未到（今天是")


@pytest.mark.parametrize(
    "question, lang",
    [("My visa expires on 2026-12-15. When must I apply to extend?", "en"), ("我的签证2026年12月15日到期，最晚哪天申请延期？", "zh")],
)
def test_a_date_every_candidate_takes_as_its_event_is_counted_under_each_reading(provisions, question, lang):
    choice, draft = clarify(question, provisions)
    assert choice.reason == "close"
    by_rule = {c.rule.id: provisions.get((c.rule.doc_id, c.rule.article)) for c in choice.candidates}
    reading = read_question(question, [], TODAY, [])
    each = {c.rule.id: compute_deadline(c.rule, dt.date(2026, 12, 15), lang=lang) for c in choice.candidates}
    draft = compose_clarification(reading, choice, by_rule, each)
    first, *lines = draft.text.splitlines()
    assert first in ("Which is it? The answer depends on it:", "请问是哪一种情况？答案取决于此：")
    assert {d.rule_id for d in draft.deadlines} == {"law-29-extend-stay", "law-32-extend-residence"}
    # each reading with its own day and the article it rests on
    day = "2026年12月8日" if lang == "zh" else "2026-12-08"
    assert any(day in line and ("Art. 29" in line or "第二十九条" in line) for line in lines)
    day = "2026年11月15日" if lang == "zh" else "2026-11-15"
    assert any(day in line and ("Art. 32" in line or "第三十二条" in line) for line in lines)
    # ... but not when one reading cannot be counted (no day for it): then only the question is asked
    partial = compose_clarification(reading, choice, by_rule, {"law-29-extend-stay": each["law-29-extend-stay"]})
    assert not partial.deadlines and "2026-12-08" not in partial.text


def test_a_trip_named_keeps_the_visa_s_own_stay(engine):
    answer = engine.answer("We are on holiday here; my visa expires on 2026-12-15. When must I apply to extend?", today=TODAY)
    assert [(d.rule_id, d.date.isoformat()) for d in answer.deadlines] == [("law-29-extend-stay", "2026-12-08")]


@pytest.mark.parametrize(
    "question, lines",
    [
        (
            "My residence permit expires on 15 January 2027. I'm travelling until the 10th, so I can only go to "
            "the bureau on the 12th. Is that OK?",
            ["If done on 12 December 2026: 4 days before the last day, 16 December 2026, so in time.",
             "If done on 12 January 2027: 27 days after the last day, 16 December 2026, so it would be late."],
        ),
        (
            "我的居留许可2027年1月15日到期，我出差到10号，12号才能去出入境办延期，来得及吗？",
            ["如在2026年12月12日办理：比最后一天（2026年12月16日）早4天，不会逾期。",
             "如在2027年1月12日办理：比最后一天（2026年12月16日）晚27天，将会逾期。"],
        ),
    ],
)
def test_a_day_written_without_its_month_is_weighed_in_the_month_written_before_it_too(engine, question, lines):
    # "the 12th" after "15 January" may be January's or the coming one: the two stand differently
    answer = engine.answer(question, today=dt.date(2026, 12, 7))
    assert answer.text.splitlines()[:2] == lines


def test_a_day_without_its_month_that_stands_the_same_either_way_is_weighed_once(engine):
    answer = engine.answer("I entered China on 2 March 2026 on a Z visa. The earliest slot at the bureau is the 30th. "
                           "Is that in time for my residence permit?", today=dt.date(2026, 3, 5))
    assert answer.text.splitlines()[0].startswith("If done on 30 March 2026: ")
    assert not answer.text.splitlines()[1].startswith("If done on")


def test_more_of_a_provision_quoted_already_is_only_what_it_adds():
    quoted = ["3.1. Reissue: the card is lost."]
    whole = "Target People 3. Reissue / Replacement: 3.1. Reissue: the card is lost. 3.2. Replacement: the data changed."
    assert unquoted_rest([whole], quoted) == ["3.2. Replacement: the data changed."]
    assert unquoted_rest(["3.1. Reissue: the card is lost."], quoted) == []

    class P:
        key, label = "mo#3", "Guide, Reissue"

    assert also_quoted(["3.2. Replacement: the data changed."], P(), "zh").startswith("该条文还规定：“3.2. Replacement")


@pytest.mark.parametrize(
    "question, first",
    [
        ("My father-in-law, a British citizen, died in hospital in Nanning on 5 December. By when must we report "
         "his death, and to whom?", "The documents I hold do not state a time limit (a number of days) for it."),
        ("我公公是英国人，12月5日在南宁的医院去世了。最晚哪天要去申报？去哪里报？", "所收录的文件没有规定办理的具体期限（天数）。"),
    ],
)
def test_a_death_asked_by_when_is_told_the_law_sets_no_number_of_days(engine, question, first):
    # Law Art. 40 para. 2 has the death reported "as the rules require"; the sixty days of para. 1 are a birth's
    answer = engine.answer(question, today=dt.date(2026, 12, 7))
    assert answer.outcome == "not_stated" and not answer.deadlines
    assert answer.text.startswith(first)
    assert ("cn-exit-entry-law", 40) in [(c.doc_id, c.article) for c in answer.citations]


def test_a_permit_asked_of_when_someone_leaves_asks_no_date(engine):
    # "when he leaves us" tells the case asked about, not a day to count to
    answer = engine.answer("One of our Spanish engineers left on Dec 19. Does his work residence permit get cancelled "
                           "automatically when he leaves us?", today=dt.date(2026, 1, 12))
    assert answer.outcome != "clarify" and not answer.deadlines


def test_a_stolen_permit_asked_by_when_is_no_which_date(engine):
    # "3 December" is the theft; the residence permit the story names is no rule the asking sentence names
    answer = engine.answer("My passport with my residence permit inside was stolen on 3 December. By when exactly "
                           "must I report it to the police?", today=dt.date(2026, 12, 7))
    assert answer.outcome != "clarify" and not answer.deadlines
    assert ("cn-exit-entry-law", 35) in [(c.doc_id, c.article) for c in answer.citations]
