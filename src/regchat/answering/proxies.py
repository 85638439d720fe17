"""Who may apply for someone else: whether the case a message tells is one of those in which
Regulations Art. 19 lets another person (the inviting organisation or person, a relative, a
specialised service agency) apply on the applicant's behalf.

"Can I take my mother's passport and apply for her? She is 72." is answered by the article's list
of cases: an age it singles out, read from the item's own words (ages.py), an illness keeping the
applicant from getting about, a good record after earlier stays, expenses guaranteed, talent the
State needs. The paragraph quoted decides which list holds: the first for extensions, renewals,
reissues and stay permits, the second, shorter one for a residence permit itself. The cases, their
words and the lines are data (``data/proxies.json``). Pure: text in, a line out.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

from .ages import age_rules, ages_told, singled_out
from .language import Lang


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads(resources.files("regchat").joinpath("data/proxies.json").read_text(encoding="utf-8"))


def _paragraph(quoted: str, message: str) -> dict | None:
    """The paragraph of the article the quoted text gives; when it gives both, the first whose matter
    ``message`` names (an extension before a residence permit), else the first."""
    given = [p for p in _data()["paragraphs"] if any(f in quoted for f in p["finds"])]
    named = (p for p in given if any(re.search(a, message, re.I) for a in p.get("asked", ())))
    return next(named, given[0] if given else None)


def _told(case: dict, message: str, lang: Lang) -> str | None:
    """The words of ``message`` telling ``case`` (one of each of its pattern groups), or None."""
    found = []
    for group in case.get("told", ()):
        match = next((m for p in group if (m := re.search(p, message, re.I))), None)
        if match is None:
            return None
        found.append(match.group(0))
    return ("、" if lang == "zh" else ", ").join(found) if found else None


def _limits(case: dict) -> dict[str, int]:
    """The ages the case's own text singles out: {"below": 16, "from": 60}."""
    return {kind: n for kind, n in age_rules(case["text"])}


def cases_told(message: str, quoted: str, lang: Lang) -> tuple[list[str], list[int], dict] | None:
    """(each case of the quoted paragraph ``message`` tells, in words for the reader; the ages it
    tells that no case singles out; the paragraph), or None when ``quoted`` gives no paragraph of
    the article."""
    paragraph = _paragraph(quoted, message)
    if paragraph is None:
        return None
    lines = _data()["lines"]
    found: list[str] = []
    ages = ages_told(message)
    others: list[int] = []
    for name in paragraph["cases"]:
        case = _data()["cases"][name]
        item = case[f"item_{lang}"]
        if case.get("ages"):
            limits = _limits(case)
            for age in ages:
                kind = next((k for k, n in limits.items() if singled_out([age], [(k, n)])), None)
                if kind is None:
                    if age >= 18 and age not in others:
                        others.append(age)
                    continue
                said = lines[f"age_{kind}"][lang].format(age=age, limit=limits[kind])
                found.append(f"{said}（{item}）" if lang == "zh" else f"{said} ({item})")
            words = _told(case, message, lang)
            if words:
                found.append(lines["case"][lang].format(told=words, what=lines["illness"][lang], item=item))
            continue
        words = _told(case, message, lang)
        if words:
            what = lines["list"][name][lang]
            found.append(lines["case"][lang].format(told=words, what=what, item=item))
    return found, others, paragraph


def who_may_apply(message: str, quoted: str, lang: Lang) -> str | None:
    """The line saying whether someone else may apply for the applicant in the case ``message``
    tells, when ``quoted`` gives Art. 19; None otherwise."""
    read = cases_told(message, quoted, lang)
    if read is None:
        return None
    found, others, paragraph = read
    found = list(dict.fromkeys(found))  # (an age told twice is one case)
    lines = _data()["lines"]
    sep = "；" if lang == "zh" else "; "
    if found:
        line = lines["yes"][lang].format(cases=sep.join(found))
        if others:
            line += " " + lines["others"][lang].format(ages=("、" if lang == "zh" else ", ").join(map(str, others)))
        return line
    renewal_of = _data()["cases"]["item2"].get("renewal_of", ())
    if "item2" in paragraph["cases"] and renewal_of and all(re.search(p, message, re.I) for p in renewal_of):
        # a resident's renewal is no first entry: item (2) holds if the record is good, which is not told
        return lines["if_record"][lang]
    listed = []
    for name in paragraph["cases"]:
        entry = lines["list"][name][lang]
        if name == "item1":
            limits = _limits(_data()["cases"][name])
            entry = entry.format(below=limits.get("below", ""), **{"from": limits.get("from", "")})
        listed.append(entry)
    return lines["none"][lang].format(matter=paragraph[lang], list=sep.join(listed))
