"""Several processes: ingest embedding in worker processes, and ``regchat serve --workers``."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import pytest

from regchat import index as index_module
from regchat.embeddings import HashingEmbeddings
from regchat.index import ingest, open_index


def write_corpus(folder: Path, articles: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["---", "doc_id: many", "title: Rules on Many Things", "jurisdiction: CN", "language: en", "---", ""]
    for n in range(1, articles + 1):
        lines += [f"Article {n} A foreigner holding permit number {n} shall report to office {n % 7} "
                  f"within {n % 30 + 1} days of arriving in district {n % 11}.", ""]
    (folder / "many.md").write_text("\n".join(lines), encoding="utf-8")
    return folder


@pytest.mark.slow
def test_ingest_embeds_in_worker_processes_and_stores_the_same_vectors(make_settings, tmp_path, monkeypatch):
    corpus = write_corpus(tmp_path / "corpus", 300)
    # the hashing embedder is instant, so ingest keeps it in-process; let it count as a real model here
    monkeypatch.setattr(HashingEmbeddings, "parallel", True)
    seen = []
    real = index_module.embed_batches

    def recording(embedder, batches, workers=1):
        seen.append(workers)
        return real(embedder, batches, workers)

    monkeypatch.setattr(index_module, "embed_batches", recording)
    parallel = make_settings(data_dir=tmp_path / "two", corpus_dir=corpus, embed_workers=2)
    single = make_settings(data_dir=tmp_path / "one", corpus_dir=corpus, embed_workers=1)
    report = ingest(None, parallel, progress=False)
    assert report.ok and report.embedded == 300 and seen == [2]
    ingest(None, single, progress=False)
    assert seen == [2, 1]
    a, b = open_index(parallel, vectors=True), open_index(single, vectors=True)
    assert [p.key for p in a.provisions] == [p.key for p in b.provisions]
    assert np.allclose(a.vectors, b.vectors, atol=1e-6)
    assert ingest(None, parallel, progress=False).embedded == 0  # incremental as before


def test_small_ingests_and_passed_in_embedders_stay_in_process(make_settings, tmp_path, monkeypatch):
    monkeypatch.setattr(HashingEmbeddings, "parallel", True)
    seen = []
    real = index_module.embed_batches
    monkeypatch.setattr(index_module, "embed_batches", lambda e, b, workers=1: seen.append(workers) or real(e, b, workers))
    small = make_settings(data_dir=tmp_path / "small", corpus_dir=write_corpus(tmp_path / "c1", 40), embed_workers=2)
    ingest(None, small, progress=False)
    passed = make_settings(data_dir=tmp_path / "passed", corpus_dir=write_corpus(tmp_path / "c2", 300), embed_workers=2)
    ingest(None, passed, embedder=HashingEmbeddings(), progress=False)
    assert seen == [1, 1]


def test_embed_workers_defaults_to_the_usable_cores(make_settings):
    assert make_settings().embed_workers == len(os.sched_getaffinity(0))
    with pytest.raises(ValueError):
        make_settings(embed_workers=0)


@pytest.mark.slow
def test_regchat_serve_with_two_workers_answers_from_both(shipped_settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "REGCHAT_DATA_DIR": str(shipped_settings.data_dir), "REGCHAT_LLM": "offline",
           "REGCHAT_CHROMA_HOST": ""}
    regchat = Path(sys.executable).parent / "regchat"
    process = subprocess.Popen([str(regchat), "serve", "--workers", "2", "--port", str(port)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=30).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, process.stdout.read()
            assert time.monotonic() < deadline, "regchat serve --workers 2 did not become healthy"
            time.sleep(0.3)
        question = {"question": "How many days before my residence permit expires must I apply to extend it?"}
        answers = {httpx.post(f"{base}/api/ask", json=question, timeout=60).json()["text"] for _ in range(8)}
        assert len(answers) == 1 and "Art. 32" in answers.pop()  # the same answer from either process
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert output.count("Started server process") == 2, output[-2000:]
