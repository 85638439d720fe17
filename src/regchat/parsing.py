"""Source files -> ``Document`` -> ``Provision``s.

Reading (``read_document``) turns a ``.md``, ``.txt``, ``.html`` or ``.pdf``
file into a clean ``Document``: an optional front-matter block supplies the
metadata, web-page debris (navigation, share buttons, copyright and licence
lines, page numbers, feedback forms) is dropped.

Splitting (``split_provisions``) is pure text work:

* documents with articles ("Article 30", "Art. 30", "第三十条", "第30条" at the
  start of a line) give one provision per article, with the chapter and
  section headings in force kept as metadata;
* documents without articles give one provision per heading (Markdown
  ``#`` headings, or short title-like lines in plain text), so a citation can
  still name the section ("Reissue / Replacement").

Front matter (all keys optional)::

    ---
    doc_id: cn-exit-entry-law
    title: Exit and Entry Administration Law of the People's Republic of China
    short_title: Exit and Entry Administration Law
    jurisdiction: CN            # CN (mainland) or MO (Macao)
    language: en
    source: http://...
    publisher: NPC
    updated: 2017-12-08
    ---

A plain file gets its doc id from the file name and its title from its first
line.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from regchat.documents import Document, Provision
from regchat.errors import DocumentError

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf")

# --- Chinese numerals ---------------------------------------------------------

_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
ZH_NUMERAL = "[零〇一二两三四五六七八九十百千0-9０-９]+"


def chinese_to_int(text: str) -> int:
    """'三十' -> 30, '一百零五' -> 105, '十二' -> 12, '30' -> 30 (full-width digits too)."""
    text = text.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _ZH_DIGITS and ch not in _ZH_UNITS for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    total, digit = 0, None
    for ch in text:
        if ch in _ZH_DIGITS:
            digit = _ZH_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _ZH_UNITS[ch]
            digit = None
    return total + (digit or 0)


def int_to_chinese(number: int) -> str:
    """30 -> '三十', 105 -> '一百零五', 12 -> '十二' (1-999)."""
    if not 0 < number < 1000:
        raise ValueError(f"out of range: {number}")
    digits = "零一二三四五六七八九"
    hundreds, rest = divmod(number, 100)
    tens, ones = divmod(rest, 10)
    out = ""
    if hundreds:
        out += digits[hundreds] + "百"
        if rest and tens == 0:
            out += "零"
    if tens:
        out += ("" if tens == 1 and not hundreds else digits[tens]) + "十"
    if ones:
        out += digits[ones]
    return out


# --- headings ------------------------------------------------------------------

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_ARTICLE = re.compile(
    rf"^(?:#{{1,6}}\s*)?(?:\*\*)?(?:(?:Article|ARTICLE|Art\.?)\s*(\d+)|第\s*({ZH_NUMERAL})\s*条)(?:\*\*)?"
    r"(?=[\s:：.、．]|$)(?![ \t]+(?:of|to|and|or|in)\b)[\s:：.、．]*"  # "Article 60 of the Law" is a reference
)
_CHAPTER = re.compile(rf"^(?:#{{1,6}}\s*)?((?:Chapter|CHAPTER)\s+[0-9IVXLC]+\b.*|第\s*{ZH_NUMERAL}\s*章.*)$")
_SECTION = re.compile(rf"^(?:#{{1,6}}\s*)?((?:Section|SECTION)\s+[0-9IVXLC]+\b.*|第\s*{ZH_NUMERAL}\s*节.*)$")

# --- debris --------------------------------------------------------------------

_DEBRIS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^skip (to )?(navigation|content)$",
        r"^share\b.*$",
        r"^(print|e-?mail|wechat|weibo|facebook|twitter|linkedin)( \| .*)?$",
        r"^.*\bprint\s+share\b.*$",
        r"^copyright\s*(©|\(c\))?.*$",
        r"^©.*$",
        r"^all rights reserved\.?$",
        r"^.*icp备.*$",
        r"^.*公网安备.*$",
        r"^查看原文$",
        r"^其他$",
        r"^阅读原文$",
        r"^.*您可能也对以下帖子感兴趣.*$",
        r"^文章有问题.*$",
        r"^[<>«»‹›\s\d|.…-]+$",  # page numbers: "< 1 2 3 >"
        r"^(page \d+( of \d+)?|第\s*\d+\s*页)$",
        r"^is there anything wrong with this page\??$",
        r"^help us improve .*$",
        r"^mandatory field$",
        r"^send$",
        r"^(home|menu|search|login|sign in|back to top|top)$",
        r"^(last modified|content provider):.*$",
        r"^updated:.*$",
    )
]


def is_debris(line: str) -> bool:
    """True for a line of web-page furniture that carries no regulation text."""
    stripped = line.strip().strip("•·*-– ").strip()
    return bool(stripped) and any(p.match(stripped) for p in _DEBRIS)


# --- reading -------------------------------------------------------------------


def read_document(path: Path | str) -> Document:
    """Read one source file into a ``Document``; ``DocumentError`` names the file and the reason."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(path, f"unsupported file type {suffix or '(none)'}; use .md, .txt, .html or .pdf")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(path, f"unreadable ({exc.strerror or exc})") from exc
    if not data.strip():
        raise DocumentError(path, "empty file")
    if suffix == ".pdf":
        text = _pdf_text(path, data)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError as exc:
                raise DocumentError(path, "unreadable: not UTF-8 or GB18030 text") from exc
        if suffix in (".html", ".htm"):
            text = _html_text(text)
    return parse_text(text, path=path, content_hash=hashlib.sha256(data).hexdigest())


def parse_text(text: str, *, path: Path | str, content_hash: str | None = None) -> Document:
    """Build a ``Document`` from text (front matter optional)."""
    path = Path(path)
    meta, body = _front_matter(text)
    body = re.sub(r"<!--.*?-->", "", body, flags=re.DOTALL)
    lines = [ln.replace("\u00a0", " ").rstrip() for ln in body.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = [ln for ln in lines if not is_debris(ln)]
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    if not body:
        raise DocumentError(path, "no text extracted")
    first_line = next(ln for ln in body.split("\n") if ln.strip())
    title = meta.get("title") or _MD_HEADING.sub(r"\2", first_line).strip()
    jurisdiction = (meta.get("jurisdiction") or "").upper()
    if jurisdiction not in ("CN", "MO"):
        jurisdiction = "MO" if re.search(r"macao|macau|澳门|澳門", title + body[:2000], re.IGNORECASE) else "CN"
    return Document(
        doc_id=meta.get("doc_id") or _slug(path.stem),
        title=title,
        short_title=meta.get("short_title") or title,
        jurisdiction=jurisdiction,
        language=meta.get("language") or ("zh" if _cjk_share(body) > 0.3 else "en"),
        source=meta.get("source"),
        publisher=meta.get("publisher"),
        updated=meta.get("updated"),
        text=body,
        content_hash=content_hash or hashlib.sha256(text.encode("utf-8")).hexdigest(),
        path=str(path),
        title_zh=meta.get("title_zh") or None,
        official=_flag(meta.get("official"), default=not (meta.get("translation_of") or meta.get("summary_of"))),
        version=_first_word(meta.get("version")),
        in_force=_day(path, "in_force", meta.get("in_force")),
        translation_of=_first_word(meta.get("translation_of") or meta.get("summary_of")),
        summary=(meta.get("kind") or "").strip().lower() == "summary",
    )


def _flag(value: str | None, *, default: bool) -> bool:
    if value is None or not value.strip():
        return default
    return value.strip().lower() in ("true", "yes", "1")


def _first_word(value: str | None) -> str | None:
    """'2025-08-07 (current text)' -> '2025-08-07'."""
    return value.split()[0] if value and value.split() else None


def _day(path: Path, key: str, value: str | None):
    import datetime as dt

    word = _first_word(value)
    if word is None:
        return None
    try:
        return dt.date.fromisoformat(word)
    except ValueError:
        raise DocumentError(path, f"front matter {key}: {value!r} is not a date (YYYY-MM-DD)") from None


def load_provisions(path: Path | str) -> tuple[Document, list[Provision]]:
    """Read a file and split it; ``DocumentError`` when it yields no provision."""
    document = read_document(path)
    provisions = split_provisions(document)
    if not provisions:
        raise DocumentError(path, "no text extracted (no provision found)")
    return document, provisions


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    text = text.lstrip("\ufeff")
    match = re.match(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", text, re.DOTALL)
    if not match:
        return {}, text
    meta = {}
    for line in match.group(1).split("\n"):
        key, sep, value = line.partition(":")
        if sep and key.strip():
            meta[key.strip().lower()] = value.strip().strip("\"'")
    return meta, text[match.end():]


def _html_text(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    page_title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup(["head", "script", "style", "nav", "header", "footer", "aside", "form", "noscript", "button",
                     "iframe"]):
        tag.decompose()
    if page_title and not soup.find("h1"):
        soup.insert(0, f"# {page_title}\n")
    for level in range(1, 7):
        for heading in soup.find_all(f"h{level}"):
            heading.insert_before("\n" + "#" * level + " ")
            heading.insert_after("\n")
    for block in soup.find_all(["p", "div", "li", "br", "tr", "section", "article"]):
        block.insert_after("\n")
    text = soup.get_text()
    return "\n".join(re.sub(r"[ \t]+", " ", ln).strip() for ln in text.split("\n"))


def _pdf_text(path: Path, data: bytes) -> str:
    import io

    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs its repairs as warnings; a broken file is reported once, as a DocumentError.
    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise DocumentError(path, f"unreadable PDF ({exc})") from exc
    finally:
        pypdf_log.setLevel(level)
    text = "\n\n".join(pages)
    if not text.strip():
        raise DocumentError(path, "no text extracted (scanned or empty PDF?)")
    return text


def _slug(stem: str) -> str:
    slug = re.sub(r"[^\w-]+", "-", stem.lower(), flags=re.UNICODE).strip("-")
    return slug or "document"


def _cjk_share(text: str) -> float:
    sample = text[:4000]
    letters = [ch for ch in sample if ch.isalpha()]
    return sum("\u4e00" <= ch <= "\u9fff" for ch in letters) / max(1, len(letters))


# --- splitting -----------------------------------------------------------------


@dataclass
class _Block:
    chapter: str | None
    section: str | None
    article: int | None
    lines: list[str]


def split_provisions(document: Document) -> list[Provision]:
    """One provision per article; documents without articles: one per heading."""
    lines = document.text.split("\n")
    if any(_ARTICLE.match(ln.strip()) for ln in lines):
        blocks = _article_blocks(lines)
    else:
        blocks = _section_blocks(lines, document.title)
    provisions = []
    for block in blocks:
        text = _join(block.lines)
        if not text:
            continue
        ordinal = len(provisions) + 1
        if block.article is not None:
            label = f"{document.short_title}, Art. {block.article}"
        else:
            label = f"{document.short_title}, {block.section or f'Section {ordinal}'}"
        provisions.append(
            Provision(
                doc_id=document.doc_id,
                doc_title=document.title,
                jurisdiction=document.jurisdiction,
                chapter=block.chapter,
                section=block.section,
                article=block.article,
                label=label,
                text=text,
                ordinal=ordinal,
            )
        )
    return provisions


def _article_blocks(lines: list[str]) -> list[_Block]:
    chapter = section = None
    blocks: list[_Block] = []
    preamble: list[str] = []
    seen: set[int] = set()
    for raw in lines:
        line = raw.strip()
        if m := _CHAPTER.match(line):
            chapter, section = _clean_heading(m.group(1)), None
            continue
        if m := _SECTION.match(line):
            section = _clean_heading(m.group(1))
            continue
        if m := _ARTICLE.match(line):
            number = int(m.group(1)) if m.group(1) else chinese_to_int(m.group(2))
            if number not in seen:  # a repeated number is a cross-reference line, not a new article
                seen.add(number)
                blocks.append(_Block(chapter, section, number, [line[m.end():]]))
                continue
        if _MD_HEADING.match(line) and not blocks:
            continue  # the title and other headings before the first article
        (blocks[-1].lines if blocks else preamble).append(line)
    preamble = [ln for i, ln in enumerate(preamble) if not _is_plain_heading(preamble, i)]
    if _join(preamble):
        blocks.insert(0, _Block(None, "Preamble", None, preamble))
    return blocks


def _section_blocks(lines: list[str], title: str) -> list[_Block]:
    has_markdown = any(_MD_HEADING.match(ln.strip()) for ln in lines)
    blocks: list[_Block] = []
    current = _Block(None, None, None, [])
    parents: dict[int, str] = {}  # heading level -> text of the heading in force
    for index, raw in enumerate(lines):
        line = raw.strip()
        if m := _MD_HEADING.match(line):
            level, heading = len(m.group(1)), _clean_heading(m.group(2))
        elif not has_markdown and _is_plain_heading(lines, index):
            level, heading = 2, line
        else:
            current.lines.append(line)
            continue
        if level == 1 or (heading == title and not _join(current.lines) and not blocks):
            continue  # the document's own title
        parents = {lvl: text for lvl, text in parents.items() if lvl < level}
        enclosing = parents[max(parents)] if parents else None
        parents[level] = heading
        blocks.append(current)
        current = _Block(enclosing, heading, None, [])
    blocks.append(current)
    for block in blocks:
        if block.section is None and _join(block.lines):
            block.section = "Introduction"
    return blocks


def _is_plain_heading(lines: list[str], index: int) -> bool:
    """A short, unpunctuated line standing alone between blank lines."""
    line = lines[index].strip()
    if not line or len(line) > 70 or line[-1] in ".,;:。；，：" or re.match(r"^[\d(（]", line):
        return False
    before = lines[index - 1].strip() if index > 0 else ""
    after = lines[index + 1].strip() if index + 1 < len(lines) else ""
    return not before and not after and len(line.split()) <= 10


def _clean_heading(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("**", "")).strip().rstrip(":：")


def _join(lines: list[str]) -> str:
    text = "\n".join(lines).strip()
    return re.sub(r"\n{3,}", "\n\n", text)
