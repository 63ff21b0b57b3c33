"""The tips archive: every ISO week from the first tip to the latest, by year.

A week without a tip stays visible (readers see the calendar is honest, authors
see the hole), but a run of empty weeks folds into one quiet line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sage.weeks import parse_week, shift_week, week_days, week_label


@dataclass(frozen=True)
class ArchiveWeek:
    """A week with its tip."""

    week: str
    number: int
    label: str
    tip: object


@dataclass(frozen=True)
class ArchiveGap:
    """One or more consecutive weeks without a tip."""

    first: str
    last: str
    weeks: int

    @property
    def label(self) -> str:
        start, _ = week_days(self.first)
        _, end = week_days(self.last)
        first, last = parse_week(self.first)[1], parse_week(self.last)[1]
        numbers = f"Week {first}" if first == last else f"Weeks {first}–{last}"
        return f"{numbers} · {start:%-d %b} – {end:%-d %b %Y}"


@dataclass
class ArchiveYear:
    year: int
    entries: list = field(default_factory=list)

    @property
    def tip_count(self) -> int:
        return sum(isinstance(entry, ArchiveWeek) for entry in self.entries)


def tip_archive(tips: Iterable) -> list[ArchiveYear]:
    """Years newest first; in each, weeks newest first, with gaps folded into runs.

    Linear in the number of weeks covered; a week with two tips (only possible in a
    broken build) keeps the first one given.
    """
    by_week: dict[str, object] = {}
    for tip in tips:
        by_week.setdefault(tip.week, tip)
    if not by_week:
        return []
    years: dict[int, ArchiveYear] = {}
    week, first = max(by_week), min(by_week)
    while week >= first:
        year, number = parse_week(week)
        entries = years.setdefault(year, ArchiveYear(year)).entries
        tip = by_week.get(week)
        if tip is not None:
            entries.append(ArchiveWeek(week, number, week_label(week), tip))
        elif entries and isinstance(entries[-1], ArchiveGap):
            entries[-1] = ArchiveGap(week, entries[-1].last, entries[-1].weeks + 1)
        else:
            entries.append(ArchiveGap(week, week, 1))
        week = shift_week(week, -1)
    return sorted(years.values(), key=lambda entry: entry.year, reverse=True)
