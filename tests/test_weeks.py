import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from sage.weeks import normalize_week, parse_week, shift_week, week_days, week_label, week_of


def test_week_of_uses_iso_weeks():
    assert week_of(dt.date(2026, 11, 16)) == "2026-W47"
    assert week_of(dt.date(2026, 11, 22)) == "2026-W47"
    assert week_of(dt.date(2026, 11, 23)) == "2026-W48"
    # ISO years differ from calendar years at the edges.
    assert week_of(dt.date(2025, 12, 29)) == "2026-W01"
    assert week_of(dt.date(2027, 1, 1)) == "2026-W53"


def test_week_of_reads_the_date_in_the_site_timezone():
    # Monday 02:00 UTC is still Sunday evening in New York.
    moment = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
    assert week_of(moment, "UTC") == "2026-W48"
    assert week_of(moment, "America/New_York") == "2026-W47"
    # Sunday 12:30 UTC is already Monday in Auckland.
    auckland = dt.datetime(2026, 11, 22, 12, 30, tzinfo=dt.UTC)
    assert week_of(auckland, "Pacific/Auckland") == "2026-W48"
    naive = dt.datetime(2026, 11, 22, 23, 59)
    assert week_of(naive, "Pacific/Auckland") == "2026-W47"


def test_week_label_within_a_month_across_months_and_years():
    assert week_label("2026-W47") == "Week 47 · 16–22 November 2026"
    assert week_label("2026-W44") == "Week 44 · 26 October – 1 November 2026"
    assert week_label("2026-W01") == "Week 1 · 29 December 2025 – 4 January 2026"


def test_parse_and_shift_weeks():
    assert parse_week("2026-W47") == (2026, 47)
    assert normalize_week("2026w7") == "2026-W07"
    assert shift_week("2026-W52", 1) == "2026-W53"
    assert shift_week("2026-W53", 1) == "2027-W01"
    assert shift_week("2026-W01", -1) == "2025-W52"
    assert week_days("2026-W47") == (dt.date(2026, 11, 16), dt.date(2026, 11, 22))


@pytest.mark.parametrize("text", ["2026-47", "W47", "2025-W53", "2026-W00", "soon"])
def test_parse_week_rejects_non_weeks(text):
    with pytest.raises(ValueError):
        parse_week(text)


def test_week_of_aware_datetime_without_timezone_keeps_its_offset():
    moment = dt.datetime(2026, 11, 22, 23, 0, tzinfo=ZoneInfo("America/New_York"))
    assert week_of(moment) == "2026-W47"
