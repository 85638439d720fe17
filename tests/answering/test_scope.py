"""What regchat refuses: the question's subject decides, not the place names or nationalities around it."""

import datetime as dt

import pytest

from regchat.answering import Engine
from regchat.answering.scope import (
    REFUSAL,
    foreign_subjects,
    has_subject,
    judge_scope,
    off_topic,
    without_foreign_subjects,
)

TODAY = dt.date(2026, 11, 22)
MIN = 0.4
HIGH, LOW = 0.9, 0.1


def in_scope(question: str, top_score: float | None = LOW, follow_up: bool = False) -> bool:
    return judge_scope(question, top_score=top_score, min_score=MIN, follow_up_context=follow_up).in_scope


# A Chinese-system subject with a nationality, a passport or an off-topic word beside it.
GOVERNED_WITH_DISTRACTIONS = [
    "Speaking as a Brazilian national: after landing in Shanghai, how many days do I have to apply for my residence permit?",
    "I am from the United States and hold an X1 visa; how long after entry do I need a residence permit?",
    "My Japanese passport is full; must my visa be moved to the new passport?",
    "I'm Korean and my work-type residence permit ends next month. When should I renew it?",
    "我持英国护照，工作类居留许可快到期了，什么时候续签？",
    "我是美国人，持Z字签证来华，入境后几天内要办居留证件？",
    "Can the company start paying wages while my work permit is still being processed?",
    "外籍员工还没办好工作许可，公司可以先发薪水吗？",
    "Does the health check report have to be translated before I apply for a residence permit?",
    "入境后体检报告需要翻译成中文才能申请居留许可吗？",
    "My employer pays my social insurance; does that let me overstay my visa while the renewal is pending?",
    "I hold a US green card. May I enter China without a visa?",
    "I live in Hong Kong and commute to Shenzhen for work; which visa do I need?",
]

# Another place's visas or immigration, or a subject the regulations never treat, with China words around it.
OUTSIDE_WITH_CHINA_WORDS = [
    "From my office in Shenzhen, how can I book a UK visa appointment?",
    "Is it possible to get an Australian working holiday visa while living in Guangzhou?",
    "How do I apply for a Taiwan entry permit while in Xiamen?",
    "Living in Beijing, what do I need to move to Canada as a permanent resident?",
    "I work in China. Can I get a US green card through my employer?",
    "我在上海，怎么办理去日本的旅游签证？",
    "在北京的外国人怎么申请申根签证？",
    "Which Chinese bank gives foreigners a credit card most easily?",
    "What's the most affordable data plan for expats in Shanghai?",
    "在中国的外国人用哪家运营商的流量卡最划算？",
    "外国人在广州开银行账户要带什么？",
    "How are foreign employees in Shenzhen taxed on their bonus?",
]


class TestSubjects:
    def test_a_nationality_or_passport_is_not_another_countrys_immigration(self):
        assert foreign_subjects("As a French citizen with a French passport, where do I renew my Chinese visa?") == []
        assert foreign_subjects("持德国护照的外国人") == []

    def test_another_countrys_visa_is_found_in_english_and_chinese(self):
        assert foreign_subjects("Do I need an Italian visa?") == ["Italian visa"]
        assert foreign_subjects("办理新加坡的工作准证") == ["新加坡的工作准证"]
        assert foreign_subjects("Travelling to Vietnam next week") == ["Travelling to Vietnam"]

    def test_setting_the_foreign_matter_aside_leaves_the_rest(self):
        rest = without_foreign_subjects("I have a Schengen visa; can I enter China visa-free?")
        assert "Schengen" not in rest and "enter China" in rest

    def test_a_clause_between_the_nationality_and_the_visa_keeps_them_apart(self):
        assert foreign_subjects("As an American on Z visa, how do I renew it?") == []
        assert foreign_subjects("我来自美国持有Z字签证") == []

    def test_the_lowercase_pronoun_us_is_not_the_united_states(self):
        assert foreign_subjects("Can you tell us which visa our new engineer needs?") == []

    def test_governed_subjects(self):
        assert has_subject("When does my S2 visa expire?")
        assert has_subject("Will I be deported for overstaying?")
        assert has_subject("外国人工作许可证丢了")
        assert not has_subject("Which foreigner-friendly hospital is in Beijing?")

    def test_off_topic_subjects(self):
        assert off_topic("Which mobile operator has the cheapest phone plans?")
        assert off_topic("外国人怎么办信用卡？")
        assert not off_topic("Does the exit-entry office phone my employer to check?")


class TestJudgeScope:
    @pytest.mark.parametrize("question", GOVERNED_WITH_DISTRACTIONS)
    def test_a_governed_subject_is_in_scope_even_with_a_low_score(self, question):
        assert in_scope(question, top_score=LOW)

    @pytest.mark.parametrize("question", OUTSIDE_WITH_CHINA_WORDS)
    def test_foreign_or_off_topic_subjects_are_refused_even_with_a_high_score(self, question):
        assert not in_scope(question, top_score=HIGH)

    def test_weak_domain_words_need_a_retrieval_match(self):
        question = "Must a landlord tell anyone when a foreign tenant moves in?"
        assert in_scope(question, top_score=HIGH)
        assert not in_scope(question, top_score=LOW)
        assert not in_scope(question, top_score=None)

    def test_a_follow_up_leans_on_the_conversation(self):
        assert in_scope("And how long does that take?", top_score=LOW, follow_up=True)

    def test_a_follow_up_about_another_country_is_still_refused(self):
        assert not in_scope("What about a visa for New Zealand?", top_score=HIGH, follow_up=True)

    def test_a_place_name_alone_proves_nothing(self):
        assert not in_scope("What should a foreigner see first in Beijing?", top_score=LOW)


@pytest.fixture(scope="module")
def engine(retriever, shipped_settings):
    return Engine(retriever, shipped_settings)


@pytest.mark.parametrize(
    "question",
    [
        GOVERNED_WITH_DISTRACTIONS[0],
        GOVERNED_WITH_DISTRACTIONS[4],
        GOVERNED_WITH_DISTRACTIONS[6],
        GOVERNED_WITH_DISTRACTIONS[9],
    ],
)
def test_engine_answers_governed_questions_with_distracting_words(engine, question):
    answer = engine.answer(question, today=TODAY)
    assert not answer.refused
    assert answer.citations


@pytest.mark.parametrize(
    "question",
    [
        OUTSIDE_WITH_CHINA_WORDS[0],
        OUTSIDE_WITH_CHINA_WORDS[5],
        OUTSIDE_WITH_CHINA_WORDS[6],
        OUTSIDE_WITH_CHINA_WORDS[8],
        OUTSIDE_WITH_CHINA_WORDS[10],
        "Which phone carrier do foreigners in Guangzhou usually pick?",
    ],
)
def test_engine_refuses_outside_subjects_without_citations(engine, question):
    answer = engine.answer(question, today=TODAY)
    assert answer.refused
    assert answer.citations == [] and answer.deadlines == []
    assert answer.text in REFUSAL.values()


class TestCreativeWriting:
    """A poem about visas is still a poem: refused whatever its subject."""

    @pytest.mark.parametrize(
        "question",
        [
            "Compose a short poem about residence permits.",
            "Can you write me a song about Z visas?",
            "Tell me a joke about the exit-entry administration.",
            "写一首关于签证的诗",
            "给我编个关于居留许可的笑话",
        ],
    )
    def test_refused_firmly(self, question):
        decision = judge_scope(question, top_score=0.9, min_score=0.385, follow_up_context=False)
        assert not decision.in_scope and decision.firm

    @pytest.mark.parametrize(
        "question",
        [
            "Can you tell me how to apply for a residence permit?",
            "Write down the documents I need for a Z visa.",
            "请告诉我居留许可延期要写什么申请材料？",
        ],
    )
    def test_ordinary_requests_to_tell_or_write_stay_in_scope(self, question):
        assert judge_scope(question, top_score=0.9, min_score=0.385, follow_up_context=False).in_scope
