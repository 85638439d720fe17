"""The rules catalogue (``corpus/rules.json``): each deadline rule of the corpus,
tied to its article, and ``compute_deadline`` which applies one to an event date.

A rule says what kind of period it is (``kind``), how long (``amount`` and
``unit``), which event starts it, and quotes the phrase of the article it
comes from, so every computed date carries its citation.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from regchat.deadlines import arithmetic
from regchat.deadlines.arithmetic import Lang
from regchat.deadlines.calendars import Calendar, calendar_for
from regchat.documents import Citation, Deadline, Jurisdiction
from regchat.errors import DeadlineError, DocumentError
from regchat.parsing import int_to_chinese
from regchat.settings import PROJECT_ROOT

RULES_FILE = "rules.json"
DEFAULT_RULES_PATH = PROJECT_ROOT / "corpus" / RULES_FILE

Kind = Literal["after_event", "before_expiry", "working_days", "months", "hours", "stay_period", "maximum", "lapses"]
Unit = Literal["days", "working_days", "months", "years", "hours"]

_UNIT_WORDS = {
    "days": ("days", "日"),
    "working_days": ("working days", "个工作日"),
    "months": ("months", "个月"),
    "years": ("years", "年"),
    "hours": ("hours", "小时"),
}


class LooseMeaning(BaseModel):
    """Another rule the words naming a rule may mean: ``rule``, when one of the ``when`` patterns
    (case-insensitive) tells such a story and none of the ``unless`` ones names the rule's own thing."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: str
    when: list[str] = []  # no patterns: any story may mean it
    unless: list[str] = []

    @model_validator(mode="after")
    def _patterns_compile(self) -> "LooseMeaning":
        for pattern in (*self.when, *self.unless):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"loosely_also pattern {pattern!r}: {exc}") from None
        return self

    def meant_in(self, text: str) -> bool:
        """Whether ``text`` tells a story in which the words may mean ``rule`` (any story, when
        there are no ``when`` patterns) and names nothing that rules it out (``unless``)."""
        told = not self.when or any(re.search(p, text, re.I) for p in self.when)
        return told and not any(re.search(p, text, re.I) for p in self.unless)


class Rule(BaseModel):
    """One deadline rule, tied to the article it comes from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    doc_id: str
    article: int
    kind: Kind
    amount: int | None
    unit: Unit
    amount_is_maximum: bool = False  # "not more than N": a shorter amount may be passed in
    amount_is_stay: bool = False  # the period is the visa's duration of stay, which the question gives
    minimum: int | None = None
    minimum_unit: Unit | None = None
    region: Jurisdiction = "CN"
    event_en: str
    event_zh: str
    result_en: str
    result_zh: str
    phrase: str
    phrase_zh: str = ""  # the same rule in the official Chinese text (it governs where the two differ)
    reading_en: str = ""  # how the official text is read where the translation could mislead
    reading_zh: str = ""
    summary_en: str
    summary_zh: str
    keywords: list[str]
    # The rule applies only to a case the question must name by one of its keywords (a port visa,
    # a temporary entry): its event (an entry) alone does not make it a candidate.
    named_only: bool = False
    # The rule answers only a question whose sentence that asks names it by a keyword ("还能入境吗？") and,
    # when the question gives dates, one of whose dates is said to be its event: a visa to be used before a
    # day, told in passing, asks nothing of it, and an arrival is not that day.
    asked_only: bool = False
    # Words that tell a case the rule's article does not govern (Law Art. 30's first application, for
    # a renewal: Art. 32 and Regulations Art. 18 govern that): a question telling one never gets it.
    not_when: list[str] = []
    # The visas whose holders the rule never concerns, by letter (Law Art. 30's residence permit, for
    # the visas Regulations Art. 6 issues for visits, trade, tourism, transit, crews and short stays): a
    # question naming visas, only such ones, never gets it.
    not_for_visas: list[str] = []
    # The visas whose holders the rule always concerns, by letter (Law Art. 30's residence permit, for the
    # visas of residence: their holders' permits are the kinds Regulations Art. 15 lists): an entry dated on
    # one of them dates the rule's event, whatever words ask.
    for_visas: list[str] = []
    # The rule whose provision says how this rule's period is counted (a receipt's days are working days
    # under Regulations Art. 36): the answer quotes and cites it beside the rule's own.
    counted_by: str = ""
    # For a rule counted back from the end of a permitted stay: the provisions on staying on once that end
    # has passed (what illegal residence is, its penalty), each [doc_id, article], and the words their
    # parts are chosen by; said when a question dates the end before today and tells no filing.
    lapsed: list[tuple[str, int]] = []
    lapsed_words: str = ""
    # Rules whose case rules this one's out in the same question (Law Art. 30's first application after
    # entry, beside Art. 32's extension of a permit held: a return from a trip is no first entry): never
    # computed as a further rule beside one of them.
    excludes: list[str] = []
    # The rule of the provision that implements this one for the same period (Regulations Art. 18's
    # receipt, counted in working days, for the decision Law Art. 30 sets): where both fit, that one answers.
    implemented_by: str = ""
    # Of two dates the question gives for the event, the role of the one counted from: "the day the
    # penalty decision is received" is dated by the decision and by its receipt; Art. 87 counts from receipt.
    counts_from: str = ""
    # ... and the official words that say so, quoted in the steps when the date of that role is counted from
    counts_from_zh: str = ""
    # The role of a date the rule's event is taken to fall on when the question dates no event of its
    # own: an arrival at a home told only by the day of entry ("they land on 12 September and will stay
    # with us") is taken to be that day, and the answer says so in 'assumed_en' / 'assumed_zh' ({date}: that
    # day as a date, YYYY-MM-DD), with what holds if the event comes later.
    assumed_from: str = ""
    assumed_en: str = ""
    assumed_zh: str = ""
    # Another rule the words that name this one may loosely mean, in a story that tells it: a worker's
    # or a student's "visa" is most often the residence permit that carries their stay (Law Art. 30).
    loosely_also: LooseMeaning | None = None
    label: str = ""  # 'Exit and Entry Administration Law, Art. 30', filled in by the loader
    label_zh: str = ""  # '《中华人民共和国出境入境管理法》第三十条', filled in by the loader

    @model_validator(mode="after")
    def _consistent(self) -> "Rule":
        if not re.fullmatch(r"[a-z]+-\d+-[a-z0-9-]+", self.id):
            raise ValueError(f"rule id {self.id!r} must look like 'law-30-residence-permit'")
        expected = {
            "working_days": {"working_days"},
            "months": {"months"},
            "hours": {"hours"},
            "after_event": {"days"},
            "before_expiry": {"days"},
            "stay_period": {"days"},
            "maximum": {"days", "working_days", "months", "years"},
            "lapses": {"days"},
        }[self.kind]
        if self.unit not in expected:
            raise ValueError(f"rule {self.id}: kind {self.kind} counts in {sorted(expected)}, not {self.unit}")
        if self.kind == "lapses" and self.amount != 0:
            raise ValueError(f"rule {self.id}: a validity that lapses on its last day has no period: amount 0")
        if self.kind != "lapses" and self.amount is not None and self.amount <= 0:
            raise ValueError(f"rule {self.id}: amount must be positive")
        if self.assumed_from and not (self.assumed_en and self.assumed_zh):
            raise ValueError(f"rule {self.id}: an event taken to fall on another's day ('assumed_from') says so in 'assumed_en' and 'assumed_zh'")
        return self

    @property
    def variable(self) -> bool:
        """True when the caller may (or must) give the amount."""
        return self.amount is None or self.amount_is_maximum or self.kind == "maximum"

    def citation(self) -> Citation:
        return Citation(doc_id=self.doc_id, article=self.article, label=self.label, quote=self.phrase or self.phrase_zh)

    def amount_text(self, lang: Lang = "en") -> str:
        if self.amount is None:
            return "as given" if lang == "en" else "视具体情况"
        if self.kind == "lapses":
            return "until 24:00 that day" if lang == "en" else "当日24时前"
        en, zh = _UNIT_WORDS[self.unit]
        return f"{self.amount} {en}" if lang == "en" else f"{self.amount}{zh}"


def _parse(data: object, path: Path) -> list[Rule]:
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise DocumentError(path, "a rules file is a JSON object with a 'rules' list")
    titles = data.get("documents") or {}
    titles_zh = data.get("documents_zh") or {}
    rules: list[Rule] = []
    for index, record in enumerate(data["rules"]):
        try:
            rule = Rule.model_validate(record)
        except ValidationError as exc:
            name = record.get("id", index) if isinstance(record, dict) else index
            raise DocumentError(path, f"rule {name}: {exc.errors()[0]['msg']}") from None
        if not rule.label:
            title = titles.get(rule.doc_id, rule.doc_id)
            rule = rule.model_copy(update={"label": f"{title}, Art. {rule.article}"})
        if not rule.label_zh:
            title_zh = titles_zh.get(rule.doc_id, rule.label)
            number = int_to_chinese(rule.article) if rule.article and 0 < rule.article < 1000 else rule.article
            rule = rule.model_copy(update={"label_zh": f"《{title_zh}》第{number}条"})
        rules.append(rule)
    ids = [r.id for r in rules]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise DocumentError(path, f"duplicate rule id {duplicates[0]}")
    return rules


@lru_cache(maxsize=8)
def _load(path: Path, mtime: float) -> tuple[Rule, ...]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DocumentError(path, f"cannot read the rules: {exc}") from None
    return tuple(_parse(data, path))


def load_rules(path: Path | str | None = None) -> list[Rule]:
    """The rules catalogue; default ``corpus/rules.json`` of the project."""
    path = Path(path) if path is not None else DEFAULT_RULES_PATH
    if path.is_dir():
        path = path / RULES_FILE
    if not path.is_file():
        raise DocumentError(path, "rules file not found")
    return list(_load(path.resolve(), path.stat().st_mtime))


def get_rule(rule_id: str, rules: list[Rule] | None = None) -> Rule:
    """The rule with this id; ``DeadlineError`` naming the closest ids when there is none."""
    rules = rules if rules is not None else load_rules()
    wanted = (rule_id or "").strip().lower()
    for rule in rules:
        if rule.id == wanted:
            return rule
    ids = [r.id for r in rules]
    close = difflib.get_close_matches(wanted, ids, n=3, cutoff=0.5)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    raise DeadlineError(f"Unknown rule {rule_id!r}.{hint} Known rules: {', '.join(ids)}.")


def match_rules(text: str, rules: list[Rule] | None = None, *, limit: int = 3) -> list[Rule]:
    """Rules whose keywords occur in ``text`` (English or Chinese), best first: the ranked
    matcher of :mod:`regchat.deadlines.matching` on keyword evidence alone (the question
    reader adds dates, roles and retrieval to the same matcher)."""
    from regchat.deadlines.matching import Evidence, keyword_weight, rank_rules

    rules = rules if rules is not None else load_rules()
    evidence = {rule.id: Evidence(keywords=keyword_weight(rule.keywords, text)) for rule in rules}
    return [c.rule for c in rank_rules(evidence, rules).candidates[:limit]]


def compute_deadline(
    rule: str | Rule,
    event_date: dt.date | dt.datetime,
    *,
    calendar: Calendar | None = None,
    amount: int | None = None,
    lang: Lang = "en",
    rules: list[Rule] | None = None,
    holidays_dir: Path | None = None,
    counted_from: str | None = None,
) -> Deadline:
    """Apply a rule to the date of its event; the result cites the rule's article.

    ``counted_from``: what the date counted from is, when it is not the rule's own event (a
    detention counted from the day the foreigner's identity was established): a step says so.

    ``holidays_dir``: extra schedule files (``Settings.holidays_dir``); ignored when
    ``calendar`` is given. ``amount`` is required for rules whose length comes from the case (e.g. the visa's
    duration of stay) and may shorten an upper bound ("not more than 15 days").
    """
    if isinstance(rule, str):
        rule = get_rule(rule, rules)
    if isinstance(event_date, dt.datetime) and rule.kind != "hours":
        event_date = event_date.date()
    if not isinstance(event_date, dt.date):
        raise DeadlineError(f"The event date must be a date, not {event_date!r}.")
    n = _amount(rule, amount)
    cal = calendar if calendar is not None else calendar_for(rule.region, holidays_dir)
    kw = {"calendar": cal, "lang": lang}
    unit = rule.unit
    # The longest a permit or a detention may last ends on a day; nobody has to act by it.
    act = rule.kind != "maximum"
    if rule.kind == "hours":
        result = arithmetic.add_hours(event_date, n, **kw)
    elif rule.kind == "lapses":
        result = arithmetic.lapses_on(event_date, **kw)
    elif rule.kind == "before_expiry":
        result = arithmetic.days_before(event_date, n, **kw)
    elif rule.kind == "stay_period":
        result = arithmetic.stay_period_end(event_date, n, **kw)
    elif unit == "working_days":
        result = arithmetic.add_working_days(event_date, n, act=act, **kw)
    elif unit == "months":
        result = arithmetic.add_months(event_date, n, act=act, **kw)
    elif unit == "years":
        result = arithmetic.add_months(event_date, 12 * n, act=act, **kw)
    else:
        result = arithmetic.add_days(event_date, n, act=act, **kw)
    head = _rule_steps(rule, event_date, n, lang)
    if counted_from:
        head.insert(2, counted_from)
    return result.model_copy(
        update={
            "rule_id": rule.id,
            "kind": rule.kind,
            "what": rule.result_zh if lang == "zh" else rule.result_en,
            "citation": rule.citation(),
            "steps": head + result.steps,
            "event": event_date,
            "amount": amount,
        }
    )


def _amount(rule: Rule, amount: int | None) -> int:
    if amount is None:
        if rule.amount is None:
            raise DeadlineError(
                f"Rule {rule.id} needs an amount: {rule.event_en}. Give it in {_UNIT_WORDS[rule.unit][0]}."
            )
        return rule.amount
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise DeadlineError(f"The amount must be a positive whole number, not {amount!r}.")
    if rule.amount is not None and amount != rule.amount:
        if not rule.variable:
            raise DeadlineError(
                f"Rule {rule.id} has a fixed period of {rule.amount_text()}; it cannot be changed."
            )
        if amount > rule.amount:
            raise DeadlineError(f"Rule {rule.id} allows at most {rule.amount_text()}, not {amount}.")
    return amount


def _rule_steps(rule: Rule, event: dt.date, n: int, lang: Lang) -> list[str]:
    en_unit, zh_unit = _UNIT_WORDS[rule.unit]
    if lang == "zh":
        steps = [
            f"依据{rule.label_zh}：\u201c{(rule.phrase_zh or rule.phrase).rstrip('.。')}\u201d。",
            f"事件：{rule.event_zh}，{event.isoformat()}；期限：{rule.amount_text('zh') if rule.kind == 'lapses' else f'{n}{zh_unit}'}"
            + ("（最长）" if rule.kind == "maximum" or rule.amount_is_maximum else "")
            + f"；所求：{rule.result_zh}。",
        ]
        if rule.reading_zh:
            steps.append(rule.reading_zh)
        if rule.minimum:
            steps.append(f"最短期限为{rule.minimum}{_UNIT_WORDS[rule.minimum_unit or 'days'][1]}。")
        if rule.unit == "working_days":
            steps.append("条例第三十六条：审批期限和受理回执有效期以工作日计算，不含法定节假日。")
        return steps
    steps = [
        f"Rule {rule.id} ({rule.label}): \u201c{(rule.phrase or rule.phrase_zh).rstrip('.。')}\u201d.",
        f"Event: {rule.event_en}, {event.isoformat()}; period: "
        + ("at most " if rule.kind == "maximum" or rule.amount_is_maximum else "")
        + (rule.amount_text() if rule.kind == "lapses" else f"{n} {en_unit}") + f"; result: {rule.result_en}.",
    ]
    if rule.reading_en:
        steps.append(rule.reading_en)
    if rule.minimum:
        steps.append(f"The minimum is {rule.minimum} {_UNIT_WORDS[rule.minimum_unit or 'days'][0]}.")
    if rule.unit == "working_days":
        steps.append(
            "Regulations Art. 36: examination periods and receipt validity are counted in working days, "
            "excluding public holidays."
        )
    return steps
