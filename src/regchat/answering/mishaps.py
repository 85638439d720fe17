"""Mishaps: a document lost, stolen or damaged, as a message tells it ("someone lifted her purse on
the tram, passport inside", 居留证被偷了) and as the provisions state the case (遗失、损毁、被盗抢).

The provisions stating it say what follows: a reissue (Law Art. 35, Regulations Art. 11), the
document declared void (Law Art. 67, Regulations Art. 34), leaving without a valid passport
(Regulations Art. 23), the card guides' reissue. Provisions on the document itself (what a
residence permit application submits, the receipt while the passport is held) share more words
with a long story about it and come up first; a message telling a mishap is answered first from
the close provision stating the case, of the document told where one does (a residence permit's
reissue, not a passport's). The words live in ``data/mishaps.json``.

Pure: text in, verdicts out; the data file is read once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .loose_terms import any_of

_SENTENCE = re.compile(r"(?<=[.!?。！？\n])\s*")
_CLAUSE = re.compile(r"[,，;；:：]")


@dataclass(frozen=True)
class Words:
    """What a message says (``said``) and the words the provisions state it with (``stated``): a
    document a mishap may befall, or what follows it (a reissue, 补发)."""

    said: re.Pattern
    stated: tuple[str, ...]
    fallback: bool = False  # a document named in no other way ("my papers"), read when no other is
    default: bool = False  # what follows a mishap that a message asking none of them wants

    def stated_in(self, text: str) -> bool:
        return any(word in text for word in self.stated)


@dataclass(frozen=True)
class _Data:
    told: re.Pattern
    containers: re.Pattern
    inside: re.Pattern
    documents: tuple[Words, ...]
    follows: tuple[Words, ...]
    stated_zh: re.Pattern
    stated_en: re.Pattern
    stated_words: tuple[str, ...] = ()  # the official texts' words for the case (遗失、损毁、被盗抢)


@lru_cache(maxsize=1)
def _data() -> _Data:
    data = json.loads(resources.files("regchat").joinpath("data/mishaps.json").read_text(encoding="utf-8"))

    def words(entries) -> tuple[Words, ...]:
        return tuple(Words(any_of(e["said"]), tuple(e["stated"]), bool(e.get("fallback")), bool(e.get("default")))
                     for e in entries)

    return _Data(
        any_of(data["told"]["en"] + data["told"]["zh"]),
        any_of(data["containers"]["en"] + data["containers"]["zh"]),
        any_of(data["inside"]["en"] + data["inside"]["zh"]),
        words(data["documents"]),
        words(data["follows"]),
        any_of([re.escape(w) for w in data["stated"]["zh"]]),
        any_of(data["stated"]["en"]),
        tuple(data["stated"]["zh"]),
    )


def documents_befallen(text: str, earlier: str | None = None) -> tuple[Words, ...]:
    """The documents ``text`` tells were lost, stolen or damaged: those named in a clause telling a
    mishap of a document or of what held one ("my passport was stolen") or in a clause of its
    sentence saying what was inside ("my bag was snatched, my passport was in it", 钱包被偷了，居留证
    在里面), else those its sentence names; empty when it tells of none. A document named in no
    other way ("my permit") is the one ``earlier``, the turn a follow-up goes on with, names ("her
    residence permit runs out in May" / "and if the permit got stolen first?")."""
    told = _befallen(text)
    if earlier and told and all(d.fallback for d in told):
        named = tuple(d for d in _data().documents if not d.fallback and d.said.search(earlier))
        return named or told
    return told


def _befallen(text: str) -> tuple[Words, ...]:
    data = _data()

    def befalls(clause: str) -> bool:  # (a machine broken beside a visa applied for befalls no document)
        return bool(data.told.search(clause)) and (
            bool(data.containers.search(clause)) or any(d.said.search(clause) for d in data.documents))

    clauses: list[str] = []  # those telling a mishap, and those saying what was inside
    sentences: list[str] = []
    for sentence in (s for s in _SENTENCE.split(text) if s):
        parts = [(c, befalls(c)) for c in _CLAUSE.split(sentence)]
        if any(told for _, told in parts):
            sentences.append(sentence)
            clauses += [c for c, told in parts if told or data.inside.search(c)]
    # the documents those clauses name ("I have my passport, but the card is lost"; "my passport was
    # stolen, with my permit in it"), else those their sentences name ("the bag they took had my passport")
    named = [d for d in data.documents if any(d.said.search(c) for c in clauses)] \
        or [d for d in data.documents if any(d.said.search(s) for s in sentences)]
    return tuple(d for d in named if not d.fallback) or tuple(named)


def mishap_told(text: str) -> bool:
    """Whether ``text`` tells of a document lost, stolen or damaged."""
    return bool(documents_befallen(text))


def follows_asked(text: str) -> tuple[Words, ...]:
    """What ``text`` asks follows a mishap: a reissue ("where is a replacement issued?", 怎么补), the
    document's voiding ("can someone misuse it?"), leaving without a passport; asking none ("what
    do I do now?"), the one the holder must apply for (the reissue, marked ``default``)."""
    follows = _data().follows
    return tuple(f for f in follows if f.said.search(text)) or tuple(f for f in follows if f.default)


def case_words(document: Words, follows: tuple[Words, ...]) -> str:
    """The case of ``document`` lost, stolen or damaged, and what ``follows`` it, in the official
    texts' own words ("居留证件 遗失 损毁 被盗抢 补发"): a search with them finds the provision stating
    it however a long story words it."""
    return " ".join(dict.fromkeys([*document.stated, *_data().stated_words, *(w for f in follows for w in f.stated)]))


def states_mishap(official: str, english: str = "") -> bool:
    """Whether a provision states the case of a lost, stolen or damaged document: in its official
    Chinese text (遗失、损毁、被盗抢), or in English where a guide has no Chinese text."""
    data = _data()
    return bool(data.stated_zh.search(official)) if official else bool(data.stated_en.search(english))
