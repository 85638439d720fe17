"""evals/bench.py: the synthetic corpus and a small end-to-end benchmark run."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from regchat.parsing import load_provisions

EVALS = Path(__file__).resolve().parents[1] / "evals"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("evals_bench", EVALS / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_synthetic_corpus_parses_into_exactly_the_requested_articles(bench, tmp_path):
    sources = bench.real_provisions(bench.PROJECT_ROOT / "corpus")
    written = bench.synthetic_corpus(tmp_path, 250, sources, per_doc=100)
    files = sorted(tmp_path.glob("*.md"))
    parsed = [load_provisions(path) for path in files]
    assert written == 250 and len(files) == 3
    assert [len(provisions) for _, provisions in parsed] == [100, 100, 50]
    assert len({doc.doc_id for doc, _ in parsed}) == 3
    texts = [p.text for _, provisions in parsed for p in provisions]
    assert len(set(texts)) == len(texts)  # altered copies, never duplicates
    assert all(p.article is not None for _, provisions in parsed for p in provisions)


def test_the_synthetic_corpus_is_reproducible(bench, tmp_path):
    sources = bench.real_provisions(bench.PROJECT_ROOT / "corpus")
    bench.synthetic_corpus(tmp_path / "a", 30, sources)
    bench.synthetic_corpus(tmp_path / "b", 30, sources)
    assert (tmp_path / "a" / "syn-00000.md").read_text() == (tmp_path / "b" / "syn-00000.md").read_text()


def test_a_small_run_reports_every_figure(bench, make_settings, tmp_path):
    out = tmp_path / "bench.json"
    status = bench.main(
        ["--out", str(out), "--quick", "--scale-sizes", "150,300", "--scale-queries", "3"],
        settings=make_settings(),  # hashing embedder: the run measures the pipeline, not a model
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    assert status == 0
    assert report["ingest"]["provisions"] > 50 and report["ingest"]["reingest_embedded"] == 0
    assert set(report["retrieval"]) == {"bm25", "dense", "hybrid"}
    for mode in report["retrieval"].values():
        assert mode["n"] == 20 and mode["p95_ms"] >= mode["p50_ms"] > 0
        assert 0 <= mode["recall_at_5"] <= 1
    assert report["retrieval"]["bm25"]["p50_ratio_to_bm25"] == 1.0
    assert report["answer"]["n"] == 20 and report["answer"]["p50_ms"] > 0
    assert report["peak_rss_mb"] > 0
    runs = report["scale"]["runs"]
    assert [r["synthetic_provisions"] for r in runs] == [150, 300]
    shipped = report["ingest"]["provisions"]
    assert [r["indexed_provisions"] for r in runs] == [150 + shipped, 300 + shipped]
    for run in runs:
        assert run["embedder"] == "hashing" and run["ingest_provisions_per_s"] > 0
        assert run["retrieval"]["hybrid"]["n"] == 3 and 0 <= run["retrieval"]["hybrid"]["recall_at_5"] <= 1
    assert "| hybrid |" in out.with_suffix(".md").read_text(encoding="utf-8")
