"""What kind of fact a question asks for, and whether the quoted texts state one.

A question asking for a fee, a processing time or an office's contact details
is only answered by a text that states such a fact: an amount of money, a
period, an address or telephone number. When none of the provisions an answer
quotes states it, the answer says so first ("The documents I hold do not state
the fee."), then gives the nearest provisions and where to ask. The kinds, the
words that ask for them and the patterns that state them are data
(``data/asked.json``).

Everything here is pure.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .fuzzy import correct
from .language import Lang
from .proxies import who_may_apply


@dataclass(frozen=True)
class Unit:
    """One measure a kind of fact may be asked in ("how many days": a period), with what states a
    figure of it and, where the data gives them, its name and what to call it when none is stated."""

    asks: re.Pattern
    states: re.Pattern
    name: str = ""
    label: tuple[str, str] | None = None  # (en, zh): "the length of that period", 具体期限


@dataclass(frozen=True)
class Kind:
    name: str
    en: str
    zh: str
    asks: tuple[re.Pattern, ...]
    states: tuple[re.Pattern, ...]
    units: tuple[Unit, ...] = ()
    # texts that state it only for the holders the question names: (who holds, what states it for them)
    held_states: tuple[tuple[re.Pattern, tuple[re.Pattern, ...]], ...] = ()
    # clauses of a text that state no fact of this kind whatever figure they give (a fine's amount is no fee)
    not_in: re.Pattern | None = None
    not_in_unless: str = ""  # ... unless the question asks this kind too: then they state what it asks (a fine)
    choose: bool = False  # a close provision stating this kind is quoted before the best one that does not
    part: bool = False  # ... and of its parts, one stating it before those only sharing the question's words
    unstated: bool = True  # reported as not stated when no quoted provision states it
    figure: bool = True  # a kind of figure: a figure asked beside it is this one ("the fee: how much?")
    said_by_open_terms: bool = False  # not named when a standard the quoted text leaves open is (open_terms)
    domain: bool = False  # asked only of the documents' own matter (how an exit ban ends)
    of_time: bool = False  # a measure of time, which a computed deadline may be what answers

    def asked_in(self, question: str) -> bool:
        return any(p.search(question) for p in self.asks)

    def stated_in(self, text: str, question: str = "", context: str = "") -> bool:
        """Whether ``text`` states a fact of this kind (of the unit ``question`` names, if any);
        ``context``, the turn a follow-up goes on with, may say who holds what ("she is a student")."""
        if self.not_in is not None:
            text = " ".join(c for c in _TEXT_CLAUSE.split(text) if not self.not_in.search(c))
        named = [u.states for u in self.units if question and u.asks.search(question)]
        if named:
            return any(p.search(text) for p in named)
        if any(p.search(text) for p in self.states):
            return True
        # (what a study permit or a permanent residence card allows its own holders answers for them only)
        return self.stated_for_holders(text, question, context)

    def holders_named(self, question: str, context: str = "") -> bool:
        """Whether ``question`` (or ``context``) speaks of holders a text may state this kind for
        ("my permanent residence card": Law Art. 48 says what it allows)."""
        holders = f"{question} {context}"
        return any(held.search(holders) for held, _ in self.held_states)

    def stated_for_holders(self, text: str, question: str = "", context: str = "") -> bool:
        """Whether ``text`` states this kind for the holders ``question`` (or ``context``) speaks of."""
        holders = f"{question} {context}"
        return any(held.search(holders) and any(p.search(text) for p in states) for held, states in self.held_states)

    def named_by(self, question: str) -> "Kind":
        """This kind as ``question`` names it: "how many days" asks for a period, so what is not
        stated is the period's length, not "that figure"."""
        labels = [unit.label for unit in self.units if unit.label is not None and unit.asks.search(question)]
        if not labels:
            return self
        # (each measure asked is named: "what about income tax and sick days?")
        labels = list(dict.fromkeys(labels))
        return dataclasses.replace(self, en=" or ".join(en for en, _ in labels), zh="、".join(zh for _, zh in labels))


def _unit(record: dict) -> Unit:
    label = (record["en"], record["zh"]) if "en" in record else None
    return Unit(re.compile(record["asks"], re.I), re.compile(record["states"], re.I), record.get("name", ""), label)


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads(resources.files("regchat").joinpath("data/asked.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def kinds() -> tuple[Kind, ...]:
    return tuple(
        Kind(
            name=name, en=record["en"], zh=record["zh"],
            asks=tuple(re.compile(p, re.I) for p in record["asks"]),
            states=tuple(re.compile(p, re.I) for p in record["states"]),
            choose=bool(record.get("choose", False)),
            part=bool(record.get("part", False)),
            unstated=bool(record.get("unstated", True)),
            figure=bool(record.get("figure", True)),
            said_by_open_terms=bool(record.get("said_by_open_terms", False)),
            domain=bool(record.get("domain", False)),
            of_time=bool(record.get("of_time", False)),
            not_in=re.compile("|".join(record["not_in"]), re.I) if record.get("not_in") else None,
            not_in_unless=record.get("not_in_unless", ""),
            units=tuple(_unit(u) for u in record.get("units", [])),
            held_states=tuple(
                (re.compile("|".join(h["held"]), re.I), tuple(re.compile(p, re.I) for p in h["states"]))
                for h in record.get("states_for_holders", [])
            ),
        )  # fmt: skip
        for name, record in _data()["kinds"].items()
    )


# The clauses of a provision's text: a sentence, or a part of one between semicolons or commas.
_TEXT_CLAUSE = re.compile(r"(?<!\d)[.;,](?!\d)|[。；，;]")
# Where one clause of a question ends and the next begins: a sentence's end, a comma, an enumeration
# comma, "and", "or".
_ASKING_CLAUSE = re.compile(r"[?？!！。;；,，、]|\band\b|\bor\b|还有|另外|以及")


GENERIC = "quantity"  # asked only when no more specific kind is
TIME_LIMIT = "time_limit"  # by when something falls due; said once with the period asked beside it


@lru_cache(maxsize=1)
def _period_asks() -> tuple[re.Pattern, ...]:
    """The patterns that ask for a length of time: the units the data names "period"."""
    return tuple(u.asks for k in kinds() for u in k.units if u.name == "period")


def asks_for_period(question: str) -> bool:
    """Whether ``question`` asks for a length of time ("how many days", "多久"), not a date."""
    return any(asks.search(question) for asks in _period_asks())


@lru_cache(maxsize=1)
def _limit_asks() -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p, re.I) for p in _data().get("limit", {}).get("asks", []))


def asks_for_limit(question: str) -> bool:
    """Whether ``question`` asks how far a period may go ("what is the longest it can be
    extended?", "延期上限是哪天"): the longest a stay may be extended, a permit may run."""
    return any(p.search(question) for p in _limit_asks())


@lru_cache(maxsize=1)
def _breach_asks() -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p, re.I) for p in _data().get("breach", {}).get("asks", []))


def tells_a_breach(text: str) -> bool:
    """Whether ``text`` tells a duty not met or a penalty incurred ("晚了会罚吗", "what if he does
    not register?"), not only how a matter is handled ("这要怎么处理？")."""
    return any(p.search(text) for p in _breach_asks())


@lru_cache(maxsize=1)
def _link_asks() -> dict[str, tuple[re.Pattern, ...]]:
    data = _data().get("links", {})
    return {kind: tuple(re.compile(p, re.I) for p in patterns) for kind, patterns in data.items() if kind != "about"}


def linked_kinds(asking: str, told: str = "") -> list[str]:
    """The kinds of further question (``corpus/links.json``) the asking words put: "penalty" (a
    penalty asked and a breach told, "晚了会罚吗", there or in ``told``, the message they are asked in:
    "If the company doesn't report it, what's the fine?"), "processing_time", and those the data's
    ``links`` words ask ("what do I bring?": "materials"; "can the company file for me?":
    "who_files"; "am I legal while they keep my passport?": "while_held"), "visa_needed" (does a
    valid residence permit spare its holder the visa?) and "work_allowed" (may she work on it?)."""
    kinds = [kind for kind, patterns in _link_asks().items() if any(p.search(asking) for p in patterns)]
    names = {k.name for k in asked(asking)}
    if "penalty" in names and (tells_a_breach(asking) or (told and tells_a_breach(told))):
        kinds.insert(0, "penalty")
    if "processing_time" in names:
        kinds.append("processing_time")
    if "visa_needed" in names:
        kinds.append("visa_needed")
    if "work_allowed" in names and "work_allowed" not in kinds:
        kinds.append("work_allowed")
    return kinds


@lru_cache(maxsize=1)
def _procedure_asks() -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p, re.I) for p in _data()["procedure"]["asks"])


def asks_procedure(text: str) -> bool:
    """Whether ``text`` asks for a matter's whole procedure, step by step ("what's the process?", 流程)."""
    return any(p.search(text) for p in _procedure_asks())


def procedure_steps() -> tuple[str, ...]:
    """The kinds of link (corpus/links.json) that are a matter's steps, in the order they are taken."""
    return tuple(_data()["procedure"]["steps"])


def step_kinds() -> frozenset[str]:
    """The kinds of further question about a matter that ask of it, not of what follows a breach: its
    steps, and whether one stays lawful meanwhile."""
    return frozenset(procedure_steps()) | frozenset(_data()["procedure"]["meanwhile"])


def asks_who_files(text: str) -> bool:
    """Whether ``text`` asks who may file an application for the applicant ("can I apply for her?",
    "要本人去吗？"): the data's ``links`` words of "who_files"."""
    return any(p.search(text) for p in _link_asks().get("who_files", ()))


def without_period_asks(text: str) -> str:
    """``text`` without the words that ask for a length of time ("how many days", "多久")."""
    for asks in _period_asks():
        text = asks.sub(" ", text)
    return text


def without_asks(question: str, kinds_asked: Iterable[Kind]) -> str:
    """``question`` without the words that ask for ``kinds_asked`` ("what fine", "罚多少"): what it
    is about, if anything."""
    for k in kinds_asked:
        for pattern in k.asks:
            question = pattern.sub(" ", question)
    return question


# A number told roughly asks nothing: 十几个人, 好几个月, 这几天, 前几天 (but 提前几天 asks), 几倍什么的
# ("several times or so": 什么的 makes what comes before it vague). (几千 may still ask, of a fine:
# 是不是罚几千块?)
_APPROXIMATE = re.compile(r"(?<=[十好这那过没])几|(?<=(?<!提)前)几|几(?=[^\s，。？！,.?!]{0,3}什么的)")


# "…什么的。" closing a clause is "and so on", no question (a question mark still asks).
_AND_SO_ON = re.compile(r"什么的(?=[\s，。！、；;,.!）)]|$)")


def without_approximations(text: str) -> str:
    """``text`` with the 几 of a number told roughly made 数 (十几个人 -> 十数个人) and a clause's closing
    什么的 ("and so on") made 之类的, offsets kept: what remains of 几 or 什么 asks."""
    return _AND_SO_ON.sub("之类的", _APPROXIMATE.sub("数", text))


def asked(question: str) -> list[Kind]:
    """The kinds of fact ``question`` asks for (none for most questions); a question asking for a
    fee or a processing time is not also counted as asking for some figure, one asking whether some
    work is allowed and for how long a day is."""
    question = without_approximations(question)
    found = [k for k in kinds() if k.asked_in(question)]
    specific = [k for k in found if k.name != GENERIC]
    if not any(k.figure for k in specific):
        return found
    # The figure a specific kind is asked with is that kind's ("what does the fee come to"); a figure asked
    # in a sentence or clause of its own is still asked ("how much is it? and how many years must he
    # have lived here?").
    alone = any(
        generic.asked_in(clause) and not any(k.figure and k.asked_in(clause) for k in specific)
        for generic in found if generic.name == GENERIC for clause in _ASKING_CLAUSE.split(question)
    )
    return found if alone else specific


def unstated(question: str, texts: Iterable[str]) -> list[Kind]:
    """The kinds of fact asked for that none of ``texts`` states, each named as the question asks it."""
    texts = list(texts)
    kinds_asked = asked(question)
    names = {k.name for k in kinds_asked}
    # (money asked beside a penalty is the fine's: the clauses about a fine state it, and where none of the
    # texts does, what is missing is the penalty, not a fee)
    by_name = {k.name: k for k in kinds_asked}
    kinds_asked = [dataclasses.replace(k, not_in=None) if k.not_in_unless in names else k for k in kinds_asked]
    missing = [k.named_by(question) for k in kinds_asked if k.unstated and not any(k.stated_in(t, question) for t in texts)]
    if any(k.name == GENERIC for k in missing):  # (the period asked names what is missing: said once)
        missing = [k for k in missing if k.name != TIME_LIMIT]
    return list({(fine := by_name.get(k.not_in_unless, k)).name: fine for k in missing}.values())


def not_stated_line(missing: list[Kind], lang: Lang) -> str:
    if lang == "zh":
        return f"所收录的文件没有规定{'、'.join(k.zh for k in missing)}。以下是最相关的条文："
    return f"The documents I hold do not state {', or '.join(k.en for k in missing)}. The nearest provisions:"


def no_penalty_line(duty: str, lang: Lang) -> str:
    """The line for a penalty asked of a duty no article punishes (``duty``: where it is set)."""
    if lang == "zh":
        return f"所收录的文件没有规定不履行这项义务的处罚：{duty}规定了这项义务，但没有条文对不履行它规定处罚。"
    return f"The documents I hold state no penalty for missing this duty: {duty} sets it, and no article punishes not meeting it."


def not_answered(lang: Lang) -> str:
    """The line for a question none of the documents answers."""
    if lang == "zh":
        return "所收录的文件没有回答这一问题。"
    return "The documents I hold do not answer this question."


def where_to_ask(region: str | None, lang: Lang) -> str:
    places = _data()["where_to_ask"]
    return places.get(region or "CN", places["CN"])[lang]


# --------------------------------------------------------------------------- first-line answers

_EN_FIGURE = re.compile(
    r"\b(\d[\d,]*|one|two|three|five|six|seven|ten|fifteen|thirty|sixty|ninety)\s+"
    r"(working days?|days?|hours?|months?|years?|yuan)\b", re.I
)


def short_answer(
    question: str, quoted: str, lang: Lang, *, parts: list[str] | None = None, score=None, earlier: str | None = None,
    restated: str = "", told: str = "",
) -> str | None:
    """A first line stating what the question asks for, as the quoted text gives it: the visa
    letters of a 'which visa' question, the periods or amounts of a 'how long' or 'how much'
    question (in digits), whether someone else may file for the applicant in the case told. None
    when the question asks none of these or the text states none.
    ``earlier``: the turn a follow-up follows up (whose relative the visitor is may be said there);
    ``restated``: the answer's plain-words lines, which state figures in digits already (a list of
    them above would say them twice); ``told``: the whole message a question is one of several of
    (the applicant's age may be told in its story)."""
    from .claims import numbers_in

    answers = _data().get("answers", {})
    if asks_who_files(question):
        message = told if question in told else f"{told} {question}".strip()  # (a part of the message: read once)
        if (line := who_may_apply(message, quoted, lang)) is not None:
            return line
    for name in ("visa", "permit", "work", "amount", "period"):
        record = answers.get(name)
        if not record or not _asks(record, question, earlier):
            continue
        if name == "work":
            if (held := not_for_work(question, quoted, lang)) is not None:
                return held
            continue
        if name in _KINDS_OF_PAPER:
            found = _visa_letters(parts or [quoted], record["finds"], score, question, earlier, record.get("issues", ()))
        else:
            found = _figures(quoted, lang, money=name == "amount")
            if found and restated and numbers_in(" ".join(found)) <= numbers_in(restated):
                continue
        if found:
            joined = ("、" if lang == "zh" else ", ").join(found[:4])
            return record[lang].format(found=joined)
    return None


def not_for_work(question: str, quoted: str, lang: Lang) -> str | None:
    """The line saying that the documents ``question`` names, none of them for work ("on my M visa",
    "持S1签证"), do not allow the work it asks about, when the ``quoted`` text states what working
    here requires (Law Art. 41); None when the question names a document for work, a study permit
    or none, or the quoted text does not state it."""
    record = _data()["answers"]["work"]
    if not any(re.search(p, quoted, re.I) for p in record["finds"]):
        return None
    if any(re.search(p, question, re.I) for p in record["for_work"]):
        return None
    found = [m.group(1) for p in record["held"] for m in re.finditer(p, question, re.I)]
    if not found:
        return None
    letters = re.compile(r"[A-Z][12]?")
    if lang == "zh":
        named = [f"{f}字签证" if letters.fullmatch(f) else f for f in found]
        return record["zh"].format(found="或".join(dict.fromkeys(named)))
    named = [f"the {f} visa" if letters.fullmatch(f) else f"the {f.lower()}" for f in found]
    return record["en"].format(found=" or ".join(dict.fromkeys(named)))


def _asks(record: dict, question: str, earlier: str | None) -> bool:
    """Whether ``question`` asks what ``record`` answers (its 'asks' patterns), itself or, when it only
    names another person ("and his mother-in-law?"), through the turn it follows (``earlier``:
    "which visa should his wife get?")."""
    from .questions import asks_of_another_person

    again = bool(earlier) and asks_of_another_person(question)
    # (a record asked as a kind of fact is asked with that kind's patterns: 'asks_as')
    patterns = record["asks"] if "asks" in record else _data()["kinds"][record["asks_as"]]["asks"]
    return any(re.search(p, question, re.I) or (again and re.search(p, earlier, re.I)) for p in patterns)


_VISA_WORD = re.compile(r"\bvisas?\b|签证", re.I)
_VISA_LETTER = re.compile(r"[A-Z][12]?")
VISA_LIST = 3  # letters a text names to be a list of the visa categories


def names_a_visa(text: str) -> bool:
    """Whether ``text`` speaks of a visa: the word, or a letter of Regulations Art. 6 ("an S2", 办Q2)."""
    record = _data().get("answers", {}).get("visa")
    return bool(_VISA_WORD.search(text) or (record and re.search(record["named"], text)))


def lists_visa_categories(text: str) -> bool:
    """Whether ``text`` goes through the visa categories, naming at least ``VISA_LIST`` of their
    letters (Regulations Art. 6, the categories, and Art. 7, what each one's application submits)."""
    record = _data().get("answers", {}).get("visa")
    if not record:
        return False
    letters = {_VISA_LETTER.match(m.group(0)).group(0) for m in re.finditer(record["named"], text)}
    return len(letters) >= VISA_LIST


def without_visa_letters(question: str) -> str:
    """A question asking which visa, without the visa letters it names ("A colleague said Q1"):
    those are the choices asked about, so the item that answers is matched on the asker's case
    alone. Any other question unchanged."""
    record = _data().get("answers", {}).get("visa")
    if not record or not any(re.search(p, question, re.I) for p in record["asks_which"]):
        return question
    return re.sub(record["named"], " ", question)


def _figures(text: str, lang: Lang, *, money: bool) -> list[str]:
    from .quoting import figures_in

    found = figures_in(text, lang) + [f"{m.group(1)} {m.group(2).lower()}" for m in _EN_FIGURE.finditer(text)]
    is_money = [f.endswith(("yuan", "元")) for f in found]
    found = [f for f, m in zip(found, is_money) if m == money and "age" not in f and "周岁" not in f]
    return list(dict.fromkeys(found))


def _visa_letters(
    parts: list[str], patterns: list[str], score, question: str = "", earlier: str | None = None,
    issuing: Sequence[str] = (),
) -> list[str]:
    """The visa letters of the clause that answers: the parts quoted (the item first) are cut at
    semicolons, each clause naming its visas ("X1 ... long-term course; X2 ... short-term course");
    the clause matching the question best gives the letters, all of them when none stands out.
    A question that gives the length of the stay (``stay_term``) tips the choice to the clause of
    that term (long-term or short-term); one that says whose relative the visitor is
    (``sponsor_of``: a Chinese citizen's, a foreign worker's) keeps only the clauses of that kind
    of host. When a clause quoted issues visas (``issuing``: Regulations Art. 6, "shall be issued to",
    发给), only such clauses answer: one naming the visa an applicant submits papers for (Art. 7, 申请C字签证，
    应当提交…邀请函件) says what to hand in, not which visa fits."""
    clauses = [c for part in parts for c in re.split(r"[;；]", part)]
    issued = [c for c in clauses if any(re.search(p, c) for p in issuing)]
    clauses = issued or clauses
    case = visa_case(question, earlier) if question else VisaCase()
    named = []
    for clause in clauses:
        letters = list(dict.fromkeys(m.group(1) for p in patterns for m in re.finditer(p, clause)))
        if letters:
            fit = case.fit(clause)
            if fit is None:
                continue  # no visa of a relative of this kind of host: not this visitor's
            named.append(((score(clause) if score else 0.0) + fit, letters))
    if not named:
        return []
    best = max(s for s, _ in named)
    top = list(dict.fromkeys(tuple(letters) for s, letters in named if s == best))  # a clause quoted twice is one
    if best > 0 and len(top) == 1:
        return list(top[0])
    return list(dict.fromkeys(letter for _, letters in named for letter in letters))


_UNIT_DAYS = {"day": 1, "天": 1, "week": 7, "周": 7, "星期": 7, "month": 30.4, "个月": 30.4, "year": 365, "年": 365}
_DURATION = re.compile(
    r"(\d+(?:\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|半|[一二两三四五六七八九十]+)"
    r"\s*-?\s*(days?|weeks?|months?|years?|天|周|星期|个月|年(?![0-9０-９一二三四五六七八九十]+月))",
    re.I,
)
_EN_NUMBERS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())} | {"a": 1, "an": 1}


def stay_term(question: str) -> str | None:
    """'long' or 'short': the term of the stay a question describes, by the 180-day line of
    Regulations Art. 36 (a length within a week of it gives none) or by its own words; None when it
    gives none, or both (one relative for two months, another to live here)."""
    terms = _data()["answers"]["visa"].get("terms") or {}
    if not terms:
        return None
    found = {
        name for name in ("long", "short") if any(re.search(p, question, re.I) for p in terms.get(f"asked_{name}", []))
    }
    from ..parsing import chinese_to_int

    for m in _DURATION.finditer(question):
        number, unit = m.group(1).lower(), m.group(2).lower().rstrip("s")
        if number == "半":
            value = 0.5
        elif number.replace(".", "", 1).isdigit():
            value = float(number)
        elif number in _EN_NUMBERS:
            value = float(_EN_NUMBERS[number])
        else:
            try:
                value = float(chinese_to_int(number))
            except ValueError:
                continue
        if unit in ("year", "年") and value > 20:
            continue  # a calendar year ("2026年"), not a length
        days = value * _UNIT_DAYS[unit]
        threshold = float(terms["threshold_days"])
        if abs(days - threshold) > 7:
            found.add("long" if days > threshold else "short")
    return found.pop() if len(found) == 1 else None


@dataclass(frozen=True)
class VisaCase:
    """What a question says of the visitor's case that decides a visa: whose relative they are
    (``sponsor_of``) and for how long they stay (``stay_term``); None where it does not say."""

    sponsor: str | None = None
    term: str | None = None
    purpose: str | None = None  # what the asker comes for (work, study), when no relative is asked about

    def fit(self, clause: str) -> float | None:
        """How a clause naming visas fits the case: None (not this visitor's visa) for one naming no
        host, or the other kind of host, when the case names one, or the other term of stay; else
        +0.5 for naming the case's term of stay, 0 when it or the case names none. An item naming
        several visas ("S1 … long-term …; S2 … short-term …") fits as its best clause does."""
        clauses = [c for c in re.split(r"[;；]", clause) if c.strip()]
        if len(clauses) > 1:
            fits = [f for f in map(self.fit, clauses) if f is not None]
            return max(fits, default=None)
        if self.sponsor is not None and _clause_sponsor(clause) != self.sponsor:
            return None
        if self.purpose is not None and _clause_purpose(clause) != self.purpose:
            return None  # a visa for another purpose (a business visit, for someone coming to work)
        said = _clause_term(clause) if self.term is not None else None
        if said is not None and said != self.term:
            return None  # a visa of the other term (long-term for a six-week visit) is not this visitor's
        return 0.0 if said is None else 0.5


def visa_case(question: str, earlier: str | None = None) -> VisaCase:
    """The case a question tells; a follow-up about a relative ("and his wife?") may have said in
    the turn before (``earlier``) whose relative that is ("I work in Wuxi with a work permit")."""
    sponsor = sponsor_of(question)
    if sponsor is None and earlier:
        sponsor = sponsor_of(f"{earlier}\n{question}")
    purpose = None if _names_relative(question) else purpose_of(question)
    return VisaCase(sponsor, stay_term(question), purpose)


# The answers naming a kind of paper, chosen by the visitor's case: a visa letter (Regulations
# Art. 6), a kind of residence permit (Art. 15).
_KINDS_OF_PAPER = ("visa", "permit")


def visa_fit_for(question: str, earlier: str | None = None) -> Callable[[str], float | None]:
    """For a question asking which visa (or which kind of residence permit), how well a text naming
    visas (kinds of permit) fits the asker's case, read from the question once: None (not the
    answer) for a text naming no host or the other kind of host than the relative's the question
    names (a Chinese citizen's, a foreign worker's); +1 for naming that host, and +-0.5 for the term
    of stay (long or short) the question gives; 0 for any other question or text."""
    answers = _data().get("answers", {})
    record = next((r for name in _KINDS_OF_PAPER if (r := answers.get(name)) and _asks(r, question, earlier)), None)
    if record is None:
        return lambda text: 0.0
    case = visa_case(question, earlier)
    finds = [re.compile(p) for p in record["finds"]]
    host = 1.0 if case.sponsor is not None or case.purpose is not None else 0.0

    def fit(text: str) -> float | None:
        if not any(p.search(text) for p in finds):
            return 0.0
        f = case.fit(text)
        return None if f is None else f + host

    return fit


def whose_relative_unsaid(question: str, earlier: str | None = None) -> bool:
    """The question asks which visa a relative coming to visit or live with family takes, and says
    neither whose family the relative joins (a Chinese citizen's or permanent resident's, a
    foreigner's in China for work or study) nor what anyone comes for, nor does the turn it follows:
    the visa cannot be named without guessing."""
    record = _data().get("answers", {}).get("visa")
    if not record or not any(re.search(p, question, re.I) for p in record["asks_which"]):
        return False
    read = correct(question)  # ("a work resdence permit": the asker's own permit, typo and all)
    unsaid = record["sponsors"]["unsaid"]
    if not any(re.search(p, question, re.I) for p in unsaid["relatives"]) or purpose_of(read) is not None:
        return False  # (no relative of anyone's: "a delegation from a university we partner with")
    if not any(re.search(p, question, re.I) for p in unsaid["visits"]):
        return False  # (a son travelling with his father on business visits no family in China)
    # (a question naming both kinds of host says something of whose family it is: it is read as before)
    if earlier and (_sponsors_named(before := correct(earlier)) or purpose_of(before) is not None):
        return False  # (the turn before said whose family, or what someone comes for)
    return not _sponsors_named(read)


def whose_relative_line(question: str, lang: Lang) -> str:
    """The line asking whose family the visitor joins, naming the visas of each (of the stay's term,
    when the question gives it)."""
    unsaid = _data()["answers"]["visa"]["sponsors"]["unsaid"]
    letters = unsaid["letters"].get(stay_term(question) or "", unsaid["letters"][lang])
    return unsaid[lang].format(**letters)


def _names_relative(question: str) -> bool:
    sponsors = _data()["answers"]["visa"].get("sponsors") or {}
    return any(re.search(p, question, re.I) for p in sponsors.get("relatives", []))


def sponsor_of(question: str) -> str | None:
    """'citizen' or 'foreigner': whose relative the question's visitor is, when it asks about a
    relative and says (a Chinese citizen or permanent resident; a foreigner in China for work or
    study); None when it says neither or both."""
    if not _names_relative(question):
        return None
    found = _sponsors_named(question)
    return found[0] if len(found) == 1 else None


def _hosts(sponsors: dict) -> tuple[str, ...]:
    return tuple(sponsors.get("hosts") or ("citizen", "foreigner"))


def _sponsors_named(question: str) -> list[str]:
    sponsors = _data()["answers"]["visa"].get("sponsors") or {}
    found = [n for n in _hosts(sponsors) if any(re.search(p, question) for p in sponsors.get(f"asked_{n}", []))]
    if {"citizen", "foreigner"} <= set(found):
        # a Chinese citizen said to work or study somewhere ("她是中国公民，在厦门工作") is no foreign host:
        # only a foreigner's own document (work permit, Z visa) names one beside a citizen
        rest = question
        for p in sponsors.get("place_only", []):
            rest = re.sub(p, " ", rest)
        if not any(re.search(p, rest) for p in sponsors.get("asked_foreigner", [])):
            return [n for n in found if n != "foreigner"]
    return found


def _purposes() -> dict:
    return {k: v for k, v in (_data()["answers"]["visa"].get("purposes") or {}).items() if isinstance(v, dict)}


def purpose_of(question: str) -> str | None:
    """'work' or 'study': what the asker comes to China for, when the question says one of them
    (and not both); None otherwise."""
    found = [n for n, p in _purposes().items() if any(re.search(x, question, re.I) for x in p["asked"])]
    return found[0] if len(found) == 1 else None


def _clause_purpose(clause: str) -> str | None:
    found = [n for n, p in _purposes().items() if any(re.search(x, clause, re.I) for x in p["clause"])]
    return found[0] if len(found) == 1 else None


def _clause_sponsor(clause: str) -> str | None:
    sponsors = _data()["answers"]["visa"].get("sponsors") or {}
    found = [n for n in _hosts(sponsors) if any(re.search(p, clause, re.I) for p in sponsors.get(n, []))]
    return found[0] if len(found) == 1 else None


def _clause_term(clause: str) -> str | None:
    terms = _data()["answers"]["visa"].get("terms") or {}
    found = [name for name in ("long", "short") if any(re.search(p, clause, re.I) for p in terms.get(name, []))]
    return found[0] if len(found) == 1 else None
