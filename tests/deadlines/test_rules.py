"""The rules catalogue: every rule computes the dates of the issue, and quotes its article."""

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from regchat.deadlines import compute_deadline, format_deadline, get_rule, load_rules, match_rules
from regchat.deadlines.rules import DEFAULT_RULES_PATH
from regchat.errors import DeadlineError, DocumentError

D = dt.date

# rule id, event, amount (None = the rule's own), expected date, act_by, provisional
CASES = [
    ("law-29-extend-stay", D(2026, 12, 15), None, D(2026, 12, 8), None, False),
    ("law-29-extension-limit", D(2026, 3, 31), 30, D(2026, 4, 30), None, False),
    ("law-30-residence-permit", D(2026, 3, 2), None, D(2026, 4, 1), None, False),
    ("law-30-decision", D(2026, 9, 28), None, D(2026, 10, 13), None, False),  # calendar days
    ("law-87-pay-fine", D(2026, 8, 3), None, D(2026, 8, 18), None, False),  # 15 days after receiving the decision
    ("law-30-work-permit-validity", D(2026, 3, 2), None, D(2031, 3, 2), None, True),  # a longest period: no act-by day
    ("law-30-non-work-permit-validity", D(2026, 3, 2), None, D(2031, 3, 2), None, True),
    ("law-32-extend-residence", D(2026, 12, 15), None, D(2026, 11, 15), D(2026, 11, 13), False),
    ("law-33-change-registration", D(2026, 9, 25), None, D(2026, 10, 5), D(2026, 9, 30), False),
    ("law-34-stay-permit-max", D(2026, 3, 2), None, D(2026, 8, 29), None, False),
    ("law-39-accommodation", D(2026, 3, 2), None, D(2026, 3, 3), None, False),
    ("law-22-transit-24h", D(2026, 3, 2), None, D(2026, 3, 3), None, False),  # at most 24 hours in transit
    ("law-20-port-visa-stay", D(2026, 11, 20), None, D(2026, 12, 20), None, False),  # at most 30 days
    ("law-23-temporary-entry", D(2026, 3, 2), None, D(2026, 3, 17), None, False),
    ("law-60-detention-examination", D(2026, 11, 20), None, D(2026, 12, 20), None, False),
    ("law-60-detention-extended", D(2026, 3, 5), None, D(2026, 5, 4), None, False),  # a complex case: 60 days
    ("law-61-restricted-activities", D(2026, 3, 2), None, D(2026, 5, 1), None, False),  # Labour Day
    ("law-81-expulsion-ban", D(2021, 3, 3), None, D(2031, 3, 3), None, True),  # ten years; 2031's holidays unpublished
    ("law-40-newborn", D(2026, 8, 1), None, D(2026, 9, 30), None, False),
    ("reg-13-receipt", D(2026, 9, 28), None, D(2026, 10, 13), None, False),  # working days
    ("reg-16-health-certificate", D(2026, 8, 31), None, D(2027, 2, 28), D(2027, 2, 26), True),
    ("reg-18-receipt", D(2026, 9, 28), None, D(2026, 10, 23), None, False),
    ("reg-33-exit-period", D(2026, 9, 28), None, D(2026, 10, 13), None, False),
    ("reg-36-stay-period", D(2026, 3, 1), 30, D(2026, 3, 31), None, False),
    ("reg-36-working-days", D(2026, 9, 28), 15, D(2026, 10, 23), None, False),
    ("reg-36-enter-before", D(2026, 10, 3), None, D(2026, 10, 3), None, False),  # the last day itself, holiday or not
]


@pytest.mark.parametrize(("rule_id", "event", "amount", "date", "act_by", "provisional"), CASES)
def test_every_rule_computes_its_deadline_with_its_citation(rule_id, event, amount, date, act_by, provisional):
    result = compute_deadline(rule_id, event, amount=amount)
    rule = get_rule(rule_id)
    assert (result.date, result.act_by, result.provisional) == (date, act_by, provisional)
    assert result.rule_id == rule_id and result.kind == rule.kind
    assert result.citation.article == rule.article and result.citation.doc_id == rule.doc_id
    assert result.citation.quote == (rule.phrase or rule.phrase_zh)  # the Chinese phrase where no translation exists
    assert rule.phrase.rstrip(".") in result.steps[0]


def test_the_table_covers_every_rule_of_the_catalogue():
    assert {case[0] for case in CASES} == {rule.id for rule in load_rules()}


def test_the_catalogue_has_the_rules_the_law_and_regulations_set():
    articles = {(r.doc_id.split("-")[1], r.article) for r in load_rules()}
    law = {("exit", a) for a in (20, 23, 29, 30, 32, 33, 34, 39, 40, 60, 61, 81, 87)}
    regulations = {("foreigner", a) for a in (13, 16, 18, 33, 36)}
    assert law | regulations <= articles
    assert len([r for r in load_rules() if r.article == 30 and r.doc_id == "cn-exit-entry-law"]) >= 3


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("rule", load_rules(), ids=lambda r: r.id)
def test_every_phrase_occurs_in_its_article_in_the_corpus(rule, shipped_provisions):
    provision = shipped_provisions.get((rule.doc_id, rule.article, None))
    assert provision is not None, f"{rule.doc_id} Art. {rule.article} is not in the corpus"
    if provision.text_in("en") is None:  # an article with no translation rests on its Chinese phrase alone
        assert rule.phrase == "" and rule.phrase_zh
    else:
        assert _normal(rule.phrase) in _normal(provision.text_in("en").text)
    assert rule.label == provision.label  # citations read the same as retrieval's labels


@pytest.mark.parametrize("rule", [r for r in load_rules() if r.region == "CN"], ids=lambda r: r.id)
def test_every_mainland_rule_rests_on_a_phrase_of_the_official_chinese_text(rule, shipped_provisions):
    provision = shipped_provisions[(rule.doc_id, rule.article, None)]
    assert rule.phrase_zh, f"{rule.id} has no phrase_zh"
    assert _normal(rule.phrase_zh) in _normal(provision.text_in("zh").text)
    assert rule.label_zh == provision.label_zh


@pytest.mark.parametrize("rule", [r for r in load_rules() if r.counts_from_zh], ids=lambda r: r.id)
def test_the_words_saying_what_a_rule_counts_from_are_its_articles_own(rule, shipped_provisions):
    provision = shipped_provisions[(rule.doc_id, rule.article, None)]
    assert rule.counts_from and _normal(rule.counts_from_zh) in _normal(provision.text_in("zh").text)


def test_a_date_counted_from_instead_of_the_event_is_said_in_the_steps():
    note = "Counted from the day the identity was established."
    deadline = compute_deadline("law-61-restricted-activities", dt.date(2026, 2, 2), counted_from=note)
    assert deadline.date == dt.date(2026, 4, 3) and deadline.steps[2] == note
    assert note not in compute_deadline("law-61-restricted-activities", dt.date(2026, 2, 2)).steps


def test_where_the_translation_misleads_the_chinese_reading_is_in_the_steps():
    rule = get_rule("law-32-extend-residence")
    assert "届满三十日前" in rule.phrase_zh and rule.reading_en and rule.reading_zh
    steps = compute_deadline(rule, dt.date(2026, 12, 15), lang="zh").steps
    assert any("届满三十日前" in s for s in steps)
    assert compute_deadline(rule, dt.date(2026, 12, 15)).date == dt.date(2026, 11, 15)


def test_working_day_rules_are_the_regulations_periods_and_the_law_decision_is_calendar_days():
    assert get_rule("reg-13-receipt").unit == get_rule("reg-18-receipt").unit == "working_days"
    assert get_rule("law-30-decision").unit == "days"
    # ... which the Regulations implement in working days: their rule answers where both fit
    assert get_rule("law-30-decision").implemented_by == "reg-18-receipt"


def test_every_role_a_rule_counts_from_is_a_role_dates_are_read_with():
    from regchat.answering.dates import load_role_cues

    assert get_rule("law-87-pay-fine").counts_from == "issue"
    assert all(r.counts_from in ("", *load_role_cues().order) for r in load_rules())


def test_every_implementing_rule_is_a_rule_of_the_catalogue_for_the_same_region():
    rules = {r.id: r for r in load_rules()}
    for rule in rules.values():
        if rule.implemented_by:
            assert rule.implemented_by in rules and rules[rule.implemented_by].region == rule.region


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("My residence permit expires on December 15, when must I apply to extend residence?", "law-32-extend-residence"),
        ("我的居留许可12月15日到期，最晚哪天申请延期？", "law-32-extend-residence"),
        ("I entered China on March 2 with a Z visa, by when do I need the residence permit?", "law-30-residence-permit"),
        ("入境后多久要办理居留证件？", "law-30-residence-permit"),
        ("How long is the health certificate valid?", "reg-16-health-certificate"),
        ("我住在朋友家，需要多久内办理住宿登记？", "law-39-accommodation"),
        ("居留证件的申请交上去以后，要多久能批下来？", "law-30-decision"),
        ("我太太3月5日持S1签证入境，她得在多久内去申请居留证件？", "law-30-residence-permit"),  # her step, not the authority's
        ("Our baby was born in Shanghai, what do we need to do?", "law-40-newborn"),
        ("申请居留证件后，受理回执的有效期是多少个工作日？", "reg-18-receipt"),
        ("签证延期申请的受理回执有效期有几天？", "reg-13-receipt"),
        ("How many working days is the acknowledgement receipt for my residence permit application valid?", "reg-18-receipt"),
    ],
)
def test_keywords_recognise_the_rule_a_question_is_about(question, expected):
    assert match_rules(question)[0].id == expected


def test_match_rules_finds_nothing_in_an_unrelated_question():
    assert match_rules("What is the capital of France?") == []


def test_amounts_from_the_case():
    with pytest.raises(DeadlineError, match="needs an amount"):
        compute_deadline("reg-36-stay-period", D(2026, 3, 1))
    with pytest.raises(DeadlineError, match="fixed period of 30 days"):
        compute_deadline("law-30-residence-permit", D(2026, 3, 2), amount=20)
    with pytest.raises(DeadlineError, match="at most 15 working days"):
        compute_deadline("reg-18-receipt", D(2026, 9, 28), amount=20)
    # 09-29, 09-30, 10-08, 10-09 and the make-up Saturday 10-10
    assert compute_deadline("reg-18-receipt", D(2026, 9, 28), amount=5).date == D(2026, 10, 10)


def test_unknown_rule_names_the_closest_ids():
    with pytest.raises(DeadlineError, match="Did you mean .*law-32-extend-residence"):
        compute_deadline("law-32-extend", D(2026, 12, 15))


def test_accommodation_with_an_arrival_time():
    result = compute_deadline("law-39-accommodation", dt.datetime(2026, 3, 2, 22, 30))
    assert result.date == D(2026, 3, 3)
    assert any("2026-03-03 22:30" in step for step in result.steps)


def test_a_visa_free_transit_ends_24_hours_after_landing():
    # Law Art. 22 item (3): a connecting ticket, at most 24 hours, not leaving the port
    result = compute_deadline("law-22-transit-24h", dt.datetime(2026, 1, 23, 21, 40))
    assert result.date == D(2026, 1, 24)
    assert any("2026-01-24 21:40" in step for step in result.steps)


@pytest.mark.parametrize(
    "question", ["I have a layover in Guangzhou on a connecting ticket: how long may I stay without a visa?", "在北京转机去首尔，不办签证能停留多久？"]
)
def test_a_transit_question_names_the_transit_rule(question):
    assert "law-22-transit-24h" in [r.id for r in match_rules(question)]


def test_chinese_rendering_cites_the_article_in_chinese():
    result = compute_deadline("law-32-extend-residence", D(2026, 12, 15), lang="zh")
    text = format_deadline(result, lang="zh")
    assert "《中华人民共和国出境入境管理法》第三十二条" in text
    assert "最晚办理日：2026-11-13（星期五）" in text


def test_terminal_rendering_shows_date_act_by_rule_and_steps():
    text = format_deadline(compute_deadline("law-32-extend-residence", D(2026, 12, 15)))
    lines = text.splitlines()
    assert lines[0] == "2026-11-15 (Sunday), not a working day"
    assert lines[1].startswith("Act by: 2026-11-13 (Friday)")
    assert "Rule: law-32-extend-residence: Exit and Entry Administration Law, Art. 32" in text
    assert "Steps:" in text and "  1. " in text
    provisional = format_deadline(compute_deadline("reg-16-health-certificate", D(2026, 8, 31)))
    assert "Provisional: the 2027 holiday schedule is not in the calendar data" in provisional


def test_a_broken_rules_file_is_rejected_with_the_file_and_the_rule(tmp_path):
    data = json.loads(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
    data["rules"][0]["kind"] = "fortnightly"
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DocumentError, match="rule law-29-extend-stay"):
        load_rules(path)
    data = json.loads(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
    data["rules"].append(data["rules"][0])
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DocumentError, match="duplicate rule id"):
        load_rules(path)
    with pytest.raises(DocumentError, match="not found"):
        load_rules(Path(tmp_path / "missing.json"))


def test_an_event_taken_to_fall_on_another_day_must_say_so_in_both_languages(tmp_path):
    data = json.loads(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
    rule = next(r for r in data["rules"] if r.get("assumed_from"))
    rule["assumed_zh"] = ""
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DocumentError, match=f"rule {rule['id']}.*assumed_zh"):
        load_rules(path)


def test_a_loose_meaning_with_a_broken_pattern_is_refused():
    from pydantic import ValidationError

    from regchat.deadlines.rules import LooseMeaning

    with pytest.raises(ValidationError, match="loosely_also pattern"):
        LooseMeaning(rule="law-32-extend-residence", when=["(unclosed"])
    loose = get_rule("law-29-extend-stay").loosely_also
    assert loose is not None and loose.rule == "law-32-extend-residence"
    assert loose.meant_in("我在上海上班，签证下个月到期") and not loose.meant_in("我在上海上班，居留证下个月到期")


def test_the_visas_a_rule_never_concerns_are_chinas_visa_letters():
    from regchat.answering.scope import china_visa_codes

    assert set(get_rule("law-30-residence-permit").not_for_visas) == {"C", "F", "G", "L", "M", "J2", "Q2", "S2", "X2"}
    assert all(set(r.not_for_visas) <= china_visa_codes() for r in load_rules())


def test_a_visa_is_usable_for_entry_until_the_end_of_its_last_day_of_validity():
    rule = get_rule("reg-36-enter-before")
    assert "24时失效" in rule.phrase_zh
    d = compute_deadline(rule, dt.date(2026, 3, 15), lang="zh")
    assert d.date == dt.date(2026, 3, 15) and d.kind == "lapses"
    assert "期限：当日24时前" in d.steps[1]


def test_only_a_lapsing_validity_has_no_period():
    from regchat.deadlines.rules import Rule

    base = get_rule("reg-36-enter-before").model_dump(exclude={"label", "label_zh"})
    with pytest.raises(ValueError, match="amount 0"):
        Rule(**{**base, "amount": 3})
    with pytest.raises(ValueError, match="positive"):
        Rule(**{**base, "kind": "after_event", "amount": 0})


def test_a_loose_meaning_without_story_patterns_holds_in_any_story_it_does_not_rule_out():
    from regchat.deadlines.rules import LooseMeaning

    loose = LooseMeaning(rule="law-32-extend-residence", unless=[r"\bL visa\b"])
    assert loose.meant_in("my visa expires next month") and not loose.meant_in("my L visa expires next month")
    shipped = get_rule("law-29-extend-stay").loosely_also
    # a bare "visa" may be either; a named visa letter, its stay, or a trip or visit is the visa's own
    assert shipped.meant_in("my visa expires on the 15th") and shipped.meant_in("我的签证12月20号到期")
    assert not shipped.meant_in("my M visa expires on the 15th")
    assert not shipped.meant_in("we are on holiday and the visa expires on the 15th")
    assert not shipped.meant_in("签证停留期12月20号到期")
