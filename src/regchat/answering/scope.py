"""Is a question about what regchat covers?

regchat covers entry, stay, residence and work permits of foreigners in
mainland China and Macao. A question is out of scope when it is about a topic
the documents never treat (taxes, social insurance, wages, weather, poems,
jokes, recipes, hotel recommendations, exchange rates, code), about another
country's immigration system (US, Schengen, UK, Japan, Hong Kong, Singapore,
...) without naming mainland China or Macao, or when it has none of the
domain's words and retrieval finds nothing relevant either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .language import Lang

_OFF_TOPIC_EN = re.compile(
    r"\b(?:income[- ]tax|tax(?:es|ation)?|social (?:security|insurance)|pension|minimum wage|salary|"
    r"weather|forecast|poem|poetry|haiku|song|joke|recipe|cook|dumplings?|restaurant|"
    r"recommend(?:ation)?s?\b.*\b(?:hotel|restaurant|bar|place)|best hotel|good hotel|"
    r"exchange rate|currency|stock|bitcoin|football|world cup|olympics|movie|"
    r"capital of|translate|translation|python|javascript|function that|sort a list|"
    r"tipping|how much (?:should i )?tip)\b",
    re.I,
)
_OFF_TOPIC_ZH = re.compile(
    r"个人所得税|所得税|个税|纳税|报税|税率|社保|社会保险|公积金|养老金|最低工资|工资|薪资|"
    r"天气|气温|诗|笑话|段子|菜谱|食谱|饺子|餐厅|推荐.*(?:酒店|宾馆|餐厅|饭店)|好酒店|"
    r"汇率|股票|比特币|足球|世界杯|电影|首都|翻译|代码|编程|小费"
)
_ELSEWHERE_EN = re.compile(
    r"\b(?:u\.?s\.?a?|united states|america|american|h-?1b|green card|esta|schengen|"
    r"u\.?k\.?|united kingdom|britain|british|england|japan(?:ese)?|korea(?:n)?|singapore|"
    r"australia(?:n)?|canada|canadian|new zealand|germany|german|france|french|italy|spain|"
    r"hong kong|taiwan|thailand|vietnam|india|russia|dubai|uae|europe(?:an)?|eu blue card)\b",
    re.I,
)
_ELSEWHERE_ZH = re.compile(r"美国|英国|日本|韩国|新加坡|澳大利亚|澳洲|加拿大|新西兰|德国|法国|欧洲|申根|香港|台湾|泰国|越南|印度|俄罗斯|迪拜|EP准证|绿卡")
_ANCHOR = re.compile(
    r"\b(?:china|chinese|mainland|prc|macao|macau|beijing|shanghai|guangzhou|shenzhen)\b|中国|内地|大陆|澳门|北京|上海|广州|深圳",
    re.I,
)
_DOMAIN_EN = re.compile(
    r"\b(?:visas?|resid\w*|permits?|stay(?:ing)?|entry|enter(?:ed|ing)?|exit|embark\w*|"
    r"disembark\w*|immigration|foreigners?|expats?|passports?|travel documents?|deport\w*|repatriat\w*|"
    r"extend|extension|expir\w*|registration|register|accommodation|hotel|landlord|work(?:ing|s)?|employ\w*|"
    r"job|intern\w*|study|student|school|card|reissue|lost|damaged|stolen|fingerprints?|health certificate|"
    r"proof of health|acknowledge?ment receipt|receipt|refugee|permanent|baby|infant|born|birth|death|"
    r"deadline|apply|application|exit-entry|public security|police|non-resident|authori[sz]ation|"
    r"spouse|family|relatives?|journalist|crew|transit|leave china|overstay|illegal)\b",
    re.I,
)
_DOMAIN_ZH = re.compile(
    r"签证|居留|停留|逗留|入境|出境|离境|出入境|外国人|外籍|护照|证件|工作许可|工作证|就业|雇主|雇员|"
    r"延期|到期|登记|住宿|永久居留|难民|驱逐|遣返|出生|回执|体检|健康证明|申请|补发|换发|变更|"
    r"澳门|外地雇员|专局|学生|实习|留学|团聚|记者|截止|最晚|期限|工作日"
)


@dataclass(frozen=True)
class ScopeDecision:
    in_scope: bool
    reason: str


def has_domain_words(text: str) -> bool:
    return bool(_DOMAIN_EN.search(text) or _DOMAIN_ZH.search(text))


def judge_scope(question: str, *, top_score: float | None, min_score: float, follow_up_context: bool) -> ScopeDecision:
    """Decide from the question's words and the best retrieval score.

    ``follow_up_context``: the conversation so far was about the domain, so a
    short follow-up without the domain's words ("Can it be taken away later?")
    still counts.
    """
    if _OFF_TOPIC_EN.search(question) or _OFF_TOPIC_ZH.search(question):
        return ScopeDecision(False, "topic the regulations do not treat")
    if (_ELSEWHERE_EN.search(question) or _ELSEWHERE_ZH.search(question)) and not _ANCHOR.search(question):
        return ScopeDecision(False, "another country's or region's rules")
    if has_domain_words(question):
        return ScopeDecision(True, "domain words")
    if follow_up_context:
        return ScopeDecision(True, "follow-up in a conversation about the regulations")
    if top_score is not None and top_score >= min_score:
        return ScopeDecision(True, "retrieval found relevant provisions")
    return ScopeDecision(False, "nothing relevant in the documents")


REFUSAL = {
    "en": "I can only answer questions about entry, stay, residence and work permits for foreigners in "
    "mainland China and Macao, based on the regulations I hold; this question is outside them.",
    "zh": "我只能根据所收录的法规，回答外国人在中国内地和澳门的入境、停留、居留及工作许可相关问题；这个问题不在范围内。",
}


def refusal(lang: Lang) -> str:
    return REFUSAL[lang]
