"""Is a question about what regchat covers?

regchat covers entry, stay, residence and work permits of foreigners in
mainland China and Macao. What decides is the question's *subject*, not the
words around it:

* A **Chinese-system subject** (a visa China issues, a residence or stay
  permit, a work permit, entry into or exit from China, deportation,
  overstaying, the Macao non-resident worker card ...) keeps a question in
  scope whatever else it mentions: a salary, a translation, the asker's
  nationality or passport ("I'm American ...", "持英国护照 ...").
* A **foreign-system subject** (another country's or region's visa or
  immigration: Schengen, H-1B, a Japanese working-holiday visa, a Hong Kong
  work visa, 港澳通行证 ...) refuses, even with China words around it ("a
  Schengen visa from Beijing"), unless a Chinese-system subject remains once
  the foreign one is set aside.
* An **off-topic subject** the documents never treat (taxes, social
  insurance, wages, banking, phone plans, weather, food, hotels to recommend,
  translation, code ...) refuses unless a Chinese-system subject is there too.
* Otherwise the domain's weaker words (foreigner, work, apply, passport,
  hotel ...) and place names prove nothing alone: the question is in scope when
  retrieval finds a provision at or above ``min_score``, or when it follows up
  a conversation about the regulations.

The engine lets a question that names an existing article through anyway.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .language import Lang

# -- another country's or region's immigration --------------------------------------------

_PLACE_EN = (
    r"(?:(?-i:US|USA|U\.S\.A?\.?)|united states|america|american|u\.?k\.?|united kingdom|great britain|britain|"
    r"british|england|ireland|irish|japan(?:ese)?|(?:south )?korea(?:n)?|singapore(?:an)?|"
    r"australia(?:n)?|canada|canadian|new zealand|germany|german|france|french|italy|italian|spain|spanish|"
    r"netherlands|dutch|switzerland|swiss|hong kong|taiwan(?:ese)?|thailand|thai|vietnam(?:ese)?|india|"
    r"indian|russia(?:n)?|dubai|uae|emirati|malaysia(?:n)?|philippines|europe(?:an)?|eu|schengen(?: area)?)"
)
# The immigration matters of a place (a passport or a nationality is not one: it describes the asker).
_FOREIGN_MATTER_EN = (
    r"(?:visas?|work permits?|residence permits?|residency|residence|permanent residen\w*|green card|"
    r"citizenship|naturali[sz]ation|immigration|immigrant status|entry permits?|work authori[sz]ation|"
    r"blue card|working holiday)"
)
_GAP_EN = (  # up to two qualifiers ("H-1B", "skilled worker"), never a clause ("citizen on a Z visa")
    r"(?:(?!(?:passports?|citizens?|nationals?|nationality|and|or|but|with|who|which|that|a|an|the|on|in|at|for|"
    r"to|from|of|by|my|his|her|their|our|your|hold(?:s|ing)?|ha(?:s|ve|ving|d)|got|get|is|am|are|was|were|"
    r"i|we|he|she|they)\b)[\w-]+\s+){0,2}"
)
_FOREIGN_EN = re.compile(
    rf"\b{_PLACE_EN}(?:'s)?\s+{_GAP_EN}{_FOREIGN_MATTER_EN}\b"
    r"|\b(?:(?:schengen|h-?1b|l-?1|esta|skilled worker|working holiday)(?:\s+(?:area\s+)?visas?)?|green card|"
    r"eu blue card|home return permit|mainland travel permit|(?:hong kong|macao|macau|taiwan) (?:and (?:macao|macau) )?"
    r"(?:entry |travel )?permits? for (?:mainland )?(?:chinese|residents))\b"
    rf"|\b{_FOREIGN_MATTER_EN}\s+(?:for|to|in|into|of)\s+(?:the\s+)?{_PLACE_EN}\b"
    rf"|\b(?:enter(?:ing)?|travel(?:l?ing)? to|go(?:ing)? to|fly(?:ing)? to|mov(?:e|ing) to|visit(?:ing)?|"
    rf"immigrat\w* to|emigrat\w* to|settle in|work in|study in)\s+(?:the\s+)?{_PLACE_EN}\b",
    re.I,
)
_PLACE_ZH = (
    r"(?:美国|英国|日本|韩国|新加坡|澳大利亚|澳洲|加拿大|新西兰|德国|法国|意大利|西班牙|荷兰|瑞士|欧洲|欧盟|"
    r"申根|香港|台湾|泰国|越南|印度|俄罗斯|迪拜|阿联酋|马来西亚|菲律宾)"
)
_FOREIGN_ZH = re.compile(
    r"港澳通行证|往来港澳|台湾通行证|入台证|赴台|回乡证|台胞证|绿卡|H-?1B|EP准证"
    rf"|{_PLACE_ZH}的?(?:(?!护照|籍|人|公民|居民|身份证|持|有|拿|用)[^\s，。？！、；,.?!;]){{0,4}}?"
    r"(?:签证|工签|工作许可|工作准证|准证|居留|永住|永居|移民|入籍|入境)"
    rf"|(?:去|到|赴|前往|移民|入境|移居|飞)(?:到)?{_PLACE_ZH}"
)

# -- the corpus's own subjects --------------------------------------------------------------

_SUBJECT_EN = re.compile(
    r"\b(?:visas?|visa-free|(?:[CDFGJLMQRSXZ][12]?)[- ]visas?|"
    r"(?:residence|residency|stay|work|working|employment|entry|exit|exit-entry)[- ](?:type )?(?:residence )?permits?|"
    r"residence (?:certificates?|cards?)|work permit cards?|non-resident workers?|blue card|"
    r"immigration|exit-entry|exit and entry|entry and exit|border (?:inspection|control|checks?)|ports? of entry|"
    r"(?:enter(?:s|ed|ing)?|entry (?:into|to)|leav(?:e|es|ing)|exit(?:s|ed|ing)?|depart(?:s|ed|ing|ure from)?)\s+"
    r"(?:mainland\s+)?(?:china|macao|macau|the prc|the country)|exit ban|"
    r"deport\w*|repatriat\w*|expel\w*|expulsion|overstay\w*|"
    r"illegal(?:ly)? (?:stay\w*|entry|enter\w*|employ\w*|work\w*|resid\w*|immigra\w*)|"
    r"(?:period|duration|length|extension|extend\w*|end) (?:of )?(?:my |the |a |his |her |their )?stay|"
    r"permanent residen\w*|refugees?|asylum|fingerprint\w*|health certificates?|"
    r"accommodation registration|regist\w* (?:of )?(?:my |the |a )?(?:accommodation|residence|stay)|"
    r"public security (?:organs?|bureaus?|authorit\w+)|exit-entry (?:administration|office|bureau)s?)\b",
    re.I,
)
_SUBJECT_ZH = re.compile(
    r"签证|免签|居留|停留|逗留|工作许可|工作证|工作类|外国人工作|入境|出境|离境|出入境|过境|口岸|边检|边防检查|"
    r"遣返|遣送|驱逐|非法居留|非法就业|非法入境|非法工作|逾期滞留|滞留|永久居留|难民|外地雇员|非本地劳工|外劳|"
    r"住宿登记|临时住宿|居留证|蓝卡|体检证明|健康证明"
)

# Words that tie a subject to mainland China or Macao once another place's matter is set aside
# ("I hold a US green card: can I enter China without a visa?").
_CHINA_ANCHOR = re.compile(
    r"\b(?:china|chinese|mainland|prc|macao|macau|[CDFGJLMQRSXZ][12]?[- ]visas?|exit-entry|public security|"
    r"non-resident workers?)\b|中国|内地|大陆|澳门|来华|在华|[CDFGJLMQRSXZ][12]?字?签证|外地雇员|公安机关",
    re.I,
)

# -- subjects the documents never treat -------------------------------------------------------

_OFF_TOPIC_EN = re.compile(
    r"\b(?:income[- ]tax|tax(?:es|ed|ing|ation|able)?|social (?:security|insurance)|pension|minimum wage|salary|salaries|wages?|"
    r"bank(?:s|ing)?|bank accounts?|open (?:an |a )?(?:bank )?account|credit cards?|loans?|mortgages?|"
    r"mobile (?:phone )?(?:plans?|contracts?|numbers?|operators?|carriers?)|phone plans?|data plans?|sim(?: cards?)?|"
    r"broadband|vpn|wi-?fi|driv(?:er'?s|ing) licen[cs]e|health insurance|hospital|doctor|"
    r"alipay|wechat pay|taxi|didi|metro|subway|"
    r"weather|forecast|poem|poetry|haiku|song|joke|recipe|cook|dumplings?|restaurants?|"
    r"recommend(?:ation)?s?\b.*\b(?:hotel|restaurant|bar|place)|best hotel|good hotel|cheap(?:est)? hotel|"
    r"exchange rate|currency|stocks?|bitcoin|football|world cup|olympics|movie|"
    r"capital of|translate|translation|python|javascript|function that|sort a list|"
    r"tipping|how much (?:should i )?tip)\b",
    re.I,
)
_OFF_TOPIC_ZH = re.compile(
    r"个人所得税|所得税|个税|纳税|报税|税率|社保|社会保险|公积金|养老金|最低工资|工资|薪资|薪水|"
    r"银行|开户|信用卡|贷款|房贷|手机套餐|手机卡|电话卡|SIM卡|话费|流量套餐|宽带|运营商|驾照|驾驶证|医保|医院|看病|"
    r"支付宝|微信支付|打车|地铁|"
    r"天气|气温|诗|笑话|段子|菜谱|食谱|饺子|餐厅|推荐.*(?:酒店|宾馆|餐厅|饭店)|好酒店|"
    r"汇率|股票|比特币|足球|世界杯|电影|首都|翻译|代码|编程|小费",
    re.I,
)

# -- the domain's words, strong or weak (what a follow-up or a retrieval match leans on) --------

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
    firm: bool = False  # refused for its subject: an article number in the question does not save it


def has_domain_words(text: str) -> bool:
    """Any of the domain's words, strong or weak ("visa", but also "foreigner", "apply", "passport")."""
    return bool(_DOMAIN_EN.search(text) or _DOMAIN_ZH.search(text))


def foreign_subjects(text: str) -> list[str]:
    """The spans of ``text`` about another country's or region's visas or immigration."""
    return [m.group(0) for m in _FOREIGN_EN.finditer(text)] + [m.group(0) for m in _FOREIGN_ZH.finditer(text)]


def without_foreign_subjects(text: str) -> str:
    return _FOREIGN_ZH.sub(" ", _FOREIGN_EN.sub(" ", text))


def has_subject(text: str) -> bool:
    """A subject the regulations govern: a Chinese visa or permit, entry/exit, deportation, overstay ..."""
    return bool(_SUBJECT_EN.search(text) or _SUBJECT_ZH.search(text))


def off_topic(text: str) -> bool:
    """A subject the regulations never treat (taxes, banking, phones, weather, translation ...)."""
    return bool(_OFF_TOPIC_EN.search(text) or _OFF_TOPIC_ZH.search(text))


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


def judge_scope(question: str, *, top_score: float | None, min_score: float, follow_up_context: bool) -> ScopeDecision:
    """Decide from the question's subject and the best retrieval score.

    ``follow_up_context``: the conversation so far was about the domain, so a
    short follow-up without the domain's words ("Can it be taken away later?")
    still counts.
    """
    if creative_request(question):
        return ScopeDecision(False, "a request for creative writing", firm=True)
    rest = without_foreign_subjects(question)
    governed = has_subject(rest)
    if rest != question:
        # Another place's visa or immigration is the subject unless what remains is tied to China or Macao
        # ("go to Thailand: do I need a visa?" asks about Thailand's visa).
        governed = governed and bool(_CHINA_ANCHOR.search(rest))
        if not governed:
            return ScopeDecision(False, "another country's or region's rules", firm=True)
    if off_topic(rest) and not governed:
        return ScopeDecision(False, "topic the regulations do not treat", firm=True)
    if governed:
        return ScopeDecision(True, "a subject the regulations govern")
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
