"""Reading the corpus's terms through small typos, in English and Chinese.

A question typed in a hurry ("residnce permit", "居流许可", "签症") should be
read as the term it misspells. The terms are the corpus's own
(``data/domain_terms.json``: each English term as the documents write it, with
its Chinese renderings), and the tolerance is small:

* an English word of 5 to 9 letters may be one edit (insertion, deletion,
  substitution or swap of two neighbours) from a term's word, a longer word
  two edits ("residents" is a word of its own, not "residence" misspelled); the first letter must be right (typos rarely hit it, and it keeps
  "hermit" from becoming "permit");
* a Chinese term of three or more characters may have one character wrong;
  a two-character term only a character of the same pinyin (the usual
  input-method slip: 签症 for 签证), since one free character in two would
  match almost anything.

Everything here is a pure function of the text and a :class:`Lexicon`;
``lexicon()`` loads the shipped one once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

_EN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]|[A-Za-z]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
MIN_EN = 5  # shorter English words are left alone: too many real words lie one letter apart


@dataclass(frozen=True)
class Lexicon:
    """The words of the English terms (lower case) and the Chinese terms."""

    en_words: frozenset[str]
    zh_terms: frozenset[str]

    def zh_wildcards(self, n: int) -> dict[tuple[int, str], tuple[str, ...]]:
        """For the terms of ``n`` characters: (position, term without that character) -> terms."""
        return _wildcards(self.zh_terms, n)

    @classmethod
    def from_terms(cls, en_terms: Iterable[str], zh_terms: Iterable[str]) -> Lexicon:
        words = {w.lower() for t in en_terms for w in re.split(r"[\s/]+", t) if w}
        return cls(frozenset(words), frozenset(zh_terms))


@lru_cache(maxsize=64)
def _wildcards(terms: frozenset[str], n: int) -> dict[tuple[int, str], tuple[str, ...]]:
    index: dict[tuple[int, str], tuple[str, ...]] = {}
    for term in terms:
        if len(term) == n:
            for k in range(n):
                key = (k, term[:k] + term[k + 1 :])
                index[key] = (*index.get(key, ()), term)
    return index


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance between ``a`` and ``b`` (a swap of neighbours is one edit).

    Returns ``limit + 1`` as soon as the distance is known to exceed ``limit``.
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1] if prev[-1] <= limit else limit + 1


def allowed_edits(word: str) -> int:
    """How many edits a word of this length may carry: 0 below 5 letters, 1 up to 9, 2 beyond."""
    if len(word) < MIN_EN:
        return 0
    return 1 if len(word) <= 9 else 2


def nearest_en(word: str, lexicon: Lexicon) -> str | None:
    """The lexicon word ``word`` misspells, or ``None`` (also ``None`` for a word spelled right)."""
    w = word.lower()
    limit = allowed_edits(w)
    if not limit or w in lexicon.en_words:
        return None
    best: tuple[int, str] | None = None
    for term in lexicon.en_words:
        if term[0] != w[0] or len(term) < MIN_EN:
            continue
        d = edit_distance(w, term, limit)
        if d <= limit and (best is None or (d, term) < best):
            best = (d, term)
    return best[1] if best else None


@lru_cache(maxsize=4096)
def _pinyin(char: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(char, style=Style.NORMAL)[0]


def same_sound(a: str, b: str) -> bool:
    """Two Chinese characters read alike, tones aside (证/症, 留/流)."""
    return a == b or _pinyin(a) == _pinyin(b)


def zh_near(window: str, term: str, is_word: Callable[[str], bool] = lambda w: False) -> bool:
    """``window`` is ``term`` with one character wrong (for two-character terms: one of the same
    sound), and is not itself a word of the language (拘留 "detention" is no typo of 居留)."""
    if len(window) != len(term) or window == term or not all(_CJK.match(c) for c in window):
        return False
    if is_word(window):
        return False
    diffs = [(k, w, t) for k, (w, t) in enumerate(zip(window, term, strict=True)) if w != t]
    if len(diffs) != 1:
        return False
    k, w, t = diffs[0]
    # At the edge of a three-character window the odd character is more often the next word than a
    # slip ("工作的" / 工作证, "工作满三年" / 工作证): there, as for two characters, only one of the same sound.
    at_edge = k in (0, len(term) - 1)
    return (len(term) >= 4 or (len(term) == 3 and not at_edge)) or same_sound(w, t)


def correct_zh(text: str, lexicon: Lexicon, is_word: Callable[[str], bool] | None = None) -> str:
    """``text`` with each near-miss of a Chinese term replaced by the term (longest terms first).

    ``is_word``: whether a string is a word of the language (default: in jieba's dictionary).
    """
    if not _CJK.search(text):
        return text
    is_word = is_word or chinese_word
    out = text
    for n in sorted({len(t) for t in lexicon.zh_terms if len(t) >= 2}, reverse=True):
        wildcards = lexicon.zh_wildcards(n)
        i = 0
        while i + n <= len(out):
            window = out[i : i + n]
            candidates = (t for k in range(n) for t in wildcards.get((k, window[:k] + window[k + 1 :]), ()))
            term = next((t for t in candidates if zh_near(window, t, is_word)), None)
            if term and not _inside_term(out, i, n, lexicon):
                out = out[:i] + term + out[i + n :]
                i += n
            else:
                i += 1
    return out


def _inside_term(text: str, start: int, n: int, lexicon: Lexicon) -> bool:
    """The window overlaps a term already spelled right (出入境 must not turn into 出出境)."""
    for term in lexicon.zh_terms:
        k = len(term)
        lo = max(0, start - k + 1)
        for j in range(lo, min(start + n, len(text) - k + 1)):
            if text[j : j + k] == term:
                return True
    return False


def correct_en(text: str, lexicon: Lexicon) -> str:
    """``text`` with each English word that misspells a term's word replaced by it."""

    def fix(m: re.Match) -> str:
        found = nearest_en(m.group(0), lexicon)
        return found if found else m.group(0)

    return _EN_WORD.sub(fix, text)


def correct(text: str, lexicon: Lexicon | None = None, is_word: Callable[[str], bool] | None = None) -> str:
    """``text`` read through small typos of the corpus's terms, in both languages."""
    lex = lexicon or default_lexicon()
    return correct_zh(correct_en(text, lex), lex, is_word)


def chinese_word(text: str) -> bool:
    """A word of jieba's dictionary (the segmenter regchat already uses for Chinese)."""
    from ..tokens import _jieba

    return _jieba().dt.FREQ.get(text, 0) > 0


@lru_cache(maxsize=1)
def _abbreviations() -> tuple[re.Pattern, dict[str, dict]]:
    """The shipped terms' abbreviations (RP -> residence permit), as one pattern of whole words, in
    capitals or, as phone messages write them, all in lower case ("rp"; not "Rp", the rupiah). A
    Chinese character beside one does not join it to a word: "RP下月底到期" writes RP alone."""
    spelled = {form: t for t in load_terms() for a in t.get("abbreviations", ()) for form in (a, a.lower())}
    alternation = "|".join(re.escape(a) for a in sorted(spelled, key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z0-9_-])(?:{alternation})(?![A-Za-z0-9_-])" if spelled else r"(?!)"), spelled


@lru_cache(maxsize=1)
def _everyday_senses() -> tuple[tuple[re.Pattern, str, str], ...]:
    senses = domain_terms().get("everyday_senses", {}).get("senses", [])
    return tuple((re.compile(s["said"], re.I), s["word"], s["read"]) for s in senses)


def in_everyday_sense(text: str) -> str:
    """``text`` with the corpus's words users write in an everyday sense read as the plain word
    (``data/domain_terms.json``, 'everyday_senses'): "is she still fine the same way?" asks whether
    all is right, not about a fine."""
    for pattern, word, read in _everyday_senses():
        text = pattern.sub(lambda m: re.sub(rf"\b{re.escape(word)}\b", read, m.group(0), flags=re.I), text)
    return text


def spell_out(text: str) -> str:
    """``text`` with the abbreviations users write for the corpus's terms spelled out, matched as
    whole words in capitals or all in lower case ("my RP expires", "my rp expires" -> "my residence
    permit expires"; "Rp 500" stays); written among Chinese characters, by the term's Chinese
    ("RP下月底到期" -> "居留许可下月底到期")."""
    pattern, spelled = _abbreviations()

    def term(m: re.Match[str]) -> str:
        entry = spelled[m.group(0)]
        beside = text[max(0, m.start() - 2) : m.start()] + text[m.end() : m.end() + 2]
        return entry["zh"][0] if _CJK.search(beside) and entry.get("zh") else entry["en"]

    return pattern.sub(term, text)


@lru_cache(maxsize=1)
def domain_terms() -> dict:
    """``data/domain_terms.json``, read once: the corpus's terms, the visa letters, everyday senses."""
    return json.loads(resources.files("regchat").joinpath("data/domain_terms.json").read_text(encoding="utf-8"))


def load_terms() -> list[dict]:
    return domain_terms()["terms"]


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The shipped lexicon of the corpus's terms (data/domain_terms.json), loaded once."""
    terms = load_terms()
    return Lexicon.from_terms((t["en"] for t in terms), (z for t in terms for z in t["zh"]))
