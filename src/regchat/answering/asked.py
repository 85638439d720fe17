"""What kind of fact a question asks for, and whether the quoted texts state one.

A question asking for a fee, a processing time or an office's contact details
is only answered by a text that states such a fact: an amount of money, a
period, an address or telephone number. When none of the provisions an answer
quotes states it, the answer says so first ("The documents I hold do not state
the fee."), then gives the nearest provisions and where to ask. The kinds, the
words that ask for them and the patterns that state them are data
(``data/asked.json``).

Everything here is pure.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .language import Lang


@dataclass(frozen=True)
class Kind:
    name: str
    en: str
    zh: str
    asks: tuple[re.Pattern, ...]
    states: tuple[re.Pattern, ...]

    def asked_in(self, question: str) -> bool:
        return any(p.search(question) for p in self.asks)

    def stated_in(self, text: str) -> bool:
        return any(p.search(text) for p in self.states)


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads(resources.files("regchat").joinpath("data/asked.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def kinds() -> tuple[Kind, ...]:
    out = []
    for name, record in _data()["kinds"].items():
        out.append(
            Kind(
                name=name, en=record["en"], zh=record["zh"],
                asks=tuple(re.compile(p, re.I) for p in record["asks"]),
                states=tuple(re.compile(p, re.I) for p in record["states"]),
            )  # fmt: skip
        )
    return tuple(out)


def asked(question: str) -> list[Kind]:
    """The kinds of fact ``question`` asks for (none for most questions)."""
    return [k for k in kinds() if k.asked_in(question)]


def unstated(question: str, texts: Iterable[str]) -> list[Kind]:
    """The kinds of fact asked for that none of ``texts`` states."""
    texts = list(texts)
    return [k for k in asked(question) if not any(k.stated_in(t) for t in texts)]


def not_stated_line(missing: list[Kind], lang: Lang) -> str:
    if lang == "zh":
        return f"所收录的文件没有规定{'、'.join(k.zh for k in missing)}。以下是最相关的条文："
    return f"The documents I hold do not state {' or '.join(k.en for k in missing)}. The nearest provisions:"


def where_to_ask(region: str | None, lang: Lang) -> str:
    places = _data()["where_to_ask"]
    return places.get(region or "CN", places["CN"])[lang]
