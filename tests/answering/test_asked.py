"""What kind of fact a question asks for, and the first line that states it from the quoted text."""

import re

import pytest

from regchat.answering.asked import (
    lists_visa_categories,
    names_a_visa,
    VisaCase, asked, asks_for_limit, linked_kinds, asks_for_period, not_stated_line, short_answer, sponsor_of, stay_term, unstated,
    visa_case, visa_fit_for,
    whose_relative_line, whose_relative_unsaid, without_visa_letters,
)

from regchat.settings import PROJECT_ROOT

X_ITEM = "(11) X1 visas shall be issued to persons applying for enrolment in long-term course in China; " \
         "X2 visas shall be issued to persons applying for enrolment in a short-term course in China."


def _choosing_kind(question: str, name: str):
    """The kind ``name`` that ``question`` asks, one that chooses the provision quoted and is never
    reported as not stated."""
    (kind,) = [k for k in asked(question) if k.name == name]
    assert kind.choose and not kind.unstated
    return kind


class TestStayTerm:
    @pytest.mark.parametrize(
        "question, term",
        [
            ("a 4 month language course", "short"),
            ("visiting for about six weeks", "short"),
            ("coming for two years of study", "long"),
            ("读四年本科", "long"),
            ("想来学习三个月", "short"),
            ("想过来跟我长期一起生活", "long"),
        ],
    )
    def test_the_length_of_the_stay_is_read_against_the_180_day_line(self, question, term):
        assert stay_term(question) == term

    @pytest.mark.parametrize(
        "question",
        [
            "I entered on 2 March 2026", "我2026年3月2日入境", "staying about six months", "半年",
            # two relatives, two terms: the question as a whole gives none
            "my wife wants to settle here with me, and her parents to come for three weeks",
        ],
    )
    def test_dates_calendar_years_and_lengths_near_the_line_say_nothing(self, question):
        assert stay_term(question) is None


class TestShortAnswers:
    def test_a_which_visa_question_gets_the_letter_of_the_clause_of_its_term(self):
        assert short_answer("Four-month course: X1 or X2?", X_ITEM, "en", parts=[X_ITEM]) == "Visa: X2."
        assert short_answer("A three-year degree, X1 or X2?", X_ITEM, "en", parts=[X_ITEM]) == "Visa: X1."

    def test_without_a_term_both_letters_are_given(self):
        assert short_answer("Which visa is for studying?", X_ITEM, "en", parts=[X_ITEM]) == "Visa: X1, X2."

    def test_a_choice_between_two_letters_asks_for_a_visa(self):
        assert short_answer("F签证还是M签证？", "（八）M字签证，发给入境进行商业贸易活动的人员。", "zh") == "签证：M。"


class TestKinds:
    def test_a_penalty_is_asked_but_never_reported_unstated(self):
        assert [k.name for k in asked("What is the fine for overstaying?")] == ["penalty"]
        assert unstated("What is the fine for overstaying?", ["no figures here"]) == []

    @pytest.mark.parametrize(
        "question",
        ["How high could the fine possibly be?", "Could he go to jail for this?", "工厂会按什么标准处罚？", "是不是罚几千块就完事了？",
         "If he stays on, what is the worst case?", "逾期了，最坏会怎么样？", "So what's the fine?",
         "What is the fine, roughly?"],
    )
    def test_how_big_a_fine_or_jail_asks_the_penalty(self, question):
        assert "penalty" in [k.name for k in asked(question)]

    @pytest.mark.parametrize(
        ("question", "asks_a_figure"),
        [
            ("厂里二十几个工人等着，他能不能被拦下不让出境？", False),
            ("前几天刚到，好几个同事说要登记，是真的吗？", False),
            ("要提前几天申请？", True),
            ("办下来要几个月？", True),
            ("听说收入要到平均水平的几倍什么的。", False),  # 什么的: "or so"
        ],
    )
    def test_a_number_told_roughly_asks_no_figure(self, question, asks_a_figure):
        assert bool(asked(question)) is asks_a_figure

    def test_a_clause_closing_with_and_so_on_asks_nothing(self):
        from regchat.answering.questions import asking_clauses

        told = "朋友说要住满五年、收入达到平均水平的几倍什么的。具体条件是啥？"
        assert asking_clauses(told) == "具体条件是啥？"
        assert asking_clauses("要交什么材料？照片什么的？") == "要交什么材料？照片什么的？"

    @pytest.mark.parametrize("question", ["What's the office's email?", "移民局的邮箱是多少？", "Is there a website for this?"])
    def test_an_email_or_website_asks_the_offices_contact(self, question):
        assert [k.name for k in asked(question)] == ["contact"]
        assert unstated(question, ["Email: desk@example.mo; Website: https://example.mo"]) == []
        assert [k.name for k in unstated(question, ["The applicant submits a photo."])] == ["contact"]

    @pytest.mark.parametrize("question", ["By when must we report his death?", "最晚哪天要去申报？", "离职后几天之内要报告？"])
    def test_asking_by_when_asks_a_time_limit_a_text_states_with_a_length_of_time(self, question):
        assert "time_limit" in [k.name for k in asked(question)]
        assert [k.name for k in unstated(question, ["应当在婴儿出生后六十日内办理停留或者居留登记"])] == []
        death = "外国人在中国境内死亡的，其家属、监护人或者代理人，应当按照规定，持该外国人的死亡证明向公安机关出入境管理机构申报"
        # (said once: as the period, when the question asks how many days too)
        assert {"time_limit", "quantity"} & {k.name for k in unstated(question, [death])}

    def test_paying_a_fine_is_not_asking_what_the_penalty_is(self):
        assert asked("Where do I pay the fine?") == []
        assert "penalty" not in [k.name for k in asked("交罚款最晚哪天？")]

    @pytest.mark.parametrize("question", ["这样的话罚款上限是多少？", "最高能罚多少钱？", "罚款的金额是多少"])
    def test_the_ceiling_of_a_fine_is_the_penalty_asked(self, question):
        assert "penalty" in [k.name for k in asked(question)]

    @pytest.mark.parametrize(
        "question, text",
        [
            ("How many days a year must a permanent resident live here?", "children under the age of 18"),
            ("办居留证要几寸的照片？", "提交本人的护照以及符合规定的照片"),
            ("What age counts as young for this visa?", "within 30 days"),
        ],
    )
    def test_a_figure_of_another_measure_does_not_answer_the_one_asked(self, question, text):
        assert [k.name for k in unstated(question, [text])] == ["quantity"]

    def test_what_is_not_stated_is_named_by_the_measure_asked(self):
        (period,) = unstated("How many days does the company have to report it?", ["shall promptly report"])
        assert period.en == "the length of that period" and "期限" in period.zh
        (figure,) = unstated("How many officers must be present?", ["the officers shall show their badges"])
        assert figure.en == "that figure"

    def test_any_period_answers_a_question_about_a_period(self):
        assert unstated("How many days do we have to register a guest?", ["within 24 hours of arrival"]) == []

    def test_opening_hours_are_not_answered_by_a_telephone_number(self):
        assert [k.name for k in unstated("What are the office hours? Open on Saturdays?", ["Tel: 2872 5488"])] == [
            "hours"
        ]
        assert unstated("办公时间是几点到几点？", ["办公时间：周一至周五 上午9:00至下午5:45"]) == []

    @pytest.mark.parametrize(
        "question",
        ["Who pays the cost of repatriation?", "遣送出境的费用谁来出？", "Must her employer pay for the ticket home?"],
    )
    def test_asking_who_pays_is_not_asking_what_it_costs(self, question):
        assert [k.name for k in asked(question) if k.name == "fee"] == []

    @pytest.mark.parametrize("question", ["How much do we pay for a renewal?", "How much will the permit cost?"])
    def test_how_much_to_pay_asks_the_fee(self, question):
        assert "fee" in [k.name for k in asked(question)]

    @pytest.mark.parametrize(
        "text",
        ["（三）拖欠劳动者的劳动报酬，经国务院有关部门……决定不准出境的；", "is in arrears with the wages of workers"],
    )
    def test_unpaid_wages_are_stated_by_a_text_on_unpaid_remuneration(self, text):
        assert unstated("工厂欠工人工资，外籍老板会被限制出境吗？", [text]) == []

    def test_a_number_of_people_answers_how_many_people(self):
        assert unstated("要几个人？", ["由两名与其同性别的人民警察进行"]) == []


@pytest.mark.parametrize(
    "question, period",
    [
        ("How many days after arriving must I register?", True),
        ("入境以后几天之内必须办？", True),
        ("办下来要多久？", True),
        ("What is the last day to register?", False),
        ("最晚哪天要办？", False),
    ],
)
def test_a_question_for_a_length_of_time_is_told_from_one_for_a_date(question, period):
    assert asks_for_period(question) is period


@pytest.mark.parametrize(
    "question, limit",
    [
        ("What is the longest the stay can be extended?", True),
        ("Until when could it be extended, at most?", True),
        ("延长停留最长可以延多久？", True),
        ("签证停留期限累计能延到哪天？", True),
        ("停留能延长到8月中旬吗？", True),  # whether the extension reaches a given time
        ("Could her stay be extended until the end of September?", True),
        ("I want to extend my visa, where do I go?", False),
        ("When must I apply to extend my stay?", False),
        ("最晚哪天申请延期？", False),
    ],
)
def test_a_question_asking_how_far_a_period_may_go_is_told_apart(question, limit):
    assert asks_for_limit(question) is limit


class TestLengthsOfTime:
    @pytest.mark.parametrize(
        "question, text",
        [
            ("这个规定时间到底是多久？", "年满十六周岁的外国人，应当在规定的时间内交验居留证件。"),
            ("How long is that set time exactly?", "Foreigners over 16 years of age shall present their permits within the set time."),
        ],
    )
    def test_an_age_is_no_length_of_time(self, question, text):
        assert [k.name for k in unstated(question, [text])] == ["quantity"]

    @pytest.mark.parametrize("question", ["这个期限是多久？", "How long is the receipt valid?"])
    def test_a_text_stating_a_period_answers_how_long(self, question):
        assert unstated(question, ["受理回执有效期不超过15日", "a receipt valid for not more than 15 days"]) == []


@pytest.mark.parametrize(
    "question, left",
    [
        ("Which visa should her parents get? A friend said Q1.", "Which visa should her parents get? A friend said  ."),
        ("她应该办哪种签证？中介说办Q2", "她应该办哪种签证？中介说办 "),
        ("Is the K visa real, or do I need a Z visa?", "Is the K visa real, or do I need a Z visa?"),
    ],
)
def test_the_visa_letters_a_which_visa_question_names_are_choices_not_facts_of_the_case(question, left):
    assert without_visa_letters(question) == left


def test_which_visa_is_answered_by_the_text_saying_to_whom_visas_are_issued():
    (kind,) = [k for k in asked("What visa do my wife's parents apply for?") if k.name == "visa_category"]
    assert kind.choose and not kind.unstated
    assert kind.stated_in("(11) S1 visas shall be issued to spouses, parents ...")
    assert kind.stated_in("（十一）S1字签证，发给申请入境长期探亲的…")
    assert not kind.stated_in("(9) Foreigners applying for a Q1 visa shall submit a letter of invitation")


@pytest.mark.parametrize(
    "question, sponsor",
    [
        ("I'm a Chinese citizen and my husband is Dutch: which visa does he need to live with me?", "citizen"),
        ("我在苏州工作，有工作类居留证，想接我妈过来住两个月，她办什么签证？", "foreigner"),
        ("I am a Chinese citizen. Which visa does the engineer my company hires need?", None),  # no relative
        ("Which visa does my wife need?", None),  # whose relative she is, the question does not say
        # an employee named by a nationality is a foreigner working here
        ("我们的加拿大籍工程师想把9岁的女儿接来一起住，女儿办什么签证？", "foreigner"),
        ("Our Kenyan engineer's wife wants to join him for a year: which visa?", "foreigner"),
        ("我们的中国籍员工想接她丈夫过来，办什么签证？", "citizen"),
        # a foreign student is a foreigner here for study; a citizen studying somewhere is a citizen all the same
        ("女儿在成都的大学念书，我想去陪她一年，办哪种签证？", "foreigner"),
        ("我们的儿子是留学生，我想去看他两个月，办什么签证？", "foreigner"),
        ("My husband is Chinese and studies at a university in Xi'an. Which visa do I need to join him?", "citizen"),
        # a permanent resident's card named the short way is a permanent resident's
        ("She got her PR card last month. Her husband wants to come and live with her: which visa?", "citizen"),
        # a relative travelling with a ship's crew member goes as the crew does
        ("Our second officer wants to bring his wife on board for the first voyage. Which visa for her?", "crew"),
        ("船员的太太想随船一起来，办什么签证？", "crew"),
    ],
)
def test_whose_relative_the_visitor_is(question, sponsor):
    assert sponsor_of(question) == sponsor


@pytest.mark.parametrize(
    "question, lang, letters",
    [
        ("My father (Peruvian) wants to spend the winter with us in Xiamen. What visa should he get?", "en",
         {"Q1", "Q2", "S1", "S2"}),
        ("我岳母是泰国人，想来成都住一年帮我们带孩子，她该办什么签证？", "zh", {"Q1", "S1"}),  # a long stay
        ("My wife says Q2, her sister says S2: which visa for her mother to visit us?", "en", {"Q1", "Q2", "S1", "S2"}),
    ],
)
def test_which_visa_a_relative_takes_is_asked_back_when_whose_family_is_unsaid(question, lang, letters):
    assert whose_relative_unsaid(question)
    line = whose_relative_line(question, lang)
    assert set(re.findall(r"[QS][12]", line)) == letters and line.rstrip().endswith(("?", "？"))


@pytest.mark.parametrize(
    "question",
    [
        "I'm a Chinese citizen; my husband (Peruvian) wants to live with me here. What visa should he get?",
        "我在苏州工作，有工作类居留证，想接我妈过来住两个月，她办什么签证？",
        "Which visa does the engineer we hire need?",  # no relative
        "I'm coming for a trade fair and bringing my son to sightsee: which visa do we each need?",  # no family visited
        "my husband is chinese and his mum wants me to visit her for three weeks: which visa?",
        "I hold a work resdence permit in Suzhou; my wife will live with me. Which visa?",  # a typo read through
        "我在厦门大学读研究生，寒假爸妈想来看我两个星期，他们应该办什么签证？",  # the host studies here
    ],
)
def test_which_visa_is_not_asked_back_when_the_question_tells_whose_family_or_names_no_relative(question):
    assert not whose_relative_unsaid(question)


def test_a_relatives_visa_is_the_family_visa_of_the_host_the_question_names():
    question = "我是中国公民，老婆是法国人，想过来跟我长期住，该办哪种签证？"
    q1 = "（九）Q1字签证，发给因家庭团聚申请入境居留的中国公民的家庭成员和具有中国永久居留资格的外国人的家庭成员"
    s1 = "（十一）S1字签证，发给申请入境长期探亲的因工作、学习等事由在中国境内居留的外国人的配偶、父母"
    x1 = "（十二）X1字签证，发给申请在中国境内长期学习的人员"
    visa_fit = visa_fit_for(question)
    assert visa_fit(q1) == 1.5  # her host, and the long stay
    assert visa_fit(s1) is None and visa_fit(x1) is None
    assert short_answer(question, "", "zh", parts=[q1, s1, x1]) == "签证：Q1。"


def test_someone_coming_to_work_takes_the_work_visa_not_the_business_one():
    question = "公司让我先拿商务签过来，到了再说。我下个月开始在餐厅上班，应该办哪种签证？"
    m = "（八）M字签证，发给入境进行商业贸易活动的人员。"
    z = "（十三）Z字签证，发给申请在中国境内工作的人员。"
    s1 = "（十一）S1字签证，发给申请入境长期探亲的因工作、学习等事由在中国境内居留的外国人的配偶、父母"
    assert visa_case(question).purpose == "work"
    visa_fit = visa_fit_for(question)
    assert visa_fit(z) == 1.0 and visa_fit(m) is None and visa_fit(s1) is None
    assert short_answer(question, "", "zh", parts=[m, z, s1]) == "签证：Z。"


def test_a_relative_asked_about_is_read_by_whose_relative_not_by_the_askers_work():
    question = "我在上海一所学校教数学，工作许可都办好了。我太太想过来长住，办什么签证？"
    assert visa_case(question) == VisaCase("foreigner", "long", None)


@pytest.mark.parametrize(
    "question",
    [
        "How many working days will the immigration bureau take to issue the new card?",
        "How many days until it's ready?",
        "补一张新的要等几个工作日才能拿到？",
    ],
)
def test_asking_how_long_the_authority_takes_in_the_forms_people_write_it(question):
    assert "processing_time" in [k.name for k in asked(question)]


def test_how_the_fee_is_paid_is_a_fact_of_its_own():
    missing = unstated("What is the fee, and can I pay by card or is it cash only?", ["The visa is issued within days."])
    assert [k.name for k in missing] == ["fee", "payment_method"]


S_ITEM = (
    "（十一）S1字签证，发给申请入境长期探亲的因工作、学习等事由在中国境内居留的外国人的配偶、父母；"
    "S2字签证，发给申请入境短期探亲的因工作、学习等事由在中国境内停留居留的外国人的家庭成员"
)


def test_a_visa_of_the_other_term_of_stay_is_not_the_visitors():
    # the host's "停留居留" is no long stay: the clause's own term is 短期
    question = "我在杭州工作，有工作类居留证，岳父岳母想来住两个月，该办啥签证？"
    assert short_answer(question, "", "zh", parts=[S_ITEM]) == "签证：S2。"


def test_a_follow_up_about_a_relative_takes_the_host_from_the_turn_before():
    earlier = "Our new hire lands in Shanghai next week on a Z visa."
    question = "And his wife, who will live with him for three years: which visa?"
    assert sponsor_of(question) is None
    assert short_answer(question, "", "zh", parts=[S_ITEM], earlier=earlier) == "签证：S1。"


def test_a_follow_up_naming_only_another_relative_asks_which_visa_again():
    earlier = "Our engineer is on a Z visa with a work residence permit; his wife will live with him. Which visa should she get?"
    assert visa_case("And his mother-in-law? Only three weeks in August.", earlier) == VisaCase("foreigner", "short")
    from regchat.parts import split_parts

    article_6 = (PROJECT_ROOT / "corpus/cn-foreigner-entry-exit-regulations.md").read_text(encoding="utf-8")
    article_6 = article_6[article_6.index("Ordinary visas are categorised"):article_6.index("Article 7")]
    item = next(p.text for p in split_parts(article_6) if p.text.startswith("(10) S1 visas"))
    assert VisaCase("foreigner", "short").fit(item) is not None  # its S2 clause fits, though its S1 clause does not
    assert VisaCase("foreigner", "short").fit(item.split(";")[0]) is None


@pytest.mark.parametrize(
    "asking", ["我能替他去申请吗？", "可以帮她递材料吗？", "Can my employer file for me?", "Or can I go for her instead?",
               "Could we simply hand in his paperwork?"]
)
def test_asking_whether_someone_else_may_file_in_the_words_people_use(asking):
    assert "who_files" in linked_kinds(asking)


@pytest.mark.parametrize(
    "question, text",
    [
        # how old a document may be is a period, and a period may be written in words with a hyphen
        ("How old can the health certificate be?", "The proof of health shall be valid for a six-month period."),
        ("How many years is the ban?", "entry is not permitted for one to five years"),
    ],
)
def test_a_figure_written_in_words_states_the_period_asked(question, text):
    assert not unstated(question, [text])


REUNION = "(4) reunion residence permits shall be issued to family members of Chinese citizens residing in China and foreigners who hold permanent resident status for family reunion"
PERSONAL = "(5) personal reason residence permits shall be issued to the spouse, parents, children under 18 years of age of a foreigner who resides in China for work or study etc"


def test_which_kind_of_residence_permit_is_read_like_which_visa_by_whose_relative():
    question = "Which type of residence permit does my wife get? I'm on a work-type residence permit in Suzhou."
    assert visa_fit_for(question)(REUNION) is None and visa_fit_for(question)(PERSONAL) is not None
    assert short_answer(question, "", "en", parts=[REUNION, PERSONAL]) == "Residence permit: personal reason residence permit."
    zh = "我是中国公民，老婆是法国人，过来跟我长期住，要办哪类居留证件？"
    parts = ["（四）团聚类居留证件，发给因家庭团聚需要在中国境内居留的中国公民的家庭成员",
             "（五）私人事务类居留证件，发给入境长期探亲的因工作、学习等事由在中国境内居留的外国人的配偶"]
    assert short_answer(zh, "", "zh", parts=parts) == "居留证件：团聚类居留证件。"


def test_an_employer_speaking_of_its_hire_names_a_foreign_host():
    assert sponsor_of("We've hired a Polish engineer for our Hangzhou office. Which visa for his wife?") == "foreigner"
    assert sponsor_of("我们公司聘用的外籍员工，他太太办什么签证？") == "foreigner"


@pytest.mark.parametrize(
    "question", ["She will come and live with me for the rest of my contract.", "老婆孩子随行，跟我一起生活"]
)
def test_coming_to_live_with_the_host_is_a_long_stay(question):
    assert stay_term(question) == "long"


def _reaches(node):
    if isinstance(node, dict):
        yield from node.get("reaches", []) if isinstance(node.get("reaches"), list) else []
        for value in node.values():
            yield from _reaches(value)
    elif isinstance(node, list):
        for value in node:
            yield from _reaches(value)


def test_every_entry_of_the_answer_kinds_quotes_the_corpus_text_it_reaches():
    import json

    from regchat.parsing import load_provisions

    data = json.loads((PROJECT_ROOT / "src/regchat/data/asked.json").read_text(encoding="utf-8"))
    targets = list(_reaches(data))
    assert len(targets) >= 5
    for target in targets:
        texts = [" ".join(p.text.split()) for path in (PROJECT_ROOT / "corpus").glob(f"{target['doc']}*.md")
                 if ".summary." not in path.name
                 for p in load_provisions(path)[1] if p.article == target["article"]]  # fmt: skip
        assert any(target["text"] in text for text in texts), target


def test_a_list_of_materials_per_kind_of_permit_does_not_say_which_kind_is_the_askers():
    question = "外孙女三岁半，要来跟我住两年，来了以后办哪一类居留证件？"
    materials = "（一）工作类居留证件，应当提交工作许可等证明材料"
    assert short_answer(question, "", "zh", parts=[materials]) is None


@pytest.mark.parametrize(
    "question",
    [
        "How much does a new card cost, and how many days until I have it?",
        "补办要多少钱？一般几天能出卡？",
        "几个工作日能出新证？要不要交费？",
    ],
)
def test_a_fee_and_a_processing_time_asked_together_are_both_asked(question):
    assert {"fee", "processing_time"} <= {k.name for k in asked(question)}


@pytest.mark.parametrize(
    "question",
    ["We've made an offer to a Mexican engineer for our plant. Which visa?", "I signed with a design institute in Wuhan. Which visa?"],
)
def test_an_offer_made_or_signed_is_coming_to_work(question):
    assert visa_case(question).purpose == "work"


def test_a_degree_course_is_coming_to_study():
    question = "Got my offer letter for a 4-year bachelor in Shanghai. Which visa type do I need? A friend says X2."
    assert visa_case(question) == VisaCase(None, "long", "study")


def test_staying_on_once_a_permit_has_run_out_tells_a_breach_and_what_can_happen_asks_the_penalty():
    from regchat.answering.asked import asked, tells_a_breach

    question = "If my permit runs out next week and I am still here, what exactly could happen to me?"
    assert tells_a_breach(question) and "penalty" in [k.name for k in asked(question)]
    assert tells_a_breach("居留证过期以后人还在上海，会怎么样？")


@pytest.mark.parametrize(
    "question",
    ["I only filed the change two days late. What can the police do to me?", "十天要是超了会怎么样？", "朋友住我家，没登的话会怎样？"],
)
def test_a_step_missed_in_few_words_tells_a_breach_and_asks_its_penalty(question):
    from regchat.answering.asked import linked_kinds

    assert "penalty" in linked_kinds(question)
    assert "penalty" not in linked_kinds("他登机了吗？")


@pytest.mark.parametrize(
    "question", ["Is there a grace period after my work permit is cancelled?", "离职以后有没有缓冲期？", "宽限几天可以吗？"]
)
def test_a_grace_period_is_a_fact_of_its_own_that_a_time_limit_does_not_state(question):
    missing = unstated(question, ["Apply no later than 30 days before the residence permit expires."])
    assert "grace_period" in [k.name for k in missing]


@pytest.mark.parametrize(
    "question",
    [
        "Can I take a paid job for a month while I'm here on my business visa?",
        "Is it legal for her to work part-time on a family residence permit?",
        "Could we hire him before his work permit comes through?",
        "他拿的是学习类居留证件，能不能先来我们公司上班？",
        "公司可以聘用持探亲签证的外国人吗？",
        "她拿的是私人事务类居留证件，周末去餐厅打工应该没事吧？",
    ],
)
def test_whether_someone_may_work_on_what_they_hold_is_asked_and_answered_by_what_working_requires(question):
    kind = _choosing_kind(question, "work_allowed")
    assert kind.stated_in("Foreigners who work in China shall obtain work permits and work-type residence permits")
    assert kind.stated_in("外国人在中国境内工作，应当按照规定取得工作许可和工作类居留证件。")
    assert not kind.stated_in("(8) M visas shall be issued to those who enter China for commercial and trade activities")


@pytest.mark.parametrize(
    "question",
    [
        "Can I apply for a work permit from abroad?",  # an application, not whether one may work
        "Can I work out the last day myself?",
        "我能在入职前办居留证件吗？",
        "可以申请工作类居留证件吗？",
    ],
)
def test_asking_about_an_application_for_work_or_a_date_is_not_asking_whether_one_may_work(question):
    assert "work_allowed" not in [k.name for k in asked(question)]


_REQUIRES = "Foreigners who work in China shall obtain work permits and work-type residence permits in accordance with relevant regulations."
_REQUIRES_ZH = "外国人在中国境内工作，应当按照规定取得工作许可和工作类居留证件。"


@pytest.mark.parametrize(
    "question, lang, line",
    [
        ("Could she take a paid job on her L visa?", "en", "Not on the L visa alone: "),
        ("Is it legal for him to work while he is here on a business visa?", "en", "Not on the business visa alone: "),
        ("她拿Q2签证来的，能不能在我们店里打工？", "zh", "仅凭Q2字签证不能在中国境内工作："),
    ],
)
def test_asked_whether_one_may_work_on_a_document_not_for_work_the_first_line_says_it_does_not_allow_it(question, lang, line):
    text = _REQUIRES if lang == "en" else _REQUIRES_ZH
    assert short_answer(question, text, lang).startswith(line)


@pytest.mark.parametrize(
    "question, text",
    [
        ("Could she take a paid job on her L visa?", "(6) L visas shall be issued to those who enter China as tourists"),  # no requirement quoted
        ("Can he start working on his Z visa before the permit is out?", _REQUIRES),  # a document for work
        ("Can a student on an X1 visa work part-time?", _REQUIRES),  # students' work-study is another route
        ("Can she work?", _REQUIRES),  # no document named
    ],
)
def test_no_such_line_without_the_requirement_quoted_or_a_document_not_for_work_named(question, text):
    line = short_answer(question, text, "en")
    assert line is None or not line.startswith("Not on")


def test_asking_whether_some_work_is_allowed_is_no_figure_so_a_figure_asked_beside_it_stays_asked():
    names = [k.name for k in asked("How many hours a day may an exchange student work off campus?")]
    assert "work_allowed" in names and "quantity" in names
    assert [k.name for k in asked("How much is the fee for the card?")] == ["fee"]  # a fee is the figure asked


_PERMANENT = "Foreigners who have obtained permanent residence status may reside or work in China on the strength of permanent residence permits"
_STUDY_RULE = "持学习类居留证件的外国人所持居留证件未加注前款规定信息的，不得在校外勤工助学或者实习。"


@pytest.mark.parametrize(
    "question, text",
    [
        ("She has had permanent residence for years. Can she work here without a work permit?", _PERMANENT),
        ("我有永久居留身份证，入职还要办工作许可吗？可以直接上班吗？", _PERMANENT),
        ("On an X2 visa, can an exchange student work part-time off campus?", _STUDY_RULE),
        ("留学生周末去咖啡店兼职可以吗？", _STUDY_RULE),
    ],
)
def test_a_permanent_residents_card_and_a_study_permit_without_the_remark_state_whether_their_holder_may_work(question, text):
    (kind,) = [k for k in asked(question) if k.name == "work_allowed"]
    assert kind.stated_in(text, question)


@pytest.mark.parametrize(
    "question",
    [
        "He is here on a family residence permit. Can he work weekends at a language school for cash?",
        "我老公拿团聚居留证，他去朋友公司兼职可以吗？",
        "Can she work here?",
    ],
)
def test_what_a_card_or_permit_allows_its_own_holders_does_not_answer_for_someone_holding_another(question):
    # the rule of a study permit or of a permanent residence card speaks of its holders only
    (kind,) = [k for k in asked(question) if k.name == "work_allowed"]
    assert not kind.stated_in(_STUDY_RULE, question) and not kind.stated_in(_PERMANENT, question)
    assert kind.stated_in(_REQUIRES, question) and kind.stated_in(_REQUIRES_ZH, question)


def test_a_follow_up_says_who_holds_what_through_the_turn_it_goes_on_with():
    (kind,) = [k for k in asked("Can he take a paid job on weekends?") if k.name == "work_allowed"]
    assert kind.stated_in(_STUDY_RULE, "Can he take a paid job on weekends?", "My son studies in Wuhan on an X1.")
    assert not kind.stated_in(_STUDY_RULE, "Can he take a paid job on weekends?", "My father joined me here on a Q2.")


def test_a_family_permit_named_in_users_words_is_not_enough_to_work_on():
    line = short_answer("我老公拿团聚居留证，周末去培训机构兼职教英语没事吧？", _REQUIRES_ZH, "zh")
    assert line.startswith("仅凭团聚居留证不能在中国境内工作")


@pytest.mark.parametrize(
    "question",
    ["After the overstay, will he be banned from China?", "被遣送回国以后，她以后还能再来中国吗？", "Could she ever come back to China?"],
)
def test_whether_someone_may_come_back_is_asked_and_stated_by_the_period_of_no_entry(question):
    kind = _choosing_kind(question, "entry_ban")
    assert kind.stated_in("被遣送出境的人员，自被遣送出境之日起一至五年内不准入境。")
    assert kind.stated_in("A deported foreigner shall not be permitted to enter China for 10 years from the date of deportation.")
    assert not kind.stated_in("外国人有下列情形之一的，不准出境:")


@pytest.mark.parametrize(
    "question",
    ["The bureau decided to detain my brother. Can we appeal that decision?", "对遣送出境的决定不服，可以复议吗？",
     "Could she sue the police over the restriction order?", "他们要把他遣返，我们能申诉吗？", "so can we fight it",
     "Is there any way to fight the detention decision?"],
)
def test_how_to_challenge_a_decision_is_asked_and_stated_by_the_remedy_or_its_finality(question):
    kind = _choosing_kind(question, "remedy")
    assert kind.stated_in("外国人对依照本法规定对其实施的继续盘问、拘留审查、限制活动范围、遣送出境措施不服的，可以依法申请行政复议，该行政复议决定为最终决定。")
    assert kind.stated_in("Decisions made by the exit/entry administration on rejecting applications for visa extension shall be final.")
    assert not kind.stated_in("外国人有下列情形之一的，可以遣送出境：")


@pytest.mark.parametrize(
    "question",
    ["Who covers the ticket home once she is repatriated?", "遣送出境的机票钱谁来出？", "Can we make his employer pay for it?",
     "能不能让用人单位承担？", "要遣送的话机票谁出？", "回国的路费由谁付？"],
)
def test_who_pays_is_asked_and_stated_by_the_text_saying_who_bears_the_cost(question):
    kind = _choosing_kind(question, "payer")
    assert kind.stated_in("外国人被遣送出境所需的费用由本人承担。")
    assert kind.stated_in("The expenses incurred for deportation of a foreigner shall be borne by the deported foreigner.")
    assert not kind.stated_in("外国人有下列情形之一的，可以遣送出境：")
    assert "fee" not in [k.name for k in asked(question)]


@pytest.mark.parametrize("question", ["When will his exit ban be lifted?", "欠款还清以后，不准出境能解除吗？", "判决下来后是不是自动就能出境？"])
def test_how_a_ban_ends_is_asked_and_stated_by_its_revocation(question):
    kind = _choosing_kind(question, "lifting")
    assert kind.stated_in("不准出境、入境情形消失的，决定机关应当及时撤销不准出境、入境决定")
    assert not kind.stated_in("外国人有下列情形之一的，不准出境:")


@pytest.mark.parametrize("question", ["Can his permanent residence be revoked later?", "学校要不要向出入境报告学生退学？", "永久居留会被取消吗？"])
def test_a_status_cancelled_or_a_report_asks_no_lifting_nor_remedy(question):
    assert not {"lifting", "remedy"} & {k.name for k in asked(question)}


def test_a_period_asked_of_a_challenge_is_still_a_period_asked():
    # (the documents state no time limit for reconsideration: the period must be reported not stated)
    assert {"quantity", "remedy"} <= {k.name for k in asked("How many days do we have to appeal the detention decision?")}


@pytest.mark.parametrize(
    "question",
    ["When may he come back after the repatriation?", "遣返以后几年不能来？",
     "他的房东去年起诉了他，案子还没判。他下个月能出境吗？",  # a suit told of, not a challenge asked
     "Her landlord sued her last spring. Can she still leave China?"],
)
def test_asking_about_a_decision_without_challenging_it_asks_no_remedy(question):
    assert "remedy" not in [k.name for k in asked(question)]


@pytest.mark.parametrize("question", ["Can I return to work next week?", "她下个月回中国上班"])
def test_going_back_to_work_is_not_asking_about_a_ban(question):
    assert "entry_ban" not in [k.name for k in asked(question)]


MO_RENEWAL = "2.1. Renewal: Individuals who need to renew their card accordingly after the employment authorization is renewed."
CARD_ONLINE = "file an application for the loss of the card online through this system"


@pytest.mark.parametrize(
    "question",
    [
        "Can we book an appointment for the renewal, or is it walk-in only?",
        "Is it possible to apply for the reissue online?",
        "续证可以网上预约吗？还是要去排队？",
        "补办能不能在网上申请？",
    ],
)
def test_whether_it_can_be_done_online_or_by_appointment_is_a_fact_of_its_own(question):
    assert "channel" in [k.name for k in unstated(question, [MO_RENEWAL])]
    assert "channel" not in [k.name for k in unstated(question, [CARD_ONLINE])]


@pytest.mark.parametrize(
    "question",
    ["I read online that a student may work part-time, is that true?", "网上说留学生可以打工，是真的吗？",
     "Can I pay the fee online?"],
)
def test_reading_or_paying_online_does_not_ask_how_to_file(question):
    assert "channel" not in [k.name for k in asked(question)]


def test_each_fact_not_stated_is_named_apart():
    missing = unstated("How much is the renewal, and can I book an appointment?", [MO_RENEWAL])
    assert [k.name for k in missing] == ["fee", "channel"]
    assert not_stated_line(missing, "en").startswith("The documents I hold do not state the fee or cost, or whether")


@pytest.mark.parametrize("question", ["How much is the fine for overstaying?", "How much is the period of stay?"])
def test_how_much_the_fine_or_the_stay_is_asks_no_fee(question):
    assert "fee" not in [k.name for k in asked(question)]


@pytest.mark.parametrize(
    "question", ["Do I need two years of work experience for a work permit?", "K字签证需要什么学历？", "Do teachers have to be native speakers?"]
)
def test_qualifications_no_document_states_are_reported_not_stated(question):
    assert "qualification" in [k.name for k in unstated(question, ["Foreigners who work in China shall obtain work permits."])]


def test_a_degree_told_of_the_asker_asks_no_qualification():
    assert "qualification" not in [k.name for k in asked("I have a master's degree in chemistry. When must I apply for my residence permit?")]


@pytest.mark.parametrize(
    "question",
    [
        "HR says she still has to renew her work permit every year.",
        "Does my permanent-resident director need a work permit?",
        "他拿到永居证以后还要办工作许可吗？",
        # the process of getting one, said at length
        "Our lawyer says we would still have to go through the entire work permit procedure for him.",
        # asked indirectly, of starting the process
        "The agency wonders if we must begin the full work permit application for her again.",
        # the permits named first, then asked about by a word standing for them
        "中介说他得先办工作许可和工作类居留证件。可他有永居啊？真的还需要办这些吗？",
    ],
)
def test_whether_someone_still_needs_a_work_permit_asks_whether_that_work_is_allowed(question):
    assert "work_allowed" in [k.name for k in asked(question)]


@pytest.mark.parametrize(
    "question",
    ["What documents do I need for the work permit?", "When does he need to renew his work permit card?", "办工作许可需要什么材料？",
     "工作许可和工作类居留证件要准备什么？这些材料要公证吗？"],
)
def test_asking_how_to_get_a_work_permit_is_not_asking_whether_one_may_work(question):
    assert "work_allowed" not in [k.name for k in asked(question)]


def test_a_text_stating_it_for_the_holders_named_is_told_from_one_stating_it_for_everyone():
    (kind,) = [k for k in asked("I have permanent residence now. Do I still need a work permit?") if k.name == "work_allowed"]
    question = "I have permanent residence now. Do I still need a work permit?"
    assert kind.holders_named(question) and kind.stated_for_holders(_PERMANENT, question)
    assert kind.stated_in(_REQUIRES, question) and not kind.stated_for_holders(_REQUIRES, question)
    assert not kind.holders_named("Do I still need a work permit?")


@pytest.mark.parametrize(
    "question",
    [
        "Can he still use that certificate for his 3 August appointment?",  # an appointment told, not asked about
        "Can my team file for them so the family doesn't have to queue?",
        "我们已经预约了下周二去办。",
    ],
)
def test_an_appointment_or_a_queue_told_asks_nothing_of_how_to_file(question):
    assert "channel" not in [k.name for k in asked(question)]


@pytest.mark.parametrize(
    "question, penalty",
    [
        ("他的居留证件要怎么处理？", False),  # what to do with a document: a procedure
        ("公司这边该怎么处理？", False),
        ("逾期住了五天，现在会怎么处理？", True),  # what will follow: a penalty
        ("他会被怎么处理？", True),
        ("没批准就进去了怎么处理？", True),  # a breach told: what follows it
    ],
)
def test_what_to_do_with_something_is_not_asking_what_follows(question, penalty):
    assert ("penalty" in [k.name for k in asked(question)]) is penalty


@pytest.mark.parametrize(
    "question, sponsor",
    [("我表妹是中国人，在成都上班，嫁给了一位德国人。她的德国婆婆想来看她，办什么签证？", "citizen"),
     ("As a Chinese citizen working in Nanjing, may my Dutch in-laws visit for a month? Which visa?", "citizen"),
     # a foreigner's own document beside a citizen: whose relative stays unsaid
     ("My wife is Chinese and I work in Nanjing on a work permit. My parents want to visit: which visa?", None)],
)
def test_a_citizen_said_to_work_somewhere_is_still_the_host_a_citizen(question, sponsor):
    from regchat.answering.asked import sponsor_of

    assert sponsor_of(question) == sponsor


def test_a_text_naming_the_visa_letters_one_by_one_lists_the_visa_categories(shipped_provisions):
    listed = {key[:2] for key, p in shipped_provisions.items() if lists_visa_categories(p.official_text().text if p.official_text() else p.text)}
    # the categories (Regulations Art. 6) and what each one's application submits (Art. 7), nothing else
    assert listed == {("cn-foreigner-entry-exit-regulations", 6), ("cn-foreigner-entry-exit-regulations", 7)}


@pytest.mark.parametrize(
    "text, named",
    [("Is an S2 enough for this?", True), ("办Q2要多久？", True), ("Which visa should she get?", True),
     ("Must we carry our passports on the train?", False), ("I am 2 days late. Am I fined?", False)],
)
def test_a_visa_is_named_by_the_word_or_by_its_letter(text, named):
    assert names_a_visa(text) is named


@pytest.mark.parametrize(
    "question",
    ["She holds a family residence permit. Will she need a new visa to fly back in after Christmas?",
     "Is his work permit card enough to re-enter, or does he have to apply for a visa?",
     "我有居留证件，回国过年以后回来还要重新办签证吗？", "拿着居留许可出境再回来，需要签证吗？"],
)
def test_whether_a_visa_is_needed_is_asked_and_stated_by_the_cases_of_visa_exemption(question):
    kind = _choosing_kind(question, "visa_needed")
    assert kind.stated_in("外国人有下列情形之一的，可以免办签证:")
    assert kind.stated_in("A foreigner may enter without a visa (visa exemption) if he or she: ...")
    # an item of the list alone is a case, not the statement that those cases need no visa
    assert not kind.stated_in("（四）国务院规定的可以免办签证的其他情形。")
    assert not kind.stated_in("Foreigners applying for a Z visa shall submit a work permit.")


@pytest.mark.parametrize(
    "question",
    ["Which visa does my mother need to visit for three months?", "What documents do I need for my visa application?",
     "Entered visa-free last week; how do I stay on longer?", "我爸妈来探亲需要办什么签证？", "签证申请需要哪些材料？",
     "他是免签入境的，想多留一周怎么办？"],
)
def test_asking_which_visa_or_what_an_application_needs_is_not_asking_whether_one_is_needed(question):
    assert "visa_needed" not in [k.name for k in asked(question)]


@pytest.mark.parametrize(
    "question, leaving",
    [("With a 19-hour layover, can she leave the airport and get into the city for dinner?", True),
     ("How long could he be let out for?", True),
     ("转机停留二十个小时，能出机场吗？", True),
     ("过境的时候可以去市区逛逛吗？", True),
     ("Which airport does she land at, and at what time?", False),
     ("他几点到机场？", False)],
)
def test_leaving_the_port_on_a_transit_puts_the_further_question_the_links_answer(question, leaving):
    assert ("leaving_the_port" in linked_kinds(question)) is leaving


@pytest.mark.parametrize(
    "question", ["Can she work on her S2 visa?", "Is that allowed??", "这样合法吗？", "他拿学生居留证可以去打工吗？"]
)
def test_whether_someone_may_work_puts_the_further_question_of_what_working_requires(question):
    assert "work_allowed" in linked_kinds(question)


def test_whether_a_visa_is_needed_puts_the_further_question_the_links_answer():
    assert "visa_needed" in linked_kinds("Does he need a new visa to come back, or is his residence permit enough?")
    assert "visa_needed" not in linked_kinds("Which visa does he need to come back?")


@pytest.mark.parametrize(
    "question",
    [
        "What does the card cost? Also, how many years does he have to have lived here first?",
        "补证要交多少钱？他要在这边住满几年才行？",
    ],
)
def test_a_figure_asked_in_a_sentence_of_its_own_stays_asked_beside_a_fee(question):
    missing = unstated(question, ["The application is made by the employer."])
    assert [k.name for k in missing] == ["fee", "quantity"]


@pytest.mark.parametrize("question", ["How much is the fee?", "这个要交多少钱？", "How much would the fee be, roughly?"])
def test_the_figure_of_a_fee_question_is_the_fee(question):
    assert [k.name for k in asked(question)] == ["fee"]


@pytest.mark.parametrize(
    "question, en, zh",
    [
        ("Is there a minimum wage for interns?", "any salary or wage figure", "工资或薪酬标准"),
        ("实习生时薪最低多少？", "any salary or wage figure", "工资或薪酬标准"),
        ("Do I pay income tax here, and what about sick leave?", "anything about tax or anything about leave", "税费、休假"),
    ],
)
def test_pay_tax_social_insurance_and_leave_are_each_named_as_asked(question, en, zh):
    (kind,) = unstated(question, ["Foreigners who work in China shall obtain work permits."])
    assert (kind.en, kind.zh) == (en, zh)


@pytest.mark.parametrize(
    "text",
    [
        "a warning, and a fine of not more than 2,000 yuan may also be imposed",
        "有下列情形之一的，给予警告，可以并处二千元以下罚款:",
    ],
)
def test_a_fines_amount_states_no_fee(text):
    assert [k.name for k in unstated("How much does the renewal cost?", [text])] == ["fee"]


def test_an_amount_outside_a_fines_clause_still_states_the_fee():
    assert unstated("How much does the renewal cost?", ["Offenders are fined 500 yuan; the renewal fee is 800 yuan."]) == []


@pytest.mark.parametrize(
    "question", ["Can they start their shifts before the cards come?", "Could she begin her new job on Monday?"]
)
def test_starting_a_shift_or_a_job_asks_whether_that_work_is_allowed(question):
    assert "work_allowed" in [k.name for k in asked(question)]


def test_money_asked_beside_a_penalty_is_the_fines_amount():
    question = "If she overstays, what is the penalty, and roughly how much money would that be?"
    assert "fee" not in [k.name for k in unstated(question, ["a fine of not more than 2,000 yuan may be imposed"])]


@pytest.mark.parametrize("question", ["如果超时没报，单位会被罚多少钱？", "If we report late, how much money will the company be fined?"])
def test_money_asked_beside_a_penalty_no_text_states_is_the_penalty_left_unstated(question):
    assert [k.name for k in unstated(question, ["应当及时向所在地公安机关出入境管理机构报告"])] == ["penalty"]


@pytest.mark.parametrize(
    "question",
    ["A bakery in Chengdu would like my brother to come over and bake for them. Which visa does he apply for?",
     "老家有个工厂想让我表弟过去开车，他该办哪种签证？"],
)
def test_a_business_wanting_someone_to_come_and_do_something_for_it_says_work(question):
    from regchat.answering.asked import purpose_of

    assert purpose_of(question) == "work"


def test_a_business_inviting_someone_to_a_meeting_says_no_work():
    from regchat.answering.asked import purpose_of

    assert purpose_of("A company in Xiamen invited him to come and discuss the order. Which visa?") is None


def test_which_visa_is_read_from_the_clause_issuing_it_not_from_the_papers_of_another():
    issuing = "（三）F字签证，发给入境从事交流、访问、考察等活动的人员。"
    papers = "（一）申请C字签证，应当提交外国运输公司出具的担保函件或者中国境内有关单位出具的邀请函件。"
    assert short_answer("单位发了邀请函请他来交流，办什么签证？", papers, "zh", parts=[papers, issuing]) == "签证：F。"
