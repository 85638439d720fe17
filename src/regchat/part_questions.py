"""Questions each part of a provision answers, in users' own words (``corpus/questions.json``).

A question in everyday words ("my boss wants me to start before the card comes, is that ok?")
often sits closer to another question about the same part than to the statute's wording or to
its plain restatement. Each entry names one part (a paragraph or a numbered item) of one
provision, as a gist does, and lists questions in English and in Chinese whose answer is that
part. They were written from the documents alone, part by part, in the voices of the people who
ask (employees, students and families, HR staff, support agents), and are a retrieval signal only:
no answer shows them.

Pure apart from ``load_part_questions``, which reads the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .catalogues import PartAddress, part_address, read_catalogue
from .errors import DocumentError
from .settings import PROJECT_ROOT

QUESTIONS_FILE = "questions.json"
DEFAULT_QUESTIONS_PATH = PROJECT_ROOT / "corpus" / QUESTIONS_FILE


@dataclass(frozen=True)
class PartQuestions(PartAddress):
    """The questions one part answers."""

    en: tuple[str, ...]
    zh: tuple[str, ...]

    @property
    def all(self) -> tuple[str, ...]:
        return self.en + self.zh


def parse_part_questions(data: dict, source: Path | str = QUESTIONS_FILE) -> tuple[PartQuestions, ...]:
    """The entries of a parsed ``questions.json``; ``DocumentError`` naming the entry at fault."""
    out: list[PartQuestions] = []
    for n, entry in enumerate(data.get("parts") or [], 1):
        try:
            part = PartQuestions(
                **part_address(entry),
                en=tuple(str(q).strip() for q in entry.get("en") or ()),
                zh=tuple(str(q).strip() for q in entry.get("zh") or ()),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise DocumentError(source, f"entry {n}: {exc!r}") from None
        if part.article is None and not part.section:
            raise DocumentError(source, f"entry {n}: name an 'article' or a 'section'")
        if not part.all or not all(part.all):
            raise DocumentError(source, f"entry {n}: give at least one question, none empty")
        out.append(part)
    return tuple(out)


def load_part_questions(path: Path | str | None = None) -> tuple[PartQuestions, ...]:
    """The questions file (default ``corpus/questions.json``); none when there is no file, so a
    corpus of a user's own documents works without one."""
    path, data = read_catalogue(path, DEFAULT_QUESTIONS_PATH, "questions each part answers")
    return () if data is None else parse_part_questions(data, path)
