"""Atom and JSON Feed 1.1 for a list of posts.

Pelican's own feed writer strips tags from titles (so a title that contains
"<b>" loses words); here a title is always text, escaped by the XML writer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

from feedgenerator import Atom1Feed
from markupsafe import Markup
from pelican.utils import set_date_tzinfo

from sage.files import write_if_changed
from sage.fingerprints import digest, listing
from sage.urls import absolutize, site_url

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


@dataclass(frozen=True)
class FeedInfo:
    """What a feed is: its title, the page it mirrors and where it is written."""

    title: str
    description: str
    home_url: str  # site-relative, e.g. "tips/"
    atom_path: str  # site-relative, e.g. "feeds/tips.atom.xml"
    json_path: str


def tag_uri(siteurl: str, url: str, published) -> str:
    """A permanent Atom id (RFC 4151): tag:<host>,<date>:/<url>."""
    host = urlsplit(siteurl).hostname or "localhost"
    return f"tag:{host},{published:%Y-%m-%d}:/{url}"


def _item(article, settings: dict) -> dict:
    siteurl = settings.get("SITEURL", "")
    timezone = settings.get("TIMEZONE")
    link = site_url(siteurl, article.url)
    content = absolutize(article.get_content(siteurl), siteurl)
    summary = absolutize(article.get_summary(siteurl), siteurl)
    published = set_date_tzinfo(article.date, timezone)
    modified = getattr(article, "modified", None)
    return {
        "title": str(article.title),
        "link": link,
        "id": tag_uri(siteurl, article.url, published),
        "content": content,
        "summary": summary,
        "summary_text": Markup(summary).striptags(),
        "published": published,
        "modified": set_date_tzinfo(modified, timezone) if modified else published,
        "author": getattr(getattr(article, "author", None), "name", "") or "",
        "tags": [theme.name for theme in getattr(article, "themes", None) or []],
    }


# An empty feed (a theme no post has yet) still needs an <updated>; feedgenerator gives
# it the time of the build, so two builds of the same sources would differ.
EMPTY_FEED_UPDATED = datetime(1970, 1, 1, tzinfo=UTC)


class _Atom1Feed(Atom1Feed):
    def latest_post_date(self) -> datetime:
        return super().latest_post_date() if self.items else EMPTY_FEED_UPDATED


def atom_feed(info: FeedInfo, articles: list, settings: dict) -> str:
    """The Atom 1.0 document for `articles` (newest first, at most SAGE_FEED_MAX_ITEMS)."""
    siteurl = settings.get("SITEURL", "")
    feed = _Atom1Feed(
        title=info.title,
        link=site_url(siteurl, info.home_url),
        feed_url=site_url(siteurl, info.atom_path),
        description=info.description,
        language=settings.get("DEFAULT_LANG", "en"),
    )
    for article in articles[: settings.get("SAGE_FEED_MAX_ITEMS", 50)]:
        item = _item(article, settings)
        feed.add_item(
            title=item["title"],
            link=item["link"],
            unique_id=item["id"],
            description=item["summary"],
            content=item["content"],
            author_name=item["author"],
            pubdate=item["published"],
            updateddate=item["modified"],
            categories=item["tags"] or None,
        )
    out = StringIO()
    feed.write(out, "utf-8")
    return out.getvalue()


def json_feed(info: FeedInfo, articles: list, settings: dict) -> str:
    """The JSON Feed 1.1 document for `articles`."""
    siteurl = settings.get("SITEURL", "")
    items = []
    for article in articles[: settings.get("SAGE_FEED_MAX_ITEMS", 50)]:
        item = _item(article, settings)
        entry = {
            "id": item["link"],
            "url": item["link"],
            "title": item["title"],
            "content_html": item["content"],
            "summary": item["summary_text"],
            "date_published": item["published"].isoformat(),
            "date_modified": item["modified"].isoformat(),
        }
        if item["tags"]:
            entry["tags"] = item["tags"]
        if item["author"]:
            entry["authors"] = [{"name": item["author"]}]
        items.append(entry)
    document = {
        "version": JSON_FEED_VERSION,
        "title": info.title,
        "home_page_url": site_url(siteurl, info.home_url),
        "feed_url": site_url(siteurl, info.json_path),
        "description": info.description,
        "language": settings.get("DEFAULT_LANG", "en"),
        "authors": [{"name": settings.get("AUTHOR") or settings.get("SITENAME", "")}],
        "items": items,
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def write_feeds(output_path: str, info: FeedInfo, articles: list, settings: dict) -> None:
    """Write the Atom and the JSON feed for `articles` below `output_path`."""
    write_if_changed(Path(output_path, info.atom_path), atom_feed(info, articles, settings))
    write_if_changed(Path(output_path, info.json_path), json_feed(info, articles, settings))


def queue_feeds(writer, output_path: str, info: FeedInfo, articles: list, settings: dict) -> None:
    """Write the feeds now, or with the pages when the writer defers work: then the
    feeds are skipped when none of their items changed (plugins/sage_build)."""
    articles = articles[: settings.get("SAGE_FEED_MAX_ITEMS", 50)]
    defer = getattr(writer, "defer", None)
    if defer is None:
        write_feeds(output_path, info, articles, settings)
        return
    items = [
        (listing(article), article.content, str(getattr(article, "modified", "")),
         str(getattr(article, "author", "")))
        for article in articles
    ]  # fmt: skip
    defer(
        write_feeds, output_path, info, articles, settings,
        fingerprint=digest("feeds", info, items),
        outputs=(str(Path(output_path, info.atom_path)), str(Path(output_path, info.json_path))),
    )  # fmt: skip
