"""Explicit article references in a question: "Article 33", "Law Art. 30",
"Regulations Article 13", "第32条", "第三十三条", and the terse forms people
type: "art 33", "art.33", "Article33", "§33", "33条" (without 第).

A reference names a document when the question says which one ("Law",
"Regulations", "出入境管理法", "条例") or when only one document has an article
of that number; otherwise ``doc_id`` is ``None`` and the reference is answered
for every document that has such an article. A bare "N条" counts only when
some document has an article N.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..documents import Provision
from ..retrieval import BARE_ARTICLE_REF
from .dates import zh_number

EN_ARTICLE_REF = re.compile(r"\b(?:articles?|arts?\.?)\s*(\d{1,3})\b", re.I)
ZH_ARTICLE_REF = re.compile(r"第\s*([0-9零〇一二两三四五六七八九十百]+)\s*条")

# The words that name a kind of instrument in a question ("法" alone is too common in Chinese, "办法",
# "方法": the law is named by its name).
_KIND_NAMES = {
    "regulation": re.compile(r"\bregulations?\b|条例|细则", re.I),
    "law": re.compile(r"\blaw\b|出入?境(?:入境)?(?:管理)?法", re.I),
}


@dataclass(frozen=True)
class ArticleRef:
    article: int
    doc_id: str | None = None


def _doc_kinds(provisions: Iterable[Provision]) -> dict[str, str]:
    """doc_id -> 'law' | 'regulation' for documents whose title says which."""
    kinds: dict[str, str] = {}
    for p in provisions:
        if p.doc_id in kinds or p.article is None:
            continue
        title = p.doc_title.lower()
        if "regulation" in title:
            kinds[p.doc_id] = "regulation"
        elif "law" in title:
            kinds[p.doc_id] = "law"
    return kinds


# "which law (do they mean)?", "哪部法规": a kind of document asked about, not named.
_WHICH_KIND = re.compile(r"\b(?:which|what|whichever|any)\s+(?:law|regulations?)\b|哪(?:一)?(?:部|个)(?:法|条例)", re.I)


def _named_kind(question: str) -> str | None:
    """The one kind of instrument the question names (None for both or neither)."""
    question = _WHICH_KIND.sub(" ", question)
    named = {kind for kind, words in _KIND_NAMES.items() if words.search(question)}
    return named.pop() if len(named) == 1 else None


def _nearest_kind(text: str) -> str | None:
    """The kind of document named last in ``text`` (the words just before an article's number)."""
    ends = {kind: max((m.end() for m in p.finditer(text)), default=-1) for kind, p in _KIND_NAMES.items()}
    kind, end = max(ends.items(), key=lambda e: e[1])
    return kind if end >= 0 else None


def article_numbers(question: str, existing: set[int] | None = None) -> list[int]:
    """The article numbers a question names, in order of appearance.

    ``existing``: the article numbers some document has; a bare "N条" or "§N"
    counts only when N is one of them (without it, bare forms always count).
    """
    return [n for _, n in _mentions(question, existing)]


def _mentions(question: str, existing: set[int] | None = None) -> list[tuple[int, int]]:
    """(where, number) of each article the question names, in order of appearance."""
    found: list[tuple[int, int]] = [(m.start(), int(m.group(1))) for m in EN_ARTICLE_REF.finditer(question)]
    for m in ZH_ARTICLE_REF.finditer(question):
        n = zh_number(m.group(1))
        if n is not None:
            found.append((m.start(), n))
    for m in BARE_ARTICLE_REF.finditer(question):
        n = int(m.group(1) or m.group(2))
        if existing is None or n in existing:
            found.append((m.start(), n))
    return sorted(found)


# How far before an article's number the name of its document may stand ("Regulations Art 26", "条例第二十六条").
_NAMED_BEFORE = 30


def find_article_refs(question: str, provisions: Iterable[Provision]) -> list[ArticleRef]:
    """The articles the question names, each tied to a document when the question says which
    or when only one document has an article of that number."""
    provisions = list(provisions)
    docs_with: dict[int, set[str]] = {}
    for p in provisions:
        if p.article is not None:
            docs_with.setdefault(p.article, set()).add(p.doc_id)
    mentions = _mentions(question, set(docs_with))
    if not mentions:
        return []
    kinds = _doc_kinds(provisions)

    def document(kind: str | None) -> str | None:
        matching = [d for d, k in kinds.items() if k == kind] if kind else []
        return matching[0] if len(matching) == 1 else None

    named = document(_named_kind(question))
    seen: dict[tuple[int, str | None], ArticleRef] = {}
    for start, n in mentions:
        only = docs_with.get(n, set())
        # (a message naming both documents names each article's by the name just before it:
        # "Regulations Art 26 ...; Exit and Entry Administration Law Art 45")
        before = question[max(0, start - _NAMED_BEFORE) : start].split(";")[-1].split("；")[-1]
        doc_id = named or (next(iter(only)) if len(only) == 1 else None) or document(_nearest_kind(before))
        seen.setdefault((n, doc_id), ArticleRef(n, doc_id))
    # (an article named once with its document and once without is that document's)
    return [r for (n, d), r in seen.items() if d is not None or not any(k == n and e for k, e in seen)]
