"""Claim-level checks: every sentence must be supported by what it cites.

:func:`check_claims` runs after the citation check (markers still in the
text) and removes each sentence that

* contains a link, an image, HTML, or an account-like number (9 or more
  digits, an IBAN) that is not verbatim in a provision it cites;
* states a number or a period (digits, English number words, Chinese
  numerals) that is not in the text of a provision it cites (its paragraph's
  citations count for a sentence without its own) nor in a computed deadline;
* writes a date in a form the date scanner does not read (words such as "the
  thirtieth of June 2026", compact digits such as "20260630") that is not a
  computed deadline, or a relative date ("end of June", "next Monday",
  "月底") at all: only the calculator says which day a deadline falls on;
* names an article or section that does not exist in the document it cites
  or names ("Article 88", "Section 88");
* names a law or regulation regchat does not hold;
* says something is not needed, fine or allowed without quoting the provision
  that says so;
* (in English) has no word in common with the provisions it cites: an answer about
  something else wearing a real citation.

Dates the scanner reads are left to ``check_dates``; for a model's text the
caller permits only computed dates and dates in the provisions, never dates
from the question or the conversation, and removes what that check flags.

The same checks run on offline answers, where they must never fire: the
offline composer writes only what the provisions and the calculator give it.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..documents import Deadline, Provision
from .dates import scan_dates, zh_number
from .guardrails import MARKER, UNVERIFIED, _QUOTE, quote_in, split_sentences
from .references import EN_ARTICLE_REF, ZH_ARTICLE_REF

log = logging.getLogger(__name__)

# --- what a sentence may not carry unless a cited provision has it verbatim ---------
_LINK = re.compile(
    r"(?i)\b(?:https?|ftp)://[^\s<>\])]+|\bwww\.[^\s<>\])]+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\."
    r"(?:com|cn|net|org|io|info|top|xyz|me|cc|mo|gov|edu|ly|app|site|link)(?:/[^\s<>\])]*)?(?![\w.])"
)
_MD_LINK = re.compile(r"!?\[[^\]]*\]\([^)]*\)")
_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>|&#?[a-zA-Z0-9]+;|\bjavascript:|\bdata:[a-z]+/", re.I)
_ACCOUNT = re.compile(r"(?<![\w#-])\d(?:[ -]?\d){8,}(?![\w-])|\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}\b")

# --- dates the scanner does not read -------------------------------------------------
_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"]
_MONTH = r"(?:" + "|".join(m.capitalize() for m in _MONTHS) + "|" + "|".join(_MONTHS) + ")"
_ORDINALS = {w: i for i, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
    "fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split(), 1)}
_ORDINALS.update({"twenty-" + w: 20 + i for w, i in list(_ORDINALS.items())[:9]})
_ORDINALS.update({"twenty " + w: 20 + i for w, i in list(_ORDINALS.items())[:9]})
_ORDINALS.update({"thirtieth": 30, "thirty-first": 31, "thirty first": 31})
_ORDINAL = r"(?:" + "|".join(sorted(map(re.escape, _ORDINALS), key=len, reverse=True)) + ")"
_WORD_DATE = re.compile(
    rf"(?i)\b(?:the\s+)?(?P<d1>{_ORDINAL})\s+(?:day\s+)?of\s+(?P<m1>{_MONTH})(?:,?\s+(?P<y1>\d{{4}}))?"
    rf"|\b(?P<m2>{_MONTH})\s+(?:the\s+)?(?P<d2>{_ORDINAL})(?:,?\s+(?P<y2>\d{{4}}))?"
)
_COMPACT_DATE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])(?!\d)")
_RELATIVE = re.compile(
    rf"(?i)\b(?:(?:the\s+)?(?:end|beginning|start|middle)\s+of\s+(?:the\s+|this\s+|next\s+)?(?:{_MONTH}|month|week|year)"
    r"|(?:next|this|coming|following)\s+(?:week|month|year|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"|tomorrow|day after tomorrow|tonight"
    r"|in\s+(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:days?|weeks?|months?)(?:'?\s*time)?)\b"
    r"|月底|月初|月中|年底|年初|下周|下个?星期|下个?月|明天|后天|大后天|下礼拜"
)

# --- numbers ---------------------------------------------------------------------------
_WORD_NUMBERS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
_WORD_NUMBERS.update({"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
                      "eighty": 80, "ninety": 90, "hundred": 100})
_EN_NUMBER = re.compile(
    r"(?i)\b(?P<tens>twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ](?P<unit>one|two|three|four|five|six|"
    r"seven|eight|nine)\b|\b(?P<word>" + "|".join(_WORD_NUMBERS) + r")\b"
)
_DIGITS = re.compile(r"(?<![0-9A-Za-z_.])(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?(?![0-9A-Za-z_])")
_ZH_NUMERAL = re.compile(r"[零〇一二两三四五六七八九十百千]+")
_LIST_NUMBER = re.compile(r"^\s*\d{1,2}[.)、]\s+", re.M)
_SECTION_REF = re.compile(r"(?i)\b(?:sections?|sec\.|§|clauses?|paragraphs?|para\.)\s*(\d{1,4})\b")
# Words that say "one" without stating a number worth checking ("one of", "a one-off").
_SOFT_WORDS = {"one", "zero"}

# --- laws named --------------------------------------------------------------------------
_LAW_EN = re.compile(
    r"\b(?:[A-Z][\w'’-]*\s+(?:(?:of|on|for|and|the|in)\s+)*){1,10}"
    r"(?:Law|Act|Code|Regulations?|Rules|Measures|Provisions|Ordinance|Decree|Directive)\b"
)
_LAW_ZH = re.compile(r"《(?P<t>[^》]{2,60})》")

# --- saying something is not needed -------------------------------------------------------
_PERMISSION = re.compile(
    r"(?i)\b(?:is|are|'s)\s+(?:totally\s+|perfectly\s+|completely\s+)?(?:fine|ok|okay|no problem|not a problem)\b"
    r"|\bno\s+(?:\w+\s+){0,4}(?:is|are)?\s*(?:needed|required|necessary)\b"
    r"|\bnot\s+(?:\w+\s+)?(?:needed|required|necessary|illegal|an offence|punished)\b"
    r"|\b(?:do|does|did)\s*n[o']t\s+(?:need|have to)\b|\bneedn't\b|\bwithout (?:any )?(?:penalty|consequences?)\b"
    r"|无需|不需要|不必|不用|没有关系|没关系|不违法|不会被处罚"
)


@dataclass
class ClaimCheck:
    text: str
    removed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Library:
    """What regchat holds: each document's articles and the names it goes by."""

    articles: Mapping[str, frozenset[int]]
    names: frozenset[str]
    name_of: Mapping[str, str]  # lower-cased document name -> doc_id

    @classmethod
    def of(cls, provisions: Iterable[Provision], extra_titles: Mapping[str, str] | None = None) -> "Library":
        articles: dict[str, set[int]] = {}
        name_of: dict[str, str] = {}
        for p in provisions:
            articles.setdefault(p.doc_id, set())
            if p.article is not None:
                articles[p.doc_id].add(p.article)
            for name in filter(None, (p.doc_title, p.label.rsplit(",", 1)[0], p.doc_title_zh)):
                name_of[_norm_name(name)] = p.doc_id
        for doc_id, title in (extra_titles or {}).items():
            name_of[_norm_name(title)] = doc_id
        return cls({k: frozenset(v) for k, v in articles.items()}, frozenset(name_of), name_of)


def _norm_name(name: str) -> str:
    name = name.lower().replace("’", "'")
    name = re.sub(r"\s+of the people's republic of china\b|^the\s+|中华人民共和国", "", name)
    return re.sub(r"\s+", " ", name).strip(" ,.《》")


def numbers_in(text: str) -> set[float]:
    """Every number written in ``text``: digits, English number words, Chinese numerals."""
    out: set[float] = {float(m.group(0).replace(",", "")) for m in _DIGITS.finditer(text)}
    for m in _EN_NUMBER.finditer(text):
        if m.group("tens"):
            out.add(float(_WORD_NUMBERS[m.group("tens").lower()] + _WORD_NUMBERS[m.group("unit").lower()]))
        else:
            out.add(float(_WORD_NUMBERS[m.group("word").lower()]))
    for m in _ZH_NUMERAL.finditer(text):
        value = zh_number(m.group(0))
        if value is not None:
            out.add(float(value))
    # Amounts with 万 ("一万元", "二万元") and every figure the answers restate in digits.
    from .quoting import figures_in

    for figure in figures_in(text):
        out.add(float(figure.split()[0].replace(",", "")))
    return out


def _stated_numbers(sentence: str) -> set[float]:
    """The numbers a sentence states as facts: not article numbers, list numbers or markers."""
    text = MARKER.sub(" ", sentence)
    text = _LIST_NUMBER.sub(" ", text)
    # Dates are checked as dates, not as numbers.
    text = _blank_dates(text)
    for pattern in (_WORD_DATE, _COMPACT_DATE, EN_ARTICLE_REF, ZH_ARTICLE_REF, _SECTION_REF):
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    numbers = set()
    for m in _EN_NUMBER.finditer(text):
        if (m.group("word") or "").lower() in _SOFT_WORDS:
            text = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end():]
    numbers |= numbers_in(text)
    return numbers


def _deadline_numbers(deadlines: Iterable[Deadline]) -> set[float]:
    out: set[float] = set()
    for d in deadlines:
        for day in (d.date, d.act_by):
            if day is not None:
                out |= {float(day.year), float(day.month), float(day.day)}
        for step in d.steps:
            out |= numbers_in(step)
    return out


def _computed(deadlines: Iterable[Deadline]) -> set[dt.date]:
    out: set[dt.date] = set()
    for d in deadlines:
        out.add(d.date)
        if d.act_by is not None:
            out.add(d.act_by)
    return out


def _unread_dates(sentence: str) -> list[tuple[str, dt.date | tuple[int, int] | None]]:
    """Dates written in forms the scanner does not read: (text, date or (month, day) or None if relative)."""
    found: list[tuple[str, dt.date | tuple[int, int] | None]] = []
    for m in _WORD_DATE.finditer(sentence):
        day = _ORDINALS[(m.group("d1") or m.group("d2")).lower()]
        month = _MONTHS.index((m.group("m1") or m.group("m2")).lower()) + 1
        year = m.group("y1") or m.group("y2")
        try:
            found.append((m.group(0), dt.date(int(year), month, day) if year else (month, day)))
        except ValueError:
            found.append((m.group(0), None))
    for m in _COMPACT_DATE.finditer(sentence):
        try:
            found.append((m.group(0), dt.date(int(m["y"]), int(m["m"]), int(m["d"]))))
        except ValueError:
            found.append((m.group(0), None))
    for m in _RELATIVE.finditer(sentence):
        found.append((m.group(0), None))
    return found


def _cited_in(sentence: str, consulted: Mapping[str, Provision]) -> list[Provision]:
    return [consulted[k] for k in (m.group("key") for m in MARKER.finditer(sentence)) if k in consulted]


def check_claims(
    text: str,
    consulted: Mapping[str, Provision],
    *,
    deadlines: list[Deadline],
    library: Library,
    asked_articles: set[int] = frozenset(),  # type: ignore[assignment]
    trusted_numbers: set[float] = frozenset(),  # type: ignore[assignment]
    question: str = "",
) -> ClaimCheck:
    """Remove every sentence of ``text`` (with citation markers) that its citations do not support.

    For the offline composer's own framing (never for a model's text): ``asked_articles``, the
    article numbers the question names, which an answer may say are not held, and
    ``trusted_numbers``, numbers the library and the rules catalogue give (article ranges,
    document counts, worked examples); and ``question``, whose own words an answer may repeat
    (the heading of each of its several answers claims nothing)."""
    computed = _computed(deadlines)
    computed_numbers = _deadline_numbers(deadlines)
    out: list[str] = []
    removed: list[str] = []
    sentences = split_sentences(text)
    # A sentence without citations of its own is supported by its paragraph's.
    paragraph_of, cites_of = [], [[]]
    for sentence in sentences:
        paragraph_of.append(len(cites_of) - 1)
        cites_of[-1].extend(_cited_in(sentence, consulted))
        if sentence.endswith("\n\n"):
            cites_of.append([])
    asked = _spaced(question)
    for sentence, paragraph in zip(sentences, paragraph_of):
        if asked and _repeats(sentence, asked):
            out.append(sentence)
            continue
        cited = _cited_in(sentence, consulted)
        support = cited or cites_of[paragraph]
        reason = _unsupported(sentence, cited, support, consulted, computed, computed_numbers, library,
                              asked_articles, trusted_numbers)
        if reason is None:
            out.append(sentence)
            continue
        removed.append(reason)
        log.warning("guardrail removed: %r (%s)", sentence.strip()[:120], reason)
        if sentence.endswith("\n"):
            out.append("\n")
    cleaned = re.sub(r"[ \t]+\n", "\n", "".join(out))
    cleaned = re.sub(r"\n{3,}", "\n\n", cleaned).strip()
    return ClaimCheck(cleaned, removed)


def _spaced(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# The number an answer gives one of several questions it repeats: "(2) ", "（2）".
_ANSWER_NUMBER = re.compile(r"^\s*(?:\(\d{1,2}\)|（\d{1,2}）)\s*")


def _repeats(sentence: str, asked: str) -> bool:
    """Whether ``sentence`` (no citation in it) is only the asker's own words, as an answer's
    heading repeats them ("(2) And what if she stays at a friend's?")."""
    if MARKER.search(sentence):
        return False
    words = _spaced(_ANSWER_NUMBER.sub("", sentence))
    # (one heading may join two questions: "最晚什么时候登记？ 谁去办？")
    return len(words) >= 4 and all(piece in asked for piece in re.split(r"(?<=[?？])\s+", words))


def _verbatim(fragment: str, provisions: Iterable[Provision]) -> bool:
    return any(fragment.lower() in _described(p).lower() for p in provisions)


def _unsupported(
    sentence: str,
    cited: list[Provision],
    support: list[Provision],
    consulted: Mapping[str, Provision],
    computed: set[dt.date],
    computed_numbers: set[float],
    library: Library,
    asked_articles: set[int],
    trusted_numbers: set[float],
) -> str | None:
    """Why ``sentence`` cannot stand, or None when it can."""
    body = MARKER.sub(" ", sentence)
    # A provision's own words, quoted: supported by definition.
    core = body.strip().strip("“”\"'‘’「」『』 \t\n")
    if len(core) >= 12 and any(quote_in(core, p.all_text()) for p in support):
        return None
    quoted = _QUOTED.findall(body)
    if quoted and not re.search(r"\w", _QUOTED.sub(" ", body)) and all(
            any(quote_in(q, p.all_text()) for p in support) for q in quoted):
        return None
    # A sentence must be about what it cites: an English one shares a word with it.
    if cited and not _CJK.search(body):
        from ..tokens import tokenize

        words = {w for w in tokenize(body) if not w.isdigit() and len(w) > 2}
        if len(words) >= 4 and not any(words & set(tokenize(_described(p))) for p in cited):
            return "statement has nothing in common with the provision it cites"
    # Links, images, markup and account numbers: only verbatim from a cited provision.
    undated = _blank_dates(body)
    for pattern, what in ((_MD_LINK, "a link or image"), (_HTML, "HTML"), (_LINK, "a link"),
                          (_ACCOUNT, "an account number")):
        for m in pattern.finditer(undated):
            found = m.group(0).rstrip("”\"’'.,;:)）」。")
            if not _verbatim(found, support):
                return f"statement carries {what} ({found[:40]}) no cited provision contains"
    # Dates in forms the scanner does not read.
    for written, value in _unread_dates(body):
        if value is None:
            return f"statement gives a relative or impossible date ({written}); only computed dates are given"
        if isinstance(value, tuple):
            if not any((d.month, d.day) == value for d in computed):
                return f"statement gives a date ({written}) that was not computed"
        elif value not in computed:
            return f"statement gives a date ({written}) that was not computed"
    # Articles and sections must exist in the document cited or named.
    named_docs = {library.name_of[n] for n in library.names if n and n in _norm_name(body)}
    docs = {p.doc_id for p in cited} | named_docs
    numbers = {int(m.group(1)) for m in EN_ARTICLE_REF.finditer(body)}
    numbers |= {n for m in ZH_ARTICLE_REF.finditer(body) if (n := zh_number(m.group(1))) is not None}
    sections = {int(m.group(1)) for m in _SECTION_REF.finditer(body)}
    for n in sorted((numbers | sections) - asked_articles):
        where = docs or {p.doc_id for p in consulted.values()}
        if not any(n in library.articles.get(d, frozenset()) for d in where):
            kind = "Section" if n in sections and n not in numbers else "Article"
            return f"statement names {kind} {n}, which the document cited does not have"
    # Laws and regulations regchat does not hold.
    for name in _laws_named(body):
        norm = _norm_name(name)
        words = norm.split()
        if (len(words) > 1 and set(words[:-1]) <= _DEICTIC) or norm in {"law", "regulation", "regulations"}:
            continue  # "these Regulations", "the Law": the document at hand
        if _verbatim(name, support):
            continue  # a provision that refers to another law ("punished under the ... Law")
        if not any(norm in held or held in norm for held in library.names if held):
            return f"statement names {name}, which regchat does not hold"
    # Numbers and periods: in a provision the sentence (or its paragraph) cites, or computed.
    stated = _stated_numbers(sentence) - {float(n) for n in asked_articles} - trusted_numbers
    if stated:
        allowed = set(computed_numbers)
        for p in support:
            allowed |= numbers_in(_described(p))
            if p.article is not None:
                allowed.add(float(p.article))
        unsupported = sorted(stated - allowed)
        if unsupported:
            shown = ", ".join(f"{n:g}" for n in unsupported)
            return f"statement gives {shown}, which no provision it cites states"
        # A period ("90 days") must be stated by a provision sentence about the same thing.
        for value, written in periods_in(_blank_dates(MARKER.sub(" ", sentence))):
            if value in computed_numbers or value in trusted_numbers:
                continue
            if not _period_in_context(value, sentence, support):
                return f"statement gives {written}, which the provision it cites states about something else"
    # "Not needed", "fine", "allowed without": only with the provision's own words.
    if _PERMISSION.search(body):
        quotes = [m.group("q") for m in _QUOTE.finditer(sentence)]
        if not any(quote_in(q, p.all_text()) for q in quotes for p in cited):
            return "statement says something is not needed or is fine without quoting a provision that says so"
    return None


_UNIT = r"(?:calendar\s+|working\s+|business\s+)?(?:days?|weeks?|months?|years?|hours?)\b|个?(?:工作)?日|天|个?月|年|小时|周"
_PERIOD = re.compile(
    r"(?i)(?P<n>\d+|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|"
    r"seven|eight|nine))?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
    r"[零〇一二两三四五六七八九十百千]+)[\s-]*(?P<u>" + _UNIT + ")"
)


def periods_in(text: str) -> list[tuple[float, str]]:
    out = []
    for m in _PERIOD.finditer(text):
        values = numbers_in(m.group("n"))
        if values and not (max(values) >= 1000 and m.group("u").startswith("年")):  # "2021年" is a year
            out.append((max(values), m.group(0)))
    return out


def _period_in_context(value: float, sentence: str, support: Iterable[Provision]) -> bool:
    """Whether a provision sentence stating ``value`` shares at least two words with ``sentence``
    (a sentence of its texts or of its summaries: an English sentence about an article with only
    an official Chinese text meets its words in the English summary)."""
    from ..tokens import tokenize

    words = {w for w in tokenize(MARKER.sub(" ", sentence)) if not w.isdigit()} - _UNIT_WORDS
    for p in support:
        for piece in re.split(r"(?<=[.;。；])\s*", _described(p)):
            if value in numbers_in(piece):
                shared = words & ({w for w in tokenize(piece) if not w.isdigit()} - _UNIT_WORDS)
                if len(shared) >= 2:
                    return True
    return False


_UNIT_WORDS = {"day", "week", "month", "year", "hour", "within", "period", "日", "天", "月", "年", "小时", "个", "内",
               "以内", "之内", "期限", "期间"}

_CJK = re.compile(r"[\u3400-\u9fff]")
_QUOTED = re.compile(r"[“\"]([^”\"]{8,})[”\"]")
_DEICTIC = {"these", "this", "the", "such", "said", "present", "above", "above-mentioned", "relevant", "other",
            "those", "that", "same"}


def _blank_dates(text: str) -> str:
    found, problems = scan_dates(text)
    for item in [*found, *problems]:
        text = text[: item.start] + " " * (item.end - item.start) + text[item.end:]
    return _TIME.sub(lambda m: " " * len(m.group(0)), text)


_TIME = re.compile(r"(?<!\d)\d{1,2}[:：]\d{2}(?!\d)")


def _laws_named(text: str) -> list[str]:
    names = [m.group(0) for m in _LAW_EN.finditer(text)]
    names += [m.group("t") for m in _LAW_ZH.finditer(text)]
    return names


def drop_unverified(text: str) -> ClaimCheck:
    """Remove the sentences ``check_dates`` flagged ``[unverified]`` (for a model's text)."""
    out, removed = [], []
    for sentence in split_sentences(text):
        if UNVERIFIED in sentence:
            removed.append("statement gives a date that was not computed")
            log.warning("guardrail removed: %r (uncomputed date)", sentence.strip()[:120])
            if sentence.endswith("\n"):
                out.append("\n")
            continue
        out.append(sentence)
    return ClaimCheck(re.sub(r"\n{3,}", "\n\n", "".join(out)).strip(), removed)


def with_deadlines_shown(text: str, deadlines: Iterable[Deadline], lang: str) -> str:
    """``text`` with a line for each computed deadline it does not state (a model may leave it out)."""
    lines = []
    for d in deadlines:
        if d.date.isoformat() in text or (d.act_by is not None and d.act_by.isoformat() in text):
            continue
        if lang == "zh":
            line = f"计算得出的日期：{d.date.isoformat()}（{d.weekday}）"
            if d.act_by is not None and d.act_by != d.date:
                line += f"，最迟办理日：{d.act_by.isoformat()}"
            lines.append(line + "。")
        else:
            line = f"Computed date: {d.date.isoformat()} ({d.weekday})"
            if d.act_by is not None and d.act_by != d.date:
                line += f"; act by {d.act_by.isoformat()}"
            lines.append(line + ".")
    return "\n".join([*lines, text]) if lines else text


def _described(p: Provision) -> str:
    """Every text of a provision and its summaries: what a statement about it may draw its words
    and figures from (a quote must still be verbatim in a text of the law itself)."""
    return "\n".join([p.all_text(), *(t.text for t in p.summaries)])
