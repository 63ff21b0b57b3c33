"""Content rules: what makes a post publishable, and what is only advice.

Errors stop the build; warnings are advice that `invoke check` prints. Every
problem is one line that names the file, the line, the field and the fix.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from pelican.utils import SafeDatetime, get_date, slugify

from sage.parallel import fork_map
from sage.sources import Source, count_words, find_sources, first_paragraph, read_source
from sage.weeks import week_of

ARTICLE_FOLDERS = ("tips", "laws", "stories")
STATUSES = ("published", "draft", "hidden")
DATE_EXAMPLE = "Date: 2026-11-16"


@dataclass(frozen=True, order=True)
class Problem:
    """One finding about one file; `str()` gives the `file:line: level: message` form."""

    path: str
    line: int
    level: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.level}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.level == "error"


class ContentError(Exception):
    """Raised by the build when a post breaks a rule; carries every error found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# Dates as authors write them; parsed directly, since dateutil (Pelican's get_date) is
# slow. Anything else goes to get_date, so every date still means what Pelican reads.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?(?:[+-]\d{2}:\d{2})?)?")


def parse_date(value: str) -> dt.datetime:
    """Parse a Date: value exactly as Pelican's reader does."""
    value = value.replace("_", " ").strip()
    if _ISO_DATE.fullmatch(value):
        try:
            return SafeDatetime.fromisoformat(value)
        except ValueError:
            pass  # e.g. 2026-02-30: get_date says why
    return get_date(value)


def aware_date(text: str, timezone: str) -> dt.datetime | None:
    """A Date: value as an aware datetime (naive dates are in the site's TIMEZONE)."""
    try:
        date = parse_date(text or "")
    except ValueError:
        return None
    return date if date.tzinfo else date.replace(tzinfo=ZoneInfo(timezone))


def split_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def post_slug(source: Source, settings: dict) -> str:
    """The slug Pelican will give this post (Slug: wins over the title)."""
    if source.get("slug"):
        return source.get("slug")
    return slugify(
        source.get("title") or "",
        regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
        preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
        use_unicode=settings.get("SLUGIFY_USE_UNICODE", False),
    )


def plain_text(markdown_text: str) -> str:
    """Markdown as the characters a reader sees (for length limits)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown_text)
    text = re.sub(r"<[^>]+>|[*_`]", "", text)
    return re.sub(r"\s+", " ", text).strip()


class _Checker:
    """Collects problems for one source; keeps the rule functions short."""

    def __init__(self, source: Source, display: str, problems: list[Problem]):
        self.source = source
        self.display = display
        self.problems = problems

    def error(self, field: str, message: str) -> None:
        line = self.source.line_of(field) if field else 1
        self.problems.append(Problem(self.display, line, "error", message))

    def warn(self, field: str, message: str, line: int | None = None) -> None:
        line = line or (self.source.line_of(field) if field else 1)
        self.problems.append(Problem(self.display, line, "warning", message))


def check_source(
    source: Source, display: str, settings: dict, theme_slugs: list[str]
) -> list[Problem]:
    """Rules that need only one file."""
    problems: list[Problem] = []
    check = _Checker(source, display, problems)
    is_article = source.folder in ARTICLE_FOLDERS

    title = source.get("title")
    if title is None:
        check.error(
            "",
            "Title is missing; add a first line such as "
            '"Title: Promise the callback time you can keep"',
        )
    elif not title.strip():
        check.error("title", 'Title is empty; write the post\'s title after "Title:"')
    elif not post_slug(source, settings):
        check.error(
            "title", f'Title "{title}" gives an empty URL; add a line such as "Slug: my-post"'
        )

    if source.status not in STATUSES:
        check.error(
            "status",
            f'Status "{source.get("status")}" is not a status; use one of {", ".join(STATUSES)}',
        )

    if not is_article:
        return problems

    date_text = source.get("date")
    if date_text is None:
        check.error("", f'Date is missing; add a line such as "{DATE_EXAMPLE}" to the header')
    else:
        try:
            parse_date(date_text)
        except ValueError:
            check.error(
                "date",
                f'Date "{date_text}" is not a date; write it as YYYY-MM-DD (time optional), '
                f'e.g. "{DATE_EXAMPLE}"',
            )

    if source.get("category") is not None:
        check.error(
            "category",
            f"Category is set by the folder (content/{source.folder}/); remove the Category line",
        )

    themes = source.get("themes")
    if themes is not None:
        slugs = split_list(themes)
        if not slugs:
            check.error(
                "themes", "Themes is empty; list one to three theme slugs or remove the line"
            )
        if len(slugs) > 3:
            check.error(
                "themes", f"Themes lists {len(slugs)} themes; keep one to three, primary first"
            )
        for slug in slugs:
            if slug not in theme_slugs:
                close = difflib.get_close_matches(slug, theme_slugs, n=1)
                hint = f'did you mean "{close[0]}"? ' if close else ""
                check.error(
                    "themes",
                    f'Themes "{slug}" is not a theme; {hint}use slugs from '
                    f"{settings.get('THEMES_FILE', 'themes.toml')}: {', '.join(theme_slugs)}",
                )

    _advice(check, source, settings)
    return problems


def _advice(check: _Checker, source: Source, settings: dict) -> None:
    """Warnings: things an editor would flag, none of which stops a build."""
    summary = source.get("summary")
    limit = settings.get("SAGE_SUMMARY_MAX_CHARS", 160)
    if summary is not None and len(plain_text(summary)) > limit:
        check.warn(
            "summary",
            f"Summary is {len(plain_text(summary))} characters; shorten it to {limit} or fewer "
            "(it becomes the email preheader and the search snippet)",
        )
    if summary is None and source.folder in ("tips", "stories"):
        check.warn(
            "",
            f'Summary is missing; add a line "Summary: …" of at most {limit} characters '
            "(otherwise the first paragraph is used)",
        )
    if source.folder == "tips":
        words = count_words(source.body)
        minimum = settings.get("SAGE_TIP_MIN_WORDS", 250)
        if words < minimum:
            check.warn(
                "",
                f"tip has {words} words; a tip needs at least {minimum} (aim for 300–700)",
                line=source.body_line,
            )
    if source.folder == "laws":
        words = count_words(first_paragraph(source.body))
        maximum = settings.get("SAGE_LAW_MAX_WORDS", 40)
        if words > maximum:
            check.warn(
                "",
                f"law has {words} words in its first paragraph; a law is at most {maximum} "
                "(move the explanation to a second paragraph, the commentary)",
                line=source.body_line,
            )


@dataclass(frozen=True)
class SourceFacts:
    """What the rules across files need to know about one post (cacheable)."""

    display: str
    folder: str
    slug: str
    week: str | None  # tips that hold a week (not drafts) only
    date_line: int
    url_line: int


def facts_of(source: Source, display: str, settings: dict) -> SourceFacts:
    week = None
    if source.folder == "tips" and source.status != "draft":
        try:
            week = week_of(parse_date(source.get("date") or ""), settings.get("TIMEZONE"))
        except ValueError:
            week = None
    url_line = source.line_of("slug") if source.get("slug") else source.line_of("title")
    return SourceFacts(
        display, source.folder, post_slug(source, settings), week, source.line_of("date"), url_line
    )


def check_site_rules(facts: list[SourceFacts]) -> list[Problem]:
    """Rules across files: one tip per week, one post per URL."""
    problems: list[Problem] = []
    tips_by_week: dict[str, list[SourceFacts]] = defaultdict(list)
    by_url: dict[str, list[SourceFacts]] = defaultdict(list)
    for fact in facts:
        if fact.folder not in ARTICLE_FOLDERS and fact.folder != "pages":
            continue
        if fact.slug:
            by_url[f"{fact.folder}/{fact.slug}"].append(fact)
        if fact.week:
            tips_by_week[fact.week].append(fact)
    for week, tips in sorted(tips_by_week.items()):
        for other in tips[1:]:
            problems.append(
                Problem(
                    other.display,
                    other.date_line,
                    "error",
                    f"Date puts this tip in {week}, which already has {tips[0].display}; "
                    "one tip per week: move one to a free week (`invoke calendar` shows them) "
                    'or mark it "Status: draft"',
                )
            )
    for url, posts in sorted(by_url.items()):
        for other in posts[1:]:
            problems.append(
                Problem(
                    other.display,
                    other.url_line,
                    "error",
                    f"Title gives the same URL /{url}/ as {posts[0].display}; change the title "
                    'or add a different "Slug:" line',
                )
            )
    return problems


def display_path(path: Path) -> str:
    """A path as the author typed it: relative to the working folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def stray_files(content_root: Path) -> list[Problem]:
    """Markdown files outside the kind folders: Pelican would silently skip them."""
    known = set(ARTICLE_FOLDERS) | {"pages"}
    problems = []
    for path in sorted(content_root.rglob("*.md")):
        rel = path.relative_to(content_root)
        if rel.parts[0] in known or any(part.startswith(".") for part in rel.parts):
            continue
        problems.append(
            Problem(
                display_path(path),
                1,
                "warning",
                "this file is not in content/tips/, laws/, stories/ or pages/, so it is not "
                "published; move it into the folder of its kind",
            )
        )
    return problems


def check_content(
    settings: dict, theme_slugs: list[str], cache: dict | None = None, workers: int = 1
) -> list[Problem]:
    """Every rule over the content folder named by settings["PATH"], sorted by file and line.

    With `cache` (a dict kept between builds), a file whose size and modification time
    are unchanged is not read again: its facts and problems are reused. The files to
    read are shared between `workers` processes.
    """
    content_root = Path(settings["PATH"])
    known = cache if cache is not None else {}
    checked: dict[str, tuple] = {}
    todo: list[tuple] = []
    root, root_display = str(content_root) + os.sep, display_path(content_root)
    for path in find_sources(content_root):
        name = str(path)
        if name.startswith(root):  # display_path(path), without resolving every file
            display = f"{root_display}/{name[len(root) :].replace(os.sep, '/')}"
        else:
            display = display_path(path)
        stat = os.stat(name)
        key = (stat.st_mtime_ns, stat.st_size, display, tuple(theme_slugs))
        cached = known.get(name)
        if cached is not None and cached[0] == key:
            checked[name] = cached
        else:
            checked[name] = None
            todo.append((name, key, path, display))

    def check(job: tuple) -> tuple:
        _, key, path, display = job
        return (key, *_check_file(path, content_root, display, settings, theme_slugs))

    for job, result in zip(todo, fork_map(check, todo, workers), strict=True):
        checked[job[0]] = result
    if cache is not None:
        cache.clear()
        cache.update(checked)
    facts = [fact for _, fact, _ in checked.values() if fact is not None]
    problems = [problem for _, _, found in checked.values() for problem in found]
    problems.extend(check_site_rules(facts))
    problems.extend(stray_files(content_root))
    return sorted(problems)


def _check_file(
    path: Path, content_root: Path, display: str, settings: dict, theme_slugs: list[str]
) -> tuple[SourceFacts | None, list[Problem]]:
    try:
        source = read_source(path, content_root)
    except UnicodeDecodeError:
        return None, [Problem(display, 1, "error", "the file is not UTF-8 text; save it as UTF-8")]
    return facts_of(source, display, settings), check_source(source, display, settings, theme_slugs)
