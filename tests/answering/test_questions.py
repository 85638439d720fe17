"""Rule choice: one clear rule with a date of its event gives a date; otherwise the choice
abstains and names the rules it hesitates between. Dates feed the rules whose events
they are the dates of."""

import dataclasses
import datetime as dt

import pytest

from regchat.answering.questions import (
    action_dates,
    asked_again_for_holidays,
    asked_with_claims,
    asking_clauses,
    asking_part,
    asks_of_another_person,
    asking_sentences,
    asks_for_date,
    asks_user_action,
    choose_rule,
    dated_roles,
    compared_roles,
    corrected_question,
    date_for,
    event_date,
    is_follow_up,
    place_of,
    Reading,
    read_question,
    result_role,
    rule_role,
    rule_roles,
)
from regchat.deadlines import get_rule, load_rules

TODAY = dt.date(2026, 11, 22)
RULES = load_rules()


def choose(question: str, history=()):
    reading = read_question(question, list(history), TODAY, [])
    return reading, choose_rule(reading, RULES, [])


@pytest.mark.parametrize(
    "question, rule_id, day",
    [
        ("I entered China on 2026-09-03 holding a Z visa. By what day must the residence permit application be lodged?",
         "law-30-residence-permit", dt.date(2026, 9, 3)),
        ("Our daughter was born at a Hangzhou hospital on 2026-10-07. By when do we register her residence?",
         "law-40-newborn", dt.date(2026, 10, 7)),
        ("她的居留证件2027年3月3日期满，延长居留最迟要在哪一天申请？", "law-32-extend-residence", dt.date(2027, 3, 3)),
        ("他2026年9月23日换发了护照，居留证件的登记事项变更最迟哪一天办？", "law-33-change-registration", dt.date(2026, 9, 23)),
        ("签证停留期12/26届满，延长停留最迟哪一天提出？", "law-29-extend-stay", dt.date(2026, 12, 26)),
    ],
)  # fmt: skip
def test_one_clear_rule_with_a_date_of_its_event_gives_that_rule_and_date(question, rule_id, day):
    reading, choice = choose(question)
    assert not choice.abstains
    assert choice.rule.id == rule_id
    assert event_date(reading, choice.rule)[1] == day


def test_a_new_passport_dated_on_a_day_is_a_change_of_the_permit_s_registered_item_not_an_issue_of_a_permit():
    reading, choice = choose(
        "Tunisian, on a work residence permit in Xi'an. My embassy gave me a new passport, dated 2026-11-16, "
        "because the old one was full. How long do I have to move the permit?"
    )
    assert not choice.abstains and choice.rule.id == "law-33-change-registration"
    assert event_date(reading, choice.rule)[1] == dt.date(2026, 11, 16)


@pytest.mark.parametrize(
    "question",
    [
        "My father-in-law landed in Chengdu on 2026-06-03 on a Q2; the visa says 90 days stay. He wants to stay "
        "longer: by when does he need to apply, and how much more time can he get?",
        "He flew in on 2026-06-03 on a Q2 visa, 90 days stay. Now his daughter is pregnant and he wants to stay "
        "till the baby comes. by when does he need to apply how much extra time could he get max?",
    ],
)
def test_a_rule_the_asking_sentence_names_is_counted_via_the_rule_the_story_dates(question):
    # the story's words (the visa's days of stay) name the stay rule; the sentence that asks, the extension
    reading, choice = choose(question)
    assert choice.rule.id == "law-29-extend-stay" and not choice.abstains


def test_applying_for_the_residence_permit_after_entry_is_the_entry_rule_not_the_receipt():
    # "apply for a residence permit" names the entry rule's own step, not the receipt issued after it
    reading, choice = choose("我持Z签证2026年11月2日入境，最晚哪天申请居留证件？")
    assert (choice.rule.id, event_date(reading, choice.rule)[1]) == ("law-30-residence-permit", dt.date(2026, 11, 2))
    assert choice.via is None


def test_a_rule_for_a_named_case_is_a_candidate_only_when_the_question_names_it():
    _, plain = choose("I entered China on 2026-03-01 with a visa that allows a 30-day stay. What is my last day?")
    assert all(c.rule.id != "law-20-port-visa-stay" for c in plain.candidates)
    reading, named = choose("I got a port visa and entered on 2026-11-20. What is the last day I may stay?")
    assert named.rule is not None and named.rule.id == "law-20-port-visa-stay"
    assert event_date(reading, named.rule)[1] == dt.date(2026, 11, 20)


def test_the_visas_days_of_stay_do_not_name_another_rules_period_of_the_same_length():
    # 30 days of stay are the stay, not Law Art. 30's 30 days to apply for a residence permit
    _, choice = choose("我持M签证，停留期是30天，6月1号入境，截止日是哪天？")
    assert choice.rule is None or choice.rule.id != "law-30-residence-permit"
    # (nor is Art. 30 a candidate at all: an M visa's holder never applies for a residence permit)
    assert "law-30-residence-permit" not in {c.rule.id for c in choice.candidates}
    _, named = choose("我持Z签证，6月1号入境，说是30天内要办居留证件，截止日是哪天？")
    assert named.rule is not None and named.rule.id == "law-30-residence-permit"


def test_a_date_of_another_event_is_not_used_the_rule_is_asked_about():
    # The visa's "enter before" limit is not a day of entry.
    _, choice = choose("My Z visa says enter before 2026-12-15. When must I apply for the residence permit?")
    assert choice.rule is None and choice.reason == "role"
    assert [c.rule.id for c in choice.candidates] == ["law-30-residence-permit"]


def test_an_entry_date_is_never_an_expiry():
    # The question asks about renewing (counted back from the expiry) but dates only the entry.
    _, choice = choose("I entered China on 2026-09-01 on a Z visa. By when do I have to renew my residence permit?")
    assert choice.rule is None and choice.reason == "role"
    assert "law-32-extend-residence" in {c.rule.id for c in choice.candidates}


def test_a_date_three_weeks_ago_that_was_an_arrival_does_not_become_the_end_of_a_stay():
    reading, choice = choose("I arrived three weeks ago on a 30-day stay. Until which day can I ask to extend it?")
    assert [r.role for r in reading.roles] == ["entry"]
    # Counted from the end of the stay, the extension rule needs that end: an arrival is not it
    # (it may only be reached through the stay's own end, computed from the arrival).
    assert choice.rule is None or choice.rule.id != "law-29-extend-stay" or choice.via is not None
    _, choice = choose("I arrived three weeks ago. When must I apply to extend my stay?")
    assert choice.rule is None and choice.reason == "role"
    assert "law-29-extend-stay" in {c.rule.id for c in choice.candidates}


def test_two_plausible_rules_and_no_clear_event_abstain_naming_both():
    # A receipt date and a question that fits both receipts (visa extension: 7 working
    # days; residence permit: 15 working days) without saying which.
    _, choice = choose("I got the acceptance receipt (回执) on 2026-10-09. When does it run out?")
    assert choice.rule is None and choice.abstains
    assert {c.rule.id for c in choice.candidates} >= {"reg-13-receipt", "reg-18-receipt"}


def test_several_rules_asked_in_one_question_each_get_their_own_date():
    reading, choice = choose(
        "I entered on 2026-03-02 and my health check was done on 2026-02-20. "
        "When must I apply for the residence permit, and until when is the health certificate valid?"
    )
    chosen = {choice.rule.id: choice.event.found.text, **{r.id: d.found.text for r, d in choice.also}}
    assert chosen == {"reg-16-health-certificate": "2026-02-20", "law-30-residence-permit": "2026-03-02"}


def test_a_second_question_without_a_subject_asks_about_the_dated_clause_before_it():
    # "到时候还有效吗？" names nothing: it asks about the certificate the clause before it dates
    reading, choice = choose("我的居留证件2027年3月31日到期，最晚哪天申请延期？另外体检证明是2027年1月10日开的，到时候还有效吗？")
    chosen = {choice.rule.id: choice.event.found.text, **{r.id: d.found.text for r, d in choice.also}}
    assert chosen == {"law-32-extend-residence": "2027年3月31日", "reg-16-health-certificate": "2027年1月10日"}


def test_a_filing_date_is_compared_not_counted_from():
    reading, choice = choose("Her residence permit lapses on 2026-12-17. She applied to renew it on 2026-11-20. In time?")
    assert choice.rule.id == "law-32-extend-residence"
    assert choice.event.found.text == "2026-12-17" and choice.also == ()
    assert [(r.found.text, day) for r, day in action_dates(reading, choice.rule)] == [("2026-11-20", dt.date(2026, 11, 20))]


def test_a_follow_up_giving_only_a_date_keeps_the_rule_of_the_turn_it_follows():
    history = [{"role": "user", "content": "The residence permit I hold lapses on 2027-05-10. When must I apply to extend it?"},
               {"role": "assistant", "content": "..."}]  # fmt: skip
    reading, choice = choose("And if it expires on 2027-06-30?", history)
    assert choice.rule.id == "law-32-extend-residence"
    assert event_date(reading, choice.rule)[1] == dt.date(2027, 6, 30)


def test_the_role_of_each_rule_event_decides_which_date_it_takes():
    reading = read_question("I entered on 2026-03-02 and my residence permit expires on 2027-03-01.", [], TODAY, [])
    assert date_for(get_rule("law-30-residence-permit"), reading.roles).found.text == "2026-03-02"
    assert date_for(get_rule("law-32-extend-residence"), reading.roles).found.text == "2027-03-01"
    assert date_for(get_rule("law-40-newborn"), reading.roles) is None
    assert rule_role(get_rule("reg-18-receipt")) == "filing"


def test_in_time_said_of_what_the_authority_gives_back_asks_its_deadline_not_the_askers_lateness():
    # the renewal was filed on a day, a flight is booked: "do I get the passport back in time?" asks by
    # when the authority decides (Regulations Art. 18), not whether the filing was late
    reading, choice = choose(
        "I filed my residence permit renewal on 2026-11-12 and they kept my passport, giving me a receipt. "
        "My flight to Seoul is on 2026-12-04. Do I get the passport back in time?"
    )
    assert choice.rule is not None and choice.rule.id == "reg-18-receipt"


def test_an_arrival_at_a_home_told_only_by_the_day_of_entry_is_taken_to_fall_on_it():
    # Law Art. 39 counts 24 hours from arriving at the home; a family landing on a day and coming to live
    # with the asker is taken to move in that day (the answer says so), not asked which date it is
    reading, choice = choose(
        "My in-laws land in Chengdu on 2026-12-05 and will live with us for two months. "
        "Do we have to register them with the police, and by when?"
    )
    assert choice.rule.id == "law-39-accommodation"
    assert date_for(choice.rule, reading.roles).found.text == "2026-12-05"
    assert event_date(reading, choice.rule)[1] == dt.date(2026, 12, 5)


def test_an_arrival_at_a_home_dated_by_its_own_words_is_counted_from_that_day():
    reading = read_question(
        "He entered China on 2026-12-01 and moved into my flat on 2026-12-04. By when must he be registered?",
        [], TODAY, [],
    )  # fmt: skip
    assert date_for(get_rule("law-39-accommodation"), reading.roles).found.text == "2026-12-04"


def test_a_passports_change_told_only_by_the_day_the_new_one_was_collected_is_counted_from_it():
    reading, choice = choose(
        "My old passport was full, so my consulate made me another one; I collected it on 2026-11-16. "
        "The residence permit's passport number must be changed within some days, I hear. What is my deadline?"
    )
    assert choice.rule.id == "law-33-change-registration"
    assert event_date(reading, choice.rule)[1] == dt.date(2026, 11, 16)


def test_a_visitor_on_a_short_visa_has_no_residence_permit_to_change():
    # Law Art. 33 concerns residence permits: an M visa's holder whose passport is renewed is asked of the visa
    _, choice = choose(
        "Our M visa guest lost his passport on 2026-11-16 and his consulate is issuing him a new passport. "
        "What must he do about the visa, and how long does it take?"
    )
    assert choice.rule is None or choice.rule.id != "law-33-change-registration"


def test_the_role_a_rules_event_is_taken_to_fall_on_is_a_role_the_dates_are_read_with():
    from regchat.answering.dates import load_role_cues

    assumed = {r.assumed_from for r in load_rules() if r.assumed_from}
    assert assumed and assumed <= set(load_role_cues().order)


def test_asked_for_the_day_the_authority_decides_the_rule_computing_it_answers():
    # a story of a renewal names the filing rule's words often; the sentence that asks wants the decision
    reading, choice = choose(
        "Subject: residence permit renewal. My residence permit expires on 2027-01-30; the renewal was "
        "accepted on 2026-11-16 and they kept my passport. By when must they give me a decision?"
    )
    assert choice.rule.id == "reg-18-receipt"


def test_what_a_deadline_is_compared_with_is_read_from_its_result():
    assert asks_user_action(get_rule("law-32-extend-residence"))
    assert asks_user_action(get_rule("law-40-newborn"))
    assert compared_roles(get_rule("law-39-accommodation")) == {"filing", "plan", "action"}
    assert compared_roles(get_rule("law-30-decision")) == {"decision"}  # the authority decides
    assert compared_roles(get_rule("reg-16-health-certificate")) == frozenset()  # a validity
    assert compared_roles(get_rule("law-30-work-permit-validity")) == frozenset()  # a longest period


def test_the_day_the_authority_decided_is_compared_with_its_deadline():
    reading = read_question(
        "We filed the residence permit application on 2026-10-01 and the exit-entry office decided on 2026-10-20.",
        [], TODAY, [],
    )  # fmt: skip
    assert [(r.found.text, r.role) for r in reading.roles] == [("2026-10-01", "filing"), ("2026-10-20", "decision")]
    rule = get_rule("law-30-decision")
    assert date_for(rule, reading.roles).found.text == "2026-10-01"
    assert [r.found.text for r, _ in action_dates(reading, rule)] == ["2026-10-20"]
    assert action_dates(reading, get_rule("reg-16-health-certificate")) == []


def test_the_asking_sentence_is_told_from_the_story():
    assert asking_part("I entered on 1 May. When must I renew my residence permit?") == "When must I renew my residence permit?"
    # "it" points back at the story: the whole question is what is asked about.
    story = "The medical certificate is dated 1 May. Until when can it be used?"
    assert asking_part(story) == story
    # ... unless the sentence of the clause that asks names a thing the story does not: "it" is that
    # sentence's (the registration of a move into a flat, not the visas the story tells of)
    told = "My in-laws arrive on 3 June with S2 visas."
    asked = "Must we register them when they move into our flat, and by when does it have to be done?"
    assert asking_part(f"{told} {asked}") == asked


def test_the_longest_validity_counts_only_from_a_date_said_to_be_the_issue():
    # "valid until" is the end of a permit: five years after it is no one's answer
    _, choice = choose("My study residence permit is valid until 31 Oct 2026. Does it stay good when I change "
                       "universities?")
    assert choice.rule.id != "law-30-non-work-permit-validity"
    _, choice = choose("My work-type residence permit was issued on 2026-03-01. Until when can it be valid at most?")
    assert choice.rule.id == "law-30-work-permit-validity"


def test_a_permit_named_where_the_question_asks_is_no_question_of_its_longest_validity():
    _, choice = choose("我的工作类居留证件有效期到2026年12月31号，公司打算12月中旬再去续，来得及吗？")
    assert choice.rule.id == "law-32-extend-residence"


def test_a_date_of_nothing_said_counts_no_rule_when_the_question_asks_what_to_do():
    _, choice = choose("昨天在火车上包被偷了，护照和居留许可都在里面。现在该怎么办？先去哪里？")
    assert choice.rule is None or choice.event is None
    # asked for a date, the same words date the theft, which starts no period (a reissue is applied for
    # "as the rules require", Law Art. 35)
    reading, _ = choose("昨天在火车上包被偷了，护照和居留许可都在里面。最晚哪天要去补办？")
    assert [r.role for r in dated_roles(reading)] == ["loss"]


@pytest.mark.parametrize("question", ["他的居留卡上印着到2027年1月10日，最晚哪天申请延期？", "签证上注明至2027年1月10日，能续吗？"])
def test_what_a_card_reads_until_is_its_expiry(question):
    reading = read_question(question, [], TODAY, [])
    assert [r.role for r in reading.roles] == ["expiry"]


def test_a_statement_of_what_happened_is_no_asking_sentence():
    # "过期了" tells what happened; the question that follows asks
    assert asking_part("她的居留许可去年过期了两天。罚款最晚哪天要交？") == "罚款最晚哪天要交？"
    assert asking_part("My visa expired last week. When do I have to leave?") == "When do I have to leave?"
    # a validity named stays part of what is asked: the question after it may ask of it
    assert "入境有效期" in asking_part("签证上的入境有效期到2027年1月9日，航班当天晚上落地，入境还来得及吗？")


def _turns(first: str):
    return [{"role": "user", "content": first}, {"role": "assistant", "content": "..."}]


@pytest.mark.parametrize(
    "first, follow, rule_id, day",
    [
        ("The residence permit I hold lapses on 2027-05-10. When must I apply to extend it?",
         "My wife's permit expires a month after mine. When must she apply?",
         "law-32-extend-residence", dt.date(2027, 6, 10)),
        ("我持有的居留证件2027年5月10日期满，延期最迟哪一天申请？", "我太太的比我晚一个月到期，她最迟哪一天申请？",
         "law-32-extend-residence", dt.date(2027, 6, 10)),
        ("I entered China on 2026-11-01 with a Z visa. When must I apply for the residence permit?",
         "My colleague entered two weeks after me. What about him?",
         "law-30-residence-permit", dt.date(2026, 11, 15)),
    ],
)  # fmt: skip
def test_another_person_a_set_time_after_mine_gets_the_same_rule_and_a_derived_date(first, follow, rule_id, day):
    reading, choice = choose(follow, _turns(first))
    assert reading.follow_up
    assert choice.rule.id == rule_id
    assert event_date(reading, choice.rule)[1] == day


@pytest.mark.parametrize(
    "first, follow, day",
    [
        ("I entered China on 2026-11-01 with a Z visa. When must I apply for the residence permit?",
         "Thanks! And my husband? He arrived on 2026-11-20 on an S1.", dt.date(2026, 11, 20)),
        ("我2026年11月1日持Z字签证入境，居留证件最迟哪天要申请？",
         "谢谢。那我太太呢？她是2026年11月20日入境的，持S1签证。", dt.date(2026, 11, 20)),
    ],
)  # fmt: skip
def test_a_question_naming_only_another_person_asks_the_earlier_question_for_them(first, follow, day):
    reading, choice = choose(follow, _turns(first))
    assert reading.follow_up and reading.reuses_previous
    assert choice.rule.id == "law-30-residence-permit"
    assert event_date(reading, choice.rule)[1] == day


@pytest.mark.parametrize(
    "first, follow",
    [
        ("My residence permit expired on 2026-11-10 and I forgot to renew it. What happens to me now?",
         "And my son? He is 10 and his permit ran out the same day."),
        ("我的居留证件2026年11月10日到期了，忘了续，现在会怎么处理？", "那我儿子呢？他10岁，证件也一起过期了。"),
    ],
)  # fmt: skip
def test_the_same_question_for_another_person_asks_no_date_when_the_first_asked_none(first, follow):
    reading, choice = choose(follow, _turns(first))
    assert reading.follow_up and not reading.reuses_previous
    assert choice.event is None


def test_a_day_the_event_is_taken_to_fall_on_comes_before_a_step_only_a_second_reading_makes_the_event():
    # the new passport collected on the 3rd is the change; the 14th is the day she went to the bureau
    reading, choice = choose("I got a new passport and picked it up at the consulate on 2026-11-03. I only took it "
                             "to the exit-entry bureau on 2026-11-14 to update my residence permit for the new "
                             "passport number. Was I late?")
    assert choice.rule.id == "law-33-change-registration"
    assert event_date(reading, choice.rule)[1] == dt.date(2026, 11, 3)


def test_a_plan_changed_later_in_a_conversation_is_weighed_against_the_date_told_turns_before():
    # the birth day is told two user turns back; the turn between asks who may go, and dates nothing
    history = [
        {"role": "user", "content": "我们的女儿2026年10月2日在苏州出生，外国宝宝的登记最晚哪天？"},
        {"role": "assistant", "content": "..."},
        {"role": "user", "content": "那我们两个人都要去吗？"},
        {"role": "assistant", "content": "父母一方持出生证明到出入境管理机构办理即可。"},
    ]
    reading, choice = choose("那我们打算12月5号再去办，还来得及吗？", history)
    assert [f.text for f in reading.previous_dates] == ["2026年10月2日"]
    assert choice.rule.id == "law-40-newborn"


@pytest.mark.parametrize(
    "question, day",
    [
        # the landing is told ahead in its own clause, whatever the clause before it tells as past
        ("Her Z visa was issued on 20 November, and she lands on 9 December. By when must she apply for the "
         "residence permit?", dt.date(2026, 12, 9)),
        ("她的Z签证11月20号已经签发了，12月9号入境，居留证件最晚哪天申请？", dt.date(2026, 12, 9)),
    ],
)
def test_a_date_is_read_in_the_tense_of_its_own_clause(question, day):
    reading, choice = choose(question)
    assert event_date(reading, choice.rule)[1] == day


def test_a_follow_up_giving_only_a_date_keeps_the_rule_and_the_role():
    reading, choice = choose("那11月15号呢？", _turns("我是2026年11月2日入境的，居留证件最迟哪一天要申请？"))
    assert [r.role for r in reading.roles] == ["entry"]
    assert choice.rule.id == "law-30-residence-permit"
    assert event_date(reading, choice.rule)[1] == dt.date(2026, 11, 15)


@pytest.mark.parametrize(
    "first, follow, asked",
    [
        ("我2026年5月3日持L签证入境，停留期30天，想延期最晚哪天申请？", "不好意思我记错了，其实是5月13日入境的，那又是哪天？",
         "我2026年5月13日持L签证入境，停留期30天，想延期最晚哪天申请？"),
        ("I entered on 2026-05-03 with a 30-day stay. By when do I apply to extend?", "Sorry, it was actually 2026-05-13. Same question.",
         "I entered on 2026-05-13 with a 30-day stay. By when do I apply to extend?"),
        # a day alone is a day of the earlier date's month
        ("came in on z visa mar 9 when do i need the rp by", "sorry my mistake, it was the 23rd. when then?",
         "came in on z visa 23 March when do i need the rp by"),
        # "如果改成…才入境": another day of entry, not a change of the permit's particulars
        ("我太太5月3日已经持S1签证入境了，居留证件最晚哪天申请？", "那如果她改成5月20号才入境呢？",
         "我太太2026年5月20日已经持S1签证入境了，居留证件最晚哪天申请？"),
        # a day still ahead when asked, after a past one: of the year the earlier date was read in
        ("landed 2 march on z visa when do i need to apply rp by", "wife n kids come 20 apr, same for them?",
         "landed 20 April 2026 on z visa when do i need to apply rp by"),
        # another person, whose date of the same event the message gives: the same question for them
        ("I entered on 2026-05-03 with a 30-day stay. By when do I apply to extend?", "And my wife? She entered on 2026-05-13.",
         "I entered on 2026-05-13 with a 30-day stay. By when do I apply to extend?"),
        ("Customer landed on an M visa on 10 Sept, 60 days per entry. Latest day to apply for an extension?",
         "and his colleague? same visa but he flew in on the 4th",
         "Customer landed on an M visa on 4 September, 60 days per entry. Latest day to apply for an extension?"),
    ],
)  # fmt: skip
def test_a_follow_up_correcting_the_date_asks_the_earlier_question_again_with_it(first, follow, asked):
    assert corrected_question(follow, _turns(first), TODAY) == (asked, [])


@pytest.mark.parametrize(
    "follow, asked",
    [
        # the date said not to be the one is the earlier turn's, put right
        ("Sorry, I entered on 2026-05-13, not 2026-05-03. Is that still ok?",
         "I entered on 2026-05-13 with a 30-day stay. By when do I apply to extend?"),
        ("my mistake: 2026-05-13 rather than the 3rd. What changes?",
         "I entered on 2026-05-13 with a 30-day stay. By when do I apply to extend?"),
    ],
)  # fmt: skip
def test_a_message_putting_the_earlier_date_right_asks_the_earlier_question_again(follow, asked):
    assert corrected_question(follow, _turns("I entered on 2026-05-03 with a 30-day stay. By when do I apply to extend?"), TODAY) == (asked, [])


@pytest.mark.parametrize(
    "follow",
    [
        "And my wife? The 13th.",  # another person, and what the date is for her is not said
        "I filed on 2026-05-20. Can I appeal a refusal?",  # a date told beside another question
        "What about the residence permit if I entered 2026-05-13?",  # another thing
        "我5月13日入境的，那又是哪天？",  # another language
        # a date told beside two questions, one of which asks no date: news, not a correction
        "ok going on the 13th. two things: do I pay at the counter when I get there? and could this hurt me later?",
    ],
)
def test_a_follow_up_that_asks_more_than_a_new_date_is_no_correction(follow):
    assert corrected_question(follow, _turns("I entered on 2026-05-03 with a 30-day stay. By when do I apply to extend?"), TODAY) is None


def test_the_corrected_question_keeps_the_earlier_rule_its_days_of_stay_and_the_role():
    question, history = corrected_question("记错了，她下个月3号才到，那要哪天前办？", _turns("我妈妈6月8号持S2签证入境，停留30天。想多住，最晚哪天申请延期？"), TODAY)
    reading, choice = choose(question, history)
    assert choice.rule.id == "law-29-extend-stay"
    assert choice.via[0].id == "reg-36-stay-period" and choice.via[1].found.resolve(TODAY) == dt.date(2026, 12, 3)


@pytest.mark.parametrize(
    "first, follow, rule_id",
    [
        ("My stay-extension application for my visa was accepted on 2026-09-28; until when is the receipt good?",
         "And my colleague's residence-permit renewal, accepted the same day: until when does his receipt run?",
         "reg-18-receipt"),
        ("我的居留证件换发申请2026年9月28日受理了，回执最晚到哪天？", "那我朋友的签证延期也是同一天受理的呢？回执到哪天？",
         "reg-13-receipt"),
    ],
)  # fmt: skip
def test_a_follow_up_taking_the_earlier_date_for_another_thing_is_about_what_it_names(first, follow, rule_id):
    reading, choice = choose(follow, _turns(first))
    assert reading.reuses_previous
    assert choice.rule.id == rule_id
    assert event_date(reading, choice.rule)[1] == dt.date(2026, 9, 28)


@pytest.mark.parametrize(
    "question",
    [
        "I arrived on 2026-11-01 on a 30-day stay. When must I apply to extend my stay?",
        "他是2026年11月1日入境的，签证停留期30天，延长停留最迟哪一天提出？",
        # the stay's end is the top rule here; the question names the extension more
        "My parents arrive on 2026-11-01 with S2 visas, 60 days of stay. By when must they apply to extend their stay?",
        "我爸妈2026年11月1日飞过来，S2签证停留期60天，要延期的话最晚哪天去申请？",
        # the residence-permit rule leads on the entry date; the stay's end is computed from it too
        "她的签证停留期为60天，2026年11月1日入境的。请问1）最晚哪天离境？2）想延期的话最晚哪天去申请？",
        # a date of no role ("到1月底") does not stand in for the stay's end the entry gives
        "他2026年11月1日入境，签证停留期30天，想住到1月底。延长停留最晚哪天申请？",
    ],
)
def test_a_rule_counting_from_the_end_of_a_stay_takes_it_from_the_entry_and_the_days_of_stay(question):
    reading, choice = choose(question)
    assert choice.rule.id == "law-29-extend-stay"
    via, date = choice.via
    assert via.id == "reg-36-stay-period" and date.role == "entry"


def test_two_rules_counting_from_one_date_are_both_computed_when_each_is_asked():
    question = ("Both applications were accepted on 2026-09-28 and we hold the receipts: the residence permit "
                "renewal and the stay extension. What is the latest date each receipt can run to?")
    _, choice = choose(question)
    assert {choice.rule.id, *(r.id for r, _ in choice.also)} == {"reg-13-receipt", "reg-18-receipt"}
    _, one = choose(question.replace("each receipt", "the receipt"))
    assert one.rule is None and one.reason == "close"


def test_a_date_a_follow_up_only_tells_beside_another_question_starts_nothing():
    history = _turns("My residence permit expires on 2026-12-20. By when must I apply to renew it?")
    told, _ = choose("OK, I filed on 2026-11-10. If they refuse, can I appeal?", history)
    assert not told.reuses_previous
    asked, _ = choose("And if it expired on 2026-12-30?", history)
    assert asked.reuses_previous


@pytest.mark.parametrize(
    "first, follow, reused",
    [
        # another person, asked about in questions of her own that ask no date: the earlier deadline is the asker's
        ("我的工作类居留证件2026年12月20日到期，最晚哪天申请延期？", "那我爸爸呢？他退休了想来长住，办哪种签证？能不能由我替他办手续？", False),
        ("My study permit runs out on 2026-12-20. Latest day to file the renewal?",
         "And my brother? Which visa lets him visit me, and may I file his papers?", False),
        # asking the same of her, in words of sameness or of a date, carries the earlier date to her
        ("我的工作类居留证件2026年12月20日到期，最晚哪天申请延期？", "那我太太呢？她的也是同一天到期，也是这个日子之前吗？", True),
        ("My study permit runs out on 2026-12-20. Latest day to file the renewal?",
         "And my brother? Does the same deadline hold for him?", True),
        ("My study permit runs out on 2026-12-20. Latest day to file the renewal?", "And my brother?", True),
    ],
)  # fmt: skip
def test_a_follow_up_about_another_person_carries_the_earlier_date_only_when_it_asks_the_same(first, follow, reused):
    reading, _ = choose(follow, _turns(first))
    assert reading.follow_up
    assert reading.reuses_previous is reused


def test_without_the_days_of_stay_there_is_nothing_to_chain_and_the_question_is_asked_back():
    _, choice = choose("I arrived on 2026-11-01. When must I apply to extend my stay?")
    assert choice.rule is None and choice.via is None and choice.reason == "role"


def test_what_a_computed_date_is_the_date_of():
    assert result_role(get_rule("reg-36-stay-period")) == "expiry"
    assert result_role(get_rule("law-30-residence-permit")) != "expiry"


def test_a_reply_to_a_question_asked_back_chooses_among_the_rules_it_named():
    asked = (
        "Which deadline do you mean? ...\n"
        "1. Latest day to apply to extend the residence permit (...): Exit and Entry Administration Law, Art. 32\n"
        "2. Last day to apply for the residence permit (...): Exit and Entry Administration Law, Art. 30"
    )
    history = [{"role": "user", "content": "I entered China on 2026-09-01. By when must I renew my residence permit?"},
               {"role": "assistant", "content": asked}]  # fmt: skip
    reading, choice = choose("I meant the first application after entry.", history)
    assert reading.follow_up and reading.replied_to == asked
    assert choice.rule.id == "law-30-residence-permit"
    assert event_date(reading, choice.rule)[1] == dt.date(2026, 9, 1)


def test_an_answer_that_did_not_ask_is_not_replied_to():
    history = [{"role": "user", "content": "The residence permit I hold lapses on 2027-05-10. When must I apply to extend it?"},
               {"role": "assistant", "content": "Latest day to apply to extend the residence permit: 2027-04-10."}]  # fmt: skip
    reading, _ = choose("Which papers are required for an employment residence permit?", history)
    assert reading.replied_to is None


def test_the_longest_validity_of_a_permit_is_never_taken_as_its_expiry():
    # Renewal counts back from the real expiry; the five-year maximum is not it.
    _, choice = choose("My work residence permit was issued on 2026-03-05. By when must I apply to renew it?")
    assert choice.via is None
    assert choice.rule is None or choice.rule.id != "law-30-work-permit-validity"
    assert choice.rule is None or choice.rule.id != "law-32-extend-residence"


def test_an_abstaining_choice_still_tells_which_rule_is_likeliest():
    _, choice = choose("My Z visa says enter before 2026-12-16. When must I apply for the residence permit?")
    assert choice.rule is None and choice.best.id == "law-30-residence-permit"
    _, none = choose("What is the weather like in Beijing on 2026-12-16?")
    assert none.best is None


def test_a_date_whose_words_say_nothing_is_not_counted_back_from():
    reading, choice = choose("Something happened on 2026-12-18. When is the last day to apply to extend my residence permit?")
    assert [r.role for r in reading.roles] == [None]
    assert choice.rule is None and choice.reason == "role"
    assert [c.rule.id for c in choice.candidates] == ["law-32-extend-residence"]


@pytest.mark.parametrize(
    "question",
    ["12/13入境的，公司HR说1月10号带我去办，会不会overdue？", "体检报告是8月31日开的，明年3月还能用吗？",
     "Is my health certificate from 31 August still valid?", "What's the final date I may stay?",
     "What is the maximum date the detention can last to?", "And the end date of the restriction?",
     "她的证9月5号到期，要提前几天去续？", "How far in advance must we file before it runs out?",
     "He landed yesterday. What are the deadlines for us?", "We fly home on the 15th. Ok or cutting it too close?",
     "I think they can wait until May. Pls confirm the latest date to submit."],
)
def test_questions_that_ask_about_a_date_in_other_words(question):
    assert read_question(question, [], dt.date(2025, 12, 20), []).asks_deadline


@pytest.mark.parametrize(
    "question, days",
    [("On an M visa with 30 days stay, entered on March 3.", 30), ("a 45-day stay", 45),
     ("Duration of each stay: 060", 60), ("停留30天", 30), ("Came in on a Q2 visa, 90 days per stay.", 90),
     ("签证每次停留60天", 60), ("签证上停留期是90天", 90), ("签证上停留期限写的是30天", 30), ("the stay on it says 45 days", 45), ("Each stay allowed is 30 days.", 30), ("the visa says 90 days duration of stay", 90), ("her visa says stay 30 days", 30)],
)
def test_the_visas_days_of_stay_in_the_forms_people_write_them(question, days):
    assert read_question(question, [], dt.date(2026, 3, 10), []).stay_days == days


def test_in_time_in_a_story_is_not_a_question_about_a_date():
    story = "My country has no consulate that can give me a new passport in time. What can I do?"
    assert not read_question(story, [], dt.date(2026, 11, 25), []).asks_deadline
    assert read_question("I filed on Nov 20: was that on time?", [], dt.date(2026, 11, 25), []).asks_deadline


@pytest.mark.parametrize(
    "question, asking",
    [
        ("The firm owes its staff their wages, I heard. Can our manager be stopped from leaving?",
         "Can our manager be stopped from leaving?"),
        ("公司欠了员工工资，听说经理会被限制出境，有这个规定吗？", "有这个规定吗？"),
        ("拿永久居留的人，一年至少要住多少天，才不会被取消？", "一年至少要住多少天， 才不会被取消？"),
        ("How much is the fee?", "How much is the fee?"),
    ],
)
def test_the_clauses_that_ask_are_told_from_the_story(question, asking):
    from regchat.answering.questions import asking_clauses

    assert asking_clauses(question) == asking


@pytest.mark.parametrize(
    "text, asks_it",
    [
        ("我们俩是退休教师，来帮女儿看孩子，什么都不懂", False),  # 什么都: "nothing at all"
        ("这周他哪儿都没去", False),
        ("证件怎么也找不到了", False),
        ("什么都要带吗", True),  # 吗 still asks
        ("要带什么", True),
    ],
)
def test_a_question_word_before_dou_or_ye_says_any_and_asks_nothing(text, asks_it):
    from regchat.answering.questions import has_asking_words

    assert has_asking_words(text) is asks_it


@pytest.mark.parametrize(
    "text, asks_it",
    [("doesnt her illness matter here", True), ("Isn't she too old for that?", True), ("can't we just wait", True),
     ("Don't worry, we will file it", False), ("He can't come until May", False)],
)
def test_a_verb_before_its_subject_asks_when_it_is_negated_too(text, asks_it):
    from regchat.answering.questions import has_asking_words

    assert has_asking_words(text) is asks_it


def test_until_in_a_story_is_no_question_about_a_date():
    from regchat.answering.questions import asking_part

    question = "Deadline to register the baby? Her grandparents stay until mid July, so we wait till then."
    assert asking_part(question) == "Deadline to register the baby?"
    assert read_question("Until when is my health certificate valid?", [], dt.date(2025, 12, 20), []).asks_deadline


# --------------------------------------------------------------------------- reading what is asked


@pytest.mark.parametrize(
    "part, asks",
    [
        ("By when must we register him?", True),
        ("最晚哪天要交？", True),
        ("How many days do I have?", True),
        ("Was I still in time?", True),
        ("Does she need to register anywhere, and what should we do?", False),
        ("另外我婆婆来住，需要做什么吗？", False),
        ("Who pays for his flight home?", False),
        ("旧的体检报告还能用吗？", True),  # whether it is still good: its time has a limit
        ("2月1日落地的话还能凭这张签证入境吗？", True),
        ("护照丢了，这种情况她还能出境吗？", False),  # whether leaving is possible at all, no time asked
        # "when" opening a clause of time tells when the thing asked holds; asked of, it asks a date
        ("Must my kids carry ID when they ride the metro?", False),
        ("Is a registration needed when a friend sleeps on our sofa for a night?", False),
        ("When do they have to register?", True),
        ("Could you tell me when he must leave?", True),
        ("We are unsure when the permit runs out.", True),
        ("May she file it when she is back from Osaka on 3 May?", True),  # whether that day is in time
        ("Is the visa still good when she lands at the airport?", True),
        # ... unless a question of its own follows it that asks no date
        ("He says to pay it at the border when I leave in March, how big is the fine?", False),
        ("We will file when we get back in May, is that too late?", True),
        ("By what time would his flight have to leave?", True),  # a period in hours ends at a time
    ],
)
def test_a_part_asks_for_a_date_or_only_what_to_do(part, asks):
    assert asks_for_date(part) is asks


def test_the_words_that_frame_a_message_are_not_searched_for():
    reading = read_question("HR question: (1) our engineer quit; do we have to report it? Thanks!", [], TODAY, [])
    query = reading.standalone_query
    assert "question" not in query.lower() and "(1)" not in query and "thanks" not in query.lower()
    assert "engineer quit" in query and "report" in query
    assert "customer" not in read_question("Customer asks: can her visa be extended?", [], TODAY, []).standalone_query.lower()


def test_a_rule_counting_from_a_received_decision_takes_a_date_of_either():
    fine = get_rule("law-87-pay-fine")
    assert rule_role(fine) == "decision" and "issue" in rule_roles(fine)
    reading, choice = choose("罚款决定书是2026年11月3日拿到的，最晚哪天要去银行交罚款？")
    assert choice.rule is not None and choice.rule.id == "law-87-pay-fine"
    # a step the user takes is compared with a deadline, never counted from
    assert all(role not in {"filing", "action"} for r in RULES for role in rule_roles(r)[1:])


def _turns(first: str) -> list[dict]:
    return [{"role": "user", "content": first}, {"role": "assistant", "content": "..."}]


@pytest.mark.parametrize(
    "first, then, searched",
    [
        ("How early must I apply to renew my residence permit?", "And for the visa?", "renew my visa"),
        ("居留许可延期要提前多久申请？", "那签证延期呢？", "签证延期要提前多久申请"),
        ("工作类居留证件的有效期最短和最长是多久？", "那私人事务类的呢？", "私人事务类居留证件的有效期"),
    ],
)
def test_a_follow_up_naming_another_thing_asks_the_earlier_question_about_it(first, then, searched):
    reading = read_question(then, _turns(first), TODAY, [])
    assert searched in reading.search_query


def test_a_follow_up_about_the_same_thing_keeps_the_earlier_turn_as_it_was():
    first = "How early must I apply to renew my residence permit?"
    reading = Reading("And where for the residence permit?", "en", TODAY, previous=first)
    assert reading.previous_about_this == first


def test_a_birth_date_picks_the_birth_rule_whatever_permits_the_parents_hold():
    # the story names residence permits and "the exit-entry bureau" (no entry), the date is a birth
    _, choice = choose("Our son was born on 2026-05-31; we both hold work residence permits. "
                       "Deadline to register him with the exit-entry bureau?")
    assert choice.rule is not None and choice.rule.id == "law-40-newborn"


def test_a_follow_up_naming_another_place_is_about_that_place():
    first = "I lost my non-resident worker card in Macao, how do I get a new one?"
    assert Reading("And if it was on the mainland?", "en", TODAY, previous=first).region == "CN"
    assert Reading("How long does it take?", "en", TODAY, previous=first).region == "MO"


@pytest.mark.parametrize(
    "question, past",
    [
        ("I entered on 3 March. When must I apply?", True),
        ("If I enter on 3 March, when must I apply?", False),
        ("她们想过来陪我，如果3月2号入境，居留证最晚哪天要去办？", False),
        ("我3月2号已经入境了，居留证最晚哪天要去办？", True),
    ],
)
def test_a_supposed_event_is_no_past_one(question, past):
    assert read_question(question, [], TODAY, []).past_tense is past


def test_asking_whether_time_ran_out_asks_for_the_deadline():
    assert read_question("换了护照要在几天内去改居留证件，我们是不是已经超时了？", [], TODAY, []).asks_deadline
    # a step dated in brackets in the sentence the question points back at is measured against its deadline
    assert read_question("朋友2月10号住到我家，我们打算等初十（2月26号）再去派出所。这样可以吗？", [], TODAY, []).asks_deadline


@pytest.mark.parametrize(
    "question, asks",
    [
        ("He resigned; his last day was May 29. Do we need to tell anyone?", False),  # a statement's "last day"
        ("签证到期了。我们要通知谁吗？", False),
        ("He got a penalty decision on Jan 11th and wants to know the last day he can pay and where. Can he pay at the airport?", True),
        ("My RP expires 15.12.2026. When should I apply?", True),  # a dotted date ends no sentence
        ("我的签证入境有效期截止到1月31日。2月2日到北京还能入境吗？", True),
        ("The bank wants a paper showing how long he may stay. Is there one for that?", False),  # a question word in a statement
    ],
)
def test_only_the_sentences_that_ask_can_ask_for_a_date(question, asks):
    assert read_question(question, [], dt.date(2026, 6, 3), []).asks_deadline is asks


def test_a_clause_opening_with_its_verb_asks_wherever_its_question_mark_is():
    from regchat.answering.questions import asking_clauses

    question = "I moved here last year. How do I apply, can I switch without leaving, and who pays?"
    assert asking_clauses(question) == "How do I apply, can I switch without leaving, and who pays?"


def test_a_message_naming_no_place_stays_where_the_conversation_is():
    history = [{"role": "user", "content": "我老婆在澳门做家佣，外雇证被偷了，要怎么补？"}, {"role": "assistant", "content": "..."}]
    reading = read_question("新雇主已经批了她转过去，新老板要准备什么材料？", history, dt.date(2026, 3, 1), [])
    assert reading.region == "MO"
    assert read_question("她要是转去内地工作，要准备什么材料？", history, dt.date(2026, 3, 1), []).region == "CN"


@pytest.mark.parametrize(
    "question, asking",
    [
        # a sentence opening as a question asks without its mark, beside one that has it
        ("I filed on 3 May. how long is the receipt valid. Can I travel?", "how long is the receipt valid. Can I travel?"),
        # an aside in brackets asks nothing
        ("I filed on 3 May (a Sunday?? odd). When do they decide.", "When do they decide."),
        ("When I arrived the officer kept my passport. Is that normal?", "Is that normal?"),
        ("我3月2号入境。最晚哪天要办居留证。能不能晚点去？", "最晚哪天要办居留证。 能不能晚点去？"),
    ],
)
def test_the_sentences_that_ask(question, asking):
    assert asking_sentences(question) == asking


@pytest.mark.parametrize("question", ["Unrelated: is the museum open on Mondays?", "换个话题，今天天气怎么样？"])
def test_a_message_saying_it_starts_afresh_follows_nothing_up(question):
    assert not is_follow_up(question, "How do I extend my residence permit?")



@pytest.mark.parametrize("question", ["她是3号到的，那最晚哪天去办？", "他已经交了材料，那还要等多久？"])
def test_a_person_the_conversation_named_and_a_then_mark_a_follow_up(question):
    assert is_follow_up(question, "我们员工的家属持S2签证入境，停留期60天，能延期吗？")


@pytest.mark.parametrize(
    "text, place",
    [
        ("Crossed from Macao into Zhuhai on my Z visa: when must I apply for the residence permit?", None),
        ("我之前在澳门做外地雇员，现在转到深圳工作，居留证件什么时候续？", None),
        ("我是广西人，在澳门做外地雇员，蓝卡怎么续期？", "MO"),  # where she comes from is not the matter
        ("A cook from Chengdu, I work in Macao on a blue card: how do I renew it?", "MO"),  # ... in English
        ("I work in Macao as a non-resident worker: how do I renew my card?", "MO"),
    ],
)
def test_a_mainland_city_beside_macao_brings_the_mainland_in(text, place):
    assert place_of(text) == place


@pytest.mark.parametrize(
    "text, place",
    [
        ("Three of our blue-card holders are leaving next month: what must we do about their cards?", "MO"),
        ("我的外雇证过期了怎么办？", "MO"),
        ("My blue card expires soon and I will move to a flat in Zhuhai", None),  # both places
    ],
)
def test_macaos_own_documents_name_macao(text, place):
    assert place_of(text) == place


def test_the_event_is_counted_from_before_a_date_that_is_the_users_own_step():
    # Both dates read as a change; the later one is also the visit to the office, which the
    # deadline is compared with, not counted from.
    reading, choice = choose(
        "I only went to the bureau on 2026-01-26 to get the new passport number onto my permit, although "
        "the embassy issued me a new one on 2026-01-12. Am I late?"
    )
    assert [r.roles for r in reading.roles] == [("change", "action"), ("change",)]
    assert choice.rule is not None and choice.rule.id == "law-33-change-registration"
    assert choice.event is not None and choice.event.found.text == "2026-01-12"


def test_the_day_of_asking_beside_a_dated_event_is_not_the_event():
    # "this morning" only says when the police came: the registration counts from no day the question gives
    reading, choice = choose("My friend flew in on 2026-11-20 and sleeps at my flat. This morning the police came by. "
                             "When was the accommodation registration due?")
    assert [r.found.text for r in reading.roles] == ["2026-11-20"]
    assert choice.rule is None or choice.rule.id != "law-39-accommodation" or event_date(reading, choice.rule)[1] != TODAY


def test_today_alone_may_still_be_the_event():
    reading, choice = choose("Came through the border today on my Z visa. When is the cutoff to apply for the residence permit?")
    assert choice.rule.id == "law-30-residence-permit"
    assert event_date(reading, choice.rule)[1] == TODAY


@pytest.mark.parametrize(
    "question",
    [
        "I submitted my residence permit renewal on 28 September; by when must the office decide?",
        "他9月28日递交了居留证件延期申请，出入境最晚哪天要作出决定？",
    ],
)
def test_a_renewal_never_gets_the_decision_rule_of_a_first_application(question):
    # Law Art. 30's 15 days are for the application after entry; Regulations Art. 18 governs renewals
    reading, choice = choose(question)
    assert "law-30-decision" not in {c.rule.id for c in choice.candidates}
    assert choice.rule is not None and choice.rule.id == "reg-18-receipt"
    assert event_date(reading, choice.rule)[1] == dt.date(2026, 9, 28)


def test_the_decision_on_a_first_application_is_counted_as_the_regulations_count_it():
    # Law Art. 30 sets the 15 days; the Regulations (Arts. 18 and 36) count them in working days
    reading, choice = choose("我9月28日递交了首次居留证件申请，出入境最晚哪天要作出审查决定？")
    assert choice.rule is not None and choice.rule.id == "reg-18-receipt"
    _, named = choose("按出境入境管理法，我9月28日递交了首次居留证件申请，最晚哪天要作出审查决定？")
    assert "law-30-decision" in {c.rule.id for c in named.candidates}


@pytest.mark.parametrize(
    "question, today, rule_id, day",
    [
        # a fine runs from the day the decision was received, not the day it bears
        ("罚款决定书落款是2月26日，我3月2日才签收，缴纳罚款最晚哪天？",
         dt.date(2026, 3, 5), "law-87-pay-fine", dt.date(2026, 3, 2)),
        ("The penalty decision is dated 26 February and I signed for it on 2 March. By when must I pay the fine?",
         dt.date(2026, 3, 5), "law-87-pay-fine", dt.date(2026, 3, 2)),
        # a restriction of someone of unknown identity runs from the day it was established
        ("He has been under restriction of activities since 15 January; his identity was finally confirmed on 2 February. How long can it last at most?",
         dt.date(2026, 2, 5), "law-61-restricted-activities", dt.date(2026, 2, 2)),
        ("他1月15日起被限制活动范围，2月2日才查清他的国籍和身份，最长能限制到哪天？",
         dt.date(2026, 2, 5), "law-61-restricted-activities", dt.date(2026, 2, 2)),
    ],
)  # fmt: skip
def test_a_rule_counts_from_the_date_of_the_role_its_article_counts_from(question, today, rule_id, day):
    reading = read_question(question, [], today, [])
    choice = choose_rule(reading, RULES, [])
    assert choice.rule is not None and choice.rule.id == rule_id
    assert event_date(reading, choice.rule)[1] == day


def test_a_fine_decision_dated_only_once_is_counted_from_that_day():
    reading = read_question("处罚决定书是2月26日作出的，罚款最晚哪天交？", [], dt.date(2026, 3, 5), [])
    choice = choose_rule(reading, RULES, [])
    assert event_date(reading, choice.rule)[1] == dt.date(2026, 2, 26)


@pytest.mark.parametrize(
    "question, follows",
    [
        ("he gets to mine around 11pm on the 31st, so what's the actual deadline?", True),
        ("She arrives at our flat on 2026-12-31 late at night. Deadline?", True),
        ("He is a Canadian engineer who entered on 2026-12-01 with a Z visa. When is his residence permit due?", False),
    ],
)
def test_a_message_opening_with_he_or_she_leans_on_the_person_the_conversation_named(question, follows):
    previous = "My friend is coming to stay at my apartment for a week. Do we have to register him?"
    assert is_follow_up(question, previous) is follows


@pytest.mark.parametrize(
    "question, follows",
    [
        ("办这个要带哪些证件？交材料的时候她的护照要留在那里吗？", True),
        ("Which papers go with the application, and will they keep his passport meanwhile?", True),
        # (a person the message names first is its own story)
        ("我表妹的居留许可下月到期，她要提前多久去续？", False),
        ("Our new hire Lena got her work permit: when must she apply for the residence permit?", False),
    ],
)
def test_a_person_spoken_of_before_anyone_is_named_is_the_one_the_conversation_named(question, follows):
    previous = "我同事的太太拿S1签证来厦门，要办居留许可。"
    assert is_follow_up(question, previous) is follows


@pytest.mark.parametrize(
    "question",
    [
        "我在上海上班，签证2026年12月15日到期，最晚哪天要去办延期？",
        "I teach at a school in Qingdao and my visa expires on 2026-12-15. When must I apply to extend it?",
    ],
)
def test_a_workers_or_students_visa_may_be_the_residence_permit_so_the_answer_asks(question):
    _, choice = choose(question)
    assert choice.abstains and {c.rule.id for c in choice.candidates} == {"law-29-extend-stay", "law-32-extend-residence"}


@pytest.mark.parametrize(
    "question",
    [
        "My visa expires on 2026-12-15 and I am here as a tourist. When must I apply to extend it?",
        "I work in Shanghai; my M visa expires on 2026-12-15. When must I apply to extend it?",
        "我在上海上班，签证停留期2026年12月15日届满，最晚哪天申请延长？",
    ],
)
def test_a_visa_named_for_sure_or_no_long_stay_told_is_the_visa(question):
    _, choice = choose(question)
    assert not choice.abstains and choice.rule.id == "law-29-extend-stay"


@pytest.mark.parametrize(
    ("question", "rule_id"),
    [
        ("I entered on 2026-11-10 on an M visa with a '30 days' duration of stay. What is my last legal day?", "reg-36-stay-period"),
        ("我11月10号持Z签证入境，最晚哪天办居留证件？", "law-30-residence-permit"),
    ],
)
def test_a_residence_permit_is_never_the_deadline_of_a_short_stay_visa(question, rule_id):
    _, choice = choose(question)
    assert choice.rule is not None and choice.rule.id == rule_id


def test_overdue_by_how_many_days_asks_for_a_count_not_a_date():
    assert not read_question("法律规定逾期多少天算情节严重？", [], TODAY, []).asks_deadline
    assert read_question("我的居留许可已经逾期了，怎么办？", [], TODAY, []).asks_deadline


@pytest.mark.parametrize(
    "question",
    [
        "网上说超期一天罚500，那他是不是要罚一万多？",
        "已经逾期快三个礼拜了，这种情况会罚谁？",
    ],
)
def test_a_lapse_told_with_its_length_asks_no_date(question):
    assert not read_question(question, [], TODAY, []).asks_deadline


def test_a_clause_telling_a_lapse_with_its_length_is_no_asking_clause():
    told = "出院才发现居留许可已经过期6天了，去补手续，被罚了3000块。能不能等放完假再去银行交？"
    assert asking_clauses(told) == "能不能等放完假再去银行交？"


def test_a_step_told_in_the_sentence_a_question_points_back_at_is_measured_against_the_deadline():
    told = "His permit expires on 2026-11-01. We want to file the renewal on Oct 8. That's inside the 30 days, right?"
    assert read_question(told, [], TODAY, []).asks_deadline
    assert read_question("他的居留证2027年1月1号到期。我们打算12月8号去申请延期。这样没问题吧？", [], TODAY, []).asks_deadline
    # a step told earlier, not in the sentence pointed back at, is the story's
    assert not read_question("We filed on Oct 8. The office is in Pudong. Is it open on Saturdays?", [], TODAY, []).asks_deadline


def test_a_lapse_without_its_length_still_asks():
    assert read_question("我的签证是不是过期了？", [], TODAY, []).asks_deadline
    assert read_question("超期了还能补办吗？", [], TODAY, []).asks_deadline


def test_a_terse_and_typed_as_n_opens_a_follow_up():
    assert is_follow_up("n if its just cracked not lost", "wp card lost how get new one")


def test_whether_one_may_start_work_is_no_question_about_a_working_day():
    assert not read_question("她以后用这个居留证可以直接上班吗？", [], TODAY, []).asks_working_day
    assert read_question("2026年5月1号上班吗？", [], TODAY, []).asks_working_day


@pytest.mark.parametrize(
    "question, another",
    [
        ("And his wife and their 8-year-old son? They would come with him.", True),
        ("那我太太和上小学的儿子呢？他们不工作", True),
        ("and my wife?", True),
        ("And what about the visa?", False),
    ],
)
def test_asking_the_same_of_several_other_people_at_once(question, another):
    assert asks_of_another_person(question) is another


def test_another_person_of_whom_more_than_the_date_is_asked_is_no_correction():
    first = "我5月3日持Z签证入境，居留证件最晚哪天申请？"
    assert corrected_question("那我太太呢？她5月20号入境。最晚哪天？", _turns(first), TODAY) is not None
    assert corrected_question("那我太太呢？她5月20号入境。最晚哪天？办哪一类居留证件？", _turns(first), TODAY) is None
    # nor after a turn that asked no date, or only how long a period is
    assert corrected_question("那我太太呢？她5月20号入境。", _turns("我5月3日持Z签证入境，要在多久内去办居留证件？"), TODAY) is None
    assert corrected_question("And my wife? She entered on 2026-05-20.", _turns("Which papers do I bring for the residence permit? I entered on 2026-05-03."), TODAY) is None


def test_the_search_leaves_out_a_document_the_story_says_is_safe_but_keeps_a_contrast_the_law_draws():
    safe = read_question("His residence permit was stolen. Passport is safe at home. What now?", [], TODAY, []).standalone_query
    assert "Passport" not in safe and "residence permit" in safe
    contrast = read_question("I sleep at a friend's flat rather than a hotel. Must I register?", [], TODAY, []).standalone_query
    assert "hotel" in contrast


def test_a_date_its_words_make_the_event_of_a_rule_that_is_no_filing_rule_is_not_asked_about():
    # "带走…拘留审查" makes 11月20日 the start of detention; no filing rule (apply, register) takes it
    _, choice = choose("员工昨晚（11月20日）被带走，对方说是拘留审查。最晚什么时候必须询问他？")
    assert choice.rule is not None and choice.rule.id.startswith("law-60-detention") and not choice.abstains


class TestAFollowUpIsReadWithItsConversation:
    """The rule the answer before computed goes on, and the things the earlier turn is about tell
    which rule a message naming none of them means."""

    FIRST = "我持Z签证2026年5月3号入境，工作类居留证件最晚哪天要申请？"
    ANSWER = "最晚2026年6月2日。依据《出境入境管理法》第三十条：应当自入境之日起三十日内申请办理外国人居留证件。"
    FOLLOW = "那我先生呢？他拿S1签证，2026年6月10号才过来。"

    def ask_again(self, answered):
        turns = [{"role": "user", "content": self.FIRST}, {"role": "assistant", "content": self.ANSWER}]
        question, history = corrected_question(self.FOLLOW, turns, TODAY)
        reading = read_question(question, history, TODAY, [], answered=answered)
        return reading, choose_rule(reading, RULES, [])

    def test_the_rule_whose_words_the_answer_quoted_is_asked_again_for_another_person(self):
        reading, choice = self.ask_again(self.ANSWER)
        assert choice.rule.id == "law-30-residence-permit"
        assert event_date(reading, choice.rule)[1] == dt.date(2026, 6, 10)

    def test_without_that_answer_a_permit_the_earlier_question_named_asks_no_longest_validity(self):
        # (it named the work-type permit, whose longest validity counts from its issue: a name, not a
        # question of how long the permit may be valid; her husband's entry date starts his own 30 days)
        reading, choice = self.ask_again(None)
        assert choice.rule.id == "law-30-residence-permit"
        assert event_date(reading, choice.rule)[1] == dt.date(2026, 6, 10)

    @pytest.mark.parametrize(
        "first, follow",
        [
            ("我的F签证停留期快到了，已经申请延期，护照被收走了，这期间我合法吗？", "那如果他9月30号才去交呢，回执最晚到哪天？"),
            ("我朋友持L签证，停留期快满了，昨天去申请延期，护照被收走了。", "那要是他9月30号才去交呢？回执最晚到哪天？"),
        ],
    )  # fmt: skip
    def test_the_earlier_turn_s_thing_chooses_between_rules_the_message_fits_alike(self, first, follow):
        _, choice = choose(follow, [{"role": "user", "content": first}, {"role": "assistant", "content": "..."}])
        assert choice.rule is not None and choice.rule.id == "reg-13-receipt"  # the visa's receipt
        _, alone = choose(follow)
        assert alone.rule is None or alone.rule.id != "reg-13-receipt"


def test_a_turn_answered_from_the_regulations_is_followed_up_even_when_its_words_were_everyday_ones():
    first = "客户设备坏了，国外工程师想落地就办，能行吗？"  # everyday words: no term of the texts
    answer = "可以申请口岸签证（《出境入境管理法》第二十条）。"
    follow = "明白。那这种能待几天？"
    assert not is_follow_up(follow, first)
    assert is_follow_up(follow, first, answer)
    reading = read_question(follow, [{"role": "user", "content": first}, {"role": "assistant", "content": answer}], TODAY, [])
    assert reading.follow_up and [r.article for r in reading.answered_refs] == [20]


@pytest.mark.parametrize("follow", ["明白。那这种签证能待几天？", "好的，那要带什么材料？", "这类证件丢了怎么办？"])
def test_an_acknowledgement_then_a_question_or_a_demonstrative_leans_on_the_turn_before(follow):
    assert is_follow_up(follow, "我的居留证件下个月到期，要怎么延期？")


def test_a_title_or_a_reference_ends_no_sentence():
    from regchat.answering.questions import sentences_of

    assert sentences_of("Mr. Diallo read Art. 30 yesterday. Is he late?") == [
        "Mr. Diallo read Art. 30 yesterday.", "Is he late?",
    ]


def test_the_question_alone_is_searched_too_when_a_story_is_told_apart_from_it():
    story = "We hired her in March and she lives in Pudong with her two children. Who must report her departure?"
    assert read_question(story, [], TODAY, []).asking_query == "Who must report her departure?"
    assert read_question("Who must report her departure when she leaves us?", [], TODAY, []).asking_query is None


@pytest.mark.parametrize(
    "question, claim",
    [
        ("朋友说办完离职还能再待两个月，可以慢慢找工作，是不是真的？", "还能再待两个月"),
        ("We came on 3 May. My agent says the hotel registers us, so we need not go to the police. Is that true?",
         "the hotel registers us"),
        ("A colleague told me, there is a ten-day grace after the permit lapses, is that right?", "ten-day grace"),
    ],
)
def test_a_clause_asking_whether_a_claim_holds_asks_about_the_claim_before_it_in_its_sentence(question, claim):
    asked = asked_with_claims(question)
    assert claim in asked and "3 May" not in asked  # the claim, not the story before it


def test_a_date_of_something_in_the_passport_is_still_a_date_of_an_unnamed_thing():
    # the passport carries a visa or a permit: which one ends on that day, the question does not say
    _, choice = choose("The sticker in my passport runs out on 20.1. By when do I have to apply to extend it?")
    assert choice.rule is None and choice.abstains


def test_an_event_only_one_rule_counts_from_told_beside_the_asked_one_is_computed_too():
    reading, choice = choose(
        "Two updates: we moved into a rented house (not a hotel) on 2026-11-16, and my new passport came on "
        "2026-11-18. What must I do and by when?"
    )
    computed = {choice.rule.id, *(r.id for r, _ in choice.also)}
    assert computed == {"law-33-change-registration", "law-39-accommodation"}


@pytest.mark.parametrize(
    ("question", "asking"),
    [
        # a question word that a verb of showing or saying takes belongs to the story, not to what is asked
        ("The landlord wants a letter showing how long my permit lasts, which office issues it?", "which office issues it?"),
        ("The notice says when his stay ends, can he extend it?", "can he extend it?"),
    ],
)
def test_a_question_word_a_verb_of_showing_takes_asks_nothing(question, asking):
    assert asked_with_claims(question) == asking


def test_a_date_cued_first_as_a_return_is_the_step_too_when_its_clause_plans_the_step():
    # back from abroad on 12 September and filing then: a plan to compare with the filing deadline
    reading, choice = choose("他的工作类居留许可9月20号到期，他9月12号从国外回来再去办延期。最晚哪天要申请？")
    assert choice.rule.id == "law-32-extend-residence"
    assert [(r.found.text, day) for r, day in action_dates(reading, choice.rule)] == [("9月12号", dt.date(2027, 9, 12))]
    # ... and the return is no first entry whose residence permit is due 30 days later (Law Art. 30): a
    # question extending a permit held tells a case that article does not govern
    assert "law-30-residence-permit" not in [rule.id for rule, _ in choice.also]


def test_a_rule_whose_case_the_chosen_one_rules_out_is_no_further_rule():
    # an extension of a permit held (Law Art. 32) and a first application after entry (Art. 30): a date
    # of entry told beside the expiry (back from a trip) is no first entry (corpus/rules.json "excludes")
    from regchat.answering.questions import more_rules
    from regchat.deadlines.matching import Candidate, Evidence

    text = "Her residence permit expires on 2026-09-20. She lands in Shanghai on 2026-09-12 after a trip to Lisbon."
    reading = read_question(text, [], TODAY, [])
    roled = dated_roles(reading)
    first = get_rule("law-30-residence-permit")
    told = Candidate(first, 5.0, Evidence(asked_keywords=2.0, role_fit=1.0, role_unique=True, event_words=1.0))
    assert first.excludes == ["law-32-extend-residence"]
    extension = get_rule("law-32-extend-residence")
    assert more_rules([told], extension, date_for(extension, roled), roled) == ()
    # beside a rule it does not rule out, the same candidate is computed too
    health = get_rule("reg-16-health-certificate")
    assert [rule.id for rule, _ in more_rules([told], health, None, roled)] == [first.id]


@pytest.mark.parametrize(
    ("text", "clauses"),
    [
        # a thousands comma ends no clause
        ("Is the RMB 6,500 stipend taxed? And who pays social insurance?",
         ["Is the RMB 6,500 stipend taxed?", "And who pays social insurance?"]),
        ("She came on 3 May, left on 9 May.", ["She came on 3 May,", "left on 9 May."]),
        ("He paid 2,000,000 in 2020, 2021 and 2022.", ["He paid 2,000,000 in 2020,", "2021 and 2022."]),
    ],
)
def test_clauses_keep_the_numbers_whole(text, clauses):
    from regchat.answering.questions import clauses_of

    assert clauses_of(text) == clauses


@pytest.mark.parametrize(
    "question, past",
    [
        # of a clause joining two events, the one with the date says whether it is past
        ("Our new hire got her Z visa and lands in Shanghai on 5 December. By when must she apply?", False),
        ("He arrived on 5 December and wants to extend. By when?", True),
        ("She got her visa last month but lands on 5 December. When is the deadline?", False),
        # an estimate of what is ahead, whatever its 了
        ("我父母明天来，到家估计要半夜了（12月2号晚）。住宿登记最晚什么时候？", False),
    ],
)
def test_a_date_is_told_as_past_by_the_event_it_dates_not_by_another_in_its_clause(question, past):
    from regchat.answering.questions import scan_dates, told_as_past

    found, _ = scan_dates(question, TODAY)
    assert told_as_past(question, found) is past


@pytest.mark.parametrize(
    "question, today, settled",
    [
        # told as past, and only 8 June is not after the day asked: no need to ask which
        ("His new passport was issued 08/06/2026. By when must he update his permit?", dt.date(2026, 6, 10), (6, 8)),
        ("我的新护照08/06/2026已经签发了，居留证件最晚哪天变更？", dt.date(2026, 6, 10), (6, 8)),
    ],
)
def test_an_ambiguous_date_told_as_past_is_its_one_reading_not_after_today(question, today, settled):
    reading = read_question(question, [], today, [])
    assert not reading.date_problems
    assert [(f.month, f.day) for f in reading.dates] == [settled]


@pytest.mark.parametrize(
    "question, today",
    [
        ("He will land on 08/06/2026. By when must he apply?", dt.date(2026, 6, 10)),  # planned: still asked
        ("His passport was issued 03/04/2026. By when must he update his permit?", dt.date(2026, 6, 10)),  # both past
    ],
)
def test_an_ambiguous_date_is_still_asked_about_when_tense_does_not_settle_it(question, today):
    assert read_question(question, [], today, []).date_problems


def test_of_two_dated_events_joined_in_a_clause_a_past_one_makes_the_question_past():
    from regchat.answering.questions import scan_dates, told_as_past

    question = "My residence permit expires on 2027-01-31 and I applied to extend it on 2027-01-05. In time?"
    found, _ = scan_dates(question, TODAY)
    assert told_as_past(question, found)


@pytest.mark.parametrize(
    "question, expiry",
    [
        ("My residence permit runs out on the 20th. By when must I apply to extend it?", dt.date(2026, 12, 20)),
        ("My residence permit ran out on the 20th. What was the last day to apply to extend it?", dt.date(2026, 11, 20)),
    ],
)
def test_a_day_of_the_month_alone_ends_a_permit_this_month_unless_told_as_past(question, expiry):
    # asked on 22 November: "runs out on the 20th" is four weeks ahead, "ran out on the 20th" two days ago
    reading, choice = choose(question)
    assert choice.rule is not None and choice.rule.id == "law-32-extend-residence"
    assert event_date(reading, choice.rule)[1] == expiry


@pytest.mark.parametrize(
    "question",
    ["好的，我后天就过去。要是他们不同意怎么办？", "OK, the day after tomorrow it is. What if they say no?"],
)
def test_a_date_told_as_news_beside_questions_asking_no_date_is_not_the_earlier_event(question):
    history = [
        {"role": "user", "content": "I entered on 2 November with 30 days of stay. By when must I apply to extend?"},
        {"role": "assistant", "content": "Apply at least 7 days before the stay ends (Law Art. 29)."},
    ]
    reading = read_question(question, history, TODAY, [])
    assert dt.date(2026, 11, 24) not in [r.found.resolve(TODAY) for r in dated_roles(reading)]


def test_a_date_told_of_another_person_in_a_follow_up_is_theirs():
    history = [
        {"role": "user", "content": "I entered on a Z visa on 2 November. By when must I apply for the residence permit?"},
        {"role": "assistant", "content": "Within 30 days of entry (Law Art. 30)."},
    ]
    reading = read_question("And his son flies in on the 28th. Same rule for him? What date would that be?", history, TODAY, [])
    assert dt.date(2026, 11, 28) in [r.found.resolve(TODAY, "future") for r in dated_roles(reading)]


@pytest.mark.parametrize(
    "question",
    [
        "Her residence permit lapses on 14 December. By when do we have to apply?",
        "My residence permit runs out on 2027-01-09. When should I apply?",
    ],
)
def test_asking_when_to_apply_asks_the_extension_deadline_not_the_receipt_counted_from_it(question):
    # "residence permit" in one sentence and "apply" in the next match the receipt of a residence-permit
    # application, counted from the day to apply; but that day is what the question asks
    _, choice = choose(question)
    assert choice.rule.id == "law-32-extend-residence" and choice.via is None


def test_a_deadline_asked_without_naming_the_step_is_still_counted_via_the_end_of_the_stay():
    _, choice = choose(
        "My mother came on an S2 with 60 days each stay and landed on 2026-10-02. We forgot the extension "
        "business until now. What was the deadline?"
    )
    assert choice.rule.id == "law-29-extend-stay" and choice.via[0].id == "reg-36-stay-period"



@pytest.mark.parametrize(
    "question, day",
    [
        ("我们订了12月6号的机票回国内，她的居留证件最晚哪天要申请？", dt.date(2026, 12, 6)),
        ("We booked flights for 6 December. By when must she apply for her residence permit?", dt.date(2026, 12, 6)),
    ],
)
def test_a_trip_booked_is_ahead_though_the_booking_is_past(question, day):
    reading = read_question(question, [], TODAY, [])
    assert not reading.past_tense
    assert reading.roles[0].found.resolve(TODAY, "past" if reading.past_tense else "nearest") == day


@pytest.mark.parametrize(
    "question",
    [
        "我姑姑11月2号从罗湖进深圳，签证停留期30天，停留期到哪天？",
        "My aunt is crossing into Shenzhen at Lo Wu on 2026-11-02 with 30 days of stay. When does her stay end?",
    ],
)
def test_crossing_in_at_a_port_is_an_entry(question):
    reading = read_question(question, [], TODAY, [])
    assert [r.role for r in reading.roles] == ["entry"]


@pytest.mark.parametrize(
    "question",
    ["她签证上写着停留30天，日期是2月10日。她最晚哪天必须离开中国？",
     "His visa says stay 45 days and the date on it is 10 February. What is the last day he can be here?"],
)
def test_a_stay_told_with_a_date_of_no_role_is_counted_as_the_stay(question):
    # the visa's duration of stay is what the stay rule counts, whatever words ask for its end
    reading = read_question(question, [], dt.date(2026, 2, 1), [])
    choice = choose_rule(reading, RULES, [])
    assert choice.rule is not None and choice.rule.id == "reg-36-stay-period"


def test_the_stay_a_story_tells_does_not_outweigh_the_rule_the_asking_sentence_names():
    reading = read_question("我姐姐拿S2签证过来，签证上停留期是45天。她5月3号到，住在我家。她住我家要去派出所登记吗？最晚什么时候？",
                            [], dt.date(2026, 4, 20), [])
    choice = choose_rule(reading, RULES, [])
    assert choice.best is None or choice.best.id != "reg-36-stay-period"


@pytest.mark.parametrize("question", ["签证停留期过了5天才发现，会罚多少？", "停留期限超了3天，怎么办？"])
def test_days_past_the_stay_are_no_stay(question):
    # days overstayed are not the visa's duration of stay
    assert read_question(question, [], dt.date(2026, 3, 10), []).stay_days is None


def test_a_when_a_copula_takes_tells_a_date_rather_than_asks_one():
    # "Friday was when we moved in" tells; only the last sentence asks
    clauses = asking_clauses("Friday was when we moved into the flat, the landlord is abroad. Who registers us now?")
    assert clauses == "Who registers us now?"
    assert asking_clauses("When is the deadline, and where do we go?") == "When is the deadline, and where do we go?"


def test_a_step_told_as_planned_for_a_day_is_compared_on_the_coming_day_even_in_a_story_told_in_the_past():
    # 19 February and 19 March 2026 are both Thursdays, a fortnight either side of the day asked
    reading = read_question(
        "Our daughter was born on Friday Jan 16. My wife was planning to go to the office on Thursday the 19th "
        "to register the baby. Is the 19th still ok?", [], dt.date(2026, 3, 5), [],
    )  # fmt: skip
    assert [day for _, day in action_dates(reading, get_rule("law-40-newborn"))] == [dt.date(2026, 3, 19)]


@pytest.mark.parametrize("asked", ["Is that ok?", "Would that be in time?", "Is it fine?"])
def test_a_question_opening_with_is_that_asks_of_the_step_the_sentence_before_it_dates(asked):
    reading = read_question(f"They handed him the penalty decision on 16 November. He plans to pay on 3 December. {asked}",
                            [], dt.date(2026, 11, 24), [])
    assert reading.asks_deadline


def test_a_date_told_first_as_a_stay_wished_for_is_not_the_arrival_its_other_cues_read():
    reading = read_question("客户昨晚到的杭州，我让他住我家客房，打算住到10号。最晚哪天要去登记？", [], dt.date(2026, 10, 4), [])
    assert date_for(get_rule("law-39-accommodation"), reading.roles).found.text == "昨晚"


def test_a_messages_last_sentence_asking_in_its_words_asks_without_its_question_mark():
    message = ("Her permit ends on 3 August. The agent booked her a slot for 20 July. Is that fine? "
               "and if not, what's the last day she could still go")
    assert "what's the last day she could still go" in asking_sentences(message)
    assert asking_sentences("New passport came on the 3rd, permit still has the old number. Must I update it? by when") \
        == "Must I update it? by when"
    assert "by when 2)" in asking_sentences("Moved flats on Friday. 1) must I register? by when 2) and the new lease")
    # (a sentence in the middle holding a question word still tells)
    told = "The agent told us when to come. Is 20 July fine?"
    assert asking_sentences(told) == "Is 20 July fine?"


def test_a_messages_last_sentence_holding_a_question_word_it_does_not_open_with_still_tells():
    message = "How long does the bureau take? What's the fee? We need to tell them when they'll have the cards back."
    assert asking_sentences(message) == "How long does the bureau take? What's the fee?"


@pytest.mark.parametrize(
    "question",
    [
        "我先生是意大利人，跟我们住在厦门，他的证明年1月15日到期。他还想接着住下去，请问要提前多久办延期？",
    ],
)
def test_an_extension_of_a_thing_not_named_asks_whether_it_is_the_visa_stay_or_the_residence_permit(question):
    _, choice = choose(question)
    assert choice.rule is None and choice.reason == "close"
    assert {c.rule.id for c in choice.candidates} == {"law-29-extend-stay", "law-32-extend-residence"}


@pytest.mark.parametrize(
    "question, rule_id",
    [
        ("我太太的居留证2027年1月15日到期，最晚什么时候要去办延期？", "law-32-extend-residence"),
        ("My husband's visa stay runs out on 2027-01-15. How early must he ask for an extension?", "law-29-extend-stay"),
    ],
)
def test_an_extension_of_a_named_thing_is_counted_without_asking(question, rule_id):
    _, choice = choose(question)
    assert choice.rule is not None and choice.rule.id == rule_id


@pytest.mark.parametrize(
    "question, day",
    [
        ("Our engineer entered on the 14th, sorry, I checked the stamp and it is 13 November, on a Z visa. "
         "By when must he apply for the residence permit?", dt.date(2026, 11, 13)),
        ("他11月14号入境的，不对，护照上盖的章是11月13号，拿的Z签证。居留证件最晚哪天申请？", dt.date(2026, 11, 13)),
        ("她持Z签证11月14日入境——不好意思，我又看了一眼登机牌，是11月13日。居留证件最晚哪天申请？", dt.date(2026, 11, 13)),
    ],
)
def test_a_date_the_message_takes_back_gives_way_to_the_one_written_in_its_place(question, day):
    reading, choice = choose(question)
    assert len(reading.dates) == 1  # (the one taken back is gone)
    assert choice.rule.id == "law-30-residence-permit"
    assert event_date(reading, choice.rule)[1] == day


@pytest.mark.parametrize(
    "question",
    [
        # the date taken back is the last one said of something, another told between them
        "我们的孩子10月8号在上海出生，约了12月5号去办登记。等等，我看了出生医学证明，写的是10月7号。最晚哪天办？",
        "Our son was born on 8 October; the appointment is on 5 December. Wait, the birth certificate says "
        "7 October. What is the last day to register him?",
    ],
)
def test_a_date_taken_back_past_another_date_gives_way_to_the_one_in_its_place(question):
    reading, choice = choose(question)
    assert choice.rule is not None and choice.rule.id == "law-40-newborn"
    assert event_date(reading, choice.rule)[1] == dt.date(2026, 10, 7)


@pytest.mark.parametrize(
    "question, passed_on",
    [
        ("Our lodger loves Kunming. She asked me to find out how long she may stay and where to apply. Any idea?",
         "She asked me to find out how long she may stay and where to apply."),
        ("客人很喜欢这里。他让我们帮忙问延长停留要去哪里办。我们该怎么答复？", "他让我们帮忙问延长停留要去哪里办。"),
    ],
)
def test_a_question_passed_on_for_someone_else_is_asked(question, passed_on):
    assert passed_on in asking_sentences(question)


def test_a_word_like_actually_between_two_todays_takes_back_no_date_written_out():
    reading, _ = choose("Our consultant came in on an M visa (30-day stay) on 2 November and is still here today. "
                        "When did his stay actually end, and how many days is he over as of today?")
    assert dt.date(2026, 11, 2) in [r.found.resolve(reading.today) for r in reading.roles if r.role == "entry"]


@pytest.mark.parametrize(
    "text, letters",
    [("she comes on a tourist visa", {"L"}), ("他拿旅游签证来的", {"L"}), ("a transit visa and a Z visa", {"G", "Z"}),
     ("a work permit and a visa", set())],
)
def test_a_visa_named_by_what_it_is_for_is_the_letter_issued_for_it(text, letters):
    from regchat.answering.questions import visas_named

    assert visas_named(text) == letters


@pytest.mark.parametrize(
    "text, letters",
    [("our engineer landed on Z, starts Monday", {"Z"}), ("came in on an X1 and enrolled", {"X1"}),
     ("他持Z入境", {"Z"}), ("她是拿Q1来的", {"Q1"}),
     ("we meet on Monday", set()), ("on a visa", set()), ("Plan on C level", set()),
     # (a letter said to be the visa is it; one said not to be it is not)
     ("签证上印的是Q2不是Q1", {"Q2"}), ("sorry, it was a Q2, not a Q1", {"Q2"})],
)
def test_a_visa_letter_alone_after_the_words_of_holding_it_is_that_visa(text, letters):
    from regchat.answering.questions import visas_named

    assert visas_named(text) == letters


def test_an_entry_dated_on_a_visa_of_residence_dates_the_residence_permit_whatever_words_ask():
    _, choice = choose("HR here. Our new engineer landed yesterday on Z and starts work next week. "
                       "What must we do, and what are the deadlines?")
    assert choice.rule is not None and choice.rule.id == "law-30-residence-permit"


def test_a_residence_permit_counted_from_entry_is_not_offered_for_a_visitor_named_by_her_tourist_visa():
    _, choice = choose("My girlfriend comes on a tourist visa and lands on 11 December. By when must she apply "
                       "for her residence permit?")
    assert choice.rule is None or choice.rule.id != "law-30-residence-permit"


def test_a_permits_longest_validity_is_counted_only_when_the_sentence_that_asks_names_it():
    _, told = choose("He holds a work-type residence permit; his new passport was issued on 19 November. "
                     "Is he late if we go on 1 December?")
    assert told.rule is None or told.rule.id != "law-30-work-permit-validity"
    _, asked = choose("His work-type residence permit was issued on 3 March 2026. How long can a work-type "
                      "residence permit be valid at most?")
    assert asked.rule is not None and asked.rule.id == "law-30-work-permit-validity"


def test_a_follow_up_reads_the_earlier_turns_its_last_turn_goes_on_with():
    history = [
        {"role": "user", "content": "My mother transits Guangzhou for 19 hours on one ticket to Osaka. Does she need a visa?"},
        {"role": "assistant", "content": "No, within 24 hours without leaving the port (Law Art. 22 item 3)."},
        {"role": "user", "content": "Could she sleep at our place instead of the airport?"},
        {"role": "assistant", "content": "She must first apply for temporary entry (Law Art. 23)."},
    ]
    reading = read_question("Now she lands at 07:40 on the 14th and flies on at 10:05 on the 15th. Still ok?", history, TODAY, [])
    assert reading.previous is not None and "transits Guangzhou" in reading.previous and "sleep at our place" in reading.previous


@pytest.mark.parametrize(
    "text, asks_it",
    [("I rent a serviced flat for now, which is ok apart from the noise.", False),
     ("Z or M, which is right for me?", True), ("Which is quicker?", True)],
)
def test_a_relative_which_after_a_comma_asks_nothing(text, asks_it):
    from regchat.answering.questions import is_interrogative

    assert is_interrogative(text) is asks_it


def test_each_visa_named_by_its_purpose_points_at_the_item_issuing_it():
    import json
    from importlib import resources
    from pathlib import Path

    terms = json.loads(resources.files("regchat").joinpath("data/domain_terms.json").read_text(encoding="utf-8"))
    english = (Path(__file__).parents[2] / "corpus" / "cn-foreigner-entry-exit-regulations.md").read_text(encoding="utf-8")
    for visa in terms["visa_categories"]["by_purpose"]["visas"]:
        assert visa["corpus"] in english and visa["corpus"].startswith(f"{visa['letter']} visas")


@pytest.mark.parametrize(
    "question",
    ["Sorry, my mistake: her permit ends on 3 March, not June. Is the 10th still ok?",
     "不对，我看错了，她的居留证件是3月到期，不是6月。10号去还来得及吗？"],
)
def test_a_correction_of_what_was_told_follows_up_the_conversation(question):
    previous = "Her residence permit ends on 3 June. We plan to file the renewal on 10 May. Is that in time?"
    assert is_follow_up(question, previous)
    assert not is_follow_up("What papers does a Z visa application need?", previous)


def test_an_auxiliary_before_a_name_asks_like_one_before_a_pronoun():
    message = "Maria moves to Macao in May. For the card, does Maria apply herself or does the agency do it, and where?"
    assert "does Maria apply herself or does the agency do it," in asking_clauses(message)


def test_a_when_of_time_in_a_sentence_that_tells_asks_nothing():
    message = "We moved to Ningbo in May when my husband got his work permit. Is my own visa enough for a year?"
    assert asking_clauses(message) == "Is my own visa enough for a year?"
    # ... while a word that asks before it still asks
    assert "not sure when" in asking_clauses("I'm not sure when she must leave, the notice is unclear. Can you help?")


def test_a_relative_who_after_a_name_or_a_comma_asks_nothing():
    message = ("the twins, Mia who's nine and Leo who's eleven, had permits that ran out on the 4th. "
               "what I want to know is how much the fine is for the parents")
    assert asking_sentences(message) == "what I want to know is how much the fine is for the parents"
    assert not read_question(message, [], dt.date(2026, 3, 20), []).asks_deadline


def test_a_date_with_its_month_taken_back_replaces_the_one_of_that_month_not_a_plan_between():
    from regchat.answering.dates import find_dates, read_roles
    from regchat.answering.questions import corrected_within

    text = ("宝宝9月20号在深圳出生了。我们约的是11月19号去。等等，出生证明上面写的是9月19号，我一直记成20号了。")
    today = dt.date(2026, 10, 12)
    found = find_dates(text, today)
    _, roles = corrected_within(text, found, read_roles(text, found))
    told = {r.found.text: r.role for r in roles}
    assert told.get("9月19号") == "birth" and told.get("11月19号") == "plan" and "9月20号" not in told


@pytest.mark.parametrize(
    "question, today, expiry",
    [
        # a validity told as lapsed is the last one, however long ago
        ("His residence permit expired on 30 June. By when should he have filed for the extension?",
         dt.date(2026, 9, 2), dt.date(2026, 6, 30)),
        ("她的居留证6月30号已经过期了，原来最晚哪天该去延期？", dt.date(2026, 9, 2), dt.date(2026, 6, 30)),
        # ... one about to lapse is ahead
        ("我的居留证12月15号就过期了，最晚哪天去续？", dt.date(2026, 11, 22), dt.date(2026, 12, 15)),
        ("工作居留证11月30号到期 许可证卡已经续好了 最晚哪天交延期申请", dt.date(2026, 10, 20), dt.date(2026, 11, 30)),
    ],
)
def test_an_expiry_told_as_lapsed_is_the_last_one_and_one_told_as_coming_is_ahead(question, today, expiry):
    reading = read_question(question, [], today, [])
    rule = get_rule("law-32-extend-residence", RULES)
    assert event_date(reading, rule)[1] == expiry



def test_one_of_several_questions_reads_the_visa_its_message_puts_right_before_the_earlier_turns():
    history = [
        {"role": "user", "content": "My mother entered China on 4 April 2026 on a Q1 visa to live with us; I am "
                                    "Chinese. When must she apply for her residence permit?"},
        {"role": "assistant", "content": "Within 30 days of entry: by 4 May 2026 (Law Art. 30)."},
    ]
    part = "when does she have to apply?"
    message = "Sorry, it is a Q2 not a Q1. (1) Is the 4 May date still right? (2) when does she have to apply?"
    reading = dataclasses.replace(read_question(part, history, dt.date(2026, 4, 10), []), message=message)
    # (a Q2 is a visa for a short visit: its holder applies for no residence permit)
    assert choose_rule(reading, RULES, []).rule.id != "law-30-residence-permit"


@pytest.mark.parametrize(
    "question, asked_again",
    [
        ("What if the Spring Festival holiday is in the middle of it?", True),
        ("要是中间赶上国庆放假呢？", True),
        # a date told, or another thing named, is another question
        ("What if the holiday ends on 8 October?", False),
        ("And does the holiday change the fine?", False),
        ("要是拖到国庆假期以后才去办呢？会怎么样？", False),  # what follows from being late
    ],
)
def test_a_follow_up_asking_what_a_holiday_changes_asks_the_earlier_question_again(question, asked_again):
    history = [{"role": "user", "content": "My residence permit expires on 5 February 2026. When must I apply to extend it?"},
               {"role": "assistant", "content": "By 6 January 2026 (Law Art. 32)."}]
    again = asked_again_for_holidays(question, history, dt.date(2025, 12, 20))
    assert (again == (history[0]["content"], [])) is asked_again


def test_a_question_pointing_back_is_read_with_the_last_sentence_before_it_that_tells():
    from regchat.answering.questions import asking_with_referents

    text = "She has a residence card. HR says all staff from abroad must hold a work permit. Who is right? Is that true for her?"
    assert asking_with_referents(text) == ("Who is right? HR says all staff from abroad must hold a work permit. "
                                           "Is that true for her?")
    assert asking_with_referents("Her permit ends in May. When must she apply?") == "When must she apply?"


@pytest.mark.parametrize("seeking", ["ok?", "Right?", "对吗？", "行吗？"])
def test_a_sentence_only_seeking_assent_asks_of_the_sentence_before_it(seeking):
    from regchat.answering.questions import with_referred

    text = f"Her permit ends on 8 October. She will file on 20 October. {seeking}"
    assert with_referred(text) == f"She will file on 20 October. {seeking}"
