"""Cases a message asks about that one part of a provision states for them alone (``data/cases.json``).

"我们公司会被罚多少？" after a story of foreigners working without permits asks the employer's fine:
Law Art. 80 states it in its own paragraph (非法聘用外国人的), apart from the worker's and the one
for whoever introduced the work. Read from the sentences that ask, since a story tells every party of a
matter. Pure: text in, the words of the parts stating the cases out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .loose_terms import any_of


@dataclass(frozen=True)
class Case:
    name: str
    provision: str  # "doc#article" whose text states it
    corpus: str  # the words of the part stating it
    said: re.Pattern  # words asking of it
    not_when: re.Pattern | None  # words asking of another party (an agency that placed the worker)


# A sentence of a message, with its end mark.
_SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]*")


@lru_cache(maxsize=1)
def cases() -> tuple[Case, ...]:
    data = json.loads(resources.files("regchat").joinpath("data/cases.json").read_text(encoding="utf-8"))
    return tuple(
        Case(c["name"], c["provision"], c["corpus"], any_of(c["said"]), any_of(c["not_when"]) if c.get("not_when") else None)
        for c in data["cases"]
    )


def cases_asked(question: str) -> tuple[str, ...]:
    """The words of the parts stating the cases a sentence of ``question`` that asks speaks of (the
    employer's fine: 非法聘用外国人的), and of no other party (an agency that placed the worker)."""
    from .questions import asking_clauses, asking_sentences

    # (each sentence on its own: "餐厅会被罚多少？那家中介呢？" asks of the employer, then of the agency; and in
    # it the clauses that ask: "他周末在一家饭馆帮工，他本人罚多少？" asks of the worker, the restaurant only
    # telling where)
    sentences = [m.group(0) for m in _SENTENCE.finditer(asking_sentences(question))]
    return tuple(
        c.corpus for c in cases()
        if any(c.said.search(asking_clauses(s)) and not (c.not_when and c.not_when.search(s)) for s in sentences)
    )

