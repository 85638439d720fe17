"""The gists and the questions each part answers as retrieval signals, embedded.

A question written in everyday words ("can they fine me for each day I overstayed?") often sits
closer to a part's restatement ("a fine of 500 yuan for each day of illegal residence") than to
the statute's own wording, in either language, and closer still to another question about that
part. Retrieval lifts a provision's cosine towards its best gist's (``Tuning.gist_weight``) and
towards its best question's (``Tuning.question_weight``), as it does towards its best part's.
The questions are embedded as queries: question meets question on the model's own scale.

The vectors are computed once per embedder and gists file, and kept in ``cache_dir`` (a file named
by a digest of both), so opening a retriever again costs a file read. Without a cache folder, or
when it cannot be written, they are computed in memory.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .documents import Provision
from .gists import Gists
from .part_questions import PartQuestions

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GistVectors:
    """One vector per gist text (English and Chinese), with the provision each belongs to."""

    owners: np.ndarray  # index of the owning provision, per row
    vectors: np.ndarray  # (rows, dim)
    parts: tuple[tuple[int, int | None], ...] = ()  # (paragraph, item) of the part each row is about

    def best_per_provision(self, query: np.ndarray, provisions: int) -> np.ndarray:
        """Per provision, the cosine of its closest gist to ``query`` (-1 for one without gists)."""
        out = np.full(provisions, -1.0)
        np.maximum.at(out, self.owners, self.vectors @ query)
        return out

    def best_per_part(self, query: np.ndarray, provision: int) -> dict[tuple[int, int | None], float]:
        """For each part of one provision (by its index), the cosine of its closest row to ``query``."""
        rows = np.flatnonzero(self.owners == provision)
        out: dict[tuple[int, int | None], float] = {}
        if not len(rows) or len(self.parts) != len(self.owners):
            return out
        for row, cosine in zip(rows, self.vectors[rows] @ query):
            part = self.parts[row]
            out[part] = max(out.get(part, -1.0), float(cosine))
        return out


Part = tuple[int, int | None]  # (paragraph, item)


def _rows(entries: Sequence, provisions: Sequence[Provision], texts_of) -> tuple[list[str], list[int], list[Part]]:
    """One row per text of each entry (a gist, a part's questions) about a provision among
    ``provisions``: the text, the provision's index and the part's (paragraph, item)."""
    position = {(p.doc_id, p.article, p.section if p.article is None else None): i for i, p in enumerate(provisions)}
    texts: list[str] = []
    owners: list[int] = []
    parts: list[Part] = []
    for entry in entries:
        i = position.get((entry.doc_id, entry.article, entry.section))
        if i is None:
            continue  # a document that is not in the index
        for text in texts_of(entry):
            texts.append(text)
            owners.append(i)
            parts.append((entry.paragraph, entry.item))
    return texts, owners, parts


def gist_vectors(
    gists: Gists, provisions: Sequence[Provision], embedder, cache_dir: Path | None = None
) -> GistVectors | None:
    """The gists of ``provisions`` embedded with ``embedder`` (None when there are none)."""
    texts, owners, parts = _rows(gists.all, provisions, lambda gist: (gist.en, gist.zh))
    return _embedded(texts, owners, parts, embedder, cache_dir, "gists", query=False)


def question_vectors(
    parts: Sequence[PartQuestions], provisions: Sequence[Provision], embedder, cache_dir: Path | None = None
) -> GistVectors | None:
    """The questions each part of ``provisions`` answers, embedded as queries (None when none)."""
    texts, owners, about = _rows(parts, provisions, lambda part: part.all)
    return _embedded(texts, owners, about, embedder, cache_dir, "questions", query=True)


def _embedded(
    texts: list[str], owners: list[int], parts: list[Part], embedder, cache_dir: Path | None,
    name: str, *, query: bool,
) -> GistVectors | None:
    """``texts`` embedded (as queries or as passages), read from or kept in ``cache_dir`` under a
    name made of a digest of the embedder's spec and the texts."""
    if not texts:
        return None
    spec = str(getattr(embedder, "spec", type(embedder).__name__))
    digest = hashlib.sha256("\n".join([spec, *texts]).encode("utf-8")).hexdigest()[:24]
    path = cache_dir / f"{name}-{digest}.npy" if cache_dir is not None else None
    vectors = None
    if path is not None and path.is_file():
        try:
            vectors = np.load(path)
        except (OSError, ValueError):
            vectors = None
        if vectors is not None and vectors.shape[0] != len(texts):
            vectors = None
    if vectors is None:
        vectors = _embed(embedder, texts, query=query)
        if path is not None:
            _save(path, vectors)
    return GistVectors(np.asarray(owners, dtype=np.int64), vectors, tuple(parts))


def _embed(embedder, texts: list[str], *, query: bool) -> np.ndarray:
    if not query:
        return np.asarray(embedder.embed_documents(texts), dtype=np.float32)
    encode = getattr(embedder, "encode", None)  # a batch of queries at once, where the embedder can
    if encode is not None:
        return np.asarray(encode(texts, query=True), dtype=np.float32)
    return np.asarray([embedder.embed_query(t) for t in texts], dtype=np.float32)


def _save(path: Path, vectors: np.ndarray) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.stem}.{os.getpid()}.partial.npy")
        np.save(partial, vectors)
        os.replace(partial, path)
    except OSError as exc:  # a read-only data folder: computed again next time
        log.info("gist vectors not cached in %s: %s", path.parent, exc)
