"""Built issues on disk: the one hand-off between the build and delivery.

The build writes one folder per week, next to the site's output and never inside
it (queued and draft tips must not reach the public site):

    newsletter-issues/2026-W47/issue.json   what delivery needs to know
    newsletter-issues/2026-W47/email.html   the HTML part, CSS inlined
    newsletter-issues/2026-W47/email.txt    the plain-text part

Delivery reads these files only: it never re-reads Markdown or imports Pelican.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sage.files import write_if_changed
from sage.weeks import WEEK_RE, normalize_week

FOLDER_NAME = "newsletter-issues"
META, HTML, TEXT = "issue.json", "email.html", "email.txt"


class IssueError(Exception):
    """No usable built issue for the week; the message says what to do."""


@dataclass
class Issue:
    """One week's email as built: metadata plus both bodies."""

    week: str
    week_label: str
    title: str
    subject: str
    preheader: str
    status: str  # "published", "queued" or "draft"
    date: str  # the tip's date, ISO 8601 with offset
    source: str  # the tip's Markdown file, for messages
    url: str  # the tip's public URL
    web_url: str  # the issue's public web version
    siteurl: str
    timezone: str
    from_name: str
    reply_to: str
    themes: list[str] = field(default_factory=list)
    # Mailchimp interest targeting: {"category_id": ..., "interest_ids": [...]} or None.
    audience: dict | None = None
    html: str = field(default="", repr=False)
    text: str = field(default="", repr=False)

    @property
    def campaign_title(self) -> str:
        """The campaign's unique title in Mailchimp: how a re-run finds it."""
        return f"tip-{self.week}"

    @property
    def html_bytes(self) -> int:
        return len(self.html.encode("utf-8"))

    def metadata(self) -> dict:
        data = asdict(self)
        del data["html"], data["text"]
        return data


def issues_folder(output_path: str | Path, setting: str = "") -> Path:
    """Where a build whose site goes to `output_path` writes its issues.

    NEWSLETTER_ISSUES_PATH if set (relative to the output's parent folder), else
    `newsletter-issues/` beside the output folder.
    """
    parent = Path(output_path).resolve().parent
    return parent / (setting or FOLDER_NAME)


def issue_files(folder: Path, week: str) -> list[Path]:
    """The files of one built issue."""
    return [folder / week / name for name in (HTML, TEXT, META)]


def write_issue(folder: Path, issue: Issue) -> None:
    """Write one issue; issue.json last, so a reader never sees it without its bodies."""
    target = folder / issue.week
    write_if_changed(target / HTML, issue.html)
    write_if_changed(target / TEXT, issue.text)
    meta = json.dumps(issue.metadata(), ensure_ascii=False, indent=1) + "\n"
    write_if_changed(target / META, meta)


def remove_stale(folder: Path, keep: set[str]) -> None:
    """Delete the issue folders of weeks that no longer have a tip."""
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if entry.is_dir() and WEEK_RE.match(entry.name) and entry.name not in keep:
            shutil.rmtree(entry)


def load_issue(folder: Path, week: str) -> Issue:
    """The built issue for `week`; IssueError says why there is none."""
    week = normalize_week(week)
    if not folder.is_dir():
        raise IssueError(f"no built issues in {folder}; build them first (drop --no-build)")
    meta = folder / week / META
    if not meta.is_file():
        raise IssueError(
            f"no tip for {week}: no tip in content/tips/ is dated in that week; "
            'write one with `invoke new tip "Title"` or choose another --week'
        )
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
        issue = Issue(**data)
        issue.html = (folder / week / HTML).read_text(encoding="utf-8")
        issue.text = (folder / week / TEXT).read_text(encoding="utf-8")
    except (OSError, ValueError, TypeError) as error:
        raise IssueError(
            f"the built issue in {folder / week} is unreadable ({error}); build again"
        ) from None
    return issue
