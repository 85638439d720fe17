"""Ages: the age a message tells of someone ("my dad is 72", "74岁", "a 15-year-old") and the ages
a provision's official text singles out ("已满七十周岁", "未满16周岁").

The law treats the young and the old apart: no detention for examination under 16 or from 70 (Law
Art. 61), applications through others under 16 or from 60 (Regulations Art. 19), a guardian's fine
for a child under 16 (Law Art. 78), an S1 visa for children under 18 (Regulations Art. 6). A message
telling such an age is answered first from the provision stating the rule for it when that comes up
close. Pure: text in, ages out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..parsing import chinese_to_int

# The ages the law singles out are a child's (below these) and an old person's (from these): an adult's
# "年满十六周岁" (carrying a passport, Law Art. 38) applies to nearly everyone and says nothing of them.
CHILD_BELOW = 18
OLD_FROM = 60

_NUMBER = r"(\d{1,3}|[一二三四五六七八九十]{1,3})"
_THRESHOLD = re.compile(rf"(已满|年满|满|未满|不满){_NUMBER}周岁")

_TOLD_EN = [
    r"\b(\d{1,2})[- ]?(?:years?|yrs?)[- ]old\b",
    r"\b(\d{1,2}) ?(?:yo|y/o|y\.o\.)(?![a-z])",
    r"\baged? (\d{1,2})\b",
    r"\((\d{1,2})(?=[,)，])",  # "my dad (74, Canadian)"
    r"\b(?:mum|mom|mother|dad|father|son|daughter|grandma|grandpa|grandmother|grandfather|granny) \(?(\d{1,2})\b(?![ -]?(?:days?|weeks?|months?|years?(?! old)|hours?|%|:|/|\.\d))",
    r"\b(?:is|'s|am|'m|turns|turned|turning) (\d{1,2})\b(?![ -]?(?:days?|weeks?|months?|years?(?! old)|hours?|yuan|rmb|%|th\b|st\b|nd\b|rd\b|:|/|\.\d))",
]
_TOLD_ZH = re.compile(rf"{_NUMBER}\s*(?:周)?岁(?!以[上下])|(?:今年|已经|都)\s*{_NUMBER}\s*了")  # "她今年71了"
_TOLD = re.compile("|".join(_TOLD_EN), re.I)


def ages_told(text: str) -> list[int]:
    """The ages ``text`` tells of people, in order (years)."""
    out = [int(next(g for g in m.groups() if g)) for m in _TOLD.finditer(text)]
    out += [chinese_to_int(next(g for g in m.groups() if g)) for m in _TOLD_ZH.finditer(text)]
    return [n for n in out if 0 < n < 120]


# ... and in the English translations: "under 16 years of age", "attains 60 years of age", "having reached the age of 16"
_BELOW_EN = re.compile(r"\bunder (?:the age of )?(\d{1,2})(?: years of age)?\b", re.I)
_FROM_EN = re.compile(r"\b(?:attains|reached the age of|aged) (\d{1,2})(?: years of age)?\b|\b(\d{1,2}) years of age or (?:above|older|over)\b", re.I)


def age_rules(text: str) -> list[tuple[str, int]]:
    """The ages a text singles out: ("from", 70) for 已满七十周岁, ("below", 16) for 未满十六周岁 or
    "under 16 years of age"."""
    out = []
    for m in _THRESHOLD.finditer(text):
        out.append(("below" if m.group(1) in ("未满", "不满") else "from", chinese_to_int(m.group(2))))
    out += [("below", int(m.group(1))) for m in _BELOW_EN.finditer(text)]
    out += [("from", int(next(g for g in m.groups() if g))) for m in _FROM_EN.finditer(text)]
    return out


def singled_out(ages: Iterable[int], rules: Iterable[tuple[str, int]]) -> bool:
    """Whether one of ``ages`` is of a child or an old person a rule singles out (an age below a
    child's limit, or from an old person's)."""
    rules = list(rules)
    return any(
        (kind == "below" and n <= CHILD_BELOW and age < n) or (kind == "from" and n >= OLD_FROM and age >= n)
        for age in ages for kind, n in rules
    )
