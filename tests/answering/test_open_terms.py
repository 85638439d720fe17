"""Standards the documents set without measuring them ("serious circumstances", "promptly",
transit in "specific areas"): a question naming one and asking how far it goes is told the
documents leave it open, when a quoted provision uses the term; a question asking what follows
from the term is answered as usual."""

import pytest

from regchat.answering.open_terms import left_open, open_terms


def test_every_term_is_used_by_each_of_its_provisions(shipped_provisions):
    for term in open_terms():
        assert term.provisions, term.name
        for doc_id, article in term.provisions:
            provision = shipped_provisions[(doc_id, article, None)]
            assert term.used_in(provision.all_text()), (term.name, doc_id, article)


def test_no_provision_of_a_term_names_a_measure_for_it(shipped_provisions):
    # what a term leaves open is not measured elsewhere in its own provision: "情节严重" is never
    # followed by "是指" or "指…日以上" (a definition would make the line false)
    for term in open_terms():
        for doc_id, article in term.provisions:
            text = shipped_provisions[(doc_id, article, None)].all_text()
            for word in term.corpus:
                assert f"{word}是指" not in text and f"{word}，是指" not in text, (term.name, article)


ALL = "情节严重 及时 特定区域 永久居留 青年科技人才 勤工助学"
# (a time limit left open, "promptly", is asked by any sentence asking by when, whenever the quoted text
# uses it: the texts of the questions asking no measure here do not)
NOT_PROMPTLY = ALL.replace(" 及时", "")


@pytest.mark.parametrize(
    "question, name",
    [
        ("超过多少天就算“情节严重”？9天算吗？", "serious circumstances"),
        ("How many days of overstay count as serious? Will I just get a warning?", "serious circumstances"),
        ("What's the threshold for a 'serious' case under Art. 78?", "serious circumstances"),
        ("How many days does 'report promptly' give the company?", "promptly"),
        ("Which cities allow 240-hour visa-free transit?", "visa-free transit areas"),
        ("过境免签能在哪些城市待几天？", "visa-free transit areas"),
        ("住满5年能申请永久居留吗？要什么条件？", "permanent residence conditions"),
        ("With a PR card, how many days a year must I be in China?", "permanent residence conditions"),
        ("K签证的年龄上限多少岁？", "young talents"),
        ("Is there an age limit for the K visa?", "young talents"),
        ("留学生勤工助学每周最多几个小时？", "work-study hours"),
        ("How many hours a week can a student work part-time?", "work-study hours"),
    ],
)
def test_asking_how_far_a_term_goes_is_left_open(question, name):
    assert [t.name for t in left_open(question, [ALL])] == [name]


@pytest.mark.parametrize(
    "question",
    [
        "情节严重的话罚多少钱？",  # what follows from the term, which the texts state
        "情节严重的话会拘留几天？",
        "If it is serious, how many days of detention can he get?",
        "What is the fine if the case is serious?",
        "外国人的永久居留资格在什么情况下会被取消？",  # the term's formal name, no measure asked
        "Can I transit through Beijing without a visa?",  # no measure asked
        "My residence permit expires on 15 December. When must I apply?",  # no term named
        "Serious question: which visa do I need? How many days does the embassy take?",  # term and measure in different sentences
    ],
)
def test_a_question_not_asking_a_term_s_measure_is_not(question):
    assert left_open(question, [NOT_PROMPTLY]) == []


@pytest.mark.parametrize(
    "sentences, message",
    [
        ("Which cities can she visit, and is Hangzhou one?",
         "She flies Seoul to Shanghai to Lima on one ticket and wants a week of visa-free transit. "
         "Which cities can she visit, and is Hangzhou one?"),
        ("这次最多能待多少个小时？", "下个月经上海转机去温哥华，想出机场玩一下。这次最多能待多少个小时？"),
    ],
)
def test_a_transit_trip_told_in_one_sentence_is_what_the_next_asks_the_measure_of(sentences, message):
    assert [t.name for t in left_open(sentences, [ALL], message)] == ["visa-free transit areas"]


def test_a_term_of_a_generic_measure_told_in_another_sentence_is_not_asked_about():
    # "serious" in the story, "how many days" asked of something else
    message = "His overstay was serious, the officer said. How many days does he have to pay?"
    assert left_open("How many days does he have to pay?", [NOT_PROMPTLY], message) == []


def test_the_line_is_said_only_when_a_quoted_provision_uses_the_term():
    question = "How many days of overstay count as serious?"
    assert left_open(question, ["A foreigner in illegal residence shall be given a warning."]) == []
    assert [t.name for t in left_open(question, ["外国人非法居留的，给予警告；情节严重的，处……罚款"])] == ["serious circumstances"]


@pytest.mark.parametrize(
    "question",
    [
        "那我们实验室要是直接让拿K签进来的博士在这边上班、按月发工资，可以吗？",  # a doctor, not a degree asked for
        "My wife was offered a few hours a week teaching Spanish, is that ok if it's only part-time?",  # no student, no measure asked
    ],
)
def test_words_of_a_term_s_measure_told_in_passing_ask_nothing(question):
    assert left_open(question, [ALL]) == []


def test_a_standard_left_open_is_named_once_not_again_as_a_qualification(retriever, shipped_settings):
    import datetime as dt

    from regchat.answering import Engine

    answer = Engine(retriever, shipped_settings).answer("K字签证的青年科技人才，年龄和学历有什么要求？", today=dt.date(2026, 11, 2))
    first = answer.text.splitlines()[0]
    assert answer.outcome == "not_stated" and "外国青年科技人才" in first
    assert "母语或积分" not in first


ENGLISH_REPORT = "Organisations which employ foreigners or enrol foreign students shall promptly report"
REPORT = "聘用外国人工作或者招收外国留学生的单位，发现有下列情形之一的，应当及时向所在地县级以上地方人民政府公安机关出入境管理机构报告"


@pytest.mark.parametrize(
    "question",
    [
        "Our engineer's last day was 30 November. By when must we report it?",
        "公司最晚哪天要向公安报告？",
        "离职后几天之内必须报告？",
        "How many days do we have to notify the bureau?",
        "Is there a time limit for telling the police?",
    ],
)
def test_a_duty_due_promptly_asked_by_when_is_left_open_though_the_term_is_not_named(question):
    # the provision setting the duty says only "promptly" (Regulations Art. 26): no day can be given
    assert [t.name for t in left_open(question, [REPORT])] == ["promptly"]
    # ... in the English translation quoted to an English reader as in the official text
    assert [t.name for t in left_open(question, [ENGLISH_REPORT])] == ["promptly"]


@pytest.mark.parametrize(
    "question",
    [
        "Do we have to report his resignation?",  # no time asked
        "超过多少天就算“情节严重”？",  # the time words ask the measure of the term named
        "What is the fine for a late report?",  # the penalty of lateness, not how late is late
    ],
)
def test_a_duty_due_promptly_is_not_left_open_unless_asked_by_when(question):
    assert "promptly" not in [t.name for t in left_open(question, [REPORT + " 情节严重"])]
