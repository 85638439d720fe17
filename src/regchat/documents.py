"""The nouns regchat passes around: documents, provisions, search hits,
citations, computed deadlines and answers.

They are pydantic models so that every edge (CLI ``--json``, HTTP API,
evaluation reports) serialises them the same way; dates serialise as ISO
``YYYY-MM-DD``.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Jurisdiction = Literal["CN", "MO"]


class Document(BaseModel):
    """One source document, cleaned, with its metadata."""

    model_config = ConfigDict(frozen=True)

    doc_id: str
    title: str
    short_title: str = Field(description="Used in labels, e.g. 'Exit and Entry Administration Law'")
    jurisdiction: Jurisdiction
    language: str = "en"
    source: str | None = Field(default=None, description="Source URL or publisher")
    publisher: str | None = None
    updated: str | None = Field(default=None, description="Last-updated date if the source states one")
    text: str
    content_hash: str = ""
    path: str | None = None
    title_zh: str | None = Field(default=None, description="The document's title in Chinese, when its text is not")
    official: bool = Field(default=True, description="The authentic text (False for a translation)")
    version: str | None = Field(default=None, description="The version this text is, e.g. its promulgation date")
    in_force: dt.date | None = Field(default=None, description="The day this version came into force")
    translation_of: str | None = Field(
        default=None, description="For a translation: the version of the official text it follows"
    )
    summary: bool = Field(
        default=False,
        description="A summary of articles that have no translation in its language (never quoted as the law)",
    )


class ProvisionText(BaseModel):
    """One provision's text in one language and one version."""

    model_config = ConfigDict(frozen=True)

    lang: str
    text: str
    official: bool = True
    version: str | None = None
    in_force: dt.date | None = None
    until: dt.date | None = Field(default=None, description="Last day in force (None: still in force)")
    follows: str | None = Field(default=None, description="For a translation: the official version it follows")

    def in_force_on(self, day: dt.date) -> bool:
        return (self.in_force is None or self.in_force <= day) and (self.until is None or day <= self.until)


class Provision(BaseModel):
    """One citable unit: an article, or a section of a document without articles.

    ``text`` is the text regchat reads by default: the English translation when
    there is one, else the official text. ``texts`` holds every language and
    version (official Chinese texts with the days they are in force, and
    translations with the version they follow); ``text_in`` picks one.
    """

    model_config = ConfigDict(frozen=True)

    doc_id: str
    doc_title: str
    jurisdiction: Jurisdiction
    chapter: str | None = None
    section: str | None = None
    article: int | None = None
    label: str = Field(description="e.g. 'Exit and Entry Administration Law, Art. 30'")
    text: str
    ordinal: int = Field(default=0, description="Position of the provision in its document")
    texts: tuple[ProvisionText, ...] = ()
    summaries: tuple[ProvisionText, ...] = Field(
        default=(), description="Summaries in languages without a text (a reader's gist, not the law)"
    )
    doc_title_zh: str | None = Field(default=None, description="The document's Chinese title, when it has one")
    chapter_zh: str | None = None
    section_zh: str | None = None

    @property
    def languages(self) -> list[str]:
        """Languages this provision has a text in (the default text's first)."""
        found = [t.lang for t in self.texts]
        return list(dict.fromkeys(found)) or ["en"]

    def text_in(self, lang: str, on: dt.date | None = None) -> ProvisionText | None:
        """The text in ``lang`` in force on ``on`` (the latest version when ``on`` is None).

        A translation is returned whatever version it follows: compare its
        ``follows`` with the official version in force (``translation_outdated``).
        """
        candidates = [t for t in self.texts if t.lang == lang]
        if not candidates:
            return None
        official = [t for t in candidates if t.official]
        if official and on is not None:
            current = [t for t in official if t.in_force_on(on)]
            if current:
                return current[-1]
            return official[0] if on < (official[0].in_force or on) else official[-1]
        return (official or candidates)[-1]

    def summary_in(self, lang: str) -> ProvisionText | None:
        """The summary in ``lang``, where that language has no text of this provision."""
        if any(t.lang == lang for t in self.texts):
            return None
        return next((t for t in self.summaries if t.lang == lang), None)

    def official_text(self, on: dt.date | None = None) -> ProvisionText | None:
        """The authentic text in force on ``on`` (latest when None)."""
        versions = self.versions()
        return self.text_in(versions[0].lang, on) if versions else None

    def translation_outdated(self, lang: str, on: dt.date | None = None) -> bool:
        """Whether the translation in ``lang`` follows an official version whose text differs
        from the one in force on ``on``."""
        translation = self.text_in(lang)
        official = self.official_text(on)
        if translation is None or translation.official or official is None or translation.follows is None:
            return False
        followed = next((t for t in self.texts if t.official and t.version == translation.follows), None)
        return followed is not None and _normalised(followed.text) != _normalised(official.text)

    def versions(self) -> list[ProvisionText]:
        """The official texts, oldest first."""
        return [t for t in self.texts if t.official]

    def as_of(self, day: dt.date) -> "Provision":
        """This provision as in force on ``day``: ``texts`` keeps one official version (the one
        in force that day) and the translations."""
        official = self.official_text(day)
        if official is None or len(self.versions()) < 2:
            return self
        kept = tuple(t for t in self.texts if not t.official or t is official)
        return self.model_copy(update={"texts": kept})

    def all_text(self) -> str:
        """Every language's text (for checking that a quote is verbatim in either)."""
        seen = dict.fromkeys([self.text, *(t.text for t in self.texts)])
        return "\n".join(seen)

    @property
    def key(self) -> str:
        """Stable id: 'cn-exit-entry-law#30' or 'mo-non-resident-worker-card#3'."""
        return f"{self.doc_id}#{self.article if self.article is not None else f's{self.ordinal}'}"

    @property
    def label_zh(self) -> str:
        """'《中华人民共和国出境入境管理法》第三十条', or the section's name for a guide."""
        from .parsing import int_to_chinese

        title = self.doc_title_zh or self.doc_title
        if self.article is None:
            return f"《{title}》“{self.section_zh or self.section or self.ref}”部分"
        number = int_to_chinese(self.article) if 0 < self.article < 1000 else str(self.article)
        return f"《{title}》第{number}条"

    @property
    def ref(self) -> str:
        """Short reference for a citation: 'Art. 30' or the section name."""
        return f"Art. {self.article}" if self.article is not None else (self.section or f"Section {self.ordinal}")

    def embedding_text(self) -> str:
        """What gets embedded: document title and label give the vector its context."""
        return f"{self.doc_title}\n{self.label}\n{self.text}"


def _normalised(text: str) -> str:
    """Text compared across versions: bracket width and spacing do not count."""
    table = str.maketrans({"(": "（", ")": "）", ":": "：", ";": "；", ",": "，"})
    return "".join(text.translate(table).split())


class Hit(BaseModel):
    """A provision returned by retrieval, with its fused score and the parts of it."""

    provision: Provision
    score: float
    rank: int
    bm25: float | None = None
    dense: float | None = None
    exact: bool = Field(default=False, description="Matched an explicit article reference in the query")


class Citation(BaseModel):
    doc_id: str
    article: int | None = None
    section: str | None = None
    label: str
    quote: str = ""
    pinpoint: str | None = Field(default=None, description="The part quoted: 'Art. 6(12)', '第六条第（十三）项'")
    quote_lang: str | None = Field(default=None, description="Language of the quote")
    translation: bool = Field(default=False, description="The quote is from an unofficial translation")
    original: str = Field(default="", description="The official text of the quoted part, when the quote is a translation")
    version: str | None = Field(default=None, description="Version of the official text the answer relies on")
    languages: list[str] = Field(default_factory=list, description="Languages the provision has a text in")
    summary: str = Field(
        default="", description="The document's summary of the provision in the reader's language, when it has no text in it"
    )

    @property
    def key(self) -> str:
        return f"{self.doc_id}#{self.article if self.article is not None else self.section}"


class Deadline(BaseModel):
    """A computed date, with everything needed to check it by hand."""

    date: dt.date
    weekday: str
    is_working_day: bool
    holiday: str | None = None
    act_by: dt.date | None = Field(
        default=None, description="When the date is not a working day: the last working day on or before it"
    )
    region: Jurisdiction = "CN"
    kind: str = Field(default="", description="after_event, before_expiry, working_days, months, hours, ...")
    what: str | None = Field(
        default=None, description="What the date is, in the answer's language: 'last day to apply for ...'"
    )
    rule_id: str | None = None
    citation: Citation | None = None
    steps: list[str] = Field(default_factory=list)
    provisional: bool = False
    provisional_reason: str | None = None
    event: dt.date | dt.datetime | None = Field(
        default=None, description="The date (or time) a rule's period counts from, for deadlines computed from a rule"
    )
    amount: int | None = Field(default=None, description="The period's length when the case gave it (not the rule's)")
    time: dt.time | None = Field(
        default=None, description="For a period in hours counted from a time given: the clock time it ends at on its day"
    )
    ics: str | None = Field(
        default=None, description="Link to this deadline as an iCalendar file, relative to the server (set by the API)"
    )


class RetrievedItem(BaseModel):
    key: str
    doc_id: str
    article: int | None
    section: str | None
    label: str
    score: float

    @classmethod
    def from_hit(cls, hit: Hit) -> "RetrievedItem":
        p = hit.provision
        return cls(key=p.key, doc_id=p.doc_id, article=p.article, section=p.section, label=p.label, score=hit.score)


Outcome = Literal["answered", "not_stated", "clarify", "refused"]


class Answer(BaseModel):
    id: str | None = Field(default=None, description="Set by the server: the id feedback refers to")
    text: str
    outcome: Outcome = Field(
        default="answered",
        description="answered; not_stated (the documents do not say what was asked); clarify (regchat asks "
        "which case is meant); refused (outside what the documents cover)",
    )
    citations: list[Citation] = Field(default_factory=list)
    deadlines: list[Deadline] = Field(default_factory=list)
    refused: bool = False
    retrieved: list[RetrievedItem] = Field(default_factory=list)
    mode: Literal["offline", "llm"] = "offline"
    lang: Literal["en", "zh"] = "en"
    notices: list[str] = Field(default_factory=list, description="One-line notices, e.g. a model fallback")
    timings: dict[str, float] = Field(default_factory=dict, description="Milliseconds per stage")
