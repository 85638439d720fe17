"""A message naming both Macao and a mainland place is about the place whose matters it names."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from regchat.answering.matters import place_of_matters, places_of_matters
from regchat.answering.questions import read_question
from regchat.settings import PROJECT_ROOT

DATA = json.loads((PROJECT_ROOT / "src/regchat/data/matters.json").read_text(encoding="utf-8"))
TODAY = dt.date(2026, 5, 4)


def _texts(provisions) -> str:
    return " ".join(t.text for p in provisions for t in p.texts) + " " + " ".join(p.text for p in provisions)


def _uses(text: str, entry: dict) -> bool:
    lowered = text.lower()
    return any(re.search(rf"(?<!\w){re.escape(t.lower())}(?!\w)", lowered) for t in entry["en"]) or any(
        t in text for t in entry["zh"])


@pytest.mark.parametrize("place", ["CN", "MO"])
def test_each_matter_reaches_provisions_using_its_words(shipped_provisions, place):
    for entry in DATA[place]:
        for key in entry["reaches"]:
            doc, _, article = key.partition("#")
            reached = [p for (d, a, _), p in shipped_provisions.items() if d == doc and (not article or a == int(article))]
            assert reached, key
            assert _uses(_texts(reached), entry), (key, entry["en"])


def test_no_matter_of_one_place_is_named_by_the_other_places_documents(shipped_provisions):
    by_place = {
        place: _texts([p for p in shipped_provisions.values() if p.jurisdiction == place]) for place in ("CN", "MO")
    }
    for place, other in (("CN", "MO"), ("MO", "CN")):
        for entry in DATA[place]:
            assert not _uses(by_place[other], entry), (place, entry["en"])


@pytest.mark.parametrize(
    "text, places",
    [
        ("I work in Macao; my son came in at Gongbei on an X1 visa and needs a residence permit.", {"CN"}),
        ("我在珠海住，澳门的外雇证下个月到期", {"MO"}),
        ("Her blue card and her mainland residence permit both expire in June.", {"CN", "MO"}),
        ("我在澳门上班，住珠海，他的卡过期了", set()),
        ("We must register him with the police in Zhuhai.", {"CN"}),
        # a document qualified by a place is that place's
        ("我在澳门上班，也拿了内地的居留许可", {"CN"}),
        ("Does a Macau work card let me work in Zhuhai too?", {"MO"}),
        ("Do I need a mainland work-type residence permit for my Macao job?", {"CN"}),
    ],
)
def test_the_places_whose_matters_a_message_names(text, places):
    assert places_of_matters(text) == places
    assert place_of_matters(text) == (next(iter(places)) if len(places) == 1 else None)


@pytest.mark.parametrize(
    "question, region",
    [
        # who asks and where they work is no matter: the study permit is the mainland's
        ("我是在澳门做家政的外雇，儿子下个月拿X1签证去珠海读书，居留证他必须本人去办吗？", "CN"),
        ("Nanny in Macau here, I live in Zhuhai. Do I need to register my mother who visits me there?", "CN"),
        ("I live in Zhuhai and commute to Macao. My employment authorization was renewed; how do I renew my blue card?", "MO"),
        # both places' matters, or neither's: about both
        ("I live in Zhuhai and work in Macao. My blue card and my residence permit expire together.", None),
        ("I live in Zhuhai and work in Macao. My card expires next month, what do I do?", None),
    ],
)
def test_a_question_naming_both_places_is_about_the_place_of_its_matters(question, region):
    assert read_question(question, [], TODAY, []).region == region
