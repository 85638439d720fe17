"""The ranked rule matcher: evidence weighed, rules ranked with a margin, and a decision
that computes only when one rule clearly leads and otherwise names the candidates."""

from dataclasses import dataclass

import pytest

from regchat.deadlines import load_rules, match_rules
from regchat.deadlines.matching import (
    EVENT_TOLD,
    MIN_MARGIN,
    MIN_SCORE,
    Evidence,
    decide,
    keyword_weight,
    rank_rules,
    same_result,
    score,
)


@dataclass(frozen=True)
class FakeRule:
    id: str
    doc_id: str = "law"
    article: int = 1
    result_en: str = ""


ENTRY = FakeRule("entry-rule", article=30, result_en="last day to apply")
EXPIRY = FakeRule("expiry-rule", article=32, result_en="latest day to extend")
EXPIRY_TWIN = FakeRule("expiry-twin", article=32, result_en="latest day to extend")  # same article, same result
RULES = [ENTRY, EXPIRY, EXPIRY_TWIN]


def test_a_rule_the_question_does_not_point_at_is_not_a_candidate():
    ranking = rank_rules({"entry-rule": Evidence(described=5.0)}, RULES)
    assert ranking.candidates == ()
    assert decide(ranking, dated=True).rule is None
    assert decide(ranking, dated=True).reason == "no_rule"


def test_a_dated_clause_telling_the_rules_event_in_its_words_points_at_the_rule():
    # "the penalty decision, I got it on 10 December: by when do I pay?" names no keyword of the fine
    # rule (it says "pay", not "pay the fine"), but the date's clause tells that rule's event.
    told = Evidence(event_words=EVENT_TOLD, role_fit=1.0, datable=True)
    assert rank_rules({"entry-rule": told}, RULES).top.id == "entry-rule"
    # ... not when the words are fewer, or the date's role is another event's
    assert rank_rules({"entry-rule": Evidence(event_words=EVENT_TOLD / 2, role_fit=1.0)}, RULES).candidates == ()
    assert rank_rules({"entry-rule": Evidence(event_words=EVENT_TOLD, role_fit=-1.0)}, RULES).candidates == ()
    # ... nor when the date's role is the event's only among the roles its words could also give
    assert rank_rules({"entry-rule": Evidence(event_words=EVENT_TOLD, role_fit=0.5)}, RULES).candidates == ()


def test_candidates_are_ranked_by_score_with_the_margin_to_the_best_other_result():
    ranking = rank_rules(
        {
            "entry-rule": Evidence(keywords=6.0, datable=True),
            "expiry-rule": Evidence(keywords=4.0, datable=True),
            "expiry-twin": Evidence(keywords=5.5, datable=True),
        },
        RULES,
    )
    assert [c.id for c in ranking.candidates] == ["entry-rule", "expiry-twin", "expiry-rule"]
    assert ranking.margin == pytest.approx(0.5)


def test_a_rule_the_question_cannot_date_does_not_make_the_choice_unclear():
    # "taken into detention on the 20th; my visa had expired; how long can they hold him?": the
    # expiry rule is named, but no date of the question can be its event.
    ranking = rank_rules(
        {"entry-rule": Evidence(keywords=6.0, datable=True), "expiry-rule": Evidence(keywords=5.5, datable=False)},
        RULES,
    )
    assert ranking.runner_up is None
    assert decide(ranking, dated=True).rule is ENTRY


def test_a_keyword_found_only_inside_a_longer_term_of_another_rule_does_not_count():
    assert keyword_weight(["审查"], "拘留审查最长多久", shadows=["拘留审查"]) == 0.0
    assert keyword_weight(["审查"], "拘留审查以后，居留申请的审查要多久", shadows=["拘留审查"]) == pytest.approx(1.25)
    assert keyword_weight(["审查"], "拘留审查最长多久") == pytest.approx(1.25)


def test_a_rule_giving_the_same_result_does_not_make_the_choice_unclear():
    ranking = rank_rules(
        {"expiry-rule": Evidence(keywords=6.0, datable=True), "expiry-twin": Evidence(keywords=5.9, datable=True)}, RULES
    )
    assert ranking.runner_up is None and ranking.margin == float("inf")
    assert decide(ranking, dated=True).rule is EXPIRY


def test_one_clear_rule_with_a_date_of_its_event_is_computed():
    ranking = rank_rules(
        {"entry-rule": Evidence(keywords=6.0, role_fit=1.0, datable=True), "expiry-rule": Evidence(keywords=2.0, role_fit=-1.0)},
        RULES,
    )
    decision = decide(ranking, dated=True)
    assert decision.rule is ENTRY and not decision.abstains


def test_two_close_rules_with_different_results_abstain_and_name_both():
    ranking = rank_rules(
        {"entry-rule": Evidence(keywords=5.0, datable=True), "expiry-rule": Evidence(keywords=4.5, datable=True)}, RULES
    )
    decision = decide(ranking, dated=True)
    assert decision.rule is None and decision.reason == "close"
    assert {c.id for c in decision.candidates} == {"entry-rule", "expiry-rule"}


def test_of_two_close_rules_the_one_whose_event_the_date_is_first_read_as_is_computed():
    # "expires on 18 June ... when do I file?": the date is an expiry, and only in a second reading a filing
    ranking = rank_rules(
        {
            "entry-rule": Evidence(keywords=5.0, role_fit=0.5, datable=True),
            "expiry-rule": Evidence(keywords=4.5, role_fit=1.0, datable=True),
        },
        RULES,
    )
    decision = decide(ranking, dated=True)
    assert decision.rule is not None and decision.rule.id == "expiry-rule" and decision.reason == ""


def test_two_close_rules_both_fitting_the_date_still_abstain():
    ranking = rank_rules(
        {
            "entry-rule": Evidence(keywords=5.0, role_fit=1.0, datable=True),
            "expiry-rule": Evidence(keywords=4.5, role_fit=1.0, datable=True),
        },
        RULES,
    )
    assert decide(ranking, dated=True).reason == "close"


def test_the_asking_sentence_naming_the_top_rule_too_keeps_it():
    ranking = rank_rules(
        {
            "entry-rule": Evidence(keywords=8.0, asked_action=1.0, asks_subject=True, role_fit=1.0, datable=True),
            "expiry-rule": Evidence(keywords=5.0, asked_action=4.0, asks_subject=True, role_fit=-1.0),
        },
        RULES,
    )
    assert decide(ranking, dated=True).rule is ENTRY


def test_the_asking_sentence_must_name_what_the_rule_is_about_too():
    # "expire" asked about a receipt is not the residence permit's expiry.
    ranking = rank_rules(
        {
            "entry-rule": Evidence(keywords=8.0, asked_keywords=1.0, role_fit=1.0, datable=True),
            "expiry-rule": Evidence(keywords=5.0, asked_keywords=5.0, asked_action=5.0, asks_subject=False, role_fit=-1.0),
        },
        RULES,
    )
    assert decide(ranking, dated=True).rule is ENTRY


class TestTheRuleTheStoryDoesNotDate:
    """An extension applied for on one day, the passport held and a receipt handed over: by when is the
    decision due? The extension rule leads on keywords, but no date is its event and the sentence that
    asks does not name it; the receipt rule, whose event the question tells, is meant."""

    def ranking(self, **receipt):
        told = {"keywords": 4.5, "event_words": EVENT_TOLD, "datable": True} | receipt
        return rank_rules({"expiry-rule": Evidence(keywords=10.0, datable=False), "entry-rule": Evidence(**told)}, RULES)

    def test_a_close_rule_the_question_dates_and_tells_is_computed(self):
        assert decide(self.ranking(), dated=True, one_day=True).rule is ENTRY

    def test_or_whose_subject_the_asking_sentence_names(self):
        ranking = self.ranking(keywords=8.5, event_words=0.0, asks_subject=True, asked_keywords=1.0)
        assert decide(ranking, dated=True, one_day=True).rule is ENTRY

    def test_not_when_the_dates_name_more_than_one_day(self):
        decision = decide(self.ranking(), dated=True, one_day=False)
        assert decision.rule is None and decision.reason == "role"

    def test_not_when_the_question_neither_tells_its_event_nor_asks_about_it(self):
        assert decide(self.ranking(event_words=0.0), dated=True, one_day=True).rule is None

    def test_not_when_the_sentence_that_asks_names_the_top_rule(self):
        ranking = rank_rules(
            {"expiry-rule": Evidence(keywords=10.0, asked_keywords=2.0, datable=False),
             "entry-rule": Evidence(keywords=4.5, event_words=EVENT_TOLD, datable=True)}, RULES,
        )  # fmt: skip
        assert decide(ranking, dated=True, one_day=True).rule is None

    def test_not_when_it_scores_far_below_the_top_rule(self):
        assert decide(self.ranking(keywords=0.5, event_words=EVENT_TOLD), dated=True, one_day=True).rule is None


@dataclass(frozen=True)
class FakeMaximum(FakeRule):
    kind: str = "maximum"


def test_a_longest_period_the_story_names_is_not_computed_for_a_question_asking_another_rule():
    # "I handed in the renewal of my work-type residence permit: by when must they decide?"
    longest = FakeMaximum("validity-rule", article=30, result_en="latest possible expiry")
    rules = [longest, ENTRY]
    evidence = {
        "validity-rule": Evidence(keywords=6.0, role_fit=1.0, datable=True),
        "entry-rule": Evidence(keywords=2.0, asked_keywords=2.0, asked_apart=2.0, role_fit=1.0, datable=True),
    }
    decision = decide(rank_rules(evidence, rules), dated=True)
    assert decision.rule is None and {c.id for c in decision.candidates} == {"validity-rule", "entry-rule"}
    # ... but computed when the sentence that asks names it
    evidence["validity-rule"] = Evidence(keywords=6.0, asked_keywords=6.0, asked_apart=6.0, role_fit=1.0, datable=True)
    assert decide(rank_rules(evidence, rules), dated=True).rule is longest


def test_the_margin_needed_grows_with_the_score():
    strong = {"entry-rule": Evidence(keywords=20.0, datable=True), "expiry-rule": Evidence(keywords=18.5, datable=True)}
    weak = {"entry-rule": Evidence(keywords=6.0, datable=True), "expiry-rule": Evidence(keywords=4.5, datable=True)}
    assert decide(rank_rules(strong, RULES), dated=True).reason == "close"  # 1.5 behind 20
    assert decide(rank_rules(weak, RULES), dated=True).rule is ENTRY  # 1.5 behind 6


def test_a_weak_lead_abstains():
    ranking = rank_rules({"entry-rule": Evidence(keywords=MIN_SCORE - 1, datable=True)}, RULES)
    decision = decide(ranking, dated=True)
    assert decision.reason == "low_score" and [c.id for c in decision.candidates] == ["entry-rule"]


def test_a_date_of_another_event_abstains_even_for_a_strong_rule():
    ranking = rank_rules({"expiry-rule": Evidence(keywords=12.0, role_fit=-1.0)}, RULES)
    decision = decide(ranking, dated=True)
    assert decision.reason == "role" and decision.rule is None


def test_the_asking_sentence_naming_a_rule_whose_event_has_no_date_abstains():
    # The story dates one rule's event; the question asks about another rule.
    ranking = rank_rules(
        {
            "entry-rule": Evidence(keywords=8.0, asked_keywords=3.0, asked_action=0.0, asks_subject=True, role_fit=1.0, datable=True),
            "expiry-rule": Evidence(keywords=5.0, asked_keywords=5.0, asked_action=2.0, asks_subject=True, role_fit=-1.0),
        },
        RULES,
    )
    decision = decide(ranking, dated=True)
    assert decision.reason == "role"
    assert [c.id for c in decision.candidates] == ["expiry-rule", "entry-rule"]


def test_the_rule_the_answer_followed_up_computed_goes_on_whatever_the_earlier_question_named():
    # "And my wife? She comes on the 12th." after an answer that computed the entry rule: the earlier
    # question's words (naming another rule) are no reason to ask again which rule is meant.
    evidence = {
        "entry-rule": Evidence(keywords=8.0, asked_keywords=3.0, asks_subject=True, role_fit=1.0, datable=True, answered=1.0),
        "expiry-rule": Evidence(keywords=5.0, asked_keywords=5.0, asked_action=2.0, asks_subject=True, role_fit=-1.0),
    }
    assert decide(rank_rules(evidence, RULES), dated=True).rule is ENTRY
    # ... an article cited without the rule's own words is not enough for that
    cited = {**evidence, "entry-rule": Evidence(**{**evidence["entry-rule"].__dict__, "answered": 0.5})}
    assert decide(rank_rules(cited, RULES), dated=True).reason == "role"


def test_the_answer_followed_up_and_the_conversation_s_things_weigh_for_a_rule():
    plain = Evidence(keywords=4.0, datable=True)
    assert score(Evidence(**{**plain.__dict__, "answered": 1.0})) == score(plain) + 2.0
    assert score(Evidence(**{**plain.__dict__, "answered": 0.5})) == score(plain) + 1.0
    assert score(Evidence(**{**plain.__dict__, "context_fit": 1.0})) > score(plain)
    assert score(Evidence(**{**plain.__dict__, "context_fit": -1.0})) < score(plain)


def test_without_a_date_nothing_is_computed_so_the_top_rule_is_kept():
    ranking = rank_rules({"entry-rule": Evidence(keywords=1.0), "expiry-rule": Evidence(keywords=1.0)}, RULES)
    assert decide(ranking, dated=False).rule is ENTRY


def test_a_birth_date_alone_names_the_only_rule_counting_from_a_birth():
    assert Evidence(role_fit=1.0, role_unique=True).named
    assert not Evidence(role_fit=1.0, role_unique=False).named
    assert not Evidence(role_fit=-1.0, role_unique=True).named


def test_the_stay_told_names_the_rule_counting_that_stay():
    assert Evidence(stay_counted=True, amount_named=True).named
    assert not Evidence(amount_named=True).named
    assert score(Evidence(stay_counted=True, amount_named=True)) > score(Evidence(amount_named=True))


def test_every_kind_of_evidence_moves_the_score_its_way():
    base = score(Evidence(keywords=2.0))
    assert score(Evidence(keywords=2.0, role_fit=1.0)) > base > score(Evidence(keywords=2.0, role_fit=-1.0))
    assert score(Evidence(keywords=2.0, subject_fit=1.0)) > base > score(Evidence(keywords=2.0, subject_fit=-1.0))
    assert score(Evidence(keywords=2.0, retrieval_rank=1)) > score(Evidence(keywords=2.0, retrieval_rank=3)) > base
    assert score(Evidence(keywords=2.0, amount_named=True)) > base
    # keywords in the sentence that asks, apart from the story, weigh more than the story's
    assert score(Evidence(keywords=2.0, asked_keywords=2.0, asked_apart=2.0)) > base
    assert MIN_MARGIN > 0


def test_same_result_compares_article_and_result():
    assert same_result(EXPIRY, EXPIRY_TWIN) and not same_result(ENTRY, EXPIRY)


@pytest.mark.parametrize(
    ("keywords", "text", "weight"),
    [
        (["residence permit"], "When does my residence permit expire?", 2.0),
        (["residence permit", "permit"], "my residence permits", 3.0),  # stems: "permits" is "permit"
        (["居留证件", "居留证"], "居留证件到期", 1.75),  # the shorter keyword inside the longer counts once
        (["入境"], "出入境管理机构", 0.0),  # exit-entry administration is not an entry
    ],
)
def test_keyword_weight(keywords, text, weight):
    assert keyword_weight(keywords, text) == pytest.approx(weight)


@pytest.mark.parametrize(
    ("text", "weight"),
    [
        ("They issued his visa at the port.", 2.0),
        ("a port-issued visa", 2.0),
        ("She holds a Q1 visa from Lagos. She lands at Shekou port on Friday.", 0.0),
    ],
)
def test_a_case_is_named_by_its_keywords_words_together(text, weight):
    assert keyword_weight(["port visa"], text, together=True) == pytest.approx(weight)
    assert keyword_weight(["port visa"], text) == pytest.approx(2.0)  # apart, they still speak of it


def test_match_rules_is_the_matcher_on_keywords_alone():
    rules = load_rules()
    top = match_rules("how many days before my residence permit expiry must I apply to extend residence", rules)
    assert top[0].id == "law-32-extend-residence"
    assert match_rules("What is the capital of France?", rules) == []
