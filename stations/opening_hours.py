"""Opening hours as plain values: when is a station open, and how to say it in zh/en.

Times are local (Asia/Shanghai). A period whose ``closes`` is not after ``opens`` runs past
midnight into the next day, so 22:00–02:00 is a night shift and 00:00–00:00 is a whole day.
Dated exceptions replace the weekly periods of their date (a closure or other hours); on the
days a heat or cold warning is in force, a station's warning-day rule adds its period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from core.language import is_english
from core.localtime import LOCAL_TZ

MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
WEEKDAYS_ZH = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
WEEKDAYS_EN = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


@dataclass(frozen=True, order=True)
class Period:
    opens: dt.time
    closes: dt.time

    @property
    def wraps(self) -> bool:
        """True when the period runs past midnight (including the all-day 00:00–00:00)."""
        return self.closes <= self.opens

    @property
    def duration_minutes(self) -> int:
        return (minutes(self.closes) - minutes(self.opens)) % MINUTES_PER_DAY or MINUTES_PER_DAY

    def covers_same_day(self, t: dt.time) -> bool:
        return self.opens <= t and (self.wraps or t < self.closes)

    def covers_next_day(self, t: dt.time) -> bool:
        return self.wraps and t < self.closes

    def label(self) -> str:
        closes = "24:00" if self.closes == dt.time(0) else f"{self.closes:%H:%M}"
        return f"{self.opens:%H:%M}–{closes}"


@dataclass(frozen=True)
class Schedule:
    weekly: Mapping[int, Sequence[Period]] = field(default_factory=dict)
    exceptions: Mapping[dt.date, Sequence[Period]] = field(default_factory=dict)
    """An exception date mapped to its periods; an empty sequence means closed all day."""
    warning_days: Mapping[dt.date, Sequence[Period]] = field(default_factory=dict)
    """Periods added to a date's hours while a warning is in force (a station's warning-day
    rule), unless an exception closes that date all day."""

    def periods_on(self, day: dt.date) -> Sequence[Period]:
        if day in self.exceptions:
            periods = self.exceptions[day]
            if not periods:
                return ()  # closed all day, warning or not
        else:
            periods = self.weekly.get(day.weekday(), ())
        return [*periods, *self.warning_days.get(day, ())]

    def is_open_at(self, moment: dt.datetime) -> bool:
        local = moment if moment.tzinfo is LOCAL_TZ else moment.astimezone(LOCAL_TZ)
        day, t = local.date(), local.time()
        if any(p.covers_same_day(t) for p in self.periods_on(day)):
            return True
        yesterday = day - dt.timedelta(days=1)
        return any(p.covers_next_day(t) for p in self.periods_on(yesterday))

    def open_stretches(self, first: dt.date, days: int) -> list[tuple[dt.datetime, dt.datetime]]:
        """The periods of ``days`` days from ``first`` as local (start, end) moments, by start."""
        stretches = []
        for offset in range(days):
            day = first + dt.timedelta(days=offset)
            for period in self.periods_on(day):
                start = dt.datetime.combine(day, period.opens, tzinfo=LOCAL_TZ)
                stretches.append((start, start + dt.timedelta(minutes=period.duration_minutes)))
        return sorted(stretches)

    def next_change(self, moment: dt.datetime, *, days: int = 8) -> dt.datetime | None:
        """When the open state at ``moment`` next changes: the end of the open stretch it is in
        (across midnight and back-to-back periods), or the next opening; None when nothing
        changes within ``days`` days (open round the clock, or no hours)."""
        local = moment.astimezone(LOCAL_TZ)
        horizon = local + dt.timedelta(days=days)
        # From yesterday: last night's period may still run.
        stretches = self.open_stretches(local.date() - dt.timedelta(days=1), days + 2)
        open_until = None
        for start, end in stretches:
            if open_until is None:
                if start > local:
                    return start if start <= horizon else None  # closed now: the next opening
                if local < end:
                    open_until = end  # open now
            elif start <= open_until:
                open_until = max(open_until, end)  # the open stretch goes on
            else:
                break
        return open_until if open_until is not None and open_until <= horizon else None

    @property
    def is_always_open(self) -> bool:
        full_day = Period(dt.time(0), dt.time(0))
        return all(list(self.weekly.get(d, ())) == [full_day] for d in range(7))

    def describe(self, language: str) -> str:
        """A short human-readable text of the weekly hours, e.g. 'Mon–Fri 09:00–18:00'."""
        zh = not is_english(language)
        if self.is_always_open:
            return "24小时开放" if zh else "Open 24/7"
        groups = _group_days(self.weekly)
        if not groups:
            return "暂无开放时间" if zh else "No regular opening hours"
        parts = [f"{_day_range(days, zh)} {text}" for days, text in groups]
        return ("；" if zh else "; ").join(parts)


def _group_days(weekly: Mapping[int, Sequence[Period]]) -> list[tuple[list[int], str]]:
    """Consecutive weekdays with the same hours share one label."""
    groups: list[tuple[list[int], str]] = []
    for day in range(7):
        periods = sorted(weekly.get(day, ()))
        if not periods:
            continue
        text = ", ".join(p.label() for p in periods)
        if groups and groups[-1][1] == text and groups[-1][0][-1] == day - 1:
            groups[-1][0].append(day)
        else:
            groups.append(([day], text))
    return groups


def _day_range(days: list[int], zh: bool) -> str:
    names = WEEKDAYS_ZH if zh else WEEKDAYS_EN
    if len(days) == 7:
        return "每天" if zh else "Daily"
    if len(days) == 1:
        return names[days[0]]
    return f"{names[days[0]]}至{names[days[-1]]}" if zh else f"{names[days[0]]}–{names[days[-1]]}"


def weekly_overlaps(periods: Iterable[tuple[int, Period]]) -> list[tuple[int, Period, int, Period]]:
    """Pairs of weekly periods that overlap, including a night period spilling into the next
    morning's period and Sunday night into Monday."""
    spans = [
        (day * MINUTES_PER_DAY + minutes(p.opens), p.duration_minutes, day, p) for day, p in periods
    ]
    clashes = []
    for i, (start_a, length_a, day_a, a) in enumerate(spans):
        for start_b, length_b, day_b, b in spans[i + 1 :]:
            gap_ab = (start_b - start_a) % MINUTES_PER_WEEK
            gap_ba = (start_a - start_b) % MINUTES_PER_WEEK
            if gap_ab < length_a or gap_ba < length_b:
                clashes.append((day_a, a, day_b, b))
    return clashes


def same_day_overlaps(periods: Sequence[Period]) -> list[tuple[Period, Period]]:
    """Pairs of periods on one date (an exception) that overlap."""
    tagged = weekly_overlaps((0, p) for p in periods)
    return [(a, b) for _, a, _, b in tagged]
