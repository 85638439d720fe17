"""Events a message tells that bring a step of their own: a death, a birth in China, a Macao
worker's approved move to a new employer.

"My father passed away at home last night: what do we do about his residence permit?" shares more
words with the provisions on cancelling permits than with the one stating the family's report of
a death (Law Art. 40 para. 2); a Macao card holder whose change of boss got the green light, asking
whether the card is renewed now, more with the card's renewal than with its replacement. A message telling such an event is
answered first from the close provision whose text states its step. The words live in
``data/events.json``.

Pure: the data file is read once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .loose_terms import any_of


@dataclass(frozen=True)
class Event:
    name: str
    told: re.Pattern  # the words a message tells it with
    stated: tuple[str, ...]  # the words of the texts stating the step it brings
    asked: re.Pattern | None = None  # the words asking for that step, when it is brought only to them

    def told_in(self, text: str) -> bool:
        return bool(self.told.search(text)) and (self.asked is None or bool(self.asked.search(text)))


@lru_cache(maxsize=1)
def events() -> tuple[Event, ...]:
    data = json.loads(resources.files("regchat").joinpath("data/events.json").read_text(encoding="utf-8"))
    return tuple(Event(e["name"], any_of(e["told"]), tuple(e["stated"]), any_of(e["asked"]) if e.get("asked") else None)
                 for e in data["events"])


def events_told(text: str) -> tuple[str, ...]:
    """The words of the texts stating the steps the events ``text`` tells bring ("he passed away": 死亡证明)."""
    return tuple(word for e in events() if e.told_in(text) for word in e.stated)
