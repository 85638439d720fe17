"""Plain-text rendering of a computed deadline, with its steps (terminal, chat)."""

from __future__ import annotations

from regchat.deadlines.arithmetic import Lang, weekday_name
from regchat.deadlines.calendars import HOLIDAY_NAMES_ZH
from regchat.documents import Deadline


def format_deadline(d: Deadline, lang: Lang = "en") -> str:
    """The date, whether it is a working day, the day to act by, the rule and the steps."""
    zh = lang == "zh"
    if zh:
        status = "工作日" if d.is_working_day else "非工作日"
        if d.holiday:
            status += f"（{HOLIDAY_NAMES_ZH.get(d.holiday, d.holiday)}）"
        lines = [f"{d.date.isoformat()}（{weekday_name(d.date, 'zh')}），{status}"]
        if d.act_by:
            lines.append(f"最晚办理日：{d.act_by.isoformat()}（{weekday_name(d.act_by, 'zh')}），当日或之前的最后一个工作日")
    else:
        status = "working day" if d.is_working_day else "not a working day"
        if d.holiday:
            status += f" ({d.holiday})"
        lines = [f"{d.date.isoformat()} ({d.weekday}), {status}"]
        if d.act_by:
            lines.append(f"Act by: {d.act_by.isoformat()} ({weekday_name(d.act_by)}), the last working day on or before it")
    if d.citation:
        rule = f"{d.rule_id}: " if d.rule_id else ""
        lines.append(("依据：" if zh else "Rule: ") + f"{rule}{d.citation.label}")
        if d.citation.quote:
            lines.append(f'  "{d.citation.quote}"')
    lines.append("计算步骤：" if zh else "Steps:")
    lines.extend(f"  {n}. {step}" for n, step in enumerate(d.steps, 1))
    if d.provisional:
        lines.append(("暂定：" if zh else "Provisional: ") + (d.provisional_reason or ""))
    return "\n".join(lines)
