"""Gist vectors: each restatement embedded once per embedder and gists file, kept on disk."""

from __future__ import annotations

import numpy as np

from regchat.documents import Provision
from regchat.embeddings import get_embedder
from regchat.gist_vectors import gist_vectors, question_vectors
from regchat.gists import parse_gists
from regchat.part_questions import parse_part_questions


class Counting:
    """The hashing embedder, counting the texts it embeds."""

    def __init__(self):
        self.inner = get_embedder("hashing")
        self.spec = "hashing"
        self.embedded = 0

    def embed_documents(self, texts):
        self.embedded += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text):
        return self.inner.embed_query(text)


def provision(doc_id: str, article: int) -> Provision:
    return Provision(doc_id=doc_id, doc_title="T", jurisdiction="CN", article=article, label=f"T, Art. {article}",
                     text="x")


PROVISIONS = [provision("d", 1), provision("d", 2), provision("other", 1)]


def gists(en_of_first: str = "Residence permits last 90 days to 5 years."):
    return parse_gists({"gists": [
        {"doc": "d", "article": 1, "paragraph": 1, "text": "一", "en": en_of_first, "zh": "居留证件有效期90日至5年。"},
        {"doc": "d", "article": 2, "paragraph": 1, "text": "二", "en": "Register within 24 hours.", "zh": "24小时内登记。"},
        {"doc": "gone", "article": 9, "paragraph": 1, "text": "九", "en": "Not indexed.", "zh": "未入索引。"},
    ]})


def test_each_restatement_in_each_language_belongs_to_its_provision():
    vectors = gist_vectors(gists(), PROVISIONS, Counting())
    assert vectors.owners.tolist() == [0, 0, 1, 1]  # the document not in the index is left out
    query = np.asarray(Counting().embed_query("register within 24 hours"), dtype=np.float32)
    best = vectors.best_per_provision(query, len(PROVISIONS))
    assert best.shape == (3,) and best[2] == -1.0 and best[1] > best[0]


def test_the_vectors_are_embedded_once_and_read_back(tmp_path):
    first, again = Counting(), Counting()
    one = gist_vectors(gists(), PROVISIONS, first, tmp_path)
    two = gist_vectors(gists(), PROVISIONS, again, tmp_path)
    assert first.embedded == 4 and again.embedded == 0
    assert np.array_equal(one.vectors, two.vectors)
    changed = Counting()
    gist_vectors(gists("Residence permits last between 90 days and 5 years."), PROVISIONS, changed, tmp_path)
    assert changed.embedded == 4  # a changed restatement is embedded anew


def test_a_cache_folder_that_cannot_be_written_only_costs_the_embedding(tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    embedder = Counting()
    assert gist_vectors(gists(), PROVISIONS, embedder, blocked) is not None
    assert embedder.embedded == 4


def test_no_restatement_of_an_indexed_provision_gives_none():
    assert gist_vectors(gists(), [provision("unrelated", 1)], Counting()) is None


class Recording:
    """The hashing embedder, noting whether it was asked for query or passage vectors."""

    spec = "hashing"

    def __init__(self):
        self.inner = get_embedder("hashing")
        self.asked: list[bool] = []

    def encode(self, texts, *, query):
        self.asked.append(query)
        return self.inner.encode(texts, query=query)


def part_questions():
    return parse_part_questions({"parts": [
        {"doc": "d", "article": 2, "paragraph": 1, "en": ["where do I register my guest?"], "zh": ["朋友来住要登记吗？"]},
        {"doc": "gone", "article": 9, "paragraph": 1, "en": ["not indexed?"]},
    ]})


def test_the_questions_a_part_answers_are_embedded_as_queries_for_their_provision():
    embedder = Recording()
    vectors = question_vectors(part_questions(), PROVISIONS, embedder)
    assert embedder.asked == [True]  # question meets question on the model's query side
    assert vectors.owners.tolist() == [1, 1]
    best = vectors.best_per_provision(np.asarray(embedder.inner.embed_query("where do I register my guest?")), 3)
    assert best[1] > 0.99 and best[0] == best[2] == -1.0


def test_questions_and_gists_are_kept_apart_in_the_cache(tmp_path):
    question_vectors(part_questions(), PROVISIONS, Recording(), tmp_path)
    gist_vectors(gists(), PROVISIONS, Counting(), tmp_path)
    assert sorted(p.name.split("-")[0] for p in tmp_path.glob("*.npy")) == ["gists", "questions"]
    again = Recording()
    question_vectors(part_questions(), PROVISIONS, again, tmp_path)
    assert again.asked == []
