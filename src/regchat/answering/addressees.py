"""Provisions addressed to one group of foreigners (Regulations Art. 22: 持学习类居留证件的外国人,
students) and whether a message names that group ("my daughter studies in Xi'an", 留学生).

A provision speaking to students alone shares its words on part-time work with every question about
working a few hours a week; for a spouse on a private-affairs permit or a teacher on a work permit
it is the wrong rule. The groups live in ``data/addressees.json``. Pure: text in, verdicts out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .loose_terms import any_of


@dataclass(frozen=True)
class Group:
    name: str
    opens: tuple[str, ...]  # the words a paragraph addressed to the group opens with
    said: re.Pattern  # the words a message names the group with

    def addressed_by(self, official_text: str) -> bool:
        """Whether a paragraph of ``official_text`` opens by addressing the group."""
        return any(paragraph.strip().startswith(self.opens) for paragraph in official_text.splitlines())


@lru_cache(maxsize=1)
def groups() -> tuple[Group, ...]:
    data = json.loads(resources.files("regchat").joinpath("data/addressees.json").read_text(encoding="utf-8"))
    return tuple(
        Group(g["name"], tuple(g["opens"]), any_of(g["said"]["en"] + g["said"]["zh"])) for g in data["groups"]
    )


def unnamed_addressees(official_text: str, message: str) -> tuple[str, ...]:
    """The groups ``official_text`` is addressed to that ``message`` names none of."""
    return tuple(g.name for g in groups() if g.addressed_by(official_text) and not g.said.search(message))
