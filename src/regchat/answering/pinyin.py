"""Chinese terms written in pinyin, read as the Chinese they spell.

Foreigners in China often type the Chinese name of a document in pinyin ("my juliuzheng expires",
"gongqian lost", "qiānzhèng"). Such a word is read as the Chinese term it spells, so the lexicon and
the search meet it as they meet the characters. The terms are the corpus's own
(``data/domain_terms.json``) and the lexicon's (``data/glossary.json``); their spellings are made by
``pypinyin`` (no list to keep): the syllables joined, in lower case, with or without tone marks, "ü"
also as "v" or "u", and for terms of three or more syllables also with spaces or hyphens between
them. A spelling of two syllables only joined and only in lower case, so a name ("Qian Zheng") stays
a name; none shorter than six letters, and none that is an English word of the lexicon.
"""

from __future__ import annotations

import re
from functools import lru_cache

MIN_LETTERS = 6  # shorter spellings ("bufa", "yanqi") are too often something else
SPACED_FROM = 3  # syllables from which a spelling may also be written apart ("ju liu zheng")


def spellings(term: str) -> set[str]:
    """The ways users write ``term`` (Chinese) in pinyin, in lower case."""
    from pypinyin import Style, lazy_pinyin

    out: set[str] = set()
    for style in (Style.NORMAL, Style.TONE):
        syllables = [s.lower() for s in lazy_pinyin(term, style=style, v_to_u=style is Style.TONE)]
        if not all(s.isalpha() for s in syllables):
            continue  # a character pypinyin cannot spell
        variants = [syllables]
        if any("v" in s for s in syllables):
            variants.append([s.replace("v", "u") for s in syllables])
        for parts in variants:
            out.add("".join(parts))
            if len(parts) >= SPACED_FROM:
                out.update({" ".join(parts), "-".join(parts)})
    return {s for s in out if len(s.replace(" ", "").replace("-", "")) >= MIN_LETTERS}


@lru_cache(maxsize=1)
def _spelled() -> tuple[re.Pattern[str], dict[str, str]]:
    from ..retrieval import load_glossary
    from .fuzzy import load_terms

    terms = [z for t in load_terms() for z in t["zh"]] + [z for zh, _ in load_glossary().terms for z in zh]
    spelled: dict[str, str] = {}
    for term in sorted(set(terms), key=lambda z: (-len(z), z)):  # the longest term keeps a spelling
        if len(term) < 2:
            continue
        for spelling in spellings(term):
            spelled.setdefault(spelling, term)
    english = {w for _, en in load_glossary().terms for t in en for w in t.lower().split()}
    spelled = {s: t for s, t in spelled.items() if s not in english}
    alternation = "|".join(re.escape(s) for s in sorted(spelled, key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z\u00c0-\u024f])(?:{alternation})(?![A-Za-z\u00c0-\u024f])"), spelled


def read_pinyin(text: str) -> str:
    """``text`` with the corpus's and the lexicon's Chinese terms written in pinyin replaced by the
    terms ("my juliuzheng expires" -> "my 居留证 expires"); a spelling with a capital ("Qianzheng",
    a name) stays."""
    pattern, spelled = _spelled()
    return pattern.sub(lambda m: spelled[m.group(0)], text)
