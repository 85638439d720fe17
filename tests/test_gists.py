"""The gists catalogue (``corpus/gists.json``): every part of the corpus restated in plain words,
in English and Chinese, and every restatement held to the text it restates."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from regchat.answering.claims import Library, check_claims, numbers_in, periods_in
from regchat.answering.guardrails import check_citations, marker
from regchat.assembly import assemble
from regchat.errors import DocumentError
from regchat.gists import DEFAULT_GISTS_PATH, load_gists, parse_gists
from regchat.parsing import load_provisions
from regchat.parts import split_parts

CORPUS = DEFAULT_GISTS_PATH.parent
TODAY = dt.date(2026, 12, 1)


def _provisions():
    by_doc: dict[str, list] = {}
    for path in sorted(CORPUS.glob("*.md")):
        document, provisions = load_provisions(path)
        by_doc.setdefault(document.doc_id, []).append((document, provisions))
    return [p for files in by_doc.values() for p in assemble(files)]


PROVISIONS = _provisions()
GISTS = load_gists()


def _authoritative(provision) -> str:
    official = provision.official_text(TODAY)
    return official.text if official is not None else provision.text


def _address(gist):
    return (gist.doc_id, gist.article, gist.section)


def _provision_of(gist):
    for p in PROVISIONS:
        if (p.doc_id, p.article, p.section if p.article is None else None) == _address(gist):
            return p
    raise AssertionError(f"no provision {_address(gist)}")


def _label(gist) -> str:
    where = f"Art. {gist.article}" if gist.article is not None else gist.section
    return f"{gist.doc_id} {where} para {gist.paragraph} item {gist.item}"


def test_every_part_of_the_corpus_in_force_has_a_gist():
    missing = [
        f"{p.key} para {part.paragraph} item {part.item}"
        for p in PROVISIONS
        for part in split_parts(_authoritative(p))
        if GISTS.of(p.doc_id, p.article, p.section, part.text) is None
    ]
    assert not missing


@pytest.mark.parametrize("gist", GISTS.all, ids=_label)
def test_a_gist_names_the_part_whose_text_it_carries(gist):
    parts = split_parts(_authoritative(_provision_of(gist)))
    same = [p for p in parts if (p.paragraph, p.item) == (gist.paragraph, gist.item)]
    assert same and same[0].text.strip() == gist.text.strip()


_AMOUNT = re.compile(r"(\d[\d,]*|[零〇一二两三四五六七八九十百千万]+)\s*(?:元|yuan|patacas?)", re.I)


_ZH_DATE = re.compile(r"(?:\d{4}年)?\d{1,2}月\d{1,2}日")


def _figures(text: str) -> set[float]:
    """The periods and amounts of money a text states ("30日", "15 working days", "2000元"), not
    its dates ("2013年7月1日") nor a single unit, which a rate restates in words ("每…一日": "each day")."""
    text = _ZH_DATE.sub(" ", text)
    found = {value for value, _ in periods_in(text) if value != 1}
    return found | {max(numbers_in(m.group(0))) for m in _AMOUNT.finditer(text) if numbers_in(m.group(0))}


@pytest.mark.parametrize("gist", GISTS.all, ids=_label)
def test_a_gist_states_every_period_and_amount_of_its_part(gist):
    """(Figures the provision does not state are the guardrails' business, below.)"""
    part = _figures(gist.text)
    for lang in ("en", "zh"):
        said = numbers_in(gist.in_lang(lang))
        assert part <= said, f"{lang}: {sorted(part - said)} missing"


PINPOINT_NUMBERS = {float(n) for n in range(1, 21)}  # paragraph and item numbers ("item (2)"), as the composer may


@pytest.mark.parametrize("gist", GISTS.all, ids=_label)
def test_a_gist_passes_the_guardrails_of_a_sentence_citing_its_provision(gist):
    provision = _provision_of(gist)
    library = Library.of(PROVISIONS)
    for lang in ("en", "zh"):
        text = f"{gist.in_lang(lang)} {marker(provision)}"
        consulted = {provision.key: provision}
        cited = check_citations(text, consulted, check_named_articles=False)  # as for the offline composer
        checked = check_claims(cited.text, consulted, deadlines=[], library=library,
                               trusted_numbers=PINPOINT_NUMBERS)
        assert not cited.removed and not checked.removed, (lang, cited.removed, checked.removed)


def test_no_file_means_no_gists(tmp_path):
    assert len(load_gists(tmp_path)) == 0


def test_an_entry_without_its_restatements_is_refused(tmp_path):
    path = tmp_path / "gists.json"
    path.write_text(json.dumps({"gists": [{"doc": "d", "article": 1, "paragraph": 1, "text": "x", "en": "", "zh": "y"}]}))
    with pytest.raises(DocumentError, match="gist 1"):
        load_gists(path)


def test_a_gist_is_found_by_its_provision_and_its_part_text_however_the_item_is_numbered():
    gists = parse_gists({"gists": [
        {"doc": "d", "article": 6, "paragraph": 1, "item": 11, "text": "（十一）S1字签证，发给……", "en": "S1: ...", "zh": "S1：……"},
    ]})
    assert gists.of("d", 6, None, "(10) S1字签证，发给……").en == "S1: ..."
    assert gists.of("d", 7, None, "（十一）S1字签证，发给……") is None
    assert gists.of("other", 6, None, "（十一）S1字签证，发给……") is None


def test_the_catalogue_file_is_valid_json_with_an_about():
    data = json.loads(Path(DEFAULT_GISTS_PATH).read_text(encoding="utf-8"))
    assert data["about"] and len(data["gists"]) == len(GISTS)
