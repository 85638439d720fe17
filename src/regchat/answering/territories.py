"""Countries and territories named in a question, in English and Chinese.

The names come from maintained data, not from a hand list: the Unicode CLDR
territory names that Babel ships (English, simplified and traditional
Chinese) and the ISO 3166 names of pycountry (official names such as
"Federative Republic of Brazil"). Adjectives are derived by one rule from the
names' stems ("Brazil" -> "Brazilian", "Norway" -> "Norwegian", "Mexico" ->
"Mexican", "Japan" -> "Japanese"); ``data/places.json`` holds only the forms
the rule cannot derive ("Dutch", "Swiss", "Thai"), each with its reason, and
a few everyday names CLDR lacks ("UK", "澳洲").

Every name maps to a CLDR territory code. The codes of the places regchat's
documents govern (mainland China and Macao) and of Hong Kong and Taiwan are
kept apart, so that a caller can tell "another country" from "Hong Kong or
Taiwan" from "China itself".
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

HOME = frozenset({"CN", "MO"})  # what the documents govern
NEIGHBOURS = frozenset({"HK", "TW"})  # Chinese regions with their own entry and residence rules
# CLDR codes that are not places: unknown, pseudo-locales, the UN, the eurozone, "outlying Oceania".
_NOT_PLACES = frozenset({"ZZ", "XA", "XB", "UN", "EZ", "QO"})

# Words that make up many multi-word names without being distinctive ("South Korea", "United States").
_GENERIC = frozenset(
    "and of the united states kingdom republic democratic people's peoples federal federative islamic "
    "south north east west new saint st st. sint central equatorial island islands isle isles is "
    "commonwealth principality grand duchy plurinational state union territory territories outlying "
    "arab sar china minor british french dutch us u.s. virgin sovereign area".split()
)

# Endings of adjectives of nationality, added to a name's stem: Brazil-ian, Mexic-an, Japan-ese,
# Pakistan-i, Swed-ish, Icelan-dic, German (nothing).
_SUFFIXES = ("", "n", "an", "ian", "ean", "ese", "i", "ish", "ic", "ien")


@dataclass(frozen=True)
class Place:
    """One mention of a place: the text as written and its CLDR territory code."""

    text: str
    code: str

    @property
    def home(self) -> bool:
        return self.code in HOME

    @property
    def neighbour(self) -> bool:
        return self.code in NEIGHBOURS


def fold(text: str) -> str:
    """Lower-case, accents and typographic apostrophes removed ("Côte d’Ivoire" -> "cote d'ivoire")."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def name_variants(name: str) -> set[str]:
    """The ways one English territory name is written.

    "Myanmar (Burma)" -> Myanmar, Burma; "Korea, Republic of" -> Korea; "Congo - Kinshasa" -> Congo - Kinshasa, Congo;
    "St. Kitts & Nevis" -> ... and, Saint ...; "Hong Kong SAR China" -> Hong Kong.
    """
    out = {name, name.split(",")[0]}  # "Korea, Republic of" -> Korea
    m = re.fullmatch(r"(.+?)\s*\((.+)\)", name)
    if m:
        out |= {m.group(1), m.group(2)}
    out |= {v.split(" - ")[0] for v in list(out) if " - " in v}
    out |= {v.removesuffix(" SAR China") for v in list(out)}
    out |= {v.replace("&", "and") for v in list(out)}
    out |= {re.sub(r"\bSt\.", "Saint", v) for v in list(out)}
    out |= {fold(v) for v in list(out)}  # "Turkiye", "Cote d'Ivoire"
    return {v.strip() for v in out if v.strip() and "," not in v}


def zh_variants(name: str) -> set[str]:
    """"中国香港特别行政区" -> 香港 (and the full name); "刚果（金）" -> 刚果; "巴勒斯坦领土" -> 巴勒斯坦."""  # noqa: D300
    out = {name}
    m = re.fullmatch(r"中[国國](.+?)特[别別]行政[区區]", name)
    if m:
        out.add(m.group(1))
    m = re.fullmatch(r"(.+?)[（(].+?[)）](.*)", name)
    if m:
        out.add(m.group(1) + m.group(2))  # 科科斯（基林）群岛 -> 科科斯群岛
    if name.endswith("领土") or name.endswith("領土"):
        out.add(name[:-2])
    return out


def stems(word: str) -> set[str]:
    """A name word and the word without its final 'y' or final vowels (Norway -> Norwa, Norw)."""
    w = fold(word)
    out = {w}
    if w.endswith("y"):
        out.add(w[:-1])
    v = w.rstrip("aeiouy")
    if v:
        out.add(v)
    return {s for s in out if len(s) >= 3}


def adjectives(name: str) -> set[str]:
    """Adjectives of nationality derived from one name by the stem rule (folded to lower case).

    Each distinctive word of the name ("Korea" of "South Korea") gives its
    stems, and each stem takes each ending of ``_SUFFIXES``: brazil-ian,
    mexic-an, norw-egian is *not* derivable and lives in data/places.json with
    the other irregular forms. Derived forms shorter than 5 letters are dropped
    unless they are the name itself, so that short common words ("male" from
    Mali) are never taken for a nationality.
    """
    out: set[str] = set()
    words = re.split(r"[\s-]+", name)
    for word in words:
        if fold(word) in _GENERIC or len(word) < 4:
            continue
        for stem in stems(word):
            for ending in _SUFFIXES:
                form = stem + ending
                if form == fold(word) and len(words) > 1:
                    continue  # "Hong" of "Hong Kong" is no place on its own
                if len(form) >= 5 or form == fold(word):
                    out.add(form)
    return out


@dataclass(frozen=True)
class Gazetteer:
    """Place names and adjectives, each with its territory code, and the patterns that find them."""

    en: dict[str, str]  # folded English form -> code
    en_exact: dict[str, str]  # case-sensitive English forms ("US", "UK", "Polish") -> code
    zh: dict[str, str]  # Chinese form -> code
    documents_en: tuple[str, ...]  # documents the corpus names whose names contain a place
    documents_zh: tuple[str, ...]
    neighbour_documents: dict[str, str]  # Hong Kong, Macao and Taiwan residents' documents -> code

    @cached_property
    def _en_lengths(self) -> list[int]:
        return sorted({len(f) for f in (*self.en, *self.en_exact)}, reverse=True)

    @cached_property
    def _zh_lengths(self) -> list[int]:
        return sorted({len(f) for f in self.zh}, reverse=True)

    def find_en(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, code) of each English place name or adjective in ``text``, longest first,
        as whole words. ``text`` should have its accents removed (the forms are folded)."""
        found: list[tuple[int, int, str]] = []
        low = text.lower()
        i, n = 0, len(text)
        while i < n:
            if text[i].isalpha() and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_.")):
                for length in self._en_lengths:
                    j = i + length
                    if j > n or (j < n and (text[j].isalnum() or text[j] == "_")):
                        continue
                    code = self.en_exact.get(text[i:j]) or self.en.get(low[i:j])
                    if code:
                        found.append((i, j, code))
                        i = j - 1
                        break
            i += 1
        return found

    def find_zh(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, code) of each Chinese place name in ``text``, longest first."""
        found: list[tuple[int, int, str]] = []
        i, n = 0, len(text)
        while i < n:
            for length in self._zh_lengths:
                code = self.zh.get(text[i : i + length]) if i + length <= n else None
                if code:
                    found.append((i, i + length, code))
                    i += length - 1
                    break
            i += 1
        return found

    def code_en(self, text: str) -> str | None:
        return self.en_exact.get(text) or self.en.get(fold(text).removesuffix("'s"))

    def code_zh(self, text: str) -> str | None:
        return self.zh.get(text)

    def neighbour_document(self, text: str) -> str | None:
        return next((c for d, c in self.neighbour_documents.items() if d.lower() == text.lower()), None)


def _load_data() -> dict:
    return json.loads(resources.files("regchat").joinpath("data/places.json").read_text(encoding="utf-8"))


def build_gazetteer(
    en_names: Mapping[str, str],
    zh_names: Iterable[tuple[str, str]],
    data: Mapping,
    official: Mapping[str, Sequence[str]] | None = None,
) -> Gazetteer:
    """Pure: CLDR-style English names ({code: name}), Chinese (code, name) pairs (both scripts)
    and the data file's entries -> the gazetteer.

    ``official``: more English names per code (ISO 3166 names such as
    "Federative Republic of Brazil"). Home territories (CN, MO) give no
    adjective: a "Chinese visa" is China's own.
    """
    en: dict[str, str] = {}
    derived: dict[str, str] = {}
    for code, name in en_names.items():
        if code in _NOT_PLACES:
            continue
        for n in {name, *(official or {}).get(code, ())}:
            for v in name_variants(n):
                en.setdefault(fold(v), code)
        if code not in HOME:  # adjectives from the everyday name only, not "... Special Administrative Region"
            for v in name_variants(name):
                for adj in adjectives(v):
                    derived.setdefault(adj, code)
    exact: dict[str, str] = {}
    for entry in [*data.get("names_en", []), *data.get("irregular_adjectives", [])]:
        if entry.get("case_sensitive"):
            exact[entry["form"]] = entry["code"]
        else:
            en.setdefault(fold(entry["form"]), entry["code"])
    for entry in data.get("names_en", []):  # everyday names take the rule too: Europe -> European
        if not entry.get("case_sensitive") and entry["code"] not in HOME:
            for adj in adjectives(entry["form"]):
                derived.setdefault(adj, entry["code"])
    for form, code in derived.items():
        en.setdefault(form, code)
    for entry in data.get("not_places", []):
        # An ordinary word of the corpus is a place only as a proper noun: "Reunion", not "reunion".
        code = en.pop(entry["form"], None)
        if code:
            exact.setdefault(entry["form"].capitalize(), code)
    zh: dict[str, str] = {}
    for code, name in zh_names:
        if code not in _NOT_PLACES:
            for v in zh_variants(name):
                zh.setdefault(v, code)
    for entry in data.get("names_zh", []):
        zh.setdefault(entry["form"], entry["code"])
    docs = data.get("corpus_documents", [])
    return Gazetteer(
        en=en,
        en_exact=exact,
        zh=zh,
        documents_en=tuple(d["en"] for d in docs),
        documents_zh=tuple(z for d in docs for z in d["zh"]),
        neighbour_documents={d["form"]: d["code"] for d in data.get("neighbour_documents", [])},
    )


def cldr_names() -> tuple[dict[str, str], list[tuple[str, str]], dict[str, list[str]]]:
    """CLDR territory names from Babel (English; Chinese in simplified and traditional script)
    and ISO 3166 names from pycountry. Numeric CLDR regions (continents) are left out."""
    import babel
    import pycountry

    en = {c: n for c, n in babel.Locale("en").territories.items() if c.isalpha()}
    zh = [
        (c, n)
        for locale in (babel.Locale("zh"), babel.Locale("zh", "Hant"))
        for c, n in locale.territories.items()
        if c.isalpha()
    ]
    official = {
        c.alpha_2: [n for a in ("name", "common_name", "official_name") if (n := getattr(c, a, None))]
        for c in pycountry.countries
    }
    return en, zh, official


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer built from CLDR, ISO 3166 and data/places.json (built once)."""
    en, zh, official = cldr_names()
    return build_gazetteer(en, zh, _load_data(), official)
