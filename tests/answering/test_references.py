"""Article numbers as people type them, resolved against the documents that have those articles."""

import datetime as dt
from dataclasses import dataclass

import pytest

from regchat.answering import Engine
from regchat.answering.references import ArticleRef, article_numbers, find_article_refs

LAW, REGS = "cn-exit-entry-law", "cn-foreigner-entry-exit-regulations"
TODAY = dt.date(2026, 11, 22)


@dataclass(frozen=True)
class Provision:  # what reference resolution reads of a provision
    doc_id: str
    doc_title: str
    article: int | None


def provision(doc_id: str, title: str, article: int) -> Provision:
    return Provision(doc_id, title, article)


# Two documents as in the corpus: the Law's articles run 29-49, the Regulations' 1-39.
PROVISIONS = [provision(LAW, "Exit and Entry Administration Law", n) for n in range(29, 50)] + [
    provision(REGS, "Administrative Regulations on Entry and Exit of Foreigners", n) for n in range(1, 40)
]


class TestArticleNumbers:
    @pytest.mark.parametrize(
        "question",
        ["Article 33", "art 33", "art.33", "Art. 33", "Article33", "articles 33", "§33", "第33条", "第三十三条", "33条"],
    )
    def test_every_usual_spelling(self, question):
        assert article_numbers(question) == [33]

    @pytest.mark.parametrize(
        ("question", "numbers"), [("条例规定", []), ("满足3条件", []), ("有关条款", []), ("第5条例外", [5])]
    )
    def test_words_that_merely_contain_tiao_are_no_articles(self, question, numbers):
        # 条例 "regulations", 条件 "condition", 条款 "clause"; "第5条例外" is Article 5's exception.
        assert article_numbers(question) == numbers

    def test_a_bare_number_counts_only_when_some_document_has_that_article(self):
        assert article_numbers("我有3条问题", existing={29, 30}) == []
        assert article_numbers("看一下30条", existing={29, 30}) == [30]

    def test_several_in_order(self):
        assert article_numbers("第30条和 art 12 以及45条") == [30, 12, 45]


class TestResolution:
    def test_a_bare_number_only_one_document_has_is_tied_to_it(self):
        assert find_article_refs("45条说什么", PROVISIONS) == [ArticleRef(45, LAW)]
        assert find_article_refs("what does art.12 say", PROVISIONS) == [ArticleRef(12, REGS)]

    def test_a_number_both_documents_have_stays_open(self):
        assert find_article_refs("33条", PROVISIONS) == [ArticleRef(33, None)]

    def test_the_document_the_question_names_wins(self):
        assert find_article_refs("Regulations art 33", PROVISIONS) == [ArticleRef(33, REGS)]
        assert find_article_refs("条例33条", PROVISIONS) == [ArticleRef(33, REGS)]

    def test_a_text_naming_both_documents_ties_each_article_to_the_name_just_before_it(self):
        said = "Report it now (Regulations Art 33 item 1; Exit and Entry Administration Law Art 34 para 1)."
        assert find_article_refs(said, PROVISIONS) == [ArticleRef(33, REGS), ArticleRef(34, LAW)]
        both = "条例第三十三条和出境入境管理法第三十三条有什么不同？"
        assert find_article_refs(both, PROVISIONS) == [ArticleRef(33, REGS), ArticleRef(33, LAW)]

    @pytest.mark.parametrize("question", ["He cites Article 33, no idea which law.", "按第33条，到底是哪部法？"])
    def test_asking_which_law_names_none(self, question):
        assert find_article_refs(question, PROVISIONS) == [ArticleRef(33, None)]

    def test_a_bare_number_no_document_has_is_not_a_reference(self):
        assert find_article_refs("我有3条建议", PROVISIONS[:21]) == []


@pytest.fixture(scope="module")
def engine(retriever, shipped_settings):
    return Engine(retriever, shipped_settings)


@pytest.mark.parametrize(("question", "article"), [("45条？", 45), ("art.12", 12), ("Article40 please", 40)])
def test_engine_answers_a_terse_article_reference_instead_of_refusing(engine, question, article):
    answer = engine.answer(question, today=TODAY)
    assert not answer.refused
    assert any(c.article == article for c in answer.citations)


@pytest.mark.parametrize(
    "question",
    ["The officer said \"Article 33 applies\" and I don't know which document that is.", "他说按第33条办，到底是哪个第33条？"],
)
def test_an_asker_unsure_which_document_is_shown_each_articles_of_that_number(engine, question):
    answer = engine.answer(question, today=TODAY)
    assert {c.doc_id for c in answer.citations} == {LAW, REGS}
    assert answer.text.splitlines()[0].endswith(("here is each:", "分别如下："))
