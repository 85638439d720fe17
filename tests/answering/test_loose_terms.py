"""Loose words for measures that differ in what follows ("deported": repatriation or expulsion;
"not allowed to leave": an exit ban or a restriction of activities): a question saying one, and
naming none of the measures, is asked which it was, with each measure's provision quoted."""

import datetime as dt

import pytest

from regchat.answering.loose_terms import (
    cases_of_measures_spoken,
    feared_measures,
    loose_terms,
    says_a_measure,
    told_cases,
    told_measures,
    unclear_measure,
    which_measure_line,
)


def test_every_reading_points_at_its_provision_s_own_words(shipped_provisions):
    for term in loose_terms():
        assert len(term.readings) >= 2, term.name
        for reading in term.readings:
            # (a guide's reading names its section: the guide has no articles)
            provision = shipped_provisions[(reading.doc_id, reading.article, reading.section)]
            for words in (*reading.corpus, *(case.corpus for case in reading.cases)):
                assert words in provision.all_text(), (term.name, reading.en, words)
            # a measure's own name is never one of the loose words for it
            assert not any(term.loose.fullmatch(w) for w in reading.corpus)


@pytest.mark.parametrize(
    "text, measures",
    [
        ("My cousin got kicked out of China last spring. Can he visit again?", {"遣送出境", "驱逐出境", "限期出境"}),
        ("我朋友上个月被遣返了，几年后能再来？", {"遣送出境", "驱逐出境", "限期出境"}),
        ("The police say she is not allowed to leave for now. For how long?", {"不准出境", "限制活动范围"}),
        ("他被派出所限制了，说不准离开，要等多久？", {"不准出境", "限制活动范围"}),
        # "deported", asked of coming back: the ban differs by measure (one to five years, or ten)
        ("My uncle was deported two years ago. When is he allowed back?", {"遣送出境", "驱逐出境"}),
        ("She got deported in 2024; can she ever re-enter China?", {"遣送出境", "驱逐出境"}),
        ("After his deportation, how many years is the ban?", {"遣送出境", "驱逐出境"}),
        ("她被公安“限制了”，要等通知。", {"不准出境", "限制活动范围"}),
        # refused, with nothing said of what: a visa abroad, entry at the border, a residence permit here
        ("Our new hire just got refused. Can he appeal?", {"不予签发签证", "不准入境", "不予签发外国人居留证件"}),
        ("他的申请被拒了，能不能问原因？", {"不予签发签证", "不准入境", "不予签发外国人居留证件"}),
        # sent back by the police, to a country or a city
        ("他去年被警察弄回曼谷了，什么时候能再来？", {"遣送出境", "驱逐出境", "限期出境"}),
        ("Immigration put her on a plane home in March. When may she return?", {"遣送出境", "驱逐出境", "限期出境"}),
        # sent home, told with no one who did it ("被“押回国”了"), the quotation marks of hearsay or not
        ("听老乡说他已经被“押回国”了，几年内不能再来？", {"遣送出境", "驱逐出境", "限期出境"}),
        ("她上个月被弄回老家了，还能再入境吗？", {"遣送出境", "驱逐出境", "限期出境"}),
        # made to leave, by whatever measure ("说要让他离开中国"): which one decides when he may come back
        ("派出所来人查了以后，要他离境，过几年能再来？", {"遣送出境", "驱逐出境", "限期出境"}),
        ("The authorities made her leave the country in May. Can she return next year?", {"遣送出境", "驱逐出境", "限期出境"}),
        # a decision handed over, its heading unread: a refusal, a measure open to review, or an order to leave
        ("Last week the exit-entry office gave him a decision, in Chinese. Can he challenge it?",
         {"不予办理停留居留证件或不予延长居留期限的决定", "遣送出境、拘留审查或限制活动范围的措施", "限期出境", "驱逐出境"}),
        ("派出所昨天给了她一份决定，她看不懂，能不能复议？",
         {"不予办理停留居留证件或不予延长居留期限的决定", "遣送出境、拘留审查或限制活动范围的措施", "限期出境", "驱逐出境"}),
    ],
)
def test_a_loose_word_without_the_measure_s_own_name_is_unclear(text, measures):
    assert {r.zh for r in unclear_measure(text)} == measures


@pytest.mark.parametrize(
    "text",
    [
        "He was repatriated last spring. Can he visit again?",
        "我朋友上个月被驱逐出境了，几年后能再来？",
        "他被限制活动范围了，要等多久？",
        "He has an exit ban and is not allowed to leave.",
        "My residence permit expires soon; when must I apply?",  # no measure spoken of
        "I can't leave the company before my contract ends.",
        "他被限制了，说是因为公司拖欠工资，不能离开。",  # unpaid wages: only an exit ban's case
        "She is not allowed to leave the area while pregnant.",  # a pregnancy: only a restriction's case
        "我们想让他离开中国之前把工作交接好。",  # what the asker wants done before he leaves
        "He received the penalty decision on Monday: a fine of 3,000 yuan.",  # the decision names itself
        "The office will make its decision within 15 days.",  # a decision awaited, none handed over
        "听说受理以后15天内要给决定，我们9月22号交的。",  # a decision still to be given
        "He got a decision ordering him to leave China within a set time.",  # it says which it is
        "遣返场所一般设在哪里？",  # the texts' own term, not a loose word
        "他被处限期出境，要是到期走不了会怎么样？",  # a measure named already (and no loose word)
        "They gave her 限期出境; what if she is not allowed to leave because of the court case?",
        "Who pays when a foreigner is deported?",  # the translation's own word for repatriation
        "What happens to his residence permit now that he has been deported?",  # no coming back asked
        "He was deported and expelled; how many years before he may come back?",  # a measure named
    ],
)
def test_a_measure_named_or_none_spoken_of_is_clear(text):
    assert unclear_measure(text) == ()


def test_being_stopped_at_the_border_is_a_refusal_of_entry_or_an_exit_ban():
    assert {r.zh for r in unclear_measure("They stopped me at the border. For how long?")} == {"不准入境", "不准出境"}
    assert {r.zh for r in unclear_measure("她在口岸过边检时被拦住了，能问原因吗？")} == {"不准入境", "不准出境"}
    assert {r.zh for r in feared_measures("Could they block him at the airport?")} == {"不准入境", "不准出境"}
    # ... and so is not being let through at a crossing, which goods stopped by customs are not
    assert {r.zh for r in unclear_measure("At the checkpoint the officers would not let her through. Why?")} == {"不准入境", "不准出境"}
    assert {r.zh for r in unclear_measure("口岸的边检不让他过，也不说为什么。")} == {"不准入境", "不准出境"}
    assert unclear_measure("Customs would not let us pass with the durian.") == ()
    assert says_a_measure("they could block him at the airport") and not says_a_measure("the airport bus stops at the border")


@pytest.mark.parametrize(
    "text, told",
    [
        ("If I try to fly home, will they stop me at the border?", "不准出境"),
        ("她出境的时候被边检拦下了，为什么？", "不准出境"),
        ("I owe my staff wages; they'll stop me at the border", "不准出境"),  # a case only an exit ban governs
        ("He was stopped at passport control when he arrived. Why?", "不准入境"),
        ("他飞到上海，在边检被拦住了。", "不准入境"),
    ],
)
def test_the_way_through_the_border_told_tells_which_measure_stopped_someone(text, told):
    assert unclear_measure(text) == ()
    assert {r.zh for r in told_measures(text)} == {told}


@pytest.mark.parametrize(
    "text",
    [
        "孩子会不会被遣返啊？",
        "他担心会被遣返，被遣返了多久不能来？",  # said again in the supposing sentence
        "What if she gets kicked out of China, can she come back?",
        "我担心被赶出中国。",
    ],
)
def test_a_measure_only_feared_is_no_measure_taken_and_each_is_what_is_asked_about(text):
    assert unclear_measure(text) == ()
    assert {r.zh for r in feared_measures(text)} == {"遣送出境", "驱逐出境", "限期出境"}


def test_a_measure_told_after_one_feared_is_still_asked_which_it_was():
    text = "我怕会被遣返。后来真的被遣返了，几年后能再来？"
    assert {r.zh for r in unclear_measure(text)} == {"遣送出境", "驱逐出境", "限期出境"}
    assert feared_measures(text) == ()


def test_a_case_only_one_measure_governs_tells_which_it_is():
    text = "I owe my two cooks about three months salary. Can they have the police stop me at the border?"
    assert unclear_measure(text) == ()
    assert [(m.doc_id, m.article) for m in told_measures(text)] == [("cn-exit-entry-law", 28)]
    assert told_measures("Can they stop me at the border?") == ()  # no case told
    assert told_measures("I owe my staff wages.") == ()  # no measure spoken of


def test_the_question_names_each_measure_once_in_the_reader_s_language():
    readings = unclear_measure("she was kicked out of China")
    assert which_measure_line(readings, "en").startswith("Which measure was it: repatriation (遣送出境), or expulsion")
    assert which_measure_line(readings, "zh").startswith("请问是哪一种措施：遣送出境，还是驱逐出境，还是限期出境？")


@pytest.fixture(scope="module")
def engine(retriever, shipped_settings):
    from regchat.answering import Engine

    return Engine(retriever, shipped_settings)


def test_the_engine_asks_which_measure_and_quotes_each_provision(engine):
    answer = engine.answer("My brother was kicked out of China in May. How many years before he can come back?",
                           today=dt.date(2026, 10, 19))
    assert answer.outcome == "clarify"
    assert answer.text.splitlines()[0].startswith("Which measure was it:")
    assert {(c.doc_id, c.article) for c in answer.citations} >= {("cn-exit-entry-law", 62), ("cn-exit-entry-law", 81)}


def test_the_engine_asks_which_way_someone_stopped_at_the_border_was_going(engine):
    answer = engine.answer("我朋友今天在机场过边检时被拦住了，边检不放行，也不说理由。这合法吗？", today=dt.date(2026, 10, 19))
    assert answer.outcome == "clarify"
    assert "不准入境" in answer.text.splitlines()[0] and "不准出境" in answer.text.splitlines()[0]
    assert {(c.doc_id, c.article) for c in answer.citations} >= {("cn-exit-entry-law", 25), ("cn-exit-entry-law", 28)}


def test_the_engine_asks_which_measure_a_deportation_was_when_coming_back_is_asked(engine):
    answer = engine.answer("Our former driver was deported in April. When may he come back to work for us?",
                           today=dt.date(2026, 10, 19))
    assert answer.outcome == "clarify"
    assert "repatriation (遣送出境), or expulsion (驱逐出境)?" in answer.text.splitlines()[0]
    assert {(c.doc_id, c.article) for c in answer.citations} >= {("cn-exit-entry-law", 62), ("cn-exit-entry-law", 81)}


def test_a_loose_word_with_its_day_asked_of_coming_back_asks_which_measure(engine):
    answer = engine.answer("我表哥4月2号被遣返回国了，他最早什么时候可以再来中国？", today=dt.date(2026, 10, 19))
    assert answer.outcome == "clarify" and answer.text.startswith("请问是哪一种措施")
    assert {(c.doc_id, c.article) for c in answer.citations} >= {("cn-exit-entry-law", 62), ("cn-exit-entry-law", 81)}


def test_an_expulsion_named_with_its_day_counts_the_ten_year_ban(engine):
    answer = engine.answer("My former colleague was expelled from China on 3 March 2021. When can he enter China again?",
                           today=dt.date(2026, 11, 22))
    assert [d.date for d in answer.deadlines] == [dt.date(2031, 3, 3)]
    assert ("cn-exit-entry-law", 81) in {(c.doc_id, c.article) for c in answer.citations}


def test_an_expulsion_named_without_its_day_quotes_the_article_of_the_ban(engine):
    answer = engine.answer("Our former director was expelled from China by the Ministry of Public Security. For how "
                           "long is he banned from coming back?", today=dt.date(2026, 11, 22))
    assert not answer.deadlines
    assert answer.citations and answer.citations[0].article == 81


def test_expulsion_compared_with_repatriation_is_not_answered_with_the_expulsion_ban_alone(engine):
    answer = engine.answer("A client asks how long one stays barred from China after being repatriated (遣送出境), "
                           "compared with being expelled (驱逐出境).", today=dt.date(2026, 11, 22))
    assert ("cn-exit-entry-law", 62) in {(c.doc_id, c.article) for c in answer.citations}


def test_a_decision_handed_over_unnamed_is_asked_which_whatever_date_it_gives(engine):
    answer = engine.answer("On 3 November the exit-entry office handed him a decision he cannot read. "
                           "By when must he appeal?", today=dt.date(2026, 11, 5))
    assert answer.outcome == "clarify" and not answer.deadlines
    assert {36, 64, 81} <= {c.article for c in answer.citations}


def test_a_loose_word_with_a_day_is_still_asked_which_measure(engine):
    # (repatriation bans entry for one to five years as decided, expulsion for ten)
    answer = engine.answer("My brother was kicked out of China on 3 May 2022. How many years before he can come back?",
                           today=dt.date(2026, 11, 22))
    assert answer.outcome == "clarify" and not answer.deadlines


@pytest.mark.parametrize(
    "question",
    [
        "My cousin got sent home by the police last spring. When is the earliest he may return to China?",
        "我表哥前年被遣返了，最早什么时候可以再来中国？",
    ],
)
def test_a_date_asked_with_none_to_count_from_depends_on_the_measure_and_is_asked_back(engine, question):
    # when he may come back differs by measure (one to five years, ten years), and no day is told
    answer = engine.answer(question, today=dt.date(2026, 10, 19))
    assert answer.outcome == "clarify" and not answer.deadlines
    assert {(c.doc_id, c.article) for c in answer.citations} >= {("cn-exit-entry-law", 62), ("cn-exit-entry-law", 81)}


@pytest.mark.parametrize(
    "text, item",
    [
        ("老板欠了我们两个月的工资，听说他要回国了", "拖欠劳动者的劳动报酬"),
        ("厂里的工资拖了三个月没发，老板订了回国的机票", "拖欠劳动者的劳动报酬"),
        ("He owes the crew their back pay and wants to fly out on Friday.", "拖欠劳动者的劳动报酬"),
        ("她还有一个没结的民事案件，法院会不会不让她走？", "未了结的民事案件"),
        ("My neighbour is seven months pregnant; can they hold her?", "怀孕或者哺乳自己不满一周岁婴儿"),
    ],
)
def test_a_case_one_measure_governs_is_told_by_the_words_of_the_item_stating_it(text, item):
    assert item in told_cases(text)


def test_a_case_counts_only_told_of_a_measure_the_message_speaks_of():
    assert cases_of_measures_spoken("她怀孕四个月了，派出所能对她拘留审查吗？") == ("怀孕或者哺乳自己不满一周岁婴儿",)
    assert cases_of_measures_spoken("她在哺乳期，公安会把她拘留起来审查吗？") == ("怀孕或者哺乳自己不满一周岁婴儿",)
    assert cases_of_measures_spoken("He owes his cooks wages. Will they stop him at the border?") == ("拖欠劳动者的劳动报酬",)
    # a court named of another matter, a pregnancy told of no measure: no case of a measure
    assert cases_of_measures_spoken("The repatriation decision stands; would a court hear us next?") == ()
    assert cases_of_measures_spoken("My wife is pregnant; which visa does she need?") == ()


def test_a_story_telling_no_case_tells_none():
    assert told_cases("My residence permit expires on 3 March; when must I apply to renew it?") == ()
    # (a wage paid, named as a time, is owed to nobody)
    assert told_cases("罚款能不能等下周发了工资再交？") == ()


@pytest.mark.parametrize(
    "text",
    [
        "My colleague needs an extension. Where does he apply?",
        "他的护照交上去办延期了，要等几天？",
        "If she extends, what does she have to bring?",  # a supposed extension is asked about all the same
    ],
)
def test_extending_without_naming_what_is_extended_asks_which_document(text):
    assert [(r.doc_id, r.article) for r in unclear_measure(text)] == [("cn-exit-entry-law", 29), ("cn-exit-entry-law", 32)]
    assert not says_a_measure(text)  # a word for a document, not for a measure taken


@pytest.mark.parametrize(
    "text",
    [
        "How do I extend my visa?",
        "居留证件怎么延期？",
        "Can I extend my stay by a month?",
        "My blue card needs an extension.",  # the Macao card: another thing extended
        "公司要跟他续签合同。",
        "航班延期了，签证当天到期怎么办？",
    ],
)
def test_extending_a_document_named_or_something_else_is_clear(text):
    assert unclear_measure(text) == ()


def test_a_loose_word_for_a_document_does_not_hide_a_loose_word_for_a_measure():
    # the visa named settles what is extended, not which measure "kicked out" was
    assert {r.zh for r in unclear_measure("He was kicked out of China after his visa extension was refused.")} == {
        "遣送出境", "驱逐出境", "限期出境"}


def test_the_engine_asks_which_document_is_extended_and_quotes_both(engine):
    answer = engine.answer("我同事说要去办延期，需要提前多久去？", today=dt.date(2026, 10, 19))
    assert answer.outcome == "clarify"
    assert answer.text.splitlines()[0].startswith("请问您指的是哪一种：")
    assert {(c.doc_id, c.article) for c in answer.citations} >= {("cn-exit-entry-law", 29), ("cn-exit-entry-law", 32)}


def test_a_document_named_with_a_small_typo_is_named():
    assert unclear_measure("居流证延期提前几天申请？") == ()


def test_an_extension_told_beside_a_measure_taken_asks_no_document():
    # the message is about the repatriation, not about which extension was pending
    assert unclear_measure("He was repatriated last month while his extension was pending. How long to appeal?") == ()
    assert unclear_measure("他延期还没批下来就被遣送出境了，多久内可以申请复议？") == ()
    # ... and a measure said loosely is asked about, not the document
    assert {r.group for r in unclear_measure("He got kicked out of China while his extension was pending.")} == {"measure"}


@pytest.mark.parametrize(
    "text",
    ["The work card of our Wuxi engineer went missing on a train. What now?", "他的工作证丢了，公司该怎么办？",
     "My nephew lost his permit card at the station. How does he get a new one?"],
)
def test_a_work_card_lost_and_named_loosely_asks_which_document(text):
    readings = unclear_measure(text)
    assert [(r.doc_id, r.article) for r in readings] == [
        ("cn-work-permit-card", None), ("cn-foreigner-entry-exit-regulations", 17), ("mo-non-resident-worker-card", None)]
    assert all(r.section for r in readings if r.article is None)


@pytest.mark.parametrize(
    "text",
    ["He lost his work permit card.", "他的工作证（居留证件）丢了", "Her Macao work card is gone.", "外雇的工作证丢了",
     "隔壁工地有两个外国人没有工作证在干活，能举报吗？",  # a work card only mentioned: nothing asked of it
     "What is printed on the back of a work card?",
     "Our engineer's wrk permit card got lost."],  # the permit named, with a typo: no loose word
)
def test_a_work_card_named_by_its_own_name_in_macao_or_only_mentioned_is_clear(text):
    assert unclear_measure(text) == ()


def test_the_engine_asks_which_work_card_and_quotes_the_guide_and_the_regulations(engine):
    answer = engine.answer("A colleague in Suzhou mislaid her work card at the gym. How is it replaced?", today=dt.date(2026, 10, 19))
    assert answer.outcome == "clarify" and answer.text.startswith("Which do you mean: the Foreigner's Work Permit card")
    # (Suzhou is on the mainland: Macao's card is not among the readings)
    assert {c.doc_id for c in answer.citations} == {"cn-work-permit-card", "cn-foreigner-entry-exit-regulations"}
    anywhere = engine.answer("I lost my work card yesterday. How is it replaced?", today=dt.date(2026, 10, 19))
    assert "mo-non-resident-worker-card" in {c.doc_id for c in anywhere.citations}


@pytest.mark.parametrize(
    "text",
    ["His visa was refused at the embassy. Can he appeal?", "She was refused entry at Pudong.",
     "Her work permit application was rejected.", "He was rejected for the job.", "我们的材料被拒收了。",
     "And if his renewal is denied?", "我申请延长居留期限被拒绝了，怎么办？"],
)
def test_a_refusal_that_says_what_was_refused_or_refuses_something_else_is_not_asked_back(text):
    assert not any(r.zh == "不予签发外国人居留证件" for r in unclear_measure(text))


@pytest.mark.parametrize(
    "question",
    ["我岳父今年七十三岁，昨天被带去拘留审查了，会不会一直关着？", "Our neighbour, 74 years old, was taken for detention for examination."],
)
def test_an_age_of_seventy_or_more_told_in_everyday_words_is_the_case_detention_does_not_apply_to(question):
    assert cases_of_measures_spoken(question) == ("未满十六周岁或者已满七十周岁",)
    # a duration in years is no age
    assert cases_of_measures_spoken("He has lived here 75 yrs in all and was taken for detention for examination.") == ()
