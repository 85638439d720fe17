"""Who a message names, for keeping one person's dates out of another person's question.

A story about a family or a few colleagues that asks one question about each ("My husband's permit
expires on 20 January. Our daughter graduated last week. 1) When must he renew? 2) Anything to do
about our daughter?") tells dates and events that belong to one of them. :func:`their_own_story`
reads a question naming someone with the story's sentences that name only other people left out, so
the husband's expiry counts no deadline in the daughter's answer, and his work permit finds nothing
for her; :func:`asks_of_someone_else` tells a question about another person of the story from one
going on with the question before it.

The kinds of people live in ``data/persons.json``. Pure: the data file is read once.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Sequence


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads(resources.files("regchat").joinpath("data/persons.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[str, re.Pattern], ...]:
    out = []
    for kind, words in _data()["kinds"].items():
        en = "|".join(words["en"])
        zh = "|".join(words["zh"])
        out.append((kind, re.compile(rf"\b(?:{en})(?:'s|’s)?\b|{zh}", re.I)))
    return tuple(out)


@lru_cache(maxsize=1024)
def persons_named(text: str) -> frozenset[str]:
    """The kinds of people ``text`` names ("spouse", "daughter", "titled:li" for Mr Li), not the asker.
    (Cached: each question of a message reads the same story's sentences.)"""
    found = {kind for kind, pattern in _patterns() if pattern.search(text)}
    titled = _data()["titled"]
    found |= {f"titled:{m.group(1).lower()}" for m in re.finditer(titled["en"], text)}
    found |= {f"titled:{m.group(1)}" for m in re.finditer(titled["zh"], text)}
    return frozenset(found)


def _same_people(one: frozenset[str], other: frozenset[str]) -> bool:
    """Whether two sets of kinds may name the same person: a kind in both, or one a broader word of
    either covers ("child" covers "son")."""
    kinds = _data()["kinds"]
    def wide(found: frozenset[str]) -> set[str]:
        return set(found) | {c for k in found for c in kinds.get(k, {}).get("covers", [])}
    return bool(wide(one) & wide(other))


# Where a clause of a sentence ends: "我们有个法国员工，居留许可1月15日到期，他老婆是S2签证入境的，停留期90天".
_CLAUSE = re.compile(r"(?<=[，,；;])\s*")


def _pieces(sentence: str) -> list[tuple[str, frozenset[str]]]:
    """A sentence's clauses, each with the people it tells of: those it names, or naming none, those
    the clause before it in the sentence names ("他老婆是S2签证入境的，停留期90天": the stay is hers).
    The whole sentence as one piece when it names at most one kind of person."""
    people = persons_named(sentence)
    if len(people) < 2:
        return [(sentence, people)]
    out: list[tuple[str, frozenset[str]]] = []
    for clause in _CLAUSE.split(sentence):
        if clause:
            out.append((clause, persons_named(clause) or (out[-1][1] if out else frozenset())))
    return out


def their_own_story(story: Sequence[str], asked: str) -> dict[int, str] | None:
    """The story's sentences (``story``, by their index) told for a question naming someone (``asked``),
    when the story tells that person's case apart: all but the clauses naming only other people, each
    kept sentence by its index with what is kept of it. None when that leaves out nothing."""
    mine = persons_named(asked)
    if not mine:
        return None
    pieces = [_pieces(s) for s in story]
    if not any(people and _same_people(mine, people) for sentence in pieces for _, people in sentence):
        return None
    kept: dict[int, str] = {}
    for i, sentence in enumerate(pieces):
        own = [clause for clause, people in sentence if not people or _same_people(mine, people)]
        if own:
            kept[i] = story[i] if len(own) == len(sentence) else "".join(own).rstrip("，,；; 。.!?！？") + _end_of(story[i])
    if len(kept) == len(story) and all(kept[i] == story[i] for i in kept):
        return None
    return kept


def _end_of(sentence: str) -> str:
    """The mark ending ``sentence`` ("。", "."), to end what is kept of it."""
    end = sentence.rstrip()[-1:] if sentence.strip() else ""
    return end if end in "。.!?！？" else ""


def asks_of_someone_else(story: Sequence[str], asked: str, before: str) -> bool:
    """Whether a question (``asked``) names someone the story (``story``) tells apart from someone else,
    whom the question before it (``before``) does not name: a question about the mother's formalities
    after one about the husband's renewal asks of her case, and does not go on with his."""
    mine = persons_named(asked)
    named = [people for s in story for _, people in _pieces(s)]
    # (the story tells them apart: a clause of this person's and one of someone else's)
    if not mine or not any(n and _same_people(mine, n) for n in named) \
            or not any(n and not _same_people(mine, n) for n in named):
        return False
    theirs = persons_named(before)
    return not theirs or not _same_people(mine, theirs)
