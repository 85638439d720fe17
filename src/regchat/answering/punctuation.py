"""Marks for a Chinese message typed the way chats are: clauses parted by spaces, no question mark.

"同事下周搬来我家 要登记吗 谁去办 晚了罚多少" asks three things; read as one unmarked
sentence it asks one. Each clause that asks ("吗", "多少", "怎么样", "谁") is given "？", the
others "，", and the message its end: the questions are then read one by one, as in a message that has
its marks. A message with a question mark, one mostly in another language, one asking a single thing,
or whose clauses no space parts, is left as it is. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# A run of spaces between two clauses, one side of it Chinese: "停留30天 3.2入境的", not "L visa".
_GAP = re.compile(r"(?<=[\u4e00-\u9fff\w）)”」])[ \t\u3000]+(?=[\u4e00-\u9fff\w（(“「])")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
_ASKED = re.compile(r"[?？]")
_ENDS = "，,。！!；;：:、…~～"
# The emoji and pictographs a chat ends a clause with ("all done ✅ Now…"): the body of a character class.
EMOJI = "\U0001F000-\U0001FAFF\u2600-\u27BF"
# Words chats ask with besides those every question uses: "多久", "谁", colloquial 啥/咋, a final 呢/么.
_CHAT_ASKS = re.compile(r"多久|多长|谁|啥|咋|几|[呢么嘛]$")
# A number heading one of several questions ("想问三个事：1 入境以后……"): it goes with the clause after it.
_ENUMERATOR = re.compile(r"^(?:\d{1,2}|[一二三四五六七八九十])[.、)）]?$")


def punctuated(text: str, asks: Callable[[str], bool]) -> str:
    """``text`` with the gaps between its clauses marked: "？" after a clause that asks (``asks``),
    "，" after any other, a last clause ending "。" unless it asks; unchanged when it has a question
    mark, no Chinese, or no gap between Chinese clauses."""
    if _ASKED.search(text) or len(_HAN.findall(text)) <= len(_LATIN.findall(text)):
        return text  # (a question mark, or an English message naming a Chinese term: "fined by the 出入境")
    pieces, at = [], 0
    for m in _GAP.finditer(text):
        left, right = text[max(0, m.start() - 1)], text[m.end()]
        if not (_HAN.match(left) or _HAN.match(right)):
            continue  # ("b1 b2", "L 签" between Latin words: no clause parted)
        pieces.append(text[at:m.start()])
        at = m.end()
    if not pieces:
        return text
    pieces.append(text[at:])
    # (one clause asking, "那我太太的呢 她的是12月3号到期", is one question: read as it is)
    if sum(1 for p in pieces if p.strip() and (asks(p) or _CHAT_ASKS.search(p.strip()))) < 2:
        return text
    out = []
    for i, piece in enumerate(pieces):
        piece = piece.strip()
        if not piece:
            continue
        if piece[-1] in _ENDS:
            out.append(piece)
        elif _ENUMERATOR.match(piece):
            out.append(piece + " ")
        elif asks(piece) or _CHAT_ASKS.search(piece):
            out.append(piece + "？")
        else:
            out.append(piece + ("，" if i < len(pieces) - 1 else "。"))
    return "".join(out)
