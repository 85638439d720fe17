"""evals/run.py: a few dev-set questions through the real engine over the shipped corpus."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from regchat.evaluation import METRICS

EVALS = Path(__file__).resolve().parents[1] / "evals"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"evals_{name}", EVALS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def run():
    return _load("run")


def _dev_lines() -> list[dict]:
    return [json.loads(line) for line in (EVALS / "questions.jsonl").read_text(encoding="utf-8").splitlines() if line]


def _smoke_questions() -> list[dict]:
    """The first question of each category and language pair: a few, but every kind."""
    chosen: dict[tuple[str, str], dict] = {}
    for q in _dev_lines():
        chosen.setdefault((q["category"], q["lang"]), q)
    picked = list(chosen.values())
    assert any(q.get("history") for q in picked) and any(q.get("gold_dates") for q in picked)
    return picked


def _write(path: Path, questions: list[dict]) -> Path:
    path.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in questions), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def smoke_report(run, shipped_settings, tmp_path_factory):
    folder = tmp_path_factory.mktemp("eval-run")
    questions = _write(folder / "smoke.jsonl", _smoke_questions())
    out = folder / "out" / "smoke.json"
    status = run.main(["--questions", str(questions), "--report", str(out), "--no-progress"], settings=shipped_settings)
    return status, out


def test_a_smoke_run_writes_the_report_summary_and_chart(smoke_report):
    status, out = smoke_report
    assert status == 0
    assert out.is_file() and out.with_suffix(".md").is_file()
    assert out.with_suffix(".png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "| all |" in out.with_suffix(".md").read_text(encoding="utf-8")


def test_the_report_carries_every_documented_key(smoke_report):
    _, out = smoke_report
    report = json.loads(out.read_text(encoding="utf-8"))
    for key in ("n", *METRICS, "latency_p50_ms", "latency_p95_ms", "by_category", "by_lang", "results"):
        assert key in report, key
    smoke = _smoke_questions()
    assert report["n"] == len(smoke) == len(report["results"])
    assert set(report["by_category"]) == {q["category"] for q in smoke}
    assert set(report["by_lang"]) == {"en", "zh"}
    for row in report["results"]:
        for key in ("id", "retrieved", "citations", "dates", "refused", "answer", "latency_ms", "passed"):
            assert key in row
        assert row["error"] is None, row["error"]
        assert row["latency_ms"] > 0


def test_the_report_names_the_embedder_the_index_was_built_with(smoke_report, shipped_settings):
    _, out = smoke_report
    report = json.loads(out.read_text(encoding="utf-8"))
    from regchat.index import index_embedder

    assert report["meta"]["embedder"] == index_embedder(shipped_settings)


def test_the_retrieval_script_refuses_an_index_of_another_embedder(make_settings, capsys):
    from regchat.index import index_embedder, ingest

    settings = make_settings()  # an index built with the hashing embedder, like an app's own
    ingest(None, settings, progress=False)
    status = _load("retrieval").main(["--embedder", "minilm", "--data-dir", str(settings.data_dir), "--no-ablation"])
    assert status == 2
    assert "built with hashing, not minilm" in capsys.readouterr().err
    assert index_embedder(settings) == "hashing"  # not embedded again


def test_the_engine_actually_answered(smoke_report):
    """Not a report of empty answers: in-scope questions retrieved and were answered with text."""
    _, out = smoke_report
    report = json.loads(out.read_text(encoding="utf-8"))
    in_scope = [r for r in report["results"] if r["category"] != "out_of_scope"]
    assert all(r["retrieved"] for r in in_scope)
    assert all(r["answer"].strip() for r in report["results"])
    assert report["retrieval_recall_at_5"] > 0


def test_questions_about_unknown_documents_score_zero(run, shipped_settings, tmp_path):
    question = {
        "id": "x1",
        "question": "What does section 11 of the Hong Kong Immigration Ordinance say about residence?",
        "category": "lookup",
        "lang": "en",
        "gold_citations": [{"doc": "hk-immigration-ordinance", "article": 11}],
    }
    out = tmp_path / "unknown.json"
    status = run.main(
        ["--questions", str(_write(tmp_path / "q.jsonl", [question])), "--report", str(out), "--no-progress"],
        settings=shipped_settings,
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    assert status == 0
    assert report["retrieval_recall_at_5"] == 0.0 and report["citation_recall"] == 0.0


def test_limit_takes_the_first_questions(run, shipped_settings, tmp_path):
    out = tmp_path / "limited.json"
    status = run.main(
        ["--questions", str(EVALS / "questions.jsonl"), "--report", str(out), "--limit", "2", "--no-progress"],
        settings=shipped_settings,
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    assert status == 0
    assert [r["id"] for r in report["results"]] == [q["id"] for q in _dev_lines()[:2]]


def test_sample_spreads_over_the_file(run):
    assert run.spread(list(range(10)), 3) == [0, 3, 6]
    assert run.spread(list(range(4)), 9) == [0, 1, 2, 3]
    assert run.spread(list(range(4)), 0) == []


def test_a_bad_question_file_is_reported_with_its_line(run, shipped_settings, tmp_path, capsys):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "question": "x", "category": "lookup", "lang": "en", "gold_citations": []}\n{oops\n')
    status = run.main(["--questions", str(path), "--report", str(tmp_path / "r.json")], settings=shipped_settings)
    assert status == 1
    assert "bad.jsonl, line 2: not valid JSON" in capsys.readouterr().err
    assert not (tmp_path / "r.json").exists()


def test_llm_mode_needs_an_endpoint(run, shipped_settings, tmp_path, capsys):
    status = run.main(
        ["--questions", str(EVALS / "questions.jsonl"), "--report", str(tmp_path / "r.json"), "--mode", "llm"],
        settings=shipped_settings,
    )
    assert status == 1
    assert "REGCHAT_LLM" in capsys.readouterr().err
