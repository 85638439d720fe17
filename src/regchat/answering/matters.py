"""Which place a message naming both Macao and a mainland place is about, by the matters it names.

A Macao cook asks what his son, a pupil at a Zhuhai school, needs for his residence permit
there: the residence permit is the mainland's, so the message is about
the mainland, whoever asks and wherever they work. A message naming a matter of each place, or of
neither ("my card"), stays about both. The matters are data (``data/matters.json``); pure.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources


def _words(terms: list[str]) -> str:
    return "|".join(re.escape(t).replace(r"\ ", r"[\s-]+").replace("'", "['’]?") for t in sorted(terms, key=len, reverse=True))


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    data = json.loads(resources.files("regchat").joinpath("data/matters.json").read_text(encoding="utf-8"))
    documents = data["qualified"]["documents"]
    out = {}
    for place in ("CN", "MO"):
        en = [t for entry in data[place] for t in entry["en"]]
        zh = [t for entry in data[place] for t in entry["zh"]]
        where = data["qualified"][place]
        out[place] = re.compile(
            rf"(?<![\w-])(?:{_words(en)})(?![\w-])|{'|'.join(map(re.escape, zh))}"
            rf"|(?<![\w-])(?:{_words(where['en'])})(?:['’]s)? {documents['en']}"  # "a mainland residence permit"
            rf"|(?:{'|'.join(map(re.escape, where['zh']))})的?{documents['zh']}",  # "内地的居留许可"
            re.I,
        )
    return out


def places_of_matters(text: str) -> set[str]:
    """The places ("CN", "MO") whose documents govern a matter ``text`` names."""
    return {place for place, pattern in _patterns().items() if pattern.search(text)}


def place_of_matters(text: str) -> str | None:
    """The one place whose matters ``text`` names, or None when it names both places' or neither's."""
    places = places_of_matters(text)
    return next(iter(places)) if len(places) == 1 else None
