"""The optional JSON catalogues kept beside the corpus's documents (``gists.json``,
``links.json``): found in a folder or at a path, absent without error, unreadable with an
error naming the file."""

from __future__ import annotations

import json
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
