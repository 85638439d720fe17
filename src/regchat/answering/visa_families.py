"""Visa letters that stand for two visas (``data/visa_families.json``): Q for Q1 (residence) and
Q2 (a short visit), likewise S and X.

"He came in on a Q visa on 10 February: by when the residence permit?" The deadline is the
residence visa's (Q1), whose holder then applies for a residence permit; a Q2 holder applies
for none. The answer gives the date and a line saying which of the two it is for. Pure: the
message's text in, the family it names without its number out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Family:
    letter: str  # "Q"
    residence: str  # "Q1": issued for residence
    visit: str  # "Q2": issued for a short visit


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads(resources.files("regchat").joinpath("data/visa_families.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def families() -> tuple[Family, ...]:
    return tuple(Family(f["letter"], f["residence"], f["visit"]) for f in _data()["families"])


def _named(letter: str) -> re.Pattern:
    # the letter alone before the word visa: "a Q visa", "Q-visa", "Q字签证", "Q签"; not "Q1", "Q2 visa"
    return re.compile(rf"(?<![A-Za-z0-9]){letter}(?![A-Za-z0-9])[- ]?(?:字)?(?:visas?\b|签证|簽證|签)", re.I)


def unnumbered_family(text: str) -> Family | None:
    """The family a message names by its letter alone ("on a Q visa"), when it names neither of
    its visas by number; None otherwise (or when it names two families)."""
    named = [f for f in families() if _named(f.letter).search(text)]
    if len(named) != 1:
        return None
    family = named[0]
    if re.search(rf"(?<![A-Za-z0-9])(?:{family.residence}|{family.visit})(?![0-9])", text, re.I):
        return None
    return family


def residence_line(family: Family, lang: str) -> str:
    """The line saying a residence permit's deadline is the residence visa's of ``family``."""
    line = _data()["line"]["zh" if lang == "zh" else "en"]
    return line.format(letter=family.letter, residence=family.residence, visit=family.visit)
