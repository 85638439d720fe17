"""The optional JSON catalogues kept beside the corpus's documents (``gists.json``,
``questions.json``, ``links.json``): found in a folder or at a path, absent without error,
unreadable with an error naming the file; and the address of the part an entry is about."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import DocumentError


def read_catalogue(path: Path | str | None, default: Path, what: str) -> tuple[Path, Any | None]:
    """The catalogue at ``path`` (a file, or a folder holding one named like ``default``; ``default``
    itself when None), and its parsed JSON, or None when there is no such file."""
    path = Path(path) if path is not None else default
    if path.is_dir():
        path = path / default.name
    if not path.is_file():
        return path, None
    try:
        return path, json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DocumentError(path, f"cannot read the {what}: {exc}") from None


@dataclass(frozen=True)
class PartAddress:
    """The part of a provision a catalogue entry is about."""

    doc_id: str
    article: int | None
    section: str | None  # a guide's section heading, for documents without articles
    paragraph: int
    item: int | None


def part_address(entry: dict) -> dict[str, Any]:
    """The part of a provision a catalogue entry names: ``doc``, ``article`` (or, for a document
    without articles, a guide's ``section``), ``paragraph`` and ``item``, as keyword arguments
    (``doc_id``, ``article``, ``section``, ``paragraph``, ``item``). ``KeyError``, ``TypeError`` or
    ``ValueError`` for a missing or malformed field (the fields of ``PartAddress``)."""
    article = int(entry["article"]) if entry.get("article") is not None else None
    return {
        "doc_id": str(entry["doc"]),
        "article": article,
        "section": entry.get("section") if article is None else None,
        "paragraph": int(entry["paragraph"]),
        "item": int(entry["item"]) if entry.get("item") is not None else None,
    }
