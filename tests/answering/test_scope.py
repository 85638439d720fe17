"""What regchat refuses: the question's subject decides, not the place names or nationalities around it."""

import datetime as dt
import json
import re
from importlib import resources
from pathlib import Path

import babel
import pytest

from regchat.answering import Engine
from regchat.answering.scope import (
    NEIGHBOUR_NOTE,
    asks_of_visiting_macao,
    REFUSAL,
    foreign_matters,
    foreign_subjects,
    governs_citizens,
    has_domain_words,
    has_subject,
    english_term,
    judge_scope,
    off_topic,
    off_topic_question,
    refusal,
    without_foreign_subjects,
)
from regchat.answering.territories import HOME, NEIGHBOURS

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
_SKIP = HOME | NEIGHBOURS | {"ZZ", "XA", "XB", "UN", "EZ", "QO"}
EN_NAMES = babel.Locale("en").territories
ZH_NAMES = babel.Locale("zh").territories
ZH_HANT_NAMES = babel.Locale("zh", "Hant").territories
FOREIGN_CODES = sorted(c for c in EN_NAMES if c.isalpha() and c not in _SKIP)

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
    "留学生可以在校外勤工助学吗？每周几个小时？",  # students' work is the Law's (Arts. 42-43), wages or not
    "Can international students in Beijing do paid work-study?",
    "我的外雇证还是旧老板的资料，换了雇主要怎么办？",  # 外雇证: the Macao worker's card, as people call it
    "拿K签入境的人可以在这边上班领工资吗？",  # K签: a K visa, as people write it
    "m签能延几次",  # typed in lower case on a phone
    "老外同事的证丢了，怎么补？",  # a lost card or permit
    # a posting abroad, asked with what it does to a Chinese permit
    "公司打算派她去迪拜的分公司待两年，她的中国永居会不会因为长期不在中国被取消？",
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
    # HK written as people write it; staying or working in a place is that place's matter; the mainland
    # named only to compare with (""as in China") ties nothing to it
    "Our engineer moves from Shanghai to our HK office: can he start working in HK on a visitor entry?",
    "After her contract ends, may she stay in HK a while, and are overstayers fined there as in China?",
    # every clause that asks is about Hong Kong; the Macao card only says who asks
    "I work in Macao on a blue card. How do I apply for the HK employment visa, and do my years count toward HK permanent residency?",
    # another place's card named by its colour, in Chinese as in English
    "我们苏州的公司要派一名工程师常驻荷兰，他该申请欧盟蓝卡吗？多久能下来？",
    "在广州工作的外国人能申请美国绿卡吗？",
    # a tenancy dispute, whatever became of the tenant
    "My tenant from Peru flew home for good in May. He is two months behind on the rent: may I keep the security deposit?",
    "我的租客是英国人，已经回国了，走之前还欠两个月房租。押金能不能不退？",
]


class TestSubjects:
    def test_a_nationality_or_passport_is_not_another_countrys_immigration(self):
        assert foreign_subjects("As a French citizen with a French passport, where do I renew my Chinese visa?") == []
        assert foreign_subjects("持德国护照的外国人") == []

    def test_another_countrys_visa_is_found_in_english_and_chinese(self):
        assert foreign_subjects("Do I need an Italian visa?") == ["Italian visa"]
        assert foreign_subjects("办理新加坡的工作准证") == ["新加坡的工作准证"]
        assert foreign_subjects("Travelling to Vietnam next week") == ["Travelling to Vietnam"]

    def test_a_place_requiring_or_granting_a_matter_is_that_places_matter(self):
        assert foreign_subjects("Which entry permit does Thailand require for students?") == ["entry permit does Thailand require"]
        assert foreign_subjects("How long does the Hong Kong side give visitors?") == ["Hong Kong side"]
        assert foreign_subjects("泰国那边一般给几天？") == ["泰国那边一般给"]
        # (China's office requiring, or a trip that starts there, is not)
        assert foreign_subjects("Which papers does the exit-entry office require for my renewal?") == []
        assert foreign_subjects("从泰国给公司寄了材料") == []

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
        assert off_topic("Does the labour law give me severance if my contract ends early?")
        assert off_topic("外籍员工的年终奖怎么扣税？") and off_topic("Is medical insurance compulsory for my kids?")
        assert off_topic("试用期可以不交养老保险吗？")
        # (the English names of the social insurance schemes the Chinese list holds: 公积金, 失业保险)
        assert off_topic("Do we owe the housing fund for him?") and off_topic("What is the employer contribution rate?")
        assert not off_topic("Will the exit-entry administration call my employer to verify?")

    def test_no_off_topic_term_occurs_in_the_corpus(self):
        # A category the documents never treat: none of its words can hide a provision.
        text = " ".join(p.read_text(encoding="utf-8") for p in CORPUS.glob("*.md"))
        data = json.loads(resources.files("regchat").joinpath("data/off_topic.json").read_text(encoding="utf-8"))
        en = [t for c in data["categories"] for t in c["en"]]
        zh = [t for c in data["categories"] for t in c["zh"]]
        assert [t for t in en if re.search(rf"\b{re.escape(t)}\b", text, re.I)] == []
        assert [t for t in zh if t in text] == []
        assert all(off_topic(t) for t in en + zh)

    def test_a_typo_of_a_corpus_term_is_still_the_subject(self):
        assert has_subject("residnce permit renewal?")
        assert has_subject("居流许可怎么延期")
        assert has_domain_words("pasport")

    @pytest.mark.parametrize("text", ["Does a ferry to Macau count as exiting?", "He exited via Shenzhen Bay", "she exits tomorrow"])
    def test_a_domain_verb_is_read_in_its_forms(self, text):
        assert has_domain_words(text)

    @pytest.mark.parametrize(
        "text",
        ["Which towns are closed to foreign nationals?", "Do aliens have to carry ID?", "rules for non-Chinese citizens"],
    )
    def test_the_laws_foreigners_in_other_words_are_the_domains(self, text):
        assert has_domain_words(text)

    @pytest.mark.parametrize("text", ["我们的荷兰会计把卡丢了", "一个韩国人问怎么补", "她是巴西客户"])
    def test_a_person_named_by_a_country_in_chinese_is_a_foreigner(self, text):
        assert has_domain_words(text)

    @pytest.mark.parametrize("text", ["日本车好不好？", "中国人去哪里玩", "台湾同学请客"])
    def test_a_country_named_beside_no_person_or_the_home_places_people_are_not(self, text):
        assert not has_domain_words(text)


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


class TestEveryCountry:
    """Every CLDR territory but mainland China, Macao, Hong Kong and Taiwan, named in English,
    simplified or traditional Chinese: its visa is another country's matter, its nationals'
    questions about China's permits are China's."""

    @pytest.mark.parametrize("code", FOREIGN_CODES)
    def test_its_visa_is_refused_in_english_and_chinese(self, code):
        for question in (
            f"What does it take to obtain a {EN_NAMES[code]} visa?",
            f"{ZH_NAMES[code]}签证怎么办理？",
            f"{ZH_HANT_NAMES[code]}簽證怎麼辦理？",
            f"I want to move to {EN_NAMES[code]} and need a work permit there.",
        ):
            decision = judge_scope(question, top_score=HIGH, min_score=MIN, follow_up_context=False)
            assert not decision.in_scope and decision.firm, question

    @pytest.mark.parametrize("code", FOREIGN_CODES)
    def test_its_nationals_asking_about_chinese_permits_stay_in_scope(self, code):
        for question in (
            f"I am a citizen of {EN_NAMES[code]}; within how many days of entry must I apply for a residence permit?",
            f"{EN_NAMES[code]} passport holders: can we extend our stay in China?",
            f"我是{ZH_NAMES[code]}人，入境后多少天内要申请居留证件？",
            f"我持{ZH_NAMES[code]}护照，工作许可丢了怎么补办？",
        ):
            assert in_scope(question, top_score=LOW), question


class TestWhatTheStoryOnlyTells:
    def test_an_everyday_matter_only_the_story_tells_is_no_subject(self):
        # the taxi is where the permit was lost; the question asks how to replace the permit
        assert in_scope("Our engineer left his permit in a taxi on Monday. How can we get it back, or get another?", top_score=HIGH)
        # ... but a card only the story names, asked about with nothing of the domain, stays out
        assert not in_scope("My Visa debit card was declined at the bank, what now?", top_score=HIGH)

    def test_a_consulate_named_beside_a_question_on_a_chinese_permit_is_in_scope(self):
        assert in_scope("我住在三亚，今天包被偷了，护照和居留证都在里面。先找美国领事馆还是先找出入境？居留证怎么补？要带什么？", top_score=HIGH)
        assert not in_scope("Which visa does the German consulate give for a trip to Germany?", top_score=HIGH)


class TestNationalityAndForeignMatters:
    @pytest.mark.parametrize(
        "question",
        [
            "Brazilian here: by which day after landing do I file for my residence permit?",
            "As a Norwegian, may I apply for an extension of my stay permit?",
            "Our Mexican engineer lost his work permit card; how is it reissued?",
            "我是墨西哥人，工作类居留许可到期前多久要申请延期？",
            "挪威员工的工作许可丢了怎么办？",
            "With a Dutch passport and an S1 visa, is a residence permit required?",
        ],
    )
    def test_an_adjective_of_nationality_beside_a_chinese_permit_is_in_scope(self, question):
        assert in_scope(question, top_score=LOW)

    @pytest.mark.parametrize(
        "question",
        [
            "Is a Brazilian visa hard to get?",
            "How long does a Norwegian work permit take?",
            "Mexican residence permit requirements",
            "Do I need a Schengen visa for Spain?",
            "墨西哥签证要准备什么材料？",
            "去挪威需要签证吗？",
            "Can I transfer my H-1B visa to a new employer?",
            "How do I apply for an F-1 visa?",
            "Which documents does the Korean consulate want from a Chinese citizen on a work permit?",
            "I overstayed in Canada before: how long is the Canadian re-entry ban?",
            "泰国领事馆办旅游签要什么材料？我在上海有工作许可",
            # the place's own rules
            "What do Vietnamese rules say about how many hours a student may work there?",
            "我儿子在曼谷读书，泰国那边规定留学生可以打工吗？",
        ],
    )
    def test_another_countrys_visa_by_adjective_or_letter_is_refused(self, question):
        assert not in_scope(question, top_score=HIGH)

    @pytest.mark.parametrize(
        "question",
        [
            "Where can a Chinese visa be applied for when I live in Peru?",
            "May a Z visa be issued in Japan?",
            "The Indian engineer work permit renewal: what is needed?",
            "An American Z visa holder wants to stay longer.",
            "在加拿大办中国签证要带什么？",
            "人在英国，可以申请X1字签证吗？",
            "Arriving from Singapore visa-free, how many days may I remain?",
        ],
    )
    def test_chinas_matter_named_abroad_or_held_by_a_foreign_person_is_chinas(self, question):
        assert foreign_subjects(question) == []
        assert in_scope(question, top_score=LOW)

    @pytest.mark.parametrize("question", ["Is a Q1 visa needed for family reunion?", "J2签证怎么申请？", "X1 visa: how long?"])
    def test_the_visa_letters_china_issues_are_chinas(self, question):
        assert foreign_matters(question) == []

    @pytest.mark.parametrize("question", [
        "下周带新请的印尼姐姐去出入境事务厅办外地雇员身份认别证，要带什么？",
        "旅行团的签证能在口岸办吗，还是要提前在俄罗斯那边的使馆办？",
        "我们的菲律宾阿姨去办签证要带什么？",
    ])
    def test_a_person_or_an_embassy_a_country_describes_is_no_matter_of_that_country(self, question):
        assert foreign_matters(question) == []

    def test_a_place_name_that_is_an_ordinary_word_of_the_corpus_is_a_place_only_as_a_proper_noun(self):
        assert foreign_subjects("Réunion visa") != []
        assert foreign_subjects("a family reunion visa for my parents") == []

    def test_a_place_inside_a_longer_chinese_word_is_no_place(self):
        assert foreign_subjects("内蒙古的居留许可") == []  # 蒙古 (Mongolia) inside 内蒙古 (Inner Mongolia)

    def test_accents_and_full_width_brackets_are_read(self):
        assert foreign_subjects("A Côte d’Ivoire visa") != []
        assert foreign_subjects("刚果（金）签证") != []


class TestHongKongTaiwanAndMacao:
    @pytest.mark.parametrize(
        "question",
        ["How do I get a Hong Kong work visa?", "香港工作签证怎么办？", "大陆居民往来台湾通行证的签注在哪里办理？", "Taiwan entry permit for mainland residents"],
    )
    def test_hong_kong_and_taiwan_matters_are_refused_with_a_one_line_reason(self, question):
        decision = judge_scope(question, top_score=HIGH, min_score=MIN, follow_up_context=False)
        assert not decision.in_scope and decision.note == NEIGHBOUR_NOTE
        assert refusal("en", decision) == REFUSAL["en"] + "\n" + NEIGHBOUR_NOTE["en"]
        assert len(NEIGHBOUR_NOTE["en"].splitlines()) == 1

    @pytest.mark.parametrize(
        "question",
        ["我是台湾人，拿台胞证，在广州找了工作，要不要办工作许可和工作类居留证？",
         "I hold a Home Return Permit and got a job in Shanghai: do I need a work permit and a work-type residence permit?"],
    )
    def test_who_holds_a_residents_document_of_hong_kong_or_taiwan_is_no_foreigner(self, question):
        decision = judge_scope(question, top_score=HIGH, min_score=MIN, follow_up_context=False)
        assert not decision.in_scope and decision.note == NEIGHBOUR_NOTE

    @pytest.mark.parametrize(
        "question",
        ["我同事在台湾旅游的时候逾期停留了两天，那边会罚款吗？", "我想申请香港的优秀人才入境计划，要什么条件？",
         # what the sentences that ask put in Hong Kong, whatever Chinese permit the story holds
         "我在深圳工作，有中国的工作许可。香港那边的工作签证怎么申请？",
         "I work in Shenzhen on a Z visa. What's the fine in Hong Kong for overstaying as a visitor?",
         "他在上海有工作类居留证件。香港的专才计划要什么条件？",
         "hk work visa how apply"],  # typed in lower case
    )
    def test_a_stay_there_or_what_is_applied_for_there_is_that_places_matter(self, question):
        decision = judge_scope(question, top_score=HIGH, min_score=MIN, follow_up_context=False)
        assert not decision.in_scope and decision.note == NEIGHBOUR_NOTE

    @pytest.mark.parametrize(
        "question",
        ["我朋友德国的，11月20号到的，要在几天内去登记？",
         "我在香港工作。现在在香港能申请中国的Z字签证吗？",
         "He lives in Hong Kong. Can he apply for an L visa in Hong Kong?"],
    )
    def test_a_place_that_is_who_asks_or_where_chinas_visa_is_applied_for_stays_in_scope(self, question):
        assert judge_scope(question, top_score=HIGH, min_score=MIN, follow_up_context=False).in_scope

    @pytest.mark.parametrize(
        "question",
        [
            # a mainland city ties it to China's rules, beside her own country's consulate
            "My wife lives with me in Chengdu on a personal-matters residence permit. Her passport was stolen and"
            " the Mexican consulate has issued her a new one. What must she do now about the residence permit?",
            # the police and their decisions are the domain's words in Chinese as in English
            "民警给了我一张决定书，说15天内要处理好，是什么意思？",
            "The police gave me a decision: 15 days to sort it out. What does it mean?",
            # China's visa typed as people type it, and the corpus's own names of China's permits, beside a place
            # abroad where the step is taken
            "同事在美国旧金山的总领馆申请Z签，大概多久能出签？",
            "她要办一年的学习类居留证件，在日本东京做的体检还能用吗？",
            # a person named by a nationality is a foreigner, as 巴西籍 is
            "A Brazilian engineer of ours quit last week. Must we tell the authorities?",
        ],
    )
    def test_a_question_tied_to_chinas_rules_by_a_city_or_a_police_decision_is_in_scope(self, question):
        assert judge_scope(question, top_score=HIGH, min_score=MIN, follow_up_context=False).in_scope


    def test_a_connection_through_a_chinese_airport_is_in_the_domain(self):
        question = "我从东京飞伦敦，在北京转机要等十个小时，能出去逛逛吗？"
        assert judge_scope(question, top_score=HIGH, min_score=MIN, follow_up_context=False).in_scope

    def test_working_elsewhere_told_beside_a_question_about_a_chinese_permit_stays_in_scope(self):
        question = "我有中国永久居留身份证，这几年在泰国工作，很少回中国，永久居留会不会被取消？"
        assert judge_scope(question, top_score=HIGH, min_score=MIN, follow_up_context=False).in_scope

    def test_a_trip_to_hong_kong_asked_as_an_exit_or_a_return_is_the_mainlands_matter(self):
        # going from the mainland to Hong Kong is an exit (Law Art. 89): coming back on one's permit is China's rule
        question = "他想先去香港玩几天，回来以后原来的居留许可还能用吗？"
        assert judge_scope(question, top_score=HIGH, min_score=MIN, follow_up_context=True).in_scope
        assert judge_scope(question, top_score=HIGH, min_score=MIN, follow_up_context=False).in_scope
        assert judge_scope("周末去澳门玩一天，算不算出境？", top_score=HIGH, min_score=MIN, follow_up_context=False).in_scope
        # ... and so is going there on a mainland paper: the receipt kept while a permit is renewed
        for travel in ("Her passport is with the exit-entry office for a renewal. May she fly to Macao with the receipt?",
                       "护照在出入境办延期，凭回执可以去香港吗？"):
            assert judge_scope(travel, top_score=HIGH, min_score=MIN, follow_up_context=False).in_scope
        # ... but what Hong Kong asks of a visitor is Hong Kong's
        decision = judge_scope("去香港旅游要什么签证？", top_score=HIGH, min_score=MIN, follow_up_context=False)
        assert not decision.in_scope and decision.note == NEIGHBOUR_NOTE

    def test_asking_about_another_places_work_visa_is_its_matter_whatever_chinese_permit_the_story_names(self):
        question = (
            "Our engineer holds a Z visa and a work residence permit in Guangzhou. The firm sends him to its"
            " Singapore office for a year. Which Singapore work pass does he need, or does his Chinese permit do?"
        )
        assert not judge_scope(question, top_score=HIGH, min_score=MIN, follow_up_context=False).in_scope

    def test_a_question_also_asking_about_chinas_permit_stays_in_scope(self):
        question = (
            "Our engineer holds a work residence permit in Guangzhou and will spend a month in Singapore."
            " Which Singapore work pass does he need? Will his Chinese residence permit still be valid when he is back?"
        )
        assert judge_scope(question, top_score=HIGH, min_score=MIN, follow_up_context=False).in_scope

    def test_a_stay_another_place_grants_is_its_matter_beside_a_mainland_document(self):
        question = (
            "My parents live in Guangzhou and will visit us in Hong Kong. How many days does the Hong Kong side"
            " give them on their exit-entry permit? Can my mother see a doctor there at local rates?"
        )
        decision = judge_scope(question, top_score=HIGH, min_score=MIN, follow_up_context=False)
        assert not decision.in_scope and decision.note == NEIGHBOUR_NOTE

    def test_a_birth_told_with_its_hospital_is_asked_of_the_babys_registration(self):
        question = (
            "Our son Mateo was born in a Wuhan hospital on 2 March; we left the hospital on the 5th. My cousin says"
            " the days count from leaving the hospital. Which day is the last one, and which office do we visit?"
        )
        assert judge_scope(question, top_score=HIGH, min_score=MIN, follow_up_context=False).in_scope
        # (the hospital asked about is still health care)
        assert not judge_scope("My wife gave birth in Wuhan last week: does medical insurance cover the hospital?",
                               top_score=HIGH, min_score=MIN, follow_up_context=False).in_scope

    def test_a_question_naming_only_the_off_topic_matters_own_verb_goes_on_with_it(self):
        question = (
            "I'm Irish, living in Xi'an for five years on a work permit. We plan to register our marriage at the civil"
            " affairs bureau in Xi'an in June. Which papers do I need: a certificate of no impediment, and must it be"
            " apostilled? And can we register in Baoji, her hometown, instead of Xi'an?"
        )
        assert not judge_scope(question, top_score=HIGH, min_score=MIN, follow_up_context=False).in_scope

    def test_a_story_sentence_opened_politely_does_not_tie_another_places_questions_to_china(self):
        question = ("麻烦问下🙏 我在广州上班，儿子在广州读书，持学习类居留许可，可多次往返。他班里七月去香港交流四天。"
                    "英国护照去香港需不需要签证？香港那边能让他停留多久？")
        decision = judge_scope(question, top_score=HIGH, min_score=MIN, follow_up_context=False)
        assert not decision.in_scope and decision.note == NEIGHBOUR_NOTE

    def test_a_question_marked_as_one_about_another_places_rules_is_read_as_asking(self):
        question = ("I work as a nanny in Singapore; my contract ended last month and my new pass is pending. "
                    "Do I overstay under Singapore immigration rules? What fine applies there?")
        assert not judge_scope(question, top_score=HIGH, min_score=MIN, follow_up_context=False).in_scope

    @pytest.mark.parametrize(
        "question",
        [
            # (an abbreviation's full stop inside brackets and an emoji end no question and no clause early)
            "Our Polish hire got his permits sorted ✅ Payroll wants to know: must we pay his social insurance "
            "(pension etc.) here, or does the EU agreement exempt him? And is IIT withheld from month one?",
            "I'm a non-resident worker in Macao since spring. Do non-resident workers pay into the social security "
            "fund there? And must I file my own tax return?",
        ],
    )
    def test_social_insurance_and_tax_asked_beside_permits_are_outside(self, question):
        assert not judge_scope(question, top_score=HIGH, min_score=MIN, follow_up_context=False).in_scope

    def test_another_countrys_refusal_has_no_hong_kong_line(self):
        decision = judge_scope("Mexican visa?", top_score=HIGH, min_score=MIN, follow_up_context=False)
        assert refusal("zh", decision) == REFUSAL["zh"]

    @pytest.mark.parametrize(
        "question",
        [
            "在澳门打工的内地居民遗失了往来港澳通行证，还能办外地雇员的证明吗？",
            "I lost my Permit for Travelling to and from Hong Kong and Macao; what does the Macao guide say?",
        ],
    )
    def test_a_document_the_macao_guide_deals_with_is_not_a_foreign_matter(self, question):
        assert foreign_subjects(question) == []
        assert in_scope(question, top_score=LOW)


class TestNearDomainAndShortQuestions:
    @pytest.mark.parametrize(
        "question",
        [
            "Is there a fee for the residence permit extension?",
            "Does my salary affect whether I get a work permit?",
            "居留许可办理要交多少钱？",
            "Can my employer deduct tax from me while my work permit is pending?",
        ],
    )
    def test_a_near_domain_fact_about_a_governed_subject_is_in_scope(self, question):
        assert in_scope(question, top_score=LOW)

    @pytest.mark.parametrize("question", ["How much income tax does a foreign employee pay?", "外国人在北京怎么开银行账户？",
                                          "外国人在中国开车要什么证？", "Do expats pay IIT on a housing allowance?",
                                          "Does the 183-day rule apply to foreign staff?", "外籍员工的个人所得税怎么算？"])
    def test_an_off_topic_subject_alone_is_refused(self, question):
        assert not in_scope(question, top_score=HIGH)

    @pytest.mark.parametrize(
        "question",
        [
            "I'm on a Z visa in Suzhou. How do I open a bank account here?",
            "我在上海持工作类居留证件，怎么把国外驾照换成中国驾照？",
            "We hold S1 visas. Which hospital takes foreign health insurance?",
            "As a non-resident worker in Macao, can I get a local driving licence?",
            "作为持学习类居留证件的留学生，我怎么办银行卡？",
        ],
    )
    def test_who_the_asker_is_does_not_make_an_off_topic_question_about_it(self, question):
        # The governed subject only says who asks; the sentence that asks is about banking or driving.
        assert not in_scope(question, top_score=HIGH)
        assert in_scope("Our foreign hire's work permit is still pending; may the company pay wages already?")
        assert in_scope("I'm on a Z visa. Can my employer pay my salary before the residence permit is issued?")

    def test_a_place_of_work_or_a_victim_s_damages_are_no_off_topic_subject(self):
        # a worksite at a hospital is where he worked; compensation paid to someone hurt is no severance
        assert in_scope("Police took our engineer from a hospital site where he installed scanners; he is in "
                        "detention for examination now. How long may they hold him?")
        assert in_scope("Our son is a suspect in a criminal case after a fight; we will pay the other man "
                        "compensation. Can he still leave China next week?", top_score=HIGH)
        assert not in_scope("Do we owe our foreign employee economic compensation when his contract ends?",
                            top_score=HIGH)
        assert not in_scope("My blue card job ends next month. How many months' pay am I owed?", top_score=HIGH)

    def test_a_visa_card_is_a_payment_card(self):
        assert not in_scope("My Visa debit card was declined at the bank, what now?", top_score=HIGH)
        assert not in_scope("How do I add a Visa card to Alipay?", top_score=HIGH)
        assert in_scope("Can I pay the visa extension fee with a Visa card?")

    @pytest.mark.parametrize(
        "question",
        [
            "I hold a Chinese work permit. For a weekend in Amsterdam, do I need a Schengen visa?",
            "我持中国工作类居留证件，去日本旅游需要办日本签证吗？",
        ],
    )
    def test_who_the_asker_is_does_not_make_another_countrys_visa_chinas(self, question):
        assert not in_scope(question, top_score=HIGH)
        assert in_scope("I hold a US green card. May I enter China without a visa?")

    def test_a_visa_applied_for_in_another_country_is_chinas(self):
        assert in_scope("我们的德国工程师来不及在德国办签证，能不能到了机场再办？")
        assert in_scope("在美国申请签证需要哪些材料才能来中国工作？")
        assert not in_scope("我想办德国签证，需要什么材料？", top_score=HIGH)

    def test_going_home_is_leaving_china(self):
        assert has_subject("外籍老板准备回国了，员工能不能不让他离开？")

    def test_the_states_is_the_united_states(self):
        assert not in_scope("We want to move back to the States next year; how long does a green card take?", top_score=HIGH)

    @pytest.mark.parametrize(
        "question",
        [
            "Any hotel you would recommend near the lake in Hangzhou?",
            "推荐一家深圳的餐馆",
            "What's the cheapest gym membership for expats in Chengdu?",
            "Which coworking space in Shenzhen is best for foreigners?",
            "外国人用哪家快递公司最便宜？",
        ],
    )
    def test_a_recommendation_is_refused_unless_it_is_about_a_governed_subject(self, question):
        assert not in_scope(question, top_score=HIGH)
        assert in_scope("Can you recommend which visa category fits a visiting scholar?", top_score=LOW)
        assert in_scope("Which visa is best for a visiting scholar?", top_score=LOW)
        assert in_scope("Which one is cheapest?", top_score=LOW, follow_up=True)

    @pytest.mark.parametrize("question", ["residnce permit?", "居流许可", "签症过期", "pasport lost, visa?"])
    def test_a_terse_message_with_a_typo_is_read(self, question):
        assert in_scope(question, top_score=LOW)

    def test_a_question_without_a_word_of_the_domain_is_refused_whatever_retrieval_scores(self):
        assert not in_scope("How should a resignation letter be worded?", top_score=HIGH)
        assert in_scope("How should a foreign employee's resignation be handled?", top_score=HIGH)

    def test_no_domain_subject_and_a_low_score_is_refused_whatever_the_length(self):
        assert not in_scope("Who won?", top_score=LOW)
        assert not in_scope("Which river is the longest one on the continent and how long is it exactly?", top_score=LOW)


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
    first, *why = answer.text.split("\n")
    assert first in REFUSAL.values() and len(why) <= 1

def test_a_place_the_conversation_told_already_is_no_new_subject_of_a_follow_up():
    earlier = "Our nanny was caught working at a hospital on a visit visa and is being repatriated. For how long is she barred?"
    question = "She has no savings left. Could they make the hospital cover her ticket?"
    assert judge_scope(question, top_score=HIGH, min_score=MIN, follow_up_context=True, told_before=earlier).in_scope
    assert not judge_scope(question, top_score=HIGH, min_score=MIN, follow_up_context=True).in_scope
    # ... while a subject the conversation never told is one
    assert not judge_scope("Which restaurant near the airport is cheapest?", top_score=HIGH, min_score=MIN,
                           follow_up_context=True, told_before=earlier).in_scope


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


def test_warm_up_builds_what_the_first_question_would_wait_for():
    from regchat.answering import fuzzy, scope, territories

    scope.warm_up()
    assert territories.gazetteer.cache_info().currsize == 1
    assert fuzzy.default_lexicon.cache_info().currsize == 1
    assert scope._patterns.cache_info().currsize == 1


class TestVisaCodes:
    def test_the_regulations_categories_are_the_ones_article_6_lists(self):
        import re as _re
        from pathlib import Path

        from regchat.answering.scope import china_visa_codes

        text = (Path(__file__).resolve().parents[2] / "corpus" / "cn-foreigner-entry-exit-regulations.2025.zh.md").read_text(
            encoding="utf-8"
        )
        article_6 = text[text.index("第六条") : text.index("第七条")]
        assert china_visa_codes() == frozenset(_re.findall(r"([A-Z][12]?)字签证", article_6))

    @pytest.mark.parametrize("question", ["How do I renew my H-1B while I stay in the US?", "Requirements for an O-1 visa?"])
    def test_a_visa_code_the_regulations_do_not_have_is_another_countrys(self, question):
        decision = judge_scope(question, top_score=0.8, min_score=0.47, follow_up_context=False)
        assert not decision.in_scope and decision.firm

    @pytest.mark.parametrize("question", ["What is a K visa?", "X1 or X2 visa for a 3-month course?", "申请Q1签证要什么材料？"])
    def test_the_regulations_own_categories_stay_in_scope(self, question):
        assert judge_scope(question, top_score=0.8, min_score=0.47, follow_up_context=False).in_scope

    @pytest.mark.parametrize(
        "question",
        [
            "After my master's in Hong Kong, how long is the first TTPS visa valid, and can my partner join me?",
            "读完香港的硕士以后，那个TTPS签证怎么申请，要多久？",
        ],
    )
    def test_a_visa_named_by_a_schemes_capitals_is_another_places(self, question):
        # China's visas have one or two characters (Regulations Art. 6); "TTPS" is no G visa
        decision = judge_scope(question, top_score=0.8, min_score=0.47, follow_up_context=False)
        assert not decision.in_scope and decision.firm

    def test_the_abbreviation_of_a_body_of_the_domain_before_visa_is_no_scheme(self):
        question = "I went to the PSB visa office to extend my Z visa: how long does it take?"
        assert judge_scope(question, top_score=0.8, min_score=0.47, follow_up_context=False).in_scope

    def test_a_visa_letter_inside_a_longer_code_is_not_chinas(self):
        from regchat.answering.scope import _CHINA_ANCHOR

        assert not _CHINA_ANCHOR.search("那个TTPS签证")
        assert _CHINA_ANCHOR.search("那个S签证")


class TestWhenTheyLeave:
    def test_a_pension_asked_of_the_day_one_finally_exits_china_is_still_about_pensions(self):
        # the time the clause sets ("once he finally exits China") names no subject of its own
        question = ("Our Berlin hire holds a work permit and a work-type residence permit. "
                    "Will he get his pension money back once he finally exits China?")
        assert not in_scope(question, HIGH)


class TestRegisteringWithThePolice:
    @pytest.mark.parametrize(
        "text",
        ["朋友说外国人住在家里要去派出所登记", "住进来以后要到公安那边登记吗", "Do we need to register my in-laws with the police?"],
    )
    def test_registering_with_the_police_is_a_governed_subject(self, text):
        assert has_subject(text)  # Law Art. 39: 向居住地公安机关办理登记

    def test_a_story_of_overtime_does_not_make_a_registration_question_a_labour_one(self):
        question = "我爸妈昨晚住进我们家了，听说要去派出所登记，有时间限制吗？我老公周末加班，下周一再去来得及吗？"
        assert in_scope(question, HIGH)

    def test_a_card_left_in_a_taxi_asked_to_be_replaced_is_no_question_about_taxis(self):
        question = "My card fell out of my pocket in a taxi yesterday. How do I get a replacement, and where do I go?"
        assert in_scope(question, HIGH)


class TestVisitingMacao:
    @pytest.mark.parametrize(
        "question",
        [
            "A Kenyan guest at our Zhuhai hotel asks: can he enter Macau visa-free, and how long can he stay in Macau?",
            "我是泰国人，明年想去澳门读大学，澳门的学生证件怎么办？",
        ],
    )
    def test_macaos_own_rules_for_visitors_and_students_are_refused_with_a_note(self, question):
        decision = judge_scope(question, top_score=HIGH, min_score=MIN, follow_up_context=False)
        assert not decision.in_scope and decision.firm and "Macao" in decision.note["en"]

    @pytest.mark.parametrize(
        "question",
        [
            # a trip to Macao is an exit from the mainland: whether the visa still works on the way back is the mainland's
            "I'm in Zhuhai on a single-entry L visa: if I visit Macau for a day, can I come back on it?",
            # the card the Macao guide governs
            "My blue card holder cook wants a visa for Macau for his wife: where does he ask?",
            # the mainland named where it asks
            "Does a Chinese X1 visa let me study in Macau too?",
        ],
    )
    def test_the_mainlands_matters_and_the_workers_card_keep_a_macao_question_in_scope(self, question):
        assert not asks_of_visiting_macao(question)

    def test_its_words_are_not_in_the_macao_guide(self):
        data = json.loads(resources.files("regchat").joinpath("data/places.json").read_text(encoding="utf-8"))
        guide = (Path(__file__).resolve().parents[2] / "corpus" / "mo-non-resident-worker-card.md").read_text(encoding="utf-8")
        words = data["macao_visitors"]["en"] + data["macao_visitors"]["zh"]
        assert not [w for w in words if w.lower() in guide.lower()]


class TestWhereTheAskerIs:
    @pytest.mark.parametrize(
        "question",
        [
            "I teach at a school in Kaohsiung and my resident certificate lapsed last week: is there a fine?",
            "我在台中一家工厂上班，居留证快到期了，去哪里续？",
        ],
    )
    def test_a_question_placed_in_taiwan_and_tied_to_nothing_of_the_mainland_is_refused(self, question):
        decision = judge_scope(question, top_score=HIGH, min_score=MIN, follow_up_context=False)
        assert not decision.in_scope and decision.note == NEIGHBOUR_NOTE

    def test_a_chinese_citizen_working_abroad_asks_about_that_countrys_permit(self):
        assert not in_scope("我是中国公民，在马来西亚工作，当地的工作准证快到期了，续签要提前多久？", HIGH)

    @pytest.mark.parametrize(
        "question",
        [
            "I'm in Japan on holiday and my Shanghai residence permit expires next week: can I renew it when I'm back?",
            "I am in Seoul for a week; my residence permit ends soon, can the exit-entry office extend it after I return to China?",
            "他在韩国领馆换了新护照，居留证件要不要变更？",
        ],
    )
    def test_a_question_tied_to_the_mainland_stays_in_scope_wherever_the_asker_is(self, question):
        assert in_scope(question, HIGH)


class TestWordsOfTheDomain:
    def test_a_foreign_nationality_makes_the_person_a_foreigner(self):
        assert has_domain_words("孩子是法国籍，在这边要办什么手续？")
        assert not has_domain_words("我是中国籍，在这边要办什么手续？")

    def test_an_everyday_matter_in_the_story_does_not_refuse_what_is_asked(self):
        assert in_scope("她每天坐地铁去公司。按规定她出门必须随身带护照吗？", HIGH)
        assert not in_scope("坐地铁可以用什么卡？", HIGH)


class TestWhomAProvisionAddresses:
    @pytest.mark.parametrize(
        "text, citizens",
        [
            ("中国公民出境入境，应当依法申请办理护照或者其他旅行证件。", True),
            ("定居国外的中国公民要求回国定居的，应当在入境前向中华人民共和国驻外使馆、领馆申请。", True),
            ("中国公民出境入境、外国人入境出境、外国人在中国境内停留居留的管理，适用本法。", False),
            ("外国人非法居留的，给予警告。", False),
        ],
    )
    def test_a_provision_opening_with_chinese_citizens_is_addressed_to_them(self, text, citizens):
        assert governs_citizens(text) is citizens

    def test_a_foreigners_question_meets_the_provisions_for_foreigners_first(self, engine):
        answer = engine.answer("they expelled me from china in march, how long before i can return", today=TODAY)
        cited = [c.article for c in answer.citations if c.doc_id == "cn-exit-entry-law"]
        assert answer.citations and not set(cited) & {9, 10, 11, 12, 13, 14, 75}

    def test_a_question_naming_a_chinese_citizen_keeps_their_provisions(self, engine):
        answer = engine.answer("中国公民出境后非法去了别国被遣返，多久之后才能再办出境证件？", today=TODAY)
        assert 75 in [c.article for c in answer.citations if c.doc_id == "cn-exit-entry-law"]


@pytest.mark.parametrize(
    "question",
    ["那如果不是欠工资，而是他跟房东有个民事官司还没打完呢？", "And if it is about a civil lawsuit rather than unpaid wages?"],
)
def test_a_topic_the_message_says_its_matter_is_not_is_not_asked_about(question):
    assert in_scope(question, follow_up=True)
    assert not in_scope("那如果是欠工资呢？会被怎么处理？", follow_up=False, top_score=HIGH)


@pytest.mark.parametrize(
    "question",
    [
        "拿到工作类居留证件的外籍员工，公司必须给他交医疗保险吗？基数按多少算？",
        "I hold a work permit and my employer is letting me go. How much severance pay am I owed? And how is it worked out?",
        "My permits get cancelled when I leave. Can my pension contributions be refunded? Can you help with this?",
    ],
)
def test_a_question_naming_no_subject_asks_on_about_the_off_topic_one_before_it(question):
    assert not in_scope(question, top_score=HIGH)
    assert in_scope("我的居留证件被偷了，要怎么补办？去哪里办？", top_score=HIGH)


def test_a_question_naming_no_subject_after_a_statement_or_first_asks_about_the_story():
    # after a told sentence, not a question, about the bank: "that" is the paper on his stay
    assert in_scope("His bank wants an official paper showing how long he may stay in Macao. Does the police "
                    "issue anything for that?", top_score=HIGH)
    # first, before the off-topic question: about the card the story names
    assert in_scope("My blue card got torn. How much is a new one and how soon do I get it? Can I apply online "
                    "so I need not take a day off?", top_score=HIGH)


def test_a_question_naming_no_subject_after_an_off_topic_claim_asks_about_that_claim():
    assert not in_scope("I live in Dali on a family reunion residence permit. My cousin says anyone here over half a "
                        "year must pay income tax on a foreign pension. Is that right? How much would it be?",
                        top_score=HIGH)
    # a claim about a governed subject keeps the question in scope
    assert in_scope("I live in Dali on a family reunion residence permit. My cousin says it must be renewed a month "
                    "before it runs out. Is that right?", top_score=HIGH)


def test_a_question_whether_the_act_just_told_is_allowed_asks_about_that_act():
    assert not in_scope("I work in Macao on a blue card. My boss says from now on I pay my hospital bills myself. "
                        "Is she allowed to do that?", top_score=HIGH)
    # an act on a governed subject keeps the question in scope
    assert in_scope("I work in Macao on a blue card. My boss says she will keep my card in her safe. "
                    "Is she allowed to do that? And where do I renew it?", top_score=HIGH)


def test_one_of_several_questions_asking_only_an_off_topic_subject_is_said_to_be_outside():
    note = off_topic_question("Do we also owe him severance under the labour contract law?")
    assert note is not None and note["en"].startswith("The documents I hold do not cover this question.")
    assert off_topic_question("Can his employer pay his salary before the work permit is issued?") is None
    assert off_topic_question("By when must he renew his residence permit?") is None
    # the off-topic word tells why; the question is about extending a stay
    assert off_topic_question("The doctors say she needs two more months in hospital, so can I extend by two "
                              "months?") is None


def test_one_of_several_questions_asking_how_a_ban_ends_is_the_documents_matter_whatever_it_names():
    # (Law Art. 65: the ban is revoked once its grounds end; the wages are why it was imposed)
    assert off_topic_question("如果我们春节前把工资都补上了，这个限制会不会解除？") is None
    assert off_topic_question("Once the back wages are paid, will the ban be lifted?") is None


def test_being_stopped_at_the_border_is_a_word_of_the_domain():
    assert has_domain_words("Can they really block me at the border when I fly home?")


def test_leaving_the_country_as_people_say_it_is_exit():
    # 出不了国: an exit ban (Law Art. 28), even where the story names unpaid wages
    assert in_scope("厂子拖了工人两个月工资，有人说外籍老板就出不了国了，真的吗？谁来决定？", top_score=HIGH)


def test_the_annual_income_tax_reconciliation_is_tax():
    assert not in_scope("我先生持工作类居留证件在上海工作。年度汇算时孩子的学费能不能作为专项附加扣除？", top_score=HIGH)


@pytest.mark.parametrize(
    "question",
    [
        "外籍学生能在这边考摩托车驾照吗？要什么条件？",  # a person the documents speak of, asked about driving
        "Can international students open a bank account? What do they bring?",
        "回国以后我的公积金能取出来吗？",  # a time of leaving, asked about a housing fund
        "When I leave China for good, can my pension contributions be paid out?",
    ],
)
def test_the_people_and_the_time_an_off_topic_question_speaks_of_are_no_subject_of_it(question):
    assert not in_scope(question, top_score=HIGH)


@pytest.mark.parametrize(
    "question",
    ["外籍学生可以在校外实习吗？要办什么手续？", "When I leave China, must I hand back my residence permit?"],
)
def test_what_the_people_do_or_hold_is_still_asked_about(question):
    assert in_scope(question, top_score=HIGH)


@pytest.mark.parametrize(
    "question",
    [
        "我岳父是加拿大人，在厦门去世了。除了通知加拿大领事馆，我们在中国这边还要去公安办什么？他的居留证呢？",
        "Besides telling the Peruvian embassy, what do we have to do here in China about his residence permit?",
    ],
)
def test_another_place_s_matter_set_aside_to_ask_what_else_is_to_be_done_leaves_the_question_in_scope(question):
    assert judge_scope(question, top_score=None, min_score=0.5, follow_up_context=False).in_scope


def test_another_place_s_visa_asked_with_who_needs_it_between_is_that_place_s_matter():
    assert [m.code for m in foreign_matters("We send two staff to a course in Seoul. What visa do they need for Korea?")]
    assert not in_scope("We send two staff to a course in Seoul. What visa do they need for Korea?", top_score=HIGH)
    assert in_scope("What visa does my wife need for China?", top_score=HIGH)


def test_a_trip_elsewhere_asked_with_coming_back_asks_of_the_return():
    assert in_scope("我拿学习类居留许可，想出境去泰国玩两周再回来上课，需不需要重新办签证？", top_score=HIGH)
    assert not in_scope("我拿学习类居留许可，想出境去泰国玩两周，需不需要办泰国签证？", top_score=HIGH)


def test_what_is_asked_of_the_other_place_itself_stays_outside():
    decision = judge_scope("除了申请加拿大签证，我还要准备什么？", top_score=None, min_score=0.5, follow_up_context=False)
    assert not decision.in_scope  # nothing of China named: the Canadian visa is what is asked about


@pytest.mark.parametrize("letter", ["K", "Q", "S1", "X2"])
def test_china_s_visa_applied_for_in_another_country_is_china_s_matter(letter):
    assert foreign_matters(f"She holds a {letter} visa in Norway. Can she enter China with it?") == []


def test_a_measure_said_in_everyday_words_is_a_subject_the_regulations_govern():
    assert has_subject("I still owe wages; they say they'll stop me at the border. Can they?")


@pytest.mark.parametrize(
    "question",
    [
        "Our intern (study residence permit, internship noted on it) hurt his back in the warehouse and was "
        "hospitalised. Is that a work injury, and must the company pay his bills?",
        "我是外劳，蓝卡还有半年。公司提前三个月解约，我能拿到多少赔偿？要提前几天通知我？",
        "Our baby will be born in Shenzhen; my husband is Canadian. Can she have dual nationality?",
        "My wife holds a family residence permit. Can she apply for Chinese citizenship after ten years?",
        "I have held a work-type residence permit for eight years. How do I naturalise?",
        "我拿工作类居留许可八年了，想问入籍需要什么条件？",
    ],
)
def test_work_injuries_notice_nationality_and_naturalisation_are_subjects_the_regulations_do_not_treat(question):
    decision = judge_scope(question, top_score=None, min_score=0.5, follow_up_context=False)
    assert not decision.in_scope and decision.note is not None


def test_a_question_after_a_governed_clause_of_its_sentence_stays_in_scope():
    assert in_scope("我拿工作类居留许可，想续签，需要什么材料？", top_score=HIGH)
    assert in_scope("got a repatriation decision for overstay, unfair (I was in hospital), how do I fight it",
                    top_score=HIGH)


def test_a_governed_question_beside_a_work_injury_stays_in_scope():
    question = "I was injured at work and I'm still in hospital. My residence permit expires on Friday: can my employer apply to extend it for me?"
    assert judge_scope(question, top_score=None, min_score=0.5, follow_up_context=False).in_scope


@pytest.mark.parametrize(
    "text",
    ["we are thinking of buying an old apartment", "can a foreigner buy property in Qingdao",
     "she opened two bank accounts", "his drivers licenses"],
)
def test_an_off_topic_term_of_several_words_is_found_in_its_words_other_forms(text):
    assert off_topic(text)


def test_a_one_word_off_topic_term_is_only_itself_and_a_determiner_is_never_a_stem():
    assert not off_topic("I work as a cook in a hotel kitchen")  # "cooking" is the term
    assert re.fullmatch(english_term("buy a flat"), "buying a small flat", re.I)
    assert not re.search(english_term("buy a flat"), "buy thing flat", re.I)


def test_a_home_purchase_asked_by_a_resident_permit_holder_is_outside():
    question = ("We have lived in Xiamen for four years on work residence permits and rent a flat."
                " Are foreigners allowed to buy a second-hand apartment here?")
    decision = judge_scope(question, top_score=HIGH, min_score=MIN, follow_up_context=False)
    assert not decision.in_scope and decision.note is not None


def test_a_question_about_it_asks_about_the_governed_subject_named_just_before():
    question = ("My wife will join me on a family visa. The bureau says she needs a health certificate for her"
                " residence permit. Which hospital must it come from?")
    assert in_scope(question, top_score=HIGH)
    # (but "it" acted on by the question's own off-topic verb is that subject's: the tax owed on it)
    assert not in_scope("My work permit is in order. I earned 50k on the side: how much income tax do I owe on it?",
                        top_score=HIGH)


def test_a_lao_visa_is_another_country_s_matter_and_a_small_lao_is_no_place():
    assert not in_scope("We live in Kunming on family residence permits. Does a Lao visa on arrival cost much?",
                        top_score=HIGH)
    assert foreign_matters("lao wai friends told me my visa is fine") == []


@pytest.mark.parametrize(
    "text",
    ["I'm in Xi'an on an X1 for my master's.", "she is here on a Z", "His stay ran out last week."],
)
def test_a_visa_named_by_its_letters_alone_and_a_stay_run_out_are_subjects(text):
    assert has_subject(text)


@pytest.mark.parametrize("text", ["based on a m", "on a D-day", "on an x2 basis"])
def test_letters_that_are_no_visa_as_its_holders_say_it_are_no_subject(text):
    assert not has_subject(text)


def test_a_stay_run_out_told_with_a_hospital_stay_is_asked_about_not_the_hospital():
    question = ("I'm in Chengdu on an X2 for a language course. My stay ran out two days ago because I was "
                "in hospital with a broken leg. What happens now?")  # fmt: skip
    assert judge_scope(question, top_score=0.6, min_score=0.47, follow_up_context=False).in_scope


@pytest.mark.parametrize(
    "question",
    [
        "我们想招一个德国实习生，暑假在办公室实习六周，每周给点补贴。他还是学生，要办什么手续？",
        "Can my son do a summer internship at a bank in Shenzhen while he studies there?",
    ],
)
def test_an_internship_is_a_subject_the_regulations_govern_whatever_stipend_it_pays(question):
    # (Regulations Art. 22: a student's off-campus work-study or internship, 勤工助学或者实习)
    assert judge_scope(question, top_score=0.6, min_score=0.47, follow_up_context=False).in_scope


@pytest.mark.parametrize("question", ["实习工资一般给多少？", "What is a normal internship salary in Shanghai?"])
def test_what_an_intern_is_paid_is_pay_not_the_internship(question):
    assert not judge_scope(question, top_score=0.6, min_score=0.47, follow_up_context=False).in_scope


@pytest.mark.parametrize(
    "question",
    [
        # the passport a country's mission issued is the story: China's permit is what is asked about
        "My husband (Canadian) holds a family residence permit in Suzhou. He got a new passport at the Canadian "
        "consulate last week. Must he update the permit, and by when?",
        "我太太是德国人，在成都有居留证件，上周在德国领事馆换了新护照，居留证件要变更吗？",
        # a place someone is only visiting is not where they live
        "我们公司日籍员工的工作居留证9月到期，他现在在日本休假，8月底回来，续签来得及吗？",
        "Our engineer's work residence permit expires on 15 September; he is in Italy on holiday until August. "
        "When must we file the renewal?",
    ],
)
def test_a_mission_that_issued_a_passport_and_a_holiday_abroad_leave_a_question_about_china_s_permit_in_scope(question):
    assert judge_scope(question, top_score=0.8, min_score=0.47, follow_up_context=False).in_scope


@pytest.mark.parametrize(
    "question",
    [
        "我在德国大使馆换了护照，德国的居留许可要重新办吗？",  # the other country's permit
        "I am on holiday in Japan. Can I extend my Japanese visa?",
    ],
)
def test_another_country_s_permit_stays_outside_whatever_mission_or_holiday_the_story_tells(question):
    assert not judge_scope(question, top_score=0.8, min_score=0.47, follow_up_context=False).in_scope


@pytest.mark.parametrize(
    "question",
    [
        "我们老板是英国人，和客户的合同纠纷还没了结，他下周要飞新加坡参加婚礼，想知道他是不是被限制出境了。",
        "我同事月底要飞日本看展览，担心自己被不准出境，能查吗？",
    ],
)
def test_a_trip_out_asked_with_leaving_china_is_about_china_s_exit(question):
    assert judge_scope(question, top_score=0.8, min_score=0.47, follow_up_context=False).in_scope


@pytest.mark.parametrize("question", ["下周飞新加坡玩，新加坡那边要不要签证？", "月底飞日本看展览，日本入境要准备什么？"])
def test_a_trip_out_asked_about_the_other_country_s_visa_stays_outside(question):
    assert not judge_scope(question, top_score=0.8, min_score=0.47, follow_up_context=False).in_scope


@pytest.mark.parametrize(
    "question",
    [
        "The restaurant owner asks how many days a reissued card takes for his Macau staff.",
        "Our hospital staff from Nepal: can their employer apply for the residence permit?",
        "她在餐厅打工，居留证件丢了要怎么补办？",
        "饭店老板问：外地雇员的证件续期要带什么？",
    ],
)
def test_an_off_topic_word_naming_a_persons_workplace_is_no_subject_of_the_question(question):
    assert not off_topic(question)


@pytest.mark.parametrize(
    "question",
    ["Which restaurant near the exit-entry bureau is good for lunch?", "附近哪家餐厅好吃？", "Is the hospital open on Sundays?"],
)
def test_an_off_topic_word_as_the_subject_stays_off_topic(question):
    assert off_topic(question)


@pytest.mark.parametrize(
    "question",
    [
        "Two of my Macau workers lost their blue cards in a robbery. What does a reissue cost and how long is it?",
        "我的蓝卡在澳门被偷了，补领要多久？",
    ],
)
def test_the_blue_card_is_the_macao_workers_card(question):
    assert has_subject(question)


def test_people_named_by_what_they_hold_do_not_make_an_off_topic_ask_about_their_permit():
    question = "For our Macau shop's staff (all blue-card holders): how much pension do we pay for each?"
    assert not judge_scope(question, top_score=0.8, min_score=0.47, follow_up_context=False).in_scope


@pytest.mark.parametrize("question", ["A five-month language course in Xiamen: X1 or X2?", "读一学期的语言课，X1还是X2？"])
def test_two_numbered_visas_weighed_against_each_other_are_a_subject(question):
    assert has_subject(question)


def test_a_work_card_lost_on_the_metro_is_about_the_card_not_the_metro():
    from regchat.answering.scope import judge_scope

    assert judge_scope("Her work card went missing on the metro. How is it replaced?", top_score=0.8, min_score=0.3,
                       follow_up_context=False).in_scope
    assert judge_scope("He left his permit card in a taxi last night. How is it replaced?", top_score=0.8,
                       min_score=0.3, follow_up_context=False).in_scope  # a permit card, whichever it is


@pytest.mark.parametrize(
    "question, in_scope",
    [
        # a question naming nothing, asked in the sentence whose clause before it names an off-topic subject
        ("她持工作许可和工作类居留证件。公司上周辞退了她。她能不能要求经济补偿金，按几个月算？仲裁的时效多长？", False),
        # ... while one naming a governed subject there stays in scope
        ("公司辞退了她，她的工作类居留证件要注销吗，几天内办？", True),
        # (a clause telling a number, "有几个人", is no question naming nothing)
        ("她在苏州开了家小厂，今年生意差，拖了工人一个月工资，有几个人去劳动部门投诉了。听说会被限制出境，是真的吗？谁决定？", True),
        # (a question after an emoji or a space starts a sentence of its own)
        ("公司要遣送他出境，机票不管。工资也欠着，他身上没钱了😭 这笔钱谁来出？", True),
    ],
)
def test_a_subject_less_question_asks_of_the_off_topic_subject_its_own_sentence_names(question, in_scope):
    from regchat.answering.scope import judge_scope

    assert judge_scope(question, top_score=0.8, min_score=0.3, follow_up_context=False).in_scope is in_scope


@pytest.mark.parametrize(
    "question, in_scope",
    [
        # taxes or social insurance asked, with no governed subject where it asks: refused whatever the story
        ("Our new engineer's work permit is being processed. Must the company pay into his housing fund, and can he skip the pension part?", False),
        ("他的工作许可已经办下来了。年终奖的个税要怎么算？", False),
        ("A French chemist joins our Suzhou lab next month (work permit under way). Accounts ask: must she join the "
         "pension, medical and housing-fund schemes here? Since France and China signed a social security agreement, "
         "may she opt out of the pension? Which certificate must she show us?", False),
        # ... and so are a marriage's registration and schooling, never a permit's condition either
        ("My girlfriend is here on an S2 visa. We want to register our marriage next month: which documents does the "
         "civil affairs bureau want, and must her certificate of no impediment be apostilled?", False),
        ("我儿子持X1签证在读硕士，拿的是奖学金。转学以后奖学金还能继续吗？", False),
        # pay may be a permit's condition: not refused
        ("Our new engineer's work permit is being processed. Is there a minimum salary he has to be paid?", True),
        ("他的工作类居留证件下个月到期，续签要交社保证明吗？", True),
        # ... nor asked as the condition of a document the message asks or says it applies for
        ("我们的技术总监在北京工作十年了。公司打算帮她申请永久居留。请问：需要在中国工作满几年？个税要交到多少？公司要出哪些证明？", True),
    ],
)
def test_a_category_never_a_permits_condition_asked_alone_is_refused_whatever_the_story(question, in_scope):
    from regchat.answering.scope import judge_scope

    assert judge_scope(question, top_score=0.8, min_score=0.3, follow_up_context=False).in_scope is in_scope


@pytest.mark.parametrize(
    "question",
    ["A Panamanian vessel berths on Friday; do the repair technicians going aboard need a pass?",
     "The captain's wife wants a day in the city while the ship is in port. What does she need?",
     "货轮靠港期间，修理工要登轮维修，需要办什么证？"],
)
def test_ships_in_port_and_boarding_them_are_words_of_the_domain(question):
    # Law Arts. 23, 34 and 54: crew ashore, boarding permits
    assert has_domain_words(question) and in_scope(question, HIGH)


@pytest.mark.parametrize("question", ["被限制活动范围，最长多久？", "他被继续盘问了十个小时，合法吗？", "拘留审查期间家属能探视吗？"])
def test_the_measures_of_questioning_detention_and_restriction_named_alone_are_words_of_the_domain(question):
    # Law Arts. 59-61: 继续盘问, 拘留审查, 限制活动范围
    assert has_domain_words(question) and in_scope(question, HIGH)


@pytest.mark.parametrize(
    "question",
    ["I study in Wuhan on a study residence permit. How many hours may I work? Is there a cap like the 20-hour rule in Australia?",
     "我在上海留学，拿学习类居留证件。打工有没有像英国那样的签证规定，每周最多20小时？"],
)
def test_another_country_named_to_compare_china_s_rule_with_is_not_what_is_asked(question):
    assert in_scope(question, HIGH)
    # ... while a question about that country's own rule is still another country's matter
    assert not in_scope("Can I get a work visa for Australia like my colleagues did?", HIGH)


@pytest.mark.parametrize(
    "question, in_scope_",
    [
        ("I work in Chengdu on a work permit. My Chinese fiancée and I want to register our marriage in May: what does "
         "the civil affairs bureau need from me, and must my documents be apostilled?", False),
        ("我持工作类居留在杭州上班，下个月和中国女朋友办结婚登记，民政局要我提供什么材料？", False),
        # what a marriage leads to, or a marriage certificate brought for a permit, stays the documents' matter
        ("We registered our marriage in May. Can my husband now get a Q1 visa?", True),
        ("Can I take his passport and our marriage certificate to the office to replace his lost work permit card?", True),
    ],
)
def test_registering_a_marriage_is_a_topic_the_regulations_do_not_treat(question, in_scope_):
    assert in_scope(question, HIGH) is in_scope_


@pytest.mark.parametrize(
    "question, in_scope_",
    [
        # a person's own identity document carried here: what China's or Macao's rules ask of it
        ("My wife filed her residence permit renewal and holds the receipt. Can she cross into Macao with the "
         "receipt and her Korean ID card?", True),
        ("She lives in Shenzhen; can she board a domestic flight with her Korean ID card?", True),
        # ... not how her own country issues it
        ("How do I renew my Korean ID card?", False),
    ],
)
def test_a_persons_own_identity_document_used_here_is_no_other_countrys_matter(question, in_scope_):
    assert in_scope(question, HIGH) is in_scope_


@pytest.mark.parametrize(
    "question, in_scope_",
    [
        # the clauses of a sentence that tells ("…加注了地点和期限，现在…。") ask nothing, whatever their words:
        # the questions after it are about pay deductions
        ("我在南京读博士，学校同意了，居留证件上加注了实习单位和期限，现在每月拿实习补贴。公司说要代扣个税。这样扣对吗？"
         "社保能不能不交？", False),
        ("他的工作许可和居留都在有效期内，公司下个月要裁掉他。1）裁员要给几个月的补偿金？2）提前几天通知？", False),
        # ... while a question of its own on the permit keeps it in scope
        ("他的工作许可和居留都在有效期内，公司下个月要裁掉他。他的居留证件要不要注销？", True),
    ],
)
def test_the_clauses_of_a_sentence_that_tells_ask_nothing(question, in_scope_):
    assert in_scope(question, HIGH) is in_scope_


@pytest.mark.parametrize(
    "question, in_scope_",
    [
        # the sentence before the questions tells what they are about: an off-topic subject
        ("Swiss, 15 years in Shanghai, permanent residence card holder. I'm considering applying to naturalise. "
         "How long does it take, and what happens to my Swiss passport?", False),
        ("我在广州住了二十年，有永居证。最近考虑加入中国国籍。流程是怎样的？原来的护照要交回吗？", False),
        # ... a governed one stays in scope
        ("Swiss, 15 years in Shanghai, work permit. I'm thinking about applying for permanent residence. "
         "How long does it take, and what do I bring?", True),
    ],
)
def test_the_aim_told_before_the_questions_is_what_they_ask_about(question, in_scope_):
    assert in_scope(question, HIGH) is in_scope_


@pytest.mark.parametrize(
    "question, in_scope_",
    [
        # what the asker holds is who asks: the question is about driving
        ("我持工作类居留证件在深圳上班。持居留证件能不能直接换本地驾照？要考理论吗？", False),
        ("Now that she holds a work-type residence permit, may she exchange her foreign driving licence for a local one?", False),
        # ... and the permit asked about itself stays in scope
        ("持居留证件出境还要签证吗？", True),
    ],
)
def test_a_document_the_asker_holds_says_who_asks_not_what(question, in_scope_):
    assert in_scope(question, HIGH) is in_scope_


def test_the_macao_workers_card_by_a_short_name_is_a_subject():
    # (data/cards.json: the card's own names)
    question = ("He starts at a restaurant in Taipa in March. Does Omar get the worker's ID card himself or does the "
                "restaurant apply, and where?")
    assert in_scope(question, HIGH)


@pytest.mark.parametrize(
    "question",
    ["We hold work-type residence permits in Wuxi. Can our son get a place at a public primary school, and are there "
     "school fees for foreigners?",
     "我们一家持居留证件住在青岛。孩子想进公办小学，要交借读费吗？",
     "Our engineer came in on a Z visa last week. Must the airline pay for his lost luggage, or his insurer?"],
)
def test_schooling_and_insurance_claims_are_topics_the_regulations_do_not_treat(question):
    assert not in_scope(question, HIGH)


@pytest.mark.parametrize("question", ["朋友的证件全丢了，下周还要出差，先去哪儿补？", "他说证件都被偷了，怎么补办？"])
def test_documents_all_lost_are_the_documents_matter_whatever_word_stands_between(question):
    # (Law Art. 35, Regulations Art. 23: a lost or stolen document's reissue)
    assert has_subject(question) and in_scope(question, HIGH)


@pytest.mark.parametrize("question", ["我妈妈下个月从巴黎来，住在我们家，要办什么手续吗？", "我朋友下周住到我这儿来，需要做什么？"])
def test_a_stay_at_a_home_told_in_everyday_words_and_asked_of_is_in_scope(question):
    # (Law Art. 39 para. 2: registration of a stay outside a hotel; data/events.json 'moving_in')
    assert in_scope(question, HIGH)


@pytest.mark.parametrize("question", ["Can our daughter go to a public school in Dalian?", "孩子能在大连上小学吗？"])
def test_a_childs_schooling_is_a_topic_the_regulations_do_not_treat(question):
    assert off_topic_question(question) is not None


@pytest.mark.parametrize(
    "question",
    ["We live in Guangzhou on residence permits. Does Thailand need a visa from my son for a school trip?",
     "我们在广州持居留证件生活，孩子寒假去新加坡，新加坡那边要他办什么签证吗？"],
)
def test_another_place_asked_as_the_one_that_requires_a_visa_is_that_places_matter(question):
    assert not in_scope(question, HIGH)


def test_commercial_health_insurance_is_a_topic_the_regulations_do_not_treat():
    assert off_topic_question("孩子能不能加到公司给员工买的商业医疗险里？") is not None


@pytest.mark.parametrize("text", ["家属签能在中国工作吗？", "陪读签到期了怎么办", "工签快到期了"])
def test_a_visa_named_the_short_way_is_a_word_of_the_domain(text):
    assert has_domain_words(text)


@pytest.mark.parametrize("text", ["公司跟我签了合同", "老板签个字就行", "明天要去签到", "他签劳动合同了吗"])
def test_signing_something_is_no_visa(text):
    assert not has_domain_words(text)
