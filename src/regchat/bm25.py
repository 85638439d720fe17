"""Okapi BM25 over an inverted index.

``OkapiBM25(corpus).scores(query)`` gives every document's BM25 score for a
tokenised query. The term weight of every (document, term) pair is computed
once, when the index is built, and kept in a sparse term-document matrix
(one column per term), so a query costs a sum over the columns of its own
terms: documents that contain none of them are never visited.

The scores are those of the classic Okapi formulation as ``rank_bm25.BM25Okapi``
computes them, term for term:

* ``idf(t) = ln(N - n(t) + 0.5) - ln(n(t) + 0.5)``, with ``N`` documents of
  which ``n(t)`` contain ``t``; a term in more than half of the documents (a
  negative idf) gets ``epsilon`` times the average idf over the vocabulary
  instead;
* ``weight(d, t) = idf(t) * f * (k1 + 1) / (f + k1 * (1 - b + b * |d| / avgdl))``
  with ``f`` the count of ``t`` in ``d``;
* a query's score is the sum of its tokens' weights, a repeated token counting
  once per occurrence; a token the corpus does not have adds nothing.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse


class OkapiBM25:
    """BM25 scores of one fixed corpus of tokenised documents."""

    def __init__(
        self, corpus: Sequence[Sequence[str]], *, k1: float = 1.5, b: float = 0.75, epsilon: float = 0.25
    ) -> None:
        self.k1 = k1
        self.b = b
        self.epsilon = epsilon
        self.corpus_size = len(corpus)
        self.vocabulary: dict[str, int] = {}  # term -> column, in order of first appearance
        rows: list[int] = []
        columns: list[int] = []
        counts: list[int] = []
        lengths = np.zeros(self.corpus_size)
        for row, document in enumerate(corpus):
            lengths[row] = len(document)
            for term, count in Counter(document).items():
                rows.append(row)
                columns.append(self.vocabulary.setdefault(term, len(self.vocabulary)))
                counts.append(count)
        self.avgdl = float(lengths.sum()) / self.corpus_size if self.corpus_size else 0.0
        document_frequency = np.bincount(columns, minlength=len(self.vocabulary))
        self.idf = self._idf(document_frequency)

        rows_ = np.asarray(rows, dtype=np.int64)
        cols_ = np.asarray(columns, dtype=np.int64)
        freq = np.asarray(counts, dtype=float)
        norm = self.k1 * (1 - self.b + self.b * lengths[rows_] / self.avgdl) if len(freq) else freq
        weights = self.idf[cols_] * (freq * (self.k1 + 1) / (freq + norm))
        self._weights = sparse.csc_matrix(
            (weights, (rows_, cols_)), shape=(self.corpus_size, len(self.vocabulary))
        )

    def _idf(self, document_frequency: np.ndarray) -> np.ndarray:
        """Per-term idf; negative ones floored to ``epsilon`` times the mean idf."""
        n = self.corpus_size
        idf = np.array([math.log(n - f + 0.5) - math.log(f + 0.5) for f in document_frequency.tolist()])
        if len(idf):
            # summed term by term in vocabulary order, as the reference implementation does
            total = 0.0
            for value in idf.tolist():
                total += value
            idf[idf < 0] = self.epsilon * (total / len(idf))
        return idf

    def scores(self, query: Sequence[str]) -> np.ndarray:
        """Every document's score for ``query`` (an array of ``corpus_size`` floats)."""
        counts = Counter(term for term in query if term in self.vocabulary)
        if not counts:
            return np.zeros(self.corpus_size)
        columns = [self.vocabulary[term] for term in counts]
        times = np.fromiter(counts.values(), dtype=float, count=len(counts))
        return np.asarray(self._weights[:, columns] @ times, dtype=float).ravel()
