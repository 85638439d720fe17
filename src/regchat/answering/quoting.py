"""What to quote from a provision, in which language, and how to name the part quoted.

A reader gets the text in their own language where the document has one: the
official Chinese text for a Chinese question, the English translation for an
English one. The version quoted is the one in force on the day the question is
about. The part quoted is the paragraph or item that answers, whole when it is
short (so the condition a paragraph attaches to its rule comes with it), an
item with its paragraph's lead-in; the citation names that part ("Art. 6(13)",
"第六条第（十三）项", numbered as in the text in force).

Where the reader's language has no text (an English reader and a Law article
outside Chapter IV, or the K-visa items the translation predates), the quote is
the official text and the answer says so, with the document's English summary
of the article when it has one (else the figures the text contains, written in
digits); where the translation follows an older version whose text
has since changed, the answer says that the Chinese text in force governs.

Everything here is pure.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..documents import Provision, ProvisionText
from ..parsing import chinese_to_int
from ..parts import Part, align_items, paragraph_count, pinpoint, plain, referred, split_parts
from .language import Lang, zh_day

PARAGRAPH_CHARS = {"en": 520, "zh": 220}  # a paragraph this short is quoted whole
WHOLE_CHARS = {"en": 900, "zh": 420}  # an article this short is quoted whole when nothing in it matches
SECOND_PART = 0.8  # a second part is quoted too when it matches this close to the best
LIST_CHARS = {"en": 1400, "zh": 600}  # a list this short is quoted whole under the lead-in that introduces it
WHOLE_GISTS = 4  # an article quoted whole is restated paragraph by paragraph, up to this many
WHOLE_ITEMS = 6  # ... or part by part (a list's items for its lead-in), when it has no more parts than this


@dataclass
class Quote:
    """The verbatim text quoted from one provision, with what a reader needs to weigh it."""

    provision: Provision
    pieces: list[str]
    lang: str
    translation: bool = False
    pinpoint: str | None = None
    original: str = ""
    version: str | None = None
    notes: list[str] = field(default_factory=list)
    official_pieces: list[str] = field(default_factory=list)  # the same part in the official text in force
    reader_lang: str = ""  # the language of the question, when the quote is in another
    parts: list[str] = field(default_factory=list)  # the authoritative text of each part quoted
    untranslated: str = ""  # the last of ``notes`` without its summary, when ``parts`` are all the provision has

    @property
    def text(self) -> str:
        return " … ".join(self.pieces)


def version_day(today: dt.date, event_days: list[dt.date]) -> dt.date:
    """The day whose text applies: today, or the earliest event the question dates before today."""
    earlier = [d for d in event_days if d < today]
    return min(earlier) if earlier else today


def quote_language(provision: Provision, lang: Lang) -> str:
    """The language to quote a provision in for a reader of ``lang``."""
    languages = provision.languages
    return lang if lang in languages else languages[0]


PART_FIT = 0.5  # the share of its words' rating a part loses when its questions fit FIT_SPAN worse than the best part's
FIT_SPAN = 0.05  # a difference in cosine on the embedder's scale that tells one part from another


def pick_parts(parts: list[Part], score, fit: Mapping[tuple[int, int | None], float] | None = None) -> list[Part]:
    """The part that answers best (and a close second); ``score(text)`` rates a part's text.

    With ``fit`` (per (paragraph, item), how close the question comes to that part's questions in
    users' words), a part whose questions come less close than the closest part's loses up to
    ``PART_FIT`` of its rating, in proportion to how much less (``FIT_SPAN`` and more: all of it):
    of the parts sharing the question's words, the one asked about in such words comes first. A
    part sharing no word stays out, and a large lead in words is not undone by a small difference."""
    if not parts:
        return []
    rating = [score(p.text) for p in parts]
    if max(rating) <= 0:
        return []
    known = {(p.paragraph, p.item): fit[(p.paragraph, p.item)] for p in parts if fit and (p.paragraph, p.item) in fit}
    if len(known) > 1:
        closest = max(known.values())
        rating = [
            r * (1 - PART_FIT * min(1.0, (closest - known.get((p.paragraph, p.item), closest - FIT_SPAN)) / FIT_SPAN))
            for r, p in zip(rating, parts)
        ]
    scored = sorted(((r, i) for i, r in enumerate(rating)), key=lambda x: (-x[0], x[1]))
    best, first = scored[0]
    chosen = [first]
    if len(scored) > 1 and scored[1][0] >= SECOND_PART * best:
        chosen.append(scored[1][1])
    return [parts[i] for i in sorted(chosen)]


def quote_provision(
    provision: Provision,
    lang: Lang,
    day: dt.date,
    score,
    *,
    whole: bool = False,
    sentences=None,
    fit: Mapping[tuple[int, int | None], float] | None = None,
) -> Quote:
    """The quote of ``provision`` for a reader of ``lang`` about ``day``.

    ``score(text) -> float`` rates how well a piece answers the question (0: not at all);
    ``sentences(text) -> list[str]`` cuts a long paragraph into quotable sentences; ``fit``, how
    close the question comes to each part's questions in users' words (``pick_parts``).
    """
    full = provision
    provision = provision.as_of(day)
    in_lang = quote_language(provision, lang)
    version = provision.text_in(in_lang, day)
    text = version.text if version is not None else provision.text
    translation = version is not None and not version.official
    official = provision.official_text(day)
    outdated = translation and full.translation_outdated(in_lang, day)
    followed = next((t for t in full.texts if t.official and version is not None and t.version == version.follows), None)
    new_only = None
    if outdated and official is not None and followed is not None and not whole:
        # A part the translation predates (a new item) may be what is asked: quote the official text then.
        old = {plain(p.text) for p in split_parts(followed.text)}
        new_parts = [p for p in split_parts(official.text) if plain(p.text) not in old]
        best_new = max((score(p.text) for p in new_parts), default=0.0)
        summary = summary_for(full, lang)  # (what those parts say, in the reader's language)
        by_summary = score(summary.text) if new_parts and summary is not None else 0.0
        best_old = max((score(p.text) for p in split_parts(text)), default=0.0)
        if max(best_new, by_summary) > best_old:
            in_lang, text, translation = official.lang, official.text, False
            if by_summary > best_new:
                new_only = new_parts  # the reader's words meet only the summary: quote the parts it sums up
    upcoming = None
    later = [t for t in full.versions() if t.in_force is not None and t.in_force > day]
    if later and official is not None and not whole:
        # A part only a version not yet in force on that day has (the K visa, asked about before
        # 2025-10-01) may be what is asked: quote it, saying from when it applies.
        now = {plain(p.text) for p in split_parts(official.text)}
        new_parts = [p for p in split_parts(later[0].text) if plain(p.text) not in now]
        best_new = max((score(p.text) for p in new_parts), default=0.0)
        best_now = max((score(p.text) for p in split_parts(official.text)), default=0.0)  # like with like
        if best_new > best_now:
            upcoming = later[0]
            in_lang, text, translation = upcoming.lang, upcoming.text, False
    quote = Quote(provision=provision, pieces=[], lang=in_lang, translation=translation,
                  version=(upcoming or official).version if (upcoming or official) else None)  # fmt: skip
    parts = split_parts(text)
    paragraphs = max((p.paragraph for p in parts), default=1)
    limit = PARAGRAPH_CHARS["zh" if in_lang == "zh" else "en"]
    chosen = [] if whole else new_only or pick_parts(parts, score, fit)
    listed = len(chosen) == 1 and chosen[0].item is None and any(p.lead == chosen[0].text for p in parts)
    asked_parts = list(chosen)
    if listed:
        # A lead-in that introduces a list ("... in any of the following cases:") says nothing
        # without the list: quote its items too, when they are not too long; the items, each said
        # in plain words on its own, say what the list is.
        items = [p for p in parts if p.paragraph == chosen[0].paragraph and p.item is not None]
        if sum(len(p.text) for p in items) <= LIST_CHARS["zh" if in_lang == "zh" else "en"]:
            chosen = asked_parts = items
        else:
            listed = False
    elif any(_heading_only(p) for p in chosen):
        # A line that only heads the lines after it ("Requirement 2. Renewal:") says nothing alone:
        # quote the lines it heads (to the next such line), when they are not too long.
        chosen, asked_parts = _with_what_they_head(chosen, parts, LIST_CHARS["zh" if in_lang == "zh" else "en"])
    if whole or not chosen:
        if len(text) <= WHOLE_CHARS["zh" if in_lang == "zh" else "en"] or whole:
            quote.pieces = [" ".join(line.strip() for line in text.split("\n") if line.strip())]
            # Restated part by part: a list's items in place of its lead-in, when they are few enough;
            # else paragraph by paragraph.
            itemised = _said_by(parts)
            asked_parts = itemised if len(itemised) <= WHOLE_ITEMS else [p for p in parts if p.item is None][:WHOLE_GISTS]
            if whole and len(text) > WHOLE_CHARS["zh" if in_lang == "zh" else "en"]:
                quote.pieces = [p.text for p in parts if p.item is None][:2]
                asked_parts = asked_parts[:2]
        else:
            quote.pieces = [parts[0].text if len(parts[0].text) <= limit else _first(parts[0].text, sentences)]
            asked_parts = parts[:1]
    else:
        # A part that refers back ("有前款行为的", "the information stipulated in the preceding
        # paragraph") says nothing alone: the paragraph it refers to is quoted before it.
        context = _referred_context(chosen, parts, LIST_CHARS["zh" if in_lang == "zh" else "en"])
        pieces: list[str] = []
        for part in sorted([*context, *chosen], key=parts.index):
            if part.lead and part.lead not in pieces:
                pieces.append(part.lead if len(part.lead) <= limit else _first(part.lead, sentences))
            if len(part.text) <= limit or sentences is None:
                pieces.append(part.text)
            else:
                best = max(sentences(part.text), key=score, default=part.text)
                pieces.append(best)
        quote.pieces = [" ".join(p.split()) if in_lang != "zh" else p.replace("\n", "") for p in pieces]
        first = chosen[0]
        item = first.item
        if translation and item is not None and outdated and followed is not None and official is not None:
            item = align_items(text, followed.text, official.text).get(item, item)
            same = [p for p in split_parts(official.text) if p.paragraph == first.paragraph and p.item == item]
            quote.official_pieces = [p.text for p in same]
        shown = Part(first.paragraph, None if listed else item, first.text, first.lead)
        # (a quote holding several paragraphs names them all: the one referred back to, or two that answer)
        several = tuple(sorted({p.paragraph for p in [*context, *chosen]}))
        whole_paragraphs = context or all(p.item is None for p in chosen)
        quote.pinpoint = pinpoint(provision.article, shown, lang, paragraphs=paragraphs,
                                  several=several if whole_paragraphs else ())
        asked_parts = [*_said_by(context), *(p for p in asked_parts if p not in context)]
    quote.lang, quote.translation, quote.reader_lang = in_lang, translation, lang
    quote.parts = authoritative_parts(asked_parts, text, full, day) if translation else [p.text for p in asked_parts]
    if translation and official is not None:
        quote.original = official.text
        if outdated:
            quote.notes.append(outdated_note(provision, official.version, official.in_force, lang))
    if upcoming is not None:
        quote.notes.append(upcoming_note(provision, upcoming.in_force, day, lang))
    if in_lang != lang:
        quote.notes.append(untranslated_note(provision, lang, " ".join(quote.pieces), part=bool(quote.pinpoint)))
        if _covers(asked_parts, parts):  # the whole provision is restated
            quote.untranslated = untranslated_note(provision, lang, " ".join(quote.pieces),
                                                   part=bool(quote.pinpoint), summary=False)
    return quote


def _referred_context(chosen: list[Part], parts: list[Part], limit: int) -> list[Part]:
    """The parts ``chosen`` parts refer back to and do not hold themselves: a paragraph's own text,
    with its items when they fit ``limit`` (else the lead-in alone says what the items are about)."""
    context: list[Part] = []
    for part in chosen:
        context += [p for p in referred(parts, part) if p not in chosen and p not in context]
    items = [p for p in context if p.item is not None]
    if sum(len(p.text) for p in items) > limit:
        context = [p for p in context if p.item is None]
    return context


def _said_by(parts: list[Part]) -> list[Part]:
    """The parts that say something of their own: a lead-in is said by its items when they are there."""
    return [p for p in parts if not any(q.item is not None and q.lead == p.text for q in parts)]


def _covers(restated: list[Part], parts: list[Part]) -> bool:
    """Whether ``restated`` says every part: each one, or a list's lead-in by all its items."""
    def said(part: Part) -> bool:
        items = [q for q in parts if q.item is not None and q.lead == part.text and q.paragraph == part.paragraph]
        return part in restated or (part.item is None and bool(items) and all(q in restated for q in items))

    return all(said(p) for p in parts)


def _heading_only(part: Part) -> bool:
    """A paragraph that ends with a colon and has no items of its own: it heads the lines after it."""
    return part.item is None and part.text.rstrip().endswith((":", "："))


def _with_what_they_head(chosen: list[Part], parts: list[Part], limit: int) -> tuple[list[Part], list[Part]]:
    """``chosen`` with the paragraphs each heading-only part heads (up to the next heading), and the
    parts that say something (the headed lines, not the headings), when the lines fit ``limit``."""
    out: list[Part] = []
    said: list[Part] = []
    for part in chosen:
        if part in out:
            continue
        headed: list[Part] = []
        if _heading_only(part):
            start = parts.index(part) + 1
            for following in parts[start:]:
                if _heading_only(following) or following.item is not None:
                    break
                headed.append(following)
        if headed and sum(len(p.text) for p in headed) <= limit:
            out += [part, *[p for p in headed if p not in out]]
            said += [p for p in headed if p not in said]
        else:
            out.append(part)
            said.append(part)
    return out, said


def authoritative_parts(chosen: list[Part], translation: str, provision: Provision, day: dt.date) -> list[str]:
    """The official text of each part ``chosen`` from a translation: the same paragraph and item of
    the official text in force on ``day`` (items renumbered since the version the translation
    follows are found by their place in it); none when the two texts are not laid out alike."""
    official = provision.official_text(day)
    if official is None or not chosen:
        return []
    official_parts = split_parts(official.text)
    if paragraph_count(official.text) != paragraph_count(translation):
        return []
    followed = next((t for t in provision.texts if t.official and t.version == _follows(provision, translation)), None)
    moved = align_items(translation, followed.text, official.text) if followed is not None else {}
    out = []
    for part in chosen:
        item = moved.get(part.item, part.item) if part.item is not None else None
        same = [p.text for p in official_parts if p.paragraph == part.paragraph and p.item == item]
        out += same[:1]
    return out


def _follows(provision: Provision, translation: str) -> str | None:
    return next((t.follows for t in provision.texts if not t.official and t.text == translation), None)


def upcoming_note(provision: Provision, in_force: dt.date, day: dt.date, lang: Lang) -> str:
    """Say that the part quoted is in a version not yet in force on the day asked about."""
    if lang == "zh":
        return f"注意：以下内容见自{zh_day(in_force)}起施行的修订文本，{zh_day(day)}尚未施行。"
    return (
        f"Note: the part quoted is in the revised text of {provision.ref} in force from {in_force.isoformat()}; "
        f"on {day.isoformat()} it is not yet in force."
    )


def _first(text: str, sentences) -> str:
    if sentences is None:
        return text
    found = sentences(text)
    return found[0] if found else text


def outdated_note(provision: Provision, version: str | None, in_force: dt.date | None, lang: Lang) -> str:
    since = in_force.isoformat() if in_force else version or "?"
    if lang == "zh":
        return f"注意：该条英文译本依据的是旧版本；自{since}起施行的中文文本为准。"
    return (
        f"Note: the English translation of {provision.ref} follows an earlier version; the official Chinese "
        f"text in force since {since} governs (quoted below)."
    )


def summary_for(provision: Provision, lang: Lang) -> ProvisionText | None:
    """The document's summary of ``provision`` in ``lang``: of the whole provision where ``lang`` has
    no text of it (``Provision.summary_in``), else of the parts its translation lacks (the items a
    later version added)."""
    return next((t for t in provision.summaries if t.lang == lang), None)


# How the lines of :func:`untranslated_note` open (what an answer quoting more of a provision leaves out).
NOTE_OPENINGS = ("这一部分仅有英文文本", "这一条仅有英文文本", "中文摘要", "There is no English translation")


def untranslated_note(provision: Provision, lang: Lang, quoted: str, *, part: bool = False, summary: bool = True) -> str:
    """Say that the reader's language has no text of this provision; give its figures in digits, or
    the document's summary of it in the reader's language (not when ``summary`` is false: the answer
    restates the part quoted already)."""
    if not summary:
        if lang == "zh":
            return f"{'这一部分' if provision.article is None else '这一条'}仅有英文文本，下面引用英文原文。"
        return (f"There is no English translation of {'this part of ' if part else ''}{provision.label} in the "
                "documents I hold; the official Chinese text is quoted.")
    if lang == "zh":
        what = "这一部分" if provision.article is None else "这一条"
        note = f"{what}仅有英文文本，下面引用英文原文。"
        summary = provision.summary_in(lang)
        if summary is not None:
            note += "\n中文摘要（不是译文，以英文原文为准）：" + " ".join(summary.text.split())
        return note
    figures = figures_in(quoted)
    what = "this part of " if part else ""
    note = (
        f"There is no English translation of {what}{provision.label} in the documents I hold; "
        "the official Chinese text is quoted."
    )
    whole = provision.summary_in(lang)
    summary = whole or (summary_for(provision, lang) if part else None)
    if summary is not None:
        what_says = f"What {provision.ref} says" if whole is not None else "What the untranslated part says"
        note += (
            f" {what_says}, in short (a summary, not a translation; the Chinese text governs): "
            + " ".join(summary.text.split())
        )
    elif figures:
        note += " Figures it states: " + ", ".join(figures) + "."
    return note


_ZH_UNIT_WORDS = {
    "元": "yuan", "日": "days", "天": "days", "个月": "months", "月": "months", "年": "years",
    "周岁": "years of age", "小时": "hours", "个工作日": "working days", "工作日": "working days",
}  # fmt: skip
_ZH_FIGURE = re.compile(r"([零〇一二两三四五六七八九十百千万0-9]+)(个工作日|工作日|周岁|个月|小时|元|日|天|年)")


def figures_in(text: str, lang: Lang = "en") -> list[str]:
    """The amounts and periods a Chinese text states, in digits: '五百元' -> '500 yuan' ('500元')."""
    out: list[str] = []
    for m in _ZH_FIGURE.finditer(text):
        number = _zh_amount(m.group(1))
        if number is None or number == 1:  # "每…一日" is a rate, not a figure
            continue
        unit = m.group(2)
        figure = f"{number}{'个' if unit == '月' else ''}{unit}" if lang == "zh" else f"{number:,} {_ZH_UNIT_WORDS[unit]}"
        if figure not in out:
            out.append(figure)
    return out


def _zh_amount(text: str) -> int | None:
    """'五百' -> 500, '一万' -> 10000, '二万' -> 20000, '15' -> 15."""
    if text.isdigit():
        return int(text)
    try:
        if "万" in text:
            high, _, low = text.partition("万")
            return (chinese_to_int(high) if high else 1) * 10000 + (chinese_to_int(low) if low else 0)
        return chinese_to_int(text)
    except ValueError:
        return None
