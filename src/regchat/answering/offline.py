"""The offline answerer: no model, no network. It picks the provisions and
the sentences that answer the question, quotes them with their labels, and
frames them in the question's language; deadline questions get the computed
date with its steps.

The composer writes citation markers (``[cn-exit-entry-law#30]``) like a
model would, so its text passes through the same guardrails.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from ..documents import Deadline, Hit, Provision
from ..gists import Gists
from ..parsing import chinese_to_int, int_to_chinese
from ..parts import split_parts
from ..tokens import tokenize
from .ages import age_rules, ages_told, singled_out
from .cards import cards, names_a_card
from .events import events_told
from .persons import persons_named
from .mishaps import Words, documents_befallen, follows_asked, states_mishap
from .guardrails import MARKER, marker
from .asked import asked, visa_fit_for, without_visa_letters
from .language import WEEKDAYS_ZH, Lang, day_in, english_terms, without_denied, zh_day
from .cases import cases_asked
from .loose_terms import cases_of_measures_spoken, told_cases
from .quantities import weighed
from .quoting import Quote, quote_provision, version_day
from .questions import ASKS_IF_SO, Reading, asking_sentences, main_subject_of_text, sentences_of, subject_of
from .scope import china_visa_codes

_BOTH_PLACES = re.compile(r"\bcompare\b|\bdifference\b|\bboth\b|\bversus\b|\bvs\.?\b|有什么不同|区别|比较|对比", re.I)
_MACAO = re.compile(r"\bmaca[ou]\b|澳门", re.I)
_MAINLAND = re.compile(r"\bmainland\b|内地|大陆", re.I)
_CHINA = re.compile(r"\bchina\b|\bchinese\b|\bmainland\b|\bprc\b|中国|内地|大陆|在华|来华", re.I)
OTHER_PLACE = 0.8  # the other jurisdiction's best hit is quoted too when this close (question names neither)
WHOLE_ARTICLE_CHARS = 900  # 'What does Article N say?': quote it whole up to this length
SHORT_PROVISION_CHARS = 480  # any provision this short is quoted whole


@dataclass
class Draft:
    """Text with citation markers, the quotes behind them, and computed deadlines."""

    text: str
    quotes: dict[str, str] = field(default_factory=dict)  # provision key -> quoted text
    deadlines: list[Deadline] = field(default_factory=list)
    cited: list[Provision] = field(default_factory=list)
    quoted: dict[str, Quote] = field(default_factory=dict)  # provision key -> what was quoted, and how
    outcome: str = "answered"


# A full stop that does not end a sentence: after an abbreviation ("P.R.C.", "e.g.", "No.",
# "Art.", "para."), a single capital ("J. Smith") or a list number ("1.", "1.2.").
_NOT_AN_END = re.compile(
    r"(?:\b(?:[A-Za-z]\.){2,}|\b(?:e\.g|i\.e|etc|No|Nos|Art|Arts|para|Para|paras|cf|vs|Mr|Mrs|Ms|Dr|St|Co|Ltd|Inc)\."
    r"|\b[A-Z]\.|(?:^|\s|\()(?:\d{1,3}\.)+)$"
)
_END = re.compile(r"[.!?]+(?=\s)|[。！？]")
_QUOTE_CHARS = re.compile(r'["“”]')
_ITEM = re.compile(r"\s*(?:\(\d{1,2}\)|（[一二三四五六七八九十]+）|\d{1,2}\.\d|[一二三四五六七八九十]+、)")


def quotable_sentences(text: str) -> list[str]:
    """Sentences of one paragraph, cut where a sentence really ends: not at an
    abbreviation, a single capital or a list number, and never inside a quotation
    (so every piece has its quotation marks balanced). Joining them gives ``text`` back."""
    parts: list[str] = []
    start = 0
    for m in _END.finditer(text):
        end = m.end()
        piece = text[start:end]
        if m.group().startswith(".") and _NOT_AN_END.search(text[start:end]):
            continue
        if len(_QUOTE_CHARS.findall(piece)) % 2:
            continue  # inside "..." : the sentence goes on after the closing mark
        if not text[start:end].strip():
            continue
        ws = re.match(r"\s*", text[end:])
        end += ws.end() if ws else 0
        parts.append(text[start:end])
        start = end
    if start < len(text):
        parts.append(text[start:])
    return parts


@lru_cache(maxsize=1)
def _visa_letter() -> re.Pattern:
    """A visa named by its letter ("K visa", "Z字签证", "an X2 visa"), one of the letters China issues:
    the letter counts as a word as rare as any, so "what is the K visa?" meets the K item, not any
    item that says "visa"."""
    codes = "|".join(sorted(china_visa_codes(), key=lambda c: (-len(c), c)))
    return re.compile(rf"(?<![A-Za-z0-9])({codes})(?=\s*(?:visas?\b|字签证|签证))", re.I)


def _terms(text: str) -> set[str]:
    """Words for matching sentences: stems cut to six letters ('register' ~ 'registration')."""
    return {t[:6] for t in tokenize(text)}


# A word a text names only to set it aside, in contrast with another: "damaged and not lost", "rather
# than X", "损坏而非遗失", "不是遗失，而是…" (the word right after). Such a text does not speak of what the
# word names, for a question naming it as it is. (A prohibition, "shall not employ", sets nothing aside.)
_SET_ASIDE = re.compile(
    r"\b(?:(?:and|but)\s+not|rather\s+than)\s+(?:simply\s+|merely\s+|just\s+)?([A-Za-z][\w-]*)"
    r"|(?:而非|而不是|并非)([\u4e00-\u9fff]{2})|不是([\u4e00-\u9fff]{2})[^。；？！]{0,12}而是",
    re.I,
)


def set_aside(text: str) -> set[str]:
    """The words (``_terms``) ``text`` names only after a negation, nowhere else: "If the card is
    damaged and not lost" sets aside "lost"."""
    negated = {t for m in _SET_ASIDE.finditer(text) for t in _terms(next(g for g in m.groups() if g))}
    return negated - _terms(_SET_ASIDE.sub(" ", text)) if negated else set()


# A provision citing another of its own document by number: 本法第三十九条第二款.
_CITES_OWN = re.compile(r"本法第([零〇一二两三四五六七八九十百]+)条(?:第([一二三四五六七八九十]+)款)?")


def _visa_letters(text: str) -> set[str]:
    return {m.group(1).upper() for m in _visa_letter().finditer(text)}


def official_words(question: str) -> list[str]:
    """The official Chinese texts' words for the question's terms (``Glossary.official_words``)."""
    from ..retrieval import load_glossary

    return load_glossary().official_words(question)


def lexicon_terms(question: str) -> list[str]:
    """The words the bilingual lexicon adds to a question (the same lexicon retrieval expands
    with): the texts' own words for what the user wrote, in both languages."""
    from ..retrieval import load_glossary

    return load_glossary().expansions(question)


class SentencePicker:
    """Chooses the sentences of a provision that answer a question: IDF-weighted word
    overlap, normalised for sentence length (a short item that says it beats a long one
    that mentions everything)."""

    def __init__(self, provisions: Sequence[Provision]):
        counts: Counter[str] = Counter()
        n = 0
        lengths = 0
        for p in provisions:
            texts = list(dict.fromkeys([p.text, *(t.text for t in p.texts)]))
            for s in (s for text in texts for s in self.text_sentences(text)):
                terms = _terms(s)
                counts.update(terms)
                lengths += len(terms)
                n += 1
        self._by_article = {(p.doc_id, p.article): p for p in provisions if p.article is not None}
        self._idf = {t: math.log(1 + n / c) for t, c in counts.items()}
        self._default_idf = math.log(1 + n)
        self._avg_len = lengths / n if n else 1.0

    def with_cited(self, text: str, doc_id: str) -> str:
        """``text`` followed by the paragraphs of its own document it cites by number ("未按照本法第三十九条
        第二款规定办理登记的" with the paragraph on registering where one stays outside a hotel): a part
        that names a duty only by its number is about what that paragraph says."""
        cited = []
        for m in _CITES_OWN.finditer(text):
            provision = self._by_article.get((doc_id, chinese_to_int(m.group(1))))
            official = provision.official_text() if provision is not None else None
            if official is None:
                continue
            paragraph = chinese_to_int(m.group(2)) if m.group(2) else None
            cited += [p.text for p in split_parts(official.text) if paragraph in (None, p.paragraph)]
        return " ".join([text, *cited])

    @staticmethod
    def sentences(provision: Provision) -> list[str]:
        return SentencePicker.text_sentences(provision.text)

    @staticmethod
    def text_sentences(text: str) -> list[str]:
        out: list[str] = []
        for paragraph in text.split("\n"):
            for s in quotable_sentences(paragraph):
                s = s.strip()
                if len(s) > 3:
                    out.append(s)
        return out

    def pick(self, provision: Provision, question: str, *, most: int = 2, fallback: str | None = None) -> list[str]:
        """Up to ``most`` sentences, in the provision's order, sharing the rarest words with
        ``question`` (else with ``fallback``, e.g. the conversation); the opening one if none does."""
        sentences = self.sentences(provision)
        if not sentences:
            return [provision.text.strip()]
        scored = self._score(sentences, question)
        if scored[0][0] <= 0 and fallback:
            scored = self._score(sentences, fallback)
        best = scored[0][0]
        if best <= 0:
            return sentences[:1]
        chosen = [i for score, i in scored[:most] if score >= 0.6 * best]
        # Items "(1) ...", "(2) ..." are cases of the rule the provision opens with: quoting an
        # item, quote that opening too when it speaks to the question at all.
        score_of = {i: score for score, i in scored}
        if 0 not in chosen and score_of[0] > 0 and not _ITEM.match(sentences[0]):
            if any(_ITEM.match(sentences[i]) for i in chosen):
                chosen = [0] + chosen[: max(most - 1, 1)]
        return [sentences[i] for i in sorted(chosen)]

    @staticmethod
    def clause_scorer(question: str):
        """``score(text)``: how many of the question's words (and the lexicon's words for them) a
        short clause shares, for telling apart the clauses of one item."""
        terms = _terms(question + " " + " ".join(english_terms(question)) + " " + " ".join(lexicon_terms(question)))

        def score(text: str) -> float:
            return float(len(terms & _terms(text)))

        return score

    def scorer(self, question: str):
        """``score(text)``: how well a piece of text answers ``question`` (IDF-weighted shared words,
        normalised for length), for choosing the part of a provision to quote. The question's terms
        count in the official texts' words too: an English question finds its part of a text that is
        official Chinese only (the Law's items on visa exemption: "residence permit", 居留证件), a
        Chinese one the part saying in the texts' words what it says in its own (体检, 健康证明)."""
        terms = _terms(question + " " + " ".join(english_terms(question)) + " " + " ".join(official_words(question)))
        asked_aside = set_aside(question)  # (matched only by a text setting it aside too)
        terms -= asked_aside
        letters = _visa_letters(question)

        def score(text: str) -> float:
            own = _terms(text)
            # (a word the text names only to set it aside answers no question naming it as it is)
            aside = set_aside(text)
            shared = (terms & own) - aside | (asked_aside & aside)
            weight = sum(self._idf.get(t, self._default_idf) for t in shared)
            weight += self._default_idf * len(letters & _visa_letters(text)) if letters else 0.0
            return weight / (0.5 + 0.5 * len(own) / self._avg_len)

        return score

    def _score(self, sentences: list[str], question: str) -> list[tuple[float, int]]:
        terms = _terms(question + " " + " ".join(english_terms(question)))
        scored = []
        for i, s in enumerate(sentences):
            own = _terms(s)
            weight = sum(self._idf.get(t, self._default_idf) for t in terms & own)
            scored.append((weight / (0.5 + 0.5 * len(own) / self._avg_len), i))
        scored.sort(key=lambda x: (-x[0], x[1]))
        return scored


# --------------------------------------------------------------------------- choosing provisions


GUIDE_PENALTY = 0.3
# A part stating the case the question tells (data/loose_terms.json 'cases') comes before parts that
# only share its words: it weighs as three of the rarest words shared (about 6.6 each).
CASE_WEIGHT = 20.0
# A part stating the kind of fact asked (``asked``, the kinds marked ``part``: what working requires, a
# period without entry) weighs as one more of the rarest words shared with the question. (Not a visa's
# category, which every item of the list of visas states, nor a penalty, often stated only by a list's lead-in.)
KIND_WEIGHT = CASE_WEIGHT / 3
SUBJECT_WEIGHT = 0.05  # a provision mostly about the thing the question names (residence permit, visa, ...)
# A section about the whole guide (the services it covers, data/sections.json) yields to a section on
# the matter asked that comes up this close behind it.
OVERVIEW_PENALTY = 0.04


@lru_cache(maxsize=1)
def overview_sections() -> frozenset[tuple[str, str]]:
    """(doc id, section) of the sections that speak of a whole guide (``data/sections.json``)."""
    data = json.loads(resources.files("regchat").joinpath("data/sections.json").read_text(encoding="utf-8"))
    return frozenset((s["doc"], s["section"]) for s in data["overview"])


def asks_about_both(text: str) -> bool:
    """Whether ``text`` asks about both places at once ("compare", "the difference", 区别)."""
    return bool(_BOTH_PLACES.search(text))


def names_subject(reading: Reading, provision: Provision) -> bool:
    """Whether the question names what a mainland guide (a document without articles) is about:
    two consecutive words of its title ("work permit"), or a card, for the guide to a card ("he lost
    his card"). Articles of laws and regulations always pass; Macao material is already weighed by
    retrieval's jurisdiction prior."""
    if provision.article is not None:
        return True
    if provision.doc_id in {card.doc_id for card in cards()} and names_a_card(reading.context):
        return True
    title = tokenize(provision.doc_title)
    pairs = {f"{a} {b}" for a, b in zip(title, title[1:])}
    words = tokenize(reading.context + " " + " ".join(english_terms(reading.context)))
    asked = {f"{a} {b}" for a, b in zip(words, words[1:])}
    return bool(pairs & asked) or provision.jurisdiction != "CN"


_PLACE_WORDS = re.compile(r"\b(?:maca[ou]|mainland|china|prc)\b|澳门|内地|大陆|中国", re.I)


def topic_of(reading: Reading) -> str:
    """What a question is about, for matching sentences: a follow-up that names no subject
    carries the earlier turn's; once its place is known (and the provisions are that
    place's), naming the place ("I work in Macao") says nothing more."""
    question = reading.question
    if reading.carried_subject:
        question = f"{question} {reading.carried_subject}"  # "which papers does that take?" (that = ...)
    if not reading.region:
        return question
    return _PLACE_WORDS.sub(" ", question)


def rerank(reading: Reading, hits: Sequence[Hit]) -> list[Hit]:
    """Hits in retrieval's order, but for two corrections: a mainland guide the question does not
    name goes down, and for a follow-up about "it" a provision mostly about the thing "it" is (a
    residence permit rather than a visa) goes up.

    (Re-ranking by how well a provision's best sentence matches the question helped the dev set
    and hurt its rewording, citation precision 0.691 with and 0.715 without: it was fitted to the
    dev questions' words, and is gone.)
    """
    if len(hits) < 2:
        return list(hits)
    topic = topic_of(reading)
    asked = subject_of(topic) if reading.carried_subject else None  # "what must I bring for it?" (it = ...)
    rescored = [
        h.model_copy(
            update={
                "score": h.score
                - (GUIDE_PENALTY if not names_subject(reading, h.provision) else 0.0)
                - (OVERVIEW_PENALTY if (h.provision.doc_id, h.provision.section) in overview_sections() else 0.0)
                + (SUBJECT_WEIGHT if asked and main_subject_of_text(h.provision.text) == asked else 0.0)
            }
        )
        for h in hits
    ]
    return sorted(rescored, key=lambda h: -h.score)


def choose_provisions(
    reading: Reading, hits: Sequence[Hit], punishes: Callable[[Provision, Provision], bool] = lambda p, q: False
) -> list[Provision]:
    """The provisions to quote (``_chosen``); when the question asks for a penalty and the first of
    them states none, the hit that ``punishes`` breaching its rule (``corpus/links.json``) first: "我们店
    会被怎么罚？" after a story of students working off campus gets the fine for employing them before
    the work-study rule they broke."""
    chosen = _chosen(reading, hits)
    penalty = [k for k in choosing_kinds(reading) if k.name == "penalty"]
    if not chosen or not penalty or states_kind(chosen[0], penalty, reading.question):
        return chosen
    fine = next((h.provision for h in hits if h.provision.jurisdiction == chosen[0].jurisdiction
                 and punishes(h.provision, chosen[0])), None)  # fmt: skip
    return chosen if fine is None else list(dict.fromkeys([fine, *chosen]))


def _chosen(reading: Reading, hits: Sequence[Hit]) -> list[Provision]:
    """The provisions to quote: the best hit (and a close second when the question compares,
    or the best of the other jurisdiction when it spans mainland China and Macao). A question
    asking for a kind of fact the best hit does not state (a penalty) gets first the close hit that
    states it, then the best one; a less close one comes after the best (the rule broken, then its
    penalty)."""
    if not hits:
        return []
    if reading.region and reading.refs == []:
        # A question about one place is answered from that place's documents when they come up.
        local = [h for h in hits if h.provision.jurisdiction == reading.region]
        hits = local or list(hits)
    hits = rerank(reading, hits)
    told = for_the_case_told(reading, hits)
    stating = stating_what_is_asked(reading, hits, margin=KIND_BESIDE)
    if told is not None:  # the provision governing a case the message tells (a pregnancy), then the best
        # (and the one stating what is asked, when another does: where to go, once the case's step is found)
        also = [stating.provision] if stating is not None else []
        return list(dict.fromkeys([told.provision, *also, hits[0].provision]))
    if stating is not None:  # hits are best first: no closer hit states it
        own = states_for_holders(stating.provision, choosing_kinds(reading), reading.question, holders_context(reading))
        if own or stating.score >= KIND_MARGIN * hits[0].score:  # (the holders' own provision answers first)
            return [stating.provision, hits[0].provision]
        return [hits[0].provision, stating.provision]  # the rule broken, then the penalty for it
    aged = for_the_age_told(reading, hits)
    if aged is not None:  # the rule for a child's or an old person's age the message tells
        return [aged.provision, hits[0].provision]
    mishaps = for_the_mishaps_told(reading, hits)
    if mishaps:  # what follows each document lost, stolen or damaged, then the best
        return [*(h.provision for h in mishaps), hits[0].provision]
    chosen = [hits[0].provision]
    spans_both = bool(_MACAO.search(reading.question)) and (
        bool(_MAINLAND.search(reading.question)) or bool(_BOTH_PLACES.search(reading.question))
    )
    names_neither = not _MACAO.search(reading.context) and not _CHINA.search(reading.context)
    if spans_both:
        other = next((h.provision for h in hits[1:] if h.provision.jurisdiction != chosen[0].jurisdiction), None)
        if other:
            chosen.append(other)
    elif names_neither:
        # "I lost my work card": mainland China or Macao? Answer for both when both come up close.
        other = next((h for h in hits[1:3] if h.provision.jurisdiction != chosen[0].jurisdiction), None)
        if other and other.score >= OTHER_PLACE * hits[0].score:
            chosen.append(other.provision)
    elif _BOTH_PLACES.search(reading.question) and len(hits) > 1:
        second = hits[1]
        same_place = second.provision.jurisdiction == chosen[0].jurisdiction
        if same_place and hits[0].score > 0 and second.score >= 0.9 * hits[0].score:
            chosen.append(second.provision)
    return chosen


def choosing_kinds(reading: Reading) -> list:
    """The kinds of fact the question asks for that guide which provision is quoted (a penalty);
    a follow-up that asks none of its own ("and for the employer?") keeps the turn it follows
    ("what is the penalty for ...?")."""
    kinds = [k for k in asked(reading.question) if k.choose]
    if not kinds and reading.message and ASKS_IF_SO.search(reading.question):
        # one of a message's questions asking whether what was just said holds ("the employer says a
        # work permit is still due each year; right?"): the claim is what it asks about
        told = sentences_of(reading.message[: max(reading.message.find(reading.question), 0)])
        kinds = [k for k in asked(told[-1]) if k.choose] if told else []
    if not kinds and reading.previous and not asked(reading.question):
        kinds = [k for k in asked(reading.previous) if k.choose]
    return kinds


KIND_MARGIN = 0.9  # a lower hit that states the kind of fact asked is quoted first when this close to the best
KIND_BESIDE = 0.75  # ... and after the best one when this close
# A hit stating the case of the document a message tells was lost, stolen or damaged is quoted first
# when this close to the best: the case told and the document named are a surer sign than a kind of fact
MISHAP_MARGIN = 0.8


def stating_what_is_asked(reading: Reading, hits: Sequence[Hit], margin: float = KIND_MARGIN) -> Hit | None:
    """The close hit that states the kind of fact the question asks for (``asked``, the kinds marked
    ``choose``: a penalty), when the best hit states none: of the same jurisdiction, scoring at least
    ``margin`` of the best."""
    kinds = choosing_kinds(reading)
    if not kinds or len(hits) < 2:
        return None
    best = hits[0]
    context = holders_context(reading)
    if any(k.holders_named(reading.question, context) for k in kinds):
        # what the holders the question speaks of may do is stated by their own provision first (a
        # permanent resident's card, Law Art. 48), before the rule for everyone (Art. 41)
        for h in hits:
            if h.provision.jurisdiction == best.provision.jurisdiction and h.score >= margin * best.score \
                    and states_for_holders(h.provision, kinds, reading.question, context):
                return None if h is best else h
    if states_kind(best.provision, kinds, reading.question, context):
        return None
    for h in hits[1:]:
        if h.provision.jurisdiction != best.provision.jurisdiction or h.score < margin * best.score:
            continue
        if states_kind(h.provision, kinds, reading.question, context):
            return h
    return None


def for_the_age_told(reading: Reading, hits: Sequence[Hit]) -> Hit | None:
    """The close hit whose official text states a rule for the age of a child or an old person the
    message tells ("my dad is 72": no detention for examination from 70, Law Art. 61), when the best
    hit states no age at all: of the same jurisdiction, scoring at least ``KIND_MARGIN`` of the best."""
    ages = ages_told(holders_context(reading) or reading.question)
    if not ages or len(hits) < 2:
        return None
    best = hits[0]
    if ages_stated(best.provision):
        return None  # the best speaks of ages itself (carrying a passport from 16)
    for h in hits[1:]:
        if h.provision.jurisdiction == best.provision.jurisdiction and h.score >= KIND_MARGIN * best.score \
                and singles_out(h.provision, ages=ages):
            return h
    return None


def singles_out(provision: Provision, *, ages: Sequence[int] = (), cases: Sequence[str] = ()) -> bool:
    """Whether a text of ``provision`` singles out one of ``ages`` (a child's, an old person's: "已满七十
    周岁") or states one of ``cases`` in its own words (a pregnancy: 怀孕或者哺乳自己不满一周岁婴儿)."""
    return bool(ages) and singled_out(ages, ages_stated(provision)) \
        or any(case in provision.all_text() for case in cases)


def for_the_case_told(reading: Reading, hits: Sequence[Hit]) -> Hit | None:
    """The close hit whose text states a case the message tells of a measure it speaks of, a case
    only that measure's provision governs (a pregnancy, of detention for examination: none, Law Art.
    61 item (2); wages owed, of being stopped at the border: an exit ban, Art. 28 item (3);
    data/loose_terms.json), when the best hit states none of the cases told nor the kind of fact
    asked: of the same jurisdiction, scoring at least ``KIND_MARGIN`` of the best."""
    # (and an event of a life the question tells, whose duty only its own provision states: a death)
    cases = (*cases_of_measures_spoken(reading.context), *events_told(reading.question)) if len(hits) > 1 else ()
    if not cases:
        return None
    best = hits[0]
    if singles_out(best.provision, cases=cases) \
            or any(k.stated_in(best.provision.all_text(), reading.question) for k in choosing_kinds(reading)):
        return None  # (the best states a case told, or what is asked: a ban's revocation once the court case is over)
    return next((h for h in hits[1:] if h.provision.jurisdiction == best.provision.jurisdiction
                 and h.score >= KIND_MARGIN * best.score and singles_out(h.provision, cases=cases)),
                None)  # fmt: skip


def for_the_mishaps_told(reading: Reading, hits: Sequence[Hit]) -> list[Hit]:
    """For each document the message tells was lost, stolen or damaged, the close hit stating that
    case for it (遗失、损毁、被盗抢: a residence permit's reissue, Law Art. 35; a passport's, leaving
    without one, Regulations Art. 23) when the best hit does not state it as well (the materials a
    residence permit application submits): of the same jurisdiction, scoring at least
    ``MISHAP_MARGIN`` of the best, the fittest (what the message asks follows: a reissue) first."""
    # (read in the question itself: a mishap a follow-up's earlier turn told was answered there, and
    # "how long until they decide?" after it asks something else)
    documents = documents_befallen(reading.question, reading.previous) if len(hits) > 1 else ()
    if not documents:
        return []
    follows = follows_asked(asking_sentences(reading.question))
    best, out = hits[0], []
    fits = [mishap_fit(best.provision, (document,), follows) for document in documents]
    # (the best already states what is asked for one document told: another only by a provision that
    # does too, "the visa page in my passport got torn" being no passport lost)
    least = 3 if any(fit >= 3 for fit in fits) else 2
    for document, fit in zip(documents, fits):
        close = [(f, h.score, h) for h in hits[1:] if h not in out and h.score >= MISHAP_MARGIN * best.score
                 and h.provision.jurisdiction == best.provision.jurisdiction
                 and (f := mishap_fit(h.provision, (document,), follows)) > fit and f >= least]  # fmt: skip
        if close:
            out.append(max(close, key=lambda c: c[:2])[2])
    return out


def mishap_fit(provision: Provision, documents: Sequence[Words] = (), follows: Sequence[Words] = ()) -> int:
    """How well ``provision`` answers a mishap of ``documents``: 0 when it states no such case, 1
    when it states it for another document, 2 for one of them, 3 when it also states what the
    message asks follows (``follows``: the reissue asked for, 补发)."""
    official = provision.official_text()
    # (a guide whose authentic text is English, the Macao card's, states the case in English)
    official_text = official.text if official is not None and official.lang == "zh" else ""
    if not states_mishap(official_text, provision.text):
        return 0
    text = official_text or provision.text
    if not any(d.stated_in(text) for d in documents):
        return 1
    return 3 if any(f.stated_in(text) for f in follows) else 2


def ages_stated(provision: Provision) -> list[tuple[str, int]]:
    """The ages a text of ``provision`` singles out ("已满七十周岁": ("from", 70))."""
    return [rule for text in _texts_of(provision) for rule in age_rules(text)]


def holders_context(reading: Reading) -> str:
    """Where a question says who holds what besides its own words: the turn a follow-up goes on with
    ("my son studies in Wuhan" ... "can he take a weekend job?"), the message a question is one of
    several of ("I received my permanent residence card last month. ... (1) Is that right?")."""
    return " ".join(t for t in (reading.previous if reading.follow_up else "", reading.message) if t)


def states_kind(provision: Provision, kinds: Sequence, question: str = "", context: str = "") -> bool:
    """Whether a text of ``provision`` states a fact of one of ``kinds`` (``asked.Kind``), of the
    unit ``question`` names if it names one (a fine: an amount of money, not any penalty);
    ``context``: the turn a follow-up goes on with."""
    return any(k.stated_in(text, question, context) for k in kinds for text in _texts_of(provision))


def states_for_holders(provision: Provision, kinds: Sequence, question: str = "", context: str = "") -> bool:
    """Whether a text of ``provision`` states one of ``kinds`` for the holders ``question`` (or
    ``context``) speaks of: what a permanent residence card allows its holders (Law Art. 48)."""
    return any(k.stated_for_holders(text, question, context) for k in kinds for text in _texts_of(provision))


def _texts_of(provision: Provision) -> list[str]:
    return [t.text for t in provision.texts] or [provision.text]


# --------------------------------------------------------------------------- frames


def _ref_zh(p: Provision) -> str:
    if p.article is None:
        return f"“{p.section_zh or p.section or p.ref}”部分"
    return f"第{int_to_chinese(p.article) if 0 < p.article < 1000 else p.article}条"


def _title_zh(p: Provision, titles_zh: Mapping[str, str]) -> str:
    return titles_zh.get(p.doc_id, p.doc_title)


def _quote_block(p: Provision, sentences: list[str]) -> str:
    return " ".join(f"“{s}”" for s in sentences) + f" {marker(p)}"


def compose_lookup(
    reading: Reading,
    provisions: Sequence[Provision],
    picker: SentencePicker,
    titles_zh: Mapping[str, str],
    *,
    whole: bool = False,
    gists: Gists | None = None,
    fits: Mapping[str, Mapping[tuple[int, int | None], float]] | None = None,
) -> Draft:
    """Quote the part of each provision that answers, in the reader's language where the document
    has it (the official Chinese text for a Chinese question), naming the part quoted; each quote
    opens with what its part says in plain words, in the reader's language (``gists``), when
    there is a gist of it. ``fits``: per provision key, how close the question comes to each of
    its parts asked in users' words (``quoting.pick_parts``)."""
    draft = Draft(text="")
    lines: list[str] = []
    zh = reading.lang == "zh"
    if len(provisions) > 1 and reading.refs and any(r.doc_id is None for r in reading.refs):
        # An article number several documents have, and no document named: ask which one is meant,
        # and show each meanwhile.
        numbers = sorted({r.article for r in reading.refs})
        if zh:
            named = "、".join(f"第{int_to_chinese(n)}条" for n in numbers)
            lines.append(f"您问的是哪一部文件的{named}？{len(provisions)}部文件都有，分别如下：")
        else:
            named = " and ".join(f"Article {n}" for n in numbers)
            lines.append(f"Which document's {named} do you mean? {len(provisions)} documents have one; here is each:")
        draft.outcome = "clarify"
    # "which visa? Q1, someone said": matched on the case; "to live here, not just visit": not on the visit
    topic = without_denied(without_visa_letters(topic_of(reading)))
    words, visa_fit = picker.scorer(topic), visa_fit_for(reading.question, reading.previous or reading.message or None)
    cases = told_cases(reading.context)  # ("the boss owes us wages": the exit-ban item on unpaid pay)
    cases += cases_asked(reading.question)  # ("公司会被罚多少？": the employer's paragraph of the fine)
    # ("must we tell anybody he's left?": of the items of the reports, the one on an employee's leaving)
    cases += events_told(reading.question, asking_sentences(reading.question))
    # ("may she work on it?": of the items of what is unlawful employment, the one stating what working requires)
    # ("for how many days may it last?": of the paragraphs, the one stating a period)
    kinds, context = [k for k in choosing_kinds(reading) if k.part], holders_context(reading)
    kinds += [k for k in asked(reading.question) if k.part and not k.choose]
    ages = ages_told(context or reading.question)  # ("my dad is 72": the item on those from 70)

    def scorer(wordless: bool, doc_id: str):
        """How well a part answers; ``wordless``: the question shares no word with any text of the
        provision (an English question on an article only the Chinese text has), so a part stating
        the kind of fact asked is picked on that alone."""
        def score(text: str) -> float:  # ... and on whose relative the visitor is, for how long
            fit = visa_fit(text)
            told = CASE_WEIGHT if any(case in text for case in cases) or (ages and singled_out(ages, age_rules(text))) else 0.0
            shared = words(picker.with_cited(text, doc_id))
            stated = KIND_WEIGHT if (shared > 0 or wordless) and any(k.stated_in(text, reading.question, context) for k in kinds) else 0.0
            return 0.0 if fit is None else shared + fit + told + stated
        return score

    fallback = picker.scorer(reading.context) if reading.follow_up else None
    day = version_day(reading.today, [d for f in reading.dates if (d := f.resolve(reading.today)) is not None])
    for p in provisions:
        score = scorer(wordless=bool(kinds) and not any(words(t.text) > 0 for t in p.texts), doc_id=p.doc_id)
        quote = quote_provision(
            p, reading.lang, day, score if fallback is None or _any_match(p, score) else fallback,
            whole=whole, sentences=SentencePicker.text_sentences, fit=(fits or {}).get(p.key),
        )  # fmt: skip
        draft.quotes[p.key] = quote.text
        draft.quoted[p.key] = quote
        draft.cited.append(p)
        said = in_short(p, quote, reading.lang, gists) if gists is not None else None
        notes = quote.notes
        if said:
            lines.append(said)
            if quote.untranslated:
                notes = [*notes[:-1], quote.untranslated]  # (its summary would say it again)
        # ("and if the wait were 30 hours?": the figure asked, against the limit the quoted part states)
        lines += weighed(asking_sentences(reading.question), " ".join([*quote.pieces, *quote.official_pieces]), reading.lang)
        lines.append(heading(p, quote, reading.lang, titles_zh))
        lines += notes
        lines.append(" ".join(f"“{piece}”" for piece in quote.pieces) + f" {marker(p)}")
        if quote.official_pieces:
            lead = "官方中文文本：" if zh else "The official Chinese text in force:"
            lines.append(f"{lead} " + " ".join(f"“{piece}”" for piece in quote.official_pieces) + f" {marker(p)}")
    draft.text = "\n".join(lines)
    return draft


IN_SHORT = {"en": "In short:", "zh": "简要地说："}


def in_short(p: Provision, quote: Quote, lang: Lang, gists: Gists) -> str | None:
    """'In short: <what the quoted part says, in plain words> [marker]', from the gists of the
    parts quoted (None when none of them has one)."""
    said = [g.in_lang(lang) for text in quote.parts if (g := gists.of(p.doc_id, p.article, p.section, text))]
    said = list(dict.fromkeys(said))
    if not said:
        return None
    if lang == "zh":
        return f"{IN_SHORT[lang]}{''.join(said)} {marker(p)}"
    return f"{IN_SHORT[lang]} {' '.join(said)} {marker(p)}"


def _any_match(provision: Provision, score) -> bool:
    return any(score(t.text) > 0 for t in provision.texts) or score(provision.text) > 0


def heading(p: Provision, quote: Quote, lang: Lang, titles_zh: Mapping[str, str]) -> str:
    """'根据《中华人民共和国出境入境管理法》第三十条第一款：' / 'Exit and Entry Administration Law,
    Art. 30, para. 1 (unofficial English translation):'."""
    if lang == "zh":
        if p.article is not None:
            title = p.doc_title_zh or _title_zh(p, titles_zh)
            return f"根据《{title}》{quote.pinpoint or _ref_zh(p)}："
        return f"根据《{p.doc_title_zh or _title_zh(p, titles_zh)}》{_ref_zh(p)}（{p.label}）："
    label = p.label
    if quote.pinpoint and p.article is not None:
        label = f"{p.label.rsplit(', Art.', 1)[0]}, {quote.pinpoint}"
    if quote.translation:
        return f"{label} (unofficial English translation):"
    if quote.lang == "zh":
        return f"{label} (official Chinese text):"
    return f"{label}:"


def day_status(d: Deadline, lang: Lang) -> str:
    """The computed day as the first line gives it: the date (in Chinese as Chinese readers write it), its
    weekday, and whether it is a working day."""
    if d.kind == "lapses":  # a validity's last day: used, not acted on, so no working-day status
        return f"{zh_day(d.date)}（{WEEKDAYS_ZH[d.date.weekday()]}）" if lang == "zh" else f"{d.date.isoformat()} ({d.weekday})"
    at = f" {d.time.strftime('%H:%M')}" if d.time else ""  # (a period in hours ends at a clock time)
    if lang == "zh":
        weekday = WEEKDAYS_ZH[d.date.weekday()]
        status = "工作日" if d.is_working_day else "非工作日" + (f"（{d.holiday}）" if d.holiday else "")
        text = f"{zh_day(d.date)}{at}（{weekday}），{status}"
        if d.act_by:
            text += f"；请最晚在 {zh_day(d.act_by)}（{WEEKDAYS_ZH[d.act_by.weekday()]}）办理，即当日或之前的最后一个工作日"
        if d.provisional:
            text += "（暂定：该年节假日安排尚未公布，见下文）"
        return text
    status = "a working day" if d.is_working_day else "not a working day" + (f" ({d.holiday})" if d.holiday else "")
    text = f"{d.date.isoformat()}{at} ({d.weekday}), {status}"
    if d.act_by:
        text += (
            f"; act by {d.act_by.isoformat()} ({d.act_by.strftime('%A')}), "
            "the last working day on or before it"
        )
    if d.provisional:
        text += " (provisional: that year's holiday schedule is not yet published, see below)"
    return text


STEPS_HEADING = {"en": "How it was computed:", "zh": "计算步骤："}
PROVISIONAL_LEAD = {"en": "Provisional: ", "zh": "暂定："}


def _steps(d: Deadline, lang: Lang) -> list[str]:
    lines = [STEPS_HEADING[lang]] + [f"{n}. {s}" for n, s in enumerate(d.steps, 1)]
    if d.provisional:
        lines.append(PROVISIONAL_LEAD[lang] + (d.provisional_reason or ""))
    return lines


def without_steps(text: str) -> str:
    """The answer text without its blocks of computation steps, for a medium that shows
    each deadline's steps apart (the browser chat's "How this date was computed")."""
    kept: list[str] = []
    in_steps = False
    for line in text.splitlines():
        if line.strip() in STEPS_HEADING.values():
            in_steps = True
            continue
        if in_steps and (re.match(r"\d+\. ", line) or line.startswith(tuple(PROVISIONAL_LEAD.values()))):
            continue
        in_steps = False
        kept.append(line)
    return "\n".join(kept).strip()


def taken_as(words: str, rule, lang: Lang) -> str:
    """The line saying which event a date whose words give it no role is taken for ("the date on it
    is 1 March": the entry, not the visa's issue): the rule's event, without its note on the period."""
    if lang == "zh":
        return f"（“{words}”按{_NOTE.sub('', rule.event_zh)}计算。）"
    return f"(“{words}” is taken as {_NOTE.sub('', rule.event_en)}.)"


_NOTE = re.compile(r"\s*[（(][^（()）]*[)）]")  # "入境之日（天数 = ...）": the parenthesis on the period


def compose_deadline(
    reading: Reading, rule, deadline: Deadline, provision: Provision, titles_zh: Mapping[str, str],
    untold: str | None = None,
    assumed: str | None = None,
) -> Draft:
    """The computed date first, then the rule it comes from (quoted), then the steps; ``untold``: the
    words of the date counted from when the question does not say what it is the date of; ``assumed``:
    the line saying which day the event is taken to fall on, when the question dates it by another
    event (the rule's 'assumed_from')."""
    zh = reading.lang == "zh"
    phrase, quote = _rule_quote(reading, rule, provision)
    when = from_today(deadline.date, reading.today, reading.lang)
    if zh:
        lines = [
            f"{rule.result_zh}：{day_status(deadline, 'zh')}；{when}。",
            f"依据{provision.label_zh}：{rule.summary_zh}",
            f"原文：“{phrase}” {marker(provision)}",
        ]
    else:
        lines = [
            f"{rule.result_en[:1].upper()}{rule.result_en[1:]}: {day_status(deadline, 'en')}; {when}.",
            f"{provision.label}: {rule.summary_en}",
            f"The article says: “{phrase}” {marker(provision)}",
        ]
    passed = past_note(deadline, rule.kind, reading.today, reading.lang)
    if passed:
        lines.insert(1, passed)
    if untold:
        lines.insert(1, taken_as(untold, rule, reading.lang))
    elif assumed:
        lines.insert(1, assumed)
    lines += _steps(deadline, reading.lang)
    return Draft(
        text="\n".join(lines), quotes={provision.key: phrase}, deadlines=[deadline], cited=[provision],
        quoted={provision.key: quote},
    )


def _rule_quote(reading: Reading, rule, provision: Provision) -> tuple[str, Quote]:
    """A rule's phrase as the answer quotes it (the official Chinese to a Chinese reader, where the
    provision has it), and the quote it makes."""
    phrase = _phrase_in(rule.phrase or getattr(rule, "phrase_zh", ""), provision)
    if reading.lang == "zh" and getattr(rule, "phrase_zh", "") and "zh" in provision.languages:
        phrase = rule.phrase_zh
    in_zh = "zh" if phrase == getattr(rule, "phrase_zh", None) else "en"
    official = provision.official_text(reading.today)
    quote = Quote(
        provision=provision, pieces=[phrase], lang=in_zh, translation=in_zh == "en" and official is not None,
        original=(getattr(rule, "phrase_zh", "") or official.text) if in_zh == "en" and official is not None else "",
        version=official.version if official else None,
    )  # fmt: skip
    return phrase, quote


_COUNTED_BY = {"en": "How the period counts: {label}: “{phrase}” {marker}", "zh": "期限的计算：依据{label}：“{phrase}” {marker}"}


def with_counting(reading: Reading, rule, provision: Provision, draft: Draft) -> Draft:
    """A computed deadline's ``draft`` with the provision that says how its period counts (``rule``, the
    rule of that provision: a receipt's days are working days under Regulations Art. 36) quoted before
    the steps, and cited."""
    phrase, quote = _rule_quote(reading, rule, provision)
    line = _COUNTED_BY[reading.lang].format(
        label=provision.label_zh if reading.lang == "zh" else provision.label, phrase=phrase, marker=marker(provision))
    lines = draft.text.split("\n")
    at = lines.index(STEPS_HEADING[reading.lang]) if STEPS_HEADING[reading.lang] in lines else len(lines)
    draft.text = "\n".join([*lines[:at], line, *lines[at:]])
    draft.cited.append(provision)
    draft.quotes.setdefault(provision.key, phrase)
    draft.quoted.setdefault(provision.key, quote)
    return draft


def compose_each(reading: Reading, rule, first: Draft, listed: Sequence[tuple[str, Deadline]], shown: int = 0) -> Draft:
    """One rule counted from several dates of its event (a list of people, each with their own
    date): every computed day first, in the order the question gives them, each beside the words
    that gave its date; then the rule and its quote once (``first``: the draft of the computation
    ``listed[shown]``), and the steps of each other computation."""
    zh = reading.lang == "zh"
    past = "（已过）" if zh else " (already past)"
    head = f"{rule.result_zh}，按所给日期逐一计算：" if zh else f"{rule.result_en[:1].upper()}{rule.result_en[1:]}, for each date given:"
    lines = [head] + [
        f"- {label}{'：' if zh else ': '}{day_status(d, reading.lang)}{past if d.date < reading.today else ''}"
        for label, d in listed
    ]
    if any(d.date < reading.today for _, d in listed):
        lines.append(_LIST_PAST[reading.lang].format(today=day_in(reading.today, reading.lang)))
    body = first.text.split("\n", 1)[1] if "\n" in first.text else ""
    own_note = past_note(first.deadlines[0], rule.kind, reading.today, reading.lang) if first.deadlines else None
    body = "\n".join(line for line in body.splitlines() if line != own_note)
    if body.startswith(STEPS_HEADING[reading.lang]) or f"\n{STEPS_HEADING[reading.lang]}" in body:
        label = listed[shown][0]
        body = body.replace(STEPS_HEADING[reading.lang], f"{label}{'：' if zh else ':'}\n{STEPS_HEADING[reading.lang]}", 1)
    steps = []
    for i, (label, d) in enumerate(listed):
        if i != shown:
            steps += ["", f"{label}{'：' if zh else ':'}"] + _steps(d, reading.lang)
    first.text = "\n".join([*lines, body, *steps]).strip()
    first.deadlines.extend(d for i, (_, d) in enumerate(listed) if i != shown)
    return first


def compose_several(lang: Lang, asked: Sequence[str], drafts: Sequence[Draft]) -> Draft:
    """One answer to a message asking several questions: each question's words (``asked``) as a
    numbered heading, then its own answer (``drafts``, in the same order). A line an earlier
    answer already gave (the same quote, the same "where to ask") is not repeated: "see above"
    stands for an answer given in full already."""
    said: dict[str, int] = {}  # line -> the number of the answer that gave it
    computed: set[tuple] = set()  # (rule, date) of the deadlines given
    blocks: list[str] = []
    whole = Draft(text="")
    for n, (question, draft) in enumerate(zip(asked, drafts), 1):
        given = [line for line in draft.text.splitlines() if line.strip()]
        if draft.outcome == "not_stated" and given and given[0] in said:
            given = given[:1]  # the same fact not stated again ("按年收还是按次收？" after "交多少钱？")
        lines = [line for line in given if line not in said]
        earlier = sorted({said[line] for line in given if line in said})
        # (an answer given in full already is pointed at, with what it says in short: "see above" alone
        # leaves the reader to find which of its lines answers this question)
        gist = next((line for line in given if line.startswith(IN_SHORT[lang])), None)
        body = "\n".join(_with_what_was_given(given, said, lang)) if lines \
            else "\n".join(filter(None, [_see_above(earlier, lang), gist]))
        for line in lines:
            said.setdefault(line, n)
        blocks.append(f"（{n}）{question}\n{body}" if lang == "zh" else f"({n}) {question}\n{body}")
        for d in draft.deadlines:
            if (d.rule_id, d.date) not in computed:
                computed.add((d.rule_id, d.date))
                whole.deadlines.append(d)
        for key, quote in draft.quotes.items():
            whole.quotes.setdefault(key, quote)
        for key, quoted in draft.quoted.items():
            whole.quoted.setdefault(key, quoted)
        whole.cited.extend(p for p in draft.cited if p not in whole.cited)
    whole.text = "\n\n".join(blocks)
    # The answer asks back when one of its answers does; else it says what the documents do not state
    # when one of them does.
    outcomes = {d.outcome for d in drafts}
    whole.outcome = next((o for o in ("clarify", "not_stated") if o in outcomes), "answered")
    return whole


_SEE_ABOVE = {"en": "See the answer to {n} above.", "zh": "见上文{n}的回答。"}
_SEE_ALSO = {"en": "See also the answer to {n} above.", "zh": "另见上文{n}的回答。"}


def _see_above(numbers: Sequence[int], lang: Lang, *, also: bool = False) -> str:
    return (_SEE_ALSO if also else _SEE_ABOVE)[lang].format(
        n="、".join(f"（{e}）" for e in numbers) if lang == "zh" else ", ".join(f"({e})" for e in numbers))


def _with_what_was_given(given: Sequence[str], said: Mapping[str, int], lang: Lang) -> list[str]:
    """The lines of one of several answers not given before; a run of quoting lines given before
    (they cite a provision) that a line announces ("以下是最相关的条文：", "The closest provisions:")
    stands as "see also above", so that line points at them."""
    out: list[str] = []
    run: list[int] = []
    for line in [*given, ""]:
        if line in said:
            if MARKER.search(line):
                run.append(said[line])
            continue
        if run and out and out[-1].rstrip().endswith((":", "：")):
            out.append(_see_above(sorted(set(run)), lang, also=True))
        run = []
        if line:
            out.append(line)
    return out


def reading_note(found, lang: Lang) -> str:
    """How a date that reads two ways is read in this line ("（若指9月10日）", " (if 10 September)")."""
    if lang == "zh":
        return f"（若指{found.month}月{found.day}日）"
    return f" (if {found.day} {dt.date(2000, found.month, 1):%B})"


_LIST_PAST = {
    "en": "Today is {today}: a day marked past is behind us; whoever has not applied yet should contact the local "
    "exit/entry administration without delay.",
    "zh": "今天是{today}：标“已过”的日期已经过去，尚未办理的请尽快联系当地公安机关出入境管理机构。",
}


# The words before a date that say whose it is: back to the clause's start ("Kowalski (Polish) entered
# Jan 6", "Kim（韩国）8月15号").
_LABEL_START = re.compile(r"[,，;；:：、\n]|(?:^|\s)(?:and|or)\s|以及|和|及")
_LABEL_MOST = 48


_SENTENCE_BREAK = re.compile(r"[.。;；!！?？\n]")


def date_label(question: str, start: int, end: int) -> str:
    """The clause of ``question`` that gives the date at ``start:end``, up to the date's end; from its
    sentence's start when the clause names no one and the sentence before it names whose date it is
    ("我和老婆都是Z签证，11月3号入境；孩子是S1签证，11月5号才到": the child's date is "孩子是S1签证，11月5号")."""
    begin = max((m.end() for m in _LABEL_START.finditer(question, 0, start)), default=0)
    opening = max((m.end() for m in _SENTENCE_BREAK.finditer(question, 0, start)), default=0)
    begin = max(begin, start - _LABEL_MOST, opening)  # (never from the sentence before)
    if not persons_named(question[begin:end]) and start - opening <= _LABEL_MOST and persons_named(question[opening:start]):
        begin = opening
    return re.sub(r"\s+", " ", question[begin:end]).strip(" .")


FILING_KINDS = {"after_event", "before_expiry"}


def from_today(day: dt.date, today: dt.date, lang: Lang) -> str:
    """Whether ``day`` has passed, in words the first line can carry ("still ahead (today is ...)")."""
    if lang == "zh":
        return "即今天" if day == today else f"{'尚未到' if day > today else '已经过去'}（今天是{zh_day(today)}）"
    return "that is today" if day == today else f"{'still ahead' if day > today else 'already past'} (today is {today.isoformat()})"


def past_note(deadline: Deadline, kind: str, today: dt.date, lang: Lang) -> str | None:
    """Say so when the computed day is already behind us."""
    if deadline.date >= today:
        return None
    if lang == "zh":
        note = f"注意：该日期已经过去（今天是{zh_day(today)}）。"
        if kind in FILING_KINDS:
            note += "如尚未办理，请尽快联系当地公安机关出入境管理机构。"
        return note
    note = f"Note: that date is already past (today is {today.isoformat()})."
    if kind in FILING_KINDS:
        note += " If you have not applied yet, contact the local exit/entry administration without delay."
    return note


def compose_day(reading: Reading, day: Deadline, provision: Provision | None, picker: SentencePicker) -> Draft:
    """Whether a day is a working day, with the article that says periods count in working days."""
    zh = reading.lang == "zh"
    lines = [(f"{day_status(day, 'zh')}。" if zh else f"{day_status(day, 'en')}.")]
    draft = Draft(text="", deadlines=[day])
    if provision is not None:
        sentences = [s for s in SentencePicker.sentences(provision) if "working day" in s.lower()][:1]
        sentences = sentences or picker.pick(provision, "working days public holidays")
        draft.quotes[provision.key] = sentences[0]
        draft.cited.append(provision)
        lines.append(("依据：" if zh else "Why it matters: ") + f"{provision.label}: “{sentences[0]}” {marker(provision)}")
    lines += _steps(day, reading.lang)
    draft.text = "\n".join(lines)
    return draft


def lapsed_note(rule, end: dt.date, lang: Lang) -> str:
    """The line saying the end of a permitted stay a rule counts back from (``end``) is already past, so
    staying on is the case the provisions quoted after the computed day govern."""
    if lang == "zh":
        return (f"{rule.event_zh}（{zh_day(end)}）已经过去：期满后仍在中国境内停留居留的，属于文件所说的非法居留，"
                "下面引用有关规定；请立即到当地公安机关出入境管理机构说明情况。")
    return (f"{rule.event_en[:1].upper()}{rule.event_en[1:]} ({end.isoformat()}) is already past: staying on in China after it is what the "
            "documents call illegal residence (quoted below); go to the local exit/entry administration at once.")


def loose_note(first: dt.date, last: dt.date, at_last: Deadline, lang: Lang) -> str:
    """The line saying a date told as a part of a month ("下个月中旬", "early May", ``first`` to
    ``last``) was counted from its first day, the earliest and safest, with the day its last gives."""
    if lang == "zh":
        return (f"您给的是一段日子（{zh_day(first)}至{zh_day(last)}），不是具体哪一天：上面按其中最早的一天计算，"
                f"得出的是最稳妥的日期；按最晚的一天计算则为{day_status(at_last, 'zh')}。告诉我具体日期，我可以算出准确的一天。")
    return (f"You gave a part of a month ({first.isoformat()} to {last.isoformat()}), not a day: the date above is "
            f"counted from its earliest day, the safest; from its latest day it would be {day_status(at_last, 'en')}. "
            "Tell me the exact date and I will compute the exact day.")


def date_hint(rule, lang: Lang) -> str:
    """What to give for a computed date under ``rule``."""
    if lang == "zh":
        return f"告诉我具体日期（{rule.event_zh}），我可以算出{rule.result_zh}。"
    return f"Tell me the date ({rule.event_en}) and I will compute the {rule.result_en}."


_PLACE = {"MO": ("Macao", "澳门"), "CN": ("mainland China", "中国内地")}


def no_deadline_note(reading: Reading, region: str) -> str:
    """Say plainly that the documents for ``region`` set no deadline for what is asked."""
    en, zh = _PLACE.get(region, (region, region))
    other_en, other_zh = next(v for k, v in _PLACE.items() if k != region)
    if reading.lang == "zh":
        return f"所收录的{zh}文件没有规定办理此事的期限（天数），因此无法计算日期；{other_zh}的期限规定不适用于{zh}。相关内容如下："
    return (
        f"The documents I hold for {en} set no deadline (number of days) for this, so there is no date to compute; "
        f"the time limits of {other_en} do not apply in {en}. What they do say:"
    )


def compose_missing_articles(reading: Reading, missing: Sequence[int], known: Mapping[str, tuple[int, int]]) -> str:
    """Say plainly that the documents have no such article."""
    ranges = "; ".join(f"{doc}: Art. {lo}-{hi}" for doc, (lo, hi) in known.items())
    numbers = ", ".join(str(n) for n in missing)
    if reading.lang == "zh":
        return f"所收录的法规中没有第{numbers}条（收录范围：{ranges}）。"
    return f"None of the documents I hold has an Article {numbers} ({ranges})."


def _phrase_in(phrase: str, provision: Provision) -> str:
    """The rule's phrase as written in the provision (it is checked to occur there)."""
    return phrase.rstrip(".")


def today_note(today: dt.date, lang: Lang) -> str:
    return f"（今天是{zh_day(today)}）" if lang == "zh" else f"(Today is {today.isoformat()}.)"
