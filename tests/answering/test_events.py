"""Events of a life a message tells (a death, a birth in China): the message is answered first from
the close provision stating the duty the event brings, not from those sharing more of its words."""

from __future__ import annotations

import datetime as dt

import pytest

from regchat.answering import Engine
from regchat.answering.events import events, events_told

TODAY = dt.date(2026, 6, 8)
DEATH = ("死亡证明", "出现死亡、失踪等情形")  # the family's report (Law Art. 40 para. 2), the employer's (Regs Art. 26 (4))
PERMANENT_RESIDENT = ("凭永久居留证件在中国境内居留和工作", "may reside or work in China on the strength of permanent residence permits")
LEAVING_THE_JOB = ("聘用的外国人离职", "resignation or change of work location", "Residence and Stay Affairs Department cancels")
LEAVING_THE_SCHOOL = ("毕业、结业、肄业、退学", "completed the course without graduation")
MOVING_IN = ("旅馆以外的其他住所", "domiciles other than hotels")
WORK_WITHOUT_PERMIT = ("非法就业", "unlawful employment")
CREW_ASHORE = ("外国船员及其随行家属登陆港口所在城市的",)
CREW_LEAVES_THE_PORT_CITY = ("外国船员及其随行家属在中国境内停留需要离开港口所在城市",)


@pytest.fixture(scope="module")
def engine(retriever, shipped_settings):
    return Engine(retriever, shipped_settings)


def test_every_word_stating_an_event_is_the_official_texts_own(shipped_provisions):
    for event in events():
        for word in event.stated:
            assert any(word in p.all_text() for p in shipped_provisions.values()), word


@pytest.mark.parametrize(
    "text, stated",
    [
        ("Our colleague passed away in hospital on Friday.", DEATH),
        ("我公公上个月在上海病逝了。", DEATH),
        ("技术总监周六晚上突发心梗，在医院走了。", DEATH),
        ("送到医院抢救无效。", DEATH),
        ("My wife gave birth in Shenzhen on 3 May.", ("出生证明",)),
        ("宝宝出生两周了，还没办手续。", ("出生证明",)),
        ("Her switch to a new employer in Taipa was approved on Monday.", ("transfer to another employing entity",)),
        ("他在澳门转换雇主已经批了。", ("transfer to another employing entity",)),
        ("Do we have to tell anybody he's left?", LEAVING_THE_JOB),
        ("公司要不要去报备他离职？", LEAVING_THE_JOB),
        ("她下周辞职，公司这边要做什么？", LEAVING_THE_JOB),
        ("He dropped out in March: did the college have to report it?", LEAVING_THE_SCHOOL),
        ("My aunt is moving in with us next week: do we register her anywhere?", MOVING_IN),
        ("朋友下周搬进我家住，要去派出所登记吗？", MOVING_IN),
        ("My parents land on Friday and they'll stay with us for a month: do we register them anywhere?", MOVING_IN),
        ("Two of our tutors came in on tourist visas and teach weekend classes. Is that legal?", WORK_WITHOUT_PERMIT),
        ("那位厨师拿商务签证来的，已经在后厨干活两周了，会被罚吗？", WORK_WITHOUT_PERMIT),
        # a crew member going ashore: temporary entry (Law Art. 23 item (1)), a stay permit beyond the port city (Art. 34)
        ("Two deckhands want shore leave tonight while the ship is at berth.", CREW_ASHORE),
        ("船上的轮机长想下船去市区逛逛，要办什么？", CREW_ASHORE),
        ("The ship's chief engineer wants to take the train to Beijing for two days.", CREW_LEAVES_THE_PORT_CITY),
        ("二副想趁靠港去杭州玩两天。", CREW_LEAVES_THE_PORT_CITY),
        # a standing that settles what is asked of working: a permanent resident works on the card
        ("She holds a Chinese permanent residence card. Does she need a work permit to join us?", PERMANENT_RESIDENT),
        ("他拿到了五星卡，去公司上班还要办工作许可吗？", PERMANENT_RESIDENT),
    ],
)
def test_an_event_told_is_read_as_the_texts_state_it(text, stated):
    assert events_told(text) == stated


@pytest.mark.parametrize(
    "text",
    [
        "I was born in Canada and moved here in 2019.",  # the asker's own birth abroad, no birth in China
        "My date of birth is wrong on the permit.",
        "He says his residence permit dies the day it expires.",  # a permit running out, no death
        "He has left China for good.",  # a departure from the country, no job ended
        "他去年已经离职回国了，现在还能罚公司吗？",  # a resignation told beside a question that asks no report
        "The project is dead, so she leaves in May.",
        "气死了！签证被拒了，领馆一句理由都不给。",  # furious, nobody died
        "他昨天从医院走了，回家休养。",  # left the hospital, nobody died
        "这周忙死了，下周三才有空去办变更，来得及吗？",  # busy, nobody died
        "She moved into a new role in May; is her work permit still valid?",  # a job, no home
        "He moved in with us in March. His visa ends on 10 May: by when must he extend it?",  # no registration asked
        "My mother visits on a tourist visa while I work in Chengdu. Is that legal?",  # two people: who works holds no visa told
        "申请X1签证被拒了，工作人员没说理由，合法吗？",  # the visa office's staff, no work done
        "The captain of our flight said we would land early.",  # told of a crew, nobody going ashore
    ],
)
def test_no_event_is_told(text):
    assert events_told(text) == ()


def test_an_event_told_in_the_story_is_brought_to_the_question_asking_its_step():
    story = "He moves out of the company flat on the 16th into a friend's apartment."
    assert events_told(f"{story} Anything to do for that?", "Anything to do for that?") == MOVING_IN
    # (a question asking a penalty asks none of the story's steps, but asks of a breach the story tells)
    assert events_told("He resigned last week. What is the fine for a late report?", "What is the fine for a late report?") == ()
    story = "Our two tutors came on tourist visas and we pay them by the hour."
    assert events_told(f"{story} What fine could we get?", "What fine could we get?") == WORK_WITHOUT_PERMIT
    # (a death the story tells, to a sentence asking of reporting it)
    assert events_told("Our engineer died on Monday. Must the firm notify anyone?", "Must the firm notify anyone?") == DEATH
    # (an event with no words of asking, a birth, is brought only where it is asked of)
    assert events_told("We had a baby on 2 May. Which visa does grandma need?", "Which visa does grandma need?") == ()


def test_a_death_told_is_answered_from_the_familys_report_first(engine):
    answer = engine.answer("My mother-in-law, who lived with us in Xiamen on a family residence permit, "
                           "died on Tuesday. What must we do with her permit?", today=TODAY)
    first = answer.citations[0]
    assert (first.doc_id, first.article) == ("cn-exit-entry-law", 40)


@pytest.mark.parametrize(
    "question",
    [
        "My brother drives for a bakery in Macao on the blue card; his transfer to a new employer got approved. "
        "Is it a renewal of the card now?",
        "我在澳门做外劳，转换雇主批下来了，外雇证是不是要续期？",
        # ... told in everyday words
        "My tenant in Taipa moved to a laundry company last month (the transfer was approved). Her blue card still "
        "shows the old shop. Does she have to do anything about the card?",
        "我老公在澳门酒店做厨师，拿蓝卡。新东家的聘用许可批下来了，下个月转过去。他的卡要怎么办？",
    ],
)
def test_an_approved_move_to_a_new_employer_in_macao_is_answered_from_the_cards_replacement(engine, question):
    answer = engine.answer(question, today=TODAY)
    assert answer.citations[0].doc_id == "mo-non-resident-worker-card"
    assert "transfer to another employing entity" in answer.text or "转换雇主" in answer.text


def test_the_events_step_comes_first_and_what_is_asked_of_it_beside_it(engine):
    answer = engine.answer("我是广西人，在澳门茶楼做点心师傅，拿外雇证。原来的老板月底结业，新老板那边已经批了转雇主。"
                           "证上面写的还是旧公司，要去办什么手续？在哪里办？得满足什么条件？", today=TODAY)
    assert "转换雇主" in answer.text and "氹仔" in answer.text and answer.outcome != "not_stated"


def test_a_birth_told_beside_a_registration_asked_is_answered_from_the_babys_registration(engine):
    answer = engine.answer("我们公司一位德国籍员工，他太太上个月在广州生了个儿子，宝宝要去哪里办什么登记？要带什么？",
                           today=TODAY)
    first = answer.citations[0]
    assert (first.doc_id, first.article) == ("cn-exit-entry-law", 40)


def test_a_birth_the_story_only_tells_does_not_make_the_babys_registration_the_answer(engine):
    answer = engine.answer("We just had a baby in Suzhou. My mother-in-law from Utrecht wants to live with us for a "
                           "year to help. Which visa should she apply for?", today=TODAY)
    assert ("cn-exit-entry-law", 40) not in [(c.doc_id, c.article) for c in answer.citations]


def test_a_birth_told_in_the_story_is_asked_of_by_a_question_naming_what_to_do():
    message = "我们家宝宝10月2号在杭州出生了，医院给了证明。这个小家伙这边是不是要办点什么东西？"
    assert events_told(message, "这个小家伙这边是不是要办点什么东西？") == ("出生证明",)


@pytest.mark.parametrize("asking", ["我岳母下周搬来跟我们住，需不需要弄什么？", "朋友住到我家来了，要不要去登记？"])
def test_a_move_asked_in_everyday_words_asks_its_registration(asking):
    assert events_told(asking, asking) == MOVING_IN


def test_a_macao_worker_leaving_for_good_is_answered_from_the_cards_cancellation(engine):
    answer = engine.answer("我们在澳门开餐厅，菲律宾厨师合约做完，下个月离职回国，他那张外雇证要不要去注销？", today=TODAY)
    first = answer.citations[0]
    assert (first.doc_id, first.section) == ("mo-non-resident-worker-card", "Cancellation")


@pytest.mark.parametrize(
    "question",
    ["My husband got his Chinese permanent residence card last year. A design firm wants to hire him and their HR "
     "says he still needs a work permit and a work-type residence permit first. Is that right?",
     "我太太拿到了中国永久居留身份证，现在想去朋友公司上班，公司说还得先办工作许可和工作类居留证，真的吗？"],
)
def test_a_permanent_resident_asked_about_work_is_answered_from_the_permanent_residence_article_first(engine, question):
    first = engine.answer(question, today=TODAY).citations[0]
    assert (first.doc_id, first.article) == ("cn-exit-entry-law", 48)


@pytest.mark.parametrize(
    "question",
    ["Our ship is berthed at Tianjin for a week. Two of the crew have no Chinese visa, only seaman's books. Can they "
     "go ashore to see the city, and what do they apply for?",
     "我们的货轮在天津港靠泊一周，两个船员没有中国签证，只有海员证，想上岸去市区逛逛，要办什么手续？"],
)
def test_crew_going_ashore_are_answered_from_temporary_entry_first(engine, question):
    first = engine.answer(question, today=TODAY).citations[0]
    assert (first.doc_id, first.article) == ("cn-exit-entry-law", 23)


def test_a_permanent_resident_asked_whether_a_rule_told_before_applies_is_answered_from_permanent_residence(engine):
    # the words of working stand in the sentence the question points back at
    answer = engine.answer("We plan to take on Tomas, whose Chinese green card he says spares us any work permit or Z "
                           "visa. Our accountant insists all staff from abroad need a work permit plus a work-type "
                           "residence permit, or the firm is fined per head. Which of them is correct? Is that true for "
                           "him as well, given his PR status?", today=TODAY)
    first = answer.citations[0]
    assert (first.doc_id, first.article) == ("cn-exit-entry-law", 48)
