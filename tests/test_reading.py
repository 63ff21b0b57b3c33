"""Helpers the theme calls once per page: they must stay cheap as the site grows."""

import datetime as dt
import time
from types import SimpleNamespace

from sage.reading import book_order, meta_description, related_reading


def test_meta_description_is_one_line_cut_at_a_word():
    assert meta_description("<p>Give a window\nyou can  meet.</p>") == "Give a window you can meet."
    long = "<p>" + "Promise the callback time you can keep, then keep it. " * 5 + "</p>"
    cut = meta_description(long)
    assert len(cut) <= 160
    assert cut.endswith("keep…")


def test_book_order_ignores_a_leading_the():
    laws = [SimpleNamespace(title=t) for t in ("The Venting Rule", "Hamid's Law", "The Echo Rule")]
    assert [law.title for law in book_order(laws)] == [
        "The Echo Rule",
        "Hamid's Law",
        "The Venting Rule",
    ]


def _site(posts: int):
    themes = [SimpleNamespace(slug=f"t{i}", articles=[]) for i in range(11)]
    start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    items = []
    for n in range(posts):
        mine = [themes[n % 11], themes[(n * 7 + 3) % 11]]
        item = SimpleNamespace(
            url=f"x/{n}/",
            kind=("tip", "law", "story")[n % 3],
            themes=mine,
            date=start + dt.timedelta(days=n),
        )
        items.append(item)
    for item in reversed(items):  # theme lists are newest first, as the build makes them
        for theme in item.themes:
            theme.articles.append(item)
    return items


def test_related_reading_shares_a_theme_and_mixes_kinds():
    items = _site(60)
    item = items[10]
    related = related_reading(item)
    assert len(related) == 3
    assert item not in related
    assert len({other.kind for other in related}) == 3
    mine = {theme.slug for theme in item.themes}
    assert all(mine & {theme.slug for theme in other.themes} for other in related)


def test_related_reading_costs_the_same_on_a_big_site():
    small, big = _site(500), _site(5000)
    timings = []
    for items in (small, big):
        started = time.perf_counter()
        for item in items[:500]:
            related_reading(item)
        timings.append(time.perf_counter() - started)
    # Same number of pages rendered, ten times the posts: no growth beyond noise.
    assert timings[1] < timings[0] * 3 + 0.05
