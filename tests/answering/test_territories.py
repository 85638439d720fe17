"""Places from maintained data: CLDR and ISO 3166 names, adjectives by one stem rule, a few irregular forms."""

import json
import re
from importlib import resources
from pathlib import Path

import babel
import pytest

from regchat.answering.territories import (
    HOME,
    NEIGHBOURS,
    adjectives,
    build_gazetteer,
    gazetteer,
    name_variants,
    stems,
    zh_variants,
)

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
DATA = json.loads(resources.files("regchat").joinpath("data/places.json").read_text(encoding="utf-8"))


class TestNames:
    def test_cldr_spellings_are_unfolded_into_the_ways_people_write_them(self):
        assert {"Myanmar", "Burma"} <= name_variants("Myanmar (Burma)")
        assert "Bosnia and Herzegovina" in name_variants("Bosnia & Herzegovina")
        assert "Saint Lucia" in name_variants("St. Lucia")
        assert "cote d'ivoire" in name_variants("Côte d’Ivoire")
        assert "Congo" in name_variants("Congo - Kinshasa")
        assert "Hong Kong" in name_variants("Hong Kong SAR China")
        assert "Korea" in name_variants("Korea, Republic of")

    def test_chinese_names_lose_their_qualifiers(self):
        assert "香港" in zh_variants("中国香港特别行政区")
        assert "澳門" in zh_variants("中國澳門特別行政區")
        assert "刚果" in zh_variants("刚果（金）")
        assert "科科斯群岛" in zh_variants("科科斯（基林）群岛")


class TestAdjectives:
    @pytest.mark.parametrize(
        ("name", "adjective"),
        [
            ("Brazil", "brazilian"),
            ("Mexico", "mexican"),
            ("Japan", "japanese"),
            ("Germany", "german"),
            ("Italy", "italian"),
            ("Kenya", "kenyan"),
            ("Pakistan", "pakistani"),
            ("Chile", "chilean"),
            ("South Korea", "korean"),
            ("Türkiye", "turkish"),
        ],
    )
    def test_derived_from_the_stem_of_the_name(self, name, adjective):
        assert adjective in adjectives(name)

    def test_stems_drop_a_final_y_or_vowels(self):
        assert {"norway", "norwa", "norw"} == stems("Norway")

    def test_short_common_words_are_never_derived(self):
        assert "male" not in adjectives("Mali")
        assert "hong" not in adjectives("Hong Kong")

    def test_the_home_territories_give_no_adjective(self):
        g = build_gazetteer({"CN": "China", "BR": "Brazil"}, [], {})
        assert "brazilian" in g.en and "chinese" not in g.en


class TestShippedGazetteer:
    @pytest.mark.parametrize("adjective", ["Norwegian", "Dutch", "Swiss", "Thai", "Filipino", "Lao"])
    def test_irregular_adjectives_come_from_the_data_file(self, adjective):
        assert gazetteer().code_en(adjective) not in (None, *HOME)

    def test_everyday_names_of_the_data_file_take_the_stem_rule_too(self):
        g = gazetteer()
        assert g.code_en("European") == "EU" and g.code_en("American") == "US"
        assert g.code_en("English") is None  # the language of half the questions is no place

    def test_every_data_entry_says_why_and_names_a_cldr_territory(self):
        codes = set(babel.Locale("en").territories)
        entries = [e for key in ("irregular_adjectives", "names_en", "names_zh", "neighbour_documents") for e in DATA[key]]
        assert all(e["why"].strip() and e["code"] in codes for e in entries)

    def test_every_irregular_form_is_one_the_rule_cannot_derive(self):
        derived = {a for code, name in babel.Locale("en").territories.items() if code.isalpha() for a in adjectives(name)}
        assert [e["form"] for e in DATA["irregular_adjectives"] if e["form"].lower() in derived] == []

    def test_the_corpus_words_read_as_foreign_places_are_only_languages_the_macao_guide_names(self):
        # The corpus's own words must not turn its questions into another country's matters.
        g = gazetteer()
        words = {w for p in CORPUS.glob("*.md") for w in re.findall(r"[a-z]+", p.read_text().lower())}
        foreign = {w for w in words if w in g.en and g.en[w] not in HOME}
        # "Chinese and Portuguese" versions of the Macao guide; the Law's travel between the Mainland and
        # Taiwan (Arts. 10 and 89, named in their English summaries), a neighbour's matter by design.
        assert foreign == {"portuguese", "taiwan"}

    def test_hong_kong_and_taiwan_are_neighbours_not_home(self):
        g = gazetteer()
        assert {g.code_en("Hong Kong"), g.code_zh("香港"), g.code_en("Taiwan"), g.code_zh("台湾")} == NEIGHBOURS
        assert {g.code_en("Macao"), g.code_zh("澳门"), g.code_en("China"), g.code_zh("中国")} == HOME
