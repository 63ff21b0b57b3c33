"""`invoke calendar`: the tip of every week, so authors see gaps and the queue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sage.rules import aware_date, display_path
from sage.sources import find_sources, read_source
from sage.weeks import current_week, shift_week, week_label, week_of


@dataclass(frozen=True)
class CalendarRow:
    week: str
    label: str
    state: str  # published, queued, draft, gap
    title: str = ""
    path: str = ""

    def __str__(self) -> str:
        detail = f"{self.title}  ({self.path})" if self.path else "-- no tip --"
        return f"{self.week}  {self.label:<40}  {self.state:<9}  {detail}"


def tip_calendar(
    settings: dict, past: int = 12, ahead: int = 8, now: dt.datetime | None = None
) -> list[CalendarRow]:
    """One row per week from `past` weeks ago to `ahead` weeks ahead, gaps included."""
    timezone = settings["TIMEZONE"]
    content_root = Path(settings["PATH"])
    this_week = current_week(timezone, now)
    moment = now or dt.datetime.now(dt.UTC)
    tips: dict[str, list[CalendarRow]] = {}
    for path in find_sources(content_root, folders=("tips",)):
        source = read_source(path, content_root)
        date = aware_date(source.get("date"), timezone)
        if date is None:
            continue
        week = week_of(date, timezone)
        state = "queued" if date > moment else "published"
        if source.status == "draft":
            state = "draft"
        tips.setdefault(week, []).append(
            CalendarRow(
                week, week_label(week), state, source.get("title") or "", display_path(path)
            )
        )
    rows = []
    week = shift_week(this_week, -past)
    last = shift_week(this_week, ahead)
    while week <= last:
        rows.extend(tips.get(week) or [CalendarRow(week, week_label(week), "gap")])
        week = shift_week(week, 1)
    return rows
