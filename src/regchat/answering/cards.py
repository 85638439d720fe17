"""Which card a loosely named card is: the mainland's Foreigner's Work Permit card or Macao's
non-resident worker's identification card (``data/cards.json``).

"Our colleague lost his work card; we have staff in Zhuhai and in Macao": the two cards are
issued, renewed and reissued under different rules, so a question that names a card only
loosely, about a place that may be either, is asked back which one it is. Pure: the question's
text in, the cards it may mean out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Card:
    place: str  # "CN" or "MO"
    en: str  # how an answer names it
    zh: str
    doc_id: str  # the document that governs it
    names: re.Pattern  # its own names: a question using one means this card
    about: re.Pattern  # words naming the card or what it permits (a work permit, a non-resident worker)
    undated: dict[str, str]  # by language: what its guide gives for a date asked of it (no deadline)
    # what it permits named as one of the two permissions to work, beside the work-type residence permit:
    # the permission, not the card
    permissions: re.Pattern | None = None

    def without_permissions(self, text: str) -> str:
        return text if self.permissions is None else self.permissions.sub(" ", text)


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads(resources.files("regchat").joinpath("data/cards.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def cards() -> tuple[Card, ...]:
    return tuple(
        Card(c["place"], c["en"], c["zh"], c["reaches"], re.compile("|".join(c["names"]), re.I),
             re.compile("|".join(c["names"] + c["about"]), re.I), c["undated"],
             re.compile("|".join(c["permissions"]), re.I) if c.get("permissions") else None)
        for c in _data()["cards"]
    )


@lru_cache(maxsize=1)
def _loose() -> re.Pattern:
    loose = _data()["loose"]
    return re.compile("|".join(loose["en"] + loose["zh"]), re.I)


# A place word just before a loose name qualifies it: "my Macau work card", "内地…的工作证".
_PLACE_BEFORE = re.compile(r"(?:内地|大陆|澳门|\bmainland\b|\bmaca[ou]\b)[^，,。.;；?？]*$", re.I)


def unclear_card(text: str, both_places: bool) -> tuple[Card, ...]:
    """The cards ``text`` may mean when it names a card only loosely ("my work card", 工作证) and
    speaks of both places (``both_places``: Macao and a mainland place are both named), so neither
    its own name nor the place tells which; empty when it is clear or no card is named. (A loose
    name with no place named is the card of wherever the asker is, most often the mainland: the
    answer gives both places' provisions when both come up, without asking.)"""
    loose = list(_loose().finditer(text))
    if not both_places or not loose:
        return ()
    if names_a_card_by_name(text):
        return ()
    if all(_PLACE_BEFORE.search(text[max(0, m.start() - 12):m.start()]) for m in loose):
        return ()  # "a Macao work card", "内地…的工作证": the place says which
    return cards()


def names_a_card_by_name(text: str) -> bool:
    """Whether ``text`` names one of the cards by its own name ("the worker's ID card", 外雇证): a
    document of the documents, a subject they govern."""
    return any(card.names.search(text) for card in cards())


def names_loosely(text: str) -> bool:
    """Whether ``text`` names a permit or card only loosely ("his permit", "我的证", "my card", or by
    what it permits: "my work permit", which people also say of the work-type residence permit) and
    no card by its own name: it may be a residence permit, or a card."""
    if names_a_card_by_name(text):
        return False
    return bool(_loose().search(text)) or any(card.about.search(text) for card in cards())


def cards_of(region: str | None) -> tuple[Card, ...]:
    """The cards of the place a question is about: Macao's there, the mainland's otherwise (a loose
    name with no place named is most often the mainland's)."""
    return tuple(card for card in cards() if card.place == (region or "CN"))


def cards_not_asked_about(text: str) -> tuple[Card, ...]:
    """The cards ``text`` names in no way: not by their names, not by the words of what they
    permit (a work permit, a non-resident worker), not loosely ("my card", 工作证). A message naming
    a residence permit or a visa and none of these asks about that document, not about the card
    (so the guide to the card is searched after the provisions on what it names). A work permit named
    as one of the two permissions to work ("must we get him a work permit plus a work-type residence
    permit?") names the permission, not the card."""
    if _loose().search(text) or _any_card().search(text):
        return ()
    return tuple(card for card in cards() if not card.about.search(card.without_permissions(text)))


def names_a_card(text: str) -> bool:
    """Whether ``text`` names a card at all ("he lost his card", 那张卡), other than a residence card
    or a bank card: a card's guide speaks of what it names."""
    return bool(_any_card().search(text))


@lru_cache(maxsize=1)
def _any_card() -> re.Pattern:
    return re.compile("|".join(_data()["any_card"]), re.I)


def which_card_line(candidates: tuple[Card, ...], lang: str) -> str:
    """The clarifying question naming the candidate cards."""
    if lang == "zh":
        named = "，还是".join(c.zh for c in candidates)
        return f"请问是哪一张证：{named}？两地的规定不同，下面分别引用。"
    named = ", or ".join(c.en for c in candidates)
    return f"Which card do you mean: {named}? Their rules differ; both are quoted below."
