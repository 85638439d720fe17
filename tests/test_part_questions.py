"""The questions each part answers (``corpus/questions.json``): every part of the corpus asked
about in both languages, in users' own words, each entry naming a part that exists."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from regchat.errors import DocumentError
from regchat.part_questions import load_part_questions
from regchat.parts import split_parts

TODAY = dt.date(2026, 12, 1)
QUESTIONS = load_part_questions()


def _parts(provision) -> set[tuple[int, int | None]]:
    official = provision.official_text(TODAY)
    return {(part.paragraph, part.item) for part in split_parts(official.text if official else provision.text)}


def _label(entry) -> str:
    where = f"Art. {entry.article}" if entry.article is not None else entry.section
    return f"{entry.doc_id} {where} para {entry.paragraph} item {entry.item}"


@pytest.mark.parametrize("entry", QUESTIONS, ids=_label)
def test_an_entry_names_a_part_of_the_corpus(entry, shipped_provisions):
    provision = shipped_provisions.get((entry.doc_id, entry.article, entry.section))
    assert provision is not None
    assert (entry.paragraph, entry.item) in _parts(provision)


def test_every_part_of_the_corpus_in_force_is_asked_about_in_both_languages(shipped_provisions):
    asked = {(q.doc_id, q.article, q.section, q.paragraph, q.item): q for q in QUESTIONS}
    missing = [
        f"{address} para {paragraph} item {item}"
        for address, provision in shipped_provisions.items()
        for paragraph, item in _parts(provision)
        if not (q := asked.get((*address, paragraph, item))) or not q.en or not q.zh
    ]
    assert not missing


_CITES = re.compile(r"\b(?:article|art\.)\s*\d|第[一二三四五六七八九十百零\d]+条", re.I)


def test_the_questions_are_in_users_words_not_references():
    """A question naming an article would be found by the reference itself, and teaches nothing."""
    citing = [q for entry in QUESTIONS for q in entry.all if _CITES.search(q)]
    assert not citing
    assert all(re.search(r"[\u4e00-\u9fff]", q) for entry in QUESTIONS for q in entry.zh)


def test_no_file_means_no_questions(tmp_path):
    assert load_part_questions(tmp_path) == ()


@pytest.mark.parametrize(
    "entry, complaint",
    [
        ({"doc": "d", "article": 1, "paragraph": 1, "en": [], "zh": []}, "at least one question"),
        ({"doc": "d", "article": 1, "paragraph": 1, "en": ["ok?", " "]}, "none empty"),
        ({"doc": "d", "paragraph": 1, "en": ["where?"]}, "'article' or a 'section'"),
        ({"doc": "d", "article": "one", "paragraph": 1, "en": ["what?"]}, "entry 1"),
    ],
)
def test_a_faulty_entry_is_refused_with_its_number(tmp_path, entry, complaint):
    path = tmp_path / "questions.json"
    path.write_text(json.dumps({"parts": [entry]}))
    with pytest.raises(DocumentError, match=re.escape(complaint)):
        load_part_questions(path)
