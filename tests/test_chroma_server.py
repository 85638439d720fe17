"""The same index and retrieval code against a real Chroma server (`chroma run`)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from regchat.index import ingest, open_index
from regchat.retrieval import open_retriever

pytestmark = pytest.mark.slow

CHROMA = Path(sys.executable).parent / "chroma"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    path = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    log = open(path / "server.log", "w")
    process = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(path / "data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"chroma run exited: {(path / 'server.log').read_text()[-2000:]}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("chroma run did not answer its heartbeat within 60 s")
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def server_settings(chroma_server, tmp_path_factory):
    from regchat.settings import PROJECT_ROOT, Settings

    return Settings(
        _env_file=None,
        data_dir=tmp_path_factory.mktemp("unused-local-data"),
        corpus_dir=PROJECT_ROOT / "corpus",
        chroma_host="127.0.0.1",
        chroma_port=chroma_server,
        embedder="hashing",
    )


def test_ingest_and_search_through_the_server(server_settings):
    report = ingest(None, server_settings, progress=False)
    assert report.ok and report.provisions == 146 and report.embedded == 146
    assert not (server_settings.data_dir / "chroma").exists()  # nothing was written locally

    retriever = open_retriever(server_settings)
    assert type(retriever.handle.collection._client).__name__ == "FastAPI"  # the HTTP client API
    hits = retriever.search("Do hotels have to register foreign guests?", k=3)
    assert "cn-exit-entry-law#39" in [h.provision.key for h in hits]
    exact = retriever.search("第三十条", k=2)
    assert {h.provision.key for h in exact} == {"cn-exit-entry-law#30", "cn-foreigner-entry-exit-regulations#30"}


def test_reingest_through_the_server_is_incremental(server_settings):
    ingest(None, server_settings, progress=False)
    report = ingest(None, server_settings, progress=False)
    assert report.embedded == 0 and len(report.unchanged) == 4
    assert len(open_index(server_settings).provisions) == 146


def test_unreachable_server_is_index_not_ready(server_settings):
    from regchat.errors import IndexNotReady

    settings = server_settings.model_copy(update={"chroma_port": free_port()})
    with pytest.raises(IndexNotReady, match="cannot reach the Chroma server"):
        open_retriever(settings)
