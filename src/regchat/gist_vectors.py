"""The gists as a retrieval signal: every plain-words restatement of a part, embedded.

A question written in everyday words ("can they fine me for each day I overstayed?") often sits
closer to a part's restatement ("a fine of 500 yuan for each day of illegal residence") than to
the statute's own wording, in either language. Retrieval lifts a provision's cosine towards its
best gist's (``Tuning.gist_weight``), as it does towards its best part's.

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

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GistVectors:
    """One vector per gist text (English and Chinese), with the provision each belongs to."""

    owners: np.ndarray  # index of the owning provision, per row
    vectors: np.ndarray  # (rows, dim)

    def best_per_provision(self, query: np.ndarray, provisions: int) -> np.ndarray:
        """Per provision, the cosine of its closest gist to ``query`` (-1 for one without gists)."""
        out = np.full(provisions, -1.0)
        np.maximum.at(out, self.owners, self.vectors @ query)
        return out


def _texts(gists: Gists, provisions: Sequence[Provision]) -> tuple[list[str], list[int]]:
    position = {(p.doc_id, p.article, p.section if p.article is None else None): i for i, p in enumerate(provisions)}
    texts: list[str] = []
    owners: list[int] = []
    for gist in gists.all:
        i = position.get((gist.doc_id, gist.article, gist.section))
        if i is None:
            continue  # a document that is not in the index
        for text in (gist.en, gist.zh):
            texts.append(text)
            owners.append(i)
    return texts, owners


def gist_vectors(
    gists: Gists, provisions: Sequence[Provision], embedder, cache_dir: Path | None = None
) -> GistVectors | None:
    """The gists of ``provisions`` embedded with ``embedder`` (None when there are none)."""
    texts, owners = _texts(gists, provisions)
    if not texts:
        return None
    spec = str(getattr(embedder, "spec", type(embedder).__name__))
    digest = hashlib.sha256("\n".join([spec, *texts]).encode("utf-8")).hexdigest()[:24]
    path = cache_dir / f"gists-{digest}.npy" if cache_dir is not None else None
    vectors = None
    if path is not None and path.is_file():
        try:
            vectors = np.load(path)
        except (OSError, ValueError):
            vectors = None
        if vectors is not None and vectors.shape[0] != len(texts):
            vectors = None
    if vectors is None:
        vectors = np.asarray(embedder.embed_documents(texts), dtype=np.float32)
        if path is not None:
            _save(path, vectors)
    return GistVectors(np.asarray(owners, dtype=np.int64), vectors)


def _save(path: Path, vectors: np.ndarray) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.stem}.{os.getpid()}.partial.npy")
        np.save(partial, vectors)
        os.replace(partial, path)
    except OSError as exc:  # a read-only data folder: computed again next time
        log.info("gist vectors not cached in %s: %s", path.parent, exc)
