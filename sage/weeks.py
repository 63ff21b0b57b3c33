"""ISO 8601 weeks: the publication's calendar.

A tip belongs to the ISO week of its date in the site's TIMEZONE. Weeks are
written "2026-W47"; readers see "Week 47 · 16–22 November 2026".
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

WEEK_RE = re.compile(r"^(?P<year>\d{4})-?W(?P<week>\d{1,2})$", re.IGNORECASE)


def week_of(moment: dt.datetime | dt.date, timezone: str | None = None) -> str:
    """Return the ISO week ("2026-W47") of a date, seen in `timezone`."""
    if isinstance(moment, dt.datetime) and moment.tzinfo is not None and timezone:
        moment = moment.astimezone(ZoneInfo(timezone))
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(text: str) -> tuple[int, int]:
    """Parse "2026-W47" (or "2026W47") into (2026, 47); ValueError if it is not one."""
    match = WEEK_RE.match(text.strip())
    if not match:
        raise ValueError(f'"{text}" is not an ISO week; write it like 2026-W47')
    year, week = int(match["year"]), int(match["week"])
    try:
        dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValueError(f'"{text}": {year} has no week {week}') from None
    return year, week


def normalize_week(text: str) -> str:
    """Return the canonical spelling of a week: "2026w47" -> "2026-W47"."""
    year, week = parse_week(text)
    return f"{year}-W{week:02d}"


def week_days(week: str) -> tuple[dt.date, dt.date]:
    """Return the Monday and the Sunday of an ISO week."""
    year, number = parse_week(week)
    monday = dt.date.fromisocalendar(year, number, 1)
    return monday, monday + dt.timedelta(days=6)


def week_label(week: str) -> str:
    """Return the reader's label: "Week 47 · 16–22 November 2026"."""
    _, number = parse_week(week)
    monday, sunday = week_days(week)
    if monday.year != sunday.year:
        span = f"{monday:%-d %B %Y} – {sunday:%-d %B %Y}"
    elif monday.month != sunday.month:
        span = f"{monday:%-d %B} – {sunday:%-d %B %Y}"
    else:
        span = f"{monday.day}–{sunday:%-d %B %Y}"
    return f"Week {number} · {span}"


def shift_week(week: str, weeks: int) -> str:
    """Return the week `weeks` after (or before, if negative) `week`."""
    monday, _ = week_days(week)
    return week_of(monday + dt.timedelta(weeks=weeks))


def current_week(timezone: str, now: dt.datetime | None = None) -> str:
    """Return this week in the site's TIMEZONE."""
    now = now or dt.datetime.now(dt.UTC)
    return week_of(now, timezone)


def week_start(week: str, timezone: str) -> dt.datetime:
    """Return Monday 00:00 of `week` in the site's TIMEZONE, as an aware datetime."""
    monday, _ = week_days(week)
    return dt.datetime.combine(monday, dt.time(), tzinfo=ZoneInfo(timezone))
