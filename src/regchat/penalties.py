"""Which penalty provision punishes a breach of which duty (``corpus/penalties.json``).

The Law's Chapter VII names the acts it punishes in its own words ("外国人居留证件登记事项发生
变更，未按照规定办理变更的"), not by the article that sets the duty: a question asking what
happens if a residence permit's change is not applied for is answered with Art. 33, and its
penalty sits in Art. 76 item 4. Each link names both provisions and quotes the words of the
penalty text that name the act, so the answer can quote that part; a test checks every quote
against the corpus.

Pure apart from ``load_penalties``, which reads the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .catalogues import read_catalogue
from .errors import DocumentError
from .settings import PROJECT_ROOT

PENALTIES_FILE = "penalties.json"
DEFAULT_PENALTIES_PATH = PROJECT_ROOT / "corpus" / PENALTIES_FILE


@dataclass(frozen=True)
class PenaltyLink:
    """The duty of one provision, and the part of another that punishes its breach."""

    duty_doc: str
    duty_article: int
    doc_id: str
    article: int
    text: str  # words of the penalty provision's official text naming the act it punishes
    note: str = ""


class Penalties:
    """The links, found by the duty's provision."""

    def __init__(self, links: tuple[PenaltyLink, ...] = ()):
        self.all = links

    def __len__(self) -> int:
        return len(self.all)

    def of(self, doc_id: str, article: int | None) -> list[PenaltyLink]:
        """The penalties for breaching the duty of this provision (none for most)."""
        return [link for link in self.all if (link.duty_doc, link.duty_article) == (doc_id, article)]


def parse_penalties(data: dict, source: Path | str = PENALTIES_FILE) -> Penalties:
    """The links of a parsed ``penalties.json``; ``DocumentError`` naming the entry at fault."""
    out: list[PenaltyLink] = []
    for n, entry in enumerate(data.get("links") or [], 1):
        try:
            link = PenaltyLink(
                duty_doc=str(entry["duty"]["doc"]),
                duty_article=int(entry["duty"]["article"]),
                doc_id=str(entry["penalty"]["doc"]),
                article=int(entry["penalty"]["article"]),
                text=str(entry["penalty"]["text"]).strip(),
                note=str(entry.get("note", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise DocumentError(source, f"penalty link {n}: {exc!r}") from None
        if not link.text:
            raise DocumentError(source, f"penalty link {n}: 'text' must not be empty")
        out.append(link)
    return Penalties(tuple(out))


def load_penalties(path: Path | str | None = None) -> Penalties:
    """The links file (default ``corpus/penalties.json``); none when there is no file, so a corpus
    of a user's own documents works without one."""
    path, data = read_catalogue(path, DEFAULT_PENALTIES_PATH, "penalty links")
    return Penalties() if data is None else parse_penalties(data, path)
