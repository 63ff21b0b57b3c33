"""`invoke new`: start a post with its header filled in, never overwriting a file.

A new tip is dated the Monday of the first week after this one that has no tip
(drafts count: they hold their week). Every new post starts as a draft.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from pelican.utils import slugify

from sage.rules import display_path, parse_date
from sage.sources import find_sources, read_source
from sage.weeks import current_week, shift_week, week_days, week_of

KIND_FOLDERS = {"tip": "tips", "law": "laws", "story": "stories"}
KIND_NAMES = {"tips": "tip", "laws": "law", "stories": "story"} | {k: k for k in KIND_FOLDERS}

TEMPLATES = {
    "tip": """Title: {title}
Date: {date}
Summary: One sentence, at most 160 characters, that makes a reader want to read on.
Status: draft

Open with a short scene: who, where, and what went wrong (or right).

Then the idea: why it matters, what goes wrong without it, what good looks like.

## Try this

- One thing an agent can do this week.
- One thing a supervisor or manager can do this week.
- One small experiment to run and talk about on Friday.
""",
    "law": """Title: {title}
Date: {date}
Attribution: Unknown Sage
Status: draft

The law itself, in one or two sentences (at most 40 words).

Optional commentary: why it holds, or what to do about it.
""",
    "story": """Title: {title}
Date: {date}
Summary: One sentence, at most 160 characters: who, where, and what was at stake.
Status: draft

What happened: the scene, the people, what was said.

What they did, and how it turned out.

## What it teaches

Two to four sentences an agent or a manager can use this week.
""",
}


class NewPostError(Exception):
    """A user error in `invoke new`: unknown kind, empty title, existing file."""


def used_weeks(content_root: Path, timezone: str) -> set[str]:
    """The weeks that already have a tip, published, queued or draft."""
    weeks = set()
    for path in find_sources(content_root, folders=("tips",)):
        date_text = read_source(path, content_root).get("date")
        try:
            weeks.add(week_of(parse_date(date_text or ""), timezone))
        except ValueError:
            continue
    return weeks


def next_free_week(content_root: Path, timezone: str, now: dt.datetime | None = None) -> str:
    """The first week after the current one with no tip."""
    taken = used_weeks(content_root, timezone)
    week = shift_week(current_week(timezone, now), 1)
    while week in taken:
        week = shift_week(week, 1)
    return week


def new_post(kind: str, title: str, settings: dict, now: dt.datetime | None = None) -> Path:
    """Write a new draft post of `kind` titled `title`; return its path."""
    if kind.lower() not in KIND_NAMES:
        raise NewPostError(f'"{kind}" is not a kind of post; use tip, law or story')
    kind = KIND_NAMES[kind.lower()]
    title = " ".join(title.split())
    slug = slugify(title, regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []))
    if not slug:
        raise NewPostError("the title needs at least one letter or digit")
    content_root = Path(settings["PATH"])
    timezone = settings["TIMEZONE"]
    if kind == "tip":
        week = next_free_week(content_root, timezone, now)
        date = week_days(week)[0]
        name = f"{week.lower()}-{slug}.md"
    else:
        date = (now or dt.datetime.now(dt.UTC)).astimezone(ZoneInfo(timezone)).date()
        name = f"{slug}.md"
    path = content_root / KIND_FOLDERS[kind] / name
    if path.exists():
        raise NewPostError(f"{display_path(path)} already exists; edit it, or pick another title")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = TEMPLATES[kind].format(title=title, date=date.isoformat())
    with path.open("x", encoding="utf-8") as handle:
        handle.write(text)
    return path
