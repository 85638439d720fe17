"""Standards the documents set without measuring them.

The Law fines an overstay per day "where the circumstances are serious" (情节严重) but never says
how many days make it serious; the Regulations want an employer to report "promptly" (及时) with no
number of days; visa-free transit runs in "specific areas" for "the prescribed time", neither given.
A question naming such a term and asking its measure in the same sentence ("how many days count
as serious?", 多少岁才算青年？), or anywhere in the message for a term that is the message's topic
wherever it is named (a transit trip: "which cities?"), is answered first that the documents leave it open
(:func:`left_open`), and then with the provisions that use it. The terms live in
``data/open_terms.json``, each with the provisions whose text uses it.

Pure: the data file is read once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable

from .asked import asked
from .loose_terms import any_of
from .questions import asks_for_date, sentences_of

_SEMICOLON = re.compile(r"(?<=[；;])")  # (a semicolon ends a sentence here too: the check stays as strict)


@dataclass(frozen=True)
class OpenTerm:
    """A standard the documents use without measuring it; ``en``/``zh`` name what they leave open."""

    name: str
    en: str
    zh: str
    names: re.Pattern
    measure: re.Pattern
    corpus: tuple[str, ...]
    provisions: tuple[tuple[str, int], ...]

    named_anywhere: bool = False  # the message's topic wherever it is named (a transit trip)
    by_time: bool = False  # a time limit left open: asking by when asks its measure, named or not

    def measure_asked(self, sentence: str, message: str = "") -> bool:
        """Whether ``sentence`` names the term and asks how far it goes; a term that is the topic of
        the message wherever it is named (a transit trip, "which cities?") may be named anywhere in
        ``message``; a time limit left open ("promptly") is asked by any sentence asking by when or
        within how long ("最晚哪天要报告？")."""
        named = self.names.search(sentence) or (self.named_anywhere and self.names.search(message))
        return bool(named and self.measure.search(sentence)) or (self.by_time and asks_for_date(sentence))

    def used_in(self, text: str) -> bool:
        return any(word in text for word in self.corpus)


@lru_cache(maxsize=1)
def open_terms() -> tuple[OpenTerm, ...]:
    data = json.loads(resources.files("regchat").joinpath("data/open_terms.json").read_text(encoding="utf-8"))
    return tuple(
        OpenTerm(
            name=t["name"],
            en=t["en"],
            zh=t["zh"],
            names=any_of(t["names"]["en"] + t["names"]["zh"]),
            measure=any_of(t["measure"]["en"] + t["measure"]["zh"]),
            corpus=tuple(t["corpus"]),
            provisions=tuple((doc, article) for doc, article in t["provisions"]),
            named_anywhere=bool(t.get("named_anywhere")),
            by_time=bool(t.get("by_time")),
        )
        for t in data["terms"]
    )


def left_open(question: str, texts: Iterable[str], message: str = "") -> list[OpenTerm]:
    """The terms whose measure a sentence of ``question`` (the sentences that ask) asks and that one
    of ``texts`` (the quoted provisions) uses: the documents leave their measure open. ``message``:
    the whole message, where a term named anywhere may be named ("A friend says transit is 240 hours
    now. Which cities?")."""
    texts = list(texts)
    sentences = [s for sentence in sentences_of(question) for s in _SEMICOLON.split(sentence) if s.strip()]
    def asks(term: OpenTerm, sentence: str) -> bool:
        # (a sentence asking the measure of a term it names asks no other term's by its time words:
        # "超过多少天就算“情节严重”？" asks of the serious case, not of a report due promptly)
        if term.by_time and not term.names.search(sentence):
            if any(o.names.search(sentence) and o.measure_asked(sentence) for o in open_terms() if o is not term):
                return False
            # (nor does one asking how long the authority takes: "how long does it take?" asks a
            # processing time, which the texts state or not)
            # (nor one asking the penalty of being late: "what is the fine for a late report?")
            if any(k.name in {"processing_time", "penalty"} for k in asked(sentence)):
                return False
        return term.measure_asked(sentence, message or question)

    return [
        term for term in open_terms()
        if any(asks(term, s) for s in sentences) and any(term.used_in(t) for t in texts)
    ]
