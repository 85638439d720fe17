"""Building the index: incremental, atomic, and honest about bad files."""

from __future__ import annotations

import shutil
import time

import pytest

from regchat import index as index_module
from regchat.embeddings import HashingEmbeddings
from regchat.errors import IndexNotReady
from regchat.index import chroma_client, index_exists, ingest, open_index
from regchat.retrieval import open_retriever
from regchat.settings import PROJECT_ROOT

SHIPPED = PROJECT_ROOT / "corpus"


class CountingEmbedder(HashingEmbeddings):
    """The hashing embedder, counting the texts it is asked to embed."""

    def __init__(self):
        super().__init__()
        self.embedded = 0

    def embed_documents(self, texts):
        self.embedded += len(texts)
        return super().embed_documents(texts)


class FailingEmbedder(HashingEmbeddings):
    """Fails like a model that crashes part-way through an ingest."""

    def embed_documents(self, texts):
        raise RuntimeError("embedding backend crashed")


@pytest.fixture
def corpus_dir(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(SHIPPED, folder)
    return folder


@pytest.fixture
def settings(make_settings, corpus_dir):
    return make_settings(corpus_dir=corpus_dir)


def versions(settings):
    return [name for _, name in index_module._versions(chroma_client(settings), settings.collection)]


class TestFirstIngest:
    def test_indexes_every_provision_of_the_corpus(self, settings):
        assert not index_exists(settings)
        report = ingest(None, settings, progress=False)
        assert report.ok
        assert sorted(report.added) == sorted({p.name.split(".")[0] for p in SHIPPED.glob("*.md")})
        # the whole Law (93 articles, in Chinese; 21 also in English), the Regulations (39), two guides
        assert report.embedded == report.provisions == 93 + 39 + 5 + 9
        assert index_exists(settings)
        handle = open_index(settings)
        assert handle.embedder_spec == "hashing"
        assert handle.documents["cn-exit-entry-law"]["updated"] == "2017-12-08"
        art30 = next(p for p in handle.provisions if p.key == "cn-exit-entry-law#30")
        assert art30.label == "Exit and Entry Administration Law, Art. 30" and art30.jurisdiction == "CN"
        assert art30.section == "Section 1 Stay and Residence"

    def test_each_paragraph_and_item_of_a_long_article_is_a_record_of_its_own(self, settings):
        ingest(None, settings, progress=False, embedder=HashingEmbeddings())
        handle = open_index(settings, vectors=True)
        regs_6 = next(i for i, p in enumerate(handle.provisions) if p.key == "cn-foreigner-entry-exit-regulations#6")
        zh_parts = [text for i, lang, text in handle.part_records if i == regs_6 and lang == "zh"]
        # the 2025 text in force: the lead-in paragraph and its 13 items, each quoted after the lead-in
        assert len(zh_parts) == 1 + 13
        assert any(t.startswith("普通签证") and "（六）" in t and "K字签证" in t for t in zh_parts)
        # whole texts stay one record per language; one-paragraph articles get no part records
        assert sum(1 for i, lang, _ in handle.records if i == regs_6) == len(handle.provisions[regs_6].languages)
        law_39 = next(i for i, p in enumerate(handle.provisions) if p.key == "cn-exit-entry-law#39")
        law_1 = next(i for i, p in enumerate(handle.provisions) if p.key == "cn-exit-entry-law#1")
        assert any(i == law_39 for i, _, _ in handle.part_records)
        assert not any(i == law_1 for i, _, _ in handle.part_records)
        assert handle.part_vectors.shape == (len(handle.part_records), handle.vectors.shape[1])

    def test_no_index_yet_is_index_not_ready_with_the_fix(self, settings):
        with pytest.raises(IndexNotReady, match="regchat ingest"):
            open_retriever(settings)


class TestIncremental:
    def test_unchanged_corpus_embeds_nothing_and_is_fast(self, settings):
        ingest(None, settings, progress=False)
        counting = CountingEmbedder()
        started = time.perf_counter()
        report = ingest(None, settings, embedder=counting, progress=False)
        assert time.perf_counter() - started < 2
        assert counting.embedded == 0 and report.embedded == 0
        assert len(report.unchanged) == 4 and not report.changed
        assert len(versions(settings)) == 1

    def test_unchanged_reingest_of_the_shipped_index_loads_no_model(self, shipped_settings, monkeypatch):
        def no_model(spec):
            raise AssertionError(f"a model was loaded ({spec})")

        monkeypatch.setattr(index_module, "get_embedder", no_model)
        started = time.perf_counter()
        report = ingest(None, shipped_settings, progress=False)
        assert time.perf_counter() - started < 2
        assert report.embedded == 0 and len(report.unchanged) == 4

    def test_documents_embedded_in_an_older_record_layout_are_embedded_again(self, settings, monkeypatch):
        ingest(None, settings, progress=False)
        monkeypatch.setattr(index_module, "RECORDS_LAYOUT", index_module.RECORDS_LAYOUT + 1)
        counting = CountingEmbedder()
        report = ingest(None, settings, embedder=counting, progress=False)
        assert len(report.updated) == 4 and counting.embedded > 0

    def test_only_the_changed_document_is_re_embedded(self, settings, corpus_dir):
        ingest(None, settings, progress=False)
        law = corpus_dir / "cn-exit-entry-law.md"
        law.write_text(law.read_text(encoding="utf-8").replace("seven days prior", "ten days prior"), encoding="utf-8")
        counting = CountingEmbedder()
        report = ingest(None, settings, embedder=counting, progress=False)
        assert report.updated == ["cn-exit-entry-law"]
        assert report.embedded == 93  # the Law's provisions: its Chinese text and its translation
        # a text per article and language, an English summary of the other 72, and the 251 paragraphs and
        # items of its articles that have several (in Chinese, and in English for Chapter IV)
        assert counting.embedded == 93 + 21 + 72 + 251
        assert report.provisions == 146
        retriever = open_retriever(settings)
        assert "ten days prior" in retriever.get("cn-exit-entry-law#29").text
        assert len(versions(settings)) == 1  # the old version was cleaned up

    def test_a_removed_file_is_removed_from_the_index(self, settings, corpus_dir):
        ingest(None, settings, progress=False)
        for path in corpus_dir.glob("cn-work-permit-card*.md"):  # the guide and its Chinese summary
            path.unlink()
        report = ingest(None, settings, progress=False)
        assert report.removed == ["cn-work-permit-card"] and report.embedded == 0
        assert not [p for p in open_retriever(settings).provisions if p.doc_id == "cn-work-permit-card"]

    def test_ingesting_one_file_adds_it_and_keeps_the_rest(self, settings, tmp_path):
        ingest(None, settings, progress=False)
        extra = tmp_path / "hotel-rules.txt"
        extra.write_text("Hotel Rules\n\nArticle 1 Hotels shall upload guest data every night.\n", encoding="utf-8")
        report = ingest([extra], settings, progress=False)
        assert report.added == ["hotel-rules"] and report.embedded == 1
        assert report.provisions == 147
        retriever = open_retriever(settings)
        assert retriever.get("hotel-rules#1") is not None
        assert retriever.get("cn-exit-entry-law#30") is not None

    def test_changing_the_embedder_re_embeds_everything(self, settings):
        ingest(None, settings, progress=False)

        class OtherHashing(CountingEmbedder):
            spec = "hashing-512"

        other = OtherHashing()
        report = ingest(None, settings, embedder=other, progress=False)
        whole_texts = 93 + 21 + 72 + 2 * 39 + 5 + 9 + 5 + 9
        parts = 503  # the paragraphs and items of every article or section that has several
        assert other.embedded == whole_texts + parts and len(report.updated) == 4
        assert open_index(settings).embedder_spec == "hashing-512"

    def test_an_index_of_another_embedder_answers_with_its_own_and_says_so(self, make_settings, corpus_dir, caplog):
        ingest(None, make_settings(corpus_dir=corpus_dir), progress=False)  # built with the hashing embedder
        configured = make_settings(corpus_dir=corpus_dir, embedder="minilm")
        with caplog.at_level("WARNING", logger="regchat.retrieval"):
            retriever = open_retriever(configured)
        assert retriever.embedder.spec == "hashing"  # its vectors are only comparable with its own
        assert "built with the embedder hashing, not minilm" in caplog.text and "regchat ingest" in caplog.text


class TestAtomic:
    def test_a_failed_ingest_leaves_the_previous_index_answering(self, settings, corpus_dir):
        ingest(None, settings, progress=False)
        before = versions(settings)
        law = corpus_dir / "cn-exit-entry-law.md"
        law.write_text(law.read_text(encoding="utf-8").replace("24 hours", "48 hours"), encoding="utf-8")
        with pytest.raises(RuntimeError, match="crashed"):
            ingest(None, settings, embedder=FailingEmbedder(), progress=False)
        assert versions(settings) == before  # the half-built version is gone
        retriever = open_retriever(settings)
        assert len(retriever.provisions) == 146
        assert "24 hours" in retriever.get("cn-exit-entry-law#39").text
        hits = retriever.search("hotels register accommodation", k=3)
        assert hits and hits[0].provision.key == "cn-exit-entry-law#39"
        # and the next good ingest picks the change up
        report = ingest(None, settings, progress=False)
        assert report.updated == ["cn-exit-entry-law"]
        assert "48 hours" in open_retriever(settings).get("cn-exit-entry-law#39").text


class TestBadFiles:
    def test_bad_files_are_reported_by_name_and_nothing_indexed_is_lost(self, settings, tmp_path):
        ingest(None, settings, progress=False)
        empty = tmp_path / "empty.md"
        empty.write_text("", encoding="utf-8")
        word = tmp_path / "rules.docx"
        word.write_bytes(b"PK")
        good = tmp_path / "good.md"
        good.write_text("# Good\n\nArticle 1 A good rule.\n", encoding="utf-8")
        report = ingest([empty, word, good, tmp_path / "missing.pdf"], settings, progress=False)
        assert not report.ok
        assert len(report.errors) == 3
        assert any("empty.md" in e and "empty" in e for e in report.errors)
        assert any("rules.docx" in e and "unsupported" in e for e in report.errors)
        assert any("missing.pdf" in e for e in report.errors)
        assert report.added == ["good"]
        assert report.provisions == 147
        assert "error: " in report.summary()

    def test_a_file_that_breaks_keeps_its_previous_version(self, settings, corpus_dir):
        ingest(None, settings, progress=False)
        (corpus_dir / "cn-work-permit-card.md").write_text("", encoding="utf-8")
        report = ingest(None, settings, progress=False)
        assert any("cn-work-permit-card.md" in e for e in report.errors)
        assert report.removed == [] and report.embedded == 0
        assert open_retriever(settings).get("cn-work-permit-card#s1") is not None

    def test_two_files_with_one_doc_id(self, settings, tmp_path):
        for name in ("a.md", "b.md"):
            (tmp_path / name).write_text("---\ndoc_id: same\n---\n# T\n\nArticle 1 Text.\n", encoding="utf-8")
        report = ingest([tmp_path / "a.md", tmp_path / "b.md"], settings, progress=False)
        assert report.added == []  # two texts of one document that say nothing of how they relate
        assert any("b.md" in e and "already used" in e for e in report.errors)

    def test_a_folder_is_read_recursively_for_supported_files(self, settings, tmp_path):
        folder = tmp_path / "more"
        (folder / "sub").mkdir(parents=True)
        (folder / "sub" / "x.txt").write_text("X Rules\n\nArticle 1 X.\n", encoding="utf-8")
        (folder / "notes.json").write_text("{}", encoding="utf-8")
        report = ingest([folder], settings, progress=False)
        assert report.ok and report.added == ["x"]
