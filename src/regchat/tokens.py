"""Tokens for lexical matching (BM25, the hashing embedder): English words,
lower-cased and lightly stemmed, and Chinese words segmented by jieba."""

from __future__ import annotations

import re
from functools import lru_cache

_STOPWORDS = frozenset(
    """a an and are as at be been by can do does for from had has have he her his how i if in into is it its
    me my of on or our shall she should so such than that the their them then there these they this those to
    under upon was we were what when where which who whom will with would you your 的 了 和 是 在 我 吗
    呢 吧 啊 要 与 及 或 等 对 为 把 被 就 都 也 还 有 没有 什么 怎么 如何 哪 哪些 多少 可以 需要 应该 请问 一个 这个 那个
    china chinese foreigner foreigners foreign 中国 外国人""".split()
) | frozenset(
    # Function words and the fillers of chat ("just", "ok", "next week", "actually"): they carry no
    # subject, and a rare one in a text ("next higher level") would otherwise pull it up. Words
    # that carry a rule's meaning stay: before, after, within, without, first, last, must, may.
    """about above again against all am any because being below both but could did doing down during
    each few further here hers herself him himself just more most much no nor not off once only other
    ours ourselves out over own same some still too until up very while why yourself yourselves
    ok okay yes yeah hi hello hey thanks thank please really actually maybe anyway also even ever
    next guys stuff gonna wanna get gets getting got
    我们 他们 你 您 他 她 它 就是 然后 现在 已经 一下 因为 所以 但是 的话 这样 那样""".split()
)
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?|[\u4e00-\u9fff]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def is_chinese(text: str) -> bool:
    """Whether Chinese characters carry the text: at least two, and clearly more than Latin words
    ("我的 residence permit 12月15日到期" is Chinese). The one test of a question's language, for
    the answer and for retrieval alike."""
    cjk = len(_CJK.findall(text))
    return cjk >= 2 and cjk > 1.5 * len(_LATIN_WORD.findall(text))


@lru_cache(maxsize=8192)
def _stem(word: str) -> str:
    """Snowball (Porter 2) English stem: 'residing', 'reside', 'residence' -> 'resid'."""
    stem = _stemmer().stemWord(word)
    return _STEM_ALIASES.get(stem, stem)


# Noun and verb of one idea that Porter stems apart ("entry" -> entri, "enter" -> enter).
_STEM_ALIASES = {
    "entri": "enter",
    "applic": "appli",
    "extens": "extend",
    "issuanc": "issu",
    "reissuanc": "reissu",
    "registr": "regist",
    "decis": "decid",
    "expiri": "expir",
    "arriv": "arriv",
    "residenti": "resid",
}


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def tokenize(text: str) -> list[str]:
    """Lower-cased, lightly stemmed English words and jieba-segmented Chinese words, stopwords removed."""
    tokens: list[str] = []
    for piece in _WORD.findall(text.lower().replace("’", "'")):
        if "\u4e00" <= piece[0] <= "\u9fff":
            tokens.extend(w for w in _jieba().lcut(piece) if w.strip() and w not in _STOPWORDS)
        else:
            piece = piece.split("'")[0]
            if piece and piece not in _STOPWORDS:
                tokens.append(_stem(piece))
    return tokens


@lru_cache(maxsize=1)
def _jieba():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")


def character_pairs(text: str) -> list[str]:
    """Every pair of adjacent Chinese characters in ``text``: a word segmented one way in a
    question and another way in the text (工作许可证 / 工作许可, 被盗抢 / 盗抢) still shares its
    pairs."""
    return [run[i:i + 2] for run in _CJK_RUN.findall(text) for i in range(len(run) - 1)]
