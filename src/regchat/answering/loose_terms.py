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


@dataclass(frozen=True)
class Measure:
    """One measure a loose word may mean, with the provision that governs it."""

    en: str
    zh: str
    names: re.Pattern
    doc_id: str
    article: int
    corpus: tuple[str, ...]


@dataclass(frozen=True)
class LooseTerm:
    name: str
    loose: re.Pattern
    readings: tuple[Measure, ...]


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
                Measure(r["en"], r["zh"], any_of(r["names"]), r["doc"], int(r["article"]), tuple(r["corpus"]))
                for r in t["readings"]
            ),
        )
        for t in data["terms"]
    )


_QUOTES = re.compile(r"[“”\"‘’「」『』]")


def unclear_measure(text: str) -> tuple[Measure, ...]:
    """The measures ``text`` may mean when it says a loose word for them and names none of the
    measures (of any loose word: "ordered to leave by a set date; what if he cannot go?" is told
    already) by its own name; empty when it names one, or none is spoken of."""
    text = _QUOTES.sub("", text)  # words in quotes are still the words ("被公安“限制了”")
    if any(r.names.search(text) for term in loose_terms() for r in term.readings):
        return ()
    term = _term_said(text)
    return () if term is None else term.readings


def _term_said(text: str) -> LooseTerm | None:
    """The first term whose loose words ``text`` (its quotes taken off) says."""
    return next((term for term in loose_terms() if term.loose.search(text)), None)


def told_measures(text: str) -> tuple[Measure, ...]:
    """The measures ``text`` tells by a case only they govern when it speaks of them in a loose word
    ("I owe my staff wages; they'll stop me at the border": an exit ban); empty otherwise."""
    text = _QUOTES.sub("", text)
    term = _term_said(text)
    return () if term is None else tuple(r for r in term.readings if r.names.search(text))


def says_a_measure(text: str) -> bool:
    """Whether ``text`` speaks of one of the measures in a loose word ("they'll stop me at the
    border", "被遣返"): a measure of the documents, whichever it was."""
    return _term_said(_QUOTES.sub("", text)) is not None


def which_measure_line(readings: tuple[Measure, ...], lang: str) -> str:
    """The clarifying question naming the measures; each one's provision follows it."""
    if lang == "zh":
        named = "，还是".join(dict.fromkeys(r.zh for r in readings))
        return f"请问是哪一种措施：{named}？决定书上会写明。不同措施的规定和后果不同，下面分别引用。"
    named = ", or ".join(dict.fromkeys(r.en for r in readings))
    return f"Which measure was it: {named}? The written decision says which. Their rules and consequences differ; each is quoted below."
