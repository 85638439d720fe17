"""The browser chat: a Gradio ``ChatInterface`` that streams the answer, then
shows, under it, a collapsible "Sources" message (each cited provision with its
quoted text) and a collapsible "How this date was computed" message for each
deadline.

An edge: regchat's errors become friendly chat messages here; a person never
sees a stack trace.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import gradio as gr

from regchat.answering.offline import without_steps
from regchat.calendar_export import CHAT_ICS_PATH, ics_link
from regchat.channels.engine import AnswerEngine
from regchat.documents import Answer, Citation, Deadline
from regchat.bounds import MAX_QUESTION_CHARS, check_question
from regchat.errors import IndexNotReady, ModelError, QuestionTooLong, RegchatError
from regchat.feedback import FeedbackStore

log = logging.getLogger("regchat.web")

TITLE = "regchat"
DESCRIPTION = (
    "Questions about entry, residence and work permits for foreigners in mainland China and Macao, "
    "answered from the regulation texts with the article cited and deadlines computed day by day. "
    "Not legal advice: confirm with the exit-entry administration or your employer. "
    "可用中文提问。"
)
EXAMPLES = [
    "I came into China with a Z visa on 2026-03-02. By when must I apply for a residence permit?",
    "我的居留证件2027年1月20日到期，最迟什么时候要递交延期申请？",
    "My Foreigner's Work Permit card is damaged. How do I have it replaced?",
    "外籍员工来华上班，要办哪些证件？",
    "Renewing a Macao card for non-resident workers that is about to expire: what is needed?",
]

SOURCES_TITLE = {"en": "Sources", "zh": "来源"}
CALENDAR_LINK = {"en": "Add {date} to your calendar (.ics)", "zh": "将 {date} 加入日历（.ics）"}
#: Marks the answer's id on its first message (metadata "log", which a message without a title does not show).
ANSWER_ID_TAG = "answer:"
DEADLINE_TITLE = {"en": "How this date was computed", "zh": "日期计算过程"}

MESSAGES = {
    "index": {
        "en": "regchat is not ready yet: the regulation index has not been built. "
        "Run `regchat ingest` (or `make run`) on the server, then ask again.",
        "zh": "regchat 尚未就绪：法规索引还没有建立。请在服务器上运行 `regchat ingest`（或 `make run`）后再提问。",
    },
    "model": {
        "en": "The language model did not answer in time. Please try again in a moment.",
        "zh": "语言模型暂时没有响应，请稍后再试。",
    },
    "other": {
        "en": "Sorry, something went wrong while answering. Please try again, or rephrase the question.",
        "zh": "抱歉，回答时出了问题。请重试或换一种问法。",
    },
}


def _lang_of(text: str) -> str:
    return "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else "en"


def friendly_error(exc: BaseException, question: str) -> str:
    """What the chat says when answering failed: one calm sentence, never a stack trace."""
    lang = _lang_of(question)
    if isinstance(exc, IndexNotReady):
        return MESSAGES["index"][lang]
    if isinstance(exc, ModelError):
        return MESSAGES["model"][lang]
    return MESSAGES["other"][lang]


# --- turning an Answer into chat messages -------------------------------------------


def _quote(text: str, limit: int = 700) -> str:
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + " …"
    return "> " + text


def format_sources(citations: Sequence[Citation]) -> str:
    """Markdown: each cited provision's label in bold, its quoted text below."""
    blocks = []
    for c in citations:
        label = c.label
        if c.pinpoint and c.article is not None:
            chinese = any("\u4e00" <= ch <= "\u9fff" for ch in c.pinpoint)
            label = f"{c.label} ({c.pinpoint})" if chinese else f"{c.label.rsplit(', Art.', 1)[0]}, {c.pinpoint}"
        block = f"**{label}**" + (" (unofficial translation)" if c.translation else "")
        if c.quote.strip():
            block += "\n\n" + _quote(c.quote)
        if c.original.strip():
            block += "\n\nOfficial Chinese text" + (f" (version {c.version})" if c.version else "") + ":\n\n"
            block += _quote(c.original)
        if c.summary.strip() and any("\u4e00" <= ch <= "\u9fff" for ch in c.summary):
            block += "\n\n中文摘要（不是译文，以英文原文为准）：" + " ".join(c.summary.split())
        elif c.summary.strip():
            block += "\n\nIn short (a summary, not a translation; the Chinese text governs): " + " ".join(c.summary.split())
        blocks.append(block)
    return "\n\n".join(blocks)


def format_deadline(deadline: Deadline, lang: str = "en") -> str:
    """Markdown: the steps of the computation, the day it lands on, the act-by day, any warning."""
    zh = lang == "zh"
    lines = [f"{i}. {step}" for i, step in enumerate(deadline.steps, 1)]
    day = f"{deadline.date.isoformat()} ({deadline.weekday})"
    if deadline.is_working_day:
        lines.append(("结果：" if zh else "Result: ") + day + ("，工作日" if zh else ", a working day"))
    else:
        why = f" — {deadline.holiday}" if deadline.holiday else ""
        lines.append(("结果：" if zh else "Result: ") + day + ("，非工作日" if zh else ", not a working day") + why)
    if deadline.act_by is not None and deadline.act_by != deadline.date:
        act_by = f"{deadline.act_by.isoformat()} ({deadline.act_by.strftime('%A')})"
        lines.append(
            f"**最晚办理的工作日：{act_by}**" if zh else f"**Act by (last working day on or before): {act_by}**"
        )
    if deadline.citation is not None:
        lines.append(("依据：" if zh else "Rule: ") + deadline.citation.label)
    if deadline.provisional:
        reason = deadline.provisional_reason or (
            "节假日安排尚未公布" if zh else "the official holiday schedule for that year is not published yet"
        )
        lines.append(("⚠️ 暂定结果：" if zh else "⚠️ Provisional: ") + reason)
    return "\n".join(lines)


def calendar_link(deadline: Deadline, lang: str = "en") -> str:
    """Markdown: a link to download the deadline as an iCalendar file (one line)."""
    label = CALENDAR_LINK.get(lang, CALENDAR_LINK["en"]).format(date=deadline.date.isoformat())
    return f"[{label}]({ics_link(deadline, lang, CHAT_ICS_PATH)})"


def deadline_title(deadline: Deadline, lang: str = "en") -> str:
    separator = "：" if lang == "zh" else ": "
    return f"{DEADLINE_TITLE.get(lang, DEADLINE_TITLE['en'])}{separator}{deadline.date.isoformat()}"


def answer_messages(answer: Answer) -> list[gr.ChatMessage]:
    """The answer text, then "Sources", then one "How this date was computed" per deadline."""
    lang = answer.lang
    # Each deadline's steps have their own collapsible message below: keep the answer short.
    text = without_steps(answer.text) if answer.deadlines else answer.text
    if answer.deadlines:
        text += "\n\n" + "\n".join(calendar_link(d, lang) for d in answer.deadlines)
    if answer.notices:
        text += "\n\n" + "\n".join(f"*{notice}*" for notice in answer.notices)
    # The answer's id (for the thumbs up / down) rides on its first message.
    tag = {"log": ANSWER_ID_TAG + answer.id} if answer.id else {}
    messages = [gr.ChatMessage(role="assistant", content=text, metadata=tag)]
    if answer.citations:
        messages.append(
            gr.ChatMessage(
                role="assistant",
                content=format_sources(answer.citations),
                metadata={"title": SOURCES_TITLE.get(lang, "Sources"), "status": "done"},
            )
        )
    for deadline in answer.deadlines:
        messages.append(
            gr.ChatMessage(
                role="assistant",
                content=format_deadline(deadline, lang),
                metadata={"title": deadline_title(deadline, lang), "status": "done"},
            )
        )
    return messages


# --- history from the chat back to the engine ----------------------------------------


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text") or "")
    if isinstance(content, (list, tuple)):
        return "".join(_text_of(part) for part in content)
    return ""


def _without_calendar_links(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if f"]({CHAT_ICS_PATH}?" not in line).strip()


def engine_history(history: Sequence[Any]) -> list[dict]:
    """Gradio's chat history as the engine's ``{"role", "content"}`` turns, without the collapsible extras."""
    turns = []
    for item in history or ():
        message = item if isinstance(item, dict) else getattr(item, "__dict__", {})
        metadata = message.get("metadata") or {}
        if metadata.get("title"):
            continue  # a Sources or date-steps block, not part of the conversation
        role, text = message.get("role"), _without_calendar_links(_text_of(message.get("content")))
        if role in ("user", "assistant") and text:
            turns.append({"role": role, "content": text})
    return turns


def respond(
    engine: AnswerEngine, clock: Callable[[], dt.date]
) -> Callable[[str, list], Iterator[list[gr.ChatMessage]]]:
    """The chat function: stream the text, then replace it with the checked answer and its extras."""

    def chat(message: str, history: list) -> Iterator[list[gr.ChatMessage]]:
        question = (message or "").strip()
        if not question:
            yield [gr.ChatMessage(role="assistant", content="Please type a question. / 请输入问题。")]
            return
        try:
            check_question(question)
        except QuestionTooLong as exc:
            yield [gr.ChatMessage(role="assistant", content=str(exc))]
            return
        text = ""
        try:
            for item in engine.stream(question, history=engine_history(history), today=clock()):
                if isinstance(item, str):
                    text += item
                    yield [gr.ChatMessage(role="assistant", content=text)]
                else:
                    yield answer_messages(item)
                    return
        except RegchatError as exc:
            log.warning("chat answer failed: %s", exc)
            yield [gr.ChatMessage(role="assistant", content=friendly_error(exc, question))]
        except Exception as exc:  # noqa: BLE001 - the edge: log it, show a calm sentence
            log.exception("chat answer failed")  # the question is not logged: personal data
            yield [gr.ChatMessage(role="assistant", content=friendly_error(exc, question))]

    return chat


def build_chat(engine: AnswerEngine, clock: Callable[[], dt.date],
               feedback: FeedbackStore | None = None) -> gr.Blocks:
    """The Gradio chat (a ``Blocks``), ready for ``gr.mount_gradio_app``; with ``feedback``, thumbs up / down
    under each answer."""
    chatbot = gr.Chatbot(
        label="regchat",
        height="70vh",
        placeholder="Ask about visas, residence permits, work permits and their deadlines.<br>"
        "可以询问签证、居留许可、工作许可及其办理期限。",
        buttons=["copy"],
    )
    interface = functools.partial(
        gr.ChatInterface,
        respond(engine, clock),
        chatbot=chatbot,
        textbox=gr.Textbox(placeholder="Type a question in English or Chinese / 用中文或英文提问", submit_btn=True,
                           max_length=MAX_QUESTION_CHARS),
        title=TITLE,
        description=DESCRIPTION,
        examples=EXAMPLES,
        cache_examples=False,
        flagging_mode="never",
        analytics_enabled=False,
        concurrency_limit=8,
        fill_height=True,
        api_visibility="undocumented",
    )
    if feedback is None:
        return interface()
    from regchat.channels import web_feedback

    with gr.Blocks(title=TITLE, fill_height=True, analytics_enabled=False) as page:
        interface()
        web_feedback.attach(chatbot, feedback)
    return page


#: A theme without web fonts: the page must render on machines with no internet access.
THEME = gr.themes.Soft(
    primary_hue="teal",
    font=["ui-sans-serif", "system-ui", "Segoe UI", "Noto Sans", "Noto Sans CJK SC", "PingFang SC", "sans-serif"],
    font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"],
)
