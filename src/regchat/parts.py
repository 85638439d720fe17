"""The parts of an article: paragraphs (款) and numbered items (项).

An article's text has one paragraph per line. A line opening with an item
number ("(1)", "（一）", "(一)") is an item of the paragraph before it, whose
text is the item's lead-in ("Ordinary visas are categorised as follows:").
A line after an item that does not open with a number continues that item
when the item ends with a semicolon (the translation puts Q2 on its own line
after Q1's ";"); otherwise it is the next paragraph ("签证机关可以根据具体情况
要求外国人提交其他申请材料。" after the last item).

``pinpoint`` names a part the way each language cites it: "Art. 7(13)",
"Art. 30, para. 2", "第七条第（十三）项", "第三十条第二款".

Everything here is pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .parsing import chinese_to_int, int_to_chinese

_ITEM = re.compile(r"^\s*(?:\((\d{1,2})\)|[（(]([一二三四五六七八九十]{1,3})[）)])\s*")


@dataclass(frozen=True)
class Part:
    """One paragraph, or one item of a paragraph."""

    paragraph: int  # 1-based
    item: int | None  # 1-based item number as written, None for a paragraph's own text
    text: str
    lead: str | None = None  # for an item: its paragraph's own text (the lead-in)

    @property
    def quoted(self) -> str:
        """The text to quote for this part: an item with its lead-in."""
        return f"{self.lead} … {self.text}" if self.lead else self.text


def item_number(line: str) -> int | None:
    """The item number a line opens with: '(11) X1 visas ...' -> 11, '（十二）申请X1' -> 12."""
    m = _ITEM.match(line)
    if not m:
        return None
    return int(m.group(1)) if m.group(1) else chinese_to_int(m.group(2))


def split_parts(text: str) -> list[Part]:
    """The paragraphs and items of an article's text, in order."""
    parts: list[Part] = []
    paragraph = 0
    lead: str | None = None
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        number = item_number(line)
        if number is not None and paragraph:
            parts.append(Part(paragraph, number, line, lead))
            continue
        previous = parts[-1] if parts else None
        if previous is not None and previous.item is not None and previous.text.rstrip().endswith((";", "；")):
            parts[-1] = Part(previous.paragraph, previous.item, f"{previous.text}\n{line}", previous.lead)
            continue
        paragraph += 1
        lead = line
        parts.append(Part(paragraph, None, line))
    return parts


def paragraph_count(text: str) -> int:
    return max((p.paragraph for p in split_parts(text)), default=0)


def items_of(text: str, paragraph: int | None = None) -> list[Part]:
    return [p for p in split_parts(text) if p.item is not None and (paragraph is None or p.paragraph == paragraph)]


def pinpoint(
    article: int | None, part: Part, lang: str, *, paragraphs: int = 1, several: tuple[int, ...] = ()
) -> str | None:
    """How a citation names ``part``; None for a guide's section (no article) or the whole
    of a one-paragraph article. ``several``: the paragraphs quoted, when the quote holds more than
    one (a paragraph and the one it refers back to, two paragraphs that answer): "Art. 22, paras.
    1-2", "Art. 60, paras. 1, 3", "第二十二条第一款、第二款"."""
    if article is None:
        return None
    if len(several) > 1:
        if lang == "zh":
            return f"第{int_to_chinese(article)}条" + "、".join(f"第{int_to_chinese(n)}款" for n in several)
        if list(several) == list(range(several[0], several[-1] + 1)):
            return f"Art. {article}, paras. {several[0]}-{several[-1]}"
        return f"Art. {article}, paras. {', '.join(str(n) for n in several)}"
    if lang == "zh":
        head = f"第{int_to_chinese(article)}条"
        para = f"第{int_to_chinese(part.paragraph)}款" if paragraphs > 1 else ""
        if part.item is not None:
            return f"{head}{para}第（{int_to_chinese(part.item)}）项"
        return f"{head}{para}" if para else None
    para = f", para. {part.paragraph}" if paragraphs > 1 else ""
    if part.item is not None:
        return f"Art. {article}{para}({part.item})" if para else f"Art. {article}({part.item})"
    return f"Art. {article}{para}" if para else None


# A paragraph that speaks of the paragraph(s) before it: "前款", "前两款", "the preceding paragraph",
# "the preceding two paragraphs"; with an item of it named: "前款第一项", "item (1) of the preceding paragraph".
_BACK_ZH = re.compile(r"前([两二三])?款(?:第([一二三四五六七八九十]{1,3})项)?")
_BACK_EN = re.compile(
    r"(?:\bitem\s*\((\d{1,2})\)\s*of\s+)?the\s+(?:preceding|previous)\s+(?:(two|three)\s+)?paragraphs?\b"
    r"|\bthe\s+(two|three)\s+(?:preceding|previous)\s+paragraphs\b",
    re.I,
)
_HOW_MANY = {"两": 2, "二": 2, "三": 3, "two": 2, "three": 3}


def referred(parts: list[Part], part: Part) -> list[Part]:
    """The parts ``part`` refers back to, which it needs to be understood: "有前款行为的" says
    what follows for the acts of the paragraph before it, "未加注前款规定信息的" of the
    information that paragraph names. The whole paragraph(s) before (their own text and items),
    or the lead-in and the item named ("违反前款第一项规定"); none when the part refers to none."""
    m = _BACK_ZH.search(part.text)
    if m:
        count, item = _HOW_MANY.get(m.group(1) or "", 1), chinese_to_int(m.group(2)) if m.group(2) else None
    elif m := _BACK_EN.search(part.text):
        count = _HOW_MANY.get((m.group(2) or m.group(3) or "").lower(), 1)
        item = int(m.group(1)) if m.group(1) else None
    else:
        return []
    first = max(1, part.paragraph - count)
    before = [p for p in parts if first <= p.paragraph < part.paragraph]
    if item is not None and count == 1:
        before = [p for p in before if p.item is None or p.item == item]
    return before


def plain(text: str) -> str:
    """A part's text as compared across versions: no item number, bracket width or spacing."""
    return "".join(_ITEM.sub("", text).translate(str.maketrans("()", "（）")).split())


def align_items(translation: str, followed: str, current: str) -> dict[int, int]:
    """Item numbers of a translation mapped to the numbering in force.

    The translation follows an older official text (``followed``) item for item; an item
    keeps its place in the text in force (``current``) when its official text is the same
    there. {6: 7, ...} for a translation of 2013 whose items after (5) moved one down in 2025.
    """
    old = [p for p in split_parts(followed) if p.item is not None]
    new = {plain(p.text): p.item for p in split_parts(current) if p.item is not None}
    ours = [p for p in split_parts(translation) if p.item is not None]
    mapping: dict[int, int] = {}
    for mine, theirs in zip(ours, old):
        moved = new.get(plain(theirs.text))
        if mine.item is not None and moved is not None:
            mapping[mine.item] = moved
    return mapping
