"""Chinese terms written in pinyin are read as the Chinese they spell."""

import re
from pathlib import Path

from regchat.answering.pinyin import _spelled, read_pinyin, spellings

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def test_a_term_is_spelled_joined_with_or_without_tone_marks():
    assert {"juliuzheng", "jūliúzhèng"} <= spellings("居留证")
    assert "qianzheng" in spellings("签证")


def test_a_term_of_three_syllables_or_more_may_also_be_written_apart():
    assert {"ju liu zheng", "ju-liu-zheng"} <= spellings("居留证")
    assert "qian zheng" not in spellings("签证")  # two syllables apart: as likely a name


def test_short_spellings_are_not_read():
    assert spellings("补发") == set()  # "bufa": too short to be told from other words


def test_a_question_writing_a_term_in_pinyin_is_read_with_the_term():
    assert read_pinyin("my juliuzheng expires on 20 Jan") == "my 居留证 expires on 20 Jan"
    assert read_pinyin("lost my gongzuoxuke card") == "lost my 工作许可 card"
    assert read_pinyin("my qiānzhèng ran out") == "my 签证 ran out"


def test_names_and_words_that_merely_contain_a_spelling_stay():
    assert read_pinyin("Mr Qian Zheng asked") == "Mr Qian Zheng asked"
    assert read_pinyin("Qianzheng Ltd") == "Qianzheng Ltd"
    assert read_pinyin("xqianzhengx") == "xqianzhengx"


def test_no_spelling_is_a_word_of_the_corpus_english_texts():
    words = {w for p in CORPUS.glob("*.md") for w in re.findall(r"[a-z]+", p.read_text(encoding="utf-8").lower())}
    _, spelled = _spelled()
    assert {s for s in spelled if s in words} == set()
