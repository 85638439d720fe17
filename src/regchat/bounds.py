"""Bounds on the work one request may cause, the same for every channel.

The cost of answering grows with the question's length (embedding, word
segmentation, matching), so every channel (JSON and OpenAI APIs, the browser
chat, WeChat / WeCom, the CLI) refuses a question over ``MAX_QUESTION_CHARS``
characters or ``MAX_QUESTION_BYTES`` UTF-8 bytes with ``QuestionTooLong``,
and the text embedded for retrieval is cut to ``MAX_EMBED_CHARS``.
"""

from __future__ import annotations

from regchat.errors import QuestionTooLong

MAX_QUESTION_CHARS = 2000
"""A long e-mail fits; a pasted document does not."""
MAX_QUESTION_BYTES = 6000
"""2,000 Chinese characters; far fewer emoji (4 bytes each)."""
MAX_EMBED_CHARS = 1000
"""The start of a search text is what its embedding is made of."""

TOO_LONG = {
    "en": "The question is too long: at most {chars} characters ({size} bytes). Please shorten it.",
    "zh": "问题太长了：最多{chars}个字符（{size}字节）。请精简后再问。",
}


def check_question(text: str) -> str:
    """``text`` if it is within the bounds; raises ``QuestionTooLong`` otherwise."""
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:  # a lone surrogate: counted as too much rather than crashing
        size = MAX_QUESTION_BYTES + 1
    if len(text) > MAX_QUESTION_CHARS or size > MAX_QUESTION_BYTES:
        raise QuestionTooLong(too_long_message(_lang(text)), chars=len(text), size=size)
    return text


def too_long_message(lang: str = "en") -> str:
    return TOO_LONG["zh" if lang == "zh" else "en"].format(chars=MAX_QUESTION_CHARS, size=MAX_QUESTION_BYTES)


def _lang(text: str) -> str:
    sample = text[:200]
    return "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in sample) else "en"
