"""Answers that ask back instead of guessing, and dates the user gives that are
compared with a computed deadline.

:func:`compose_clarification`
    When the rule matcher abstains (the question does not clearly date one rule's
    event), the answer is a short question in the question's language naming the
    candidate rules: what each gives, in plain words, from which event, and its
    article (quoted, so the citation can be checked). No date is computed for a
    guessed rule; where the question's date is an event of every candidate alike
    ("my visa expires on 15 December": a visa's stay or a residence permit?), each
    reading's date is given beside it, marked as that reading's.

:func:`compare_actions`
    When the question also says when the user filed or did the thing the deadline is
    for ("I applied on 10 October"), the answer says whether that was in time:
    "Filed on 10 October 2026: one day after the last day, 9 October 2026, so late.",
    first, then the computed deadline.

Pure: provisions and rules come in as arguments.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..documents import Deadline, Provision
from .cards import Card
from .dates import describe_comparison, describe_derived, load_role_cues
from .guardrails import marker
from .offline import IN_SHORT, Draft, day_status, from_today
from .quoting import NOTE_OPENINGS
from .questions import Reading, RuleChoice, RuleLike, action_dates, dated_roles, month_read_before, planned_day

_ASK = {
    "en": "Which deadline do you mean?",
    "zh": "请问您问的是哪一个期限？",
}
_WHY = {
    "close": {
        "en": "Your question fits more than one rule, and a date computed under the wrong one would be wrong, so none is computed yet:",
        "zh": "您的问题可能涉及以下几条规定，按错误的规定算出的日期也是错的，因此暂不计算：",
    },
    "low_score": {
        "en": "Your question does not make clear which rule it is about, so no date is computed yet. It may be one of these:",
        "zh": "从问题中看不出是哪一条规定，因此暂不计算日期。可能是以下之一：",
    },
    "subject": {
        "en": "The question does not say what “{date}” is the date of (a visa's stay, a residence permit, ...), and the rules differ, so no date is computed yet. It may be one of these:",
        "zh": "问题没有说明“{date}”是哪一种签证、证件或事项的日期，而不同规定的期限不同，因此暂不计算日期。可能是以下之一：",
    },
    "role": {
        "en": "“{date}” reads as {role}, but {result} counts from {event}, so no date is computed yet. The rules that may be meant:",
        "zh": "“{date}”看来是{role}，而{result}是从“{event}”起算的，因此暂不计算日期。可能涉及的规定：",
    },
}
_UNREAD = {
    "en": "The question does not say whether “{date}” is {event}, so no date is computed yet.",
    "zh": "问题没有说明“{date}”是否为{event}，因此暂不计算日期。",
}
_TELL = {
    "en": "Tell me which one you mean and the date of its event, and I will compute the day.",
    "zh": "请告诉我是哪一项，以及对应事件的日期，我再为您计算具体日期。",
}
_ASK_EACH = {
    "en": "Which is it? The answer depends on it:",
    "zh": "请问是哪一种情况？答案取决于此：",
}
_IF = {"en": "If it is {event}", "zh": "如果是{event}"}
_TELL_EACH = {
    "en": "Tell me which one it is, and I will go on with that one.",
    "zh": "请告诉我是哪一种，我再按那一种继续解答。",
}


def _period(rule: RuleLike, lang: str) -> str:
    amount = rule.amount_text(lang) if hasattr(rule, "amount_text") else str(getattr(rule, "amount", ""))
    kind = getattr(rule, "kind", "")
    if lang == "zh":
        event = getattr(rule, "event_zh", "")
        if kind == "before_expiry":
            return f"{event}前{amount}"
        if kind == "maximum":
            return f"自{event}起最长{amount}"
        return f"自{event}起{amount}"
    event = getattr(rule, "event_en", "")
    if kind == "before_expiry":
        return f"{amount} before {event}"
    if kind == "maximum":
        return f"at most {amount} from {event}"
    return f"{amount} from {event}"


def _plain(event: str) -> str:
    """'the date of entry into China' as asked about: notes in brackets left out."""
    return re.sub(r"\s*[(（][^)）]*[)）]", "", event).strip()


def _label(rule: RuleLike, lang: str) -> str:
    if lang == "zh":
        return f"{getattr(rule, 'label_zh', '')}（{getattr(rule, 'label', '')}）"
    return str(getattr(rule, "label", rule.id))


@dataclass
class Clarification(Draft):
    """A draft that asks which rule is meant; ``candidates`` are the rules it names."""

    candidates: list[RuleLike] = field(default_factory=list)
    outcome: str = "clarify"

    def for_model(self) -> str:
        """What a language model answering the same question is told instead of a date."""
        lines = [
            "The deadline calculator computed no date: the question does not clearly say which rule's "
            "event its date is. The rules it may mean (rule id: result, event, article):"
        ]
        lines += [f"- {r.id}: {r.result_en}; counted from {r.event_en}; {getattr(r, 'label', '')}" for r in self.candidates]
        lines.append(
            "Ask the user which one they mean and the date of its event. Do not compute a date for a rule you guess."
        )
        return "\n".join(lines)


def compose_clarification(
    reading: Reading, choice: RuleChoice, provisions: Mapping[str, Provision | None],
    each: Mapping[str, Deadline] | None = None, cards: Sequence[tuple[Card, Provision]] = (),
) -> Clarification:
    """A short question naming the rules the question may mean (``choice.candidates``);
    ``provisions``: rule id -> the provision of its article (to quote and cite). ``each``:
    rule id -> its date counted from the question's own date, given for every candidate when
    the date is the event of each of them: then every reading's date is stated beside it.
    ``cards``: the cards a thing named loosely ("his permit", 我的证) may also be, each with its
    guide's first provision: a last reading says what the guide gives for it (no deadline)."""
    lang = "zh" if reading.lang == "zh" else "en"
    rules = [c.rule for c in choice.candidates]
    if each and rules and all(r.id in each for r in rules):
        return _each_reading(reading, rules, provisions, each, lang, cards)
    why = _WHY.get(choice.reason, _WHY["close"])[lang]
    if choice.reason == "role" and rules:
        dates = dated_roles(reading)
        roled = next((r for r in dates if r.role), None)
        top = rules[0]
        result = top.result_zh if lang == "zh" else top.result_en
        event = top.event_zh if lang == "zh" else top.event_en
        if roled is None and dates:  # the words do not say what the date is the date of
            why = _UNREAD[lang].format(date=dates[0].text, event=_plain(event))
        else:
            role = load_role_cues().label(roled.role, lang) if roled and roled.role else ""
            why = why.format(date=roled.text if roled else "", role=role, result=result, event=event)
    if choice.reason == "subject":
        dates = dated_roles(reading)
        why = why.format(date=dates[0].text if dates else "")
    ask = _ASK[lang]
    if choice.reason == "role" and len(rules) == 1:
        # One rule, but no date of its event: ask for that date.
        event = rules[0].event_zh if lang == "zh" else rules[0].event_en
        event = _plain(event)
        if lang == "en" and not event.startswith("the date"):
            event = f"the date of {event}"
        ask = f"请问{event}是哪一天？" if lang == "zh" else f"What is {event}?"
        why = why.replace(" The rules that may be meant:", "").replace("可能涉及的规定：", "")
    lines = [f"{ask} {why}"]
    draft = Clarification(text="", candidates=list(rules))
    for n, rule in enumerate(rules, 1):
        result = rule.result_zh if lang == "zh" else rule.result_en
        result = result[:1].upper() + result[1:] if lang == "en" else result
        line = f"{n}. {result}（{_period(rule, lang)}）：{_label(rule, lang)}" if lang == "zh" else (
            f"{n}. {result} ({_period(rule, lang)}): {_label(rule, lang)}"
        )
        lines.append(line + _quoted(draft, rule, provisions.get(rule.id), lang))
    lines += _card_lines(draft, cards, len(rules), lang)
    lines.append(_TELL[lang])
    draft.text = "\n".join(lines)
    return draft


def _card_lines(draft: Draft, cards: Sequence[tuple[Card, Provision]], after: int, lang: str) -> list[str]:
    """One numbered line per card a loosely named thing may be, citing its guide."""
    lines = []
    for n, (card, provision) in enumerate(cards, after + 1):
        if provision not in draft.cited:
            draft.cited.append(provision)
        lines.append(f"{n}. {card.undated[lang]} {marker(provision)}")
    return lines


def _quoted(draft: Draft, rule: RuleLike, provision: Provision | None, lang: str) -> str:
    """The rule's own words quoted after its line (the official Chinese text for a Chinese reader),
    with the provision's marker; the quote and the citation recorded in ``draft``."""
    if provision is None:
        return ""
    phrase = (rule.phrase or rule.phrase_zh).rstrip(".")
    if lang == "zh" and getattr(rule, "phrase_zh", "") and "zh" in provision.languages:
        phrase = rule.phrase_zh  # a Chinese reader gets the official text
    draft.quotes.setdefault(provision.key, phrase)
    if provision not in draft.cited:
        draft.cited.append(provision)
    return f" “{phrase}” {marker(provision)}"


def _each_reading(
    reading: Reading, rules: Sequence[RuleLike], provisions: Mapping[str, Provision | None],
    each: Mapping[str, Deadline], lang: str, cards: Sequence[tuple[Card, Provision]] = (),
) -> Clarification:
    """Which reading is meant, with the date of each ("if it is the residence permit's expiry: the
    last filing day is 15 November; if it is the end of the visa's stay: 8 December")."""
    draft = Clarification(text="", candidates=list(rules))
    lines = [_ASK_EACH[lang]]
    for n, rule in enumerate(rules, 1):
        deadline = each[rule.id]
        event = _plain(rule.event_zh if lang == "zh" else rule.event_en)
        result = rule.result_zh if lang == "zh" else rule.result_en
        head = _IF[lang].format(event=event)
        status = ("；" if lang == "zh" else "; ").join(
            [day_status(deadline, lang), from_today(deadline.date, reading.today, lang)]
        )
        line = f"{n}. {head}：{result}为 {status}。依据{_label(rule, lang)}" if lang == "zh" else (
            f"{n}. {head}: {result}, {status}. {_label(rule, lang)}"
        )
        draft.deadlines.append(deadline)
        lines.append(line + _quoted(draft, rule, provisions.get(rule.id), lang))
    lines += _card_lines(draft, cards, len(rules), lang)
    lines.append(_TELL_EACH[lang])
    draft.text = "\n".join(lines)
    return draft


_DONE = {
    "filing": {"en": "Filed", "zh": "申请递交日期"},
    "plan": {"en": "Done", "zh": "办理日期"},
    "action": {"en": "Done", "zh": "办理日期"},
    "decision": {"en": "Decided", "zh": "作出决定的日期"},
}


def compare_actions(reading: Reading, rule: RuleLike, deadline: Deadline, draft: Draft) -> Draft:
    """The draft with, first, one sentence per date on which the step the deadline is for
    was taken (the user filed or acted, the authority decided), saying how it stands
    against the computed last day; and after the computed day, how a date counted from an
    earlier one was read ("a month after mine")."""
    derived = [note for r in reading.roles if (note := describe_derived(r, reading.lang))]
    if derived:
        first, _, rest = draft.text.partition("\n")
        draft.text = "\n".join([first, *derived, rest] if rest else [first, *derived])
    notes = []
    for roled, day in action_dates(reading, rule):
        what = _DONE.get(roled.role or "action", _DONE["action"])[reading.lang if reading.lang == "zh" else "en"]
        # a day still to come is a plan ("3月25日去交罚款可以吗？"), unless the message tells it as done
        planned = reading.today if planned_day(reading, roled) or not reading.past_tense else None
        notes.append(describe_comparison(day, deadline.date, reading.lang, what=what, today=planned))
        # a day written without its month may be of the month written before it: when that reading
        # stands otherwise against the last day ("on the 12th", after "expires on 15 January"), both are said
        other = month_read_before(reading, roled.found, day)
        if other is not None and (other <= deadline.date) != (day <= deadline.date) \
                and not (planned and other < reading.today):  # (a plan is of a day to come)
            notes.append(describe_comparison(other, deadline.date, reading.lang, what=what, today=planned))
    if not notes:
        return draft
    # "Was I on time?" is answered first; the computed last day and its rule follow.
    draft.text = "\n".join([*notes, draft.text])
    return draft


def weighed_days(days: Sequence[dt.date], last: dt.date, lang: str, today: dt.date) -> list[str]:
    """One sentence per day a later question weighs against a last day computed before ("等月底领了薪水
    再去交行不行？"): how each stands against it, as a plan."""
    what = _DONE["action"][lang if lang == "zh" else "en"]
    return [describe_comparison(day, last, lang, what=what, today=today) for day in sorted(days)]


def unquoted_rest(pieces: Sequence[str], quoted: Sequence[str], shortest: int = 12) -> list[str]:
    """What ``pieces`` hold that ``quoted`` does not: each piece cut at the passages quoted already (a
    whole section holding the sentence quoted above), the stretches left of at least ``shortest``
    characters, in order."""
    out: list[str] = []
    for piece in pieces:
        stretches = [piece]
        for known in sorted({q.strip() for q in quoted if q.strip()}, key=len, reverse=True):
            stretches = [part for s in stretches for part in s.split(known)]
        # (a heading left alone by the cuts, "Target People 3. Reissue / Replacement:", says nothing; a
        # list's lead-in quoted whole, "有下列情形之一的，给予警告…:", says what its items are)
        out += [s.strip() for s in stretches if len(s.strip()) >= shortest and s.strip() not in out
                and not (s.strip().endswith((":", "：")) and s.strip() != piece.strip())]
    return out


_SAID_SENTENCE = re.compile(r"(?<=[。！？])|(?<=[.!?])\s+")


def also_quoted(pieces: Sequence[str], provision: Provision, lang: str, block: str = "", said: str = "") -> str:
    """More sentences of a provision an answer quotes already (``said``: the answer so far): only they,
    under a line saying so, after what ``block`` (the provision's answer for them, composed whole) says
    beside its quote that the answer does not say yet: the sentences of its plain-words line not said
    already, and a line weighing the question's figure against the text ("您给出的三年，少于本条所说的10年")."""
    lines = []
    for line in block.splitlines():
        line = line.strip()
        if not line or line.startswith("“") or line.startswith(NOTE_OPENINGS) or line.endswith((":", "：")):
            continue  # (its quote, the heading naming the part quoted, a note on its language)
        head = next((h for h in IN_SHORT.values() if line.startswith(h)), None)
        if head is not None:
            body = line[len(head):].replace(marker(provision), " ").strip()
            new = [x.strip() for x in _SAID_SENTENCE.split(body) if x.strip() and x.strip() not in said]
            if new:
                lines.append(f"{head}{'' if lang == 'zh' else ' '}{('' if lang == 'zh' else ' ').join(new)} {marker(provision)}")
        elif line not in said:
            lines.append(line)
    quoted = " ".join(f"“{piece}”" for piece in pieces)
    lead = "该条文还规定：" if lang == "zh" else "The same provision also says: "
    return "\n".join([*lines, f"{lead}{quoted} {marker(provision)}"])


def merge_drafts(first: Draft, more: Sequence[Draft]) -> Draft:
    """One answer for several deadlines asked in one question: each draft's text in turn."""
    for other in more:
        first.text = f"{first.text}\n\n{other.text}"
        first.deadlines.extend(other.deadlines)
        for key, quote in other.quotes.items():
            first.quotes.setdefault(key, quote)
        for key, quoted in other.quoted.items():
            first.quoted.setdefault(key, quoted)
        first.cited.extend(p for p in other.cited if p not in first.cited)
    return first
