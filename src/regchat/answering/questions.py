"""What a question asks: its language, the articles it names, whether it
follows up an earlier turn, the deadline rule it is about and the event date.

Everything here is pure; rules and provisions come in as arguments.
"""

from __future__ import annotations

import dataclasses

import calendar
import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from ..documents import Hit, Provision
from ..retrieval import load_glossary
from ..tokens import tokenize
from ..deadlines.matching import (
    EVENT_TOLD,
    MAX_NAMED,
    MIN_SCORE,
    ZH_MASK,
    Candidate,
    Evidence,
    Ranking,
    decide,
    keyword_weight,
    rank_rules,
    same_result,
    score,
)
from .dates import (
    ACTION_ROLES,
    DATING_WORDS,
    DateProblem,
    FoundDate,
    Prefer,
    RoledDate,
    _safe_date,
    derived_date,
    event_role,
    find_cues,
    load_role_cues,
    find_dates,
    find_offsets,
    read_roles,
    scan_dates,
    zh_number,
)
from .asked import without_approximations, without_period_asks
from .language import Lang, detect_language, english_terms, without_unaffected
from .loose_terms import DOCUMENT, feared_measures, told_measures, unclear_measure
from .punctuation import EMOJI
from .references import ArticleRef, find_article_refs
from .cards import names_loosely
from .matters import place_of_matters
from .scope import has_domain_words, macao_places, mainland_places


class RuleLike(Protocol):
    id: str
    doc_id: str
    article: int | None
    kind: str
    keywords: Sequence[str]


_FOLLOW_UP_CUE = re.compile(
    r"^\s*(?:and|n(?=\s)|&|but|so|then|ok(?:ay)?[.,!]?\s*(?:then|and)?|what about|how about|what if|and if|also)\b"
    r"|\b(?:it|that|this|they|them|the other|instead)\b"
    r"|^\s*(?:那|那么|如果|还有|另外|再问)|^\W*(?:(?:哦|噢|嗯|好的|好|对)\W*)?对了|它|这个|那个|他们|其|这样|那样|这种|这类|那种"
    # "明白。那……", "好的，那……": the reply acknowledged, then a question leaning on it
    r"|^\W*(?:明白了?|了解了?|知道了|懂了|收到|好的|好|嗯|哦|ok)\W+(?:那|那么)"
    # a person the conversation already named ("她是前天到的"), and "..., 那最晚哪天？"
    r"|^\W*(?:他|她)(?:们)?(?:是|在|的|已经|刚|上|下|昨天|今天|前天)|[，,]\s*那(?:么)?(?=最|还|要|他|她|我|是|能|可以)"
    r"|^\W*(?:he|she)\b(?!\s+(?:is|was)\s+(?:a|an)\b)"  # "he gets to mine on the 31st" (not "He is a ...": a story begins)
    # a correction of what was told ("my mistake, it expires in March") and a plan asked again ("does the 14th
    # still work?", "还来得及吗")
    r"|\b(?:my mistake|my bad|correction|i meant|i misread)\b|不对|说错了|搞错了|看错了|记错了|更正"
    r"|\bstill (?:work|ok|okay|fine|in time|good)\b|还(?:行|可以|来得及)吗",
    re.I,
)
_PAST = re.compile(
    r"\b(?:entered|arrived|came|was|were|(?<!['’]ve )(?<!have )(?<!has )got|received|issued|changed|born|applied|submitted|landed|moved|died|expired|ran out|lapsed)\b"
    r"|了|已经|过(?![来去])",  # 过来 / 过去 "come over" / "go over" are no past
    re.I,
)
# A supposed or planned event is no past one: "if she enters on 2 March", "如果3月2号入境", "we plan to";
# nor is a trip booked ("booked a flight for the 9th", "订了9号的机票": the booking is past, the trip ahead).
_SUPPOSED = re.compile(
    r"\b(?:if|suppose|supposing|assuming|in case|plan(?:s|ning)? to|will|going to|book(?:s|ed|ing)?)\b"
    r"|如果|假如|要是|假设|万一|打算|计划|准备|估计|预计"  # (估计要11点半了: an estimate of what is ahead)
    r"|(?:订|买)(?:了|好了|好)?[^，。；？！,.;?!]{0,12}?(?:机票|车票|船票|航班|高铁票|火车票)",
    re.I,
)


def told_as_past(question: str, dates: Sequence[FoundDate]) -> bool:
    """Whether the question tells its dated events as past ("I entered on 3 March"): read in the
    clauses with a date when it has one, and never in a supposed or planned one ("if I enter on ...")."""
    dated = [c for c in clauses_of(question) if any(d.text in c for d in dates)]
    if not dated:
        return bool(_PAST.search(question))
    # (of a clause joining two events, those with a date are read: "got her visa and lands on 7 April")
    dated = [p for c in dated for p in ([p for p in _JOINED.split(c) if any(d.text in p for d in dates)] or [c])]
    return any(_PAST.search(c) and not _SUPPOSED.search(c) for c in dated)


_JOINED = re.compile(r"\b(?:and|but|then)\b", re.I)


def settled_by_tense(
    question: str, found: list[FoundDate], problems: list[DateProblem], today: dt.date
) -> tuple[list[FoundDate], list[DateProblem]]:
    """The dates and date problems of ``question``, an ambiguous date ("08/06/2026": 8 June or 6
    August) taken as its one reading not after ``today`` when the question tells its event as past
    ("issued 08/06/2026", asked on 10 June): what has happened cannot be in August."""
    kept: list[DateProblem] = []
    for p in problems:
        past = [d for d in p.readings if d <= today] if p.kind == "ambiguous" else []
        if len(p.readings) == 2 and len(past) == 1:
            (day,) = past
            taken = FoundDate(p.text, p.start, p.end, day.month, day.day, p.year if p.year is not None else day.year)
            if told_as_past(question, [taken]):
                found = sorted([*found, taken], key=lambda f: f.start)
                continue
        kept.append(p)
    return found, kept


# Asking what to do, not when: "what should I do?", "需要做什么？" (a deadline question may ask it too).
_WHAT_TO_DO_EN = r"what (?:do|should|must) (?:i|we|he|she|they) do"
_WHAT_TO_DO_ZH = r"要做什么|该做什么|需要做什么|怎么办"
# A lapse told with its length ("过期6天了", "超期快三个礼拜", "超期一天罚500") says how long, asks no date.
_LAPSE_LENGTH = (
    r"(?:了|已经?|都|快|将近|近|差不多|大概|约)?[零〇一二两三四五六七八九十百半\d]+\s*(?:个|多)?"
    r"(?:天|日|周|礼拜|星期|个?月|年|小时)"
)
_NOT_LAPSE = rf"(?!{_LAPSE_LENGTH})"
_DEADLINE_ASK = re.compile(  # English words bounded by non-letters: "是不是late了" asks too
    r"(?<![a-z])(?:when|by when|deadlines?|latest|(?:last|final) (?:permitted |possible |allowed |business |working |calendar )?(?:day|date)|cut-?off|until when|(?:valid|good|stay|last|lasts) until\?|due|expire|how long"
    r"|by what (?:date|day|time)|what date|(?:max(?:imum)?|end) date|(?:which|what) day(?! of the week)|(?:in|on) time\?|(?:was|is|am|are|were|be) (?:\w+ ){0,2}(?:in|on) time"
    r"|time.?limits?|time.?frames?|(?:fixed|set) (?:number of )?days"
    r"|too late|late|overdue|expired|still valid|still be used|missed|miss the|how (?:far|long|many days|many weeks) (?:in advance|ahead|beforehand)"
    r"|(?:too|that) close|cutting it (?:too )?(?:close|fine)|(?:cut|cuts|cutting) it"
    rf"|{_WHAT_TO_DO_EN})(?![a-z])"
    rf"|最晚|最迟|截止|哪天|几号|什么时候|何时|到哪天|有效期(?!内)|最后一天|期限(?!内)|来得及|晚了|超期(?!多少|几){_NOT_LAPSE}|超时"
    r"|提前(?:多久|多长时间|几天|几周|几个星期|多少天)"
    rf"|逾期(?!多少|几){_NOT_LAPSE}|过期{_NOT_LAPSE}|还能[^，。？?！!]{{0,8}}?(?:用|延|续|入境|进)|还有效|还管用|"
    + _WHAT_TO_DO_ZH,
    re.I,
)


_WHAT_TO_DO = re.compile(rf"{_WHAT_TO_DO_EN}|{_WHAT_TO_DO_ZH}", re.I)

# Words of _DEADLINE_ASK that also tell what happened in a statement ("签证上周过期了", "my visa
# expired last week"): a clause without a question mark asks with them only beside a word that asks. (A
# validity named, "入境有效期到1月9日", stays asked about: the question that follows may ask of it.)
_STATE_WORDS = re.compile(
    r"(?<![a-z])(?:expired|overdue|missed)(?![a-z])|过期了|超期了|逾期了|晚了",
    re.I,
)
_HOW_LONG_ZH = re.compile(r"多久|多长时间")  # (beside the question words of _INTERROGATIVE)


# "when" opening a clause of time after what a sentence asks ("must the kids carry ID when they ride
# the metro?") tells when the thing asked holds, and asks no date; after a word that asks or tells of a
# question ("tell me when I must apply", "not sure when he has to leave"), and opening a sentence,
# it asks one.
_WHEN_CLAUSE = re.compile(
    r"(?P<before>[A-Za-z']+)(?P<between>\s+)when(?=\s+(?:we|i|you|he|she|they|it|my|our|his|her|their|your|the|a|an|someone|people|one)\b)"
    r"(?P<clause>[^.?!;,]*)",
    re.I,
)
# ... unless its sentence tells a time ("can they renew when they get back on the 25th?", "we go after
# the holiday, when it is quiet: fine?": whether that time is in time is what is asked)
_TELLS_A_TIME = re.compile(
    r"\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b|\b(?:back|return\w*|arriv\w*|"
    r"holidays?|festival|new year|weeks?|months?|years?|days?|expir\w*|runs? out|ends?|land(?:s|ed|ing)?|"
    r"gets? (?:to|there|here|in)|reach\w*|enter\w*|cross\w*)\b",
    re.I,
)
_ASKS_WHEN = frozenset(
    "know knows tell ask asked asking wonder wondering sure unsure clear certain idea and or but by until from "
    "since exactly say says confirm check explain out about me us".split()
)


def without_temporal_when(text: str) -> str:
    """``text`` with each "when" opening a clause of time blanked (``_WHEN_CLAUSE``) in a sentence
    telling no time (``_TELLS_A_TIME``), or ahead of a question of its own that asks no date ("we will
    pay it at the border when we go, how much is it?"), offsets kept."""
    def blanked(m: re.Match) -> str:
        return f"{m.group('before')}{m.group('between')}    {m.group('clause')}"

    def temporal(m: re.Match) -> str:
        if m.group("before").lower() in _ASKS_WHEN:
            return m.group(0)
        after = _ASKED_AFTER.match(m.string, m.end())
        return blanked(m) if after and not _DEADLINE_ASK.search(after.group("asked")) else m.group(0)

    return "".join(
        _WHEN_CLAUSE.sub(temporal, part) if _TELLS_A_TIME.search(part) else _WHEN_CLAUSE.sub(
            lambda m: m.group(0) if m.group("before").lower() in _ASKS_WHEN else blanked(m), part)
        for part in _SENTENCE_PARTS.split(text))


# A question of its own right after a clause of time and its comma: ", how bad is the fine?"
_ASKED_AFTER = re.compile(
    r"\s*,\s*(?P<asked>(?:how|what|which|who|can|could|will|would|is|are|do|does|should|must)\b[^.?!;]*\?)", re.I
)


_SENTENCE_PARTS = re.compile(r"(?<=[.?!。？！\n])")


def clause_asks_a_date(clause: str) -> bool:
    """Whether a clause asks for a date or what to do: its question mark, or a word of
    ``_DEADLINE_ASK`` that asks; a word that may only tell what happened ("expired", 过期了) asks
    in a clause without a question mark only beside a word that asks ("过期了多久")."""
    if clause.endswith(("?", "？")):
        return True
    if _DEADLINE_ASK.search(without_temporal_when(_EMBEDDED_WH.sub(" ", _STATE_WORDS.sub(" ", clause)))):
        return True
    return bool(_STATE_WORDS.search(clause) and (_interrogative(clause) or _HOW_LONG_ZH.search(clause)))


_SENTENCE_END = re.compile(r"(?<=[!?。！？\n])|(?<=(?<!\d)\.)|(?<=\.)(?!\d)")


def sentences_of(text: str) -> list[str]:
    """The sentences of ``text``; a list number's full stop ("想问三件事：1. …？2. …？") ends none, nor
    does a title's, a reference's or an abbreviation's ("Mr. Kim", "Art. 30", "etc."), nor one in brackets."""
    out: list[str] = []
    carry = ""
    for piece in (s.strip() for s in _SENTENCE_END.split(text)):
        if not piece:
            continue
        piece = f"{carry} {piece}" if carry else piece
        carry = piece if _ENDS_NO_SENTENCE.search(piece) else ""
        if not carry:
            out.append(piece)
    return out + ([carry] if carry else [])


# (nor does an abbreviation's, "etc.", or one inside brackets still open: "social insurance (pension etc.) or not?")
_ENDS_NO_SENTENCE = re.compile(
    r"(?:^|[\s:：])\d{1,2}\.$|(?:^|\s)(?:Mr|Mrs|Ms|Dr|Prof|Art|para|vs|etc|e\.g|i\.e|approx|incl)\.$|[(（][^)）]*$", re.I
)


# An acknowledgement of the answer before and what the asker will now do about it ("Got it, HR will
# report.", "好，罚款回头我们去交。"): that matter is settled, and its words are no story of the
# questions after it. A sentence telling a date ("OK, she goes tomorrow") or a done step ("好的，今天上午
# 交了材料") is still told.
_ACKNOWLEDGED = re.compile(
    r"^\W*(?:明白了?|了解了?|知道了|懂了|收到|好的|好吧|好|嗯|行|ok(?:ay)?|got it|thanks?(?: you)?|understood|noted|great|perfect)(?![a-z])",
    re.I,
)
_WILL_DO = re.compile(r"\b(?:will|going to|gonna)\b|['’]ll\b|这两天|马上|回头|稍后|晚点|就去|会去|这就去", re.I)


_ANY_DAY = dt.date(2026, 1, 1)  # (whether a date is written, relative ones too; not which)


def settles_the_matter(sentence: str) -> bool:
    """Whether ``sentence`` only acknowledges the answer before and says what will now be done about
    it, with no date and nothing asked."""
    return bool(
        _ACKNOWLEDGED.match(sentence) and _WILL_DO.search(sentence)
        and not any(scan_dates(sentence, _ANY_DAY)) and not find_offsets(sentence) and not has_asking_words(sentence)
    )


@lru_cache(maxsize=1024)
def asking_sentences(question: str) -> str:
    """The sentences of ``question`` that ask, when some do and some do not; the whole question
    otherwise. Where some sentence ends with a question mark, those ask, and those that say they
    ask ("he wants to know where and by when."); a sentence merely holding a question word ("the
    landlord asks for a document saying until when he may stay.") tells. Where none has one, a question word
    asks. A statement ("his last day was 29 May.") asks for no date whatever its words."""
    sentences = _asking_units(question)
    marked = any(s.endswith(("?", "？")) for s in sentences)
    # (a message's last sentence asks, its question mark dropped, when a clause of it opens as a
    # question, "…, and if not, which day is the last one" ending a voice message's transcript, or is
    # a few words holding a question word, "by when"; "we must let them know when it is ready" still
    # tells)
    asking = [
        s for i, s in enumerate(sentences)
        if s.endswith(("?", "？")) or _ASK_VERB.search(s) or _ASK_START.search(s)
        or (not marked and _interrogative(s))
        or (i == len(sentences) - 1 and any(_ASK_START.match(c) or len(c.split()) <= 3 and _interrogative(c)
                                            for c in _LAST_CLAUSE.split(s) if c.strip()))
    ]
    return " ".join(asking) if asking and len(asking) < len(sentences) else question


# The clauses of a last sentence, split at commas and at list numbers ("by when 2) and the flat?").
_LAST_CLAUSE = re.compile(r"\s*(?:[,，;；:：]|(?<!\S)\(?\d[).、])\s*")


def _asking_units(question: str) -> list[str]:
    """The sentences :func:`asking_sentences` reads: an aside in brackets ("(a holiday?? odd)")
    neither asks nor tells the asking apart."""
    return [s.strip() for s in _SENTENCE_END.split(_ASIDE.sub(" ", question)) if s.strip()]


def without_asides(text: str) -> str:
    """``text`` without its asides in brackets, as :func:`asking_sentences` reads it."""
    return _ASIDE.sub(" ", text).strip()


def with_referred(question: str) -> str:
    """The sentences of ``question`` that ask (:func:`asking_sentences`), each with the sentence
    before it when it opens by pointing back at it ("… file on Oct 8. That's in time, right?"), as
    written: the date of a step may stand in brackets ("等初八（2月24号）再去。这样可以吗？")."""
    written = [s.strip() for s in _SENTENCE_END.split(question) if s.strip()]
    return _with_pointed_at([_ASIDE.sub(" ", s).strip() for s in written], written, asking_sentences(question))


def asking_with_referents(question: str) -> str:
    """The sentences of ``question`` that ask (:func:`asking_sentences`), each pointing back ("Is that
    true for her as well?") after the last sentence before it that tells (what it points at: "Our
    lawyer says all staff from abroad must hold a work permit."), not another question."""
    asking = asking_sentences(question)
    if asking == question:
        return question
    sentences = [_ASIDE.sub(" ", s).strip() for s in _SENTENCE_END.split(question) if s.strip()]
    return _with_pointed_at(sentences, sentences, asking, told_only=True)


def _with_pointed_at(sentences: list[str], shown: list[str], asking: str, *, told_only: bool = False) -> str:
    """The ``shown`` form of each of ``sentences`` that is among ``asking``, each opening by pointing back
    after the one it points at: the sentence just before it, or (``told_only``) the last one before it
    that does not ask."""
    out: list[str] = []
    for i, s in enumerate(sentences):
        if s and s in asking:
            if _POINTS_BACK.match(s):
                at = next((j for j in range(i - 1, -1, -1)
                           if not told_only or (sentences[j] and sentences[j] not in asking)), None)  # fmt: skip
                if at is not None:
                    out.append(shown[at])
            out.append(shown[i])
    return " ".join(dict.fromkeys(out)) or asking


_POINTS_BACK = re.compile(
    r"^\W*(?:(?:and|so|but)\s+)?(?:(?:is|was|would|will|does|did)\s+)?(?:that|this|it|which|so)\b|^\W*(?:这样|那样|这个|那个|那|这)"
    # a sentence that only seeks assent ("… go on 20 Oct. ok?", "……28号去。行吗？")
    r"|^\W*(?:ok(?:ay)?|right|correct|fine|alright|yes or no|对吗|对不对|对吧|行吗|行不行|可以吗|没问题吧|是吗)\W*$",
    re.I,
)  # ("… pay on 3 December. Is that ok?": the question asks of the sentence before it)


# A sentence that opens as a question asks, with its mark or without ("how long is it valid."),
# beside another that has one; "When I arrived, ..." tells.
_ASK_START = re.compile(
    r"^(?:(?:and|also|so|but|ok|okay|then)\s*,?\s+)?(?:what(?:'?s)?|how|which|who|whom|whose|why|"
    r"(?:when|where)\s+(?:do|does|did|is|are|was|were|will|would|can|could|should|must|shall|have|has|am)|"
    r"(?:can|could|may|must|should|shall|do|does|did|is|are|am|will|would)\s+(?:i|we|he|she|they|you|my|our|his|her|their|it|the)|"
    r"(?:was|were)\s+(?:i|we|he|she|they|you|it|my|our|his|her|their|the)\s+(?!born\b))\b"
    r"|[吗呢么][。.!！]?$|哪|多少|什么时候|几号|怎么办|能不能|可不可以|会不会|要不要|有没有|是不是",
    re.I,
)

_ASIDE = re.compile(r"[(（][^()（）]*[)）]")

# Words with which a sentence says it asks, question mark or not.
_ASK_VERB = re.compile(
    r"\b(?:wants? to know|wanted to know|wonder(?:s|ing)?|tell (?:me|us|him|her)|let (?:me|us) know|"
    r"need to know|(?:am|is|are|'m) not sure|"
    # a request to confirm or check ("Pls confirm the latest date", "please advise", "请确认一下最晚哪天")
    r"(?:pls|please|plz|kindly|can you|could you)\s+(?:\w+\s+)?(?:confirm|check|advise|verify|clarify)|"
    # a question passed on ("she wants us to check: where does she renew, and by when?", "she asked me to find out
    # where to file")
    r"asked (?:us|me|him|her|them) to (?:find out|check|ask)|find out (?:how|what|when|where|whether|if|which|who)|"
    r"(?:asks?|asked) (?:us |me )?(?:how|what|when|where|whether|if|which|who))\b|"
    r"想问|请问|想知道|问一下|问下|请教|不知道|不清楚|不确定|让我(?:们)?(?:帮忙)?问|帮(?:他|她|他们)问|托我(?:们)?问|"
    r"(?:请|麻烦|帮忙|帮我)(?:\w{0,2})?(?:确认|核实|看看|看一下)",
    re.I,
)


def asks_for_date(text: str) -> bool:
    """Whether ``text`` asks for a date or a length of time ("by when?", "最晚哪天？", "how many
    days?"), not only what to do."""
    from .asked import asks_for_period

    return bool(_DEADLINE_ASK.search(without_temporal_when(_WHAT_TO_DO.sub(" ", text)))) or asks_for_period(text)


def without_asking(text: str) -> str:
    """``text`` without the words that ask for a date or a length of time ("deadline", "how many
    days", "期限", "多久"): what it is about, if anything."""
    text = _DEADLINE_ASK.sub(" ", text)
    return without_period_asks(text)


_WORKING_DAY_ASK = re.compile(
    r"\bis\b[^?.]{0,40}\b(?:a )?(?:working|business|work) day\b|\bis\b[^?.]{0,40}\b(?:a )?public holiday\b"
    r"|是(?:不是)?(?:工作日|节假日|法定节假日)|工作日吗|(?<![能以接去要])(?:上班|放假)吗",  # (not "可以直接上班吗": may one start work)
    re.I,
)
_STAY_DAYS = re.compile(
    r"(?P<n>\d{1,3})[- ]days?'?\s+(?:of\s+)?stay|stay of (?P<n2>\d{1,3}) days|(?P<n3>\d{1,3}) days of stay|"
    r"(?:allows?|gives?|grants?) (?:(?:her|him|them|me|you|us) )?(?:a )?(?P<n4>\d{1,3})[- ]days?|\bstay (?:on it |on the visa |printed |shown )?(?:says|is|reads) (?P<n12>\d{1,3}) days\b|停留期(?:限)?[^\d，。,；;？?!！过超逾]{0,6}?(?P<n5>\d{1,3})\s*[天日]|停留\s*(?P<n6>\d{1,3})\s*[天日]|"
    r"(?:duration of (?:each )?stay|stay duration)\W{0,3}(?P<n7>\d{1,3})\b|\bstay:?\s+(?P<n13>\d{1,3})\s*days\b|"
    r"(?P<n8>\d{1,3})[- ]days? (?:per|each|a|for each) (?:stay|entry|visit)|每次(?:可)?停留\s*(?P<n9>\d{1,3})\s*[天日]|"
    r"\b(?:each|every|per|a|the) stay (?:allowed |permitted |granted )?(?:is |was |of |are )?(?:up to |at most )?"
    r"(?P<n10>\d{1,3})[- ]days?\b|(?P<n11>\d{1,3})[- ]days?['’\"]?\s+(?:duration|period|length)\s+of\s+stay",
    re.I,
)
_STAY_EVENT = "停留期限"  # a rule whose event names the visa's period of stay (its end, its extension) is about the stay
_THING = re.compile(r"\b(?:it|that|this|one)\b|它|这个|那个|该证|此", re.I)  # a thing, not people ("they")
_OTHER = re.compile(r"\bthe other\b|另一个|另外那个|另一部", re.I)
_MACAO = re.compile(r"\bmaca[ou]\b|澳门", re.I)
_MAINLAND = re.compile(r"\bmainland\b|\bchina\b|\bprc\b|中国|内地|大陆|在华|来华|中华人民共和国", re.I)


@lru_cache(maxsize=1024)
def place_of(text: str) -> str | None:
    """'MO' for text about Macao alone, 'CN' for mainland China alone, else None (kept for the texts
    seen last: one answer reads the place of its question and conversation many times).
    ("Macao, China" and the Macao guide's own "P.R.C. Permit" are Macao; a mainland city named beside
    Macao, "came over from Macao to Zhuhai", is the mainland too.)"""
    macao, mainland = _places_named(text)
    mainland = mainland or (not macao and bool(_MAINLAND.search(_MACAO.sub(" ", text))))
    if macao and not mainland:
        return "MO"
    if mainland and not macao:
        return "CN"
    return None


def names_both_places(text: str) -> bool:
    """Whether ``text`` names Macao and a mainland place ("staff in Zhuhai and in Macao")."""
    return all(_places_named(text))


def _places_named(text: str) -> tuple[bool, bool]:
    """Whether ``text`` names Macao (or one of its districts), and whether it names the mainland or a
    mainland city or province (China itself is not the mainland beside Macao: "Macao, China")."""
    # (Macao's own documents name it too: "two blue-card holders resigned", "外雇证丢了")
    macao = bool(_MACAO.search(text)) or bool(macao_places(text)) or load_glossary().names_macao(text)
    rest = _MACAO.sub(" ", text)
    return macao, bool(re.search(r"\bmainland\b|内地|大陆", rest, re.I)) or bool(mainland_places(rest))


# A kind of permit or visa: "工作类", "私人事务类", "work-type", "study-type".
_KIND = re.compile(r"[\u4e00-\u9fff]{2,4}类(?!似)|\b[a-z]+(?:[- ][a-z]+)?-type\b", re.I)

# Words that frame a message instead of asking it: who asks ("HR question:", "customer asks:",
# "support ticket:") and greetings. "question" here is the message, not police questioning (盘问).
_FRAMING = re.compile(
    r"\b(?:(?:hr|quick|simple|general|dumb|silly|stupid|another|one|a|follow[- ]up|support|legal|compliance)\s+)"
    r"?(?:question|query|ticket)\s*(?:[:：.\-—–]|\bhere\b|\bfor you\b)"
    r"|\bsupport (?:ticket|request)\b"
    r"|\b(?:customer|client|caller|user)(?:'s)?\s+(?:asks|asked|writes|wrote|asking)\b\s*:?"
    r"|\basking for (?:a friend|real)\b|\bthanks?(?: you)?(?: in advance)?\b|\bplease help\b|\b(?:hi|hello|hey)\b"
    r"|你好|您好|谢谢|多谢|麻烦问一下|想问一下|请教一下|问一下|求助"
    r"|(?:^|(?<=\s)|(?<=[。？！?!，,；;]))[(（]?\d{1,2}[)）](?=\s|[^\d\s])",  # the numbers of listed questions: "(1)", "2）"
    re.I,
)


@dataclass
class Reading:
    """What regchat reads in one question (with its conversation)."""

    question: str
    lang: Lang
    today: dt.date
    previous: str | None = None  # the previous user turn, when this question follows it up
    refs: list[ArticleRef] = field(default_factory=list)
    dates: list[FoundDate] = field(default_factory=list)
    date_problems: list[DateProblem] = field(default_factory=list)  # ambiguous or impossible dates
    previous_dates: list[FoundDate] = field(default_factory=list)
    roles: list[RoledDate] = field(default_factory=list)  # the question's dates, each with its role
    previous_roles: list[RoledDate] = field(default_factory=list)
    stay_days: int | None = None
    asks_deadline: bool = False
    asks_working_day: bool = False
    past_tense: bool = False
    replied_to: str | None = None  # the answer that asked back, when this message replies to it
    previous_place: str | None = None  # the place the conversation's previous turn was about
    answered_refs: list[ArticleRef] = field(default_factory=list)  # the articles the answer before cited
    answer_before: str = ""  # the answer this question follows up (its quotes tell the rule it computed)
    message: str = ""  # for one of a message's several questions: the whole message

    @property
    def follow_up(self) -> bool:
        return self.previous is not None

    def cited_before(self, doc_id: str, article: int | None) -> bool:
        """Whether the answer this question follows up cited that article (an article it names
        without its document is any document's article of that number)."""
        return article is not None and any(
            r.article == article and r.doc_id in (None, doc_id) for r in self.answered_refs
        )

    @property
    def reuses_previous(self) -> bool:
        """A follow-up carries the earlier turn's rule and date only when it gives a new date
        or asks about the date again ("And if I entered on 10 May?", "那到期前最迟哪天要去？"), or asks
        the same of another person ("and my wife?": her own date if the message gives one, else the
        earlier turn's), when the earlier turn asked for a date (after "what happens now that it
        has lapsed?", "and my daughter?" asks what happens to her); otherwise ("Which papers does
        that take?") the earlier turn is context for a lookup."""
        return self.follow_up and bool(
            self.dates_asked_about or self.asks_deadline or _STAY_DAYS.search(self.question) or self.replied_to
            or ((self.dates or self.previous_dates) and asks_of_another_person(asking_sentences(self.question))
                and asks_for_date(asking_sentences(self.previous or ""))
                and not _asks_other_things(asking_sentences(self.question)))
        )

    @property
    def dates_asked_about(self) -> bool:
        """Whether the message's dates bear on what it asks: a date in a sentence that asks ("And if
        I entered on 10 May?"), or any date of a message that asks nothing (a date given in reply).
        A date the message only tells beside another question ("filed yesterday. Can we appeal?")
        starts nothing."""
        if not self.dates:
            return False
        asking = asking_sentences(self.question)
        return asking == self.question or any(d.text in asking for d in self.dates)

    @property
    def carried_subject(self) -> str | None:
        """For a follow-up that names no subject of its own but points at a thing ("What
        papers does that take?"), the words of the subject of the turn it follows
        ("residence permit")."""
        if not self.previous or subject_of(self.question) or not _THING.search(self.question):
            return None
        return subject_phrase(self.previous)

    @property
    def region(self) -> str | None:
        """'MO' when the question is about Macao alone, 'CN' when about mainland China alone, None
        when it names neither or both; a follow-up naming no place of its own is about the place
        of the turn it follows, one naming a place ("and on the mainland?") about that place; any
        later message in a conversation naming no place stays in the place of the turn before. A
        question naming both places is about the one whose matters it names (a residence permit or a
        visa is the mainland's, the non-resident worker's card Macao's), whoever asks and wherever
        they work."""
        here = place_of_matters(self.question) if names_both_places(self.question) else place_of(self.question)
        return here or place_of(self.context) or self.previous_place

    @property
    def standalone_query(self) -> str:
        """The question alone, dates and the words that frame the message ("HR question:",
        "customer asks:", 想问一下) left out: they only add noise to retrieval."""
        # No words are added here: retrieval expands the question with the bilingual lexicon itself,
        # and a Chinese question now meets the official Chinese text in its own words.
        return self._searched(self.question) or self.question

    def _searched(self, text: str) -> str:
        """``text`` as retrieval reads it: without the words that frame the message, the documents
        it says are safe ("passport is safe at home") and the question's dates."""
        text = without_unaffected(_FRAMING.sub(" ", text))
        for found in self.dates:
            text = text.replace(found.text, " ")
        # A measure told in everyday words and by a case only it governs ("they'll stop me at the border",
        # with wages owed: an exit ban) is searched by the words of its own provision too.
        # So is each measure a loose word only fears ("会不会被遣返": repatriation or expulsion).
        told = " ".join(w for m in told_measures(text) + feared_measures(text) for w in (m.zh, *m.corpus))
        return re.sub(r"\s+", " ", f"{text} {told}").strip()

    @property
    def asking_query(self) -> str | None:
        """The sentences that ask, cleaned as :attr:`standalone_query` is, when the message also
        tells a story apart from them; None when every sentence asks. A long story can outweigh
        its question in a search of the whole message ("we hired him in March, he lives in
        Pudong, his wife ... : who reports his departure?"); the question alone cannot."""
        asking = asking_sentences(self.question)
        if asking == self.question:
            return None
        text = self._searched(asking)
        return text if text and text != self.standalone_query else None

    @property
    def search_query(self) -> str:
        """The text to retrieve with: a follow-up carries the turn it follows, or only that
        turn's main subject when it names none of its own ("Which papers does that take?"
        is about the residence permit, not the visa the earlier turn also mentioned)."""
        if self.carried_subject and self.previous:
            previous = self.previous
            for found in self.previous_dates:
                previous = previous.replace(found.text, " ")
            return f"{main_subject_only(previous)} {self.standalone_query}"
        return f"{self.previous_about_this} {self.standalone_query}" if self.previous else self.standalone_query

    @property
    def previous_about_this(self) -> str:
        """The turn this question follows, asked again about the thing the question names when it
        names another ("How early must I renew my residence permit?" / "And the visa?": how early
        must I renew the visa?)."""
        previous = self.previous or ""
        # A kind of the same thing ("工作类" -> "私人事务类", "work-type" -> "study-type").
        kind, kind_before = _KIND.search(self.question), _KIND.search(previous)
        if kind and kind_before and kind.group(0) != kind_before.group(0):
            return previous.replace(kind_before.group(0), kind.group(0))
        own, before = subject_of(self.question), subject_of(previous)
        if not own or not before or own == before:
            return previous
        old, new = subject_phrase(previous), subject_phrase(self.question)
        return previous.replace(old, new) if old and new else previous

    @property
    def context(self) -> str:
        """The question and, for a follow-up, the turn it follows up."""
        return f"{self.previous}\n{self.question}" if self.previous else self.question


def _last_assistant_turn(history: Sequence[Mapping[str, Any]]) -> str:
    for turn in reversed(history):
        if turn.get("role") == "assistant":
            return str(turn.get("content", ""))
        if turn.get("role") == "user":
            return ""
    return ""


def asked_back(history: Sequence[Mapping[str, Any]]) -> str | None:
    """The last answer, when its first line asked the user something ("Which deadline do
    you mean?"): the next message replies to it."""
    answer = _last_assistant_turn(history)
    first = answer.strip().split("\n", 1)[0]
    return answer if re.search(r"[?？]", first) else None


def _previous_user_turn(history: Sequence[Mapping[str, Any]]) -> str | None:
    for turn in reversed(history):
        if turn.get("role") == "user" and str(turn.get("content", "")).strip():
            return str(turn["content"])
    return None


MOST_THREAD_TURNS = 3  # user turns a follow-up's thread reaches back over


def _dated_turns(thread: Sequence[str], today: dt.date) -> str | None:
    """The user turns of the thread from the latest one before the last that writes a date: "他们夫妻都要
    去吗？" after "宝宝2月10号出生，最晚哪天登记？" leaves the birth day told one turn further back, which a
    new plan is weighed against; so does "plan to go on the 16th, OK?" after it."""
    if not thread:
        return None
    first = next((i for i in range(len(thread) - 2, -1, -1) if find_dates(thread[i], today)), len(thread) - 1)
    return "\n".join(thread[first:])


def _thread_turns(history: Sequence[Mapping[str, Any]]) -> list[str]:
    """The last user turn, with the turns before it that it follows up, in their order: "could she
    sleep at our place instead?" after "she transits Guangzhou for 19 hours: does she need a visa?"
    goes on with the transit that turn asked about. Up to ``MOST_THREAD_TURNS`` turns."""
    turns: list[tuple[str, str]] = []  # (user turn, the answer it got)
    for turn in history:
        content = str(turn.get("content", ""))
        if turn.get("role") == "user" and content.strip():
            turns.append((content, ""))
        elif turn.get("role") == "assistant" and turns:
            turns[-1] = (turns[-1][0], content)
    if not turns:
        return []
    thread = [turns[-1][0]]
    for (before, answer), (after, _) in zip(turns[-2::-1], turns[::-1]):
        if len(thread) >= MOST_THREAD_TURNS or not is_follow_up(after, before, answer):
            break
        thread.insert(0, before)
    return thread


_NEW_TOPIC = re.compile(
    r"\b(?:unrelated|off[- ]topic|(?:a )?(?:different|new|separate) (?:question|topic|matter))\b|无关|换个话题|题外话|另外一个问题|另一个问题",
    re.I,
)


# A question that only names another person ("and my wife?", "what about his son?", "那我老婆呢？"): the
# earlier turn's question asked again for that person, whose date the message tells ("she came on the 24th").
_PERSON = (
    r"(?:wife|husband|spouse|partner|fianc[eé]e?|son|daughter|child|children|kids?|baby|mother|father|mum|mom|mama|"
    r"dad|papa|parents?|grand(?:mother|father|ma|pa|son|daughter|parents?)|brother|sister|sibling|aunt|uncle|"
    r"cousin|nephew|niece|colleague|co-?worker|employee|staff|boss|manager|friend|flatmate|roommate|housemate|"
    r"classmate|neighbou?r|guest|visitor|client|customer)"
)
_ZH_PERSON = (
    r"(?:老婆|老公|妻子|丈夫|太太|先生|爱人|未婚妻|未婚夫|儿子|女儿|孩子|小孩|宝宝|父母|爸爸|妈妈|爸|妈|父亲|母亲|爷爷|奶奶|"
    r"外公|外婆|姥姥|姥爷|哥哥|姐姐|弟弟|妹妹|岳父|岳母|公公|婆婆|丈母娘|亲戚|家人|同事|员工|老板|朋友|室友|舍友|同学|邻居|客人|客户)"
)
_EN_ANOTHER = rf"(?:(?:my|his|her|our|their|the)\s+)?(?:[\w-]+\s+)?{_PERSON}(?:-in-law|s-in-law)?"
# (several people at once: "and her mother and the children?", "那我妈和我女儿呢？")
_ASKS_OF_ANOTHER = re.compile(
    rf"(?:^|[.!?。！？]\s*)(?:(?:ok(?:ay)?|great|thanks?|thx|cool|right)[\s,.!]*)*(?:and|what about|how about)\s+"
    rf"{_EN_ANOTHER}(?:\s*(?:,|and|&)\s*{_EN_ANOTHER})*\s*\?"
    rf"|(?:那|还有)?(?:我|他|她|我们|他们)?的?{_ZH_PERSON}(?:(?:和|跟|还有|以及|、)[^，,。？?呢]{{0,10}}?{_ZH_PERSON})*"
    r"(?:呢|怎么办|怎么算)[？?]",
    re.I,
)


def asks_of_another_person(text: str) -> bool:
    """Whether ``text`` asks only about another person ("and my wife?", "那我老婆呢？")."""
    return bool(_ASKS_OF_ANOTHER.search(text))


# Words by which a writer takes back what they just wrote ("the 12th, sorry, the stamp says 11 May",
# "3号，不对，是4号").
_TAKES_BACK = re.compile(
    r"\b(?:sorry|correction|i mean|i meant|actually|scratch that|my mistake|my bad)\b|\b(?:hold on|wait)(?=\s*[,.!—–-])|不对|说错了|搞错了|记错了|更正|纠正|应该是|其实是|不好意思|抱歉|对不起"
    r"|等等[，,!！]|等一下|等一等",
    re.I,
)
_TAKEN_BACK_WITHIN = 80  # characters from a date to the one put in its place


def corrected_within(
    text: str, found: list[FoundDate], roles: list[RoledDate]
) -> tuple[list[FoundDate], list[RoledDate]]:
    """``found`` and ``roles`` without a date the message takes back ("arrived on the 12th, sorry, the
    stamp says 11 May"): the date after words taking it back, with no other role of its own, stands in
    its place and is the date of what it was said of."""
    out = list(roles)
    i = 0
    while i < len(out) - 1:
        a, b = out[i], out[i + 1]
        between = text[a.found.end:b.found.start]
        if len(between) <= _TAKEN_BACK_WITHIN and _TAKES_BACK.search(between):
            # (the date taken back is the last one said of what this one is, or of anything when this one
            # tells nothing: "born on 20 September, the appointment is 19 November. Wait, the certificate
            # says 19 September"; past the date right before it, only a date written out stands in another's
            # place: a second "today" is no correction)
            fits = [k for k in range(i, -1, -1) if out[k].role is not None and b.role in (None, out[k].role)
                    and (k == i or not b.found.relative)]
            # (a date written with its month takes back the one of that month, not a plan between them:
            # "born 9月20号 … booked for 11月19号. Wait, the certificate says 9月19号")
            same_month = [k for k in fits if not b.found.monthless and not out[k].found.monthless
                          and out[k].found.month == b.found.month and not b.found.relative]
            j = (same_month or fits or [None])[0]
            if j is not None and b.found.start - out[j].found.end <= 2 * _TAKEN_BACK_WITHIN:
                c = out[j]
                out[i + 1] = dataclasses.replace(b, role=c.role, roles=c.roles or (c.role,), cue=c.cue)
                del out[j]
                continue
        i += 1
    kept = {id(r.found) for r in out}
    return [f for f in found if id(f) in kept], out


# Words asking whether the same holds for someone else ("也是这天之前吗？", "the same for him?").
_THE_SAME = re.compile(r"也|同样|一样|\bsame\b|\btoo\b|\bas well\b|\balso\b|\beither\b", re.I)


def _asks_other_things(asking: str) -> bool:
    """Whether ``asking``, a message's asking sentences, asks besides its "and my wife?" something
    of its own and no date: "那我妈妈呢？她能办什么签证？" asks which visa the mother gets, not the
    deadline the earlier turn counted for the asker's own permit. A question asking whether the same
    holds for her ("也是这天之前吗？", "does she get held that long too?") asks the earlier turn's
    question again."""
    rest = _ASKS_OF_ANOTHER.sub(" ", asking)
    pieces = [piece for piece in _asking_pieces(rest) if asks(piece)]
    return bool(pieces) and not asks_for_date(rest) and not any(_THE_SAME.search(p) for p in pieces)


def is_follow_up(question: str, previous: str | None, answer: str = "") -> bool:
    """A question follows up the previous turn when that turn was about the
    regulations (its words, or those of the ``answer`` it got: "能不能落地签？" was answered
    on port visas) and this one leans on it ("And if ...", "What about ...", "it")."""
    if not previous or not (has_domain_words(previous) or (answer and has_domain_words(answer))):
        return False
    if _NEW_TOPIC.search(question[:40]):
        return False  # "Unrelated: ...", "换个话题": the message says it starts afresh
    if _FOLLOW_UP_CUE.search(question) or asks_of_another_person(question) or _names_someone_told_before(question):
        return True
    return not has_domain_words(question)


# A person spoken of by a pronoun ("交材料时她的护照要押在那里吗？", "will they keep his passport?")
# with nobody named before it in the message: someone the conversation named already. (A pronoun opening
# the message is read by _FOLLOW_UP_CUE: "He is a Canadian engineer …" begins a story of its own.)
_PRONOUN = re.compile(r"(?:他|她)(?:的|们|也|会|要|能|可以|得|还)|\b(?:he|she|his|her|him)\b", re.I)
_SOMEONE_NAMED = re.compile(
    r"朋友|同事|员工|雇员|老婆|妻子|丈夫|老公|爱人|孩子|儿子|女儿|父母|母亲|父亲|妈|爸|客户|学生|老师|租客|房客|岳母|岳父|婆婆|"
    r"公公|先生|太太|女士|小姐|外教|工程师|司机|保姆|阿姨|表|堂|哥|姐|弟|妹|人"
    r"|\b(?:friend|colleague|employee|staff|wife|husband|partner|spouse|son|daughter|child|kid|mother|father|mum|mom|"
    r"dad|parent|client|student|teacher|tenant|guest|engineer|driver|nanny|brother|sister|cousin|aunt|uncle|"
    r"man|woman|guy|girl|boy|someone|somebody|worker|hire|intern|chef|manager)s?\b"
    r"|(?-i:\b[A-Z][a-z]+\b)",  # (a name: "Anna's passport")
    re.I,
)


def _names_someone_told_before(question: str) -> bool:
    first = next((m for m in _PRONOUN.finditer(question) if question[: m.start()].strip(" \t\n\"'“‘")), None)
    if first is None:
        return False
    before = question[: first.start()]
    # (a capital opening a sentence is no name)
    before = re.sub(r"(?:^|(?<=[.!?。！？]\s))[A-Z][a-z]*", " ", before.strip())
    return not _SOMEONE_NAMED.search(before)


def _asking_pieces(asking: str) -> list[str]:
    """The asking sentences one by one, each with its end mark."""
    return [m.group(0) for m in re.finditer(r"[^?？]+[?？]?", asking) if m.group(0).strip(" ,，。.")]


def _day_words(month: int, day: int, year: int | None, lang: Lang) -> str:
    """A day written as the question's language writes it ("23 March 2026", "2026年3月23日"), the year
    left out when not known."""
    if lang == "zh":
        return f"{year}年{month}月{day}日" if year else f"{month}月{day}日"
    return f"{day} {calendar.month_name[month]}" + (f" {year}" if year else "")


def corrected_question(question: str, history: Sequence[Mapping[str, Any]], today: dt.date) -> tuple[str, list] | None:
    """A follow-up that only puts another date in place of the earlier turn's ("不对，她是14号到的，
    那最晚呢？", "sorry, it was the 12th, not the 2nd: same question"): the earlier question asked again,
    with the new date where the old one of the same role stood, and the history before that question.
    The earlier question's rule, its days of stay and its subject then hold whole; so they do for another
    person whose date of the same role the message gives ("and my colleague? she landed on the 9th").
    None when the message names a thing the earlier question did not, asks anything but a date, dates two
    events, or names another person without saying what the date is."""
    previous = _previous_user_turn(history)
    if not previous or not is_follow_up(question, previous):
        return None
    lang = detect_language(previous)
    if detect_language(question) != lang:
        return None
    found, problems = scan_dates(question, today)
    # "3 November, not 3 December": the date said not to be the one is the earlier turn's, put right
    found = [f for f in found if not _NOT_THIS.search(question[max(0, f.start - 16) : f.start])] or found
    if len(found) != 1 or problems or find_offsets(question) or _STAY_DAYS.search(question):
        return None
    asking = asking_sentences(question)
    if subjects_in(question) - subjects_in(previous):
        return None
    another = asks_of_another_person(asking)
    if another and not _DEADLINE_ASK.search(asking_sentences(previous)):
        return None  # "and my wife?" after "how long do I have?": the date is asked of her, not the period
    if another and any(not asks_of_another_person(s) and not _DEADLINE_ASK.search(s) for s in _asking_pieces(asking)):
        return None  # "and his wife? ... which permit does she get?": more is asked of her than the date
    # (a date told beside questions of which one asks anything but a date, "ok, going tomorrow. Do I pay
    # the fine there? And could it hurt my next application?", is news, not a correction; "what to do
    # if they refuse?" asks what to do, not a date)
    told_beside = _told_beside_other_asks(question, asking, found[0].text)
    if told_beside and _PUTS_RIGHT.match(question) and not has_domain_words(asking):
        told_beside = False  # "Sorry, it was the 3rd. Is it still ok?": the same question, of the date put right
    if told_beside and not another:
        return None  # the date is told beside another question ("filed on the 3rd. Can we appeal?")
    before = find_dates(previous, today)
    if not before:
        return None
    new = read_roles(question, found)[0]
    old = read_roles(previous, before)
    if new.role is None and another:
        return None  # "and my wife? the 14th": whose date it is for her is not said
    if new.role is not None:
        replaced = [r for r in old if r.role == new.role]
    else:
        replaced = old if len({r.role for r in old}) == 1 else []
    if not replaced:
        return None
    said = found[0].text
    earlier = replaced[0].found
    if found[0].monthless and not earlier.monthless and _safe_date(earlier.year or 2024, earlier.month, found[0].day):
        # "the 23rd" after "9 March": the 23rd of the earlier date's month, read as that date was
        said = _day_words(earlier.month, found[0].day, earlier.year, lang)
    elif not found[0].monthless and found[0].year is None:
        # "and my kids come 9 may" after "i landed 2 march": set in the earlier turn's words ("landed ... on"),
        # the day is of the year the earlier date was read in (its turn's tense), and says so
        year = earlier.year
        if year is None:
            was = earlier.resolve(today, "past" if told_as_past(previous, before) else "nearest")
            year = was.year if was else None
        if year and _safe_date(year, found[0].month, found[0].day):
            said = _day_words(found[0].month, found[0].day, year, lang)
    text = previous
    for r in sorted(replaced, key=lambda r: -r.found.start):
        text = text[: r.found.start] + said + text[r.found.end :]
    index = max(i for i, turn in enumerate(history) if turn.get("role") == "user" and str(turn.get("content", "")).strip())
    return text, list(history[:index])


# Words naming public holidays or days off, as a follow-up asks what one inside a period changes.
_HOLIDAY_ASK = re.compile(
    r"\b(?:public |national |bank |statutory )?holidays?\b|\bnational day\b|\bspring festival\b|\bchinese new year\b"
    r"|\blabou?r day\b|\bgolden week\b|\bdays? off\b|\bweekends?\b"
    r"|节假日|假期|放假|国庆|春节|过年|五一|劳动节|元旦|中秋|端午|清明|调休|周末",
    re.I,
)


# Words asking what follows from being late, not how a period counts.
_CONSEQUENCE_ASK = re.compile(
    r"\bwhat (?:happens|would happen|will happen)\b|\bconsequences?\b|\bpenalt(?:y|ies)\b|\bfined?\b|\bpunish"
    r"|会怎么样|会怎样|后果|罚",
    re.I,
)


def asked_again_for_holidays(question: str, history: Sequence[Mapping[str, Any]], today: dt.date) -> tuple[str, list] | None:
    """A follow-up asking what a public holiday or a weekend inside the period changes ("and if the
    National Day holiday falls in between?", "中间有春节假期呢？"), telling no date, naming nothing else and
    asking no consequence, after a question asking a date from a date it told: the earlier question
    asked again (its answer says how days off count: a last day on one, the working days a period
    skips), with the history before it. None for any other message."""
    previous = _previous_user_turn(history)
    if not previous or not is_follow_up(question, previous) or not _HOLIDAY_ASK.search(question):
        return None
    if find_dates(question, today) or find_offsets(question) or not _DEADLINE_ASK.search(asking_sentences(previous)):
        return None
    if not find_dates(previous, today):
        return None  # (nothing was computed: how days off count is asked of the period itself)
    if has_domain_words(_HOLIDAY_ASK.sub(" ", question)) or _CONSEQUENCE_ASK.search(question):
        return None  # ("does the holiday change the fine?", "拖到五一以后会怎么样？": another thing asked)
    index = max(i for i, turn in enumerate(history) if turn.get("role") == "user" and str(turn.get("content", "")).strip())
    return previous, list(history[:index])


_LOOSE_UNCOUNTED = (None, "plan", "filing", "action", "stay_wish", "trip")


def read_question(
    question: str,
    history: Sequence[Mapping[str, Any]],
    today: dt.date,
    provisions: Sequence[Provision],
    *,
    answered: str | None = None,
) -> Reading:
    """What ``question`` asks, read once with its conversation. ``answered``: the answer given to
    the question this message asks again (:func:`corrected_question`), whose rule goes on."""
    previous = _previous_user_turn(history)
    turns = _thread_turns(history)
    thread = "\n".join(turns) or None  # (what the previous turn goes on with, read with it)
    dated = _dated_turns(turns, today)  # (the dates it goes on with may be told a turn further back)
    offsets = find_offsets(question)
    question_asked = asked_back(history) if previous and has_domain_words(previous) else None
    # "Hers expires a month after mine": a date counted from one given earlier follows that turn up;
    # so does a reply to a question regchat asked.
    follow = (
        is_follow_up(question, previous, _last_assistant_turn(history))
        or bool(offsets and previous and find_dates(previous, today))
        or question_asked is not None
    )
    found, problems = settled_by_tense(question, *scan_dates(question, today), today)
    roles = read_roles(question, found)
    found, roles = corrected_within(question, found, roles)
    # (a part of a month dates an event its clause tells, "RP下个月中旬到期"; one told as a plan, "下个月初
    # 要去办", or of nothing said, is too loose a day to count from)
    loose = [r for r in roles if r.found.loose and r.role in _LOOSE_UNCOUNTED]
    if loose:
        found = [f for f in found if all(f is not r.found for r in loose)]
        roles = [r for r in roles if r not in loose]
    asking = asking_sentences(question)
    before = answered if answered is not None else _last_assistant_turn(history) if follow else ""
    # (a step's date is looked for in the asking sentences and those they point back at, when there is one)
    acted = [r.found.text for r in roles if r.role in ACTION_ROLES]
    referred = with_referred(question) if acted else ""
    reading = Reading(
        question=question,
        lang=detect_language(question),
        today=today,
        previous=thread if follow else None,
        refs=find_article_refs(question, provisions),
        dates=found,
        date_problems=problems,
        previous_dates=find_dates(dated, today) if follow and dated else [],
        roles=roles,
        # "When is the last day?", and "Can I pay on the 25th?": a step the asking sentence dates is
        # measured against its deadline.
        asks_deadline=bool(_DEADLINE_ASK.search(without_temporal_when(asking)))
        or (asks(asking) and any(text in referred for text in acted)),
        asks_working_day=bool(_WORKING_DAY_ASK.search(question)),
        past_tense=told_as_past(question, found),
        replied_to=question_asked,
        # a conversation stays where it is ("my wife works in Macao..." then "and her new employer?")
        previous_place=place_of(previous) if previous and has_domain_words(previous) else None,
        answered_refs=find_article_refs(before, provisions) if before else [],
        answer_before=before,
    )
    if reading.previous_dates and dated:
        reading.previous_roles = read_roles(dated, reading.previous_dates)
        anchor = next((r for r in reading.previous_roles if r.role), reading.previous_roles[0])
        prefer: Prefer = "ahead" if anchor.role == "expiry" else "nearest"
        if anchor.role:
            # "And if it was 10 May?": a new date the words do not place replaces the earlier one;
            # not one told as news beside questions that ask no date ("going tomorrow. What if they
            # refuse?")
            reading.roles = [
                RoledDate(r.found, anchor.role, anchor.roles, None) if r.role is None and not _news(question, r) else r
                for r in reading.roles
            ]
        taken = [(f.start, f.end) for f in reading.dates]
        for offset in offsets:
            if any(offset.start < e and s < offset.end for s, e in taken):
                continue
            derived = derived_date(offset, anchor, today, prefer)
            if derived is not None:
                reading.dates.append(derived.found)
                reading.roles.append(derived)
        reading.dates.sort(key=lambda f: f.start)
        reading.roles.sort(key=lambda r: r.found.start)
    # The day the question is asked, told with no role beside a date that has one ("born on 14 February
    # ... (today's March 2)"), dates the asking, not an event a period counts from. (Alone, "came
    # through immigration today" may be the event.)
    if any(r.role is not None for r in reading.roles):
        reading.roles = [r for r in reading.roles if r.role is not None or r.found.resolve(today) != today]
    m = _STAY_DAYS.search(question) or (_STAY_DAYS.search(previous) if follow and previous else None)
    if m:
        reading.stay_days = int(next(v for v in m.groupdict().values() if v))
    if reading.refs and follow and previous and _OTHER.search(question):
        # "the other Article 33": the document the previous turn did not name.
        before = find_article_refs(previous, provisions)
        named = {r.doc_id for r in before if r.doc_id}
        docs = {p.doc_id for p in provisions for r in reading.refs if p.article == r.article}
        others = sorted(docs - named)
        if len(others) == 1:
            reading.refs = [ArticleRef(r.article, others[0]) for r in reading.refs]
    return reading


# --------------------------------------------------------------------------- rules


# Compounds that contain a shorter keyword without meaning it: 出入境 (exit-entry) is not 入境 (entry).
_ZH_MASK = ZH_MASK


_AMOUNT = re.compile(
    r"(?P<n>\d{1,3}|[一二两三四五六七八九十百]+)\s*-?\s*"
    r"(?P<unit>working[- ]days?|business[- ]days?|days?|months?|hours?|years?|个工作日|工作日|日|天|个月|小时|年)",
    re.I,
)
_UNITS = {"working": "working_days", "business": "working_days", "个工作日": "working_days", "工作日": "working_days",
          "day": "days", "日": "days", "天": "days", "month": "months", "个月": "months", "hour": "hours",
          "小时": "hours", "year": "years", "年": "years"}  # fmt: skip
_SAME = {"entri": "enter"}  # stems that mean the same event ("entered" / "entry")


def _tokens(text: str) -> set[str]:
    return {_SAME.get(t, t) for t in tokenize(_ZH_MASK.sub(" ", text))}


def _plain(text: str) -> str:
    """A rule description without its parenthetical notes ("(new, extension, ...)", "(amount = ...)")."""
    return re.sub(r"[(（][^)）]*[)）]", " ", text)


# What ends a sentence or clause; a dot or comma between digits ("9.28", "1,000") ends none.
_STOP = re.compile(r"(?<!\d)[.,]|[.,](?!\d)|[!?。！？；;，]")


def _sentence_around(text: str, pos: int) -> str:
    """The sentence of ``text`` containing position ``pos``."""
    ends = [m.end() for m in _STOP.finditer(text, 0, pos)]
    start = ends[-1] if ends else 0
    start += len(text[start:pos]) - len(text[start:pos].lstrip())  # the spaces after the stop
    m = _STOP.search(text, pos)
    end = m.start() if m else len(text)
    if ends and _DATED_ONLY.match(text[start:pos]) and text[ends[-1] - 1] in ",，":
        start = ends[-2] if len(ends) > 1 else 0  # "issued me a new passport, dated 9 March": the date of what the clause before tells
    return _ZH_MASK.sub("・", text[start:end])


# A clause's words before its date saying only that the date is written on something.
_DATED_ONLY = re.compile(rf"^\s*(?:{DATING_WORDS})\s*(?:on\s*)?$", re.I)


def amounts_in(text: str) -> set[tuple[int, str]]:
    """Periods the text mentions, as (number, unit): (7, 'working_days'), (15, 'days'); dates left out."""
    for found in find_dates(text):
        text = text.replace(found.text, " ")
    out = set()
    for m in _AMOUNT.finditer(text):
        n = zh_number(m["n"])
        unit = m["unit"].lower()
        key = next((v for k, v in _UNITS.items() if unit.startswith(k)), None)
        if n and key:
            out.add((n, key))
    return out


# --------------------------------------------------------------------------- events and subjects

# What the event happened to, most specific first: a medical report is not the residence
# permit it is for, and a stay permit (停留证件) is not the stay a visa gives (停留期).
_SUBJECTS: dict[str, str] = {
    "health": r"\b(?:health certificate|health check|medical|physical exam\w*|proof of health)\b|体检|健康证明|健康",
    "receipt": r"\b(?:receipt|acknowledge?ment)\b|回执",
    "stay_permit": r"\bstay permit\b|停留证",
    "penalty": r"\b(?:penalty|fine) (?:decision|notice)s?\b|\bpenalty\b|\bfined\b|处罚决定|罚款决定|罚款|罚单",
    "residence": r"\bresidence(?: permits?)?\b|居留(?:许可|证件|证)?",
    "stay": r"\b(?:(?:[A-Z]\d?|work|working|study|student|tourist|business|family|visit) )?(?:stay|visas?)\b|停留|[A-Z]?\d?签证",
    "baby": r"\b(?:baby|newborn|infant|child)\b|婴儿|新生儿|孩子",
    "lodging": r"\b(?:accommodation|domicile|apartment|flat|house|friends?)\b|住宿|住所|住处",
    # (a passport is no permit: a new one issued on a date changes an item registered on the permit)
    "passport": r"\bpassports?\b|护照",
}
def subject_of(text: str) -> str | None:
    """The most specific thing ``text`` names (health certificate, receipt, stay permit, residence, stay, ...)."""
    text = _ZH_MASK.sub("・", text)
    return next((kind for kind, pattern in _SUBJECTS.items() if re.search(pattern, text, re.I)), None)


def subject_phrase(text: str) -> str | None:
    """The words naming the most specific thing ``text`` is about ("residence", "体检")."""
    text = _ZH_MASK.sub("・", text)
    for pattern in _SUBJECTS.values():
        m = re.search(pattern, text, re.I)
        if m:
            return m.group(0)
    return None


def main_subject_only(text: str) -> str:
    """``text`` without the things it names besides its most specific subject
    ("... came with a Z visa; the residence permit is due when?" keeps the residence permit)."""
    masked = _ZH_MASK.sub("・", text)
    kinds = list(_SUBJECTS)
    main = subject_of(text)
    if main is None:
        return text
    for kind in kinds[kinds.index(main) + 1 :]:
        masked = re.sub(_SUBJECTS[kind], " ", masked, flags=re.I)
    return re.sub(r"\s+", " ", masked).strip()


@lru_cache(maxsize=64)
def _action_keywords(keywords: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(k for k in keywords if without_subjects(k).strip(" ・"))


def action_keywords(rule: RuleLike) -> tuple[str, ...]:
    """The rule's keywords that say more than the name of a thing ("renew residence permit",
    "续签"; not "residence permit", "居留证件"): what is asked to be done, or to happen."""
    return _action_keywords(tuple(rule.keywords))


def without_subjects(text: str) -> str:
    """``text`` without the words naming things (residence permit, visa, receipt, ...): what
    it says is done to them ("when must I renew my ...?")."""
    masked = _ZH_MASK.sub("・", text)
    for pattern in _SUBJECTS.values():
        masked = re.sub(pattern, " ", masked, flags=re.I)
    return masked


def main_subject_of_text(text: str) -> str | None:
    """The thing a passage mostly speaks of: the subject it names most often (a more
    specific name hiding the words it contains); None for a tie or none."""
    text = _ZH_MASK.sub("・", text)
    counts: Counter[str] = Counter()
    for kind, pattern in _SUBJECTS.items():
        counts[kind] = len(re.findall(pattern, text, re.I))
        text = re.sub(pattern, " ", text, flags=re.I)
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] == 0 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return ranked[0][0]


def subjects_in(text: str) -> set[str]:
    """Every thing ``text`` names, a more specific name hiding the words it contains
    ("stay permit" is a stay permit, not also a stay)."""
    text = _ZH_MASK.sub("・", text)
    found = set()
    for kind, pattern in _SUBJECTS.items():
        if re.search(pattern, text, re.I):
            found.add(kind)
            text = re.sub(pattern, " ", text, flags=re.I)
    return found


@dataclass(frozen=True)
class RuleChoice:
    """The rule chosen for a question, or an abstention.

    ``rule`` is None when no rule is meant (``candidates`` empty) or when the question
    does not clearly date one rule's event (``abstains``: ``candidates`` are the rules
    to ask about, best first). ``event`` is the question's date the rule counts from.
    """

    rule: RuleLike | None
    score: float = 0.0
    keywords: float = 0.0  # weight of the rule's own keywords found in the question itself
    reason: str = ""
    candidates: tuple[Candidate, ...] = ()
    margin: float = 0.0
    event: RoledDate | None = None
    also: tuple[tuple[RuleLike, RoledDate], ...] = ()  # further rules the question asks, each with its own date
    via: tuple[RuleLike, RoledDate] | None = None  # a rule whose computed date is this rule's event
    each: tuple[RoledDate, ...] = ()  # further dates of this rule's own event, each asked about (a list of people)

    @property
    def abstains(self) -> bool:
        return self.reason not in ("", "no_rule")

    @property
    def best(self) -> RuleLike | None:
        """The chosen rule, or when the choice abstains the likeliest candidate (to tell
        whether the question is about a deadline at all, never to compute one)."""
        return self.rule or (self.candidates[0].rule if self.candidates else None)


@lru_cache(maxsize=256)
def _rule_role(description: str) -> str | None:
    return event_role(description)


def rule_role(rule: RuleLike) -> str | None:
    """What the rule's event is (entry, expiry, filing, issue, ...), read from its description."""
    return _rule_role(str(getattr(rule, "event_en", "")))


@lru_cache(maxsize=256)
def _rule_roles(description: str) -> tuple[str, ...]:
    main = _rule_role(description)
    order = load_role_cues().order
    # A step the user takes ("registered") is compared with the deadline, never counted from,
    # unless it is the event itself (an application filed).
    others = {c.role for c in find_cues(_plain(description))} - {main} - ACTION_ROLES
    return tuple([main] if main else []) + tuple(sorted(others, key=order.index))


def rule_roles(rule: RuleLike) -> tuple[str, ...]:
    """Every role its event's description gives, the main one (``rule_role``) first: "the day
    the penalty decision is received" is a decision's date and a receiving date, and a user may
    date it either way ("the decision of 3 March", "got the decision on 3 March")."""
    return _rule_roles(str(getattr(rule, "event_en", "")))


def dated_roles(reading: Reading) -> list[RoledDate]:
    """The dates the rule may count from: the question's, or for a follow-up that reuses
    the turn it follows, that turn's. A date whose words do not say what it is of is one only
    when the question asks for a date: "my wallet went missing on the train on Monday; how do I
    get new papers?" dates the loss, no rule's event. (A follow-up goes on with the question before
    it: "Nov 3", replying to "which day?", is the date that question asked for.)"""
    roles = reading.roles
    if roles and not reading.follow_up and not asks_for_date(asking_sentences(reading.question)):
        roles = [r for r in roles if r.role is not None]
    elif roles and reading.follow_up:
        roles = [r for r in roles if r.role is not None or not _news(reading.question, r)]
    if roles:
        # a follow-up asking for a date keeps the earlier turn's dates of roles it gives none of ("my
        # permit runs to 30 April" ... "and if I only come back on 3 May, by when must I act?")
        own = {r.role for r in roles}
        keeps = reading.follow_up and reading.asks_deadline
        kept = [r for r in reading.previous_roles if r.role and r.role not in own] if keeps else []
        return list(roles) + kept
    return list(reading.previous_roles) if reading.reuses_previous else []


# A message opening by putting an earlier fact right ("sorry, ...", "actually ...", "不对，...", "搞错了").
_PUTS_RIGHT = re.compile(
    r"\s*(?:(?:oh\s+)?sorry|oops|my (?:bad|mistake)|correction|actually|wait|i mean[t]?|i was wrong|no,|"
    r"不对|不是|抱歉|对不起|更正|搞错了|说错了|写错了|记错了|纠正一下|等一下)",
    re.I,
)
# the words before a date or a visa saying it is not the one ("3 November, not 3 December", "是13号不是3号",
# "a Q2 not a Q1")
_NOT_THIS = re.compile(r"(?:\bnot|\brather than|\binstead of|不是|而非|并非)\s*(?:on\s+)?(?:the\s+|an?\s+)?$", re.I)


def _told_beside_other_asks(question: str, asking: str, said: str) -> bool:
    """Whether ``said`` (a date's words) is told outside ``asking``, the sentences of ``question``
    that ask, and those ask something besides a date."""
    return asking != question and said not in asking \
        and not all(asks_for_date(piece) for piece in _asking_pieces(asking))


def _news(question: str, roled: RoledDate) -> bool:
    """Whether a date of a follow-up is told as news beside its questions, not all of which ask a
    date ("ok, going tomorrow. What if they refuse?"): no event of the earlier turn, no rule's. (A
    date told of another person, "and my wife? she lands on the 3rd", "And his son flies in on
    Monday. Same rule for him?", is theirs.)"""
    asking = asking_sentences(question)
    if not asking.strip() or not _told_beside_other_asks(question, asking, roled.found.text) \
            or asks_of_another_person(asking):
        return False
    sentence = next((s for s in sentences_of(question) if roled.found.text in s), "")
    return not _TOLD_OF_ANOTHER.match(sentence)


# a sentence telling of another person: "And his wife and son fly in on Monday.", "我老婆下周一到。"
_TOLD_OF_ANOTHER = re.compile(
    rf"(?:(?:and|also|plus)\s+)?{_EN_ANOTHER}\b|(?:那|还有|另外)?(?:我|他|她|我们|他们)?的?{_ZH_PERSON}", re.I
)


_STEPS_TAKEN = frozenset({"action", "filing"})  # the user's own steps, done (a plan may be the event: "we land on the 15th")
_END_ROLES = frozenset({"expiry", "visa_validity", "enter_before"})  # a date that ends something


def date_for(rule: RuleLike, roled: Sequence[RoledDate]) -> RoledDate | None:
    """The date whose role is the rule's event (nearest cue first, then any cue), else the
    first date without a role; None when every date is the date of something else. A date
    that is also the user's own step ("went to the bureau on the 26th to get the number
    changed") is taken only when no other date has the event's role: the step is compared
    with the deadline, the event counted from."""
    role, roles = rule_role(rule), rule_roles(rule)
    if role is not None:
        # the day the rule counts from, where the question dates the event two ways (a penalty
        # decision dated 26 February, received on 2 March: Art. 87 counts from receipt)
        counted = getattr(rule, "counts_from", "")
        if counted and (received := [r for r in roled if r.role == counted and set(r.roles) <= {counted}]):
            return received[-1]  # (only received: "dated 26 February" also dates the decision)
        # (a date told first as an event no period starts from, "打算住到10号", a stay wished for, is
        # not the event its other cues may read: the arrival told beside it is another day)
        inert = load_role_cues().inert
        picks = (lambda r: r.role == role, lambda r: r.role in roles, lambda r: role in r.roles and r.role not in inert)
        own_step = role in ACTION_ROLES
        assumed = getattr(rule, "assumed_from", "")
        taken = next((r for r in roled if r.role == assumed), None) if assumed else None
        for dates in ([r for r in roled if own_step or not set(r.roles) & _STEPS_TAKEN], roled):
            for pick in picks:
                found = next((r for r in dates if pick(r)), None)
                if found is not None:
                    # (a step of the user's that only a second reading makes the event comes after a date
                    # of the role the event is taken to fall on: "collected her renewed passport on the
                    # 3rd, took it to the bureau on the 14th")
                    step = not own_step and bool(set(found.roles) & _STEPS_TAKEN)
                    return taken if step and taken is not None else found
        # (no date of the event itself, nor one whose words say nothing, "they move in on Monday": a date of
        # the role the event is taken to fall on, the entry for an arrival at a home)
        if taken is not None and not any(r.role is None for r in roled):
            return taken
    return next((r for r in roled if r.role is None), None)


def _role_fit(rule: RuleLike, roled: Sequence[RoledDate], named: bool = False) -> float:
    """How well the question's dates fit the rule's event: 1 a date of its role, 0.5 a date one of
    whose cues is its role, 0 a date of no role, -1 dates of other events only. ``named``: the
    question names the rule by its words ("register", 派出所), so a date of the role its event is taken
    to fall on (``assumed_from``: an entry, for an arrival at a home) fits too."""
    role, roles = rule_role(rule), rule_roles(rule)
    if counted := getattr(rule, "counts_from", ""):
        roles = (*roles, counted)  # a date it counts from fits it as well as its event's
    if not roled or role is None:
        return 0.0
    if any(r.role in roles for r in roled):
        return 1.0
    if any(role in r.roles for r in roled):
        return 0.5
    if named and (assumed := getattr(rule, "assumed_from", "")) and any(r.role == assumed for r in roled):
        return 1.0  # (the event taken to fall on it: an arrival at a home on the day of entry)
    if any(r.role is None for r in roled):
        return 0.0
    return -1.0


def choose_rule(
    reading: Reading, rules: Sequence[RuleLike], hits: Sequence[Hit], *, any_region: bool = False
) -> RuleChoice:
    """The deadline rule the question is about, an abstention, or None.

    Each rule's evidence is read from the question (:func:`rule_evidence`); the ranked
    matcher of ``deadlines.matching`` weighs it and decides. A question about Macao alone
    gets only Macao rules (``any_region`` lifts that, to tell whether a mainland rule
    would have applied).
    """
    evidence = rule_evidence(reading, rules, hits, any_region=any_region)
    ranking = _asked_of_the_authority(reading, rank_rules(evidence, rules))
    roled = dated_roles(reading)
    days = {r.found.resolve(reading.today) for r in roled}
    decision = decide(ranking, dated=bool(roled), one_day=len(days) == 1 and None not in days)
    top = ranking.top
    if decision.reason == "role" and decision.candidates:
        # No date of the asked rule's event, but another rule computes that event from the
        # dates given (the end of a stay from the entry and the days of stay): chain the two.
        asked = decision.candidates[0]
        via = chain_for(asked.rule, rules, reading, roled)
        if via is not None:
            return _counted_via(asked, via, ranking.margin)
    if top is not None and roled:
        # The question names a rule more than the top one (its keywords), and another rule computes
        # that rule's event from a date of the role its own event has ("entered 5 April, 60 days of
        # stay: by when must we apply to extend?"): the named rule is asked, counted from that date.
        # (A rule a date of the question already dates needs no chain; a date of no role may be
        # anything, the entry and the days of stay are not. The sentence that asks may name it more
        # than the top one, whose words only the story says: "on a Q2 with 90 days of stay; by when
        # must she apply?")
        for c in ranking.candidates[1:]:
            if c.evidence.role_fit > 0 or (c.evidence.keywords <= top.evidence.keywords
                                           and c.evidence.asked_keywords <= top.evidence.asked_keywords):
                continue
            via = chain_for(c.rule, rules, reading, roled)
            if via is not None and not _asks_the_step_before(reading, c, via[0]):
                return _counted_via(c, via, ranking.margin)
    unnamed = _unnamed_subject(reading, rules, evidence, decision, roled)
    if unnamed:
        # "what is this date of?" unless the words say (an entry date, and no rule named: "which deadline?")
        reason = "subject" if decision.rule is not None or not any(r.role for r in roled) else "low_score"
        return RuleChoice(None, unnamed[0].score, unnamed[0].evidence.keywords, reason, unnamed, ranking.margin)
    unplaced = _date_of_no_rules_event(reading, rules, evidence, decision, roled)
    if unplaced:
        return RuleChoice(None, unplaced[0].score, unplaced[0].evidence.keywords, "role", unplaced, ranking.margin)
    if decision.reason == "close" and (own := _each_with_its_own_date(decision.candidates, roled, reading)):
        # Close rules, each dating its own event with a date of its own ("entered on 16 March; the
        # health check is of 9 October"): the question asks them all, so each is computed.
        first, *rest = own
        return RuleChoice(
            first[0].rule, first[0].score, first[0].evidence.keywords, "", decision.candidates, ranking.margin,
            first[1], tuple((c.rule, d) for c, d in rest),
        )  # fmt: skip
    if decision.rule is None:
        return RuleChoice(
            None, top.score if top else 0.0, top.evidence.keywords if top else 0.0, decision.reason,
            decision.candidates, ranking.margin,
        )  # fmt: skip
    chosen = next(c for c in ranking.candidates if c.rule is decision.rule)
    event = date_for(decision.rule, roled)
    if event is not None and (other := _loosely_meant(reading, decision.rule, rules, evidence)
                              or _other_thing_extended(reading, chosen, rules, evidence)):
        # "my visa expires on the 15th", from someone who works here: the visa's stay, or the
        # residence permit people call their visa? The two deadlines differ by weeks. So do
        # "他的证下月到期，要提前多久办延期？": which thing is extended the message does not say.
        return RuleChoice(None, chosen.score, chosen.evidence.keywords, "close", (chosen, other), ranking.margin)
    return RuleChoice(
        decision.rule, chosen.score, chosen.evidence.keywords, "", decision.candidates, ranking.margin,
        event, more_rules(ranking.candidates, decision.rule, event, roled),
        each=each_event_date(reading, decision.rule, event),
    )  # fmt: skip


DECISION = "decision"  # the role of the day an authority decides
_DECISION_PAPER = re.compile(r"书|\s*(?:notice|letter|document|paper)s?\b", re.I)


def _asked_of_the_authority(reading: Reading, ranking: Ranking) -> Ranking:
    """``ranking``, or only its rules computing the day the authority decides, when the sentence that
    asks asks for that day ("by when must they give me a decision?"): a filing day a story of a
    permit's renewal names more often is not asked, nor counted on to."""
    top = ranking.top
    # (a rule counting from a decision, a fine paid after it, is asked of with the decision's words)
    if top is None or rule_role(top.rule) == DECISION:
        return ranking
    asking = _plain(asking_sentences(reading.question))
    # (a decision's paper, "决定书是上周五开的", "the decision notice", is something received, not the day asked)
    if not any(c.role == DECISION and not _DECISION_PAPER.match(asking, c.end) for c in find_cues(asking)):
        return ranking
    theirs = tuple(c for c in ranking.candidates if result_role(c.rule) == DECISION)
    return Ranking(theirs) if theirs else ranking


def _asks_the_step_before(reading: Reading, chosen: Candidate, via: RuleLike) -> bool:
    """Whether the sentence that asks asks for the date ``via`` computes (what its result is the date
    of: "until which day may we file?", a filing), not ``chosen``'s, and names none of ``chosen``'s
    keywords: counting ``chosen`` from it would answer the step after the one asked (the receipt's
    validity after the application, instead of the day to apply)."""
    asked = {cue.role for cue in find_cues(_plain(asking_sentences(reading.question)))}
    return chosen.evidence.asked_keywords == 0 and result_role(via) in asked and result_role(chosen.rule) not in asked


def _loosely_meant(
    reading: Reading, rule: RuleLike, rules: Sequence[RuleLike], evidence: Mapping[str, Evidence]
) -> Candidate | None:
    """The rule the words naming ``rule`` may loosely mean in this conversation (``loosely_also``:
    a worker's "visa" may be the residence permit), when the story tells such a case and nothing
    names ``rule``'s own thing for sure."""
    loose = getattr(rule, "loosely_also", None)
    other = next((r for r in rules if r.id == loose.rule), None) if loose is not None else None
    if other is None or not loose.meant_in(reading.context):
        return None
    return _candidate(other, evidence)


def _candidate(rule: RuleLike, evidence: Mapping[str, Evidence]) -> Candidate:
    """``rule`` as a candidate, with the evidence read for it (none when it was not read): a rule offered
    beside the chosen one whatever its rank. (A candidate is never falsy.)"""
    e = evidence.get(rule.id) or Evidence()
    return Candidate(rule, score(e), e)


def _other_thing_extended(
    reading: Reading, chosen: Candidate, rules: Sequence[RuleLike], evidence: Mapping[str, Evidence]
) -> Candidate | None:
    """When the message extends a thing it does not name ("办延期", "get an extension": a visa's
    stay, Law Art. 29, or a residence permit, Art. 32; ``data/loose_terms.json``) and ``chosen``'s
    rule is one of them, the rule of the other counting from the same kind of day (the expiry);
    None otherwise."""
    articles = {(m.doc_id, m.article) for m in unclear_measure(reading.context) if m.group == DOCUMENT}
    if (chosen.rule.doc_id, chosen.rule.article) not in articles:
        return None
    role = rule_role(chosen.rule)
    other = next((r for r in rules if (r.doc_id, r.article) in articles and r.article != chosen.rule.article
                  and rule_role(r) == role), None)
    return None if other is None else _candidate(other, evidence)


def _counted_via(chosen: Candidate, via: tuple[RuleLike, RoledDate], margin: float) -> RuleChoice:
    """The choice of ``chosen``'s rule, whose event is the date ``via``'s rule computes."""
    return RuleChoice(chosen.rule, chosen.score, chosen.evidence.keywords, "", (chosen,), margin, None, (), via)


def _each_with_its_own_date(
    candidates: Sequence[Candidate], roled: Sequence[RoledDate], reading: Reading | None = None
) -> list[tuple[Candidate, RoledDate]]:
    """The candidates paired with their event's date when each has a date whose role is its own
    event and no two share one, or when the sentence that asks wants each ("when does each end?",
    "分别"); empty otherwise (two rules counting from one date are a real choice)."""
    each = reading is not None and bool(_EACH.search(asking_sentences(reading.question)))
    out: list[tuple[Candidate, RoledDate]] = []
    for c in candidates:
        date = date_for(c.rule, roled)
        if c.evidence.role_fit < 1 or c.score < MIN_SCORE or date is None or date.role not in rule_roles(c.rule):
            return []
        if not each and any(date is d or date.found.text == d.found.text for _, d in out):
            return []
        out.append((c, date))
    return out if len(out) > 1 else []


# The asker wants the answer for each of several things ("each receipt", "both", "分别", "每个人").
_EACH = re.compile(r"\b(?:each|both|respectively|either of)\b|分别|各自|各是|两个都|都是哪天|每(?:一)?(?:个|位|人|名)", re.I)


# China's visa letters as people write them ("an M visa", "M-visa", "Q2签证", "L签", "z签").
_VISA_NAMED = re.compile(
    r"(?<![A-Za-z0-9])([CDFGJKLMQRSXZcdfgjklmqrsxz][12]?)(?:[- ]?visas?\b|字?签证|签(?![名字约收订署]))"
)


# A capital letter alone after the words of holding it, as people write the visa they came on ("arrived
# yesterday on Z,", "came in on an X1 and", "持Z入境", "拿Q1来的"), or of saying it is the one.
_VISA_LETTER_HELD = re.compile(
    r"\b(?:on|with|holding)\s+(?:an?\s+)?([CDFGJKLMQRSXZ][12]?)(?=\s*[,.;:!?，。)]|\s+(?:and|but|so|last|yesterday|today|this|in|on|at|from|to)\b|\s*$)"
    r"|(?:持|拿着?|用)\s*([CDFGJKLMQRSXZ][12]?)\s*(?=入境|来|进|过来|进来)"
    # ... or said to be the one ("签证上印的是Q2", "it was a Q2, not a Q1")
    r"|(?:(?<![不并而])是|写的是|印的是|写着|印着)\s*([CDFGJKLMQRSXZ][12]?)(?![A-Za-z0-9])"
    r"|\b(?:was|is|it's|it’s)\s+(?:an?\s+)?([CDFGJKLMQRSXZ][12]?)(?=\s*[,.;:!?，。)]|\s+(?:not|and|but)\b|\s*$)"
)


def visas_named(text: str) -> set[str]:
    """The letters of China's visas ``text`` names ({"M"}, {"Z", "S1"}), by letter or by what they are
    for ("on a tourist visa": {"L"}), or by the capital alone after the words of holding it ("on Z")."""
    from .scope import visas_by_purpose

    def said(m: re.Match[str]) -> bool:  # not one said not to be it: "印的是Q2不是Q1", "a Q2, not a Q1"
        return not _NOT_THIS.search(text[max(0, m.start() - 12) : m.start()])

    held = {next(g for g in m.groups() if g).upper() for m in _VISA_LETTER_HELD.finditer(text) if said(m)}
    return held | {m.group(1).upper() for m in _VISA_NAMED.finditer(text) if said(m)} | {
        letter for said, letter in visas_by_purpose() if said.search(text)}


def _visas_of(reading: Reading) -> set[str]:
    """The visas the question names; for one of a message's questions naming none, those of the whole
    message (the visa put right, "an S2, not the S1 I said", for "by when must she leave?"); for a
    follow-up naming none, those of the turn it follows."""
    return visas_named(reading.question) or (visas_named(reading.message) if reading.message else set()) or (
        visas_named(reading.previous) if reading.previous else set())


def each_event_date(reading: Reading, rule: RuleLike, event: RoledDate | None) -> tuple[RoledDate, ...]:
    """The question's other dates of ``rule``'s own event, when the sentence that asks wants the
    answer for each ("three engineers entered on …, … and …: what is each one's last day?",
    "到期日如下：…，每个人最晚哪天？"): the rule is counted from every one of them. A date whose
    clause gives it no role belongs to the list when it stands in the event's sentence (a list
    after "expiry dates as follows:"); the same day twice counts once. In the order written,
    without ``event`` itself; empty when the question asks for one date."""
    if not _asks_for_each(reading, event):
        return ()
    role = rule_role(rule)
    sentence = _sentence_span(reading.question, event.found.start)
    kind = getattr(rule, "kind", "")
    seen = {resolve_for(reading, rule, event)}
    out: list[RoledDate] = []
    for r in reading.roles:
        # (or a date told of the same kind of event as the event's, whichever role its own clause gives
        # first: "我的新护照3月3号签发…她的今天才签发", both issues of the passport changing the permit)
        in_list = r.role == role or (role in r.roles and r.role not in ACTION_ROLES) \
            or (r.role is None and sentence[0] <= r.found.start < sentence[1]) \
            or bool((set(r.roles) & set(event.roles)) - set(ACTION_ROLES))
        day = r.found.resolve(reading.today, prefer_for(kind, reading, r.found))
        if r is event or not in_list or day is None or day in seen:
            continue
        seen.add(day)
        out.append(r)
    return tuple(out)


def each_ambiguous_date(reading: Reading, event: RoledDate | None) -> list[FoundDate]:
    """The two readings of every date of the event's sentence that may be read two ways ("9/10":
    10 September or 9 October), when the sentence that asks wants the answer for each date (as in
    ``each_event_date``): each reading is counted, and said to be one."""
    if not _asks_for_each(reading, event):
        return []
    begin, end = _sentence_span(reading.question, event.found.start)
    out = []
    for p in reading.date_problems:
        if p.kind == "ambiguous" and begin <= p.start < end:
            # (day first, then month first; a Chinese text writes the month first: that reading leads)
            readings = p.readings[::-1] if reading.lang == "zh" else p.readings
            out += [FoundDate(p.text, p.start, p.end, d.month, d.day, p.year) for d in readings]
    return out


def _asks_for_each(reading: Reading, event: RoledDate | None) -> bool:
    """Whether the sentence that asks wants the answer for each of several dates, the event being one
    of this question's own (an earlier turn's event has its list in that turn)."""
    return event is not None and any(r is event for r in reading.roles) \
        and bool(_EACH.search(asking_sentences(reading.question)))


_SENTENCE_STOP = re.compile(r"[.!?。！？\n](?=\s|$|[^\d])")


def _sentence_span(text: str, pos: int) -> tuple[int, int]:
    """Where the sentence of ``text`` holding position ``pos`` starts and ends (a comma does not end it)."""
    starts = [m.end() for m in _SENTENCE_STOP.finditer(text, 0, pos)]
    m = _SENTENCE_STOP.search(text, pos)
    return (starts[-1] if starts else 0, m.start() if m else len(text))


_DEADLINE_WORD = re.compile(
    r"\b(?:deadline|latest|last day|by when|by what date|due date|cut-?off)\b|截止|最晚|最迟|最后一天", re.I
)


def _unnamed_subject(
    reading: Reading, rules: Sequence[RuleLike], evidence: Mapping[str, Evidence], decision, roled
) -> tuple[Candidate, ...]:
    """The rules to ask about when a dated question names no thing a rule's event happens to
    (no visa, stay, residence permit, receipt, baby, ...: "某证下月3号到期", "2 May: what's the
    deadline?"): every rule whose event the date may be, when more than one
    is; empty when the question names a thing or its date fits one rule only, or when it points
    at the chosen rule by more than generic words (its period, the words of its action in the
    sentence that asks, or its event's own words next to the date)."""
    # (a passport carries the visas and permits whose dates are asked of: naming it names none of them)
    if not roled or subjects_in(reading.context) - {"passport"}:
        return ()
    # "his permit runs out", 我的证到期: a residence permit's expiry, or a card's (whose renewal and
    # expiry are in the same words); a permit's other events (a change of passport) are the residence permit's
    loose = names_loosely(reading.context) and getattr(decision.rule, "kind", "before_expiry") == "before_expiry"
    permit = bool(_A_PERMIT.search(reading.context))
    if permit and not loose:
        return ()
    if decision.rule is None and not (decision.reason == "no_rule" and _DEADLINE_WORD.search(reading.question)):
        return ()
    if decision.rule is not None:
        e = evidence[decision.rule.id]
        if e.amount_named or (not loose and (e.asked_keywords > 0 or e.event_words >= EVENT_WORDS_CLEAR)):
            return ()  # the question names the rule's period, asks in its words, or tells its event
    region = reading.region
    fitting = [
        Candidate(rule, score(e), e)
        for rule in rules
        if (e := evidence.get(rule.id)) is not None and e.datable and e.role_fit >= 0
        and getattr(rule, "kind", "") in _FILING_KINDS
        and (region is None or getattr(rule, "region", "CN") == region)
    ]
    roled_fit = [c for c in fitting if c.evidence.role_fit > 0]
    if decision.rule is not None and evidence[decision.rule.id].role_fit > 0 and not roled_fit:
        return ()  # the words of a date make it the chosen rule's event ("带走…拘留审查" of 7月8日), no filing rule's
    fitting = sorted(roled_fit or fitting, key=lambda c: -c.score)
    if loose and permit:
        # a permit is no visa: its date is not the end of a visa's stay
        fitting = [c for c in fitting if "stay" not in subjects_in(_plain(str(getattr(c.rule, "event_en", ""))))]
    distinct: list[Candidate] = []
    for c in fitting:
        if not any(same_result(c.rule, o.rule) for o in distinct):
            distinct.append(c)
    # A rule the question named is replaced only by a real choice; a question naming none is
    # asked even about the one rule its date may start.
    # (A thing named loosely may also be a card, which the answer names beside the rules.)
    enough = 2 if decision.rule is not None and not loose else 1
    return tuple(distinct[:MAX_NAMED]) if len(distinct) >= enough else ()


def _date_of_no_rules_event(
    reading: Reading, rules: Sequence[RuleLike], evidence: Mapping[str, Evidence], decision, roled
) -> tuple[Candidate, ...]:
    """A deadline asked with a date whose role is no rule's event ("my visa is valid until
    20 August": the last day to enter, or the end of the stay?) and no rule named: the filing
    rules about the thing the question names, so the answer asks for the date of their event."""
    if decision.reason != "no_rule" or not reading.asks_deadline or not any(r.role for r in roled):
        return ()
    if any(e.role_fit > 0 for e in evidence.values()):
        return ()
    things = subjects_in(reading.question)
    region = reading.region
    about = [
        Candidate(rule, score(e), e)
        for rule in rules
        if (e := evidence.get(rule.id)) is not None and getattr(rule, "kind", "") in _FILING_KINDS
        and subjects_in(_plain(str(getattr(rule, "event_en", "")))) & things
        and (region is None or getattr(rule, "region", "CN") == region)
    ]
    return tuple(sorted(about, key=lambda c: -c.score)[:MAX_NAMED])


ANSWERED_WEIGHT = 2.0  # a rule of an article the answer before cited, in a follow-up naming none
_FILING_KINDS = frozenset({"after_event", "before_expiry"})  # deadlines for a step the user must take
EVENT_WORDS_CLEAR = EVENT_TOLD  # the dated clause shares about two rare words with the rule's event: it tells that event
_A_PERMIT = re.compile(r"\bpermit\b", re.I)  # "my permit": a residence or work permit, not a visa's stay


@lru_cache(maxsize=256)
def _result_role(description: str) -> str | None:
    return event_role(description)


def result_role(rule: RuleLike) -> str | None:
    """What the rule's computed date is the date of, read from its result ("last day of the
    period of stay" -> expiry)."""
    return _result_role(str(getattr(rule, "result_en", "")))


def chain_for(
    rule: RuleLike, rules: Sequence[RuleLike], reading: Reading, roled: Sequence[RoledDate]
) -> tuple[RuleLike, RoledDate] | None:
    """A rule whose computed date is the event ``rule`` counts from (its result has the role
    of ``rule``'s event and names the same thing, and is that day, not an upper bound),
    computable from a date of the question whose role is its own event; None when there
    is none."""
    need = rule_role(rule)
    things = subjects_in(_plain(str(getattr(rule, "event_en", ""))))
    if need is None or not things:
        return None
    region = reading.region
    for other in rules:
        if other is rule or result_role(other) != need:
            continue
        if other.kind == "maximum":
            continue  # the longest a permit may run is not the day it does end
        if getattr(other, "named_only", False) and not keyword_weight(
                other.keywords, reading.question, _tokens(reading.question), together=True):
            continue  # a case the question does not name (a transit's 24 hours) ends no stay of it
        if region and getattr(other, "region", region) != region:
            continue
        if not things & subjects_in(_plain(str(getattr(other, "result_en", "")))):
            continue
        if getattr(other, "amount", None) is None and stay_amount(other, reading) is None:
            continue
        date = date_for(other, roled)
        if date is not None and date.role == rule_role(other):
            return other, date
    return None


def stay_amount(rule: RuleLike, reading: Reading) -> int | None:
    """The period of a rule whose period is the visa's duration of stay (``amount_is_stay``: the
    stay itself, the longest extension of it), as the question gives it ("30 days of stay");
    None for any other rule, or when the question gives none."""
    return reading.stay_days if getattr(rule, "amount_is_stay", False) else None


def counts_from(rule: RuleLike, other: RuleLike, side: str) -> bool:
    """Whether ``rule`` counts from the day ``other`` has on ``side``: its event ("event") or its
    computed date ("result"): the same role (an expiry) of the same thing (a stay)."""
    if side == "event" and getattr(rule, "event_en", None) == getattr(other, "event_en", ""):
        return True  # the same event ("the start of detention for examination")
    role = rule_role(other) if side == "event" else result_role(other)
    things = subjects_in(_plain(str(getattr(other, "event_en" if side == "event" else "result_en", ""))))
    own = subjects_in(_plain(str(getattr(rule, "event_en", ""))))
    return role is not None and role == rule_role(rule) and bool(things & own)


def compared_roles(rule: RuleLike) -> frozenset[str]:
    """The roles of dates to compare with the rule's computed last day, read from its result:
    a step the user takes (apply, register) is compared with the dates the user filed or
    acted on; a decision the authority must make, with the date it decided. A validity or a
    longest period compares nothing."""
    roles = {c.role for c in find_cues(str(getattr(rule, "result_en", "")))}
    if "decision" in roles:
        return frozenset({"decision"})
    return ACTION_ROLES if roles & ACTION_ROLES else frozenset()


def asks_user_action(rule: RuleLike) -> bool:
    """Whether the rule's result is a step the user takes (apply, register), not the
    authority's (decide) or a validity."""
    return compared_roles(rule) == ACTION_ROLES


def more_rules(
    candidates: Sequence[Candidate], chosen: RuleLike, event: RoledDate | None, roled: Sequence[RoledDate]
) -> tuple[tuple[RuleLike, RoledDate], ...]:
    """Other rules one question asks about, each with a date of its own ("I entered on ...
    and the health check was on ...; when must I apply, and until when is it valid?"):
    a rule the asking sentence names, or whose event only it counts from and the date's clause tells
    in its words ("we moved into a rented house on Friday"), with a result of its own, whose event is the
    nearest-cued role of a date no other chosen rule uses. A date the user filed or acted
    on is compared with the chosen rule's deadline, not taken as another rule's event."""
    used = [event] if event is not None else []
    picked: list[tuple[RuleLike, RoledDate]] = []
    compare = asks_user_action(chosen)
    for c in candidates:
        rule = c.rule
        told = c.evidence.role_unique and c.evidence.event_words > 0
        if (c.evidence.asked_keywords <= 0 and not told) or c.evidence.role_fit < 1 or c.score < MIN_SCORE:
            continue
        if same_result(rule, chosen) or any(same_result(rule, r) for r, _ in picked):
            continue
        if any(_excluded(rule, r) for r in (chosen, *(r for r, _ in picked))):
            continue  # a case the chosen rule's rules out (a first entry's residence permit, beside its renewal)
        date = date_for(rule, roled)
        if date is None or date.role not in rule_roles(rule) or any(date is u for u in used):
            continue
        if compare and date.role in ACTION_ROLES:
            continue
        picked.append((rule, date))
        used.append(date)
    return tuple(picked)


def _excluded(rule: RuleLike, other: RuleLike) -> bool:
    """Whether one of two rules names the other among the rules whose case rules it out."""
    return other.id in getattr(rule, "excludes", ()) or rule.id in getattr(other, "excludes", ())


# sentences, and clauses within them (a thousands comma, "RMB 4,000", ends neither)
# (an abbreviation's full stop ends no clause: "social insurance (pension etc.) or not?"; an emoji ends
# one: "permits all sorted ✅ Payroll wants to know …")
_SENTENCE = re.compile(
    rf"(?:[^.!?。！？\n,，;；{EMOJI}]|(?<=\d),(?=\d{{3}}(?!\d))|(?<=\betc)\.|(?<=\bincl)\.|(?<=\bapprox)\.)+"
    rf"[.!?。！？,，;；{EMOJI}\ufe0f]*"
)


def clauses_of(question: str) -> list[str]:
    """The sentences of ``question``, and the clauses within them."""
    return [m.group(0).strip() for m in _SENTENCE.finditer(question) if m.group(0).strip()]


def asking_clauses(question: str) -> str:
    """The clauses of ``question`` that ask (ending with a question mark, or with a word that asks),
    whatever they refer back to; the whole question when none or all do."""
    clauses = clauses_of(question)
    asked = asking_sentences(question)
    told = [] if asked == question else [s for s in _asking_units(question) if s not in asked]
    asking = [c for c in clauses if _clause_asks(c) and (
        not _in_a_telling_sentence(c, asked, told) or _asks_by_its_words(_without_when_of_time(c)))]
    return question if not asking or len(asking) == len(clauses) else " ".join(asking)


def _in_a_telling_sentence(clause: str, asked: str, told: Sequence[str]) -> bool:
    """Whether ``clause`` lies in one of the sentences that tell (``told``), not in those that ask
    (``asked``, :func:`asking_sentences`): "证件上写明了单位和期限，下周开始上班。" tells the story a
    later question asks about."""
    bare = without_asides(clause)
    return bare not in asked and any(bare in s for s in told)


def _without_when_of_time(clause: str) -> str:
    """``clause`` with each "when" opening a clause of time blanked, unless a word before it asks
    ("not sure when she must leave"): in a sentence that tells, "we moved here when my wife got her
    visa" asks nothing."""
    return _WHEN_CLAUSE.sub(lambda m: m.group(0) if m.group("before").lower() in _ASKS_WHEN else m.group("before"), clause)


def _clause_asks(clause: str) -> bool:
    return bool(clause_asks_a_date(clause) or _asks_by_its_words(clause))


def _asks_by_its_words(clause: str) -> bool:
    """A question word, or a verb before its subject: a clause asking so asks in any sentence ("He's
    asking which papers the consulate wants."), where one naming a period asks only in a sentence that
    asks ("证件上写明了单位和期限，下周开始上班。" tells)."""
    return bool(_interrogative(clause) or _INVERTED.match(clause))


# A question asking whether what was just said holds ("Is that true?", "是这样吗？").
ASKS_IF_SO = re.compile(
    r"^\W*(?:(?:and\s+)?(?:is|was|are)\s+(?:that|this|it|he|she|they)\s+(?:really\s+)?(?:true|right|correct|so|the rule|"
    r"the case|how it works)|(?:is\s+that\s+)?really|true)\b|是这样吗|是真的吗|真的吗|对吗|对不对|是不是这样|是不是真的|"
    r"有这回事吗|属实吗|靠谱吗|说得对吗",
    re.I,
)


def asked_with_claims(question: str) -> str:
    """The clauses of ``question`` that ask (:func:`asking_clauses`), each asking whether what was just
    said holds with the clauses before it in its sentence ("听说有30天的缓冲期，可以留下来，是不是真的？"),
    or with the sentence before it when it stands alone ("They say so. Is that true?"): the claim is what
    it asks about."""
    clauses = clauses_of(question)
    asking = [i for i, c in enumerate(clauses) if _clause_asks(c)]
    if not asking or len(asking) == len(clauses):
        return question
    out: list[int] = []
    for i in asking:
        if ASKS_IF_SO.search(clauses[i]) and i > 0:
            # (the sentence it ends, or the sentence just before when it stands alone: "X. Is that true?")
            j = i - 1
            while j > 0 and clauses[j - 1][-1:] in ",，、;；:：":
                j -= 1
            out += range(j, i)
        out.append(i)
    return " ".join(clauses[i] for i in dict.fromkeys(out))


# A clause opening with its verb before its subject asks, wherever its question mark is ("How do
# I apply, can I switch without leaving, and ...?").
_INVERTED = re.compile(
    r"\W*(?:and\s+|or\s+)?(?:(?:can|could|may|might|do|does|did|is|are|was|were|should|shall|will|would|must|has|have)(?:n['’]?t)?|ca(?:n['’]?t)|wo(?:n['’]?t))\s+"
    r"(?:i|we|you|he|she|they|it|my|our|his|her|their|the|this|that|(?-i:[A-Z][a-z]+(?!\w)))\b",  # (or a name: "does Karim apply")
    re.I,
)


# Words that make a clause ask something, wherever its question mark is ("一年至少待多少天，才能…？").
_INTERROGATIVE = re.compile(
    r"多少|几[个天日年月次岁号点]|什么|哪|怎么|怎样|如何|是否|吗|\b(?:how|what|which|when|where|who|whether)\b", re.I
)


# A question word a verb of showing or saying takes is no question of the asker's ("a paper showing how long
# she may stay", "the notice says when it ends").
_EMBEDDED_WH = re.compile(
    r"\b(?:show(?:s|ing|ed|n)?|prov(?:e|es|ing|ed)|stat(?:es|ing|ed)|says|saying|said|record(?:s|ing|ed)?)\s+"
    r"(?:how|what|which|when|where|who|whether)\b"
    # ... nor one a copula takes after what it tells of: "Friday was when we moved in"
    r"|(?<=\w )(?:is|was)\s+(?:when|where)\b(?!\s+(?:is|was|do|does|did|can|must|should)\b)"
    # ... nor a relative "which" after a comma, its verb right after it: "a serviced flat, which is fine"
    r"|(?:(?<=,)|^)\s*which(?=\s+(?:is|was|are|were|has|had|means|meant|makes|made|seems|sounds)\b)(?![^.!;?]*\?)"
    # ... nor a relative "who" after a name or a comma: "Lucas who's fourteen", "my son, who is 12"
    r"|(?:(?-i:\b[A-Z][a-z]+)\s+|(?<=,)\s*)who(?:['’]s|\s+(?:is|was|are|were|has|had)\b)(?![^.!;?]*\?)",
    re.I,
)


# A Chinese question word before 都 or 也 says "any" or "every", and asks nothing: "什么都不懂" (knows
# nothing), "哪儿都没去" (went nowhere), "怎么也找不到" (cannot find it however one looks).
_INDEFINITE_WH = re.compile(r"(?:什么|哪儿|哪里|哪|怎么|谁)(?:都|也)")


def _interrogative(text: str) -> bool:
    """Whether ``text`` has a question word (a number told roughly, 十几个, is none; nor one a verb of
    showing or saying takes, nor one saying "any": 什么都不懂)."""
    plain = _INDEFINITE_WH.sub(" ", _EMBEDDED_WH.sub(" ", without_approximations(text)))
    return bool(_INTERROGATIVE.search(plain))


# A Chinese question in the A-not-A form, with or without its question mark ("会不会罚款").
_A_NOT_A = re.compile(r"([\u4e00-\u9fff])[不没]\1")


def asks(text: str) -> bool:
    """Whether ``text`` asks: a question mark, or words that ask."""
    return text.rstrip().endswith(("?", "？")) or is_interrogative(text)


def has_asking_words(text: str) -> bool:
    """Whether ``text`` asks in its words, not only by its question mark: a word that asks, or an English
    verb before its subject ("Do we owe him ...?"); "心里没底？" asks by its mark alone."""
    return is_interrogative(text) or bool(_INVERTED.match(text))


def is_interrogative(text: str) -> bool:
    """Whether ``text`` holds words that ask ("how", "哪", "吗", "会不会"), question mark or not."""
    return bool(_interrogative(text) or _A_NOT_A.search(text))


def asking_part(question: str) -> str:
    """The clauses of ``question`` that ask (ending with a question mark, or with words asking
    for a date); the whole question when none or all do. An aside in brackets does not ask."""
    sentences = clauses_of(_ASIDE.sub(" ", question))
    asks = [i for i, s in enumerate(sentences) if clause_asks_a_date(s)]
    if not asks or len(asks) == len(sentences):
        return question
    asking: list[str] = []
    for i in asks:
        if len(asks) > 1 and i > 0 and i - 1 not in asks and subject_of(sentences[i]) is None \
                and find_dates(sentences[i - 1]):
            # several questions in one: a clause naming nothing ("…证明是3月1日出具的，届时仍然有效吗？")
            # asks about the thing the dated clause before it names
            asking.append(sentences[i - 1])
        asking.append(sentences[i])
    joined = " ".join(asking)
    if not _THING.search(joined):
        return joined
    # "Until when is it valid?": the clause asks about the thing the story is about, unless its own
    # sentence names a thing the story does not ("a lodger takes the spare flat on Friday, and who does it?").
    whole = [s for s in sentences_of(question) if any(c in s for c in asking)]
    story = " ".join(s for s in sentences_of(question) if s not in whole)
    if subject_of(joined) is None and subjects_in(" ".join(whole)) - subjects_in(story):
        return " ".join(whole)
    return question


def _things_of(rule: RuleLike) -> set[str]:
    """What the rule's event and result happen to (a residence permit, a visa's stay, a receipt)."""
    return subjects_in(_plain(f"{getattr(rule, 'event_en', '')}. {getattr(rule, 'result_en', '')}"))


# The asker asks whether a step they took (or will take) was in time.
_IN_TIME = re.compile(
    r"\b(?:late|in time|on time|overdue|missed|make it)\b|"
    r"超期|晚了|迟了|来得及|来不来得及|逾期了|超时|赶得上|赶上|算晚|过期了吗",
    re.I,
)


# Something the authority gives back or decides, said to come in time: "the passport back in time",
# "拿回护照来得及吗", "能按时出结果吗".
_RETURNED_IN_TIME = re.compile(
    r"\b(?:back|returned|decision|decided|result|approved)\b[^.?!;]{0,30}\b(?:in time|on time)\b|"
    r"(?:拿回|取回|还给|退还|出结果|给结果|批下来|拿到护照)[^，。？！；]{0,10}(?:来得及|来不来得及|赶得上|赶上|按时)",
    re.I,
)


def _timeliness(rule: RuleLike, event: RoledDate | None, roled: Sequence[RoledDate]) -> float:
    """For a question asking whether a step was in time: +1 for a rule whose last day is for the
    user's step, or ends a validity the step needs (a health certificate), when the question dates
    that step apart from the rule's event (entered on ..., applied on ...: was it late?); -1 for a
    rule whose last day is the authority's (a decision is not the asker's lateness); 0 otherwise."""
    if compared_roles(rule) == frozenset({"decision"}) or "decide" in str(getattr(rule, "result_en", "")):
        return -1.0
    acted = any(r.role in ACTION_ROLES and r is not event for r in roled)
    validity = not compared_roles(rule) and getattr(rule, "kind", "") != "maximum"
    step = asks_user_action(rule) or validity
    return 1.0 if step and acted and event is not None and event.role not in ACTION_ROLES else 0.0


def rule_evidence(
    reading: Reading, rules: Sequence[RuleLike], hits: Sequence[Hit], *, any_region: bool = False
) -> dict[str, Evidence]:
    """What the question says for each rule it may be about.

    Keywords found (the previous turn's for a follow-up that reuses it); the words its
    event and result descriptions share with the question (weighted by how rare each is
    among the rules); the question naming its period ("7 working days"); its article
    ranked high by retrieval; the question naming its document; whether a date of the
    question has the role of the rule's event (entry, expiry, filing, ...) and whether
    the clause of that date names what the event happens to (a stay, a residence permit,
    a health certificate). Rules of another region, and rules whose period the question
    does not give though it gives a date, get no evidence.
    """
    kw_tokens = _tokens(reading.question)
    q_tokens = _tokens(reading.question + " " + " ".join(english_terms(reading.question)))
    prev = (reading.previous or "") if reading.reuses_previous else ""
    p_tokens = _tokens(prev) if prev else set()
    described = {rule.id: _tokens(_plain(f"{getattr(rule, 'event_en', '')} {getattr(rule, 'result_en', '')}")) for rule in rules}
    df: Counter[str] = Counter(t for toks in described.values() for t in toks)
    n_rules = max(len(rules), 1)
    # The visa's duration of stay ("停留期是30天") names the stay, not a rule's period of the same length.
    amounts = amounts_in(_STAY_DAYS.sub(" ", reading.question))
    events = {rule.id: _tokens(_plain(f"{getattr(rule, 'event_en', '')} {getattr(rule, 'event_zh', '')}")) for rule in rules}
    ev_df: Counter[str] = Counter(t for toks in events.values() for t in toks)
    roled = dated_roles(reading)
    source = reading.question if reading.roles else prev
    rank_of: dict[tuple[str, int | None], int] = {}
    for h in hits:
        rank_of.setdefault((h.provision.doc_id, h.provision.article), h.rank)
    named_docs = {r.doc_id for r in reading.refs if r.doc_id}
    named_kind = (
        "regulation" if re.search(r"\bregulations?\b|条例|细则", reading.question, re.I) else
        "law" if re.search(r"\blaw\b|出入境管理法|出境入境管理法", reading.question, re.I) else None
    )  # fmt: skip
    region = None if any_region else reading.region
    asking = asking_part(reading.question)
    asking_tokens = _tokens(asking)
    asked_subject = subject_of(asking)
    role_counts = Counter(rule_role(rule) for rule in rules)
    # (in time for what comes back from the authority, "is the passport returned in time?", asks of its
    # decision's day, not whether the asker was late)
    asks_in_time = any(_IN_TIME.search(s) and not _RETURNED_IN_TIME.search(s)
                       for s in sentences_of(asking_sentences(reading.question)))
    # A follow-up that names no rule of its own ("那11月15号呢？") carries the earlier turn's whole.
    # A keyword found only inside a longer one of another rule stands for that one (拘留审查, not 审查).
    shadows = tuple(k for rule in rules for k in rule.keywords if re.search(r"[\u4e00-\u9fff]", k))
    carried = bool(prev) and not any(
        keyword_weight(rule.keywords, reading.question, kw_tokens, shadows=shadows) for rule in rules
    )
    # A reply to "which one do you mean?" chooses among the rules that question named.
    named = {
        rule.id for rule in rules
        if reading.replied_to and any(
            label and label in reading.replied_to for label in (getattr(rule, "label", ""), getattr(rule, "label_zh", ""))
        )
    }  # fmt: skip
    if named and (thing := subject_of(reading.question)):
        # ... and the thing the reply names ("the visa one", "for my residence permit") picks among them.
        about = {rule.id for rule in rules if rule.id in named and thing in _things_of(rule)}
        named = about or named
    # A follow-up is read with its conversation: the rule the answer before computed goes on, and the
    # things the earlier turn is about tell which rule a message naming none of them means ("and the
    # receipt, until when?" after a visa extension: the visa's receipt, not the residence permit's).
    # What the message names itself is weighed above (``subject_fit``); the conversation speaks only for
    # the things a rule's event has beyond those ("and her residence permit?" turns to that thing).
    own_things = subjects_in(reading.question)
    context = (subjects_in(reading.previous or "") - own_things) if reading.follow_up else set()
    out: dict[str, Evidence] = {}
    # (the rules the asking sentence names, but those counting from the visa's stay: "最晚能待到哪天" asks of it)
    asked_by_name = {rule.id for rule in rules if asking != reading.question and _STAY_EVENT not in getattr(rule, "event_zh", "")
                     and keyword_weight(rule.keywords, asking, asking_tokens, shadows=shadows) > 0}
    stay_here = bool(_STAY_DAYS.search(reading.question))  # the visa's stay told by this message itself
    for rule in rules:
        if region and getattr(rule, "region", region) != region:
            continue  # a question about Macao never gets a mainland rule (and the other way round)
        if named and rule.id not in named:
            continue
        if roled and getattr(rule, "amount", 0) is None and not (rule.kind == "stay_period" and reading.stay_days):
            continue  # a date was given, but this rule's period is not known: it cannot be computed
        own = keyword_weight(rule.keywords, reading.question, kw_tokens, shadows=shadows)
        asked = keyword_weight(rule.keywords, asking, asking_tokens, shadows=shadows) if asking != reading.question else own
        # English keywords reached only through the glossary (Chinese question) count half.
        own += 0.5 * (keyword_weight(rule.keywords, reading.question, q_tokens, shadows=shadows) - own)
        before = keyword_weight(rule.keywords, prev, p_tokens, shadows=shadows) if prev else 0.0
        date = date_for(rule, roled) if roled else None
        clause = _sentence_around(source, date.found.start) if date is not None else ""
        told: set[str] = set()
        if clause and source is not reading.question:
            # A follow-up that takes the earlier turn's date for another thing ("and her residence-permit
            # extension, filed the same day?") is about what it names: the earlier clause's thing is
            # replaced by it, the rest of that clause (what happened on the date) still holds.
            told = subjects_in(reading.question) - subjects_in(clause)
            if told:
                for kind in subjects_in(clause) - subjects_in(reading.question):
                    clause = re.sub(_SUBJECTS[kind], " ", _ZH_MASK.sub("・", clause), flags=re.I)
                clause = f"{clause} {asking_sentences(reading.question)}"
        clause_tokens = _tokens(clause) | _tokens(" ".join(english_terms(clause))) if clause else set()
        subject = subject_of(clause) if clause else None
        rule_subjects = subjects_in(_plain(str(getattr(rule, "event_en", ""))))
        result_subjects = subjects_in(_plain(str(getattr(rule, "result_en", ""))))
        subject_fit = 0.0
        if subject and rule_subjects:
            # the clause may name several things ("our daughter was born on ...; we hold residence
            # permits"): it fits when one of them is what the rule's event happens to
            subject_fit = 1.0 if subjects_in(clause) & rule_subjects else -1.0
        if subject_fit < 0 and date is not None and date.role is not None and role_counts[date.role] == 1 \
                and date.role == rule_role(rule):
            subject_fit = 0.0  # a date whose role only this rule's event has (a birth) says what it is of
        if subject_fit <= 0 and date is not None and (letters := getattr(rule, "for_visas", ())) \
                and _visas_of(reading) & set(letters) and not (asked_by_name - {rule.id}):
            # an entry on a visa whose holder then applies for what the rule counts (a Z visa's permit),
            # unless the sentence that asks names another rule (the health certificate's)
            subject_fit = 1.0
        if told and rule_subjects:
            covered = told & (rule_subjects | result_subjects)
            subject_fit = 1.0 if covered == told else 0.0 if covered else -1.0
        if carried:
            own, before = before, 0.0
            if reading.cited_before(rule.doc_id, rule.article):
                # "那我9月28号交的话呢？" after an answer citing the receipt's article: that rule goes on
                own += ANSWERED_WEIGHT
        if getattr(rule, "named_only", False) and not (
            keyword_weight(rule.keywords, reading.question, kw_tokens, shadows=shadows, together=True)
            or (prev and keyword_weight(rule.keywords, prev, p_tokens, shadows=shadows, together=True))
        ):
            continue  # a rule for a case the question does not name, its words together (a port visa)
        if getattr(rule, "asked_only", False) and (asked <= 0 or (roled and _role_fit(rule, roled) < 1)):
            continue  # a rule the sentence that asks does not name, or whose event no date is said to be
        if (excluded := getattr(rule, "not_when", ())) and (
            keyword_weight(excluded, reading.question, kw_tokens) > 0 or (prev and keyword_weight(excluded, prev, p_tokens) > 0)
        ):
            continue  # a case the rule's article does not govern (a renewal, for a first application's rule)
        if (short := getattr(rule, "not_for_visas", ())) and (visas := _visas_of(reading)) and visas <= set(short):
            continue  # only visas whose holders the rule never concerns (an M visa's trade visit, for a residence permit)
        answered = answered_before(rule, reading)
        # (the stay a story tells points at nothing when the sentence that asks names another rule: "停留45天
        # ... 住宿登记哪天截止？" asks the registration's day)
        stay_told = stay_here and stay_amount(rule, reading) is not None and not (asked_by_name - {rule.id})
        out[rule.id] = Evidence(
            keywords=own,
            asked_keywords=asked,
            asked_action=keyword_weight(action_keywords(rule), asking, asking_tokens, shadows=shadows),
            asked_apart=asked if asking != reading.question else 0.0,
            asks_subject=bool(asked_subject and asked_subject in rule_subjects | result_subjects),
            previous_keywords=before,
            described=sum(math.log(n_rules / df[t]) for t in q_tokens & described[rule.id]),
            event_words=sum(math.log(n_rules / ev_df[t]) for t in clause_tokens & events[rule.id]),
            role_fit=_role_fit(rule, roled, named=own > 0),
            subject_fit=subject_fit,
            # (a rule whose period is the visa's duration of stay has it named by the stay this message
            # tells, "停留30天"; an earlier turn's is asked on about already)
            amount_named=(getattr(rule, "amount", None), getattr(rule, "unit", None)) in amounts or stay_told,
            stay_counted=rule.kind == "stay_period" and stay_told,
            retrieval_rank=rank_of.get((rule.doc_id, rule.article)),
            document_named=rule.doc_id in named_docs,
            kind_named=bool(named_kind and named_kind in rule.doc_id),
            # Counting back from a date is right only when it is the end: a date whose words do
            # not say what it is (more often a start) is not taken as an expiry.
            # Nor is a longest period counted on from a date read first as an end ("valid until 31
            # October" is no issue date, and five years after it is no one's answer).
            datable=date is not None and (date.role is not None or rule.kind != "before_expiry")
            and not (rule.kind == "maximum" and date.role in _END_ROLES),
            role_unique=role_counts[rule_role(rule)] == 1,
            timeliness=_timeliness(rule, date, roled) if asks_in_time else 0.0,
            # (a carried follow-up has its article's weight already: only a quoted phrase adds)
            answered=answered if not carried or answered >= 1 else 0.0,
            context_fit=_fit(context, (rule_subjects | result_subjects) - own_things),
        )
    if context and out:
        # The conversation only chooses among the rules the message's own things fit best ("and my
        # colleague's residence-permit renewal?" after a visa extension is about the residence permit).
        best = max(e.subject_fit for e in out.values())
        out = {rid: e if e.subject_fit >= best else dataclasses.replace(e, context_fit=0.0) for rid, e in out.items()}
    for rule in rules:
        target = getattr(rule, "implemented_by", "")
        if rule.id in out and target in out and out[target].named \
                and not (out[rule.id].document_named or out[rule.id].kind_named):
            # The Regulations count the Law's period for the same decision (in working days): their
            # rule answers, unless the question names the Law.
            del out[rule.id]
    if any(e.timeliness > 0 and e.datable for e in out.values()):
        # "Was I late?", with the asker's step dated apart from the event that starts it: the
        # authority's deadlines are no answer, unless the sentence that asks names them.
        out = {rid: e for rid, e in out.items() if e.timeliness >= 0 or e.asked_keywords > 0}
    return out


def _fit(told: set[str], wanted: set[str]) -> float:
    """+1 when ``told`` names one of ``wanted``, -1 when it names things, none of them; 0 when either says nothing."""
    if not told or not wanted:
        return 0.0
    return 1.0 if told & wanted else -1.0


def _flat(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).lower()


def answered_before(rule: RuleLike, reading: Reading) -> float:
    """How surely the answer a follow-up follows computed ``rule``: 1 when it quotes the rule's own
    phrase (English or Chinese, punctuation aside), 0.5 when it cites only the rule's article, 0 otherwise."""
    if not reading.answer_before:
        return 0.0
    said = _flat(reading.answer_before)
    for phrase in (getattr(rule, "phrase", ""), getattr(rule, "phrase_zh", "")):
        if phrase and _flat(phrase) in said:
            return 1.0
    if reading.cited_before(rule.doc_id, rule.article):
        return 0.5
    return 0.0


def prefer_for(kind: str, reading: Reading, found: FoundDate | None) -> Prefer:
    """Which year (or month) a date written without one most likely means, for this kind of rule."""
    k = kind.lower().replace("_", " ")
    if "before" in k or "expiry" in k or k == "lapses":
        # A validity's last day is most often ahead, or lapsed lately; a day of the month alone
        # told in the present ("her permit ends on the 9th", asked on the 4th) is this month's; one told
        # as lapsed ("his permit expired on 30 June", "6月30号已经过期了") is the last one, however long ago
        # ("12月15号就过期了" is about to lapse).
        if found is not None and not found.monthless and _told_as_lapsed(reading, found):
            return "past"
        return "future" if found is not None and found.monthless and not _told_as_past(reading, found) else "ahead"
    return "past" if _told_as_past(reading, found) else "nearest"


_LAPSED = re.compile(r"\b(?:expired|ran out|lapsed|had run out)\b|已经?(?:过期|到期|失效)|(?<![就快要将])(?:过期|到期|失效)了", re.I)


def _told_as_lapsed(reading: Reading, found: FoundDate) -> bool:
    """Whether the clause of ``found`` tells a validity as lapsed, not as lapsing or planned."""
    clause = next((c for c in clauses_of(reading.question) if found.text in c), "")
    return bool(_LAPSED.search(clause)) and not _SUPPOSED.search(clause)


def _told_as_past(reading: Reading, found: FoundDate | None) -> bool:
    """Whether the event of ``found`` is told as past: in its own clause, when the question writes it
    ("the visa was issued last month; she lands on the 9th": the landing is ahead); else as the question tells."""
    if found is None or found.text not in reading.question:
        return reading.past_tense
    return told_as_past(reading.question, [found])


def resolve_for(reading: Reading, rule: RuleLike, roled: RoledDate) -> dt.date | None:
    """The day ``roled`` names, its year (when not written) chosen for the rule's kind."""
    return roled.found.resolve(reading.today, prefer_for(rule.kind, reading, roled.found))


def event_date(reading: Reading, rule: RuleLike | str) -> tuple[RoledDate | None, dt.date | None]:
    """The date the rule counts from, with its role, and the day it is: the question's date whose
    role is the rule's event (or, for a follow-up that asks about the date again, the turn's it
    follows); a bare kind ("before_expiry") takes the first date."""
    roled = dated_roles(reading)
    if isinstance(rule, str):
        kind, pick = rule, (roled[0] if roled else None)
    else:
        kind, pick = rule.kind, date_for(rule, roled)
    if pick is None:
        return None, None
    return pick, pick.found.resolve(reading.today, prefer_for(kind, reading, pick.found))


def month_read_before(reading: Reading, found: FoundDate, day: dt.date) -> dt.date | None:
    """The other reading of a day written without its month ("I can only go on the 12th"), read as
    ``day`` (the nearest such day): that day of the month of the full date written last before it
    ("my permit expires on 15 January … on the 12th" may be 12 January), when that month is another;
    None when there is none."""
    if not found.monthless:
        return None
    before = [f for f in reading.dates if f.end <= found.start and not f.monthless and not f.relative]
    if not before:
        return None
    written = before[-1].resolve(reading.today)
    if written is None or written.month == day.month:
        return None
    return _safe_date(written.year, written.month, found.day)


def planned_day(reading: Reading, roled: RoledDate) -> bool:
    """Whether ``roled`` is a day the user plans to act on: cued as a plan, or told in a sentence
    with the words of a plan ("can I apply on 5 April?", "4月5日再去申请可以吗？": the filing's own cue
    is the nearest, the plan is in its words)."""
    sentence = _sentence_around(reading.question, roled.found.start)
    return roled.planned or bool(load_role_cues().patterns["plan"].search(sentence))


def action_dates(reading: Reading, rule: RuleLike) -> list[tuple[RoledDate, dt.date]]:
    """Dates of the question recording the step the rule's deadline is for (the user filed or
    registered; the authority decided), other than the rule's own event: each is compared
    with the computed deadline."""
    event = date_for(rule, dated_roles(reading))
    wanted = compared_roles(rule)
    out = []
    for r in reading.roles:
        # (a date cued first as something else may be the step too: "回来再去办延期", back on the 10th and
        # filing then)
        role = r.role if r.role in wanted else next((x for x in r.roles if x in wanted), None)
        if r is event or role is None:
            continue
        # a day the user plans to act on is still to come, whatever the story's tense
        day = r.found.resolve(reading.today, "future" if planned_day(reading, r) else "past" if reading.past_tense else "nearest")
        if day is not None:
            out.append((r, day))
    return out
