"""Working-day calendars for mainland China and Macao.

Mainland China, for each day, the first source that knows it wins:

1. schedule files (JSON, one per published State Council notice) shipped in
   ``regchat/data/holidays/`` or added by an administrator in
   ``Settings.holidays_dir``: explicit holidays and make-up working days (调休);
2. ``chinesecalendar``: the official schedules 2004-2026;
3. a year covered by a schedule file (``"year"``) but a date it does not list:
   Monday-Friday work, weekends rest;
4. otherwise rule-based ``holidays`` (country CN): the statutory holidays of
   that year, without the make-up working days that only the yearly notice
   fixes. Such days are *provisional* and say why.

Macao: ``holidays`` country MO, public and government holidays (the days the
public administration is closed); Saturdays and Sundays are rest days; there
are no make-up working days.

Schedule file format (``cn-2027.json``; any name ending in ``.json``)::

    {
      "region": "CN",
      "year": 2027,
      "source": "国务院办公厅关于2027年部分节假日安排的通知",
      "holidays": {"2027-01-01": "New Year's Day",
                   "2027-02-06": {"en": "Spring Festival", "zh": "春节"}},
      "workdays": {"2027-02-20": "Spring Festival"}
    }

``holidays`` are rest days, ``workdays`` are make-up working days (the value
names the holiday they make up for). ``year`` is optional: with it the file is
the complete schedule of that year (dates it does not list follow the weekly
rule and are no longer provisional); without it the file only corrects the
listed dates. Dates may fall outside ``year`` (a notice can move a
31 December).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import chinese_calendar
import holidays as holidays_lib

from regchat.documents import Jurisdiction
from regchat.errors import DeadlineError, DocumentError

PACKAGED_SCHEDULES = Path(__file__).resolve().parents[1] / "data" / "holidays"
REGIONS: tuple[Jurisdiction, ...] = ("CN", "MO")
FIRST_YEAR, LAST_YEAR = 2000, 2099

HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Tomb-Sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Labor Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Mid-Autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


@dataclass(frozen=True)
class DayInfo:
    """What a calendar knows about one day."""

    date: dt.date
    is_working_day: bool
    holiday: str | None = None  # English name of the holiday (or the one a make-up day serves)
    holiday_zh: str | None = None
    makeup: bool = False  # a weekend day worked in exchange for a holiday (调休)
    provisional_en: str | None = None
    provisional_zh: str | None = None

    @property
    def provisional(self) -> bool:
        return self.provisional_en is not None


class Calendar(Protocol):
    region: Jurisdiction

    def day(self, day: dt.date) -> DayInfo: ...

    def is_working_day(self, day: dt.date) -> bool: ...


def check_supported(day: dt.date) -> None:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise DeadlineError(
            f"{day.isoformat()} is outside the years regchat can compute ({FIRST_YEAR}-{LAST_YEAR})."
        )


# --- schedule files -------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    """One schedule file: explicit holidays and make-up working days."""

    region: Jurisdiction
    year: int | None
    source: str
    holidays: dict[dt.date, tuple[str, str]]
    workdays: dict[dt.date, tuple[str, str]]
    path: str = ""


def _names(value: object, path: Path, key: str) -> tuple[str, str]:
    if isinstance(value, str) and value.strip():
        return value, HOLIDAY_NAMES_ZH.get(value, value)
    if isinstance(value, dict) and isinstance(value.get("en"), str):
        return value["en"], str(value.get("zh") or HOLIDAY_NAMES_ZH.get(value["en"], value["en"]))
    raise DocumentError(path, f"{key}: the name must be a string or {{'en': ..., 'zh': ...}}")


def _dates(raw: object, path: Path, field: str) -> dict[dt.date, tuple[str, str]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise DocumentError(path, f"'{field}' must be an object of 'YYYY-MM-DD': name")
    out = {}
    for key, value in raw.items():
        try:
            day = dt.date.fromisoformat(key)
        except ValueError:
            raise DocumentError(path, f"'{field}': {key!r} is not a date YYYY-MM-DD") from None
        out[day] = _names(value, path, f"{field}.{key}")
    return out


def load_schedule(path: Path) -> Schedule:
    """Read one schedule file; raises ``DocumentError`` naming the file and the problem."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DocumentError(path, f"cannot read the schedule: {exc}") from None
    if not isinstance(data, dict):
        raise DocumentError(path, "a schedule file is a JSON object")
    region = data.get("region", "CN")
    if region not in REGIONS:
        raise DocumentError(path, f"region must be one of {', '.join(REGIONS)}, not {region!r}")
    year = data.get("year")
    if year is not None and not (isinstance(year, int) and FIRST_YEAR <= year <= LAST_YEAR):
        raise DocumentError(path, f"year must be an integer {FIRST_YEAR}-{LAST_YEAR}, not {year!r}")
    schedule = Schedule(
        region=region,
        year=year,
        source=str(data.get("source", "")),
        holidays=_dates(data.get("holidays"), path, "holidays"),
        workdays=_dates(data.get("workdays"), path, "workdays"),
        path=str(path),
    )
    both = sorted(set(schedule.holidays) & set(schedule.workdays))
    if both:
        raise DocumentError(path, f"{both[0].isoformat()} is listed both as a holiday and as a working day")
    return schedule


def load_schedules(*dirs: Path | None) -> list[Schedule]:
    """All schedule files in the given folders (missing folders are skipped), later folders win."""
    schedules: list[Schedule] = []
    for folder in dirs:
        if folder is None:
            continue
        folder = Path(folder)
        if not folder.is_dir():
            continue
        schedules.extend(load_schedule(p) for p in sorted(folder.glob("*.json")))
    return schedules


# --- mainland China ---------------------------------------------------------


class _CachedCalendar:
    """What both regions share: a checked date, looked up once (``_lookup``), then cached."""

    def __init__(self) -> None:
        self._cache: dict[dt.date, DayInfo] = {}

    def is_working_day(self, day: dt.date) -> bool:
        return self.day(day).is_working_day

    def day(self, day: dt.date) -> DayInfo:
        check_supported(day)
        if day not in self._cache:
            self._cache[day] = self._lookup(day)
        return self._cache[day]

    def _lookup(self, day: dt.date) -> DayInfo:
        raise NotImplementedError


class MainlandCalendar(_CachedCalendar):
    """Mainland China: schedule files, then ``chinesecalendar``, then rule-based ``holidays`` CN."""

    region: Jurisdiction = "CN"

    def __init__(self, schedules: list[Schedule] | None = None):
        super().__init__()
        self._explicit: dict[dt.date, DayInfo] = {}
        self._complete_years: set[int] = set()
        self._rule_based: dict[int, holidays_lib.HolidayBase] = {}
        for schedule in schedules or []:
            if schedule.region != "CN":
                continue
            if schedule.year is not None:
                self._complete_years.add(schedule.year)
            for day, (en, zh) in schedule.holidays.items():
                self._explicit[day] = DayInfo(day, False, en, zh)
            for day, (en, zh) in schedule.workdays.items():
                self._explicit[day] = DayInfo(day, True, en, zh, makeup=day.weekday() >= 5)

    def _lookup(self, day: dt.date) -> DayInfo:
        if day in self._explicit:
            return self._explicit[day]
        if day.year in self._complete_years:
            return DayInfo(day, day.weekday() < 5)
        try:
            is_holiday, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:
            return self._provisional(day)
        working = not is_holiday
        zh = HOLIDAY_NAMES_ZH.get(name, name) if name else None
        return DayInfo(day, working, name, zh, makeup=working and day.weekday() >= 5 and name is not None)

    def _provisional(self, day: dt.date) -> DayInfo:
        year = day.year
        if year not in self._rule_based:
            self._rule_based[year] = holidays_lib.country_holidays("CN", years=year)
        rules = self._rule_based[year]
        name = rules.get(day)
        zh = None
        if name:
            zh = holidays_lib.country_holidays("CN", years=year, language="zh_CN").get(day)
        return DayInfo(
            day,
            rules.is_working_day(day),
            name,
            zh,
            provisional_en=(
                f"the {year} holiday schedule is not in the calendar data: public holidays were "
                f"estimated from the statutory rules, and make-up working days (调休) are not known "
                f"until the State Council publishes the {year} schedule"
            ),
            provisional_zh=(
                f"日历数据中没有{year}年的节假日安排：法定节假日按规则推算，调休上班日要等国务院公布"
                f"{year}年安排后才能确定"
            ),
        )


# --- Macao ---------------------------------------------------------------------


class MacaoCalendar(_CachedCalendar):
    """Macao: public and government holidays from ``holidays`` MO; weekends are rest days."""

    region: Jurisdiction = "MO"

    def __init__(self) -> None:
        super().__init__()
        self._years: dict[int, tuple[holidays_lib.HolidayBase, holidays_lib.HolidayBase]] = {}

    def _lookup(self, day: dt.date) -> DayInfo:
        if day.year not in self._years:
            kinds = ("public", "government")
            self._years[day.year] = (
                holidays_lib.country_holidays("MO", years=day.year, categories=kinds, language="en_MO"),
                holidays_lib.country_holidays("MO", years=day.year, categories=kinds, language="zh_MO"),
            )
        en, zh = self._years[day.year]
        name = en.get(day)
        # "(Afternoon)" holidays close offices for the afternoon only: the morning is a working day.
        closed = bool(name) and "Afternoon" not in name
        return DayInfo(day, day.weekday() < 5 and not closed, name, zh.get(day) if name else None)


@lru_cache(maxsize=16)
def _calendar(region: str, extra_dir: Path | None) -> Calendar:
    if region == "MO":
        return MacaoCalendar()
    return MainlandCalendar(load_schedules(PACKAGED_SCHEDULES, extra_dir))


def calendar_for(region: str = "CN", extra_dir: Path | None = None) -> Calendar:
    """The working-day calendar of a region: "CN" (mainland China) or "MO" (Macao).

    ``extra_dir`` is a folder of additional schedule files (``Settings.holidays_dir``).
    """
    region = (region or "").strip().upper()
    if region not in REGIONS:
        raise DeadlineError(
            f"Unknown region {region!r}: use 'CN' for mainland China or 'MO' for Macao."
        )
    return _calendar(region, Path(extra_dir) if extra_dir is not None else None)
