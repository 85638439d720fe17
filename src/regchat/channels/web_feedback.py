"""Thumbs up / down under each answer of the browser chat (the Chatbot's like event),
then an optional comment box for the rating just given."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import gradio as gr

from regchat.channels.web import ANSWER_ID_TAG
from regchat.feedback import MAX_COMMENT_CHARS, FeedbackError, FeedbackStore

log = logging.getLogger("regchat.web")

TEXTS = {
    "up": "Thank you! Anything to add? (optional) / 谢谢！还有补充吗？（可选）",
    "down": "Thank you. What was wrong or missing? (optional) / 谢谢。哪里不对或缺少什么？（可选）",
    "saved": "Thank you, your comment is saved. / 谢谢，您的意见已保存。",
    "unknown": "This answer can no longer be rated. / 这个回答已无法评价。",
    "placeholder": "e.g. the date should count from the day after entry / 例如：日期应从入境次日起算",
}


def _message(item: Any) -> dict:
    return item if isinstance(item, dict) else getattr(item, "__dict__", {})


def answer_id_at(history: Sequence[Any], index: int | Sequence[int]) -> str | None:
    """The id of the answer a rated message belongs to: the answer's first message (its text)
    carries the id; the Sources and date blocks after it belong to the same answer."""
    position = index if isinstance(index, int) else index[0]
    for i in range(min(position, len(history) - 1), -1, -1):
        message = _message(history[i])
        if message.get("role") != "assistant":
            return None
        tag = str((message.get("metadata") or {}).get("log") or "")
        if tag.startswith(ANSWER_ID_TAG):
            return tag.removeprefix(ANSWER_ID_TAG)
    return None


def attach(chatbot: gr.Chatbot, store: FeedbackStore) -> None:
    """Wire the like event of ``chatbot`` to ``store`` (call inside the page's ``gr.Blocks``)."""
    rated = gr.State(None)
    note = gr.Markdown("", elem_id="feedback-note")
    with gr.Row(visible=False, elem_id="feedback-row") as row:
        comment = gr.Textbox(show_label=False, placeholder=TEXTS["placeholder"], max_length=MAX_COMMENT_CHARS,
                             scale=5, elem_id="feedback-comment")
        send = gr.Button("Send / 发送", scale=1, elem_id="feedback-send")

    def on_like(history: list, data: gr.LikeData, request: gr.Request):
        rating = {True: "up", False: "down"}.get(data.liked) if isinstance(data.liked, bool) else None
        if rating is None:  # a rating taken back, or another option: nothing to record
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        answer_id = answer_id_at(history, data.index)
        try:
            if answer_id is None:
                raise FeedbackError("no answer id")
            stored = store.rate(answer_id, rating, channel="web", user=getattr(request, "username", None))
        except FeedbackError as exc:
            log.info("chat rating not recorded: %s", exc)
            return None, gr.update(visible=False), gr.update(value=""), TEXTS["unknown"]
        return stored.id, gr.update(visible=True), gr.update(value=""), TEXTS[rating]

    def on_comment(feedback_id: int | None, text: str):
        if feedback_id is None or not (text or "").strip():
            return gr.update(visible=feedback_id is not None), gr.skip(), gr.skip()
        try:
            store.comment(feedback_id, text)
        except FeedbackError as exc:
            log.info("chat comment not recorded: %s", exc)
            return gr.update(visible=False), gr.update(value=""), TEXTS["unknown"]
        return gr.update(visible=False), gr.update(value=""), TEXTS["saved"]

    chatbot.like(on_like, [chatbot], [rated, row, comment, note], queue=False, api_visibility="undocumented")
    for event in (send.click, comment.submit):
        event(on_comment, [rated, comment], [row, comment, note], queue=False, api_visibility="undocumented")
