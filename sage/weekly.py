"""The week's picks: which tip is this week's, which law goes with it.

The home page and the newsletter both call these, so a reader and a subscriber
see the same law of the week.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Iterable, Sequence

RECENT_LAWS = 8


def theme_slugs(item) -> list[str]:
    return [theme.slug for theme in getattr(item, "themes", None) or []]


def tip_of_week(tips: Iterable, week: str):
    """The tip for `week`, else the latest tip before it, else None."""
    best = None
    for tip in tips:
        if tip.week == week:
            return tip
        if tip.week < week and (best is None or tip.week > best.week):
            best = tip
    return best


def _stable_rank(week: str, slug: str) -> str:
    return hashlib.sha256(f"{week}:{slug}".encode()).hexdigest()


def pick_law(tip, laws: Sequence, recent: Iterable[str] = ()):
    """Choose the law for `tip`'s issue, deterministically.

    Prefers laws that share the most themes with the tip and were not used in
    the recent issues; only laws dated no later than the tip are eligible, so
    adding a law never changes an issue that went out before it existed.
    """
    eligible = [law for law in laws if law.date <= tip.date] or list(laws)
    if not eligible:
        return None
    recent = set(recent)
    fresh = [law for law in eligible if law.slug not in recent] or eligible
    tip_themes = set(theme_slugs(tip))

    def rank(law):
        shared = len(tip_themes & set(theme_slugs(law)))
        return (-shared, _stable_rank(tip.week, law.slug))

    return min(fresh, key=rank)


def laws_by_week(tips: Sequence, laws: Sequence) -> dict[str, object]:
    """The law of every tip's week, oldest issue first, avoiding the last eight laws."""
    picks: dict[str, object] = {}
    recent: deque[str] = deque(maxlen=RECENT_LAWS)
    for tip in sorted(tips, key=lambda t: t.week):
        law = pick_law(tip, laws, recent)
        if law is not None:
            picks[tip.week] = law
            recent.append(law.slug)
    return picks


def related_items(item, candidates: Iterable, limit: int = 3) -> list:
    """Items sharing the most themes with `item` (primary theme counts double), newest first."""
    mine = theme_slugs(item)
    if not mine:
        return []
    weights = {slug: (2 if index == 0 else 1) for index, slug in enumerate(mine)}
    scored = []
    for other in candidates:
        if other is item or getattr(other, "url", None) == getattr(item, "url", None):
            continue
        score = sum(weights.get(slug, 0) for slug in theme_slugs(other))
        if score:
            scored.append((score, other.date, other))
    scored.sort(key=lambda entry: (-entry[0], -entry[1].timestamp()))
    return [other for _, _, other in scored[:limit]]
