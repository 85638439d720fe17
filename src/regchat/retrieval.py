"""Hybrid retrieval over the index: BM25 + dense vectors, exact article references,
bilingual query expansion and a jurisdiction prior.

``Retriever.search(query)`` ranks provisions by a fused score::

    score = w_dense * dense_part + (1 - w_dense) * bm25_part   (+ jurisdiction prior)

* ``bm25_part``: BM25 over ``regchat.tokens`` (stemmed English, jieba Chinese) of
  the question's own words (counted twice) plus the English terms the bilingual
  glossary (``data/glossary.json``) adds, squashed to [0, 1) as
  ``s / (s + bm25_half)`` so it is comparable across queries;
* ``dense_part``: cosine similarity to the stored vectors (an article's lifted towards its
  best paragraph's, and towards its best plain-words restatement's in ``corpus/gists.json``),
  rescaled per embedder from its "unrelated" level to its "close match" level and clipped
  to [0, 1];
* the parts are absolute, not normalised per query, so ``Hit.score`` can tell
  "nothing relevant" (below ``min_score``) from a match.

Hits are picked greedily with a small penalty per extra hit from a document
already represented, so one guide's many sections do not crowd out the law.

Article references in the query ("Article 33", "Art. 33", "第三十三条",
"第33条") put that article of every document that has it first, or only of
the document the query names ("Regulations Art. 33", "出境入境管理法第三十条").

Questions naming Macao (or its non-resident worker scheme) lift Macao
material; other questions push it below mainland law.

The parameters were tuned with ``evals/retrieval.py --tune`` on the dev set
(evals/questions.jsonl, 210 questions with gold articles): hybrid recall@5 0.986
(English 0.978, Chinese 1.000), MRR 0.851, against 0.914 / 0.848 for BM25 / dense
alone with the e5 embedder.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

import numpy as np

from regchat.bounds import MAX_EMBED_CHARS
from regchat.bm25 import OkapiBM25
from regchat.documents import Hit, Provision
from regchat.embeddings import SpecEmbeddings, canonical_spec, get_embedder
from regchat.gist_vectors import GistVectors, gist_vectors, question_vectors
from regchat.gists import load_gists
from regchat.index import IndexHandle, open_index
from regchat.part_questions import load_part_questions
from regchat.parsing import ZH_NUMERAL, chinese_to_int
from regchat.settings import Settings, get_settings
from regchat.tokens import character_pairs, is_chinese, tokenize

log = logging.getLogger(__name__)

Mode = Literal["hybrid", "bm25", "dense"]
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Tuning:
    """Fusion parameters (chosen on the dev set with evals/retrieval.py)."""

    w_dense: float = 0.65
    bm25_k1: float = 1.5
    bm25_b: float = 0.75
    bm25_half: float = 20.0  # BM25 score that maps to 0.5
    dense_lo: float = 0.75  # cosine of an unrelated passage -> 0
    dense_hi: float = 0.90  # cosine of a close match -> 1
    macao_boost: float = 0.2
    macao_penalty: float = 0.1
    diversity: float = 0.1  # per extra hit from an already represented document
    min_score: float = 0.47  # below every in-scope top score of the dev and held-out sets (lowest 0.51)
    dense_candidates: int = 60
    cross_language: float = 0.04  # added to the cosine of a text in another language than the query's
    # A Chinese query's lexical score: its words and its character pairs (工作许可证 / 工作许可)
    # averaged, the pairs weighing this many times the words.
    pairs_weight: float = 3.0
    # Taken from every cosine of a Chinese query: e5 puts Chinese question and Chinese text about
    # 0.05 higher on its scale than English ones, so without it every close Chinese text saturates
    # at dense_hi and the dense signal stops telling them apart.
    zh_cosine_shift: float = 0.02
    summary_discount: float = 0.01  # taken from the cosine of a summary: a paraphrase counts a hair below the text
    # An article with several paragraphs or items: its cosine is lifted to this much its best part's
    # (each embedded on its own with its lead-in) and the rest its whole text's, when that is higher.
    # Chosen on the dev sets with the four later held-back sets as dev: hybrid recall@5 0.741 -> 0.765
    # on those 400 questions, MRR 0.721 -> 0.735; 0.3 and 0.7 did less, 1.0 (the part alone) worse
    # than none. Only a lift: a Chinese part must not drag down an article an English summary matches.
    part_weight: float = 0.5
    # Likewise towards its best plain-words restatement (``corpus/gists.json``, both languages):
    # chosen on the dev sets with every held-back set as dev, top-1 provision 0.752 -> 0.772 on
    # dev and held-out, 0.613 -> 0.651 on the held-back sets, 0.583 -> 0.629 on the rewordings;
    # 0.2 and 0.5 did less.
    gist_weight: float = 0.35
    # Likewise towards its best question in users' words (``corpus/questions.json``), embedded as
    # a query; off by default. Measured with every held-back set as dev, top-1 provision rose with
    # it (0.3: dev and held-out with the Law's set 0.789 -> 0.820, held-back sets 0.698 -> 0.734,
    # rewordings 0.655 -> 0.694), but on the thirtieth held-back set, run first with it at 0.3,
    # the answers cited no better (cite P 0.675 -> 0.660, R 0.559 -> 0.545), and no weight from
    # 0.2 to 0.4 kept every ranking the tests hold: a bare "最晚哪天？" scored as a match and was
    # answered instead of asked back, or an employer's everyday question lost Law Art. 80.
    question_weight: float = 0.0


# Per-embedder cosine scales: e5 packs everything into ~0.7-0.9, MiniLM spreads 0-0.8.
TUNINGS: dict[str, Tuning] = {
    "e5": Tuning(),
    "minilm": Tuning(dense_lo=0.15, dense_hi=0.70, macao_boost=0.1, min_score=0.2, cross_language=0.0, zh_cosine_shift=0.0),
    "hashing": Tuning(dense_lo=0.0, dense_hi=0.5, min_score=0.12, cross_language=0.0, zh_cosine_shift=0.0),
}


def tuning_for(spec: str) -> Tuning:
    return TUNINGS.get(spec, TUNINGS["minilm"] if spec.startswith("st:") else Tuning())


# --- glossary -------------------------------------------------------------------


@dataclass(frozen=True)
class Signals:
    """What one query contributes to ranking, before the tunable fusion."""

    raw_bm25: np.ndarray
    cosine: np.ndarray | None
    names_macao: bool
    names_mainland: bool
    exact: tuple[Provision, ...]
    doc_id: str | None


@dataclass(frozen=True)
class Glossary:
    terms: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]  # (zh variants, en terms)
    en_synonyms: tuple[tuple[str, ...], ...]
    macao_terms: tuple[str, ...]
    mainland_terms: tuple[str, ...]
    document_aliases: dict[str, tuple[str, ...]]
    pointed: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()  # entries that name the provisions they reach
    reaches: tuple[tuple[str, ...], ...] = ()  # the provisions each of ``pointed`` reaches ('cn-exit-entry-law#20')

    def expand(self, query: str) -> str:
        """The query plus the English terms of every glossary term it contains."""
        extra = self.expansions(query)
        return query if not extra else f"{query} {' '.join(extra)}"

    def expansions(self, query: str) -> list[str]:
        """The English terms of every glossary term in the query."""
        return self.match(query)[0]

    def match(self, query: str) -> tuple[list[str], list[str]]:
        """(English terms to add, the query's own words that the glossary recognised)."""
        extra: list[str] = []
        sources: list[str] = []
        for zh, en, variant in self._chinese_found(query):
            extra.extend(en)
            if variant != zh[0]:
                extra.append(zh[0])  # the word the official text uses for what the user wrote
            sources.append(variant)
        stems = tokenize(query)
        for group in self.en_synonyms:
            # compared as stems, so "entering" finds the group of "entered" / "entry"
            found = [term for term in group if _contains(stems, _term_stems(term))]
            if found:
                extra.extend(group)
                sources.extend(found)
        if not _CJK.search(query):
            # An English question also searches the official Chinese texts, by the Chinese words
            # of the terms it names (most articles of the Law have no English translation).
            for words, found in self._chinese_of(stems):
                extra.extend(words)
                sources.extend(found)
        return extra, sources

    def official_words(self, query: str) -> list[str]:
        """The official Chinese texts' words for the terms ``query`` names: for an English query,
        the Chinese word of each (the first of its entry, the texts' own); for a Chinese one, the
        word the texts use where the query says another (体检 for 健康证明)."""
        if not _CJK.search(query):
            return [words[0] for words, _ in self._chinese_of(tokenize(query))]
        return [zh[0] for zh, _, variant in self._chinese_found(query) if variant != zh[0]]

    def _chinese_found(self, query: str) -> list[tuple[tuple[str, ...], tuple[str, ...], str]]:
        """(the term's Chinese words, its English ones, the variant found) for each term whose
        Chinese words ``query`` uses, longest variants first, so 工作类居留许可 is not also read as
        工作 + 居留."""
        lowered = query.lower()
        out = []
        covered: list[tuple[int, int]] = []
        for zh, en in sorted(self.terms, key=lambda t: -max(len(z) for z in t[0])):
            for variant in sorted(zh, key=len, reverse=True):
                start = lowered.find(variant)
                if start < 0:
                    continue
                end = start + len(variant)
                if any(s <= start and end <= e for s, e in covered):
                    continue
                covered.append((start, end))
                out.append((zh, en, variant))
                break
        return out

    def _chinese_of(self, stems: list[str]) -> list[tuple[tuple[str, ...], list[str]]]:
        out = []
        for zh, en in self.terms:
            found = [term for term in en if _contains(stems, _term_stems(term))]
            if found:
                out.append((zh[:2], found))
        return out

    def terms_in(self, query: str) -> list[str]:
        """The terms of the lexicon's entries that name the provisions they reach (legal notions such
        as overstay, fines, repatriation), in either language, that the query uses."""
        return [term for found, _ in self._pointed_in(query) for term in found]

    def reached_alone(self, query: str) -> set[str]:
        """The provisions (keys) the query names by a term whose entry reaches that provision alone
        ("VOA", 落地签: the port visa, Law Art. 20)."""
        return {keys[0] for found, keys in self._pointed_in(query) if found and len(keys) == 1}

    def _pointed_in(self, query: str) -> list[tuple[list[str], tuple[str, ...]]]:
        """For each entry naming the provisions it reaches: the terms of it the query uses (Chinese
        ones as written, English ones as stems), and those provisions."""
        lowered = query.lower()
        stems = tokenize(query)
        return [([v for v in zh if v in lowered] + [t for t in en if _contains(stems, _term_stems(t))], keys)
                for (zh, en), keys in zip(self.pointed, self.reaches, strict=True)]

    def without_expansion(self) -> "Glossary":
        """The same glossary with no query expansion (for measuring what expansion adds):
        place names and document aliases stay, the term mappings go."""
        return Glossary(terms=(), en_synonyms=(), macao_terms=self.macao_terms,
                        mainland_terms=self.mainland_terms, document_aliases=self.document_aliases,
                        pointed=self.pointed, reaches=self.reaches)

    def names_macao(self, query: str) -> bool:
        return _mentions(query, self.macao_terms)

    def names_mainland(self, query: str) -> bool:
        return _mentions(query, self.mainland_terms)


@lru_cache(maxsize=1024)
def _term_stems(term: str) -> tuple[str, ...]:
    return tuple(tokenize(term))


def _contains(tokens: list[str], run: tuple[str, ...]) -> bool:
    """True when ``run`` occurs in ``tokens`` as a contiguous sequence."""
    if not run:
        return False
    width = len(run)
    return any(tuple(tokens[i:i + width]) == run for i in range(len(tokens) - width + 1))


def _mentions(query: str, terms: tuple[str, ...]) -> bool:
    """Whether ``query`` names one of ``terms``: English ones as whole words, with a hyphen or a
    space between their words ("blue-card holders" names the blue card)."""
    lowered = query.lower()
    return any((re.search(_whole_words(term), lowered) if term.isascii() else term in lowered) for term in terms)


@lru_cache(maxsize=512)
def _whole_words(term: str) -> str:
    words = [re.escape(w) for w in term.split()]
    return r"\b" + r"[\s-]+".join(words) + r"\b"


@lru_cache(maxsize=1)
def load_glossary() -> Glossary:
    data = json.loads(resources.files("regchat").joinpath("data/glossary.json").read_text(encoding="utf-8"))
    return Glossary(
        terms=tuple((tuple(t["zh"]), tuple(t["en"])) for t in data["terms"]),
        en_synonyms=tuple(tuple(g) for g in data.get("en_synonyms", [])),
        macao_terms=tuple(t.lower() for t in data.get("macao_terms", [])),
        mainland_terms=tuple(t.lower() for t in data.get("mainland_terms", [])),
        document_aliases={k: tuple(v) for k, v in data.get("document_aliases", {}).items()},
        pointed=tuple((tuple(t["zh"]), tuple(t["en"])) for t in data["terms"] if t.get("reaches")),
        reaches=tuple(tuple(t["reaches"]) for t in data["terms"] if t.get("reaches")),
    )


# --- article references ---------------------------------------------------------------

_EN_REF = re.compile(r"\b(?:article|art\.?)\s*(\d{1,3})\b", re.IGNORECASE)
_ZH_REF = re.compile(rf"第\s*({ZH_NUMERAL})\s*条")
# Terse forms, read only in questions: "33条" without 第 (not 条例 "regulations", 条件 "condition",
# 条款 "clause"), and "§33".
BARE_ARTICLE_REF = re.compile(r"(?<![第\d])(\d{1,3})\s*条(?![例件款])|§\s*(\d{1,3})\b")


def article_references(query: str) -> list[tuple[int, int]]:
    """(article number, position in the query) for each explicit article reference."""
    refs = [(int(m.group(1)), m.start()) for m in _EN_REF.finditer(query)]
    for m in _ZH_REF.finditer(query):
        try:
            refs.append((chinese_to_int(m.group(1)), m.start()))
        except ValueError:
            continue
    refs += [(int(m.group(1) or m.group(2)), m.start()) for m in BARE_ARTICLE_REF.finditer(query)]
    return sorted(refs, key=lambda r: r[1])


# --- the retriever -------------------------------------------------------------------


class Retriever:
    """Search, article lookup and provision access over one opened index version."""

    def __init__(
        self,
        handle: IndexHandle,
        embedder: SpecEmbeddings,
        *,
        tuning: Tuning | None = None,
        glossary: Glossary | None = None,
        gists: GistVectors | None = None,
        questions: GistVectors | None = None,
    ) -> None:
        self.handle = handle
        self.gists = gists
        self.questions = questions
        self.embedder = embedder
        self.tuning = tuning or tuning_for(getattr(embedder, "spec", handle.embedder_spec))
        self.glossary = glossary or load_glossary()
        self._provisions = list(handle.provisions)
        self._by_key = {p.key: p for p in self._provisions}
        self._position = {p.key: i for i, p in enumerate(self._provisions)}
        self._doc_ids = np.array([p.doc_id for p in self._provisions])
        self._macao = np.array([p.jurisdiction == "MO" for p in self._provisions])
        # One record per provision and language (the official Chinese text, the English
        # translation): each is scored on its own, a provision gets its best record's score.
        records = handle.records or [(i, "en", p.text) for i, p in enumerate(self._provisions)]
        self._owners = np.array([r[0] for r in records], dtype=np.int64)
        self._zh_records = np.array([lang == "zh" for _, lang, _ in records])
        # Records that are a summary of the provision (a language with no text of it), not its text.
        self._summary_records = np.array([self._is_summary(self._provisions[i], lang, text) for i, lang, text in records])
        self._summary_ids = {
            f"{self._provisions[i].key}|{lang}" for (i, lang, _), is_summary in zip(records, self._summary_records)
            if is_summary
        }
        # The paragraphs and items of articles that have several, embedded one by one (dense only).
        self._part_owners = np.array([r[0] for r in handle.part_records], dtype=np.int64)
        self._zh_parts = np.array([lang == "zh" for _, lang, _ in handle.part_records], dtype=bool)
        lexical = [self._lexical_text(self._provisions[i], lang, text) for i, lang, text in records]
        self._bm25 = OkapiBM25([tokenize(t) or ["∅"] for t in lexical], k1=self.tuning.bm25_k1, b=self.tuning.bm25_b)
        self._pairs = OkapiBM25([character_pairs(t) or ["∅"] for t in lexical], k1=self.tuning.bm25_k1, b=self.tuning.bm25_b)
        self._aliases = self._document_aliases()
        self._recent: dict[str, np.ndarray] = {}
        self._recent_lock = threading.Lock()

    # -- public API ------------------------------------------------------------------

    @property
    def provisions(self) -> list[Provision]:
        return list(self._provisions)

    @property
    def min_score(self) -> float:
        return self.tuning.min_score

    @property
    def documents(self) -> dict[str, dict]:
        """Stored metadata of every indexed document (title, source, updated, ...)."""
        return dict(self.handle.documents)

    def get(self, key: str) -> Provision | None:
        return self._by_key.get(key)

    def lookup(self, article: int, doc_id: str | None = None) -> list[Provision]:
        """Article ``article`` of every document that has it (or of ``doc_id`` only)."""
        return [
            p for p in self._provisions
            if p.article == article and (doc_id is None or p.doc_id == doc_id)
        ]

    def named_documents(self, query: str) -> list[str]:
        """Doc ids the query names ("the Regulations", "出境入境管理法", ...), longest match first."""
        lowered = query.lower()
        found: list[tuple[int, str]] = []
        for doc_id, aliases in self._aliases.items():
            for alias in aliases:
                hit = (
                    re.search(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", lowered) if alias.isascii()
                    else (alias in lowered)
                )
                if hit:
                    found.append((len(alias), doc_id))
                    break
        found.sort(reverse=True)
        names = [d for _, d in found]
        # "the law" inside the Law's full title names one document, not two
        return names[:1] if len(names) > 1 and found[0][0] > found[1][0] + 5 else names

    def part_fit(self, query: str, provision: Provision) -> dict[tuple[int, int | None], float]:
        """How close ``query`` comes to each part (paragraph, item) of ``provision``: the cosine of
        the part's closest question in users' words or plain restatement (empty without them)."""
        i = self._position.get(provision.key)
        query = (query or "").strip()
        if i is None or not query or (self.gists is None and self.questions is None):
            return {}
        vector = self._query_vector(query)
        fit: dict[tuple[int, int | None], float] = {}
        for vectors in (self.gists, self.questions):
            if vectors is not None:
                for part, cosine in vectors.best_per_part(vector, i).items():
                    fit[part] = max(fit.get(part, -1.0), cosine)
        return fit

    def search(
        self, query: str, k: int = 5, *, doc_id: str | None = None, mode: Mode = "hybrid"
    ) -> list[Hit]:
        """The ``k`` best provisions for ``query`` (exact article references first)."""
        query = (query or "").strip()
        if not query or not self._provisions:
            return []
        return self.rank(self.signals(query, doc_id, mode), k=k, mode=mode)

    def signals(self, query: str, doc_id: str | None = None, mode: Mode = "hybrid") -> "Signals":
        """Everything ranking needs from the query, computed once (raw BM25, cosines, references)."""
        n = len(self._provisions)
        raw_bm25 = np.zeros(n)
        cosine = None
        if mode in ("hybrid", "bm25"):
            own = tokenize(query)
            expansions = self.glossary.expansions(query)
            added = [tok for tok in tokenize(" ".join(expansions)) if tok not in own]
            # the question's own words count double, the glossary's additions once (each distinct)
            tokens = own * 2 + list(dict.fromkeys(added))
            if tokens:
                per_record = np.maximum(self._bm25.scores(tokens), 0.0)
                in_chinese = list(dict.fromkeys(t for t in added if _CJK.search(t)))
                if in_chinese and not _CJK.search(query) and self._zh_records.any():
                    # An English question read against the official Chinese texts: the Chinese words of
                    # the terms it names stand for its own words there.
                    per_record = np.where(self._zh_records, np.maximum(self._bm25.scores(in_chinese * 2), 0.0),
                                          per_record)
                if _CJK.search(query):
                    own_pairs = character_pairs(query)
                    added_pairs = [p for p in character_pairs(" ".join(expansions)) if p not in own_pairs]
                    w = self.tuning.pairs_weight
                    pairs = np.maximum(self._pairs.scores(own_pairs * 2 + list(dict.fromkeys(added_pairs))), 0.0)
                    per_record = (per_record + w * pairs) / (1 + w)
                per_record = np.where(self._foreign_summaries(is_chinese(query)), 0.0, per_record)
                raw_bm25 = self._best_per_provision(per_record, 0.0)
        if mode in ("hybrid", "dense"):
            cosine = self._cosines(query, doc_id)
        return Signals(
            raw_bm25=raw_bm25,
            cosine=cosine,
            names_macao=self.glossary.names_macao(query),
            names_mainland=self.glossary.names_mainland(query),
            exact=tuple(self._exact(query, doc_id)),
            doc_id=doc_id,
        )


    def rank(self, signals: "Signals", *, k: int = 5, mode: Mode = "hybrid", tuning: Tuning | None = None) -> list[Hit]:
        """Fuse the signals into scores and pick the top ``k`` (pure given the signals)."""
        t = tuning or self.tuning
        bm25_part = signals.raw_bm25 / (signals.raw_bm25 + t.bm25_half)
        if signals.cosine is None:
            dense_part = np.zeros(len(self._provisions))
        else:
            dense_part = np.clip((signals.cosine - t.dense_lo) / (t.dense_hi - t.dense_lo), 0.0, 1.0)
        if mode == "bm25":
            scores = bm25_part.copy()
        elif mode == "dense":
            scores = dense_part.copy()
        else:
            scores = t.w_dense * dense_part + (1 - t.w_dense) * bm25_part
        if self._macao.any():
            if signals.names_macao:
                boost = t.macao_boost * (0.5 if signals.names_mainland else 1.0)
                scores = scores + boost * self._macao
            else:
                scores = scores - t.macao_penalty * self._macao
        if signals.doc_id is not None:
            scores = np.where(self._doc_ids == signals.doc_id, scores, -np.inf)

        hits: list[Hit] = []
        taken: set[int] = set()
        for provision in signals.exact:
            i = self._position[provision.key]
            hits.append(self._hit(i, max(1.0, float(scores[i])), len(hits) + 1, bm25_part, dense_part, exact=True))
            taken.add(i)
        # Greedy pick with a small penalty for a document already well represented,
        # so one document's many sections do not crowd out the others.
        per_doc: dict[str, int] = {}
        for i in taken:
            per_doc[self._doc_ids[i]] = per_doc.get(self._doc_ids[i], 0) + 1
        candidates = [i for i in np.argsort(-scores, kind="stable")[: max(k, 1) * 4 + len(taken)]
                      if i not in taken and scores[i] > -np.inf]
        while len(hits) < max(k, len(signals.exact)) and candidates:
            adjusted = [
                scores[i] - t.diversity * max(0, per_doc.get(self._doc_ids[i], 0) - 1) for i in candidates
            ]
            best = int(np.argmax(adjusted))
            i = candidates.pop(best)
            per_doc[self._doc_ids[i]] = per_doc.get(self._doc_ids[i], 0) + 1
            hits.append(self._hit(i, float(scores[i]), len(hits) + 1, bm25_part, dense_part))
        return hits

    # -- internals ---------------------------------------------------------------------

    def _foreign_summaries(self, query_zh: bool) -> np.ndarray:
        """The summary records in a language other than the query's: a summary exists only where
        its language has no text of the provision, so it speaks to readers of that language; a
        reader of another language finds the provision by its own text (a Chinese summary's
        English names in brackets must not lift a guide section for an English question)."""
        return self._summary_records & (self._zh_records != query_zh)

    @staticmethod
    def _is_summary(p: Provision, lang: str, text: str) -> bool:
        summary = p.summary_in(lang)
        return summary is not None and summary.text == text

    @staticmethod
    def _lexical_text(p: Provision, lang: str = "en", text: str | None = None) -> str:
        if lang == "zh":
            return f"{p.label_zh}\n{p.section_zh or ''}\n{text if text is not None else p.text}"
        zh_title = p.doc_title_zh if "zh" not in p.languages else None  # a guide known by its Chinese title
        return f"{p.label}\n{zh_title or ''}\n{p.section or ''}\n{text if text is not None else p.text}"

    def _best_per_provision(self, values: np.ndarray, floor: float, owners: np.ndarray | None = None) -> np.ndarray:
        """Per provision, the best of its records' values (of its part records' with ``owners``)."""
        out = np.full(len(self._provisions), floor, dtype=np.float64)
        np.maximum.at(out, self._owners if owners is None else owners, values)
        return out

    def _document_aliases(self) -> dict[str, tuple[str, ...]]:
        aliases: dict[str, tuple[str, ...]] = {}
        for doc_id, record in self.handle.documents.items():
            own = [str(record.get("short_title") or ""), str(record.get("title") or "")]
            extra = self.glossary.document_aliases.get(doc_id, ())
            aliases[doc_id] = tuple(a.lower() for a in (*own, *extra) if a)
        return aliases

    def _exact(self, query: str, doc_id: str | None) -> list[Provision]:
        refs = article_references(query)
        if not refs:
            return []
        named = [doc_id] if doc_id else self.named_documents(query)
        out: list[Provision] = []
        for number, _ in refs:
            for provision in self.lookup(number):
                if named and provision.doc_id not in named:
                    continue
                if provision not in out:
                    out.append(provision)
        return out

    def clear_cache(self) -> None:
        """Forget the kept query embeddings (for honest timing)."""
        with self._recent_lock:
            self._recent.clear()

    def _query_vector(self, query: str) -> np.ndarray:
        """The query's embedding; the last few are kept, as one question is often searched twice."""
        with self._recent_lock:
            vector = self._recent.pop(query, None)
        if vector is None:
            vector = np.asarray(self.embedder.embed_query(query[:MAX_EMBED_CHARS]), dtype=np.float32)
        with self._recent_lock:
            self._recent[query] = vector
            while len(self._recent) > 256:
                self._recent.pop(next(iter(self._recent)))
        return vector

    def _cosines(self, query: str, doc_id: str | None) -> np.ndarray:
        """Cosine similarity of the query to each provision.

        With the vectors in memory (embedded index) every provision gets its exact
        cosine; against a Chroma server the server answers the nearest-neighbour
        query and provisions beyond its candidates get the floor (-1).
        """
        vector = self._query_vector(query)
        # A query and a text in different languages sit lower on the same model's cosine scale
        # (multilingual e5: about 0.07 on this corpus; 0.04, chosen on the dev sets, lets the own language lead); lifted by that, each language competes evenly.
        query_zh = is_chinese(query)
        if self.handle.vectors is not None:
            lift = np.where(self._zh_records != query_zh, self.tuning.cross_language, 0.0)
            lift = lift - self.tuning.summary_discount * self._summary_records
            lift = lift - (self.tuning.zh_cosine_shift if query_zh else 0.0)
            cosines = np.where(self._foreign_summaries(query_zh), -1.0, self.handle.vectors @ vector + lift)
            whole = self._best_per_provision(cosines, -1.0)
            if self.handle.part_vectors is None or not len(self._part_owners):
                return whole
            part_lift = np.where(self._zh_parts != query_zh, self.tuning.cross_language, 0.0)
            part_lift = part_lift - (self.tuning.zh_cosine_shift if query_zh else 0.0)
            parts = self._best_per_provision(self.handle.part_vectors @ vector + part_lift, -1.0, self._part_owners)
            return self._with_gists(self._with_parts(whole, parts), vector)
        n = len(self._provisions)
        result = self.handle.collection.query(
            query_embeddings=[vector],
            n_results=min(n, self.tuning.dense_candidates),
            where={"doc_id": doc_id} if doc_id else None,
            include=["distances"],
        )
        cosine = np.full(n, -1.0)
        best_part = np.full(n, -1.0)
        for record_id, distance in zip(result["ids"][0], result["distances"][0]):
            key, lang, *part = record_id.split("|")
            if key in self._position:
                i = self._position[key]
                if record_id in self._summary_ids and (lang == "zh") != query_zh:
                    continue  # a summary speaks to readers of its own language only
                lift = self.tuning.cross_language if (lang == "zh") != query_zh else 0.0
                lift -= self.tuning.summary_discount if record_id in self._summary_ids else 0.0
                lift -= self.tuning.zh_cosine_shift if query_zh else 0.0
                target = best_part if part else cosine
                target[i] = max(target[i], 1.0 - float(distance) + lift)
        return self._with_gists(self._with_parts(cosine, best_part), vector)

    def _with_parts(self, whole: np.ndarray, best_part: np.ndarray) -> np.ndarray:
        """Each provision's cosine: its whole text's, or for an article with several parts, that
        mixed with its best part's (``Tuning.part_weight``) when the mix is higher; the floor (-1)
        where nothing scored."""
        w = self.tuning.part_weight
        both = (best_part > -1.0) & (whole > -1.0)
        return np.where(both, np.maximum(whole, (1 - w) * whole + w * best_part), np.maximum(whole, best_part))

    def _with_gists(self, cosine: np.ndarray, vector: np.ndarray) -> np.ndarray:
        """Each scored provision's cosine lifted towards its best gist's (``Tuning.gist_weight``)
        and towards its best question's (``Tuning.question_weight``) when that is higher: a
        question in everyday words meets the part restated in them, or asked in them."""
        lifted = cosine
        t = self.tuning
        for vectors, w in ((self.gists, t.gist_weight), (self.questions, t.question_weight)):
            if vectors is None or w <= 0:
                continue
            best = vectors.best_per_provision(vector, len(self._provisions))
            scored = (cosine > -1.0) & (best > -1.0)
            lifted = np.where(scored, np.maximum(lifted, (1 - w) * cosine + w * best), lifted)
        return lifted

    def _hit(self, i: int, score: float, rank: int, bm25_part, dense_part, *, exact: bool = False) -> Hit:
        return Hit(
            provision=self._provisions[i],
            score=round(score, 6),
            rank=rank,
            bm25=round(float(bm25_part[i]), 6),
            dense=round(float(dense_part[i]), 6),
            exact=exact,
        )


def open_retriever(settings: Settings | None = None, *, embedder: SpecEmbeddings | None = None) -> Retriever:
    """A retriever over the active index; ``IndexNotReady`` (with what to do) when there is none.

    The query embedder is the one the index was built with, unless one is passed.
    An embedded index keeps its vectors in memory (exact cosines, no per-query
    store round trip); a Chroma server answers each dense query itself.
    """
    settings = settings or get_settings()
    handle = open_index(settings, embedder=embedder, vectors=not settings.chroma_host)
    if embedder is None and handle.embedder_spec != canonical_spec(settings.embedder):
        # The index's own embedder embeds the queries (its vectors are only comparable with its own);
        # the setting names another, so answers differ from what the setting promises: say so.
        log.warning(
            "the index in %s was built with the embedder %s, not %s as configured; queries use %s. "
            "Run `regchat ingest --if-missing` to embed it with %s.",
            settings.data_dir, handle.embedder_spec, settings.embedder, handle.embedder_spec, settings.embedder,
        )
    embedder = embedder or get_embedder(handle.embedder_spec, cache_dir=settings.models_path)
    restated = gist_vectors(load_gists(settings.corpus_dir), handle.provisions, embedder, settings.data_dir / "gists")
    asked = question_vectors(load_part_questions(settings.corpus_dir), handle.provisions, embedder, settings.data_dir / "gists")
    return Retriever(handle, embedder, gists=restated, questions=asked)
