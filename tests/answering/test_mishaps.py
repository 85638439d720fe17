"""A document lost, stolen or damaged: a message telling such a mishap is answered first from the
provision stating that case (its reissue, the document declared void, leaving without a passport)
when it comes up close, not from the provisions on the document alone."""

from __future__ import annotations

import datetime as dt
import json
import re
from importlib import resources

import pytest

from regchat.answering import Engine
from regchat.answering.mishaps import follows_asked, mishap_told, states_mishap
from regchat.answering.mishaps import documents_befallen
from regchat.answering.offline import mishap_fit

TODAY = dt.date(2026, 6, 8)


@pytest.fixture(scope="module")
def engine(retriever, shipped_settings):
    return Engine(retriever, shipped_settings)


def test_every_word_stating_the_case_is_the_texts_own(shipped_provisions):
    data = json.loads(resources.files("regchat").joinpath("data/mishaps.json").read_text(encoding="utf-8"))
    for word in data["stated"]["zh"] + [w for d in data["documents"] for w in d["stated"]]:
        assert any(word in p.all_text() for p in shipped_provisions.values()), word
    for pattern in data["stated"]["en"]:
        assert any(re.search(pattern, p.text, re.I) for p in shipped_provisions.values()), pattern


def test_the_provisions_stating_the_case(shipped_provisions):
    stating = {(doc, article) for (doc, article, _), p in shipped_provisions.items() if mishap_fit(p)}
    assert {("cn-exit-entry-law", 35), ("cn-exit-entry-law", 67), ("cn-foreigner-entry-exit-regulations", 11),
            ("cn-foreigner-entry-exit-regulations", 23), ("cn-foreigner-entry-exit-regulations", 34)} <= stating
    # what a residence permit application submits, and the receipt while the passport is held, state no mishap
    assert not {("cn-foreigner-entry-exit-regulations", 16), ("cn-foreigner-entry-exit-regulations", 18)} & stating


@pytest.mark.parametrize(
    "text",
    [
        "My residence permit was stolen on the bus.",
        "Somebody snatched my bag yesterday, my passport was in it.",
        "钱包被偷了，居留证件在里面。",
        "The visa page got soaked in the rain and is unreadable.",
        "上周在商场把护照弄丢了。",
        "居留证件被人偷了，怎么办？",
        "孩子把我的签证页撕坏了。",
        "Somebody grabbed her handbag at the market, her residence permit was inside.",  # taken by a stranger
        "He left his wallet in a taxi with his work permit card in it.",
    ],
)
def test_a_mishap_of_a_document_is_told(text):
    assert mishap_told(text)


@pytest.mark.parametrize(
    "text",
    [
        "I lost my job last week; when must I leave?",  # no document in the sentence
        "My passport expires in May.",  # no mishap
        "他丢了工作。居留证还有效吗？",  # a job lost, the permit only asked about
        "The stolen goods case is still open.",
        "The officer took my passport when I applied.",  # held by the office, no mishap
        "If my application is missing documents, what happens?",  # documents missing from a file
        "工厂设备坏了急需工程师来抢修，来不及在国外办签证。",  # a machine broken, a visa applied for
    ],
)
def test_no_mishap_of_a_document_is_told(text):
    assert not mishap_told(text)


def test_a_guide_whose_authentic_text_is_english_states_the_case_in_english(shipped_provisions):
    # (the Macao card's reissue: damaged, lost, stolen or plundered; its renewal states no mishap)
    sections = {key: p for key, p in shipped_provisions.items() if key[0] == "mo-non-resident-worker-card"}
    stating = {p.section for p in sections.values() if mishap_fit(p)}
    assert stating == {"Reissue / Replacement"}
    card = documents_befallen("My bag was snatched with my worker card inside.")
    reissue = next(p for p in sections.values() if p.section == "Reissue / Replacement")
    assert mishap_fit(reissue, card, follows_asked("How does he get a replacement?")) == 3


def test_the_document_told_prefers_the_provision_stating_its_case(shipped_provisions):
    permit = documents_befallen("My residence permit was stolen.")
    reissue = shipped_provisions[("cn-exit-entry-law", 35, None)]
    passport_lost = shipped_provisions[("cn-foreigner-entry-exit-regulations", 23, None)]
    assert mishap_fit(reissue, permit) == 2 and mishap_fit(passport_lost, permit) == 1
    assert mishap_fit(passport_lost, documents_befallen("我的护照被偷了。")) == 2


@pytest.mark.parametrize(
    "asked, stated",
    [
        ("How does she get a new one?", "补发"),
        ("要去哪里补？", "补发"),
        ("Could a stranger misuse it?", "作废"),
        ("被偷的那张还有效吗？", "作废"),
        ("How can he leave China without it?", "出境手续"),
        ("What do we do now?", "补发"),  # asking none of them: what the holder must apply for
    ],
)
def test_what_a_message_asks_follows_a_mishap(asked, stated):
    assert [f.stated[0] for f in follows_asked(asked)] == [stated]


def test_the_documents_befallen_are_those_of_the_clause_telling_the_mishap():
    assert [d.stated for d in documents_befallen("护照和居留证件都在，就是工作证丢了。")] == [("card", "Card")]
    told = documents_befallen("My wallet was stolen, with my passport and my residence permit in it.")
    assert {d.stated[0] for d in told} == {"居留证件", "护照"}


def test_a_mishap_told_in_the_turn_before_is_not_what_a_follow_up_asks(engine):
    history = [{"role": "user", "content": "My visa got damaged in the rain. Where do I get it reissued?"},
               {"role": "assistant", "content": "At the local exit-entry office (Regulations Art. 11)."}]
    plain = engine.answer("And how long will the exit-entry office take to decide?", today=TODAY)
    followed = engine.answer("And how long will the exit-entry office take to decide?", history=history, today=TODAY)
    assert ("cn-foreigner-entry-exit-regulations", 11) not in [(c.doc_id, c.article) for c in followed.citations][:1]
    assert plain.citations


def test_the_case_is_read_in_the_official_text_or_in_a_guide_s_english():
    assert states_mishap("签证遗失的，应当申请补发。")
    assert not states_mishap("申请签证应当提交护照。", "A foreigner whose visa is lost must apply.")
    assert states_mishap("", "Report the loss of the card online.")


def test_a_stolen_residence_permit_is_answered_from_the_reissue_first(engine):
    answer = engine.answer("Our engineer's residence permit was stolen from his car on Sunday. "
                           "How does he get a replacement?", today=TODAY)
    assert (answer.citations[0].doc_id, answer.citations[0].article) == ("cn-exit-entry-law", 35)


def test_a_lost_permit_asked_in_chinese_is_answered_from_the_reissue_first(engine):
    answer = engine.answer("我老婆的居留证件昨天在超市丢了，要去哪里补？", today=TODAY)
    assert (answer.citations[0].doc_id, answer.citations[0].article) == ("cn-exit-entry-law", 35)


def test_a_passport_and_a_residence_permit_stolen_together_get_what_follows_for_each(engine):
    answer = engine.answer("My colleague's passport was stolen at the station, with his residence permit in it. "
                           "What has he got to do now?", today=TODAY)
    cited = {(c.doc_id, c.article) for c in answer.citations}
    assert {("cn-exit-entry-law", 35), ("cn-foreigner-entry-exit-regulations", 23)} <= cited


def test_what_a_reissue_of_a_lost_residence_permit_submits_is_linked_to_it(engine):
    answer = engine.answer("他的居留证件丢了，补办要带哪些材料？", today=TODAY)
    cited = [(c.doc_id, c.article) for c in answer.citations]
    assert cited[0] == ("cn-exit-entry-law", 35)
    assert ("cn-foreigner-entry-exit-regulations", 17) in cited


def test_a_permit_named_in_no_other_way_is_the_one_the_turn_before_names():
    told = documents_befallen("And if my permit got lost instead?", "My name changed. What do I do about my residence permit?")
    assert [d.stated for d in told] == [("居留证件",)]
    assert [d.stated for d in documents_befallen("And if my permit got lost instead?")] == [("证件", "card")]


def test_a_long_story_of_a_stolen_permit_is_answered_from_the_reissue_first(engine):
    question = ("你好！我是阿根廷来的研究生，在武汉读硕士第二年，平时周末在外面做家教。上周日晚上在江汉路地铁站"
                "书包被人偷了，护照和里面夹着的学习类居留许可都在包里。阿根廷领馆说新护照要等一个月。"
                "我想问居留许可这边应该怎么办？")
    answer = engine.answer(question, today=TODAY)
    assert (answer.citations[0].doc_id, answer.citations[0].article) == ("cn-exit-entry-law", 35)
