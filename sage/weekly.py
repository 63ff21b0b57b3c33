"""The week's picks: which tip is this week's, which law goes with it.

The home page and the newsletter both call these, so a reader and a subscriber
see the same law of the week.
"""

from __future__ import annotations

import zlib
from bisect import bisect_left, bisect_right
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


class LawPicker:
    """Chooses the law of each issue, deterministically, in time linear in the site.

    Prefers the laws sharing the most themes with the tip that were not used in
    the recent issues; among those, the week's hash picks one, so a pick never
    depends on the order of the files. Only laws dated no later than the tip are
    eligible, so adding a law never changes an issue that went out before it.
    """

    def __init__(self, laws: Sequence):
        self.laws = sorted(laws, key=lambda law: (law.date, law.slug))
        self._dates = [law.date for law in self.laws]
        self._by_theme: dict[str, list[int]] = {}
        for index, law in enumerate(self.laws):
            for slug in theme_slugs(law):
                self._by_theme.setdefault(slug, []).append(index)

    def pick(self, tip, recent: Iterable[str] = ()):
        if not self.laws:
            return None
        eligible = bisect_right(self._dates, tip.date) or len(self.laws)
        recent = set(recent)
        shared: dict[int, int] = {}
        for slug in theme_slugs(tip):
            for index in self._by_theme.get(slug, ()):
                if index >= eligible:
                    break
                if self.laws[index].slug not in recent:
                    shared[index] = shared.get(index, 0) + 1
        if shared:
            best = max(shared.values())
            candidates = sorted(index for index, count in shared.items() if count == best)
        else:
            candidates = [i for i in range(eligible) if self.laws[i].slug not in recent]
            candidates = candidates or list(range(eligible))
        return self.laws[candidates[_week_hash(tip.week) % len(candidates)]]


def _week_hash(week: str) -> int:
    return zlib.crc32(week.encode("utf-8"))


def laws_by_week(tips: Sequence, laws: Sequence) -> dict[str, object]:
    """The law of every tip's week, oldest issue first, avoiding the last eight laws."""
    picker = LawPicker(laws)
    picks: dict[str, object] = {}
    recent: deque[str] = deque(maxlen=RECENT_LAWS)
    for tip in sorted(tips, key=lambda t: t.week):
        law = picker.pick(tip, recent)
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


def laws_for_issues(picks: dict[str, object], tips: Iterable, laws: Sequence) -> dict[str, object]:
    """`picks` (laws_by_week of the published tips) plus the law of every other tip.

    Queued tips come after every published one, so continuing the chain in week
    order gives each the law it will keep once it is published: the preview of a
    queued issue shows the law that will be sent.
    """
    merged = dict(picks)
    picker = LawPicker(laws)
    for tip in sorted((t for t in tips if t.week not in picks), key=lambda t: t.week):
        earlier = sorted(week for week in merged if week < tip.week)[-RECENT_LAWS:]
        law = picker.pick(tip, [merged[week].slug for week in earlier])
        if law is not None:
            merged[tip.week] = law
    return merged


def stories_by_week(tips: Sequence, stories: Sequence, recent: int = 4) -> dict[str, object]:
    """One story for every tip's issue, oldest issue first: deterministic and cheap.

    Prefers a story sharing the tip's themes (primary theme counts double; among
    the newest STORY_WINDOW of each theme), then the newest; skips stories used in
    the previous `recent` issues when it can. Only stories dated no later than the
    tip count, so a later story never changes an issue that went out. With no
    shared theme, the newest such story.
    """
    groups: dict[str, list] = {}
    for story in stories:
        for slug in theme_slugs(story):
            groups.setdefault(slug, []).append(story)
    by_theme = {slug: _StoriesByDate(group) for slug, group in groups.items()}
    newest_first = _StoriesByDate(stories)
    picks: dict[str, object] = {}
    used: deque[str] = deque(maxlen=recent)
    for tip in sorted(tips, key=lambda t: t.week):
        story = _story_for(tip, by_theme, newest_first, set(used))
        if story is not None:
            picks[tip.week] = story
            used.append(story.slug)
    return picks


STORY_WINDOW = 25


class _StoriesByDate:
    """Stories newest first, with a fast "the newest ones dated no later than X"."""

    def __init__(self, stories: Iterable):
        self.stories = sorted(stories, key=lambda s: s.date, reverse=True)
        self._keys = [-story.date.timestamp() for story in self.stories]

    def until(self, moment, limit: int | None = None) -> list:
        start = bisect_left(self._keys, -moment.timestamp())
        return self.stories[start : None if limit is None else start + limit]


def _story_for(tip, by_theme: dict, newest_first: _StoriesByDate, used: set[str]):
    scores: dict[int, list] = {}
    for index, slug in enumerate(theme_slugs(tip)):
        if slug in by_theme:
            for story in by_theme[slug].until(tip.date, STORY_WINDOW):
                entry = scores.setdefault(id(story), [0, story])
                entry[0] += 2 if index == 0 else 1
    ranked = sorted(scores.values(), key=lambda entry: (-entry[0], -entry[1].date.timestamp()))
    fallback = newest_first.until(tip.date, len(used) + 1)
    candidates = [story for _, story in ranked] + fallback
    for story in candidates:
        if story.slug not in used:
            return story
    return candidates[0] if candidates else None
