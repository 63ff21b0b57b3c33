"""The site's public contracts: index.json, Atom and JSON feeds, robots.txt.

Also puts the week's picks in the template context (this week's tip, the law of
the week, the latest stories), so the home page shows what the newsletter sends.
"""

import json
import logging
from pathlib import Path

from markupsafe import Markup
from pelican import signals
from pelican.generators import Generator

from sage.feeds import FeedInfo, queue_feeds
from sage.files import write_if_changed
from sage.fingerprints import digest, listing
from sage.urls import site_url
from sage.weekly import laws_by_week, tip_of_week
from sage.weeks import current_week

logger = logging.getLogger(__name__)


def index_entry(article, siteurl: str) -> dict:
    """One item of output/index.json: metadata only, never HTML."""
    return {
        "url": site_url(siteurl, article.url),
        "title": str(article.title),
        "date": article.date.isoformat(),
        "kind": article.kind,
        "week": article.week,
        "themes": [theme.slug for theme in article.themes],
        "summary": Markup(article.summary).striptags(),
    }


def index_document(articles: list, siteurl: str) -> str:
    items = sorted(articles, key=lambda a: a.date, reverse=True)
    document = {"items": [index_entry(article, siteurl) for article in items]}
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def write_index(path: str, articles: list, siteurl: str) -> None:
    write_if_changed(Path(path), index_document(articles, siteurl))


def robots_txt(siteurl: str) -> str:
    lines = ["User-agent: *", "Disallow: /drafts/", ""]
    if siteurl:
        lines.insert(2, f"Sitemap: {siteurl}/sitemap.xml")
    return "\n".join(lines) + "\n"


class SiteOutputsGenerator(Generator):
    """Computes the week's picks, then writes index.json, feeds and robots.txt."""

    def generate_context(self):
        articles = self.context.get("articles", [])
        by_kind = {"tip": [], "law": [], "story": []}
        for article in articles:
            by_kind[article.kind].append(article)
        week = self.settings.get("SAGE_CURRENT_WEEK") or current_week(self.settings["TIMEZONE"])
        tip = tip_of_week(by_kind["tip"], week)
        picks = laws_by_week(by_kind["tip"], by_kind["law"])
        self.context.update(
            current_week=week,
            tips=by_kind["tip"],
            laws=by_kind["law"],
            stories=by_kind["story"],
            tip_of_the_week=tip,
            law_of_the_week=picks.get(tip.week) if tip else None,
            laws_by_week=picks,
            latest_stories=by_kind["story"][:3],
        )

    def generate_output(self, writer):
        settings = self.settings
        siteurl = settings.get("SITEURL", "")
        articles = self.context.get("articles", [])
        index = str(Path(self.output_path, "index.json"))
        defer = getattr(writer, "defer", None)
        if defer is None:
            write_index(index, articles, siteurl)
        else:  # skipped when no post's listing changed (plugins/sage_build)
            inputs = [listing(article) for article in articles]
            defer(write_index, index, articles, siteurl,
                  fingerprint=digest("index", inputs), outputs=(index,))  # fmt: skip
        write_if_changed(Path(self.output_path, "robots.txt"), robots_txt(siteurl))
        sitename = settings["SITENAME"]
        feeds = [
            (
                FeedInfo(
                    sitename,
                    settings.get("SITE_TAGLINE", ""),
                    "",
                    "feeds/all.atom.xml",
                    "feeds/all.json",
                ),
                articles,
            )
        ]
        for folder, info in settings["SAGE_KINDS"].items():
            feeds.append(
                (
                    FeedInfo(
                        f"{sitename}: {info['name']}",
                        f"{info['name']} from {sitename}",
                        settings["CATEGORY_URL"].format(slug=folder),
                        f"feeds/{folder}.atom.xml",
                        f"feeds/{folder}.json",
                    ),
                    [a for a in articles if a.kind == info["kind"]],
                )
            )
        for feed, items in feeds:
            queue_feeds(writer, self.output_path, feed, items, settings)


def get_generators(_pelican):
    return SiteOutputsGenerator


def register():
    signals.get_generators.connect(get_generators)
