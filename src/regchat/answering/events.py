"""Events a message tells that bring a step of their own: a death, a birth in China, a Macao
worker's approved move to a new employer, a foreign employee's leaving the job, a student's leaving
the school, a move into a home that is no hotel; and a breach, work done on a visitor's visa.

"My father passed away at home last night: what do we do about his residence permit?" shares more
words with the provisions on cancelling permits than with the one stating the family's report of
a death (Law Art. 40 para. 2); a Macao card holder whose change of boss got the green light, asking
whether the card is renewed now, more with the card's renewal than with its replacement. A message
telling such an event is answered first from the close provision whose text states its step; a step
no rule counts (a report due promptly) is what a question asking of it gets, not the deadline of a
permit the story names. The words live in ``data/events.json``.

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
    penalty: bool = False  # a breach: a question asking its penalty asks of it
    counted: bool = False  # its step has a period of its own (a rule counts it)
    from_story: re.Pattern | None = None  # the words asking for its step when the story alone tells it

    @property
    def asked_of_story(self) -> re.Pattern | None:
        return self.asked or self.from_story

    def told_in(self, text: str) -> bool:
        return bool(self.told.search(text)) and (self.asked is None or bool(self.asked.search(text)))


@lru_cache(maxsize=1)
def events() -> tuple[Event, ...]:
    data = json.loads(resources.files("regchat").joinpath("data/events.json").read_text(encoding="utf-8"))
    def pattern(e: dict, key: str) -> re.Pattern | None:
        return any_of(e[key]) if e.get(key) else None

    return tuple(Event(e["name"], any_of(e["told"]), tuple(e["stated"]), pattern(e, "asked"), bool(e.get("penalty")),
                       bool(e.get("counted")), pattern(e, "asked_from_story")) for e in data["events"])


def events_told(
    text: str, asking: str | None = None, *, steps_only: bool = False, uncounted: bool = False
) -> tuple[str, ...]:
    """The words of the texts stating the steps the events ``text`` tells bring ("he passed away": 死亡证明).
    With ``asking``, the sentences of ``text`` that ask: an event is told in them, or, for one brought only
    to the words asking for its step, anywhere in ``text`` with those words in them ("He moves into a
    friend's flat on the 16th. Anything to do for that?"). With ``steps_only``, no breach (work on a
    visitor's visa brings a penalty, no step to take); with ``uncounted``, only steps no rule counts
    (a report due promptly, not a registration within 24 hours)."""
    kinds = [e for e in events() if not (steps_only and e.penalty) and not (uncounted and e.counted)]
    if asking is None:
        return tuple(word for e in kinds if e.told_in(text) for word in e.stated)
    # (an event the asking sentences tell is what they ask of, before any the story tells: "the baby's
    # birth: by when do we register it?" asks the birth's, whoever the story has moving in)
    own = tuple(word for e in kinds if e.told_in(asking) for word in e.stated)
    if own:
        return own
    # ("what is the fine for a late report?" asks the penalty, not the report the story's event brings;
    # "what fine do we face?" after teachers paid on tourist visas asks the breach's)
    penalty = _asks_a_penalty(asking)
    return tuple(word for e in kinds if (words := e.asked_of_story) is not None and e.told_in(text)
                 and bool(words.search(asking)) and (e.penalty or not penalty) for word in e.stated)


def _asks_a_penalty(asking: str) -> bool:
    from .asked import asked

    return any(k.name == "penalty" for k in asked(asking))
