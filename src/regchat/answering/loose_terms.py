"""Words users say for several measures of the documents that differ in what follows.

"He was deported" may be the Law's repatriation (遣送出境: no entry for one to five years) or
its expulsion (驱逐出境: ten years); "they won't let him leave" an exit ban (不准出境) or a
restriction of the scope of activities (限制活动范围: sixty days at most). A question saying a
loose word and naming none of the measures is asked which it was (:func:`unclear_measure`),
with each measure's provision quoted meanwhile. The words live in ``data/loose_terms.json``.

Pure: the data file is read once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .fuzzy import correct


@dataclass(frozen=True)
class Measure:
    """One measure a loose word may mean, with the provision that governs it."""

    en: str
    zh: str
    names: re.Pattern
    doc_id: str
    article: int | None  # None for a section of a guide without articles (``section``)
    corpus: tuple[str, ...]
    cases: tuple["Case", ...] = ()
    group: str = "measure"  # what the loose word is a word for: a measure taken, or a document
    section: str | None = None
    # words telling this reading of its own term's loose word, naming no measure ("stopped at the
    # border on his way home": leaving, so an exit ban, not a refusal of entry)
    told: re.Pattern | None = None
    own_names: re.Pattern | None = None  # ``names`` without the cases' words: the measure named as such


@dataclass(frozen=True)
class Case:
    """A case only one measure's provision governs, as users tell it (``said``), and the words of
    the item of the provision that states it (``corpus``): "he owes us three months' wages" is
    Law Art. 28 (3), 拖欠劳动者的劳动报酬."""

    said: re.Pattern
    corpus: str


@dataclass(frozen=True)
class LooseTerm:
    name: str
    loose: re.Pattern
    readings: tuple[Measure, ...]
    group: str = "measure"
    others: re.Pattern | None = None  # words naming something else the loose word may be said of
    acts: re.Pattern | None = None  # what must be said of it for it to be asked about (lost, expiring)
    # the day it was taken dates no period until the measure is known ("handed the decision yesterday:
    # how long to appeal?" depends on which decision)
    undated: bool = False


MEASURE = "measure"
DOCUMENT = "document"  # (the group of words for a thing done to a document none is named of: "办延期")


def any_of(patterns: list[str]) -> re.Pattern:
    """One case-insensitive pattern matching any of ``patterns`` (a term's words, as data lists them)."""
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I)


@lru_cache(maxsize=1)
def loose_terms() -> tuple[LooseTerm, ...]:
    data = json.loads(resources.files("regchat").joinpath("data/loose_terms.json").read_text(encoding="utf-8"))
    return tuple(
        LooseTerm(
            name=t["name"],
            loose=any_of(t["loose"]["en"] + t["loose"]["zh"]),
            readings=tuple(
                Measure(
                    r["en"], r["zh"], any_of(r["names"] + [p for c in r.get("cases", []) for p in c["said"]]),
                    r["doc"], None if r.get("article") is None else int(r["article"]), tuple(r["corpus"]),
                    tuple(Case(any_of(c["said"]), c["corpus"]) for c in r.get("cases", [])),
                    t.get("group", MEASURE), r.get("section"), any_of(r["told"]) if r.get("told") else None,
                    any_of(r["names"]),
                )
                for r in t["readings"]
            ),
            group=t.get("group", MEASURE),
            others=any_of(t["others"]) if t.get("others") else None,
            acts=any_of(t["acts"]) if t.get("acts") else None,
            undated=bool(t.get("undated", False)),
        )
        for t in data["terms"]
    )


_QUOTES = re.compile(r"[“”\"‘’「」『』]")


def unclear_measure(text: str) -> tuple[Measure, ...]:
    """The measures ``text`` may mean when it says a loose word for them and names none of the
    measures (of any loose word: "ordered to leave by a set date; what if he cannot go?" is told
    already) by its own name; empty when it names one, or none is spoken of."""
    term, text = _said_loosely(text)
    if term is None or (term.group == MEASURE and _only_feared(term, text)):
        # (a measure only feared or supposed, "会不会被遣返？", "what if he's kicked out of China?", was
        # not taken: there is no decision to tell which it was)
        return ()
    return term.readings


def _said_loosely(text: str) -> tuple[LooseTerm | None, str]:
    """The term whose loose words ``text`` says when it names none of the readings of its group (the
    measures, or the documents) by their own name, nor another thing the word may be said of (None
    otherwise), and the text as read: words in quotes are still the words ("被公安“限制了”")."""
    text = _QUOTES.sub("", text)
    read = None
    for term in loose_terms():
        if not term.loose.search(text):
            continue
        read = read or correct(text)  # (a name with a small typo is still the name: "居流证延期")
        if any(r.names.search(text) or r.names.search(read)
               for other in loose_terms() if other.group == term.group for r in other.readings):
            continue
        if term.others is not None and term.others.search(text):
            continue
        if any(r.told is not None and r.told.search(text) for r in term.readings):
            continue  # (the message tells which: "stopped at the border when leaving")
        if term.acts is not None and not term.acts.search(text):
            continue  # ("workers without a work card": the card is not what is asked about)
        if term.group != MEASURE and any(
            other.loose.search(text) or any(r.names.search(text) for r in other.readings)
            for other in loose_terms() if other.group == MEASURE
        ):
            continue  # (a measure taken is what the message is about: "repatriated while his extension was pending")
        return term, text
    return None, text


def dated_only_once_named(text: str) -> bool:
    """Whether ``text`` says a loose word for measures whose day dates no period until it is known
    which was taken (a decision handed over, its heading unread): asked which, whatever date it gives."""
    term, _ = _said_loosely(text)
    return term is not None and term.undated


def alternatives_named(text: str, doc_id: str, article: int) -> tuple[Measure, ...]:
    """The measures ``text`` names that a loose word may mean beside the one of ``doc_id`` and
    ``article`` ("repatriated or expelled: which bars longer?" names repatriation beside expulsion)."""
    text = _QUOTES.sub("", text)
    return tuple(
        r for term in loose_terms() if any((m.doc_id, m.article) == (doc_id, article) for m in term.readings)
        for r in term.readings if (r.doc_id, r.article) != (doc_id, article) and r.names.search(text)
    )


def feared_measures(text: str) -> tuple[Measure, ...]:
    """The measures a loose word in ``text`` may mean when the text only fears or supposes one
    ("孩子会不会被遣返？"), naming none: each may follow, so each is what the question is about."""
    term, text = _said_loosely(text)
    return term.readings if term is not None and term.group == MEASURE and _only_feared(term, text) else ()


def _only_feared(term: LooseTerm, text: str) -> bool:
    """Whether every mention of ``term`` is a possibility: feared or supposed in its clause
    ("会不会被遣返"), or said again in the sentence of one that is ("怕他会被遣返：真被遣返的话几年不能来？")."""
    feared_in: set[int] = set()
    for m in term.loose.finditer(text):
        sentence = len(_SENTENCE_END.findall(text[: m.start()]))
        if _FEARED.search(text[: m.start()]):
            feared_in.add(sentence)
        elif sentence not in feared_in:
            return False
    return True


_SENTENCE_END = re.compile(r"[。！？!?\n]|\.(?:\s|$)")


# Words before a loose word in its clause that make the measure a possibility, not a fact.
_FEARED = re.compile(
    r"(?:会不会|不会|会|可能|是否|怕|担心|万一|如果|要是|假如|若)[^，。；？！,.;?!\n]{0,4}$"
    r"|\b(?:will|would|could|might|may|can|gonna|going to|if|risk|afraid|worried)\b(?:\s+[\w']+){0,3}\s+$",
    re.I,
)


def _term_said(text: str, group: str = MEASURE) -> LooseTerm | None:
    """The first term of ``group`` whose loose words ``text`` (its quotes taken off) says."""
    return next((term for term in loose_terms() if term.group == group and term.loose.search(text)), None)


def told_measures(text: str) -> tuple[Measure, ...]:
    """The measures ``text`` tells by a case only they govern when it speaks of them in a loose word
    ("I owe my staff wages; they'll stop me at the border": an exit ban); empty otherwise."""
    text = _QUOTES.sub("", text)
    term = _term_said(text)
    return () if term is None else tuple(
        r for r in term.readings if r.names.search(text) or (r.told is not None and r.told.search(text)))


def cases_of_measures_spoken(text: str) -> tuple[str, ...]:
    """The words of the items stating the cases ``text`` tells of a measure it speaks of, by a loose
    word or the measure's own name ("怀孕五个月，能拘留审查吗": no detention for examination of a
    pregnant woman, Law Art. 61 item (2)); a case told of nothing of the kind ("the
    appeal failed: is a court next?") is none."""
    text = _QUOTES.sub("", text)
    return tuple(
        c.corpus for term in loose_terms() for r in term.readings
        if term.loose.search(text) or (r.own_names is not None and r.own_names.search(text))
        for c in r.cases if c.said.search(text)
    )


def told_cases(text: str) -> tuple[str, ...]:
    """The words of the items stating the cases ``text`` tells ("老板欠了三个月工资": 拖欠劳动者的劳动
    报酬), for quoting the item of the provision that governs the case told."""
    return tuple(c.corpus for term in loose_terms() for r in term.readings for c in r.cases if c.said.search(text))


def says_a_measure(text: str) -> bool:
    """Whether ``text`` speaks of one of the measures in a loose word ("they'll stop me at the
    border", "被遣返"): a measure of the documents, whichever it was."""
    return _term_said(_QUOTES.sub("", text)) is not None


def says_a_document(text: str) -> bool:
    """Whether ``text`` names a document of the documents in a loose word ("my work card", 工作证,
    "an extension"): a subject they govern, whichever document it is."""
    text = _QUOTES.sub("", text)
    return any(term.group != MEASURE and term.loose.search(text) for term in loose_terms())


def which_measure_line(readings: tuple[Measure, ...], lang: str) -> str:
    """The clarifying question naming the measures (or documents); each one's provision follows it."""
    if readings and readings[0].group != MEASURE:
        if lang == "zh":
            return f"请问您指的是哪一种：{'，还是'.join(dict.fromkeys(r.zh for r in readings))}？两者的规定不同，下面分别引用。"
        return f"Which do you mean: {', or '.join(dict.fromkeys(r.en for r in readings))}? Their rules differ; each is quoted below."
    if lang == "zh":
        named = "，还是".join(dict.fromkeys(r.zh for r in readings))
        return f"请问是哪一种措施：{named}？决定书上会写明。不同措施的规定和后果不同，下面分别引用。"
    named = ", or ".join(dict.fromkeys(r.en for r in readings))
    return f"Which measure was it: {named}? The written decision says which. Their rules and consequences differ; each is quoted below."
