"""An incremental build's output is byte-identical to a clean build's.

One output folder is rebuilt after each change to a generated site (edits, new
posts, renames, deletions, theme and taxonomy changes); after every step a clean
build of the same sources into a fresh folder must give exactly the same files,
newsletter issues included.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from benchmarks.corpus import generate
from sage.site import build
from tests.conftest import FIXTURE_WEEK, ROOT

SETTINGS = ROOT / "pelicanconf.py"


def tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def site_files(parent: Path) -> dict[str, bytes]:
    """The built site and the newsletter issues written beside it."""
    files = {f"output/{name}": data for name, data in tree(parent / "output").items()}
    issues = parent / "newsletter-issues"
    if issues.is_dir():
        files.update({f"issues/{name}": data for name, data in tree(issues).items()})
    return files


def build_into(content: Path, parent: Path) -> dict:
    return build(
        SETTINGS,
        PATH=str(content),
        OUTPUT_PATH=str(parent / "output"),
        CACHE_PATH=str(parent / ".cache"),
        SAGE_CURRENT_WEEK=FIXTURE_WEEK,
    )


def replace(path: Path, pattern: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    changed = re.sub(pattern, new, text, count=1, flags=re.M)
    assert changed != text, f"{pattern!r} not found in {path.name}"
    path.write_text(changed, encoding="utf-8")


def edit_tip_text(content: Path) -> None:
    tip = content / "tips" / "2026-w45-tip-2.md"
    tip.write_text(tip.read_text(encoding="utf-8") + "\nOne more line, added later.\n")


def retitle_law(content: Path) -> None:
    law = sorted((content / "laws").glob("*.md"))[3]
    replace(law, r"^Title: .*$", "Title: The Law of Aardvark Queues")


def add_posts(content: Path) -> None:
    (content / "stories" / "new-story.md").write_text(
        "Title: The parcel that came back twice\nDate: 2026-11-18\n"
        "Summary: A courier, a wrong address and an agent who called first.\n\n"
        "The parcel came back twice before anyone called the customer. The agent who "
        "finally called apologised, confirmed the address and promised a time.\n\n"
        "It arrived that afternoon, and the customer wrote to thank her.\n",
        encoding="utf-8",
    )
    (content / "tips" / "2026-w49-queued.md").write_text(
        "Title: Say when you will call back\nDate: 2026-11-30\n"
        "Summary: A time, not a promise.\n\n" + ("Name the hour you will call back. " * 90),
        encoding="utf-8",
    )


def rename_posts(content: Path) -> None:
    story = sorted((content / "stories").glob("story-*.md"))[0]
    story.rename(story.with_name("renamed-" + story.name))  # same Slug: line, same URL
    tip = content / "tips" / "2026-w44-tip-3.md"
    replace(tip, r"^Slug: .*$", "Slug: a-brand-new-address")  # the URL changes
    tip.rename(tip.with_name("2026-w44-moved.md"))


def delete_posts(content: Path) -> None:
    sorted((content / "laws").glob("*.md"))[0].unlink()
    (content / "tips" / "2026-w46-tip-1.md").unlink()


def change_themes(content: Path) -> None:
    tip = content / "tips" / "2026-w47-tip-0.md"
    replace(tip, r"^(Date: .*)$", r"\1\nThemes: patience, empathy")
    taxonomy = content / "themes.toml"
    replace(taxonomy, r'^description = "(.*)"$', r'description = "\1 Now with more to read."')


STEPS = [
    ("nothing changed", lambda content: None),
    ("one tip's text edited", edit_tip_text),
    ("a law retitled", retitle_law),
    ("a story and a queued tip added", add_posts),
    ("posts renamed, one to a new URL", rename_posts),
    ("a law and a tip deleted", delete_posts),
    ("explicit themes and the taxonomy changed", change_themes),
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return generate(60, tmp_path_factory.mktemp("corpus") / "content", seed=11)


def test_incremental_builds_equal_clean_builds(corpus, tmp_path):
    incremental = tmp_path / "incremental"
    build_into(corpus, incremental)
    for number, (name, change) in enumerate(STEPS):
        change(corpus)
        build_into(corpus, incremental)
        clean = tmp_path / f"clean-{number}"
        build_into(corpus, clean)
        got, want = site_files(incremental), site_files(clean)
        missing = sorted(set(want) - set(got))
        extra = sorted(set(got) - set(want))
        differ = sorted(path for path in set(got) & set(want) if got[path] != want[path])
        assert (missing, extra, differ) == ([], [], []), f"after step {number}: {name}"
        shutil.rmtree(clean)


def test_a_build_with_nothing_changed_does_nothing(corpus, tmp_path):
    parent = tmp_path / "site"
    assert not build_into(corpus, parent).get("SAGE_UP_TO_DATE")
    assert build_into(corpus, parent).get("SAGE_UP_TO_DATE")
    page = next((parent / "output" / "tips").glob("*/index.html"))
    page.unlink()  # a produced file went missing: build again
    assert not build_into(corpus, parent).get("SAGE_UP_TO_DATE")
    assert page.is_file()


def test_the_output_expires_when_a_week_starts_or_a_queued_post_is_due():
    import datetime as dt
    from types import SimpleNamespace

    from sage.freshness import valid_until

    now = dt.datetime.now(dt.UTC)
    soon = SimpleNamespace(date=now + dt.timedelta(hours=2))
    past = SimpleNamespace(date=now - dt.timedelta(days=3))
    fixed = {"SAGE_CURRENT_WEEK": FIXTURE_WEEK, "TIMEZONE": "UTC"}
    assert valid_until(fixed, {"drafts": [soon], "articles": [past]}) == soon.date.timestamp()
    assert valid_until(fixed, {"articles": [past]}) is None
    monday = valid_until({"TIMEZONE": "UTC"}, {"articles": [past]})
    start = dt.datetime.fromtimestamp(monday, dt.UTC)
    assert (start.weekday(), start.hour, start.minute) == (0, 0, 0)
    assert dt.timedelta(0) < start - now <= dt.timedelta(days=7)
