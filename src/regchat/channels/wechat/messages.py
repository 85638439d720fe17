"""WeChat / WeCom messages, as pure functions: safe XML parsing, the inbound
message model, passive reply XML, and an ``Answer`` rendered as plain-text
messages of at most 2048 UTF-8 bytes each.

XML is parsed with ``defusedxml`` and any DTD is refused, so entity expansion
("billion laughs") and external entities never run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from regchat.documents import Answer, Deadline

from .crypto import CallbackRejected

MAX_MESSAGE_BYTES = 2048
"""WeChat's limit for one text message (passive reply or customer-service message)."""


# --------------------------------------------------------------------------- parsing
def parse_xml(body: bytes | str) -> dict[str, str]:
    """The child elements of a callback's ``<xml>`` root, as ``{tag: text}``.

    Raises ``CallbackRejected`` (400) on a DTD, entities, malformed XML or a
    root other than ``<xml>``.
    """
    try:
        root = SafeET.fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, ParseError, ValueError, LookupError, UnicodeError) as exc:
        raise CallbackRejected(f"unacceptable XML ({type(exc).__name__})", 400) from exc
    if root.tag != "xml":
        raise CallbackRejected("the XML root must be <xml>", 400)
    return {child.tag: (child.text or "").strip() for child in root}


_ENCRYPT = re.compile(rb"<Encrypt>\s*(?:<!\[CDATA\[)?([A-Za-z0-9+/=]{1,65536})(?:\]\]>)?\s*</Encrypt>")


def encrypted_field(body: bytes) -> str:
    """The ``<Encrypt>`` payload of an encrypted callback, read from the raw bytes without parsing
    the XML, so that its signature can be checked before anything else touches the body."""
    found = _ENCRYPT.findall(body)
    if len(found) != 1:
        raise CallbackRejected("no single encrypted payload", 400)
    return found[0].decode("ascii")


@dataclass(frozen=True)
class Inbound:
    """One message or event pushed by WeChat / WeCom."""

    to_user: str
    from_user: str
    create_time: int
    msg_type: str
    content: str = ""
    msg_id: str = ""
    event: str = ""
    recognition: str = ""
    agent_id: str = ""

    @classmethod
    def from_fields(cls, fields: dict[str, str]) -> "Inbound":
        try:
            create_time = int(fields.get("CreateTime") or 0)
        except ValueError as exc:
            raise CallbackRejected("CreateTime is not a number", 400) from exc
        to_user, from_user = fields.get("ToUserName", ""), fields.get("FromUserName", "")
        msg_type = fields.get("MsgType", "").lower()
        if not to_user or not from_user or not msg_type:
            raise CallbackRejected("ToUserName, FromUserName and MsgType are required", 400)
        return cls(
            to_user=to_user,
            from_user=from_user,
            create_time=create_time,
            msg_type=msg_type,
            content=fields.get("Content", ""),
            msg_id=fields.get("MsgId", "") or fields.get("MsgID", ""),
            event=fields.get("Event", "").lower(),
            recognition=fields.get("Recognition", ""),
            agent_id=fields.get("AgentID", ""),
        )

    @property
    def dedup_key(self) -> str:
        """Retries of one message share it: FromUserName + MsgId, or for events FromUserName + CreateTime."""
        if self.msg_id:
            return f"msg:{self.from_user}:{self.msg_id}"
        return f"evt:{self.from_user}:{self.create_time}:{self.event}"

    @property
    def question(self) -> str:
        """The text to answer: a text message, or a voice message WeChat transcribed."""
        if self.msg_type == "text":
            return self.content.strip()
        if self.msg_type == "voice":
            return self.recognition.strip()
        return ""


# --------------------------------------------------------------------------- replies
def cdata(text: str) -> str:
    """``text`` inside CDATA, safe even when it contains ``]]>``."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_reply_xml(inbound: Inbound, content: str, create_time: int) -> str:
    """A passive text reply to ``inbound`` (sender and receiver swapped)."""
    return (
        "<xml>"
        f"<ToUserName>{cdata(inbound.from_user)}</ToUserName>"
        f"<FromUserName>{cdata(inbound.to_user)}</FromUserName>"
        f"<CreateTime>{int(create_time)}</CreateTime>"
        "<MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{cdata(content)}</Content>"
        "</xml>"
    )


# --------------------------------------------------------------------------- plain text
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\(([^)\s]+)\)")
_MD_EMPH = re.compile(r"(\*\*|__|\*|`)(?=\S)(.+?)(?<=\S)\1")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+", re.M)
_MD_BULLET = re.compile(r"^(\s*)[-*+]\s+", re.M)
_MD_QUOTE = re.compile(r"^\s*>\s?", re.M)
_MD_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$", re.M)
_MD_FENCE = re.compile(r"^\s*```[^\n]*$", re.M)


def plain_text(markdown: str) -> str:
    """Markdown turned into the plain text a WeChat bubble shows well."""
    text = _MD_FENCE.sub("", markdown)
    text = _MD_RULE.sub("", text)
    text = _MD_LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})" if m.group(1) else m.group(2), text)
    text = _MD_HEADING.sub("", text)
    text = _MD_QUOTE.sub("", text)
    text = _MD_BULLET.sub(r"\1• ", text)
    for _ in range(2):  # nested emphasis such as ***x***
        text = _MD_EMPH.sub(r"\2", text)
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


_LABELS = {
    "en": {"sources": "Sources", "steps": "How the date was computed", "part": "({i}/{n})"},
    "zh": {"sources": "依据", "steps": "日期计算过程", "part": "（{i}/{n}）"},
}
_WEEKDAYS_ZH = {"Monday": "星期一", "Tuesday": "星期二", "Wednesday": "星期三", "Thursday": "星期四",
                "Friday": "星期五", "Saturday": "星期六", "Sunday": "星期日"}


def deadline_line(deadline: Deadline, lang: str = "en") -> str:
    """One line: the computed date, its weekday, and the day to act by when it is not a working day."""
    d, act = deadline.date.isoformat(), deadline.act_by
    late = act is not None and act != deadline.date
    if lang == "zh":
        line = f"日期：{deadline.what + '：' if deadline.what else ''}{d}（{_WEEKDAYS_ZH.get(deadline.weekday, deadline.weekday)}）"
        if not deadline.is_working_day:
            line += "，非工作日" + (f"（{deadline.holiday}）" if deadline.holiday else "")
            if late:
                line += f"；最迟办理日：{act.isoformat()}"
        return line + ("（暂定）" if deadline.provisional else "")
    what = deadline.what[:1].upper() + deadline.what[1:] if deadline.what else ""
    line = f"Date: {what + ': ' if what else ''}{d} ({deadline.weekday})"
    if not deadline.is_working_day:
        line += ", not a working day" + (f" ({deadline.holiday})" if deadline.holiday else "")
        if late:
            line += f"; act by {act.isoformat()}"
    return line + (" (provisional)" if deadline.provisional else "")


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


_SENTENCE_END = re.compile(r"(?<=[。！？!?；;…])|(?<=\.)(?=\s)|(?<=\n)")
_SOFT_BREAK = re.compile(r"(?<=[，、,：:）)])|(?<=\s)")


def _fit(text: str, limit: int) -> int:
    """Number of leading characters of ``text`` that fit in ``limit`` UTF-8 bytes."""
    size = 0
    for i, ch in enumerate(text):
        size += utf8_len(ch)
        if size > limit:
            return i
    return len(text)


def _hard_cut(piece: str, limit: int) -> int:
    """Where to cut a piece with no sentence end: at a comma or space if one is in the second half."""
    cut = max(1, _fit(piece, limit))
    soft = [m.start() for m in _SOFT_BREAK.finditer(piece, 0, cut) if 0 < m.start() <= cut]
    return soft[-1] if soft and soft[-1] >= cut // 2 else cut


def split_text(text: str, limit: int = MAX_MESSAGE_BYTES, first_limit: int | None = None) -> list[str]:
    """``text`` cut at sentence ends (。！？; . ! ? ; and line breaks) into chunks of at most
    ``limit`` UTF-8 bytes (``first_limit`` for the first one). A sentence longer than a whole
    message is cut at a comma or space, or between characters, never inside a character."""
    if limit < 8 or (first_limit is not None and first_limit < 8):
        raise ValueError("limits must be at least 8 bytes")
    chunks: list[str] = []
    current = ""

    def budget() -> int:
        return first_limit if (first_limit is not None and not chunks) else limit

    for piece in (p for p in _SENTENCE_END.split(text) if p):
        if utf8_len(current + piece) <= budget():
            current += piece
            continue
        if current.strip():
            chunks.append(current.strip())
        current = piece.lstrip()
        while utf8_len(current) > budget():
            cut = _hard_cut(current, budget())
            chunks.append(current[:cut].strip())
            current = current[cut:].lstrip()
    if current.strip():
        chunks.append(current.strip())
    return [c for c in chunks if c]


def render_messages(answer: Answer, limit: int = MAX_MESSAGE_BYTES) -> list[str]:
    """An ``Answer`` as plain-text WeChat messages of at most ``limit`` UTF-8 bytes each.

    The first message always carries the computed date(s) and the citations,
    with the start of the answer between them; the rest of a long answer
    follows in further messages, cut at sentence ends and numbered (2/3)."""
    lang = "zh" if answer.lang == "zh" else "en"
    t = _LABELS[lang]
    sep = "；" if lang == "zh" else "; "
    colon = "：" if lang == "zh" else ": "

    header = "\n".join(deadline_line(d, lang) for d in answer.deadlines)
    labels = list(dict.fromkeys(c.label for c in answer.citations if c.label))
    footer = f"{t['sources']}{colon}{sep.join(labels)}" if labels else ""
    # The first message holds the dates and the citations, each in at most a third of it.
    room = limit // 3
    while footer and utf8_len(footer) > room and len(labels) > 1:
        labels.pop()
        footer = f"{t['sources']}{colon}{sep.join(labels)}{sep}…"
    if utf8_len(footer) > room:
        footer = footer[: _fit(footer, room - 3)] + "…"
    if utf8_len(header) > room:
        header = header[: _fit(header, room - 3)] + "…"

    body = plain_text(answer.text)
    extras = [plain_text(n) for n in answer.notices if n.strip()]
    steps = [s for d in answer.deadlines for s in d.steps]
    if steps:
        extras.append(f"{t['steps']}{colon.strip()}\n" + "\n".join(f"• {s}" for s in steps))
    if extras:
        body = "\n\n".join([body, *extras]) if body else "\n\n".join(extras)

    marker_room = utf8_len(t["part"].format(i=99, n=99)) + 1
    fixed = sum(utf8_len(x) + 2 for x in (header, footer) if x)
    first_room = limit - fixed - marker_room
    chunks = split_text(body, limit - marker_room, first_limit=first_room) if body else []

    first = "\n\n".join(x for x in (header, chunks[0] if chunks else "", footer) if x)
    messages = [first, *chunks[1:]]
    if len(messages) > 1:
        n = len(messages)
        messages = [f"{m}\n{t['part'].format(i=i, n=n)}" for i, m in enumerate(messages, 1)]
    return messages
