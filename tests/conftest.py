"""Shared fixtures.

* ``shipped_settings``: Settings whose index (in a session temp folder) holds the
  shipped corpus, built with the default embedder. The build is kept between
  runs in ``.regchat/test-cache`` (re-ingested incrementally, under a file lock,
  then copied), so a run whose corpus is unchanged embeds nothing.
* ``retriever``: a ``Retriever`` over that index.
* ``make_settings``: Settings for a fresh, empty index in a test's own folder
  (hashing embedder unless told otherwise: instant, and it still ranks).

No test reaches a model hub: Hugging Face libraries are told they are offline.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["ANONYMIZED_TELEMETRY"] = "False"

from regchat.settings import PROJECT_ROOT, Settings  # noqa: E402

CORPUS_DIR = PROJECT_ROOT / "corpus"
DEFAULT_EMBEDDER = Settings.model_fields["embedder"].default


@pytest.fixture(scope="session")
def shipped_provisions() -> dict:
    """The shipped corpus's provisions, parsed and assembled (no index), by (doc_id, article, section)."""
    from regchat.assembly import assemble
    from regchat.parsing import load_provisions

    files: dict[str, list] = {}
    for path in sorted(CORPUS_DIR.glob("*.md")):
        document, provisions = load_provisions(path)
        files.setdefault(document.doc_id, []).append((document, provisions))
    return {(p.doc_id, p.article, p.section if p.article is None else None): p
            for parts in files.values() for p in assemble(parts)}


def _settings(data_dir: Path, **overrides) -> Settings:
    values = {
        "data_dir": data_dir,
        "corpus_dir": CORPUS_DIR,
        "embedder": DEFAULT_EMBEDDER,
        "chroma_host": None,
        "llm": None,
        "holidays_dir": None,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture(scope="session")
def shipped_settings(tmp_path_factory) -> Settings:
    import fcntl
    import shutil

    from regchat.index import ingest

    cache = _settings(PROJECT_ROOT / ".regchat" / "test-cache" / DEFAULT_EMBEDDER)
    cache.data_dir.mkdir(parents=True, exist_ok=True)
    target = tmp_path_factory.mktemp("shipped-index")
    with open(cache.data_dir / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        report = ingest(None, cache, progress=False)
        assert report.ok, report.errors
        shutil.copytree(cache.chroma_path, target / "chroma")
    return _settings(target)


@pytest.fixture(scope="session")
def retriever(shipped_settings):
    from regchat.retrieval import open_retriever

    return open_retriever(shipped_settings)


@pytest.fixture
def make_settings(tmp_path):
    """``make_settings(**overrides)`` -> Settings with an empty index under this test's tmp_path."""

    def make(**overrides) -> Settings:
        overrides.setdefault("embedder", "hashing")
        overrides.setdefault("data_dir", tmp_path / "data")
        data_dir = overrides.pop("data_dir")
        return _settings(Path(data_dir), **overrides)

    return make


@pytest.fixture(scope="session")
def unavailable():
    """``unavailable(reason)``: a real part (browser, model server) is missing. Skip on a
    developer's machine; fail in CI, where `make test` must have installed it."""

    def report(reason: str) -> None:
        if os.environ.get("CI"):
            pytest.fail(f"required for CI: {reason}")
        pytest.skip(reason)

    return report


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory, unavailable):
    """A real ``redis-server`` on a free loopback port for this test run; yields its URL.
    `make test` installs the Debian package (``make system-test-deps``)."""
    import shutil
    import socket
    import subprocess
    import time

    binary = shutil.which("redis-server")
    if binary is None:
        unavailable("redis-server is not installed (make system-test-deps)")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    folder = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", str(folder), "--protected-mode", "yes"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("redis-server did not start") from None
            time.sleep(0.05)
    client.close()
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def redis_url(redis_server):
    """The test run's Redis, emptied for this test."""
    import redis

    with redis.Redis.from_url(redis_server) as client:
        client.flushdb()
    return redis_server


@pytest.fixture(autouse=True)
def _logging_as_it_was():
    """A test that configures logging (the server's format, secret redaction) leaves it as it
    found it, so that the next test's captured log is its own."""
    import logging

    from regchat import logs

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    factory = logging.getLogRecordFactory()
    installed = list(logs._installed)
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.setLogRecordFactory(factory)
    logs._installed[:] = installed
