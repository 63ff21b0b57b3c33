"""Each content rule produces its exact one-line message; advice is a warning."""

import shutil
from pathlib import Path

import pytest

from sage.rules import check_content
from sage.site import read_settings
from tests.conftest import FIXTURE_SITE, ROOT, THEME_SLUGS

SLUGS = THEME_SLUGS
LONG_BODY = " ".join(["The caller wanted a time and got one she could trust."] * 30)


@pytest.fixture
def content(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_SITE, root)
    monkeypatch.chdir(tmp_path)
    return root


def problems_for(content: Path) -> list[str]:
    settings = read_settings(ROOT / "pelicanconf.py", PATH=str(content))
    return [str(problem) for problem in check_content(settings, SLUGS)]


def write(content: Path, rel: str, text: str) -> None:
    (content / rel).write_text(text, encoding="utf-8")


def test_the_fixture_site_has_no_problems(content):
    assert problems_for(content) == []


def test_missing_title(content):
    write(content, "tips/2026-w50-x.md", f"Date: 2026-12-07\nSummary: s\n\n{LONG_BODY}\n")
    assert problems_for(content) == [
        "content/tips/2026-w50-x.md:1: error: Title is missing; add a first line such as "
        '"Title: Promise the callback time you can keep"'
    ]


def test_missing_date(content):
    write(content, "stories/x.md", f"Title: No date\nSummary: s\n\n{LONG_BODY}\n")
    assert problems_for(content) == [
        "content/stories/x.md:1: error: Date is missing; add a line such as "
        '"Date: 2026-11-16" to the header'
    ]


def test_date_that_does_not_parse(content):
    write(content, "laws/x.md", "Title: The Law of Later\nDate: next tuesday-ish\n\nLater.\n")
    assert problems_for(content) == [
        'content/laws/x.md:2: error: Date "next tuesday-ish" is not a date; write it as '
        'YYYY-MM-DD (time optional), e.g. "Date: 2026-11-16"'
    ]


def test_two_tips_in_one_week_names_both_files(content):
    write(
        content,
        "tips/zz-second.md",
        f"Title: Second\nDate: 2026-11-19\nSummary: s\n\n{LONG_BODY}\n",
    )
    assert problems_for(content) == [
        "content/tips/zz-second.md:2: error: Date puts this tip in 2026-W47, which already has "
        "content/tips/2026-w47-promise-the-callback.md; one tip per week: move one to a free week "
        '(`invoke calendar` shows them) or mark it "Status: draft"'
    ]


def test_week_is_read_in_the_site_timezone(content):
    # 03:00 UTC on Monday 23 November is still Sunday 22 November in New York: week 47.
    write(
        content,
        "tips/zz.md",
        f"Title: Late\nDate: 2026-11-23T03:00:00+00:00\nSummary: s\n\n{LONG_BODY}\n",
    )
    assert [p.split(": error")[0] for p in problems_for(content)] == ["content/tips/zz.md:2"]


def test_a_draft_does_not_take_the_week(content):
    write(
        content,
        "tips/zz.md",
        f"Title: Draft\nDate: 2026-11-19\nStatus: draft\nSummary: s\n\n{LONG_BODY}\n",
    )
    assert problems_for(content) == []


def test_unknown_theme_suggests_the_closest(content):
    write(
        content,
        "laws/x.md",
        "Title: The Law of X\nDate: 2026-01-01\nThemes: patience, empaty\n\nX.\n",
    )
    problems = problems_for(content)
    assert len(problems) == 1
    assert problems[0].startswith(
        'content/laws/x.md:3: error: Themes "empaty" is not a theme; did you mean "empathy"? '
        "use slugs from themes.toml: expectations, empathy,"
    )


def test_more_than_three_themes(content):
    write(
        content,
        "laws/x.md",
        "Title: The Law of X\nDate: 2026-01-01\n"
        "Themes: patience, empathy, recovery, loyalty\n\nX.\n",
    )
    assert problems_for(content) == [
        "content/laws/x.md:3: error: Themes lists 4 themes; keep one to three, primary first"
    ]


def test_status_and_category_are_checked(content):
    write(
        content,
        "laws/x.md",
        "Title: The Law of X\nDate: 2026-01-01\nStatus: live\nCategory: misc\n\nX.\n",
    )
    assert problems_for(content) == [
        'content/laws/x.md:3: error: Status "live" is not a status; use one of published, draft, hidden',
        "content/laws/x.md:4: error: Category is set by the folder (content/laws/); remove the Category line",
    ]


def test_two_posts_with_one_url(content):
    write(content, "laws/copy.md", "Title: The Law of the Other Line\nDate: 2026-01-01\n\nX.\n")
    assert problems_for(content) == [
        "content/laws/the-law-of-the-other-line.md:1: error: Title gives the same URL "
        "/laws/the-law-of-the-other-line/ as content/laws/copy.md; change the title or add a "
        'different "Slug:" line'
    ]


def test_advice_is_warnings_not_errors(content):
    write(content, "tips/2026-w50-short.md", "Title: Short\nDate: 2026-12-07\n\nToo short.\n")
    write(
        content,
        "stories/long-summary.md",
        f"Title: Long\nDate: 2026-01-01\nSummary: {'word ' * 40}\n\n{LONG_BODY}\n",
    )
    write(
        content,
        "laws/wordy.md",
        "Title: The Wordy Law\nDate: 2026-01-01\n\n"
        + "word " * 41
        + "\n\nCommentary may be long.\n",
    )
    assert problems_for(content) == [
        "content/laws/wordy.md:4: warning: law has 41 words in its first paragraph; a law is at most 40 "
        "(move the explanation to a second paragraph, the commentary)",
        "content/stories/long-summary.md:3: warning: Summary is 199 characters; shorten it to 160 or "
        "fewer (it becomes the email preheader and the search snippet)",
        'content/tips/2026-w50-short.md:1: warning: Summary is missing; add a line "Summary: …" of at '
        "most 160 characters (otherwise the first paragraph is used)",
        "content/tips/2026-w50-short.md:4: warning: tip has 2 words; a tip needs at least 250 "
        "(aim for 300–700)",
    ]


def test_a_file_outside_the_kind_folders_is_flagged(content):
    write(content, "stray.md", "Title: Lost\nDate: 2026-01-01\n\nx\n")
    assert problems_for(content) == [
        "content/stray.md:1: warning: this file is not in content/tips/, laws/, stories/ or pages/, "
        "so it is not published; move it into the folder of its kind"
    ]
