"""Feedback on answers: thumbs up or down, a comment, a reviewer's correction; and the
rated questions as an evaluation file, so that every thumbs-down can become a
regression question.

``FeedbackStore`` is the whole interface:

* ``remember(question, history, answer, channel=...)`` gives an answer its id and
  keeps it (in memory, the latest ``keep`` answers) so that it can be rated;
  nothing is written to disk for an answer nobody rates;
* ``rate(answer_id, "up" | "down", comment=...)`` writes the answer (question,
  conversation, text, citations, deadlines, mode, index version) and the rating
  to its own SQLite file, ``DATA_DIR/feedback.sqlite3``; one rating per answer
  and person: rating again replaces it;
* ``comment``, ``correct``, ``list``, ``export_jsonl``, ``export_csv`` for the
  reviewer, and ``eval_questions`` for ``evals/run.py``.

Also here: ``read_rating``, which recognises a chat reply that rates the answer
before it ("👎", "不对", "👍", WeChat's own "[强]" / "[弱]"), and ``ChatFeedback``,
which applies it per user of a messaging channel.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sqlite3
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from regchat.documents import Answer
from regchat.errors import RegchatError

Rating = Literal["up", "down"]
Category = Literal["lookup", "deadline", "procedure", "out_of_scope", "ambiguous", "followup"]


class FeedbackError(RegchatError):
    """Feedback that cannot be recorded."""


class UnknownAnswer(FeedbackError):
    """No answer with this id is kept for rating."""


class UnknownFeedback(FeedbackError):
    """No feedback with this id."""


class GoldRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    doc: str = Field(min_length=1)
    article: int | None = None


class Correction(BaseModel):
    """What the answer should have been, as a reviewer states it (the evaluation file's gold fields)."""

    model_config = ConfigDict(extra="forbid")

    gold_citations: list[GoldRef] = Field(default_factory=list)
    gold_dates: list[dt.date] = Field(default_factory=list)
    must_mention: list[str] = Field(default_factory=list)
    out_of_scope: bool = Field(default=False, description="The question should have been refused")
    note: str | None = None


class AnswerRecord(BaseModel):
    """An answer as it was given: what feedback is stored with."""

    id: str
    created: dt.datetime
    channel: str
    user: str | None = None
    question: str
    history: list[dict[str, str]] = Field(default_factory=list)
    today: dt.date | None = None
    answer: Answer
    index_version: str | None = None


class Feedback(BaseModel):
    id: int
    rating: Rating
    comment: str | None = None
    correction: Correction | None = None
    channel: str
    user: str | None = None
    created: dt.datetime
    updated: dt.datetime
    answer: AnswerRecord


_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id TEXT PRIMARY KEY,
    created TEXT NOT NULL,
    channel TEXT NOT NULL,
    user TEXT,
    question TEXT NOT NULL,
    history TEXT NOT NULL,
    today TEXT,
    answer TEXT NOT NULL,
    mode TEXT NOT NULL,
    lang TEXT NOT NULL,
    index_version TEXT
);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    answer_id TEXT NOT NULL REFERENCES answers(id),
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    comment TEXT,
    correction TEXT,
    channel TEXT NOT NULL,
    user TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    UNIQUE (answer_id, channel, user)
);
"""

MAX_COMMENT_CHARS = 2000


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class FeedbackStore:
    """Answers kept for rating, and the ratings in a SQLite file (thread-safe)."""

    def __init__(self, path: Path, *, keep: int = 5000, clock: Callable[[], dt.datetime] = _now,
                 index_version: Callable[[], str | None] = lambda: None,
                 on_rating: Callable[[Feedback], None] | None = None):
        self.path = Path(path)
        self.keep, self.clock, self.index_version, self.on_rating = keep, clock, index_version, on_rating
        self._recent: OrderedDict[str, AnswerRecord] = OrderedDict()
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    # -- storage ---------------------------------------------------------------------------------------------
    def _conn(self) -> sqlite3.Connection:
        """Opened on first write or read, so a server nobody rates never creates the file."""
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, check_same_thread=False)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
            self._db = db
        return self._db

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    # -- answers ---------------------------------------------------------------------------------------------
    def remember(self, question: str, history: Sequence[dict], answer: Answer, *, channel: str,
                 user: str | None = None, today: dt.date | None = None) -> Answer:
        """The answer with its id; kept in memory so that it can be rated."""
        answer_id = answer.id or uuid.uuid4().hex
        answer = answer.model_copy(update={"id": answer_id})
        record = AnswerRecord(
            id=answer_id, created=self.clock(), channel=channel, user=user, question=question,
            history=[{"role": str(t.get("role")), "content": str(t.get("content"))} for t in history],
            today=today, answer=answer, index_version=self.index_version(),
        )
        with self._lock:
            self._recent[answer_id] = record
            self._recent.move_to_end(answer_id)
            while len(self._recent) > self.keep:
                self._recent.popitem(last=False)
        return answer

    def _answer_record(self, answer_id: str) -> AnswerRecord:
        record = self._recent.get(answer_id)
        if record is not None:
            return record
        row = self._conn().execute("SELECT * FROM answers WHERE id = ?", (answer_id,)).fetchone()
        if row is None:
            raise UnknownAnswer(
                f"No answer with id {answer_id!r}: answers can be rated while the server keeps them "
                f"(the latest {self.keep}, until it restarts)."
            )
        return _record_from_row(row)

    # -- feedback --------------------------------------------------------------------------------------------
    def rate(self, answer_id: str, rating: Rating, *, comment: str | None = None,
             correction: Correction | None = None, channel: str, user: str | None = None) -> Feedback:
        """Record a rating (replacing this person's earlier rating of the same answer)."""
        if rating not in ("up", "down"):
            raise FeedbackError(f"A rating is 'up' or 'down', not {rating!r}.")
        comment = _clean_comment(comment)
        now = self.clock().isoformat()
        with self._lock:
            record = self._answer_record(answer_id)
            db = self._conn()
            with db:
                db.execute(
                    "INSERT OR IGNORE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (record.id, record.created.isoformat(), record.channel, record.user, record.question,
                     json.dumps(record.history, ensure_ascii=False), record.today.isoformat() if record.today else None,
                     record.answer.model_dump_json(), record.answer.mode, record.answer.lang, record.index_version),
                )
                db.execute(
                    """INSERT INTO feedback (answer_id, rating, comment, correction, channel, user, created, updated)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                       ON CONFLICT (answer_id, channel, user) DO UPDATE SET
                         rating = excluded.rating, updated = excluded.updated,
                         comment = COALESCE(excluded.comment, feedback.comment),
                         correction = COALESCE(excluded.correction, feedback.correction)""",
                    (answer_id, rating, comment, correction.model_dump_json() if correction else None, channel,
                     user or "", now, now),
                )
            row = db.execute("SELECT id FROM feedback WHERE answer_id = ? AND channel = ? AND user = ?",
                             (answer_id, channel, user or "")).fetchone()
        feedback = self.get(row["id"])
        if self.on_rating is not None:
            self.on_rating(feedback)
        return feedback

    def comment(self, feedback_id: int, comment: str) -> Feedback:
        return self._update(feedback_id, "comment", _clean_comment(comment))

    def correct(self, feedback_id: int, correction: Correction) -> Feedback:
        return self._update(feedback_id, "correction", correction.model_dump_json())

    def _update(self, feedback_id: int, column: str, value: str | None) -> Feedback:
        with self._lock:
            db = self._conn()
            with db:
                changed = db.execute(f"UPDATE feedback SET {column} = ?, updated = ? WHERE id = ?",  # noqa: S608
                                     (value, self.clock().isoformat(), feedback_id)).rowcount
        if not changed:
            raise UnknownFeedback(f"No feedback with id {feedback_id}.")
        return self.get(feedback_id)

    def get(self, feedback_id: int) -> Feedback:
        found = self.list(ids=[feedback_id])
        if not found:
            raise UnknownFeedback(f"No feedback with id {feedback_id}.")
        return found[0]

    def list(self, *, rating: Rating | None = None, limit: int | None = None,
             ids: Sequence[int] | None = None) -> list[Feedback]:
        """Feedback, oldest first."""
        if not self._db and not self.path.exists():
            return []
        where, params = [], []
        if rating is not None:
            where.append("f.rating = ?")
            params.append(rating)
        if ids is not None:
            where.append(f"f.id IN ({','.join('?' * len(ids))})")
            params.extend(ids)
        sql = ("SELECT f.id AS fid, f.rating, f.comment, f.correction, f.channel AS fchannel, f.user AS fuser, "
               "f.created AS fcreated, f.updated, a.* FROM feedback f JOIN answers a ON a.id = f.answer_id"
               + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY f.id")
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        with self._lock:
            rows = self._conn().execute(sql, params).fetchall()
        return [
            Feedback(
                id=row["fid"], rating=row["rating"], comment=row["comment"],
                correction=Correction.model_validate_json(row["correction"]) if row["correction"] else None,
                channel=row["fchannel"], user=row["fuser"] or None, created=row["fcreated"], updated=row["updated"],
                answer=_record_from_row(row),
            )
            for row in rows
        ]

    def counts(self) -> dict[str, int]:
        counts = {"up": 0, "down": 0}
        if not self._db and not self.path.exists():
            return counts
        with self._lock:
            for row in self._conn().execute("SELECT rating, COUNT(*) AS n FROM feedback GROUP BY rating"):
                counts[row["rating"]] = row["n"]
        return counts


def _record_from_row(row: sqlite3.Row) -> AnswerRecord:
    return AnswerRecord(
        id=row["id"], created=row["created"], channel=row["channel"], user=row["user"], question=row["question"],
        history=json.loads(row["history"]), today=row["today"], answer=Answer.model_validate_json(row["answer"]),
        index_version=row["index_version"],
    )


def _clean_comment(comment: str | None) -> str | None:
    if comment is None:
        return None
    comment = comment.strip()
    if len(comment) > MAX_COMMENT_CHARS:
        raise FeedbackError(f"A comment is at most {MAX_COMMENT_CHARS} characters (got {len(comment)}).")
    return comment or None


# --- exports -------------------------------------------------------------------------------------------------


def flat(feedback: Feedback) -> dict[str, Any]:
    """One feedback as a flat row (CSV, and the top level of a JSON Lines export)."""
    record, answer = feedback.answer, feedback.answer.answer
    return {
        "feedback_id": feedback.id,
        "created": feedback.created.isoformat(),
        "rating": feedback.rating,
        "comment": feedback.comment or "",
        "channel": feedback.channel,
        "user": feedback.user or "",
        "answer_id": record.id,
        "question": record.question,
        "answer": answer.text,
        "citations": "; ".join(c.label for c in answer.citations),
        "deadlines": "; ".join(d.date.isoformat() for d in answer.deadlines),
        "refused": answer.refused,
        "mode": answer.mode,
        "lang": answer.lang,
        "today": record.today.isoformat() if record.today else "",
        "index_version": record.index_version or "",
        "history": json.dumps(record.history, ensure_ascii=False),
        "correction": feedback.correction.model_dump_json() if feedback.correction else "",
    }


CSV_COLUMNS = [
    "feedback_id", "created", "rating", "comment", "channel", "user", "answer_id", "question", "answer", "citations",
    "deadlines", "refused", "mode", "lang", "today", "index_version", "history", "correction",
]


def export_jsonl(items: Iterable[Feedback]) -> str:
    """One JSON object a line: the feedback with the whole answer (citations and deadlines in full)."""
    return "".join(json.dumps(f.model_dump(mode="json"), ensure_ascii=False) + "\n" for f in items)


def export_csv(items: Iterable[Feedback]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for item in items:
        writer.writerow(flat(item))
    return out.getvalue()


def eval_question(feedback: Feedback) -> dict[str, Any] | None:
    """The rated question in the evaluation-file format (``regchat.evaluation``), or ``None`` when there is
    no gold: a thumbs-up makes the answer given the gold; a thumbs-down needs a reviewer's correction."""
    record, answer = feedback.answer, feedback.answer.answer
    correction = feedback.correction
    if correction is not None:
        refs = [r.model_dump(exclude_none=True) for r in correction.gold_citations]
        dates = [d.isoformat() for d in correction.gold_dates]
        mentions = list(correction.must_mention)
        out_of_scope = correction.out_of_scope
    elif feedback.rating == "up":
        seen: list[dict] = []
        for c in answer.citations:
            ref = {"doc": c.doc_id, **({"article": c.article} if c.article is not None else {})}
            if ref not in seen:
                seen.append(ref)
        refs, mentions, out_of_scope = seen, [], answer.refused
        dates = sorted({d.date.isoformat() for d in answer.deadlines})
    else:
        return None
    if out_of_scope:
        category: Category = "out_of_scope"
    elif dates:
        category = "deadline"
    elif record.history:
        category = "followup"
    else:
        category = "lookup"
    question: dict[str, Any] = {
        "id": f"feedback-{feedback.id}",
        "question": record.question,
        "category": category,
        "lang": answer.lang,
        "gold_citations": [] if out_of_scope else refs,
    }
    if record.today:
        question["today"] = record.today.isoformat()
    if record.history:
        question["history"] = record.history
    if dates and not out_of_scope:
        question["gold_dates"] = dates
    if mentions:
        question["must_mention"] = mentions
    question["feedback"] = {"rating": feedback.rating, "comment": feedback.comment, "answer_id": record.id,
                            "mode": answer.mode, "index_version": record.index_version}
    return question


def eval_questions(items: Iterable[Feedback]) -> tuple[list[dict[str, Any]], list[Feedback]]:
    """The questions with gold, and the thumbs-down still waiting for a correction."""
    questions, waiting = [], []
    for item in items:
        question = eval_question(item)
        if question is None:
            waiting.append(item)
        else:
            questions.append(question)
    return questions, waiting


# --- ratings typed in a chat ------------------------------------------------------------------------------

#: Marks that rate the previous answer; what follows one is the comment ("👎 日期错了").
_MARKS = {"👍": "up", "[强]": "up", "/:strong": "up", "👎": "down", "[弱]": "down", "/:weak": "down"}
#: Words that rate it when they are the whole message, or start it followed by punctuation ("不对，日期错了").
_WORDS = {
    "有用": "up", "有帮助": "up", "对": "up", "对的": "up", "正确": "up", "helpful": "up", "correct": "up",
    "不对": "down", "错了": "down", "不正确": "down", "没用": "down", "wrong": "down", "incorrect": "down",
}
_EDGE = " \t\n!！。.,，:：;；~～-—"
_SKIN = re.compile("[\U0001F3FB-\U0001F3FF\uFE0F]")


def read_rating(text: str) -> tuple[Rating, str | None] | None:
    """``("up" | "down", comment)`` when a chat message rates the previous answer, else ``None``.

    "👎", "[弱]" or "不对" alone, or followed by a comment ("👎 日期错了", "不对，是第32条"). Anything
    else is a question, not a rating ("对外国人的规定" is not a thumbs-up).
    """
    text = _SKIN.sub("", text or "").strip(_EDGE)
    if not text:
        return None
    for mark, rating in _MARKS.items():
        if text.startswith(mark):
            return rating, text[len(mark):].strip(_EDGE) or None  # type: ignore[return-value]
    lowered = text.lower()
    if lowered in _WORDS:
        return _WORDS[lowered], None  # type: ignore[return-value]
    for word in sorted(_WORDS, key=len, reverse=True):
        if lowered.startswith(word) and len(text) > len(word) and text[len(word)] in _EDGE:
            return _WORDS[word], text[len(word):].strip(_EDGE) or None  # type: ignore[return-value]
    return None


@dataclass
class _Last:
    answer_id: str
    at: float


class ChatFeedback:
    """Ratings typed right after an answer in a messaging channel (WeChat, WeCom)."""

    THANKS = {
        "up": "Thank you for the feedback! / 谢谢您的反馈！",
        "down": "Thank you, noted: the answer will be reviewed. You can also say what was wrong, e.g. \"👎 the date "
        "is wrong\". / 谢谢，已记录，我们会核查这个回答。也可以说明哪里不对，例如“👎 日期不对”。",
    }

    def __init__(self, store: FeedbackStore, clock: Callable[[], float], *, window: float = 1800.0):
        self.store, self.clock, self.window = store, clock, window
        self._last: dict[tuple[str, str], _Last] = {}
        self._lock = threading.Lock()

    def answered(self, channel: str, user: str, answer_id: str) -> None:
        """An answer was given to ``user``: a rating typed next refers to it."""
        with self._lock:
            self._last[(channel, user)] = _Last(answer_id, self.clock())
            if len(self._last) > 10_000:
                cutoff = self.clock() - self.window
                self._last = {k: v for k, v in self._last.items() if v.at >= cutoff}

    def reply(self, channel: str, user: str, text: str) -> str | None:
        """The thanks when ``text`` rates the answer ``user`` just got (recording it); else ``None``."""
        rating = read_rating(text)
        if rating is None:
            return None
        with self._lock:
            last = self._last.get((channel, user))
        if last is None or self.clock() - last.at > self.window:
            return None
        try:
            self.store.rate(last.answer_id, rating[0], comment=rating[1], channel=channel, user=user)
        except UnknownAnswer:
            return None
        return self.THANKS[rating[0]]


__all__ = [
    "AnswerRecord", "ChatFeedback", "Correction", "Feedback", "FeedbackError", "FeedbackStore", "GoldRef",
    "UnknownAnswer", "UnknownFeedback", "eval_question", "eval_questions", "export_csv", "export_jsonl", "flat",
    "read_rating",
]
