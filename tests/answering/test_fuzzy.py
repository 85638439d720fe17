"""Reading the corpus's terms through small typos: one wrong letter or character, never a different word."""

from pathlib import Path

import pytest

from regchat.answering.fuzzy import (
    Lexicon,
    allowed_edits,
    correct,
    correct_en,
    correct_zh,
    default_lexicon,
    edit_distance,
    load_terms,
    nearest_en,
    spell_out,
    zh_near,
)

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
LEX = Lexicon.from_terms(["residence permit", "work permit", "passport", "extension"], ["居留许可", "签证", "工作许可"])


def no_words(_: str) -> bool:
    return False


class TestEditDistance:
    @pytest.mark.parametrize(
        ("a", "b", "d"),
        [
            ("residence", "residence", 0),
            ("residnce", "residence", 1),  # a letter left out
            ("residense", "residence", 1),  # a letter wrong
            ("resiednce", "residence", 1),  # two neighbours swapped
            ("recidense", "residence", 2),
        ],
    )
    def test_counts_insertions_deletions_substitutions_and_swaps(self, a, b, d):
        assert edit_distance(a, b, limit=3) == d

    def test_stops_past_the_limit(self):
        assert edit_distance("passport", "permanent", limit=1) == 2

    def test_longer_words_may_carry_more_edits(self):
        assert [allowed_edits(w) for w in ("visa", "permit", "residence", "application")] == [0, 1, 1, 2]


class TestEnglish:
    def test_a_misspelled_term_is_read_as_the_term(self):
        assert correct_en("my residnce permt expired", LEX) == "my residence permit expired"
        assert correct_en("lost my pasport", LEX) == "lost my passport"

    def test_words_spelled_right_and_other_words_stay(self):
        assert correct_en("The residence permit of a hermit", LEX) == "The residence permit of a hermit"

    def test_the_first_letter_must_be_right(self):
        assert nearest_en("hermit", LEX) is None

    def test_short_words_are_never_corrected(self):
        assert correct_en("work", Lexicon.from_terms(["fork"], [])) == "work"


class TestChinese:
    def test_one_wrong_character_in_a_long_term(self):
        assert correct_zh("居流许可怎么续", LEX, no_words) == "居留许可怎么续"
        assert correct_zh("工做许可丢了", LEX, no_words) == "工作许可丢了"

    def test_a_two_character_term_only_through_a_character_of_the_same_sound(self):
        assert zh_near("签症", "签证")  # zhèng / zhèng
        assert not zh_near("签名", "签证")  # míng: another word

    def test_a_real_word_is_no_typo(self):
        assert not zh_near("拘留", "居留", is_word=lambda w: w == "拘留")
        assert correct_zh("外国人被拘留", Lexicon.from_terms([], ["居留"])) == "外国人被拘留"

    def test_a_term_spelled_right_is_not_rewritten_into_another(self):
        assert correct_zh("出入境管理局", Lexicon.from_terms([], ["出入境", "入境"]), no_words) == "出入境管理局"


def test_correct_uses_the_shipped_lexicon_in_both_languages():
    assert correct("non-resident workr card") == "non-resident worker card"
    assert "居留许可" in correct("居流许可到期")


class TestShippedLexicon:
    def test_every_english_term_is_written_in_the_corpus(self):
        text = " ".join(p.read_text(encoding="utf-8") for p in CORPUS.glob("*.md")).lower()
        missing = [t["en"] for t in load_terms() if t["en"].lower() not in text]
        assert missing == []

    def test_every_term_says_which_corpus_text_it_helps_reach(self):
        assert all(t["corpus"].strip() and t["zh"] for t in load_terms())

    def test_no_two_corpus_words_are_read_as_each_other(self):
        # A word the corpus itself writes is never "corrected" into another term.
        import re

        words = {w for p in CORPUS.glob("*.md") for w in re.findall(r"[a-z][a-z-]+[a-z]", p.read_text().lower())}
        lex = default_lexicon()
        changed = {w: nearest_en(w, lex) for w in words if nearest_en(w, lex)}
        # Inflections of a term (permits -> permit) and the corpus's other spelling of a term are harmless;
        # anything else (residents -> residence) would be a false reading.
        other_spellings = {"acknowledgment": "acknowledgement"}
        assert {w: t for w, t in changed.items() if not w.startswith(t[:-1])} == other_spellings


def test_abbreviations_users_write_are_spelled_out_as_whole_words_in_capitals_or_lower_case():
    assert spell_out("my RP expires soon, and my WP too") == "my residence permit expires soon, and my work permit too"
    assert spell_out("went to the PSB") == "went to the public security"
    assert spell_out("when do i need to apply rp by") == "when do i need to apply residence permit by"
    assert spell_out("RPG, TRP-like, SRP, Rp 500, rpg") == "RPG, TRP-like, SRP, Rp 500, rpg"


def test_every_abbreviation_is_written_in_capitals():
    for term in load_terms():
        for abbreviation in term.get("abbreviations", ()):
            assert abbreviation.isupper() and abbreviation.isalpha(), abbreviation


def test_the_next_word_at_the_edge_of_a_three_character_term_is_no_typo():
    assert correct("在上海工作的外国员工") == "在上海工作的外国员工"  # not 工作证
    assert correct("要求在中国工作满三年") == "要求在中国工作满三年"
    assert correct("居留许克") == "居留许可"  # a longer term may still have its last character wrong


@pytest.mark.parametrize(
    "text, read",
    [
        ("ok she lands at 07:40 now. still fine the same way?", "ok she lands at 07:40 now. still ok the same way?"),
        ("Is it fine if I file on the 8th?", "Is it ok if I file on the 8th?"),
        # the penalty keeps its word
        ("What is the fine if he stays on?", "What is the fine if he stays on?"),
        ("He got a fine of 2,000 yuan.", "He got a fine of 2,000 yuan."),
        # "carry on" goes on; carrying a passport stays
        ("Does her permit just carry on as before?", "Does her permit just go on as before?"),
        ("Must he carry his passport at all times?", "Must he carry his passport at all times?"),
        ("Can I carry on board my old permit?", "Can I carry on board my old permit?"),
    ],
)
def test_fine_meaning_all_right_is_read_as_ok_and_the_penalty_stays_a_fine(text, read):
    from regchat.answering.fuzzy import in_everyday_sense

    assert in_everyday_sense(text) == read


def test_an_abbreviation_among_chinese_characters_is_spelled_out_in_chinese():
    assert spell_out("我的RP快到期了，WP卡也丢了") == "我的居留许可快到期了，工作许可卡也丢了"
    assert spell_out("公司说去PSB报备") == "公司说去公安机关报备"
    assert spell_out("我的 rp 快到期") == "我的 居留许可 快到期"


def test_the_abbreviations_of_macao_s_non_resident_workers():
    assert spell_out("my TNR card and his NRW card") == "my non-resident worker card and his non-resident worker card"
