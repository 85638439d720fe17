"""Which deadline rule a question is about: every rule scored on the evidence the
question gives, ranked, and a decision to compute one rule's date or to ask which
one is meant.

The evidence for a rule (:class:`Evidence`) is read from the question elsewhere
(``answering/questions.py``); here it is weighed (:func:`score`), ranked
(:func:`rank_rules`) and judged (:func:`decide`). A date is computed only when one
rule clearly leads: its score is high enough, no rule with a different result is
close behind it, and the question's date has the role the rule's event needs (an
entry date never starts an expiry rule). Otherwise the decision abstains and names
the candidates, so the answer can ask "which one do you mean?" instead of giving a
confident date for a guessed rule.

Pure: rules come in as arguments; nothing is read from disk.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from regchat.tokens import tokenize

# How much each kind of evidence weighs. Keyword weights count about one per English
# word of a matched keyword (see :func:`keyword_weight`).
WEIGHTS: Mapping[str, float] = {
    "keywords": 1.0,  # the rule's own keywords in the question
    "asked_apart": 0.5,  # ... and more when the sentence that asks, apart from the story, names them
    "previous_keywords": 0.5,  # ... in the turn the question follows up
    "described": 0.5,  # rare words shared with the rule's event and result descriptions
    "event_words": 1.0,  # rare words shared by the dated clause and the rule's event
    "role_match": 2.5,  # a date's role is the rule's event (entry date, entry rule)
    "role_mismatch": -3.0,  # every date has a role and none is the rule's event
    "subject_match": 1.5,  # the dated clause names what the rule's event happens to
    "subject_mismatch": -2.0,
    "amount_named": 2.0,  # the question names the rule's period ("15 working days")
    "stay_counted": 1.0,  # ... and more when that period is the visa's stay, the very thing the rule counts
    "retrieval": 0.75,  # divided by the rank retrieval gives the rule's article
    "document_named": 1.0,
    "kind_named": 1.0,  # "the Law" / "the Regulations"
    "timeliness": 2.5,  # "was I late?": the rule for the asker's own step, dated apart from it
    "answered": 2.0,  # a follow-up goes on with the rule the answer before quoted (half: only its article cited)
    "context_match": 1.5,  # a follow-up's earlier turn names what the rule's event happens to ...
    "context_mismatch": -1.5,  # ... or names things, none of them that
}
MIN_SCORE = 3.0  # below this, no rule is clearly meant
EVENT_TOLD = 4.0  # event words this heavy (about two rare words of the rule's event beside the date) tell that event
MIN_MARGIN = 1.0  # a rule with another result this close behind makes the choice unclear ...
RELATIVE_MARGIN = 0.1  # ... or this share of the top score, when that is more
MAX_NAMED = 3  # a clarifying question names at most this many rules
TOLD_SHARE = 0.8  # a rule the question can date and tells is meant over an undatable top rule scoring up to this much more

Reason = Literal["", "no_rule", "low_score", "close", "role"]


@dataclass(frozen=True)
class Evidence:
    """What a question says for one rule. ``role_fit``: +1 a date has the role of the
    rule's event, 0 nothing said (no date, or a date without a role), -1 every date
    has a role and none is the rule's event. ``datable``: the question has a date the
    rule may take as its event (its role fits, or it has none)."""

    keywords: float = 0.0
    asked_keywords: float = 0.0  # ... in the sentence that asks (the rest may only tell the story)
    asks_subject: bool = False  # the sentence that asks names what the rule's event happens to
    asked_action: float = 0.0  # keywords in the asking sentence once the things it names are left out ("renew")
    asked_apart: float = 0.0  # keywords in the asking sentences when the question also tells a story apart from them
    previous_keywords: float = 0.0
    described: float = 0.0
    event_words: float = 0.0
    role_fit: float = 0.0
    subject_fit: float = 0.0  # +1 / 0 / -1, like role_fit
    amount_named: bool = False
    stay_counted: bool = False  # the question tells the visa's duration of stay, and the rule counts that stay itself
    retrieval_rank: int | None = None
    document_named: bool = False
    kind_named: bool = False
    datable: bool = False
    role_unique: bool = False  # no other rule's event has the role of the date it would take
    timeliness: float = 0.0  # +1 / 0 / -1: the question asks whether the asker's step was in time
    answered: float = 0.0  # 1 the answer followed up quoted the rule's phrase, 0.5 it cited only its article
    context_fit: float = 0.0  # +1 / 0 / -1: the earlier turn of a follow-up names what the rule's event happens to

    @property
    def named(self) -> bool:
        """Whether the question (or the turn it follows) points at the rule at all: its
        keywords, or a date whose role is its event and either what that event happens to
        or a role no other rule's event has (a birth date points at the birth rule), or the clause
        of a date whose own role is the rule's event telling that event in its words ("the penalty
        decision, I got it on 10 December": the fine rule, whatever word the question uses for
        paying; a permit's expiry beside the words of an extension application is no filing date), or
        the visa's duration of stay told ("停留30天") for the rule counting that stay (a dated stay's end is
        what it computes, whatever words ask for it)."""
        return self.keywords + self.previous_keywords > 0 or self.stay_counted or (
            self.role_fit > 0 and (self.subject_fit > 0 or self.role_unique)
        ) or (self.role_fit >= 1 and self.event_words >= EVENT_TOLD)


def score(e: Evidence, weights: Mapping[str, float] = WEIGHTS) -> float:
    """The weighted sum of the evidence for one rule."""
    total = (
        weights["keywords"] * e.keywords
        + weights["asked_apart"] * e.asked_apart
        + weights["previous_keywords"] * e.previous_keywords
        + weights["described"] * e.described
        + weights["event_words"] * e.event_words
    )
    if e.role_fit > 0:
        total += weights["role_match"] * e.role_fit
    elif e.role_fit < 0:
        total += weights["role_mismatch"] * -e.role_fit
    if e.subject_fit > 0:
        total += weights["subject_match"] * e.subject_fit
    elif e.subject_fit < 0:
        total += weights["subject_mismatch"] * -e.subject_fit
    if e.amount_named:
        total += weights["amount_named"]
    if e.stay_counted:
        total += weights["stay_counted"]
    if e.retrieval_rank:
        total += weights["retrieval"] / e.retrieval_rank
    if e.document_named:
        total += weights["document_named"]
    if e.kind_named:
        total += weights["kind_named"]
    total += weights["timeliness"] * e.timeliness
    total += weights["answered"] * e.answered
    if e.context_fit > 0:
        total += weights["context_match"] * e.context_fit
    elif e.context_fit < 0:
        total += weights["context_mismatch"] * -e.context_fit
    return total


@dataclass(frozen=True)
class Candidate:
    rule: Any
    score: float
    evidence: Evidence

    @property
    def id(self) -> str:
        return self.rule.id


def same_result(a: Any, b: Any) -> bool:
    """Whether two rules give the same answer (the same article and the same result)."""
    return (a.doc_id, a.article, getattr(a, "result_en", a.id)) == (b.doc_id, b.article, getattr(b, "result_en", b.id))


@dataclass(frozen=True)
class Ranking:
    """Candidates best first. ``margin``: the top score minus that of the best rule with a
    different result that the question could also date (inf when there is none)."""

    candidates: tuple[Candidate, ...]

    @property
    def top(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def runner_up(self) -> Candidate | None:
        top = self.top
        if top is None:
            return None
        return next(
            (
                c for c in self.candidates[1:]
                if not same_result(c.rule, top.rule) and c.evidence.role_fit >= 0 and c.evidence.datable
            ),
            None,
        )

    @property
    def margin(self) -> float:
        top, second = self.top, self.runner_up
        if top is None:
            return 0.0
        return float("inf") if second is None else top.score - second.score


def rank_rules(
    evidence: Mapping[str, Evidence], rules: Iterable[Any], weights: Mapping[str, float] = WEIGHTS
) -> Ranking:
    """Rules the question points at (:attr:`Evidence.named`), best first (ties: catalogue order)."""
    scored = []
    for order, rule in enumerate(rules):
        e = evidence.get(rule.id)
        if e is None or not e.named:
            continue
        scored.append((-score(e, weights), order, Candidate(rule, score(e, weights), e)))
    return Ranking(tuple(c for _, _, c in sorted(scored, key=lambda t: (t[0], t[1]))))


@dataclass(frozen=True)
class Decision:
    """The rule to compute with, or an abstention naming the rules the question may mean."""

    rule: Any | None
    reason: Reason = ""
    candidates: tuple[Candidate, ...] = ()
    ranking: Ranking | None = None

    @property
    def abstains(self) -> bool:
        return self.reason not in ("", "no_rule")


def decide(
    ranking: Ranking, *, dated: bool, one_day: bool = False, min_score: float = MIN_SCORE,
    min_margin: float = MIN_MARGIN,
) -> Decision:
    """Compute with the top rule only when the question clearly dates its event.

    Without a date nothing is computed, so the top rule is kept (its article may be quoted).
    With one, the decision abstains when the top rule's score is below ``min_score``
    (``low_score``), when every date's role differs from its event or the sentence that
    asks names (by ``min_margin`` more of its keywords besides the things named, and what
    its event happens to) a rule
    whose event no date has (``role``), or when a
    rule with another result that the question could also date is within ``min_margin``
    or a tenth of the top score, whichever is more (``close``), unless only one of the close
    rules takes the date as its words first read it (the others only in a second reading): that
    one is computed. An abstention names the
    top rule and the close ones, or for ``role`` the rules whose events the dates do have.
    When the question's dates name one day (``one_day``) and the top rule cannot take it, a
    close rule that can, and whose event the question tells, is chosen (:func:`_told_instead`).
    """
    top = ranking.top
    if top is None:
        return Decision(None, "no_rule", (), ranking)
    if not dated:
        return Decision(top.rule, "", (top,), ranking)
    def asked_weight(c: Candidate) -> float:
        return c.evidence.asked_action if c.evidence.asks_subject else 0.0

    asked = max(ranking.candidates, key=lambda c: (asked_weight(c), c.score))
    if (
        not same_result(asked.rule, top.rule)
        and getattr(asked.rule, "kind", "") != "maximum"
        and asked.evidence.role_fit < 0
        and top.evidence.asked_action == 0
        and asked_weight(asked) >= min_margin
        and top.evidence.answered < 1
    ):
        # The sentence that asks names one rule, the date is of another rule's event
        # ("I entered on ...; when must I renew?"): which of the two is meant? (Not when the
        # top rule is the one the answer followed up computed: "and my wife? she comes on the
        # 12th" goes on with it, whatever the earlier question named. Nor is a longest validity asked by
        # the permit's name: "my work-type permit is valid to 31 December; am I in time?" asks no maximum.)
        return Decision(None, "role", tuple(_distinct([asked, top])), ranking)
    named_in_asking = max(ranking.candidates, key=lambda c: (c.evidence.asked_apart, c.score))
    if (
        getattr(top.rule, "kind", "") == "maximum"
        and not same_result(named_in_asking.rule, top.rule)
        and top.evidence.asked_apart == 0
        and named_in_asking.evidence.asked_apart >= min_margin
        and named_in_asking.evidence.role_fit >= 0
    ):
        # The story names a longest period ("my work-type residence permit", valid five years at most),
        # the sentence that asks another rule ("by when must they decide?"): which is meant?
        return Decision(None, "close", tuple(_distinct([named_in_asking, top])), ranking)
    told = _told_instead(ranking) if one_day else None
    if told is not None:
        # The top rule is only the story's (an extension applied for): no date is its event, and the
        # sentence that asks does not name it. A close rule the question can date, whose event it tells
        # or whose subject it asks about (the receipt handed over that day), is the one meant.
        return Decision(told.rule, "", (told,), ranking)
    if top.evidence.role_fit < 0 or not top.evidence.datable:
        fitting = [c for c in ranking.candidates if c.evidence.role_fit > 0]
        return Decision(None, "role", tuple(_distinct([top, *fitting]))[:MAX_NAMED], ranking)
    if top.score < min_score:
        return Decision(None, "low_score", tuple(_distinct(ranking.candidates))[:MAX_NAMED], ranking)
    needed = max(min_margin, RELATIVE_MARGIN * top.score)
    if ranking.margin < needed:
        close = [c for c in ranking.candidates if top.score - c.score < needed and c.evidence.role_fit >= 0]
        fitting = _distinct([c for c in close if c.evidence.role_fit >= 1])
        if len(fitting) == 1 and all(c.evidence.role_fit < 1 for c in close if not same_result(c.rule, fitting[0].rule)):
            # One close rule's event is what the date's own words make it ("expires on 18 June"); the
            # others take the date only in a second reading of those words: the first reading wins.
            return Decision(fitting[0].rule, "", (fitting[0],), ranking)
        return Decision(None, "close", tuple(_distinct(close))[:MAX_NAMED], ranking)
    return Decision(top.rule, "", (top,), ranking)


def _told_instead(ranking: Ranking, min_margin: float = MIN_MARGIN) -> Candidate | None:
    """When no date of the question can be the top rule's event (it is not ``datable``) and the
    sentence that asks names none of its keywords (they are the story's), the close
    rule (within ``TOLD_SHARE`` of the top score) that a date can be the event of and that the question
    points at beyond its keywords: it tells that event (``EVENT_TOLD``) or the sentence that asks names
    what the event happens to, with keywords of the rule. None when there is none, or two such rules
    with different results are close (that choice is the user's)."""
    top = ranking.top
    if top is None or top.evidence.datable or top.evidence.role_fit < 0 or top.evidence.asked_keywords > 0:
        return None  # (a top rule the sentence that asks names is asked about: its date is asked for)
    told = [
        c for c in ranking.candidates[1:]
        if c.evidence.datable and c.evidence.role_fit >= 0 and c.score >= TOLD_SHARE * top.score
        and (c.evidence.event_words >= EVENT_TOLD or (c.evidence.asks_subject and c.evidence.asked_keywords > 0))
    ]
    if not told:
        return None
    rivals = [c for c in ranking.candidates[1:] if c.evidence.datable and not same_result(c.rule, told[0].rule)
              and c.evidence.role_fit >= 0]  # fmt: skip
    needed = max(min_margin, RELATIVE_MARGIN * told[0].score)
    if rivals and told[0].score - max(c.score for c in rivals) < needed:
        return None
    return told[0]


def _distinct(candidates: Sequence[Candidate]) -> list[Candidate]:
    out: list[Candidate] = []
    for c in candidates:
        if not any(same_result(c.rule, o.rule) for o in out):
            out.append(c)
    return out


# --------------------------------------------------------------------------- keywords

# Compounds that contain a shorter keyword without meaning it: 出入境 (exit-entry) is not 入境 (entry),
# nor is "the exit-entry bureau" an entry.
ZH_MASK = re.compile(r"出入境|出境入境|\bexit(?:[-/]| and )entry\b|\bentry(?:[-/]| and )exit\b", re.I)


def keyword_weight(
    keywords: Sequence[str], text: str, tokens: set[str] | None = None, *, shadows: Iterable[str] = (),
    together: bool = False,
) -> float:
    """Weight of the keywords found in ``text``: longer phrases weigh more.

    A Chinese keyword must appear as written (a keyword inside a longer matched one
    counts once) and weighs 1 plus a quarter per further character; an English one
    matches when all its (stemmed) words are in the text and weighs one per word.
    ``together``: an English keyword's words must also lie together (with at most ``NEAR_GAP``
    other words among them, not counting the words ``tokenize`` drops), as a case is named:
    "visa at the port" names a port visa, a Z visa told a sentence before "the Hengqin port"
    does not; words found only in ``tokens`` (the English a Chinese question's terms stand for)
    have no place and count wherever they are.
    ``shadows``: longer terms (other rules' keywords) that a Chinese keyword found only
    inside them does not stand for (审查 in 拘留审查 is not an examination of an application).
    """
    text = ZH_MASK.sub("・", text)
    # (the text's words in order only when placing them: this runs per rule on every question)
    sequence = tokenize(text) if together or tokens is None else []
    tokens = tokens if tokens is not None else set(sequence)
    total = 0.0
    zh_found: list[str] = []
    for kw in keywords:
        k = kw.strip()
        if not k:
            continue
        if re.search(r"[\u4e00-\u9fff]", k):
            if k in text and not _only_inside(k, text, shadows):
                zh_found.append(k)
        else:
            words = tokenize(k)
            if words and all(w in tokens for w in words) and (not together or _near(words, sequence)):
                total += len(words)
    for k in zh_found:
        if not any(k != other and k in other for other in zh_found):
            total += 1.0 + 0.25 * (len(k) - 1)
    return total


NEAR_GAP = 1  # other words a case's name may have among its words ("a visa issued at the port")


def _near(words: Sequence[str], sequence: Sequence[str]) -> bool:
    """Whether ``words`` (all of them in ``sequence``, or some found elsewhere) lie together in
    ``sequence``, with at most ``NEAR_GAP`` other tokens among them."""
    if len(words) < 2 or not all(w in sequence for w in words):
        return True
    span = len(set(words)) + NEAR_GAP
    places = [i for i, t in enumerate(sequence) if t in words]
    return any(set(words) <= {sequence[j] for j in places if i <= j < i + span} for i in places)


def _only_inside(term: str, text: str, longer: Iterable[str]) -> bool:
    """Whether every occurrence of ``term`` in ``text`` lies inside an occurrence of a longer term."""
    covers = [(m.start(), m.start() + len(other)) for other in longer if term in other and other != term
              for m in re.finditer(re.escape(other), text)]
    if not covers:
        return False
    return all(
        any(a <= m.start() and m.end() <= b for a, b in covers) for m in re.finditer(re.escape(term), text)
    )
