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


class Provision(BaseModel):
    """One citable unit: an article, or a section of a document without articles."""

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

    @property
    def key(self) -> str:
        """Stable id: 'cn-exit-entry-law#30' or 'mo-non-resident-worker-card#3'."""
        return f"{self.doc_id}#{self.article if self.article is not None else f's{self.ordinal}'}"

    @property
    def ref(self) -> str:
        """Short reference for a citation: 'Art. 30' or the section name."""
        return f"Art. {self.article}" if self.article is not None else (self.section or f"Section {self.ordinal}")

    def embedding_text(self) -> str:
        """What gets embedded: document title and label give the vector its context."""
        return f"{self.doc_title}\n{self.label}\n{self.text}"


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


class Answer(BaseModel):
    id: str | None = Field(default=None, description="Set by the server: the id feedback refers to")
    text: str
    citations: list[Citation] = Field(default_factory=list)
    deadlines: list[Deadline] = Field(default_factory=list)
    refused: bool = False
    retrieved: list[RetrievedItem] = Field(default_factory=list)
    mode: Literal["offline", "llm"] = "offline"
    lang: Literal["en", "zh"] = "en"
    notices: list[str] = Field(default_factory=list, description="One-line notices, e.g. a model fallback")
    timings: dict[str, float] = Field(default_factory=dict, description="Milliseconds per stage")
