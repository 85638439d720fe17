"""Terms a message quotes: the name of a service or a status a user copied from an official page
(a page the asker read mentions a 'Special Authorization to Stay'; 通知上写着“不予签发”).

A term in quotation marks that the texts of one or two provisions use word for word names those
provisions, however many other words of a long story point elsewhere: they are searched first.
A quoted term many provisions use ("within 30 days"), a single word, or one no provision uses
names nothing.

Pure: text in, terms and provision keys out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..documents import Provision

# Double quotes of any script, corner brackets, and single quotes that are not apostrophes.
_QUOTED = re.compile(
    r"[\"“”「『]([^\"“”「」『』\n]{2,80})[\"“”」』]|(?<![\w])['‘]([^'‘’\n]{3,80}?)['’](?![\w])"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
MOST_NAMED = 2  # a term more provisions use than this names none of them


def quoted_terms(text: str) -> list[str]:
    """The terms ``text`` puts in quotation marks that may name a provision: three words or more,
    or four Chinese characters or more, with no figure in them."""
    out = []
    for m in _QUOTED.finditer(text):
        term = re.sub(r"\s+", " ", (m.group(1) or m.group(2) or "")).strip(" .,;:!?。，；：！？")
        if re.search(r"\d|[零一二三四五六七八九十百千]+(?:日|天|年|个月|小时)", term):
            continue  # (a figure quoted is a claim to check, not a name: "within 30 days")
        if len(_CJK.findall(term)) >= 4 or len(re.findall(r"[A-Za-z]+", term)) >= 3:
            out.append(term)
    return list(dict.fromkeys(out))


def named_by_quotes(text: str, provisions: Iterable[Provision]) -> set[str]:
    """The keys of the provisions a term ``text`` quotes names: those (at most ``MOST_NAMED``) whose
    text in any language uses it word for word, case and spacing aside."""
    terms = [_flat(t) for t in quoted_terms(text)]
    if not terms:
        return set()
    flat = {p.key: _flat(p.all_text()) for p in provisions}
    out: set[str] = set()
    for term in terms:
        using = [key for key, body in flat.items() if term in body]
        if 0 < len(using) <= MOST_NAMED:
            out.update(using)
    return out


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).lower()
