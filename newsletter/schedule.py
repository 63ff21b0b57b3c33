"""When an issue may go out: the week rules and Mailchimp's quarter-hour schedule."""

from __future__ import annotations

import datetime as dt

QUARTER = dt.timedelta(minutes=15)


class TimingError(Exception):
    """The requested time cannot work; the message says what to use instead."""


def parse_at(text: str) -> dt.datetime:
    """An ISO 8601 moment with its UTC offset ("2026-11-23T09:00:00+00:00" or "…Z")."""
    try:
        moment = dt.datetime.fromisoformat(text.strip().replace("z", "Z"))
    except ValueError:
        raise TimingError(
            f'--at "{text}" is not a date and time; write it like 2026-11-23T09:00:00+00:00'
        ) from None
    if moment.tzinfo is None:
        raise TimingError(
            f'--at "{text}" has no UTC offset; add one, like 2026-11-23T09:00:00+00:00'
        )
    return moment


def round_up_to_quarter_hour(moment: dt.datetime) -> dt.datetime:
    """The first :00, :15, :30 or :45 at or after `moment`, in UTC (Mailchimp's rule)."""
    moment = moment.astimezone(dt.UTC)
    floor = moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)
    return floor if floor == moment else floor + QUARTER


def check_schedule(when: dt.datetime, tip_date: dt.datetime, now: dt.datetime) -> None:
    """A schedule time must be in the future and not before the tip is published."""
    if when <= now:
        raise TimingError(
            f"--at {when:%Y-%m-%d %H:%M} UTC is in the past; choose a later time, "
            "or leave out --at to send now"
        )
    if when < tip_date:
        raise TimingError(
            f"--at {when:%Y-%m-%d %H:%M} UTC is before the tip is published "
            f"({tip_date.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC), so its links would not "
            "work yet; schedule it at or after that"
        )
