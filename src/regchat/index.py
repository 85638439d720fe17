"""The Chroma index: building it (``ingest``) and opening it (``open_index``).

Storage is an embedded ``chromadb.PersistentClient`` under
``settings.chroma_path``, or a Chroma server (``chroma run``) through
``chromadb.HttpClient`` when ``settings.chroma_host`` is set; the code is the
same for both. Vectors are always computed by regchat's own embedder
(``regchat.embeddings``) and handed to Chroma, which is also given an explicit
embedding function wrapping that embedder, so Chroma never loads a model of
its own.

Versions and atomicity. Every ingest that changes anything writes a new
collection ``<collection>-v<N>``: the stored vectors of unchanged documents
are copied over, changed documents are embedded, and only when all of that
has succeeded is the new collection marked complete; that mark is the switch.
Readers open the newest complete version; older versions are then deleted.
An ingest that fails part-way leaves the previous version untouched and in
use, and its half-built collection is removed.

Incremental. Each document's content hash (and the embedder spec) is stored
with the index; a document whose hash is unchanged is never re-embedded, and
an ingest in which nothing changed writes nothing and loads no model.

What ``ingest`` adds or replaces:

* ``ingest(None, settings)`` synchronises the index with ``settings.corpus_dir``:
  new and changed files are (re-)indexed, documents whose files are gone are
  removed.
* ``ingest([paths...], settings)`` adds or updates the documents in those files
  (files or folders) and keeps everything else already indexed.
* A bad file (unreadable, empty, unsupported type, no text) is reported in
  ``IngestReport.errors`` with its name and the reason; it is skipped, and
  whatever was indexed from it before stays indexed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field

from regchat.assembly import assemble
from regchat.documents import Document, Provision
from regchat.embeddings import SpecEmbeddings, canonical_spec, embed_batches, get_embedder
from regchat.errors import DocumentError, IndexNotReady, RegchatError
from regchat.parsing import SUPPORTED_SUFFIXES, load_provisions
from regchat.parts import split_parts
from regchat.settings import Settings, get_settings

log = logging.getLogger("regchat.index")

_BATCH = 64  # provisions embedded per call
_ADD_BATCH = 2000  # records per Chroma write


class IngestReport(BaseModel):
    """What an ingest did, document by document."""

    added: list[str] = Field(default_factory=list)
    updated: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list, description="'<file>: <reason>' per bad file")
    embedded: int = Field(default=0, description="Provisions embedded in this run")
    provisions: int = Field(default=0, description="Provisions in the index after the run")
    embedder: str = ""
    collection: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def __str__(self) -> str:
        return self.summary()

    def summary(self) -> str:
        parts = [
            f"{len(self.added)} added",
            f"{len(self.updated)} updated",
            f"{len(self.unchanged)} unchanged",
            f"{len(self.removed)} removed",
            f"{self.embedded} provisions embedded",
            f"{self.provisions} in the index",
            f"{self.seconds:.2f} s",
        ]
        text = ", ".join(parts)
        if self.errors:
            text += "\n" + "\n".join(f"error: {e}" for e in self.errors)
        return text


@dataclass
class IndexHandle:
    """An opened index version: the collection and everything stored with it."""

    collection: object  # chromadb Collection
    name: str
    embedder_spec: str
    documents: dict[str, dict]
    provisions: list[Provision] = field(default_factory=list)
    vectors: np.ndarray | None = None  # one row per record (same order as ``records``), when loaded
    records: list[tuple[int, str, str]] = field(default_factory=list)  # (provision position, lang, text)
    # The paragraphs and items of articles that have several (``part_records``), each embedded on its
    # own with its article's label and its lead-in; same layout as ``records`` and ``vectors``.
    part_records: list[tuple[int, str, str]] = field(default_factory=list)
    part_vectors: np.ndarray | None = None

    @property
    def owners(self) -> np.ndarray:
        """For each record, the position of its provision."""
        return np.array([r[0] for r in self.records], dtype=np.int64)


# --- Chroma plumbing ------------------------------------------------------------


class ChromaEmbeddingFunction:
    """Chroma's embedding-function protocol over a regchat embedder (passages side)."""

    def __init__(self, embedder: SpecEmbeddings | None = None, spec: str = "e5") -> None:
        self._embedder = embedder
        self._spec = getattr(embedder, "spec", None) or spec

    def __call__(self, input):  # noqa: A002 - Chroma's parameter name
        embedder = self._embedder or get_embedder(self._spec)
        return [np.asarray(v, dtype=np.float32) for v in embedder.embed_documents(list(input))]

    def embed_query(self, input):  # noqa: A002
        embedder = self._embedder or get_embedder(self._spec)
        return [np.asarray(embedder.embed_query(t), dtype=np.float32) for t in input]

    @staticmethod
    def name() -> str:
        return "regchat"

    def get_config(self) -> dict:
        return {"spec": self._spec}

    @staticmethod
    def build_from_config(config: dict) -> "ChromaEmbeddingFunction":
        return ChromaEmbeddingFunction(spec=config.get("spec", "e5"))

    def is_legacy(self) -> bool:
        return False

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine"]

    @staticmethod
    def validate_config(config: dict) -> None:
        return None

    def validate_config_update(self, old_config: dict, new_config: dict) -> None:
        return None


_clients: dict[tuple, object] = {}


def chroma_client(settings: Settings):
    """The Chroma client for these settings: embedded, or a server when ``chroma_host`` is set."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_host:
        key = ("http", settings.chroma_host, settings.chroma_port)
        if key not in _clients:
            try:
                client = chromadb.HttpClient(
                    host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
                )
                client.heartbeat()
            except Exception as exc:  # connection errors come in many types from httpx/chromadb
                raise IndexNotReady(
                    f"cannot reach the Chroma server at {settings.chroma_host}:{settings.chroma_port} ({exc})"
                ) from exc
            _clients[key] = client
        return _clients[key]
    path = Path(settings.chroma_path).resolve()
    key = ("local", str(path))
    if key not in _clients:
        opened = path
        if path.exists() and not os.access(path, os.W_OK):
            opened = _readable_copy(path)
        else:
            path.mkdir(parents=True, exist_ok=True)
        _clients[key] = chromadb.PersistentClient(path=str(opened), settings=chroma_settings)
    return _clients[key]


_copies: dict[str, tempfile.TemporaryDirectory] = {}


def is_read_only(settings: Settings) -> bool:
    path = Path(settings.chroma_path)
    return not settings.chroma_host and path.exists() and not os.access(path, os.W_OK)


def _readable_copy(path: Path) -> Path:
    """A private copy of an index on a read-only mount (Chroma writes to its folder even to read),
    kept for the life of the process."""
    if str(path) not in _copies:
        folder = tempfile.TemporaryDirectory(prefix="regchat-index-")
        shutil.copytree(path, Path(folder.name) / "chroma")
        _copies[str(path)] = folder
        log.info("the index at %s is read-only: reading a private copy", path)
    return Path(_copies[str(path)].name) / "chroma"


def forget_client(settings: Settings) -> None:
    """Close this process's client of the local store (and Chroma's own cached system for its
    folder), so that the next use opens the folder afresh."""
    path = Path(settings.chroma_path).resolve()
    client = _clients.pop(("local", str(path)), None)
    if client is not None and hasattr(client, "close"):
        try:
            client.close()
        except Exception:  # a damaged store may fail to close; it is dropped all the same
            pass
    try:
        from chromadb.api.shared_system_client import SharedSystemClient

        system = SharedSystemClient._identifier_to_system.pop(str(path), None)
        SharedSystemClient._identifier_to_refcount.pop(str(path), None)
        if system is not None:
            system.stop()
    except Exception:  # Chroma's internals moved: the new folder is still opened by a new client
        pass


def _versions(client, base: str) -> list[tuple[int, str]]:
    pattern = re.compile(rf"^{re.escape(base)}-v(\d+)$")
    found = []
    for item in client.list_collections():
        name = item if isinstance(item, str) else item.name
        if m := pattern.match(name):
            found.append((int(m.group(1)), name))
    return sorted(found)


def _active(client, base: str, embedding_function=None):
    """The newest complete version's collection, or None."""
    for _, name in reversed(_versions(client, base)):
        collection = client.get_collection(name, embedding_function=embedding_function or ChromaEmbeddingFunction())
        if (collection.metadata or {}).get("complete"):
            return collection
    return None


REBUILD_HINT = "rebuild it from the corpus with `regchat ingest --rebuild`"


def _damaged(settings: Settings, exc: BaseException) -> IndexNotReady:
    """One line for a store that cannot be read: what, where, and the fix."""
    where = (f"Chroma server {settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host
             else str(settings.chroma_path))
    log.debug("index store failure: %s: %s", type(exc).__name__, exc)
    if not settings.chroma_host:
        forget_client(settings)  # Chroma keeps a half-opened store cached; the next try starts afresh
    return IndexNotReady(f"the index at {where} is damaged or unreadable; {REBUILD_HINT}")


def _read_guard(settings: Settings, fn):
    """Run ``fn()``; a failure of the store itself becomes ``IndexNotReady`` with the fix."""
    try:
        return fn()
    except RegchatError:
        raise
    except Exception as exc:  # chromadb and sqlite raise many kinds; all mean "cannot read"
        raise _damaged(settings, exc) from exc


def index_exists(settings: Settings | None = None) -> bool:
    """True when a complete index version exists for these settings."""
    settings = settings or get_settings()
    if not settings.chroma_host and not Path(settings.chroma_path).exists():
        return False
    try:
        return _read_guard(settings, lambda: _active(chroma_client(settings), settings.collection)) is not None
    except IndexNotReady:
        return False


def index_embedder(settings: Settings | None = None) -> str | None:
    """The embedder spec the active index was built with, or None when there is no index."""
    settings = settings or get_settings()
    if not settings.chroma_host and not Path(settings.chroma_path).exists():
        return None
    try:
        active = _read_guard(settings, lambda: _active(chroma_client(settings), settings.collection))
    except IndexNotReady:
        return None
    return None if active is None else str((active.metadata or {}).get("embedder", "e5"))


def active_version(settings: Settings | None = None) -> str | None:
    """The name of the index version readers should use now (None when there is none)."""
    settings = settings or get_settings()
    if not settings.chroma_host and not Path(settings.chroma_path).exists():
        return None
    collection = _read_guard(settings, lambda: _active(chroma_client(settings), settings.collection))
    return collection.name if collection is not None else None


def open_index(
    settings: Settings | None = None, *, embedder: SpecEmbeddings | None = None, vectors: bool = False
) -> IndexHandle:
    """The active index version with its provisions (and their vectors if asked);
    ``IndexNotReady`` when there is none."""
    settings = settings or get_settings()
    if not settings.chroma_host and not Path(settings.chroma_path).exists():
        raise IndexNotReady(f"no index at {settings.chroma_path}: build it with `regchat ingest`")
    client = _read_guard(settings, lambda: chroma_client(settings))
    collection = _read_guard(settings, lambda: _active(client, settings.collection, ChromaEmbeddingFunction(embedder)))
    if collection is None:
        raise IndexNotReady(f"no index in collection {settings.collection!r}: build it with `regchat ingest`")
    meta = collection.metadata or {}
    stored = _read_guard(settings, lambda: collection.get(
        include=["documents", "metadatas", *(["embeddings"] if vectors else [])]))
    by_key: dict[str, Provision] = {}
    raw: list[tuple[str, str, str, int]] = []  # (provision key, lang, text, part number or 0) per record
    for record_id, text, m in zip(stored["ids"], stored["documents"], stored["metadatas"]):
        provision = _provision(text, m)
        by_key.setdefault(provision.key, provision)
        raw.append((provision.key, str(m.get("lang") or "en"), text, int(m.get("part") or 0)))
    provisions = sorted(by_key.values(), key=lambda p: (p.doc_id, p.ordinal))
    position = {p.key: i for i, p in enumerate(provisions)}
    order = sorted(range(len(raw)), key=lambda i: (position[raw[i][0]], raw[i][1], raw[i][3]))
    whole = [i for i in order if not raw[i][3]]
    parts = [i for i in order if raw[i][3]]
    embeddings = np.asarray(stored["embeddings"], dtype=np.float32) if vectors and order else None
    return IndexHandle(
        collection=collection,
        name=collection.name,
        embedder_spec=str(meta.get("embedder", "e5")),
        documents=json.loads(meta.get("documents", "{}")),
        provisions=provisions,
        vectors=embeddings[whole] if embeddings is not None else None,
        records=[(position[raw[i][0]], raw[i][1], raw[i][2]) for i in whole],
        part_records=[(position[raw[i][0]], raw[i][1], raw[i][2]) for i in parts],
        part_vectors=embeddings[parts] if embeddings is not None and parts else None,
    )


def _metadata(provision: Provision, content_hash: str, lang: str, part: int = 0) -> dict:
    return {
        "lang": lang,
        "part": part,
        "provision": provision.model_dump_json(),
        "doc_id": provision.doc_id,
        "doc_title": provision.doc_title,
        "jurisdiction": provision.jurisdiction,
        "chapter": provision.chapter or "",
        "section": provision.section or "",
        "article": provision.article if provision.article is not None else -1,
        "label": provision.label,
        "ordinal": provision.ordinal,
        "content_hash": content_hash,
    }


def _provision(text: str, meta: dict) -> Provision:
    if meta.get("provision"):
        return Provision.model_validate_json(meta["provision"])
    article = int(meta.get("article", -1))
    return Provision(
        doc_id=meta["doc_id"],
        doc_title=meta["doc_title"],
        jurisdiction=meta["jurisdiction"],
        chapter=meta.get("chapter") or None,
        section=meta.get("section") or None,
        article=article if article >= 0 else None,
        label=meta["label"],
        text=text,
        ordinal=int(meta.get("ordinal", 0)),
    )


# What each document's records are: raise it when ``_records`` or ``_part_records`` change, and every
# document is embedded again at the next ingest (its stored record names the layout it was embedded in).
RECORDS_LAYOUT = 2  # 2: the whole article per language, and each paragraph or item of an article with several


def _document_record(document: Document) -> dict:
    return {**document.model_dump(exclude={"text"}), "records": RECORDS_LAYOUT}


# --- ingest -------------------------------------------------------------------------


def collect_files(paths: Sequence[Path | str]) -> tuple[list[Path], list[str]]:
    """Expand folders into their supported files; returns (files, errors)."""
    files: list[Path] = []
    errors: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(
                sorted(
                    p for p in path.rglob("*")
                    if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                    and not any(part.startswith(".") for part in p.relative_to(path).parts)
                )
            )
        elif path.exists():
            files.append(path)
        else:
            errors.append(str(DocumentError(path, "no such file or folder")))
    return files, errors


def ingest(
    paths: Sequence[Path | str] | None = None,
    settings: Settings | None = None,
    *,
    embedder: SpecEmbeddings | None = None,
    progress: bool = True,
    replace: bool = False,
) -> IngestReport:
    """Index documents (see the module docstring for what is added, kept and removed).

    A file whose doc id is already in the index from another file is refused (reported in
    ``errors``, the indexed document kept) unless ``replace`` is given."""
    started = time.perf_counter()
    settings = settings or get_settings()
    if is_read_only(settings):
        raise IndexNotReady(f"the index at {settings.chroma_path} is on a read-only file system: it can be read, "
                            "not changed; ingest where REGCHAT_DATA_DIR can be written")
    sync = paths is None
    files, errors = collect_files([settings.corpus_dir] if sync else paths)
    spec = getattr(embedder, "spec", None) or canonical_spec(settings.embedder)
    report = IngestReport(embedder=spec, errors=errors)

    by_doc: dict[str, list[tuple[Document, list[Provision]]]] = {}
    failed_paths: set[str] = set()
    for path in files:
        try:
            document, provisions = load_provisions(path)
        except DocumentError as exc:
            report.errors.append(str(exc))
            failed_paths.add(str(Path(path)))
            continue
        by_doc.setdefault(document.doc_id, []).append((document, provisions))
    parsed: dict[str, tuple[Document, list[Provision]]] = {}
    for doc_id, doc_files in by_doc.items():
        try:
            parsed[doc_id] = (_combined(doc_files), assemble(doc_files))
        except DocumentError as exc:
            report.errors.append(str(exc))
            failed_paths.update(str(Path(d.path)) for d, _ in doc_files if d.path)

    client = _read_guard(settings, lambda: chroma_client(settings))
    function = ChromaEmbeddingFunction(embedder, spec)
    old = _read_guard(settings, lambda: _active(client, settings.collection, function))
    old_meta = (old.metadata or {}) if old is not None else {}
    old_docs: dict[str, dict] = json.loads(old_meta.get("documents", "{}")) if old is not None else {}
    same_embedder = old is not None and old_meta.get("embedder") == spec

    if not sync and not replace:
        for doc_id, (document, _) in list(parsed.items()):
            previous_path = (old_docs.get(doc_id) or {}).get("path")
            if previous_path and document.path and Path(previous_path).resolve() != Path(document.path).resolve():
                report.errors.append(str(DocumentError(
                    document.path, f"doc_id {doc_id!r} is already in the index from {previous_path}; "
                    "give --replace to replace it")))
                failed_paths.add(str(Path(document.path)))
                del parsed[doc_id]

    keep: dict[str, dict] = {}  # doc_id -> stored document record, copied with its vectors
    to_embed: dict[str, tuple[Document, list[Provision]]] = {}
    for doc_id, (document, provisions) in parsed.items():
        previous = old_docs.get(doc_id)
        if previous is None:
            report.added.append(doc_id)
            to_embed[doc_id] = (document, provisions)
        elif (same_embedder and previous.get("content_hash") == document.content_hash
              and previous.get("records") == RECORDS_LAYOUT):
            report.unchanged.append(doc_id)
            keep[doc_id] = _document_record(document)
        else:
            report.updated.append(doc_id)
            to_embed[doc_id] = (document, provisions)
    for doc_id, record in old_docs.items():
        if doc_id in parsed:
            continue
        if sync and record.get("path") not in failed_paths:
            report.removed.append(doc_id)
        elif same_embedder:
            keep[doc_id] = record  # kept as it is: not part of this run, or its file failed to parse
        else:
            report.errors.append(f"{record.get('path') or doc_id}: not re-embedded with {spec}; dropped")

    if old is not None and not report.changed and same_embedder:
        report.collection = old.name
        report.provisions = _provision_count(old)
        report.seconds = time.perf_counter() - started
        return report

    # An embedder passed in is used as it is, in this process; one built here from the
    # settings embeds in ``settings.embed_workers`` processes.
    workers = 1 if embedder is not None else settings.embed_workers
    embedder = embedder or get_embedder(spec, cache_dir=settings.models_path)
    version = (_versions(client, settings.collection) or [(0, "")])[-1][0] + 1
    name = f"{settings.collection}-v{version}"
    documents = {**keep, **{d: _document_record(doc) for d, (doc, _) in to_embed.items()}}
    new = client.create_collection(
        name,
        embedding_function=function,
        configuration={"hnsw": {"space": "cosine"}},
        metadata={"embedder": spec, "complete": False, "documents": json.dumps(documents, ensure_ascii=False)},
    )
    try:
        if keep and old is not None:
            _copy(old, new, sorted(keep))
        report.embedded = _embed_into(new, to_embed, embedder, progress, workers)
        report.provisions = _provision_count(new)
        new.modify(metadata={**(new.metadata or {}), "complete": True})
    except BaseException:
        try:
            client.delete_collection(name)
        except Exception:  # best effort: an incomplete version is never read anyway
            pass
        raise
    for _, stale in _versions(client, settings.collection):
        if stale != name:
            try:
                client.delete_collection(stale)
            except Exception:  # another process may have removed it already
                pass
    if not settings.chroma_host:
        remove_stale_folders(settings)
    report.collection = name
    report.seconds = time.perf_counter() - started
    return report


def _provision_count(collection) -> int:
    """Provisions in a collection (a provision has one record per language)."""
    return len({record_id.split("|")[0] for record_id in collection.get(include=[])["ids"]})


def _combined(files: Sequence[tuple[Document, list[Provision]]]) -> Document:
    """The one record stored for a document that comes as several files (official versions,
    translations, summaries): the first translation's metadata (else the official text's, never a
    summary's), one content
    hash over every file, and every file's path."""
    ordered = sorted(files, key=lambda f: (f[0].summary, f[0].official, f[0].path or ""))
    first = ordered[0][0]
    if len(files) == 1:
        return first
    digest = hashlib.sha256("".join(sorted(d.content_hash for d, _ in files)).encode()).hexdigest()
    paths = sorted(d.path for d, _ in files if d.path)
    return first.model_copy(update={"content_hash": digest, "path": paths[0] if paths else None})


def _heading(provision: Provision, lang: str) -> str:
    """What an embedded text of ``provision`` in ``lang`` opens with: its label in that language."""
    return provision.label_zh if lang == "zh" else f"{provision.doc_title}\n{provision.label}"


def _records(provision: Provision) -> list[tuple[str, str, str]]:
    """(lang, stored text, embedded text) for each language of a provision: the text in force
    now, with the document's title and the article's label in that language; a language with
    only a summary of the provision, the summary."""
    out = []
    for lang in provision.languages:
        version = provision.text_in(lang)
        if version is None:
            continue
        out.append((lang, version.text, f"{_heading(provision, lang)}\n{version.text}"))
    for summary in provision.summaries:
        if provision.summary_in(summary.lang) is summary:  # a language with no text is found by its summary
            out.append((summary.lang, summary.text, f"{provision.doc_title}\n{provision.label}\n{summary.text}"))
    if not out:
        out.append(("en", provision.text, provision.embedding_text()))
    return out


def _part_records(provision: Provision) -> list[tuple[str, int, str, str]]:
    """(lang, part number, stored text, embedded text) for each paragraph and item of an article
    text that has several, numbered from 1 in the order of the text: an item is embedded with its
    lead-in and the article's label, so "harbouring a foreigner" finds the paragraph that fines it
    inside a long article whose whole text is about much else."""
    out = []
    for lang in provision.languages:
        version = provision.text_in(lang)
        if version is None:
            continue
        parts = split_parts(version.text)
        if len(parts) < 2:
            continue
        head = _heading(provision, lang)
        out += [(lang, n, part.quoted, f"{head}\n{part.quoted}") for n, part in enumerate(parts, start=1)]
    return out


_SEGMENT_DIR = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def remove_stale_folders(settings: Settings) -> list[str]:
    """Delete the vector folders of deleted index versions (Chroma leaves them on disk);
    the names of the folders removed."""
    import sqlite3

    root = Path(settings.chroma_path)
    try:
        with sqlite3.connect(f"file:{root / 'chroma.sqlite3'}?mode=ro", uri=True) as db:
            live = {row[0] for row in db.execute("SELECT id FROM segments")}
    except sqlite3.Error:
        return []  # cannot tell which are live: remove nothing
    removed = []
    for folder in root.iterdir():
        if folder.is_dir() and _SEGMENT_DIR.match(folder.name) and folder.name not in live:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder.name)
    return removed


def rebuild(settings: Settings | None = None, *, embedder: SpecEmbeddings | None = None,
            progress: bool = True) -> IngestReport:
    """Build the index again from the corpus without reading the existing store (which may be
    damaged): the local store is moved aside, rebuilt, and the old one deleted once the new one
    is complete; on a Chroma server every version of the collection is dropped first."""
    settings = settings or get_settings()
    if settings.chroma_host:
        client = chroma_client(settings)
        for _, name in _versions(client, settings.collection):
            client.delete_collection(name)
        return ingest(None, settings, embedder=embedder, progress=progress)
    path = Path(settings.chroma_path)
    forget_client(settings)
    aside = path.with_name(f"{path.name}.damaged-{int(time.time())}")
    if path.exists():
        path.rename(aside)
    try:
        report = ingest(None, settings, embedder=embedder, progress=progress)
    except BaseException:
        forget_client(settings)
        if aside.exists():
            shutil.rmtree(path, ignore_errors=True)
            aside.rename(path)
        raise
    shutil.rmtree(aside, ignore_errors=True)
    forget_client(settings)  # later readers open the rebuilt store afresh
    return report


def _copy(old, new, doc_ids: list[str]) -> None:
    stored = old.get(where={"doc_id": {"$in": doc_ids}}, include=["embeddings", "documents", "metadatas"])
    ids = stored["ids"]
    for start in range(0, len(ids), _ADD_BATCH):
        end = start + _ADD_BATCH
        new.add(
            ids=ids[start:end],
            embeddings=np.asarray(stored["embeddings"][start:end], dtype=np.float32),
            documents=stored["documents"][start:end],
            metadatas=stored["metadatas"][start:end],
        )


def _embed_into(collection, to_embed: dict, embedder: SpecEmbeddings, progress: bool, workers: int = 1) -> int:
    records = [
        (provision, document.content_hash, lang, text, embedded, 0)
        for document, provisions in to_embed.values()
        for provision in provisions
        for lang, text, embedded in _records(provision)
    ] + [
        (provision, document.content_hash, lang, text, embedded, part)
        for document, provisions in to_embed.values()
        for provision in provisions
        for lang, part, text, embedded in _part_records(provision)
    ]
    if not records:
        return 0
    from tqdm import tqdm

    if not getattr(embedder, "parallel", False) or len(records) <= 2 * _BATCH:
        workers = 1  # starting processes and loading the model in each costs more than it saves
    if hasattr(embedder, "prepare"):
        embedder.prepare(progress=progress)  # a one-time conversion, here rather than raced by workers
    batches = [records[start:start + _BATCH] for start in range(0, len(records), _BATCH)]
    bar = tqdm(
        total=len(records), desc="embedding", unit="text",
        disable=not progress or len(records) <= _BATCH, leave=False,
    )
    try:
        texts = [[r[4] for r in batch] for batch in batches]
        for batch, vectors in zip(batches, embed_batches(embedder, texts, workers)):
            vectors = np.asarray(vectors, dtype=np.float32)
            if vectors.shape[0] != len(batch):
                raise RegchatError(f"the embedder returned {vectors.shape[0]} vectors for {len(batch)} texts")
            collection.add(
                ids=[f"{p.key}|{lang}" + (f"|{part}" if part else "") for p, _, lang, _, _, part in batch],
                embeddings=vectors,
                documents=[text for _, _, _, text, _, _ in batch],
                metadatas=[_metadata(p, h, lang, part) for p, h, lang, _, _, part in batch],
            )
            bar.update(len(batch))
    finally:
        bar.close()
    return len({p.key for p, *_ in records})
