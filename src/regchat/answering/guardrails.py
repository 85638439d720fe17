"""Checks every answer passes before anyone sees it, whoever wrote it.

Citation markers
    An answer cites a provision with its key in square brackets, right after
    the statement it supports: ``... within 30 days [cn-exit-entry-law#30]``.
    A verbatim quote goes in double quotes in the same sentence:
    ``"within 30 days from the date of their entry" [cn-exit-entry-law#30]``.

:func:`check_citations`
    keeps a citation only when its key names a provision the pipeline
    retrieved or looked up, and its quote (if any) is in that provision's text.
    A sentence that loses its only citation is removed with it; so is a
    sentence that names an article ("Article 99", "第99条") none of the
    consulted provisions carries. Everything removed is logged and reported.

:func:`check_dates`
    lets a date stand only when it came from the question, the conversation,
    a consulted provision's text, or a deadline computed by the calculator.
    Any other date is replaced by the computed deadline when there is exactly
    one, and flagged ``[unverified]`` otherwise.

These are pure functions over the text; nothing in a user's message can turn
them off because nothing in a message reaches them except the text checked.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from ..documents import Citation, Deadline, Provision
from .dates import DateProblem, FoundDate, find_dates, scan_dates, zh_number
from .references import EN_ARTICLE_REF, ZH_ARTICLE_REF

log = logging.getLogger(__name__)

MARKER = re.compile(r"\[(?P<key>[a-z0-9][a-z0-9-]*#[A-Za-z0-9]+)\]")
_QUOTE = re.compile(r"[\"“](?P<q>[^\"“”]{8,}?)[\"”]")
# Sentence ends: . ! ? followed by space (not after "Art." / "No."), or Chinese 。！？, or a line break.
_SENTENCE_END = re.compile(r"(?<=[。！？])|(?<=[.!?])(?<!\bArt\.)(?<!\bNo\.)(?<!\be\.g\.)(?<!\bi\.e\.)\s+|\n+")
UNVERIFIED = "[unverified]"
_LEADING_MARKERS = re.compile(r"(?:[ \t]*\[[a-z0-9][a-z0-9-]*#[A-Za-z0-9]+\])+[ \t]*")


def marker(provision: Provision) -> str:
    """The marker that cites ``provision``."""
    return f"[{provision.key}]"


def split_sentences(text: str) -> list[str]:
    """Sentences (and line breaks) of ``text``; joining them gives ``text`` back."""
    parts: list[str] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        if end <= pos:
            continue
        parts.append(text[pos:end])
        pos = end
    if pos < len(text):
        parts.append(text[pos:])
    # A marker written after the full stop belongs to the sentence before it.
    merged: list[str] = []
    for part in parts:
        lead = _LEADING_MARKERS.match(part)
        if merged and lead and not merged[-1].endswith("\n"):
            merged[-1] += lead.group(0)
            part = part[lead.end() :]
        if part:
            merged.append(part)
    return merged


def normalise(text: str) -> str:
    """Lower case, one kind of quote and apostrophe, single spaces: for comparing quotes."""
    text = text.lower().replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text).strip()


def quote_in(quote: str, provision_text: str) -> bool:
    """Whether ``quote`` appears in the provision; '...' may stand for omitted words."""
    haystack = normalise(provision_text)
    pieces = [normalise(p).strip(" .,;:") for p in re.split(r"\.\.\.|…", quote)]
    pieces = [p for p in pieces if p]
    return bool(pieces) and all(p in haystack for p in pieces)


def _best_sentence(provision: Provision, context: str) -> str:
    """The provision sentence sharing most words with ``context`` (the first one if none do)."""
    words = set(re.findall(r"[a-z]{4,}", context.lower()))
    sentences = [s.strip() for s in split_sentences(provision.text) if len(s.strip()) > 20]
    if not sentences:
        return provision.text.strip()[:300]
    return max(sentences, key=lambda s: len(words & set(re.findall(r"[a-z]{4,}", s.lower()))))


@dataclass
class CitationCheck:
    text: str
    citations: list[Citation] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # one line per thing removed, for logs and notices


def _citation(provision: Provision, quote: str) -> Citation:
    return Citation(
        doc_id=provision.doc_id,
        article=provision.article,
        section=None if provision.article is not None else provision.ref,
        label=provision.label,
        quote=quote,
    )


def _named_articles(sentence: str) -> set[int]:
    numbers = {int(m.group(1)) for m in EN_ARTICLE_REF.finditer(sentence)}
    numbers |= {n for m in ZH_ARTICLE_REF.finditer(sentence) if (n := zh_number(m.group(1))) is not None}
    return numbers


def check_citations(
    text: str, consulted: Mapping[str, Provision], *, check_named_articles: bool = True
) -> CitationCheck:
    """Keep only citations to ``consulted`` provisions (key -> provision) whose quotes are theirs.

    ``check_named_articles``: also remove sentences naming an article number
    that no consulted provision has (for text a model wrote).
    """
    known_articles = {p.article for p in consulted.values() if p.article is not None}
    out: list[str] = []
    citations: dict[str, Citation] = {}
    removed: list[str] = []
    for sentence in split_sentences(text):
        keys = [m.group("key") for m in MARKER.finditer(sentence)]
        bad_keys = [k for k in keys if k not in consulted]
        good = [consulted[k] for k in keys if k in consulted]
        drop = False
        for k in bad_keys:
            removed.append(f"citation [{k}] does not point to a provision that was retrieved or looked up")
        if bad_keys and not good:
            drop = True
        quotes = [m.group("q") for m in _QUOTE.finditer(sentence)] if keys else []
        quote_for: dict[str, str] = {}
        for q in quotes:
            owner = next((p for p in good if quote_in(q, p.all_text())), None)
            if owner is None:
                removed.append(f"quote \"{q[:60]}\" is not in the text of {', '.join(keys) or 'any cited provision'}")
                drop = True
            else:
                quote_for.setdefault(owner.key, q)
        if check_named_articles and not drop:
            unknown = sorted(_named_articles(MARKER.sub("", sentence)) - known_articles)
            if unknown:
                removed.append(
                    "statement names " + ", ".join(f"Article {n}" for n in unknown)
                    + ", which is not among the provisions consulted"
                )
                drop = True
        if drop:
            log.warning("guardrail removed: %r (%s)", sentence.strip()[:120], removed[-1] if removed else "")
            if sentence.endswith("\n"):
                out.append("\n")
            continue
        for k in bad_keys:
            sentence = sentence.replace(f"[{k}]", "")
        for p in good:
            if p.key not in citations:
                quote = quote_for.get(p.key) or _best_sentence(p, MARKER.sub("", sentence))
                citations[p.key] = _citation(p, quote.strip())
            elif quote_for.get(p.key) and not citations[p.key].quote:
                citations[p.key] = _citation(p, quote_for[p.key])
        out.append(sentence)
    cleaned = re.sub(r"[ \t]+\n", "\n", "".join(out))
    cleaned = re.sub(r"\n{3,}", "\n\n", cleaned).strip()
    return CitationCheck(cleaned, list(citations.values()), removed)


@dataclass
class DateCheck:
    text: str
    notices: list[str] = field(default_factory=list)


def deadline_dates(deadlines: Iterable[Deadline]) -> set[dt.date]:
    """Every date a computation produced: results, act-by days, and dates in its steps."""
    out: set[dt.date] = set()
    for d in deadlines:
        out.add(d.date)
        if d.act_by:
            out.add(d.act_by)
        for step in d.steps:
            out |= {v for f in find_dates(step) if (v := f.resolve(dt.date.min))}
    return out


def check_dates(
    text: str,
    *,
    allowed: set[dt.date],
    deadlines: list[Deadline],
    today: dt.date,
    written: Collection[str] = (),
) -> DateCheck:
    """Correct or flag every date in ``text`` that is neither ``allowed`` nor computed.

    Every form a date can be written in counts (see :mod:`.dates`): numeric
    ones with the year last ("04/05/2026", "5.4.2026"), Chinese numerals
    ("二〇二六年四月五日"), dates without a year ("4月5日", "April 5th"). A date
    whose day and month order is unknown stands when either reading is
    permitted. A day the calendar does not have ("2026-02-30") never stands,
    unless its text is among ``written`` (date texts from the question, which
    an answer may quote to say what is wrong with them, or what it took them for).
    """
    permitted = set(allowed) | deadline_dates(deadlines) | {today}
    found, problems = scan_dates(text, today)
    items: list[FoundDate | DateProblem] = sorted([*found, *problems], key=lambda f: f.start)
    notices: list[str] = []
    pieces: list[str] = []
    pos = 0
    for item in items:
        if _date_stands(item, permitted, today, set(written)):
            continue
        pieces.append(text[pos : item.start])
        if len(deadlines) == 1:
            pieces.append(deadlines[0].date.isoformat())
            notices.append(
                f"Corrected a date ({item.text}) to the computed deadline {deadlines[0].date.isoformat()}."
            )
        else:
            pieces.append(f"{text[item.start : item.end]} {UNVERIFIED}")
            notices.append(f"The date {item.text} was not computed by the deadline calculator; check it.")
        log.warning("guardrail date: %r not from the question, a provision or a computation", item.text)
        pos = item.end
    pieces.append(text[pos:])
    return DateCheck("".join(pieces), notices)


def _date_stands(item: FoundDate | DateProblem, permitted: set[dt.date], today: dt.date, written: set[str]) -> bool:
    """Whether a date found in an answer may stay as written."""
    if isinstance(item, DateProblem):
        if item.kind == "nonexistent":
            return item.text in written
        if item.year is None:  # either reading, in any year
            return any((p.month, p.day) in {(r.month, r.day) for r in item.readings} for p in permitted) or (
                item.text in written
            )
        return any(r in permitted for r in item.readings)
    value = item.resolve(today)
    if value is None or value in permitted or item.text in written:
        return True
    # A yearless date is fine when any year's reading of it is permitted.
    return item.year is None and any((p.month, p.day) == (item.month, item.day) for p in permitted)


def render_markers(text: str, consulted: Mapping[str, Provision]) -> str:
    """Replace citation markers by readable labels: '(Exit and Entry Administration Law, Art. 30)'."""

    def label(m: re.Match[str]) -> str:
        p = consulted.get(m.group("key"))
        if p is None:
            return ""
        # Already named just before (a heading line): the marker adds nothing.
        if p.label in m.string[max(0, m.start() - 400) : m.start()]:
            return ""
        return f"({p.label})"

    return re.sub(r"[ \t]+(\n|$)", r"\1", MARKER.sub(label, text))
