"""Nothing in the code or its data is copied from an evaluation question, and every entry of the
bilingual lexicon leads to text the corpus really has."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import pytest

from regchat.assembly import assemble
from regchat.parsing import load_provisions
from regchat.part_questions import load_part_questions
from regchat.tokens import tokenize

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SOURCES = [p for p in (ROOT / "src" / "regchat").rglob("*") if p.suffix in (".py", ".json") and p.is_file()]
# the questions in users' words that retrieval matches questions against, each a text of its own
PART_QUESTIONS = CORPUS / "questions.json"
RUN_WORDS = 6  # an English run of this many words
RUN_CHARS = 10  # a Chinese run of this many characters


def _question_texts() -> list[str]:
    texts = []
    for path in (ROOT / "evals").rglob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            texts.append(record.get("question", ""))
            texts += [t.get("content", "") for t in record.get("history", []) if t.get("role") == "user"]
    return [t for t in texts if t]


def _runs(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9']+", text.lower())
    runs = {" ".join(words[i:i + RUN_WORDS]) for i in range(len(words) - RUN_WORDS + 1)}
    for chunk in re.findall(r"[\u4e00-\u9fff，、]{%d,}" % RUN_CHARS, text):
        runs |= {chunk[i:i + RUN_CHARS] for i in range(len(chunk) - RUN_CHARS + 1)}
    return runs


@lru_cache(maxsize=1)
def _corpus_texts() -> tuple[str, str]:
    files: dict[str, list] = {}
    for path in sorted(CORPUS.glob("*.md")):
        document, provisions = load_provisions(path)
        files.setdefault(document.doc_id, []).append((document, provisions))
    english, chinese = [], []
    for parts in files.values():
        for document, _ in parts:  # titles are the corpus's own words too
            (chinese if document.language == "zh" else english).append(document.title)
            english.append(document.short_title)
            chinese.append(document.title_zh or "")
        for p in assemble(parts):
            for t in p.texts:
                (chinese if t.lang == "zh" else english).append(t.text)
    for path in sorted(CORPUS.glob("*.summary.*.md")):  # the plain-words summaries are the corpus's words too
        (chinese if ".zh." in path.name else english).append(path.read_text(encoding="utf-8"))
    return "\n".join(english), "\n".join(chinese)


def _corpus_runs() -> set[str]:
    english, chinese = _corpus_texts()
    return _runs(english) | _runs(chinese)


def test_no_evaluation_question_appears_in_the_code_or_its_data():
    questions = set().union(*(_runs(q) for q in _question_texts())) - _corpus_runs()
    found = []
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        hits = questions & _runs(text)
        found += [f"{path.relative_to(ROOT)}: {run!r}" for run in sorted(hits)[:3]]
    for part in load_part_questions(PART_QUESTIONS):
        for asked in part.all:
            found += [f"{PART_QUESTIONS.relative_to(ROOT)}: {run!r}" for run in sorted(questions & _runs(asked))[:1]]
    assert not found, "evaluation text in the code:\n" + "\n".join(found)


GLOSSARY = json.loads((ROOT / "src" / "regchat" / "data" / "glossary.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("entry", GLOSSARY["terms"], ids=lambda e: e["zh"][0])
def test_every_lexicon_entry_leads_to_text_of_the_corpus(entry):
    english, chinese = _corpus_texts()
    stems = tokenize(english)
    joined = " " + " ".join(stems) + " "
    reaches_english = any(f" {' '.join(tokenize(term))} " in joined for term in entry["en"] if tokenize(term))
    reaches_chinese = any(term in chinese for term in entry["zh"])
    assert reaches_english or reaches_chinese, f"{entry} matches no word of the corpus"


@lru_cache(maxsize=None)
def _provision_texts(key: str) -> str:
    doc_id, _, article = key.partition("#")
    files = [load_provisions(p) for p in sorted(CORPUS.glob(f"{doc_id}*.md"))]
    found = [p for p in assemble(files) if str(p.article) == article]
    return "\n".join(t.text for p in found for t in p.texts)


@pytest.mark.parametrize("entry", [e for e in GLOSSARY["terms"] if e.get("reaches")], ids=lambda e: e["zh"][0])
def test_an_entry_naming_provisions_finds_its_chinese_word_in_them(entry):
    for key in entry["reaches"]:
        assert entry["zh"][0] in _provision_texts(key), f"{entry['zh'][0]} is not in {key}"


@pytest.mark.parametrize("entry", GLOSSARY["terms"], ids=lambda e: e["zh"][0])
def test_an_entry_leads_with_the_official_word_when_it_has_one(entry):
    # a question saying another of the entry's words also searches for the first: when one of them is the
    # official texts' own (居留证件, not the users' 居留许可), the first is that one
    official = [w for w in entry["zh"] if w in _official_chinese()]
    assert not official or entry["zh"][0] in official, f"{entry['zh'][0]} leads, but the texts say {official}"


@lru_cache(maxsize=1)
def _official_chinese() -> str:
    """The official Chinese texts (not the corpus's own plain-words summaries)."""
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.zh.md")) if ".summary." not in p.name)
