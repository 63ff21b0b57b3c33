"""What to read next, and how a page describes itself: cheap helpers for the theme.

Each runs once per page over a handful of items, never over every post, so a
5,000-post build stays linear.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from markupsafe import Markup

from sage.weekly import related_items

RELATED_PER_THEME = 8
DESCRIPTION_MAX_CHARS = 160
_SPACES = re.compile(r"\s+")
_ARTICLE_WORDS = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)


def related_reading(item, limit: int = 3, per_theme: int = RELATED_PER_THEME) -> list:
    """Up to `limit` items sharing a theme with `item`, one of each kind first.

    Candidates are only the newest `per_theme` items of each of the item's themes
    (theme lists are newest first), so the cost per page does not grow with the site.
    A tip is best followed by a law and a story, so kinds are mixed before repeated.
    Computed once per item and build (the page's fingerprint asks too).
    """
    memo = item.__dict__.setdefault("_related_reading", {}) if hasattr(item, "__dict__") else {}
    if (limit, per_theme) not in memo:
        memo[(limit, per_theme)] = _related(item, limit, per_theme)
    return memo[(limit, per_theme)]


def related_candidates(item, per_theme: int = RELATED_PER_THEME) -> list:
    """The items related reading chooses from: the newest of each of the item's themes."""
    candidates: list = []
    seen = {id(item)}
    for theme in getattr(item, "themes", None) or []:
        for other in theme.articles[: per_theme + 1]:
            if id(other) not in seen:
                seen.add(id(other))
                candidates.append(other)
    return candidates


def _related(item, limit: int, per_theme: int) -> list:
    candidates = related_candidates(item, per_theme)
    ranked = related_items(item, candidates, limit=len(candidates))
    first_of_kind = {}
    for other in ranked:
        first_of_kind.setdefault(other.kind, other)
    picked = list(first_of_kind.values())
    chosen = {id(other) for other in picked}
    picked += [other for other in ranked if id(other) not in chosen]
    return picked[:limit]


def book_order(laws: Iterable) -> list:
    """The Book of Laws in alphabetical order of the law's name, ignoring "The"."""
    return sorted(laws, key=lambda law: _ARTICLE_WORDS.sub("", str(law.title)).casefold())


def meta_description(html: str, limit: int = DESCRIPTION_MAX_CHARS) -> str:
    """Plain text for `<meta name="description">`: one line, cut at a word, at most `limit`."""
    text = _SPACES.sub(" ", Markup(html or "").striptags()).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.–—-")
    return f"{cut}…"
