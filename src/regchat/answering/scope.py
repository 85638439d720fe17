"""Is a question about what regchat covers?

regchat covers entry, stay, residence and work permits of foreigners in
mainland China and Macao. What decides is the question's *subject*, not the
words around it, and every test below is a mechanism over data, never a list
of questions:

* A **Chinese-system subject** (a visa China issues, a residence or stay
  permit, a work permit, entry into or exit from China, deportation,
  overstaying, the Macao card for non-resident workers, a document the corpus
  names such as the 往来港澳通行证 ...) keeps a question in scope whatever else
  it mentions: a salary, a fee, the asker's nationality or passport ("I'm
  Brazilian ...", "持墨西哥护照 ..."). Small typos of the corpus's terms are read
  as the terms (``fuzzy.py``).
* A **foreign-system subject** refuses, even with China words around it ("a
  Schengen visa from Beijing"), unless a Chinese-system subject tied to China or
  Macao remains once it is set aside. It is a place joined to an immigration
  matter ("a Norwegian work permit", "visa for Mexico", "去墨西哥", "墨西哥签证")
  or a lettered visa China does not issue ("H-1B"). Places are every CLDR
  territory other than mainland China and Macao, by name or adjective, in
  English and Chinese (``territories.py``). Hong Kong and Taiwan matters are
  refused with a one-line reason (``ScopeDecision.note``).
* An **off-topic subject** of a category the documents never treat
  (``data/off_topic.json``: taxes, pay and social insurance, banking, phone
  service, driving, health care, city transport, food), or a request for a
  recommendation, refuses unless a Chinese-system subject is there too. A term
  that names someone's workplace ("the restaurant owner", 在餐厅打工:
  ``workplace_of``) is no subject.
* Otherwise the domain's weaker words (foreigner, work, apply, passport,
  hotel ...) and place names prove nothing alone: the question is in scope when
  it has one of them *and* retrieval finds a provision at or above
  ``min_score``, or when it follows up a conversation about the regulations.
  Any other question is refused, whatever its length; a short one is judged
  like a long one.

The engine lets a question that names an existing article through anyway.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .cards import names_a_card_by_name
from .events import events_told
from .fuzzy import correct, domain_terms
from .language import Lang, without_denied
from .loose_terms import says_a_document, says_a_measure
from .punctuation import EMOJI
from .territories import HOME, NEIGHBOURS, gazetteer

# -- another country's or region's immigration --------------------------------------------
#
# A foreign matter is a place (any CLDR territory but mainland China and Macao, by name or
# adjective: see territories.py) joined to an immigration matter ("a Brazilian visa", "visa for
# Norway", "travel to Mexico", "墨西哥签证", "去墨西哥"), or a lettered visa China does not
# issue ("an H-1B visa"). The words below say what joins them, not which places.

# The immigration matters of a place (a passport or a nationality is not one: it describes the asker).
_FOREIGN_MATTER_EN = (
    r"(?:visas?(?!-free|-exempt)|e-?visas?|work permits?|residence permits?|residency|residence|permanent residen\w*|green card|"
    r"citizenship|naturali[sz]ation|immigration|immigrant status|entry permits?|travel permits?|work passe?s?|"
    r"work authori[sz]ation|blue card|working holiday|id cards?|identity cards?|"
    # the place's own consulate or its bars on coming back ("the Japanese consulate", "the US re-entry bar")
    r"consulates?|embass(?:y|ies)|re-?entry bars?|entry bans?|"
    # the place's own rules ("Korea's rules", "Thai immigration law"): what they say is not in the documents
    r"rules?|laws?|regulations?|polic(?:y|ies)|"
    # the place's own officials deciding ("the Hong Kong side", "the Thai authorities"): their decision
    r"side|authorities|government)"
)
_GAP_EN = (  # up to two qualifiers ("H-1B", "skilled worker"), never a clause ("citizen on a Z visa")
    r"(?:(?!(?:passports?|citizens?|nationals?|nationality|and|or|but|with|who|which|that|a|an|the|on|in|at|for|"
    r"to|from|of|by|my|his|her|their|our|your|hold(?:s|ing)?|ha(?:s|ve|ving|d)|got|get|is|am|are|was|were|"
    r"need(?:s|ed)?|require[sd]?|want(?:s|ed)?|apply|applie[sd]|use[sd]?|do|does|did|can|may|must|should|"
    r"i|we|he|she|they|"
    # people: "an Indian employee's work permit" is the employee's, not India's
    r"employees?|staff|engineers?|teachers?|colleagues?|wife|husband|spouses?|child|children|sons?|daughters?|"
    r"parents?|friends?|managers?|expats?|hires?|"
    # China's own visa letters: "an American Z visa holder" holds China's Z visa
    r"(?-i:[CDFGJLMQRSXZ][12]?))\b)[\w-]+\s+){0,2}"
)
_TRAVEL_EN = (  # "move (back) to the States"
    r"(?:enter(?:ing)?|travel(?:l?ing|s)?(?: back)? to|go(?:ing)?(?: back)? to|fly(?:ing)?(?: back)? to|"
    r"mov(?:e|ing)(?: back)? to|visit(?:ing)?|"
    r"immigrat\w* to|emigrat\w* to|settle in|"
    r"(?:work(?:s|ed|ing)?|stay(?:s|ed|ing)?|overstay\w*|stud(?:y|ies|ied|ying)) in)"
)
_FOREIGN_MATTER_ZH = (  # ... and the place's own rules (泰国那边规定, 德国的法律)
    r"(?:签证|工签|工作许可|工作准证|准证|居留|永住|永居|移民|入籍|入境|通行证|通行證|簽證|领事馆|使馆|规定|法律|法规|政策|"
    r"蓝卡|绿卡)"  # (as "blue card", "green card" in English: 欧盟蓝卡 is the EU's, Macao's is 澳门的 or no place's)
)
# A nationality, a passport or a person after the place describes the asker (巴西人, 美国护照, 日本籍,
# 挪威员工的工作许可: the permit is the employee's).
_NOT_A_MATTER_ZH = (
    r"护照|護照|籍|人|公民|居民|身份证|持|有|拿|用|的|员工|雇员|同事|朋友|学生|家属|配偶|子女|孩子|妻子|丈夫"
    # a person the place describes (印尼姐姐, 菲律宾佣工, 韩国工程师), who goes somewhere (…去出入境大楼)
    r"|姐姐|哥哥|妹妹|弟弟|工人|佣|保姆|阿姨|工程师|老师|厨师|司机|客人|游客|船员|太太|先生|小孩|儿子|女儿|父母|老公|老婆|去|到"
    # China's own matter in between: 在美国办中国签证, 在美国申请Z字签证
    r"|中国|中國|华|華|澳门|澳門|[CDFGJLMQRSXZ]"
)
_TRAVEL_ZH = r"(?:去|到|赴|前往|移民|移居|飞|飛)(?:到)?"
# The visa letters China issues (Regulations Article 6); any other lettered visa is another country's.
_LETTERED_EN = re.compile(r"\b([A-Z]{1,2})-?(\d[A-Z]?)(?:/[A-Z]{1,2}-?\d)?\s+visas?\b")
_LETTERED_ZH = re.compile(r"(?<![A-Za-z])([A-Z]{1,2})-?(\d[A-Z]?)字?(?:签证|簽證)")
_LETTERED_BARE = re.compile(r"(?<![\w-])([A-Z])-(\d[A-Z]?)(?![\w-])")  # "renew my H-1B": the code alone
# A visa named by a scheme's capitals ("the first IANG visa", "IANG签证"): China's visas have letters of
# one or two characters (Regulations Art. 6), so a longer code before "visa" is another place's scheme,
# unless it is the abbreviation of a body of the domain (data/domain_terms.json: "PSB visa office").
_SCHEME_EN = re.compile(r"(?<![\w-])([A-Z]{3,5})\s+visas?\b")
_SCHEME_ZH = re.compile(r"(?<![A-Za-z])([A-Z]{3,5})(?:签证|簽證)")


@dataclass(frozen=True)
class ForeignMatter:
    """A span of the question about another place's immigration; ``code`` is the CLDR territory."""

    text: str
    start: int
    end: int
    code: str | None = None  # None: a lettered visa of no named place
    document: bool = False  # a Hong Kong, Macao or Taiwan residents' own document (台胞证, Home Return Permit)
    travel: bool = False  # a trip there ("去香港", "travel to Mexico"), not that place's permit or rule

    @property
    def neighbour(self) -> bool:
        return self.code in NEIGHBOURS


def _plain(text: str) -> str:
    """``text`` with accents and typographic apostrophes removed, character for character
    (so that spans found in it are spans of ``text``): "Côte d’Ivoire" -> "Cote d'Ivoire"."""
    out = []
    for ch in text:
        if ch == "’":
            out.append("'")
        elif "\u00c0" <= ch <= "\u024f":  # Latin letters with diacritics only (full-width （ stays as it is)
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
            out.append(base if len(base) == 1 else ch)
        else:
            out.append(ch)
    return "".join(out)


# What joins a place to an immigration matter, read around each place the gazetteer finds.
_AFTER_EN = re.compile(rf"(?:'s)?\s+{_GAP_EN}{_FOREIGN_MATTER_EN}\b", re.I)  # "Brazilian (work) visa"
# "visa for Norway", "which visa does my son need for Norway"
_BEFORE_EN = re.compile(
    rf"\b{_FOREIGN_MATTER_EN}\s+(?:(?:do|does|did|will|would|should|must)\s+(?:[\w']+\s+){{1,3}}?"
    rf"(?:need|get|require|apply for)\s+)?(?:for|to|in|into|of)\s+(?:the\s+)?$",
    re.I,
)
# "a Chinese visa in the US", "a Z visa in Japan": China's matter, applied for abroad (the letters are
# China's visa codes, data/domain_terms.json, and their bare letters).
@lru_cache(maxsize=1)
def _home_qualified() -> re.Pattern:
    codes = china_visa_codes() | {c[0] for c in china_visa_codes()}  # "a Q visa" as people write Q1 or Q2
    letters = "|".join(sorted(codes, key=len, reverse=True))
    return re.compile(rf"(?:\b(?i:china|chinese|prc|macao|macau|mainland)|\b(?:{letters}))[\s-]+(?:[\w-]+\s+)?$")


_TRAVEL_BEFORE_EN = re.compile(rf"\b{_TRAVEL_EN}\s+(?:the\s+)?$", re.I)  # "travel to Mexico"
# "what entry permit does Taiwan require", "which visa will Japan give him": the place, as the one that
# requires or grants the matter, is whose matter it is.
_MATTER_OF_DOER_EN = re.compile(
    rf"\b{_FOREIGN_MATTER_EN}\s+(?:do|does|did|will|would|can|could|should|must)\s+(?:the\s+)?$", re.I
)
# "does Hong Kong need a visa from me?", "will Japan require any permit": the place asked of as the one
# that requires the matter named after it.
_ASKED_DOER_EN = re.compile(r"\b(?:do|does|did|will|would|can|could|should|must)\s+(?:the\s+)?$", re.I)
_MATTER_AFTER_DOER_EN = re.compile(rf"\s+(?:(?:an?|any|the|some|their|its|own)\s+)*(?:[\w-]+\s+)?{_FOREIGN_MATTER_EN}", re.I)
_DOER_GIVES_EN = re.compile(
    r"(?:\s+(?:side|authorities|government|immigration))?\s+"
    r"(?:requires?|needs?|issues?|grants?|gives?|asks? for|demands?|expects?|wants?)\b",
    re.I,
)
_AFTER_ZH = re.compile(rf"(?:那边|那里|当地)?的?(?:(?!{_NOT_A_MATTER_ZH})[^\s，。？！、；,.?!;]){{0,4}}?{_FOREIGN_MATTER_ZH}")
_TRAVEL_BEFORE_ZH = re.compile(rf"{_TRAVEL_ZH}$")
# 台湾要求什么入境证件, 香港那边给几天, 那边要我办什么: the place's own side requiring or granting is that place's matter.
_DOER_GIVES_ZH = re.compile(
    r"(?:那边|方面|政府|当局|入境处|移民局)?(?:会|能|一般|通常)?(?:要求|要(?=[我你他她]们?办)|给|批给?|签发|发给)"
)
_FROM_BEFORE_ZH = re.compile(r"[从自由經经]$")  # 从墨西哥入境: Mexico is where the trip starts
# 在德国办签证: Germany is where a visa is applied for (China's, at its embassy there), not Germany's visa.
_AT_BEFORE_ZH = re.compile(r"在$")
# (在法国那边的领馆办, 在德国的中国使馆申请: China's embassy or consulate there)
_APPLYING_ZH = re.compile(
    r"^(?:那边|那里|当地)?的?(?:中国|我国)?(?:大使馆|使馆|领馆|领事馆|总领馆|签证中心)?"
    r"(?:[^\s，。？！、；,.?!;]{0,2}?)(?:办理|申办|办|申请|递交|签)"
)
# 在新加坡旅游超期停留: a stay or a trip in another place is that place's matter (work or study there is often
# only who the asker is: 在新加坡工作, with a question about a Chinese permit);
# 申请香港的…, 办日本的…: what is applied for there is too.
_STAYING_THERE_ZH = re.compile(r"^(?:[^\s，。？！、；,.?!;]{0,2}?)(?:旅游|旅行|逗留|停留|逾期|超期)")
_APPLYING_BEFORE_ZH = re.compile(r"(?:申请|申办|办理|办)$")
_LOOK_BACK = 60


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, re.Pattern]:
    g = gazetteer()

    def alternation(forms) -> re.Pattern:
        return re.compile("|".join(re.escape(d) for d in sorted(forms, key=len, reverse=True)) or r"(?!)", re.I)

    return alternation([*g.documents_en, *g.documents_zh]), alternation(g.neighbour_documents)


def _token_starts(text: str) -> list[int]:
    """For each offset of ``text``, where the jieba word containing it starts."""
    from ..tokens import _jieba

    starts, pos = [], 0
    for token in _jieba().lcut(text):
        starts.extend([pos] * len(token))
        pos += len(token)
    return starts


def _whole_words(starts: list[int], begin: int, end: int) -> bool:
    """The place name at ``begin:end`` starts a word and ends one or inside one that it starts
    (美国 in 美国签证 yes; 蒙古 in 内蒙古 or 加纳 in 增加纳税 no)."""
    return starts[begin] == begin and (end == len(starts) or starts[end] == end or starts[end - 1] >= begin)


def mask_corpus_documents(text: str) -> str:
    """``text`` with the documents the corpus itself names (往来港澳通行证 ...) blanked out: naming
    one is no other region's immigration matter."""
    return _patterns()[0].sub(lambda m: " " * len(m.group(0)), text)


def foreign_matters(text: str) -> list[ForeignMatter]:
    """The spans of ``text`` about another country's or region's visas or immigration."""
    _, neighbour_docs = _patterns()
    g = gazetteer()
    plain = mask_corpus_documents(_plain(text))
    found: list[ForeignMatter] = []

    def add(start: int, end: int, code: str | None, travel: bool = False) -> None:
        found.append(ForeignMatter(text[start:end], start, end, code, travel=travel))

    for start, end, code in g.find_en(plain):
        if code in HOME:
            continue
        back = max(0, start - _LOOK_BACK)
        if m := _AFTER_EN.match(plain, end):
            add(start, m.end(), code)
        elif (m := _BEFORE_EN.search(plain, back, start)) and not _home_qualified().search(plain, back, m.start()):
            add(m.start(), end, code)
        elif m := _TRAVEL_BEFORE_EN.search(plain, back, start):
            add(m.start(), end, code, travel=True)
        elif (m := _MATTER_OF_DOER_EN.search(plain, back, start)) and (after := _DOER_GIVES_EN.match(plain, end)):
            add(m.start(), after.end(), code)
        elif (m := _ASKED_DOER_EN.search(plain, back, start)) and (after := _DOER_GIVES_EN.match(plain, end)) \
                and (matter := _MATTER_AFTER_DOER_EN.match(plain, after.end())):
            add(start, matter.end(), code)  # ("does Hong Kong need a visa from me?")
    if re.search(r"[\u4e00-\u9fff]", plain):
        starts: list[int] | None = None
        for start, end, code in g.find_zh(plain):
            if code in HOME:
                continue
            starts = starts if starts is not None else _token_starts(plain)
            if not _whole_words(starts, start, end):
                continue
            back = max(0, start - _LOOK_BACK)
            applied_there = _AT_BEFORE_ZH.search(plain, back, start) and _APPLYING_ZH.match(plain[end:])
            if (m := _AFTER_ZH.match(plain, end)) and not _FROM_BEFORE_ZH.search(plain, back, start) \
                    and not applied_there:
                add(start, m.end(), code)
            elif m := _TRAVEL_BEFORE_ZH.search(plain, back, start):
                add(m.start(), end, code, travel=True)
            elif (m := _DOER_GIVES_ZH.match(plain, end)) and not _FROM_BEFORE_ZH.search(plain, back, start) \
                    and not _AT_BEFORE_ZH.search(plain, back, start):
                add(start, m.end(), code)
            elif (m := _AT_BEFORE_ZH.search(plain, back, start)) and _STAYING_THERE_ZH.match(plain[end:]):
                add(m.start(), end, code)
            elif (m := _APPLYING_BEFORE_ZH.search(plain, back, start)) and plain[end:end + 1] == "的":
                add(m.start(), end, code)
    for pattern in (_LETTERED_EN, _LETTERED_ZH, _LETTERED_BARE):
        for m in pattern.finditer(plain):
            if any(f.start <= m.start() < f.end for f in found):
                continue  # already read ("H-1B visa" by the pattern with the word)
            if (m.group(1) + m.group(2)).upper() not in china_visa_codes():
                found.append(ForeignMatter(text[m.start() : m.end()], m.start(), m.end()))
    for pattern in (_SCHEME_EN, _SCHEME_ZH):
        for m in pattern.finditer(plain):
            if not any(f.start <= m.start() < f.end for f in found) and m.group(1) not in domain_abbreviations():
                found.append(ForeignMatter(text[m.start() : m.end()], m.start(), m.end()))
    for m in neighbour_docs.finditer(plain):
        found.append(ForeignMatter(text[m.start() : m.end()], m.start(), m.end(), g.neighbour_document(m.group(0)), True))
    return sorted(found, key=lambda f: f.start)


# A Chinese citizen abroad: who asks, which ties the question to none of China's rules for foreigners.
_CITIZEN = re.compile(r"\bchinese (?:citizens?|nationals?|passports?|nationality)\b|中国籍|中国公民|中国护照|中国人", re.I)
_IN_EN = re.compile(r"\b(?:in|at)\s+(?:the\s+)?$", re.I)  # "working in Taipei"
_IN_ZH = re.compile(r"在$")  # 在高雄的工厂工作
_CONSULATE_ZH = re.compile(r"^的?(?:驻华)?(?:大使馆|使馆|领馆|领事馆|总领馆)")
_APPLIED_THERE_EN = re.compile(r"\b(?:appl(?:y|ied|ying)|embassy|consulate|visa centre|visa center)\b", re.I)


def names_a_citizen(text: str) -> bool:
    """Whether ``text`` names a Chinese citizen ("中国籍", "a Chinese national", "Chinese passport")."""
    return bool(_CITIZEN.search(text))


_CITIZENS_FIRST = re.compile(r"^(?:定居国外的)?中国公民")


def governs_citizens(official_text: str) -> bool:
    """Whether a provision's official text is addressed to Chinese citizens ("中国公民出境入境，应当…",
    "定居国外的中国公民要求回国定居的…"), not to foreigners: its first sentence opens with them and
    names no foreigner (the Law's scope, "中国公民出境入境、外国人入境出境…", is everyone's)."""
    first = re.split(r"[。；]", official_text.strip(), maxsplit=1)[0]
    return bool(_CITIZENS_FIRST.match(first)) and "外国人" not in first


@lru_cache(maxsize=1024)
def _places(text: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, code) of every place named in ``text`` (mainland cities are China's); kept for
    the texts seen last, which several readings of one question scan."""
    g = gazetteer()
    plain = mask_corpus_documents(_plain(text))
    found = list(g.find_en(plain))
    if re.search(r"[\u4e00-\u9fff]", plain):
        starts = _token_starts(plain)
        found += [(s, e, c) for s, e, c in g.find_zh(plain) if _whole_words(starts, s, e)]
    return tuple(found)


def where_abroad(text: str) -> list[ForeignMatter]:
    """The places other than the mainland and Macao where the text puts someone ("in Taipei",
    "在台北")."""
    out = []
    for start, end, code in _places(text):
        if code in HOME:
            continue
        back = text[max(0, start - 8) : start]
        if _APPLYING_ZH.match(text[end:]) or _CONSULATE_ZH.match(text[end:]) \
                or _APPLIED_THERE_EN.search(text[max(0, start - 40) : start]):
            continue  # 在德国办签证, "apply at the embassy in Berlin": China's visa applied for there
        if _AWAY_ZH.match(text[end:]) or _AWAY_EN.match(text[end:]) or _AWAY_BEFORE_EN.search(text[max(0, start - 30) : start]):
            continue  # 在法国休假, "in France on holiday": a stay away, not where one lives
        if _IN_EN.search(back) or _IN_ZH.search(back):
            out.append(ForeignMatter(text[start:end], start, end, code))
    return out


# A place someone only visits for a while: "在法国休假", "in France on holiday", "on a trip in Japan".
_AWAY_ZH = re.compile(r"^(?:休假|度假|旅游|旅行|出差|探亲|玩)")
_AWAY_EN = re.compile(r"^\s*(?:on|for)\s+(?:a\s+|his\s+|her\s+|their\s+|my\s+)?(?:holiday|vacation|trip|business trip|break|leave|visit)\b", re.I)
_AWAY_BEFORE_EN = re.compile(r"\b(?:holiday|holidaying|vacation|vacationing|trip|travell?ing|touring)\s+(?:in|to|around)\s+(?:the\s+)?$", re.I)


# What a place owns or holds in the sentence that asks: "香港的…计划", "香港那边的…".
_OF_THERE_ZH = re.compile(r"^(?:那边|那里|当地)?的")
# ... unless a person follows ("德国的朋友": a friend from Germany, who the story is about).
_PERSON_AFTER_ZH = re.compile(r"^(?:朋友|同事|员工|雇员|工程师|老师|学生|客户|客人|老板|家人|亲戚|人)")


def asked_elsewhere(question: str) -> list[ForeignMatter]:
    """The other places (not the mainland, not Macao) where the sentences that ask put what they ask
    about ("how much is a visitor's fine in Hong Kong?", "香港的…计划要什么条件？"), when those
    sentences name nothing of China's or Macao's: the story may tell of a Chinese permit, the
    question is that place's. Empty when the whole question asks (no telling part to set aside)."""
    from .questions import asking_sentences, clauses_of, is_interrogative

    asking = asking_sentences(question)
    if asking == question or _CHINA_ANCHOR.search(_COMPARED.sub(" ", asking)) or home_places(asking):
        return []
    out: list[ForeignMatter] = []
    # (read in the clauses that ask: "体检是在美国做的，证明还有效吗？" tells where, asks of China's)
    for clause in (c for c in clauses_of(asking) if is_interrogative(c)):
        out += where_abroad(clause)
        for start, end, code in _places(clause):
            after = clause[end:]
            if code not in HOME and (m := _OF_THERE_ZH.match(after)) and not _ORIGIN.match(after) \
                    and not _PERSON_AFTER_ZH.match(after[m.end():]):
                out.append(ForeignMatter(clause[start:end], start, end, code))
    return out


@lru_cache(maxsize=1)
def _mainland_place_forms() -> frozenset[str]:
    from .territories import _load_data

    data = _load_data()
    return frozenset(e["form"].lower() for e in [*data.get("names_en", []), *data.get("names_zh", [])] if e["code"] == "CN")


def mainland_places(text: str) -> list[str]:
    """The mainland's cities and provinces the text names ("Guangzhou", "珠海"), not China itself."""
    forms = _mainland_place_forms()
    return [
        text[s:e] for s, e, code in _places(text)
        if code == "CN" and text[s:e].lower() in forms and not _ORIGIN.match(text[e:]) and not _FROM.search(text[:s])
    ]  # fmt: skip


def macao_places(text: str) -> list[str]:
    """Macao's districts the text names ("Taipa", "氹仔"), besides Macao itself."""
    return [text[s:e] for s, e, code in _places(text) if code == "MO" and not _MACAO_NAMED.fullmatch(text[s:e])]


# Where someone comes from ("我是广西人", "a guy from Chengdu") is who they are, not where the matter is.
_ORIGIN = re.compile(r"^(?:人|籍|老乡)")
_FROM = re.compile(r"\b(?:from|native of)\s+$", re.I)


def home_places(text: str) -> list[str]:
    """The mainland's or Macao's places the text names ("Shenzhen", "上海")."""
    return [text[s:e] for s, e, code in _places(text) if code in HOME]


def foreign_subjects(text: str) -> list[str]:
    """The spans of ``text`` about another country's or region's visas or immigration."""
    return [m.text for m in foreign_matters(text)]


def without_foreign_subjects(text: str, matters: list[ForeignMatter] | None = None) -> str:
    """``text`` with its foreign matters blanked out (what is left may still be about China)."""
    chars = list(text)
    for m in foreign_matters(text) if matters is None else matters:
        chars[m.start : m.end] = " " * (m.end - m.start)
    return "".join(chars)


# -- the corpus's own subjects --------------------------------------------------------------

_SUBJECT_EN = re.compile(
    r"\b(?:visas?|visa-free|(?:[CDFGJLMQRSXZ][12]?)[- ]visas?|"
    r"(?:residence|residency|stay|work|working|employment|entry|exit|exit-entry)[- ](?:type )?(?:residence )?permits?|"
    r"residence (?:certificates?|cards?)|work permit cards?|non-resident workers?|blue[- ]cards?|"
    r"immigration|exit-entry|exit and entry|entry and exit|border (?:inspection|control|checks?)|ports? of entry|"
    r"(?:enter(?:s|ed|ing)?|entry (?:into|to)|leav(?:e|es|ing)|exit(?:s|ed|ing)?|depart(?:s|ed|ing|ure from)?)\s+"
    r"(?:mainland\s+)?(?:china|macao|macau|the prc|the country)|exit ban|"
    r"deport\w*|repatriat\w*|expel\w*|expulsion|overstay\w*|"
    r"illegal(?:ly)? (?:stay\w*|entry|enter\w*|employ\w*|work\w*|resid\w*|immigra\w*)|"
    r"(?:period|duration|length|extension|extend\w*|end) (?:of )?(?:my |the |a |his |her |their |our |your )?stay|"
    r"(?:my|the|his|her|their|our|your) stay (?:ran|runs|has run|had run) out|"  # the duration of stay, ended
    # a visa named by its letters alone, as its holders say it ("I'm on an X2", "here on a Z")
    r"\bon (?:an? |my |his |her |their |our )?(?-i:[QSX][12]|[CDFGJKLMRZ])(?![\w'’-])|"
    # two of China's numbered visas weighed against each other ("X1 or X2?")
    r"(?<![\w-])(?-i:[JQSX][12]) or (?:an? )?(?-i:[JQSX][12])(?![\w'’-])|"
    r"permanent residen\w*|refugees?|asylum|fingerprint\w*|health certificates?|"
    r"(?:international|foreign|overseas) students?|work-study|off-campus work|internships?|"
    r"accommodation registration|regist\w* (?:of )?(?:my |the |a )?(?:accommodation|residence|stay)|"
    r"regist\w* (?:[\w'-]+ ){0,3}?with (?:the )?(?:local )?police|police registration|"  # (Law Art. 39)
    r"public security (?:organs?|bureaus?|authorit\w+)|exit-entry (?:administration|office|bureau)s?)\b",
    re.I,
)
_SUBJECT_ZH = re.compile(
    r"签证|免签|居留|停留|逗留|工作许可|工作证|工作类|外国人工作|入境|出境|离境|出入境|过境|口岸|边检|边防检查|"
    r"遣返|遣送|驱逐|非法居留|非法就业|非法入境|非法工作|逾期滞留|滞留|永久居留|难民|外地雇员|非本地劳工|外劳|"
    r"勤工助学|实习|留学生|外国学生|外籍学生|"  # foreign students' work, internships and study (Law Arts. 42-43, Regulations Art. 22)
    r"外雇|"  # the short name of the Macao non-resident worker (外雇证: the worker's card)
    r"(?<![A-Za-z])[CDFGJKLMQRSXZcdfgjklmqrsxz][12]?签(?![名字约收订署])|"  # "K签", "z签": a visa, as people type it
    r"(?<![A-Za-z0-9])[JQSX][12](?:还是|或者|或)[JQSX][12](?![0-9])|"  # "X1还是X2": two numbered visas weighed
    r"(?<!身份)证件?[都全也又]{0,2}(?:丢|掉|遗失|被偷|被盗|不见)|"  # a lost or stolen card or permit (its reissue; "证件全丢了")
    r"住宿登记|临时住宿|居留证|蓝卡|体检证明|健康证明|"
    r"(?:派出所|公安)[^，。？！,.?!]{0,6}登记|登记[^，。？！,.?!]{0,4}(?:派出所|公安)|"  # registering with the police (Law Art. 39)
    r"出(?:不了|不去|得了|得去)?国|"  # 出国, "出不了国": leaving the country, as people say exit
    r"回国|离开中国"  # a foreigner going home leaves China; a Chinese citizen coming home enters it
)

# Words that tie a subject to mainland China or Macao once another place's matter is set aside
# ("I hold a US green card: can I enter China without a visa?").
_CHINA_ANCHOR = re.compile(
    r"\b(?:china|chinese|mainland|prc|macao|macau|[CDFGJKLMQRSXZ][12]?[- ]visas?|exit-entry|public security|"
    r"non-resident workers?)\b|中国|中國|内地|內地|大陆|大陸|澳门|澳門|来华|在华|(?<![A-Za-z])[CDFGJKLMQRSXZ][12]?字?签证|外地雇员|外地僱員|公安机关|"
    r"出入境|(?<![A-Za-z])[CDFGJKLMQRSXZ][12]?签(?![名字约收订署])|"  # "递Z签": China's visa, as people type it
    r"居留证件|工作类居留|学习类居留|外国人工作许可|外雇证",  # the corpus's own names of China's and Macao's permits
    re.I,
)

_MACAO_NAMED = re.compile(r"\bmaca[ou]\b|澳门|澳門", re.I)

# China or Macao named only to compare another place's rules with ("is the Hong Kong fine the same
# as in mainland China?", "和内地一样吗"): no tie to them.
_COMPARED = re.compile(
    r"\b(?:like|as in|unlike|compared (?:to|with)|than)\s+(?:in\s+)?(?:the\s+)?"
    r"(?:mainland(?: china)?|china|the prc|macao|macau)\b(?:\s+(?:does|do|did|is|are))?|"
    r"(?:像|和|跟|与|同)(?:中国)?(?:内地|大陆|澳门)(?:一样|那样|似的|相同|不同)?",
    re.I,
)

# -- subjects the documents never treat (data/off_topic.json) ---------------------------------


def _data(name: str) -> dict:
    return json.loads(resources.files("regchat").joinpath(f"data/{name}").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _off_topic() -> re.Pattern:
    return _categories_pattern(_data("off_topic.json")["categories"])


@lru_cache(maxsize=1)
def _asked_alone() -> re.Pattern:
    """The terms of the categories never a permit's condition (data/off_topic.json, 'asked_alone')."""
    data = _data("off_topic.json")
    alone = data["asked_alone"]
    return _categories_pattern([c for c in data["categories"] if c["category"] in alone["categories"]], alone["except"])


def _categories_pattern(cats: Sequence[dict], leave_out: Sequence[str] = ()) -> re.Pattern:
    """The terms of ``cats`` but those in ``leave_out``, longest first."""
    en = sorted({t for c in cats for t in c["en"]} - set(leave_out), key=len, reverse=True)
    zh = sorted({t for c in cats for t in c["zh"]} - set(leave_out), key=len, reverse=True)
    return re.compile(_terms_pattern(en, zh), re.I)


def _terms_pattern(en: Sequence[str], zh: Sequence[str]) -> str:
    """The pattern of off-topic terms, English ones as people write them (``english_term``), each
    not followed by a word that makes it someone's workplace (``_not_a_workplace``)."""
    after_en, after_zh = _not_a_workplace()
    alternatives = [rf"\b(?:{'|'.join(english_term(t) for t in en)})\b{after_en}"] if en else []
    alternatives += [f"(?:{'|'.join(re.escape(t) for t in zh)}){after_zh}"] if zh else []
    return "|".join(alternatives) or r"(?!)"


@lru_cache(maxsize=1)
def _not_a_workplace() -> tuple[str, str]:
    """What must not follow an off-topic term, in English and in Chinese: a word that makes it the
    place someone works or the business they run ("the restaurant owner", 在餐厅打工:
    ``workplace_of`` in data/off_topic.json), where the question is about the person."""
    words = _data("off_topic.json").get("workplace_of", {})
    en = "|".join(re.escape(w) for w in words.get("en", []))
    zh = "|".join(re.escape(w) for w in words.get("zh", []))
    return (rf"(?!(?:'s)?\s+(?:{en})s?\b)" if en else "", f"(?!{zh})" if zh else "")


_DETERMINERS = {"a", "an", "the", "my", "our", "his", "her", "their", "your", "this", "that", "some"}
_ENDING = re.compile(r"(?:ing|es|ed|e|s)$")


def english_term(term: str) -> str:
    """The pattern of an English term of data/off_topic.json as people write it: a term of several
    words with each word in its regular forms ("buying property": "buy property", "buys
    property"), any determiner for its determiner and a word between it and its noun ("buy a
    flat": "buying our first flat"); a one-word term exactly as written (a "cook" is someone's
    job, "cooking" a subject)."""
    words = term.split()
    if len(words) < 2:
        return re.escape(term)
    out = []
    for word in words:
        if word.lower() in _DETERMINERS:
            out.append(rf"(?:{'|'.join(sorted(_DETERMINERS))})(?:\s+[\w-]+)?")
            continue
        stem = _ENDING.sub("", word) if word.isalpha() else ""
        out.append(rf"{re.escape(stem)}(?:ing|es|ed|e|s|d)?" if len(stem) >= 3 else re.escape(word))
    return r"\s+".join(out)


@lru_cache(maxsize=1)
def domain_abbreviations() -> frozenset[str]:
    """The abbreviations users write for the domain's terms and bodies ("PSB"), data/domain_terms.json."""
    return frozenset(a for t in domain_terms()["terms"] for a in t.get("abbreviations", ()))


@lru_cache(maxsize=1)
def china_visa_codes() -> frozenset[str]:
    """The letters of the ordinary visas China issues (Regulations Art. 6): C, D, F, ... K ..., Z."""
    return frozenset(domain_terms()["visa_categories"]["codes"])


@lru_cache(maxsize=1)
def visas_by_purpose() -> tuple[tuple[re.Pattern, str], ...]:
    """The visas users name by what they are for ("a tourist visa", 旅游签证), each with the letter
    Regulations Art. 6 issues for it (L)."""
    listed = domain_terms()["visa_categories"].get("by_purpose", {}).get("visas", [])
    return tuple((re.compile(v["said"], re.I), v["letter"]) for v in listed)


# -- the domain's words, strong or weak (what a follow-up or a retrieval match leans on) --------

_DOMAIN_EN = re.compile(
    r"\b(?:visas?|resid\w*|permits?|stay(?:ing)?|entry|enter(?:ed|ing)?|exit(?:s|ed|ing)?|embark\w*|"
    r"disembark\w*|immigration|foreigners?|expats?|passports?|travel documents?|deport\w*|repatriat\w*|"
    r"extend|extension|expir\w*|registration|register|accommodation|hotel|landlord|work(?:ing|s)?|employ\w*|"
    r"job|intern\w*|study|student|school|card|reissue|replac\w*|lost|damaged|stolen|fingerprints?|health certificate|"
    r"proof of health|acknowledge?ment receipt|receipt|refugee|permanent|baby|infant|born|birth|death|"
    r"deadline|apply|application|exit-entry|public security|police|non-resident|authori[sz]ation|"
    r"spouse|family|relatives?|journalist|crew|transit|leave china|overstay|illegal|"
    # ships in port and boarding them (Law Arts. 23, 34, 54: crew ashore, boarding permits)
    r"aboard|vessels?|ships?|captain|seam[ae]n|sailors?|port calls?|berth(?:s|ed|ing)?|"
    # the Law's 外国人 in other words than its translation's "foreigners"
    r"foreign (?:nationals?|citizens?|people|persons?|residents?|visitors?|nationality)|aliens?|non-chinese|"
    r"borders?)\b",  # (stopped at the border: the exit and entry border inspection, Law Chapter V)
    re.I,
)
_DOMAIN_ZH = re.compile(
    r"签证|居留|停留|逗留|入境|出境|离境|出入境|外国|外籍|公安|护照|证件|工作许可|工作证|就业|雇主|雇员|"
    r"延期|到期|登记|住宿|永久居留|难民|驱逐|遣返|出生|回执|体检|健康证明|申请|补发|换发|变更|老外|"
    r"澳门|外地雇员|专局|学生|实习|留学|团聚|记者|截止|最晚|期限|工作日|过境|转机|中转|口岸|边检|边防|"
    r"民警|警察|派出所|决定书|"  # the police and their decisions (as "police" in English)
    r"盘问|拘留审查|限制活动范围|"  # the measures of the Law's Chapter VI (Arts. 59-61), named without a subject
    r"船员|船舶|海员|登轮|靠港|港口|"  # ships in port and boarding them (Law Arts. 23, 34, 54)
    # a nationality other than China's ("日本籍", "巴拿马籍"): the person is a foreigner
    r"(?<!中)(?:(?![户书祖学党原])[\u4e00-\u9fff])籍(?!贯)|"
    # a visa named the short way, by what it is for ("家属签", "工签", "陪读签", "落地签"), not a signing
    # ("签名", "签合同", "标签", "抽签")
    r"(?<![标书抽求中我你他她们要去来得会能再先已没不就])(?<=[\u4e00-\u9fff])签(?![名字约收订署单到了合劳过个下])"
)


@dataclass(frozen=True)
class ScopeDecision:
    in_scope: bool
    reason: str
    firm: bool = False  # refused for its subject: an article number in the question does not save it
    note: dict[str, str] | None = None  # one line that says why, in each language, for the refusal


def _read(text: str) -> str:
    """The question as the tests below read it: the corpus's terms through small typos."""
    return correct(text)


def has_domain_words(text: str, *, persons: bool = True) -> bool:
    """Any of the domain's words, strong or weak ("visa", but also "foreigner", "apply", "passport"),
    typos of the corpus's terms included ("residnce", "居流许可"); with ``persons`` False, a foreign
    national named by a country ("our Dutch accountant", 德国客户) does not count: who, not what matter."""
    return _domain_words(text, persons) or _domain_words(_read(text), persons)


def _domain_words(text: str, persons: bool = True) -> bool:
    return bool(
        _DOMAIN_EN.search(text) or _DOMAIN_ZH.search(text) or _patterns()[0].search(text) or _lexicon_term(text)
        or (persons and _a_foreign_national(text))
    )


# A person named by a nationality ("our Indian engineer", "a Korean student"): a foreigner, as 印度籍 is.
_PERSON_EN = re.compile(
    r"^\s+(?:\w+\s+)?(?:engineers?|employees?|staff|workers?|students?|teachers?|managers?|colleagues?|nationals?|"
    r"citizens?|guys?|man|woman|wife|husband|friends?|hires?|candidates?|consultants?|experts?|interns?)\b",
    re.I,
)


# ... and in Chinese ("荷兰会计", "美国同事", "一个韩国人"): a foreigner, as 荷兰籍 is.
_PERSON_ZH = re.compile(
    r"(?:人|同事|员工|雇员|工程师|会计|老师|外教|学生|留学生|实习生|朋友|客户|客人|房客|租客|游客|太太|先生|丈夫|老公|老婆|"
    r"妻子|男友|女友|保姆|厨师|司机|经理|总监|专家|工人|师傅|船员|小伙|姑娘|籍)"
)


# (people of Hong Kong and Taiwan are no foreigners of the Law)
_NOT_FOREIGN = HOME | {"HK", "TW"}


def _a_foreign_national(text: str) -> bool:
    g = gazetteer()
    return any(code not in _NOT_FOREIGN and _PERSON_EN.match(text[e:]) for _, e, code in g.find_en(_plain(text))) \
        or any(code not in _NOT_FOREIGN and _PERSON_ZH.match(text, e) for _, e, code in g.find_zh(text))


def _lexicon_term(text: str) -> bool:
    """A term of the bilingual lexicon retrieval expands with ("overstay", "罚款", "遣送出境"): each
    entry leads to text of the corpus, so a question using one speaks of the domain."""
    from ..retrieval import load_glossary

    return bool(load_glossary().terms_in(text))


def has_subject(text: str) -> bool:
    """A subject the regulations govern: a Chinese visa or permit, entry/exit, deportation, overstay,
    a document the corpus names ... (typos of the corpus's terms included)."""
    return _subject(text) or _subject(_read(text))


def _subject(text: str) -> bool:
    return bool(
        _SUBJECT_EN.search(text) or _SUBJECT_ZH.search(text) or _patterns()[0].search(text) or _lexicon_term(text)
        or says_a_measure(text)  # "stop me at the border": an exit ban or another measure (data/loose_terms.json)
        or says_a_document(text)  # "her work card went missing on the metro": a permit, whichever it is
        or names_a_card_by_name(text)  # "the worker's ID card" (data/cards.json)
    )


@lru_cache(maxsize=1)
def _off_topic_categories() -> tuple[tuple[dict[str, str], re.Pattern], ...]:
    """Each category of data/off_topic.json: its names per language, and the pattern of its words."""
    return tuple(
        (
            {"en": c["category"], "zh": c["category_zh"]},
            re.compile(_terms_pattern(c["en"], c["zh"]), re.I),
        )
        for c in _data("off_topic.json")["categories"]
    )


def off_topic_categories(text: str) -> list[dict[str, str]]:
    """The off-topic categories ``text`` names, each as its name per language ({"en": "taxes", "zh": "税收"})."""
    return [names for names, words in _off_topic_categories() if words.search(text)]


def off_topic_note(text: str) -> dict[str, str] | None:
    """One line saying which subjects the regulations do not treat, for the refusal ("It asks about
    taxes and social insurance and pay, ...")."""
    cats = off_topic_categories(text)
    if not cats:
        return None
    en = ", ".join(c["en"] for c in cats)
    zh = "、".join(c["zh"] for c in cats)
    return {
        "en": f"It asks about {en}, which the entry, stay, residence and work-permit regulations do not treat.",
        "zh": f"这个问题问的是{zh}，出入境、停留居留和工作许可的法规不涉及。",
    }


def off_topic_question(text: str) -> dict[str, str] | None:
    """For one of a message's several questions: the line saying the documents do not treat it, when
    its own words name an off-topic subject and no word of the domain ("Do we owe him severance?"
    beside a question on his residence permit). None when it is the documents' matter, or may be:
    "the doctors say he needs two more months: can I extend?" asks about a stay."""
    note = off_topic_note(text)  # (None when no off-topic word is there)
    if note is None or _asked_subject(text) or has_domain_words(without_off_topic(text)):
        return None
    from .asked import asked

    if any(k.domain for k in asked(text)):
        return None  # ("if the wages are paid, will the ban be lifted?": how the documents' ban ends)
    return {lang: f"{_OUTSIDE_PART[lang]}{note[lang]}" for lang in ("en", "zh")}


_OUTSIDE_PART = {"en": "The documents I hold do not cover this question. ", "zh": "所收录的文件不涉及这一问题。"}

# (the line of a part declined for another place's rules, when its refusal gives none of its own)
_ELSEWHERE_NOTE = {
    "en": "It asks about another country's or region's own rules, which the regulations I hold do not cover.",
    "zh": "这个问题问的是其他国家或地区自己的规定，我所收录的法规不涉及。",
}


def asks_of_china_itself(asked: str) -> bool:
    """Whether a question's own words ask of leaving the mainland or coming back, or whether a permit
    still holds ("回来的时候凭居留证件能入境吗？", "回珠海要不要重新办签证？", "can I come back to Shenzhen on my
    permit?"): China's matter beside a trip elsewhere (not "can my mainland permit cover it there?")."""
    return bool(_BACK_OR_EXIT.search(asked)) or any(f"回{place}" in asked for place in home_places(asked))


def elsewhere_question(text: str, asked: str) -> dict[str, str] | None:
    """For one of a message's several questions (``text``: its story, then its own words, ``asked``):
    the line saying the documents do not cover it, when its own words name another place's matter
    and what it asks is that place's rules ("does Hong Kong need a visa from me?" beside "can I come
    back on my residence permit?"). None otherwise (a trip or a stay elsewhere the story tells makes
    no question of it that place's: "年龄上限是多少？" after "在德国做博后")."""
    lines = _elsewhere_lines(text, asked)
    return None if lines is None else {"en": lines[0], "zh": lines[1]}


@lru_cache(maxsize=256)
def _elsewhere_lines(text: str, asked: str) -> tuple[str, str] | None:
    # (read once per question: a message's several questions are judged when it is split and when each is answered)
    if not any(not m.travel for m in foreign_matters(asked)):
        return None
    decision = judge_scope(text, top_score=None, min_score=1.0, follow_up_context=False)
    if decision.in_scope or decision.reason not in ELSEWHERE:
        return None
    note = decision.note or _ELSEWHERE_NOTE
    return f"{_OUTSIDE_PART['en']}{note['en']}", f"{_OUTSIDE_PART['zh']}{note['zh']}"


def off_topic(text: str) -> bool:
    """A subject the regulations never treat (a category of data/off_topic.json: taxes, banking ...)."""
    return bool(_off_topic().search(text))


def without_told_before(text: str, told_before: str) -> str:
    """``text`` with the off-topic terms the conversation told already blanked out: in a follow-up,
    the hospital an earlier turn told a nurse was found working at ("should the hospital cover
    her fare?") is the story the conversation is about, not a new subject."""
    told = {m.group(0).lower() for m in _off_topic().finditer(told_before)} if told_before else set()
    return _off_topic().sub(lambda m: " " * len(m.group(0)) if m.group(0).lower() in told else m.group(0), text)


def without_off_topic(text: str) -> str:
    """``text`` with the off-topic terms blanked out: a "Visa card" is a payment card, not a visa."""
    return _off_topic().sub(lambda m: " " * len(m.group(0)), text)


# Requests for writing of another kind (a poem about visas is still a poem).
_CREATIVE = re.compile(
    r"\b(?:write|compose|make up|give me|tell me|create|generate)\b.{0,40}?"
    r"\b(?:poems?|poetry|haikus?|limericks?|songs?|lyrics|rap|sonnets?|stor(?:y|ies)|jokes?|essays?|slogans?)\b"
    r"|(?:写|作|编|来)(?:一|几|首|个|篇|段)*.{0,10}?(?:诗|词|歌|故事|笑话|段子|作文|对联|顺口溜)",
    re.I,
)


def creative_request(text: str) -> bool:
    """A request for a poem, song, story or joke, whatever it is about."""
    return bool(_CREATIVE.search(text))


# Requests for a recommendation or a ranking (a hotel, a phone plan, a school: "recommend ...",
# "what's the best ...", "哪家最划算"): the regulations state duties and procedures and never rank
# or recommend, so such a request is outside them unless it asks about a subject they govern
# ("which visa is best for a visiting scholar?" stays in scope).
_RECOMMENDATION = re.compile(
    r"\brecommend\w*|\bsuggest(?:ion)?s?\b.{0,20}\b(?:good|nice|best|cheap\w*)\b"
    r"|\b(?:what|which)(?:'s|\s+is|\s+are)?\s+(?:the\s+)?(?:best|cheapest|nicest|most\s+(?:affordable|popular))\b"
    r"|\bwhich\s+[\w\s-]{1,30}?\s+(?:is|are)\s+(?:the\s+)?(?:best|cheapest)\b"
    r"|推荐|推薦|哪(?:家|个|個|种|種|些)[^，。？！?!]{0,10}?(?:最好|最划算|最便宜|最实惠|比较好)",
    re.I,
)


def recommendation_request(text: str) -> bool:
    """A request for a recommendation or a ranking ("recommend a good ...", "what's the best ...",
    "推荐一下 ...", "哪家最便宜")."""
    return bool(_RECOMMENDATION.search(text))


NEIGHBOUR_NOTE = {
    "en": "Hong Kong and Taiwan have their own entry, stay and work rules, and the permits of Hong Kong, Macao "
    "and Taiwan residents are not foreigners' documents: the regulations I hold cover neither.",
    "zh": "香港和台湾有各自的出入境、居留和工作规定，港澳台居民的证件也不属于外国人证件：我所收录的法规都不涉及。",
}


# Words that tell coming back (to the mainland or Macao, where the question is asked from).
_COMING_BACK_WORDS = (
    r"回来|回到|再回|返回|重新入境|再入境|\b(?:come|coming|came|get|getting|go|going) back\b|\bre-?ent(?:er|ry|ering)\b"
)
_COMING_BACK = re.compile(_COMING_BACK_WORDS, re.I)
# ... and coming again, asked of a measure ("最早什么时候能再来？", "may she visit China again?")
_AGAIN = re.compile(r"再来|再进|\b(?:enter|visit|come to) (?:china )?again\b", re.I)


def asks_coming_back(question: str) -> bool:
    """Whether the sentences of ``question`` that ask are about coming back ("最早什么时候能再来？",
    "when may she come back?"): what a measure bars differs from one measure to another."""
    from .questions import asking_sentences

    asking = asking_sentences(question)
    return bool(_COMING_BACK.search(asking) or _AGAIN.search(asking))
# Words of leaving China, which only China's rules govern: "限制出境", "stopped at the airport".
_LEAVING_CHINA = re.compile(
    r"出境|离境|\bleav\w* (?:china|the country|the mainland)\b|\bexit bans?\b|"
    r"\b(?:stopped|held|blocked|turned back) at (?:the )?(?:airport|border)\b",
    re.I,
)
# Words that ask about leaving the mainland or coming back to it ("算出境吗", "come back on my permit").
_BACK_OR_EXIT = re.compile(
    rf"出境|离境|还能用|还有效|{_COMING_BACK_WORDS}|\bcount(?:s)? as (?:an? )?(?:exit|departure)\b|"
    r"\bleav\w* (?:the )?mainland\b|\bstill (?:valid|good|work)\b|"
    # (travelling on a mainland paper: "may she fly to Macao with the receipt?", "凭回执可以去香港吗？")
    r"\b(?:go|goes|going|travel\w*|fly|flying|leave|leaving|pop over)\b[^.?!]{0,30}?\b(?:on|with|using|holding)\s+"
    r"(?:(?:the|my|his|her|their|our|just|only)\s+)*(?:receipt|residence permit|permit|RP)\b|"
    r"(?:拿着|凭着?|用|带着)(?:受理)?(?:回执|居留证件?|居留许可)",
    re.I,
)


# The reasons of a refusal for the place whose rules are asked (not China's nor Macao's).
NEIGHBOURS_RULES = "Hong Kong's or Taiwan's rules"
ELSEWHERE_RULES = "another country's or region's rules"
ELSEWHERE = (NEIGHBOURS_RULES, ELSEWHERE_RULES)


def judge_scope(
    question: str, *, top_score: float | None, min_score: float, follow_up_context: bool, told_before: str = ""
) -> ScopeDecision:
    """Decide from the question's subject and the best retrieval score.

    ``follow_up_context``: the conversation so far was about the domain, so a
    short follow-up without the domain's words ("And after that?")
    still counts; ``told_before``, what its earlier turn told, whose
    off-topic words (the restaurant someone worked at) are no new subject.
    Nothing here depends on the question's length: a terse message with a
    typo ("residnce permit?") is read like a long one.
    """
    from .questions import asking_clauses, asking_sentences

    if creative_request(question):
        return ScopeDecision(False, "a request for creative writing", firm=True)
    matters = [m for m in foreign_matters(question) if not _set_aside(question, m)]
    if matters and all(m.travel and m.neighbour for m in matters) and _BACK_OR_EXIT.search(asking_sentences(question)):
        # A trip from the mainland to Hong Kong, Macao or Taiwan is an exit (Law Art. 89): whether it counts as
        # one, or coming back on one's visa or permit, is the mainland's matter, not the other region's.
        matters = []
    rest = without_foreign_subjects(question, matters)
    governed = has_subject(without_off_topic(rest))
    if any(m.document for m in matters) and not _MACAO_NAMED.search(question):
        # Who holds a Hong Kong, Macao or Taiwan residents' document (台胞证, a Home Return Permit) is no
        # foreigner: on the mainland the foreigners' rules are not theirs, whatever permits the question names.
        return ScopeDecision(False, NEIGHBOURS_RULES, firm=True, note=NEIGHBOUR_NOTE)
    if matters:
        # Another place's visa or immigration is the subject unless what remains is tied to China or Macao
        # ("go to Thailand: do I need a visa?" asks about Thailand's visa), and more than who asks ("with
        # my Z visa, must I get a visa for Italy?"); in a conversation about China's rules, a trip
        # elsewhere told in a follow-up ("a short trip to Hong Kong comes first: is his
        # permit still good?") is tied to them already.
        # (a mainland or Macao place ties it too: she lives in Chengdu, her own country's consulate gave her a
        # passport, and the residence permit is what she asks about)
        unlike = _COMPARED.sub(" ", rest)
        anchored = _CHINA_ANCHOR.search(unlike) or home_places(unlike) or follow_up_context \
            or (all(m.travel for m in matters) and _LEAVING_CHINA.search(unlike))  # (a trip out: the exit is China's)
        governed = governed and bool(anchored) and not _only_the_asker_is_governed(question, matters) \
            and (follow_up_context or not _asks_only_of_elsewhere(question, matters))
        if not governed:
            if all(m.neighbour for m in matters):
                return ScopeDecision(False, NEIGHBOURS_RULES, firm=True, note=NEIGHBOUR_NOTE)
            return ScopeDecision(False, ELSEWHERE_RULES, firm=True)
    if not follow_up_context and (there := asked_elsewhere(question)):
        if all(m.neighbour for m in there):
            return ScopeDecision(False, NEIGHBOURS_RULES, firm=True, note=NEIGHBOUR_NOTE)
        return ScopeDecision(False, ELSEWHERE_RULES, firm=True)
    if not follow_up_context and asks_of_visiting_macao(question):
        return ScopeDecision(False, "Macao's rules for visitors", firm=True, note=_macao_visitors()[1])
    if not matters and not follow_up_context and (abroad := where_abroad(question)):
        # The asker is in another place ("I live in Seoul: how long is my permit there?") and nothing ties the
        # question to the mainland or Macao: that place's rules are asked about.
        unasked = _CITIZEN.sub(" ", _COMPARED.sub(" ", rest))
        if not _CHINA_ANCHOR.search(unasked) and not home_places(unasked):
            if all(m.neighbour for m in abroad):
                return ScopeDecision(False, NEIGHBOURS_RULES, firm=True, note=NEIGHBOUR_NOTE)
            return ScopeDecision(False, ELSEWHERE_RULES, firm=True)
    # (a topic the message says its matter is not, "不是欠工资，而是…", is not asked about)
    said = without_denied(rest)
    if follow_up_context:
        said = without_told_before(said, told_before)
    asking = asking_clauses(said)
    # (an everyday matter only the story tells, "he left his permit in a taxi", is no subject when the
    # clauses that ask name none and ask of the domain's thing, by its words or pointing back at it:
    # "how is it reissued?")
    aim_sentence = _aim_sentence(said)
    aimed, aim = _with_aim(aim_sentence, asking), _aim_told(aim_sentence)
    aimed_off_topic = bool(aim) and off_topic(aim) and not _asked_subject(f"{aim} {asking}")
    story_only = asking != said and not off_topic(asking) and (
        has_domain_words(asking) or bool(_POINTS_AT_IT.search(asking)) and has_domain_words(without_off_topic(said)))
    if off_topic(said) and ((not governed and not story_only) or _asks_only_off_topic(said) or _every_ask_off_topic(said)
                            or (off_topic(asking) and not _asked_subject(said))
                            # (or in the sentence before them telling what is to be applied for: "I'm
                            # considering applying to naturalise. How long does it take?")
                            or aimed_off_topic
                            # (taxes or social insurance asked with no governed subject where it asks: in
                            # its asking clauses, or the sentence before them telling what is applied for)
                            or (_asked_alone().search(asking) and not _asked_subject(aimed))) \
            and (aimed_off_topic or not _asks_on_topic(said)) and not _asks_of_an_event_told(said):
        note = off_topic_note(asking) or off_topic_note(said)
        return ScopeDecision(False, "topic the regulations do not treat", firm=True, note=note)
    if governed:
        return ScopeDecision(True, "a subject the regulations govern")
    if follow_up_context:
        return ScopeDecision(True, "follow-up in a conversation about the regulations")
    if recommendation_request(rest):
        return ScopeDecision(False, "a request for a recommendation", firm=True)
    if top_score is not None and top_score >= min_score and has_domain_words(rest):
        return ScopeDecision(True, "retrieval found relevant provisions")
    if top_score is not None and top_score >= min_score and _asks_the_step_of_an_event(rest):
        # ("我妈妈下周来，住在我们家，要办什么手续？": a stay at a home told in everyday words brings its registration)
        return ScopeDecision(True, "an event whose step the documents set, asked of")
    if top_score is not None and top_score >= min_score:
        return ScopeDecision(False, "no word of the domain, whatever retrieval found")
    return ScopeDecision(False, "nothing relevant in the documents")


@lru_cache(maxsize=1)
def _macao_visitors() -> tuple[re.Pattern, dict[str, str]]:
    """The words asking of Macao's entry for visitors and students, and the refusal's note
    (data/places.json, 'macao_visitors')."""
    data = _data("places.json")["macao_visitors"]
    en = "|".join(re.escape(t) for t in sorted(data["en"], key=len, reverse=True))
    zh = "|".join(re.escape(t) for t in sorted(data["zh"], key=len, reverse=True))
    return re.compile(rf"\b(?:{en})\b|{zh}", re.I), data["note"]


def asks_of_visiting_macao(question: str) -> bool:
    """A sentence that asks names Macao with a visitor's or student's matter ("does Macau let Indian
    passports in visa-free?", 澳门的学生逗留许可怎么申请), and the message names neither the
    non-resident worker's card nor its holders (the only Macao document held), the sentences that ask
    name nothing of the mainland's own (its visas, permits, bodies: a mainland city saying where the
    asker is leaves Macao's entry Macao's), and they ask of no exit from it or return to it (a trip to Macao is
    an exit from the mainland, whose rules govern it): Macao's own rules for visitors are asked about."""
    from .cards import cards_of, names_loosely
    from .questions import asking_sentences

    asking = asking_sentences(question)
    words, _ = _macao_visitors()
    if not any(_MACAO_NAMED.search(s) and words.search(s) for s in _sentences(asking)):
        return False
    if any(card.about.search(question) for card in cards_of("MO")) or names_loosely(question):
        return False  # (a card or permit named loosely, "她的工作证丢了", may be the worker's card)
    elsewhere = _MACAO_NAMED.sub(" ", asking)
    return not (_CHINA_ANCHOR.search(elsewhere) or _BACK_OR_EXIT.search(asking) or _LEAVING_CHINA.search(asking))


# Another place's matter the question sets aside to ask what else is to be done ("besides telling his
# embassy, what must we do here?", "除了告诉他的使馆，我们在这儿还需要做什么手续？").
_BESIDES = re.compile(
    r"(?:除了|除去|除开)[^，,。；;？?！!]{0,12}$|\b(?:besides|apart from|aside from|other than|in addition to)\s+(?:\S+\s+){0,4}$",
    re.I,
)


# Another place named to compare with ("a weekly limit as in Australia?", "unlike in Japan", 像英国那样).
_COMPARED_WITH = re.compile(
    r"\b(?:like|unlike|as in|compared (?:to|with)|similar to|than)\b[^.?!;,]{0,40}$|(?:像|不像|比起)[^，,。；;？?！!]{0,12}$",
    re.I,
)


_POINTS_AT_IT = re.compile(r"\b(?:it|them)\b|它", re.I)  # (a thing the story names, asked about)


def _set_aside(question: str, matter: ForeignMatter) -> bool:
    """``matter`` is what the clause asks besides, another place's rule China's is compared with, or
    the mission that issued a passport the story tells of ("新护照是在德国使馆领的": the new passport is
    what China's rules then ask about), and the question names China or Macao elsewhere."""
    rest = question[: matter.start] + " " + question[matter.end :]
    if _BESIDES.search(question[max(0, matter.start - _LOOK_BACK) : matter.start]):
        return bool(_CHINA_ANCHOR.search(rest))
    if _COMPARED_WITH.search(question[max(0, matter.start - _LOOK_BACK) : matter.start]):
        # another place's rule the question compares China's with ("a weekly limit as in Australia?",
        # 像英国那样): China's is what it asks about, when it names a place here
        return bool(_CHINA_ANCHOR.search(rest) or home_places(rest))
    if _its_mission(question, matter) and _PASSPORT.search(_sentence_at(question, matter.start)):
        return bool(_CHINA_ANCHOR.search(rest) or home_places(rest))
    if _IDENTITY.search(matter.text) and _HELD.search(question[max(0, matter.start - _LOOK_BACK) : matter.start]):
        # a person's own identity document ("her Korean ID card") carried here: what China's rules ask of it
        return bool(_CHINA_ANCHOR.search(rest) or home_places(rest))
    return False


# An identity document, and the words saying whose it is ("her ...", "他的…").
_IDENTITY = re.compile(r"\b(?:ID|identity)(?: card)?\b|身份证", re.I)
_HELD = re.compile(r"\b(?:my|his|her|their|our|your)\s+$|(?:我|他|她|他们|我们)的\s*$", re.I)


# A country's mission, named after the country ("美国领事馆", "the Canadian embassy", "embassy of France").
_MISSION_AFTER_EN = re.compile(r"^\s*(?:embassy|consulate|consulate[- ]general|mission)\b", re.I)
_MISSION_BEFORE_EN = re.compile(r"\b(?:embassy|consulate|consulate[- ]general)\s+(?:of|in)\s+(?:the\s+)?$", re.I)
_PASSPORT = re.compile(r"passport|护照", re.I)
_MISSION = re.compile(r"大使馆|使馆|领馆|领事馆|总领馆|\bembassy\b|\bconsulate\b", re.I)


def _its_mission(question: str, matter: ForeignMatter) -> bool:
    return bool(
        _MISSION.search(matter.text)
        or _CONSULATE_ZH.match(question[matter.end :]) or _MISSION_AFTER_EN.match(question[matter.end :])
        or _MISSION_BEFORE_EN.search(question[max(0, matter.start - 30) : matter.start])
    )


def _sentence_at(text: str, index: int) -> str:
    """The sentence of ``text`` (as ``_sentences`` splits it) holding the character at ``index``."""
    return next((m.group(0) for m in _SENTENCE.finditer(text) if m.start() <= index < m.end()), text)


# A clause in which the asker says who they are ("I'm on a Z visa", "我在澳门打工"): first person
# as its subject (not "my ...": "my permit is pending" tells a state of the matter).
_ABOUT_THE_ASKER = re.compile(r"^\W*(?:(?:i|we)\b(?!['’]d)|as an?\b|(?:我|我们|本人)(?!的)|作为|身为)", re.I)


def _only_the_asker_is_governed(question: str, matters: list[ForeignMatter]) -> bool:
    """The sentence that asks is about another place's matter, and China's subjects are named only
    where the asker says who they are."""
    from .questions import asking_clauses

    asking = asking_clauses(question)
    if asking == question or not any(m.text in asking for m in matters):
        return False
    return _told_only_who_asks(question, asking)


# The sentences of a text's asking part, each with its end mark.
_SENTENCE = re.compile(r"[^.!?。！？\n]+[.!?。！？]*")


def _sentences(text: str) -> list[str]:
    return [m.group(0) for m in _SENTENCE.finditer(text) if m.group(0).strip()]


_OWN_DOCUMENTS = frozenset({"residence", "stay_permit"})  # (kinds of questions.subjects_in)


_CHINA_ITSELF = re.compile(r"中国|中國|内地|內地|大陆|\bchina\b|\bchinese\b|\bmainland\b", re.I)


def _asks_only_of_elsewhere(question: str, matters: list[ForeignMatter]) -> bool:
    """A sentence that asks names another place's immigration matter ("which Singapore work pass
    must he get, or will his Chinese permit do there?"), and no other asking sentence is about China
    or Macao: the story's Chinese permits are who asks, the question is the other place's."""
    from .questions import asking_sentences, is_interrogative, subjects_in

    asking = asking_sentences(question)
    # (a sentence taken for asking by its opening, "请教一下🙏 我是…，女儿持学习类居留证。", that asks
    # nothing tells who asks)
    sentences = [s for s in _sentences(asking) if s.rstrip().endswith(("?", "？")) or is_interrogative(s)] \
        or _sentences(asking)
    # (a trip elsewhere asked with coming back, "去泰国玩两周再回来，要重新办签证吗？", asks of the return;
    # asked with leaving, "下周飞泰国，会不会被限制出境？", of the exit from China)
    # (nor does one sending someone there that asks, after it, of China itself: "她要调去迪拜两年，这样中国的永久
    # 居留资格还保得住吗？", what a stay abroad does to a Chinese permit)
    def of_china(s: str, there: list[ForeignMatter]) -> bool:
        after = max(s.find(m.text) + len(m.text) for m in there)
        return bool(_CHINA_ITSELF.search(s[after:]))

    about = [
        s for s in sentences
        if (there := [m for m in matters if m.text in s])
        and not (all(m.travel for m in there) and (_COMING_BACK.search(s) or _LEAVING_CHINA.search(s) or of_china(s, there)))
    ]
    if not about:
        return False
    # (another asking sentence about China or Macao, or about a residence or stay permit, the documents
    # their rules issue: "居留证怎么补？")
    return not any(_CHINA_ANCHOR.search(s) or subjects_in(s) & _OWN_DOCUMENTS for s in sentences if s not in about)


def _asks_of_an_event_told(text: str) -> bool:
    """The message tells an event whose step the documents set (a birth in China, a death: data/events.json)
    and its sentences that ask name no off-topic subject: "born at the hospital on 8 December … we have 60
    days from coming home from the hospital, a friend said. Which day is really the last?" asks of the
    baby's registration, whatever the story's hospital."""
    from .questions import asking_sentences

    return bool(events_told(text)) and not off_topic(asking_sentences(text))


def _asks_the_step_of_an_event(text: str) -> bool:
    """The sentences that ask tell an event whose step the documents set, or ask for the step of one the
    message tells (data/events.json 'asked'), and name no off-topic subject."""
    from .questions import asking_sentences

    asking = asking_sentences(text)
    return bool(events_told(text, asking, steps_only=True)) and not off_topic(asking)


def _asks_on_topic(text: str) -> bool:
    """The sentences that ask use the domain's words and no off-topic one: an everyday matter told
    in the story ("he takes the subway to school; must he carry his passport?") is not the subject."""
    from .questions import asking_clauses

    asking = asking_clauses(text)
    return asking != text and has_domain_words(asking) and not off_topic(asking)


def _asks_only_off_topic(text: str) -> bool:
    """The clauses that ask are about an off-topic subject and name none the regulations govern,
    and the rest only says who the asker is: a non-resident worker asking how to swap a driving
    licence asks about driving, not about the worker's card."""
    from .questions import asking_clauses

    asking = asking_clauses(text)
    if asking == text or not off_topic(asking) or _asked_subject(asking):
        return False
    return _told_only_who_asks(text, asking)


# Who a clause speaks of, and when: no subject of its own. Beside an off-topic matter, "留学生能考驾照吗？"
# asks about driving, not about students; "回国的时候公积金能取吗？" about a housing fund, not about exits.
_PERSONS = re.compile(
    r"(?:留学生|外国学生|外籍学生|外籍员工|外籍同事|外地雇员|外劳)(?!身份|证|卡)"
    r"|\b(?:foreign |international )?(?:students?|employees?|staff)\b(?! (?:card|permit|visa))"
    r"|\b(?:non-resident|foreign|migrant) workers?\b(?!['’]s| (?:card|permit|visa|id))"
    # people named by what they hold ("all blue-card holders", "Z visa holders", "持永居证的", "now that she holds
    # a work permit"): who is asked about
    r"|\b(?:[\w'-]+[- ]){1,3}holders?\b"
    r"|持有?[^，,。？?！!、\s]{1,10}?(?:证件|证|卡|签证)(?:的)?"
    r"|\bnow that (?:i|we|you|he|she|they) (?:ha(?:ve|s)|hold|holds|got) (?:the|a|an|my|our|his|her|their|your) [\w' -]{0,30}?(?:permit|visa|card)\b",
    re.I,
)
_WHEN = re.compile(
    r"[^，,。？?！!；;\s]{0,12}(?:的时候|之时|以后|之后|前后)|\b(?:when|once|after|before) (?:i|we|he|she|they|you) "
    r"(?:\w+ly )?(?:leaves?|exits?|enters?|arrives?|moves?|go(?:es)?)\b[^,.;?!]*",  # ("when he eventually leaves China")
    re.I,
)


# A sentence telling what is to be applied for ("现在想帮他申请永久居留。", "we'd like to apply for a visa for her.").
_AIM = re.compile(
    r"(?:想|要|打算|准备|计划|考虑)(?:帮[^，,。]{0,6})?(?:申请|办理|办(?![法事])|加入|取得)"
    r"|\b(?:want|wants|plan|plans|hope|hopes|intend|intends|would like|'d like)\s+to\s+(?:apply|get|obtain|take)\b"
    r"|\b(?:thinking|think|thought)\s+(?:about|of)\s+(?:applying|getting|obtaining|taking)\b"
    r"|\b(?:considering|consider)\s+(?:applying|getting|obtaining|taking)\b",
    re.I,
)


def _aim_sentence(text: str) -> str:
    """The sentence just before the asking sentences of ``text`` when it tells what is to be applied
    for ("…想帮他申请永久居留。请问：要工作满几年？": the questions are about that application), or ""."""
    from .questions import without_asides, asking_sentences, sentences_of

    asked, sentences = asking_sentences(text), sentences_of(text)
    first = next((i for i, s in enumerate(sentences) if s.strip() and without_asides(s) in asked), None)
    return sentences[first - 1] if first and _AIM.search(sentences[first - 1]) else ""


def _with_aim(aim: str, asking: str) -> str:
    """The clauses that ask (``asking``), after the sentence telling their aim (``aim``), if any."""
    return f"{aim} {asking}" if aim else asking


def _aim_told(aim: str) -> str:
    """The clause of the aim's sentence telling what is to be applied for ("I'm considering applying
    to naturalise." before "How long does it take?"), or ""."""
    from .questions import clauses_of

    return next((c for c in clauses_of(aim) if _AIM.search(c)), "")


def _asked_subject(text: str) -> bool:
    """Whether the clauses of ``text`` name a governed subject besides their off-topic words, the
    people they speak of and the time they set ("when I leave China")."""
    return has_subject(_PERSONS.sub(" ", _WHEN.sub(" ", without_off_topic(text))))


# A word pointing back, as what a question is about (its subject), at what the sentence before names
# ("Must it come from a public clinic?", "它要去哪里开？"); not one the question's own verb acts on
# ("how much tax do I owe on it").
_REFERS_BACK = re.compile(
    r"\b(?:does|do|did|is|was|can|could|must|should|will|would|has)\s+it\b|\bit\s+(?:is|was|has|needs?|must|should|can|will)\b"
    r"|它(?:要|需要|得|必须|能|可以|是|在)",
    re.I,
)


# A question whether the act just told is allowed ("she will dock my pay: may she do that?",
# "可以这样做吗？") asks of that act.
_OF_THE_ACT_TOLD = re.compile(
    r"\b(?:allowed|entitled|permitted)\s+to\s+do\s+(?:that|this|so)\b"
    r"|\b(?:is|was)\s+(?:that|this)\s+(?:legal|lawful|allowed|permitted)\b|(?:可以|能|允许)(?:这样|这么)做|(?:这样|这么)做(?:合法|可以|行)",
    re.I,
)


def _every_ask_off_topic(text: str) -> bool:
    """Every clause that asks names an off-topic subject and none a governed one, whatever the story
    around them tells: HR relating an employee's permit and then asking how his income tax is worked
    out and whether his pension contributions are refunded asks about tax and pensions. When the one
    sentence that asks also names a governed subject ("he has no work permit yet: may we pay his
    salary?"), its question is read with it and stays in scope; several questions, all off-topic (or
    naming no subject of their own), are about what they ask. One asking clause without such a
    subject ("... the landlord asks for a document saying until when he may stay. Does the police issue one?")
    keeps the question in scope."""
    from .questions import ASKS_IF_SO, asking_clauses, asking_sentences

    clauses = asking_clauses(text)
    if clauses == text or _asked_subject(clauses):
        return False
    sentences = _sentences(clauses)
    # A question naming no subject of its own ("缴费基数怎么算？", "Is that true?") asks about what comes
    # right before it: a question on an off-topic subject and no governed one, or a claim the story tells
    # ("my accountant says I owe tax here"); one after it naming nothing either asks on about the same.
    questions, inherited, before_off, at = [], False, False, 0
    told_off = _off_topic_words(text)
    for q in sentences:
        where = text.find(q.strip(), at)
        before = text[at:max(where, at)]
        told = [t for t in _sentences(before) if off_topic(t) or has_subject(t)]
        at = max(where, at) + len(q.strip())
        # (a claim about an off-topic subject told just before a question asking whether it holds, or the
        # clause of its own sentence naming one, "能不能要求经济补偿金，按几个月算？"; a story saying who asks,
        # "I am a student in Xiamen, on a study permit", leaves it asking on about the question before it)
        same_sentence = bool(told) and q.rstrip().endswith(("?", "？")) and not _BREAKS.search(q.strip()) \
            and before.rstrip().endswith(told[-1].rstrip()) and bool(_ENDS_CLAUSE.search(before))
        claim = bool(told and off_topic(told[-1]) and not _asked_subject(told[-1])
                     and (ASKS_IF_SO.search(q) or same_sentence or _OF_THE_ACT_TOLD.search(q)))
        if told and not off_topic(told[-1]) and has_subject(told[-1]) and _REFERS_BACK.search(q):
            # ("HR says I need a health certificate. Is it valid if done abroad?"): a word pointing
            # back at what the sentence before names asks about that, a governed subject
            return False
        off = before_off or claim
        if off_topic(q) or has_domain_words(_without_words(q, told_off)) or not off:
            questions.append(q)
            before_off = off_topic(q) and not _asked_subject(q)
        else:
            inherited = before_off = True
    if not questions:
        return inherited
    if not all(off_topic(q) for q in questions):
        return False
    return len(sentences) > 1 or not has_subject(without_off_topic(asking_sentences(text)))


def _off_topic_words(text: str) -> frozenset[str]:
    """The words of the off-topic terms ``text`` names ("register", "marriage" of "register the marriage")."""
    return frozenset(w.lower() for m in _off_topic().finditer(text) for w in re.findall(r"[^\W\d_]{3,}", m.group(0)))


def _without_words(question: str, words: frozenset[str]) -> str:
    """``question`` without ``words``: "may we register it in his home town?" after "we hope to register the
    marriage", without that term's words, names the marriage's registering and no subject of its own."""
    if not words:
        return question
    return re.sub(r"[^\W\d_]+", lambda m: " " if m.group(0).lower() in words else m.group(0), question)


_ENDS_CLAUSE = re.compile(r"[，,、；;：:]\s*$")  # (a clause of the sentence goes on: no full stop, no emoji, no line)
_BREAKS = re.compile(rf"[\s，,；;：:]|[{EMOJI}]")  # (a question of one clause)


def _told_only_who_asks(text: str, asking: str) -> bool:
    """Every clause of ``text`` outside the ``asking`` ones that names a governed subject is one in
    which the asker says who they are."""
    from .questions import clauses_of

    told = [c for c in clauses_of(text) if c not in asking]
    return all(_ABOUT_THE_ASKER.match(c) for c in told if has_subject(c))


def warm_up() -> None:
    """Build what the first question would otherwise wait for (the gazetteer, the patterns, the
    typo lexicon, the pinyin table, the terms' pinyin spellings): call once when an engine starts."""
    from .fuzzy import _pinyin, default_lexicon
    from .pinyin import read_pinyin

    gazetteer()
    _patterns()
    _off_topic()
    default_lexicon()
    _pinyin("证")
    read_pinyin("")


REFUSAL = {
    "en": "I can only answer questions about entry, stay, residence and work permits for foreigners in "
    "mainland China and Macao, based on the regulations I hold; this question is outside them.",
    "zh": "我只能根据所收录的法规，回答外国人在中国内地和澳门的入境、停留、居留及工作许可相关问题；这个问题不在范围内。",
}


def refusal(lang: Lang, decision: ScopeDecision | None = None) -> str:
    """The refusal, with the decision's one-line reason when it has one (Hong Kong, Taiwan)."""
    if decision is not None and decision.note:
        return f"{REFUSAL[lang]}\n{decision.note[lang]}"
    return REFUSAL[lang]
