"""Who may apply for someone else: a question asking whether another person may file for the
applicant is answered first with whether the case the message tells is one Regulations Art. 19
lists (an age the item singles out, an illness, a good record after earlier stays), or with the
list when the message tells none."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources

import pytest

from regchat.answering import Engine
from regchat.answering.asked import asks_who_files
from regchat.answering.proxies import cases_told, who_may_apply

TODAY = dt.date(2026, 5, 11)

# The first paragraph's words as an answer quotes them (official Chinese text), and the second's.
RENEWALS_ZH = "外国人申请签证和居留证件的延期、换发、补发，申请办理停留证件，有下列情形之一的，可以由邀请单位或者个人、申请人的亲属、有关专门服务机构代为申请："
FIRST_ZH = "外国人申请居留证件，属于国家需要的外国高层次人才和急需紧缺专门人才以及前款第一项规定情形的，可以由邀请单位或者个人、申请人的亲属、有关专门服务机构代为申请。"
RENEWALS_EN = "Foreigners applying for visas and renewal, replacement or reissuance of residence permit shall apply for a visit pass, under any of the following circumstances, the application may be made by"


@pytest.fixture(scope="module")
def engine(retriever, shipped_settings):
    return Engine(retriever, shipped_settings)


def _data() -> dict:
    return json.loads(resources.files("regchat").joinpath("data/proxies.json").read_text(encoding="utf-8"))


def test_every_case_and_paragraph_is_in_the_official_text_of_the_article(shipped_provisions):
    data = _data()
    article = next(p for p in shipped_provisions.values() if p.doc_id == data["doc"] and p.article == data["article"])
    for case in data["cases"].values():
        assert case["text"] in article.all_text(), case["text"]
    for paragraph in data["paragraphs"]:
        assert any(f in article.all_text() for f in paragraph["finds"]), paragraph["name"]


@pytest.mark.parametrize(
    "text",
    [
        "我可以拿着她的护照去帮她办吗？",
        "一定要本人去吗？",
        "Can our HR file it for him with a power of attorney?",
        "Could I just do both their renewals at once?",
        "Does she have to come in person?",
    ],
)
def test_asking_who_may_file(text):
    assert asks_who_files(text)


@pytest.mark.parametrize(
    "text",
    [
        "Do I need to apply for her residence permit first?", "他要办什么手续？", "What's the last day to file for them?",
        "What's the latest day we can submit his extension?",
    ],
)
def test_asking_for_an_application_is_not_asking_who_files_it(text):
    assert not asks_who_files(text)


def test_an_age_the_item_singles_out_lets_a_relative_apply():
    line = who_may_apply("我爸爸今年68岁，签证快到期了，我能替他去办延期吗？", RENEWALS_ZH, "zh")
    assert line.startswith("可以由他人代为申请")
    assert "68岁，已满60周岁" in line and "第一款第（一）项" in line


def test_the_ages_come_from_the_items_own_words():
    # a child under the item's 16 is singled out; an adult of 40 is not, and no case is told then
    assert who_may_apply("Our son is 9; can I apply for him?", RENEWALS_EN, "en").startswith("Yes")
    assert who_may_apply("My husband is 40; can I apply for him?", RENEWALS_EN, "en").startswith("Someone else may apply")


def test_an_illness_told_in_everyday_words_is_the_items_case():
    line = who_may_apply("She broke her leg and is in hospital, can I file her extension for her?", RENEWALS_EN, "en")
    assert line.startswith("Yes") and "unable to get about because of illness" in line


@pytest.mark.parametrize(
    "text",
    ["他在海边摔伤了，下不了床，他女儿能替他去办停留证件吗？", "He fractured his ankle and can't get out of bed; may his son file for him?"],
)
def test_an_injury_told_in_everyday_words_is_the_items_case(text):
    lang = "zh" if "他" in text else "en"
    line = who_may_apply(text, RENEWALS_ZH if lang == "zh" else RENEWALS_EN, lang)
    assert line.startswith(("可以", "Yes"))


@pytest.mark.parametrize(
    "text",
    ["My wife has been here since 2022, never had any trouble. Can I file her extension for her?",
     "This is her fourth renewal and she has a clean record; may the company apply for her?",
     "她2021年就来中国了，一直没有任何违规，我能替她去办居留证件延期吗？"],
)
def test_years_here_told_by_the_year_or_the_renewals_count_and_a_good_record_let_another_file(text):
    lang = "zh" if "她" in text else "en"
    line = who_may_apply(text, RENEWALS_ZH if lang == "zh" else RENEWALS_EN, lang)
    assert line.startswith(("可以", "Yes"))
    assert lang == "zh" or "、" not in line  # (an English line joins what the message tells with commas)


def test_a_good_record_after_earlier_stays_needs_both_told():
    both = cases_told("我来中国第四年了，一直没有违规记录，可以让公司帮我办续签吗？", RENEWALS_ZH, "zh")[0]
    assert both and "非首次入境" in both[0]
    assert cases_told("我来中国第四年了，可以让公司帮我办续签吗？", RENEWALS_ZH, "zh")[0] == []


def test_a_residence_permits_renewal_is_no_first_entry():
    # the record of stay is not told: item (2) holds if it is good, and the line says so
    line = who_may_apply("His residence permit renewal is due next month; can our HR file it for him?", RENEWALS_EN, "en")
    assert "no first entry" in line and "item (2)" in line and "tells none" not in line
    # a visa's extension may be on a first visit: the list, as before
    assert "tells none" in who_may_apply("His visa extension: can our HR file it for him?", RENEWALS_EN, "en")


def test_one_person_singled_out_and_one_not_are_said_apart():
    line = who_may_apply("Mum is 66 and dad is 59. Can I renew both their permits?", RENEWALS_EN, "en")
    assert "66" in line and "aged 59" in line and "only if another case" in line


def test_a_first_residence_permit_has_the_shorter_list():
    # both paragraphs quoted: a message naming no renewal is about the residence permit itself
    line = who_may_apply("He just arrived on a Z visa and needs his residence permit. Can our HR file it for him?", f"{RENEWALS_ZH} {FIRST_ZH}", "en")
    assert "high-level foreign talent" in line and "good record" not in line
    renewal = who_may_apply("Can our HR file his renewal for him?", f"{RENEWALS_ZH} {FIRST_ZH}", "en")
    assert "good record" in renewal


def test_no_line_without_the_article_quoted():
    assert who_may_apply("我妈妈70岁，可以替她办吗？", "应当在居留证件有效期限届满三十日前", "zh") is None


def test_a_part_asking_who_files_is_answered_with_the_case_told(engine):
    message = (
        "我妈妈73岁，拿S2签证来探亲，停留期快到了。1. 延期去哪里办？2. 她腿脚不好，我可以拿她的护照替她去办吗？"
    )
    answer = engine.answer(message, today=TODAY)
    second = answer.text.split("（2）", 1)[1]
    assert "可以由他人代为申请" in second and "73岁，已满60周岁" in second
    assert any(c.doc_id == "cn-foreigner-entry-exit-regulations" and c.article == 19 for c in answer.citations)


def test_the_case_told_after_the_questions_of_a_message_answers_who_may_file(engine):
    answer = engine.answer(
        "My handbag with my passport and residence permit was stolen on Sunday. What do I have to do with immigration "
        "to be able to leave? Can my husband go to the bureau for me? I have lived here 5 years and never had any "
        "problems.",
        today=dt.date(2026, 12, 1),
    )
    assert "Yes, someone else may apply" in answer.text and "item (2)" in answer.text
