"""Metrics over question files: how often regchat retrieves and cites the right
provision, computes the right date, mentions what it must, and refuses what it
should.

A question file is JSON Lines, one question a line::

    {"id": "d001", "question": "...", "category": "deadline", "lang": "en",
     "today": "2026-11-22", "history": [{"role": "user", "content": "..."}],
     "gold_citations": [{"doc": "cn-exit-entry-law", "article": 30}, {"doc": "cn-work-permit-card"}],
     "acceptable_citations": [{"doc": "...", "article": 18}],
     "gold_dates": ["2026-04-01"], "must_mention": ["30"]}

``today``, ``history``, ``acceptable_citations``, ``gold_dates`` and
``must_mention`` are optional. A reference without ``article`` matches any
provision of that document; a document regchat has never seen simply never
matches, so its questions score zero.

Everything here is pure: :func:`score` turns one question and one
:class:`~regchat.documents.Answer` into a :class:`QuestionResult`, and
:func:`summarize` / :func:`build_report` aggregate results. Running the engine
and timing it is the caller's business (``evals/run.py``).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from difflib import get_close_matches
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .documents import Answer
from .errors import RegchatError

Category = Literal[
    "lookup", "deadline", "procedure", "out_of_scope", "ambiguous", "followup", "not_stated", "multi"
]
Expect = Literal["answer", "refuse", "not_stated", "clarify"]
METRICS = (
    "retrieval_recall_at_5",
    "mrr",
    "citation_precision",
    "citation_recall",
    "date_accuracy",
    "must_mention_rate",
    "refusal_accuracy",
    "over_refusal_rate",
    "not_stated_accuracy",
    "clarify_accuracy",
    "quote_language_match",
)
RECALL_K = 5


class QuestionFileError(RegchatError):
    """A question file cannot be used; the message names the file and line."""

    def __init__(self, path: Path | str, line: int | None, reason: str):
        self.path = Path(path)
        self.line = line
        self.reason = reason
        where = f"{self.path}, line {line}" if line is not None else str(self.path)
        super().__init__(f"{where}: {reason}")


# --------------------------------------------------------------------------- questions


class Ref(BaseModel):
    """A reference to a document, or to one article of it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    doc: str = Field(min_length=1)
    article: int | None = None

    def matches(self, doc_id: str, article: int | None) -> bool:
        return self.doc == doc_id and (self.article is None or self.article == article)

    def __str__(self) -> str:
        return self.doc if self.article is None else f"{self.doc}#{self.article}"


class Turn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    role: Literal["user", "assistant"]
    content: str


class Question(BaseModel):
    """One line of a question file. Fields not in the format are ignored (a team's
    own notes can stay in its file), unless they look like a misspelt field."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    category: Category
    lang: Literal["en", "zh"]
    today: dt.date | None = None
    history: list[Turn] = Field(default_factory=list)
    expect: Expect | None = None
    gold_citations: list[Ref] = Field(default_factory=list)
    acceptable_citations: list[Ref] = Field(default_factory=list)
    gold_dates: list[dt.date] = Field(default_factory=list)
    must_mention: list[str] = Field(default_factory=list)

    @property
    def expected(self) -> Expect:
        """What a good answer does: answer, refuse, say the documents do not state it, or ask which case."""
        return self.expect or ("refuse" if self.category == "out_of_scope" else "answer")

    @property
    def in_scope(self) -> bool:
        return self.expected != "refuse"

    def history_dicts(self) -> list[dict[str, str]]:
        return [turn.model_dump() for turn in self.history]


def parse_questions(lines: Iterable[str], source: Path | str = "<questions>") -> list[Question]:
    """Parse JSON Lines text into questions. Blank lines are skipped.

    Raises :class:`QuestionFileError` naming the line for bad JSON, a missing or
    malformed field, or a repeated id.
    """
    questions: list[Question] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise QuestionFileError(source, number, f"not valid JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(raw, dict):
            raise QuestionFileError(source, number, "expected a JSON object")
        for key in raw:
            if key not in Question.model_fields and (close := get_close_matches(key, list(Question.model_fields), 1, 0.75)):
                raise QuestionFileError(source, number, f"unknown field {key!r} (did you mean {close[0]!r}?)")
        try:
            question = Question.model_validate(raw)
        except ValidationError as exc:
            raise QuestionFileError(source, number, _describe(exc)) from None
        if question.expected == "answer" and "gold_citations" not in raw:
            raise QuestionFileError(source, number, "missing field 'gold_citations' (a question to answer needs them)")
        if question.id in seen:
            raise QuestionFileError(source, number, f"id {question.id!r} already used on line {seen[question.id]}")
        seen[question.id] = number
        questions.append(question)
    return questions


def load_questions(path: Path | str) -> list[Question]:
    """Read a question file (UTF-8 JSON Lines). An empty file gives an empty list."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionFileError(path, None, f"cannot be read ({exc})") from None
    return parse_questions(text.splitlines(), path)


def _describe(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        field = ".".join(str(p) for p in error["loc"]) or "line"
        if error["type"] == "missing":
            parts.append(f"missing field {field!r}")
        elif error["type"] == "extra_forbidden":
            parts.append(f"unknown field {field!r}")
        else:
            parts.append(f"field {field!r}: {error['msg']}")
    return "; ".join(parts)


# --------------------------------------------------------------------------- dates in text

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATE_PATTERNS = [
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]"),
    re.compile(r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<y>\d{4})\b", re.IGNORECASE),
    re.compile(r"\b" + _MONTH + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})\b", re.IGNORECASE),
]


def dates_in_text(text: str) -> set[dt.date]:
    """Every full date written in ``text``: 2026-04-01, 2026/4/1, 2026年4月1日,
    1 April 2026, April 1, 2026. Impossible dates are ignored."""
    found: set[dt.date] = set()
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            parts = match.groupdict()
            month = int(parts["m"]) if parts.get("m") else _MONTHS[parts["mon"].lower()]
            try:
                found.add(dt.date(int(parts["y"]), month, int(parts["d"])))
            except ValueError:
                continue
    return found


def answer_dates(answer: Answer) -> set[dt.date]:
    """Dates an answer states: its computed deadlines (and act-by days) and the dates in its text."""
    dates = dates_in_text(answer.text)
    for deadline in answer.deadlines:
        dates.add(deadline.date)
        if deadline.act_by is not None:
            dates.add(deadline.act_by)
    return dates


# --------------------------------------------------------------------------- one question


class QuestionResult(BaseModel):
    """How one answer scored against one question."""

    id: str
    category: str
    lang: str
    question: str
    in_scope: bool
    answer: str = ""
    retrieved: list[str] = Field(default_factory=list, description="Provision keys in rank order")
    citations: list[str] = Field(default_factory=list)
    dates: list[dt.date] = Field(default_factory=list)
    refused: bool = False
    expected: str = "answer"
    outcome: str = "answered"
    quote_lang_ok: bool | None = None
    mode: str = Field(default="offline", description="How the answer was made: offline, or llm")
    notices: list[str] = Field(default_factory=list, description="The answer's notices, e.g. a model fallback")
    latency_ms: float = 0.0
    error: str | None = None
    # the counts every aggregate is computed from
    gold_n: int = 0
    recall_at_5: float | None = None
    reciprocal_rank: float | None = None
    cited_n: int = 0
    cited_correct_n: int = 0
    gold_cited_n: int = 0
    dates_ok: bool | None = None
    mention_ok: bool | None = None
    missing_mentions: list[str] = Field(default_factory=list)
    passed: dict[str, bool | None] = Field(default_factory=dict, description="Pass/fail per metric; None = not applicable")

    @property
    def ok(self) -> bool:
        return all(v for v in self.passed.values() if v is not None)


def _unique(refs: Sequence[Ref]) -> list[Ref]:
    return list(dict.fromkeys(refs))


def _matches_any(refs: Sequence[Ref], doc_id: str, article: int | None) -> bool:
    return any(ref.matches(doc_id, article) for ref in refs)


def score(question: Question, answer: Answer | None, *, latency_ms: float = 0.0, error: str | None = None) -> QuestionResult:
    """Score one answer. ``answer=None`` (the engine failed) scores zero everywhere
    it can, and the question counts as not refused."""
    answer = answer or Answer(text="")
    gold = _unique(question.gold_citations)
    allowed = gold + [r for r in _unique(question.acceptable_citations) if r not in gold]

    # citations, each provision once
    cited: dict[tuple[str, int | None, str | None], None] = {}
    for citation in answer.citations:
        cited.setdefault((citation.doc_id, citation.article, None if citation.article is not None else citation.section))
    cited_correct = sum(1 for doc_id, article, _ in cited if _matches_any(allowed, doc_id, article))
    gold_cited = sum(1 for ref in gold if any(ref.matches(doc_id, article) for doc_id, article, _ in cited))

    recall = rr = None
    if gold:
        top = [(item.doc_id, item.article) for item in answer.retrieved[:RECALL_K]]
        recall = sum(1 for ref in gold if any(ref.matches(d, a) for d, a in top)) / len(gold)
        rr = 0.0
        for rank, item in enumerate(answer.retrieved, start=1):
            if _matches_any(gold, item.doc_id, item.article):
                rr = 1.0 / rank
                break

    stated = answer_dates(answer)
    dates_ok = all(day in stated for day in question.gold_dates) if question.gold_dates else None

    text = answer.text.casefold()
    missing = [term for term in question.must_mention if term.casefold() not in text]
    mention_ok = (not missing) if question.must_mention else None

    refusal_ok = answer.refused == (not question.in_scope)
    expected = question.expected
    outcome = "refused" if answer.refused else answer.outcome
    quoted = [c for c in answer.citations if c.quote and c.quote_lang and question.lang in c.languages]
    quote_lang_ok = all(c.quote_lang == question.lang for c in quoted) if quoted else None
    passed: dict[str, bool | None] = {
        "retrieval": None if recall is None else recall == 1.0,
        "citations": (gold_cited == len(gold) and cited_correct == len(cited)) if gold else (len(cited) == 0 if not question.in_scope else None),
        "dates": dates_ok,
        "must_mention": mention_ok,
        "refusal": refusal_ok,
        "outcome": (outcome == expected) if expected in ("not_stated", "clarify") else None,
        "quote_language": quote_lang_ok,
    }
    return QuestionResult(
        id=question.id,
        category=question.category,
        lang=question.lang,
        question=question.question,
        in_scope=question.in_scope,
        answer=answer.text,
        retrieved=[item.key for item in answer.retrieved],
        citations=[f"{d}#{a if a is not None else s}" for d, a, s in cited],
        dates=sorted(stated),
        refused=answer.refused,
        expected=expected,
        outcome=outcome,
        quote_lang_ok=quote_lang_ok,
        mode=answer.mode,
        notices=list(answer.notices),
        latency_ms=latency_ms,
        error=error,
        gold_n=len(gold),
        recall_at_5=recall,
        reciprocal_rank=rr,
        cited_n=len(cited),
        cited_correct_n=cited_correct,
        gold_cited_n=gold_cited,
        dates_ok=dates_ok,
        mention_ok=mention_ok,
        missing_mentions=missing,
        passed=passed,
    )


# --------------------------------------------------------------------------- aggregates


def _mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) by linear interpolation between closest ranks; None if empty."""
    if not 0 <= q <= 100:
        raise ValueError("q must be between 0 and 100")
    ordered = sorted(values)
    if not ordered:
        return None
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarize(results: Sequence[QuestionResult]) -> dict[str, float | int | None]:
    """The headline metrics over ``results``. A metric with no applicable question is None.

    - retrieval_recall_at_5: mean over questions with gold citations of the share
      of their gold citations matched in the top 5 retrieved
    - mrr: mean reciprocal rank of the first retrieved provision matching a gold citation
    - citation_precision: cited provisions (each once) matching gold or acceptable, over all cited
    - citation_recall: gold citations cited, over all gold citations
    - date_accuracy: questions with gold dates whose every gold date the answer states
    - must_mention_rate: questions with must_mention whose answer contains every term
    - refusal_accuracy: out-of-scope questions refused
    - over_refusal_rate: in-scope questions refused
    """
    gold = [r for r in results if r.gold_n]
    in_scope = [r for r in results if r.in_scope]
    out_scope = [r for r in results if not r.in_scope]
    latencies = [r.latency_ms for r in results]
    return {
        "n": len(results),
        "retrieval_recall_at_5": _mean(r.recall_at_5 for r in gold if r.recall_at_5 is not None),
        "mrr": _mean(r.reciprocal_rank for r in gold if r.reciprocal_rank is not None),
        "citation_precision": _ratio(sum(r.cited_correct_n for r in results), sum(r.cited_n for r in results)),
        "citation_recall": _ratio(sum(r.gold_cited_n for r in gold), sum(r.gold_n for r in gold)),
        "date_accuracy": _mean(float(r.dates_ok) for r in results if r.dates_ok is not None),
        "must_mention_rate": _mean(float(r.mention_ok) for r in results if r.mention_ok is not None),
        "refusal_accuracy": _mean(float(r.refused) for r in out_scope),
        "over_refusal_rate": _mean(float(r.refused) for r in in_scope),
        "not_stated_accuracy": _mean(float(r.outcome == "not_stated") for r in results if r.expected == "not_stated"),
        "clarify_accuracy": _mean(float(r.outcome == "clarify") for r in results if r.expected == "clarify"),
        "quote_language_match": _mean(float(r.quote_lang_ok) for r in results if r.quote_lang_ok is not None),
        "latency_p50_ms": percentile(latencies, 50),
        "latency_p95_ms": percentile(latencies, 95),
        "pass_rate": _mean(float(r.ok) for r in results),
        "errors": sum(1 for r in results if r.error),
        "answers_with_notices": sum(1 for r in results if r.notices),
        "answer_modes": dict(Counter(r.mode for r in results)),
    }


def wilson(successes: float, n: int, z: float = 1.96) -> tuple[float, float] | None:
    """The Wilson score interval (95% by default) of a proportion; None when n is 0."""
    if n <= 0:
        return None
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def intervals(results: Sequence[QuestionResult]) -> dict[str, tuple[float, float] | None]:
    """95% confidence intervals of the proportion metrics (for small question sets)."""
    gold = [r for r in results if r.gold_n]
    dated = [r for r in results if r.dates_ok is not None]
    out_scope = [r for r in results if not r.in_scope]
    in_scope = [r for r in results if r.in_scope]
    return {
        "citation_precision": wilson(sum(r.cited_correct_n for r in results), sum(r.cited_n for r in results)),
        "citation_recall": wilson(sum(r.gold_cited_n for r in gold), sum(r.gold_n for r in gold)),
        "date_accuracy": wilson(sum(r.dates_ok for r in dated), len(dated)),
        "refusal_accuracy": wilson(sum(r.refused for r in out_scope), len(out_scope)),
        "over_refusal_rate": wilson(sum(r.refused for r in in_scope), len(in_scope)),
        "pass_rate": wilson(sum(r.ok for r in results), len(results)),
    }


def grade_summary(grades: Iterable[dict], results: Sequence[QuestionResult]) -> dict:
    """Hand grades (``{"id": ..., "grade": 0|1|2, "note": ...}`` per line of grades.jsonl)
    counted overall and per language, each share with its 95% interval."""
    lang = {r.id: r.lang for r in results}
    groups: dict[str, list[int]] = {"all": []}
    for g in grades:
        if g.get("id") not in lang or g.get("grade") not in (0, 1, 2):
            continue
        groups["all"].append(g["grade"])
        groups.setdefault(lang[g["id"]], []).append(g["grade"])
    out = {}
    for name, values in groups.items():
        n = len(values)
        out[name] = {
            "n": n,
            **{f"grade_{k}": values.count(k) for k in (2, 1, 0)},
            **{f"share_{k}": (values.count(k) / n if n else None) for k in (2, 0)},
            **{f"ci95_{k}": wilson(values.count(k), n) for k in (2, 0)},
        }
    return out


def group_by(results: Sequence[QuestionResult], field: Literal["category", "lang"]) -> dict[str, dict]:
    """:func:`summarize` per value of ``field``, in first-seen order."""
    groups: dict[str, list[QuestionResult]] = {}
    for result in results:
        groups.setdefault(getattr(result, field), []).append(result)
    return {name: summarize(members) for name, members in groups.items()}


def build_report(results: Sequence[QuestionResult], **meta) -> dict:
    """The full JSON-ready report: headline metrics, per category, per language, per question.
    ``meta`` (mode, question file, timestamps...) goes under ``"meta"``."""
    return {
        **summarize(results),
        "ci95": intervals(results),
        "by_category": group_by(results, "category"),
        "by_lang": group_by(results, "lang"),
        "meta": meta,
        "results": [r.model_dump(mode="json") | {"ok": r.ok} for r in results],
    }
