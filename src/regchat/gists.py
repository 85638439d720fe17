"""Plain-language gists of the provisions' parts (``corpus/gists.json``).

A gist restates one part of a provision (a paragraph or a numbered item) in everyday words,
in English and in Chinese: "A work residence permit is valid for at least 90 days and at most
5 years." An answer opens with the gist of the part it quotes, so the reader sees at once what
the part says; the verbatim quote below it stays the authority, and the guardrails check every
gist's figures against the provision's own text like any other sentence.

Each entry names its part by document, article (or a guide's section), paragraph and item, and
carries the part's authoritative text as it restates it (the official Chinese text in force, or
a guide's English text). An answer finds a gist by that text, so a part whose text changes in
a revision finds no gist until one is written for the new text (never the old part's gist), and
a test checks every entry against the corpus.

Pure apart from ``load_gists``, which reads the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .catalogues import PartAddress, part_address, read_catalogue
from .errors import DocumentError
from .parts import plain
from .settings import PROJECT_ROOT

GISTS_FILE = "gists.json"
DEFAULT_GISTS_PATH = PROJECT_ROOT / "corpus" / GISTS_FILE


@dataclass(frozen=True)
class Gist(PartAddress):
    """One part restated in plain words."""

    text: str  # the part's authoritative text, as it was restated
    en: str
    zh: str

    def in_lang(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Gists:
    """The gists, found by the provision and the text of the part quoted."""

    def __init__(self, gists: tuple[Gist, ...] = ()):
        self.all = gists
        self._by_part = {(g.doc_id, g.article, g.section, plain(g.text)): g for g in gists}

    def __len__(self) -> int:
        return len(self.all)

    def of(self, doc_id: str, article: int | None, section: str | None, part_text: str) -> Gist | None:
        """The gist of the part of this provision whose text is ``part_text`` (None if none)."""
        return self._by_part.get((doc_id, article, section if article is None else None, plain(part_text)))


def parse_gists(data: dict, source: Path | str = GISTS_FILE) -> Gists:
    """The gists of a parsed ``gists.json``; ``DocumentError`` naming the entry at fault."""
    out: list[Gist] = []
    for n, entry in enumerate(data.get("gists") or [], 1):
        try:
            gist = Gist(
                **part_address(entry),
                text=str(entry["text"]),
                en=str(entry["en"]).strip(),
                zh=str(entry["zh"]).strip(),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise DocumentError(source, f"gist {n}: {exc!r}") from None
        if not gist.en or not gist.zh or not gist.text.strip():
            raise DocumentError(source, f"gist {n}: 'text', 'en' and 'zh' must not be empty")
        if gist.article is None and not gist.section:
            raise DocumentError(source, f"gist {n}: name an 'article' or a 'section'")
        out.append(gist)
    return Gists(tuple(out))


def load_gists(path: Path | str | None = None) -> Gists:
    """The gists file (default ``corpus/gists.json``); no gists when there is no file, so a corpus
    of a user's own documents works without one."""
    path, data = read_catalogue(path, DEFAULT_GISTS_PATH, "gists")
    return Gists() if data is None else parse_gists(data, path)
