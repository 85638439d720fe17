"""BM25 over the inverted index scores exactly as rank_bm25's BM25Okapi does
(same k1, b, idf and epsilon floor), on the shipped corpus and on any small corpus."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rank_bm25 import BM25Okapi

from regchat.bm25 import OkapiBM25
from regchat.parsing import load_provisions
from regchat.retrieval import Retriever, Tuning, load_glossary
from regchat.settings import PROJECT_ROOT
from regchat.tokens import tokenize

TOLERANCE = 1e-9


def assert_same_scores(corpus, query, **params):
    expected = np.asarray(BM25Okapi(corpus, **params).get_scores(query), dtype=float)
    got = OkapiBM25(corpus, **params).scores(query)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=0, atol=TOLERANCE)


@pytest.fixture(scope="module")
def shipped_corpus() -> list[list[str]]:
    """The token lists the retriever indexes for the shipped corpus."""
    provisions = []
    for path in sorted((PROJECT_ROOT / "corpus").glob("*.md")):
        provisions += load_provisions(path)[1]
    assert len(provisions) == 21 + 72 + 94 + 39 + 40 + 39 + 2 + 5 + 5 + 9 + 9  # per file: the translations, the summaries, the Chinese texts (with their preambles), the guides and their Chinese summaries
    return [tokenize(Retriever._lexical_text(p)) or ["∅"] for p in provisions]


class TestShippedCorpus:
    @pytest.mark.parametrize(
        "question",
        [
            "How long do I have to apply for a residence permit after entry?",
            "What is the fine for overstaying a visa?",
            "我的居留许可12月15日到期，最晚哪天申请延期？",
            "Macao non-resident worker card renewal",
            "Article 33",
        ],
    )
    def test_questions_score_as_bm25okapi(self, shipped_corpus, question):
        own = tokenize(question)
        assert own
        tokens = own * 2 + tokenize(" ".join(load_glossary().expansions(question)))
        t = Tuning()
        assert_same_scores(shipped_corpus, tokens, k1=t.bm25_k1, b=t.bm25_b)

    def test_every_vocabulary_term_scores_as_bm25okapi(self, shipped_corpus):
        vocabulary = sorted({term for document in shipped_corpus for term in document})
        reference = BM25Okapi(shipped_corpus)
        ours = OkapiBM25(shipped_corpus)
        for term in vocabulary:
            expected = np.asarray(reference.get_scores([term]), dtype=float)
            np.testing.assert_allclose(ours.scores([term]), expected, rtol=0, atol=TOLERANCE)

    def test_the_whole_vocabulary_as_one_query(self, shipped_corpus):
        vocabulary = sorted({term for document in shipped_corpus for term in document})
        assert_same_scores(shipped_corpus, vocabulary)

    def test_common_terms_get_the_epsilon_floor(self, shipped_corpus):
        ours = OkapiBM25(shipped_corpus)
        reference = BM25Okapi(shipped_corpus)
        floored = [t for t, i in ours.vocabulary.items() if reference.idf[t] == reference.epsilon * reference.average_idf]
        assert floored, "the shipped corpus has terms in more than half of its provisions"
        for term in floored:
            assert ours.idf[ours.vocabulary[term]] == pytest.approx(reference.idf[term], abs=TOLERANCE)


class TestQueries:
    CORPUS = [["visa", "extension", "visa"], ["residence", "permit", "extension"], ["fine", "overstay"], ["visa"]]

    def test_empty_query_scores_zero(self):
        scores = OkapiBM25(self.CORPUS).scores([])
        assert scores.tolist() == [0.0] * 4
        assert_same_scores(self.CORPUS, [])

    def test_unknown_tokens_add_nothing(self):
        bm25 = OkapiBM25(self.CORPUS)
        assert bm25.scores(["nowhere", "目录"]).tolist() == [0.0] * 4
        np.testing.assert_allclose(bm25.scores(["fine", "nowhere"]), bm25.scores(["fine"]), rtol=0, atol=0)
        assert_same_scores(self.CORPUS, ["fine", "nowhere"])

    def test_a_repeated_token_counts_once_per_occurrence(self):
        bm25 = OkapiBM25(self.CORPUS)
        once = bm25.scores(["permit"])
        np.testing.assert_allclose(bm25.scores(["permit", "permit", "permit"]), 3 * once, rtol=0, atol=TOLERANCE)
        assert_same_scores(self.CORPUS, ["permit", "visa", "permit", "permit"])

    def test_only_documents_with_a_query_term_score(self):
        scores = OkapiBM25(self.CORPUS).scores(["overstay"])
        assert scores[2] > 0 and scores[[0, 1, 3]].tolist() == [0.0, 0.0, 0.0]

    def test_the_textbook_formula(self):
        corpus = [["a", "b", "b"], ["c"], ["c", "d"], ["e"], ["e", "f"]]
        k1, b = 1.2, 0.75
        n, avgdl = 5, 9 / 5
        idf_b = math.log(n - 1 + 0.5) - math.log(1 + 0.5)
        expected = idf_b * 2 * (k1 + 1) / (2 + k1 * (1 - b + b * 3 / avgdl))
        assert OkapiBM25(corpus, k1=k1, b=b).scores(["b"])[0] == pytest.approx(expected, abs=1e-12)

    def test_an_empty_corpus_scores_nothing(self):
        assert OkapiBM25([]).scores(["visa"]).shape == (0,)


words = st.sampled_from([f"w{i}" for i in range(12)] + ["签证", "居留"])


@settings(max_examples=300, deadline=None)
@given(
    corpus=st.lists(st.lists(words, min_size=1, max_size=15), min_size=1, max_size=12),
    query=st.lists(st.one_of(words, st.just("unseen")), max_size=8),
    k1=st.floats(0.1, 3.0),  # at k1 = 0 the reference gives 0/0 = nan for documents without the term
    b=st.floats(0.0, 1.0),
    epsilon=st.floats(0.0, 1.0),
)
def test_random_corpora_score_as_bm25okapi(corpus, query, k1, b, epsilon):
    assert_same_scores(corpus, query, k1=k1, b=b, epsilon=epsilon)
