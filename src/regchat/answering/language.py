"""The language of a question, and the words regchat needs in each language."""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache
from importlib import resources
from typing import Literal

from ..tokens import is_chinese

Lang = Literal["en", "zh"]

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def detect_language(text: str) -> Lang:
    """'zh' when Chinese characters carry the question, else 'en'.

    Mixed questions ("我的 residence permit 12月15日到期") count as Chinese when
    they have clearly more Chinese characters than Latin words.
    """
    return "zh" if is_chinese(text) else "en"


WEEKDAYS_ZH = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"]


# A message asking for a provision's words in the other language: an English reader asking for the
# Chinese text (the official one), a Chinese reader asking for the English translation.
_ASKS_OTHER = {
    "en": re.compile(
        r"\b(?:chinese|mandarin)\s+(?:text|wording|version|original|words)\b"
        r"|\b(?:text|wording|version|original|say|says|written|reads?|put)\b[^.?!]{0,25}\bin\s+(?:chinese|mandarin)\b"
        r"|原文",
        re.I,
    ),
    "zh": re.compile(r"(?:英文|英语)(?:的)?(?:原文|版本?|文本|翻译|译文|条文|规定|表述|怎么说|怎么写|是怎么)|\bEnglish\s+(?:text|version|wording)\b", re.I),
}


def asked_language(question: str, lang: Lang) -> Lang | None:
    """The other language, when ``question`` (of a reader of ``lang``) asks for a provision's words in
    it ("can I see the Chinese wording?", "英文原文怎么说？"); None otherwise."""
    return ("zh" if lang == "en" else "en") if _ASKS_OTHER[lang].search(question) else None


def zh_day(day: dt.date) -> str:
    """A date as Chinese readers write it: 2026年10月13日."""
    return f"{day.year}年{day.month}月{day.day}日"


def day_in(day: dt.date, lang: Lang) -> str:
    """A date written for readers of ``lang``: 2026年10月13日 in Chinese, 2026-10-13 in English."""
    return zh_day(day) if lang == "zh" else day.isoformat()

# Chinese terms and the English words the (English) source texts use for them.
# Used to match Chinese questions against English provisions sentence by sentence.
ZH_TO_EN: dict[str, tuple[str, ...]] = {
    "家人": ("family", "kindred", "relatives"),
    "家属": ("family", "kindred", "relatives"),
    "亲属": ("family", "kindred", "relatives"),
    "配偶": ("spouse", "family", "kindred"),
    "子女": ("children", "family", "kindred"),
    "居留许可": ("residence permit", "residence"),
    "居留证": ("residence permit", "residence"),
    "居留": ("residence", "reside"),
    "停留": ("stay",),
    "停留证件": ("stay permit",),
    "签证": ("visa",),
    "延期": ("extension", "extend"),
    "延长": ("extension", "extend"),
    "到期": ("expiry", "expires"),
    "届满": ("expiry",),
    "入境": ("entry", "enter"),
    "出境": ("exit", "leave china"),
    "离境": ("leave china", "exit"),
    "工作许可": ("work permit",),
    "工作": ("work", "employ"),
    "就业": ("employment", "work"),
    "非法就业": ("unlawful employment",),
    "护照": ("passport",),
    "住宿": ("accommodation", "hotel"),
    "酒店": ("hotel",),
    "宾馆": ("hotel",),
    "登记": ("registration", "register"),
    "出生": ("born", "birth"),
    "婴儿": ("infant", "born"),
    "新生儿": ("infant", "born"),
    "死亡": ("death", "decease"),
    "变更": ("change", "alteration"),
    "补发": ("reissue",),
    "遗失": ("loss", "lost"),
    "丢失": ("loss", "lost"),
    "损毁": ("damage", "damaged"),
    "永久居留": ("permanent residence",),
    "难民": ("refugee",),
    "健康证明": ("proof of health", "health"),
    "体检": ("proof of health", "health"),
    "受理回执": ("acknowledgement receipt", "acknowledgment receipt"),
    "回执": ("acknowledgement receipt", "acknowledgment receipt"),
    "工作日": ("working days",),
    "申请": ("apply", "application"),
    "审查": ("examination",),
    "决定": ("decision",),
    "驱逐": ("deport", "deportation"),
    "遣返": ("repatriation",),
    "限期出境": ("ordered to leave china", "exit period"),
    "学生": ("student",),
    "实习": ("internship", "work-study"),
    "勤工助学": ("work-study",),
    "免签": ("visa-exempt", "visa-free"),
    "团聚": ("reunion",),
    "私人事务": ("personal reason", "personal matters"),
    "记者": ("journalist",),
    "澳门": ("macao",),
    "电话": ("tel", "phone"),
    "地址": ("address", "location"),
    "在哪": ("location", "where"),
    "哪里": ("location", "where"),
    "传真": ("fax",),
    "邮箱": ("email",),
    "网站": ("website",),
    "二维码": ("code", "scanning"),
    "续期": ("renewal", "renew"),
    "更换": ("replacement", "replace"),
    "补办": ("reissue",),
    "取消": ("cancel", "cancellation"),
    "费用": ("expenses",),
    "责任": ("employ", "shall"),
    "年龄": ("age",),
    "被偷": ("theft", "stolen"),
    "被盗": ("theft", "stolen"),
    "丢了": ("loss", "lost"),
    "公民": ("citizens",),
    "发现": ("find",),
    "举报": ("report",),
    "报告": ("report",),
    "审批": ("approval", "approved"),
    "部门": ("ministry", "department"),
    "项目": ("items",),
    "材料": ("materials",),
    "不齐全": ("supplemented",),
    "补充": ("supplemented",),
    "代为": ("behalf",),
    "复议": ("final",),
    "施行": ("effective",),
    "生效": ("effective",),
    "携带": ("carry",),
    "外地雇员": ("non-resident worker",),
    "外地僱員": ("non-resident worker",),
    "逗留": ("stay", "authorization to stay"),
    "雇主": ("employer",),
    "证明": ("certificate",),
    "指纹": ("fingerprint", "biometric"),
    "有效期": ("validity period",),
    "种类": ("categorised", "types"),
    "类别": ("categorised", "types"),
}


# English phrasings the (English) source texts put differently.
EN_SYNONYMS: dict[str, tuple[str, ...]] = {
    "family": ("kindred",),
    "into force": ("effective",),
    "in force": ("effective",),
    "take effect": ("effective",),
    "valid": ("validity",),
    "hand in": ("submit",),
    "bring": ("submit", "present"),
    "phone": ("tel",),
    "telephone": ("tel",),
    "where": ("location",),
    "office": ("location",),
    "categories": ("categorised",),
    "types": ("categorised",),
    "kinds": ("categorised",),
    "hire": ("employ",),
    "costs": ("expenses",),
    "pays": ("borne",),
    "record": ("registered", "items"),
    "recorded": ("registered", "items"),
    "illegal": ("unlawful",),
    "illegally": ("unlawful",),
    "stolen": ("theft",),
    "lost": ("loss",),
    "keep": ("retained",),
    "keeping": ("retained",),
    "kept": ("retained",),
    "missing": ("supplemented", "materials"),
    "documents": ("materials",),
    "on my behalf": ("behalf",),
    "for me": ("behalf",),
    "instead of me": ("behalf",),
    "appeal": ("final",),
    "challenge": ("final",),
    "taken away": ("cancel",),
}


def english_terms(question: str) -> list[str]:
    """Words standing for the question's terms in the source texts' English:
    translations of Chinese terms, and the texts' own wording of common phrasings."""
    out: list[str] = []
    lowered = question.lower()
    for phrase, words in EN_SYNONYMS.items():
        if re.search(rf"\b{re.escape(phrase)}\b", lowered):
            out.extend(words)
    question = question.replace("出入境", "・")  # the exit-entry administration, not "entry"
    for zh, en in ZH_TO_EN.items():
        if zh in question:
            out.extend(en)
    return out


_TO_SIMPLIFIED = None


def simplified(text: str) -> str:
    """``text`` with traditional Chinese characters written in simplified ones (OpenCC's t2s),
    so that a Macao reader's 外地僱員身份認別證 is read as 外地雇员身份认别证; other text is unchanged."""
    global _TO_SIMPLIFIED
    if not text or not _CJK.search(text):
        return text
    if _TO_SIMPLIFIED is None:
        import opencc

        _TO_SIMPLIFIED = opencc.OpenCC("t2s")
    return _TO_SIMPLIFIED.convert(text)


@lru_cache(maxsize=1)
def _cantonese() -> tuple[re.Pattern, dict[str, str]]:
    pairs = json.loads(resources.files("regchat").joinpath("data/cantonese.json").read_text(encoding="utf-8"))["written"]
    standard = dict(pairs)
    return re.compile("|".join(re.escape(form) for form in sorted(standard, key=len, reverse=True))), standard


def standard_written(text: str) -> str:
    """``text`` (simplified) with written Cantonese read as standard written Chinese
    (``data/cantonese.json``): 俾人偷咗银包 -> 被人偷了钱包, 佢下个月返工 -> 他下个月上班. Standard
    Chinese and other text are unchanged."""
    if not text or not _CJK.search(text):
        return text
    pattern, standard = _cantonese()
    return pattern.sub(lambda m: standard[m.group(0)], text)


# What a sentence says its matter is not, beside what it is: "not just visit", "not X but Y", "rather
# than X", "instead of X", "不是X，而是Y", "而不是X". (A bare denial, "不是首次入境", is a fact of the case and
# stays.)
_DENIED = re.compile(
    r"\bnot (?:just|only|merely|simply)\s+[^,.;!?\n]{1,30}?(?=\s*(?:[,.;!?\n]|$|\bbut\b))"
    r"|\bnot\s+[^,.;!?\n]{1,30}?(?=,?\s+but\b)"
    r"|\b(?:rather than|instead of)\s+[^,.;!?\n]{1,30}?(?=\s*(?:[,.;!?\n]|$))"
    r"|(?<!是)不是[^，,。？?！!；;\n]{1,20}?(?=[，,]?\s*而是)"
    r"|而不是[^，,。？?！!；;\n]{1,20}"
    # what a place or a person is not, said on its own: "(not a hotel)", "住朋友家，不是宾馆"
    r"|\bnot (?:a|an)\s+[^,.;:!?\n()]{1,20}?(?=\s*(?:[,.;:!?\n)]|$))"
    r"|(?<![是还])不是(?![^，,。？?！!；;\n（）()]*[吗吧呢么])[^，,。？?！!；;\n（）()]{1,8}?(?=[，,。；;）)]|$)",
    re.I,
)
# A document the story says is safe is not what was lost ("Passport is safe at home", "护照还在").
_UNAFFECTED = re.compile(
    r"\b(?:(?:my|his|her|their|our|the)\s+)?(?:(?:passport|residence permit|visa|card)s?\s+(?:and|&)\s+(?:(?:my|his|her|their|our|the)\s+)?)?"
    r"(?:passport|residence permit|visa|card)s?\s+(?:is|are|was|were|'s)\s+"
    r"(?:still\s+)?(?:safe|fine|ok|okay|intact|not (?:lost|stolen|affected)|(?:still\s+)?(?:with (?:me|him|her|them|us)|at home))\b"
    # (two documents said safe together: "签证和护照都还在")
    r"|(?:(?:护照|居留证件?|居留许可|签证|证件)[和、跟与及])?(?:护照|居留证件?|居留许可|签证|证件)(?:都)?(?:还在|没丢|没有丢|没被偷|没事|在家(?:里)?|安全|没问题)",
    re.I,
)


def without_denied(text: str) -> str:
    """``text`` with what it says its matter is not blanked out ("she wants to live here, not just
    visit": no visit; "不是欠工资，而是民事官司": no pay; "passport is safe at home": no passport): what is
    denied is neither a topic nor a fact of the case."""
    return _blank(_DENIED, _blank(_UNAFFECTED, text))


def without_unaffected(text: str) -> str:
    """``text`` without the documents it says are safe ("Passport is safe at home"): for retrieval, where
    a contrast the law itself draws ("at a friend's flat rather than a hotel") must stay."""
    return _blank(_UNAFFECTED, text)


def _blank(pattern: re.Pattern, text: str) -> str:
    return pattern.sub(lambda m: " " * len(m.group(0)), text)
