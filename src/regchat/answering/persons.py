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


def their_own_story(story: Sequence[str], asked: str) -> set[int] | None:
    """The story's sentences (``story``, by their index) told for a question naming someone (``asked``),
    when a sentence of the story names that person (so the story tells their case apart): all but those
    naming only other people. None when that leaves out nothing."""
    mine = persons_named(asked)
    if not mine:
        return None
    named = [persons_named(s) for s in story]
    if not any(n and _same_people(mine, n) for n in named):
        return None
    kept = {i for i, people in enumerate(named) if not people or _same_people(mine, people)}
    return kept if len(kept) < len(story) else None


def asks_of_someone_else(story: Sequence[str], asked: str, before: str) -> bool:
    """Whether a question (``asked``) names someone the story (``story``) tells apart from someone else,
    whom the question before it (``before``) does not name: a question about the mother's formalities
    after one about the husband's renewal asks of her case, and does not go on with his."""
    mine = persons_named(asked)
    named = [persons_named(s) for s in story]
    # (the story tells them apart: a sentence of this person's and one of someone else's)
    if not mine or not any(n and _same_people(mine, n) for n in named) \
            or not any(n and not _same_people(mine, n) for n in named):
        return False
    theirs = persons_named(before)
    return not theirs or not _same_people(mine, theirs)
