"""Links from a provision to the part of another that answers a further question about it
(``corpus/links.json``).

The Law's Chapter VII names the acts it punishes in its own words ("外国人居留证件登记事项发生
变更，未按照规定办理变更的"), not by the article that sets the duty: a question asking what
happens if a residence permit's change is not applied for is answered with Art. 33, and its
penalty sits in Art. 76 item 4. Likewise the steps of an application are spread over several
articles: Law Art. 32 says when to apply for a residence permit's extension, Regs Art. 17 what
to submit, Art. 19 who may file for the applicant, Art. 18 how long the receipt runs and that it
covers the stay while the passport is held. Each link names both provisions, its kind (``penalty``,
``materials``, ``who_files``, ``while_held``, ``processing_time``, ``visa_needed``,
``leaving_the_port``, ``work_allowed``) and the words of the linked text that answer, so the answer
can quote that part; a test checks every quote against the corpus. A link may list words of a message
whose case another provision governs (``unless``: a student asked whether he may work is answered by
the work-study rules, not by what working requires of everyone).
A link to nothing says the documents have no such part: no article of the Law punishes an
employer's missed report (Regs Art. 26), so an answer asked that penalty, by a message naming the
report in the words the link lists, says the documents state none.

Pure apart from ``load_links``, which reads the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .catalogues import read_catalogue
from .errors import DocumentError
from .settings import PROJECT_ROOT

LINKS_FILE = "links.json"
DEFAULT_LINKS_PATH = PROJECT_ROOT / "corpus" / LINKS_FILE
KINDS = (
    "penalty", "materials", "who_files", "while_held", "processing_time", "visa_needed", "leaving_the_port",
    "work_allowed",
)


@dataclass(frozen=True)
class Link:
    """From one provision to the part of another that answers a further question of ``kind``."""

    kind: str
    from_doc: str
    from_article: int
    doc_id: str | None  # None: the documents have no part answering it ("to": null)
    article: int | None
    text: str  # words of the linked provision's official text that answer
    note: str = ""
    said: tuple[re.Pattern, ...] = ()  # for a link to nothing: words a message names the duty in
    unless: tuple[re.Pattern, ...] = ()  # words of a message whose case another provision governs

    def holds_for(self, text: str) -> bool:
        """Whether the link answers a message reading ``text``: none of its ``unless`` words are in it
        (a student asked whether he may work is answered by the work-study rules, not by what working
        requires of everyone)."""
        return not any(p.search(text) for p in self.unless)

    def said_in(self, text: str) -> bool:
        """Whether ``text`` names the duty the link starts from in words of its own (any, when the
        link lists none)."""
        return not self.said or any(p.search(text) for p in self.said)

    @property
    def states_none(self) -> bool:
        """Whether the link says the documents state nothing of its kind for the provision (an
        employer's report no article of the Law punishes)."""
        return self.doc_id is None


class Links:
    """The links, found by the provision they start from."""

    def __init__(self, links: tuple[Link, ...] = ()):
        self.all = links

    def __len__(self) -> int:
        return len(self.all)

    def of(self, doc_id: str, article: int | None, kind: str | None = None) -> list[Link]:
        """The links from this provision (of ``kind``, when given); none for most."""
        return [
            link for link in self.all
            if (link.from_doc, link.from_article) == (doc_id, article) and kind in (None, link.kind)
        ]  # fmt: skip


def parse_links(data: dict, source: Path | str = LINKS_FILE) -> Links:
    """The links of a parsed ``links.json``; ``DocumentError`` naming the entry at fault."""
    out: list[Link] = []
    for n, entry in enumerate(data.get("links") or [], 1):
        try:
            to = entry["to"]
            link = Link(
                kind=str(entry["kind"]),
                from_doc=str(entry["from"]["doc"]),
                from_article=int(entry["from"]["article"]),
                doc_id=None if to is None else str(to["doc"]),
                article=None if to is None else int(to["article"]),
                text="" if to is None else str(to["text"]).strip(),
                note=str(entry.get("note", "")),
                said=tuple(re.compile(p, re.I) for p in entry.get("said", [])),
                unless=tuple(re.compile(p, re.I) for p in entry.get("unless", [])),
            )
        except (KeyError, TypeError, ValueError, re.error) as exc:
            raise DocumentError(source, f"link {n}: {exc!r}") from None
        if link.kind not in KINDS:
            raise DocumentError(source, f"link {n}: 'kind' must be one of {', '.join(KINDS)}")
        if link.states_none and not link.note:
            raise DocumentError(source, f"link {n}: a link to nothing ('to': null) must say why in its 'note'")
        if not link.states_none and not link.text:
            raise DocumentError(source, f"link {n}: 'text' must not be empty")
        out.append(link)
    return Links(tuple(out))


def load_links(path: Path | str | None = None) -> Links:
    """The links file (default ``corpus/links.json``); none when there is no file, so a corpus of a
    user's own documents works without one."""
    path, data = read_catalogue(path, DEFAULT_LINKS_PATH, "links")
    return Links() if data is None else parse_links(data, path)
