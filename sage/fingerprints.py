"""Fingerprints of what a page shows, so an unchanged page is not rendered again.

A page's fingerprint hashes everything its template reads that can change
between builds without a code, theme or settings change (those reset the whole
build cache): an article page depends on the article itself, its previous and
next posts and its related reading; every other page (lists, home, themes, tags,
archives) depends on how every post is listed; the newsletter's pages on their
issue. Editing a post's body re-renders its own page (and its newsletter issue);
changing a title or a summary re-renders the pages that list it.
"""

from __future__ import annotations

import hashlib
import pickle

from sage.reading import related_candidates


def digest(*parts) -> str:
    """A short stable hash of plain values (str, int, tuples, lists, dicts)."""
    return hashlib.blake2b(pickle.dumps(parts, protocol=4), digest_size=16).hexdigest()


def listing(item) -> tuple:
    """What a list, a teaser or a link shows of a post or page (once per item and build:
    by then a post is final)."""
    if item is None:
        return ()
    memo = getattr(item, "__dict__", {})
    if "_sage_listing" not in memo:
        memo["_sage_listing"] = _listing(item)
    return memo["_sage_listing"]


def _listing(item) -> tuple:
    kind = getattr(item, "kind", None)
    return (
        item.url,
        str(item.title),
        str(getattr(item, "date", "")),
        getattr(item, "locale_date", ""),
        item.status,
        kind,
        getattr(item, "week", None),
        getattr(item, "week_label", None),
        str(getattr(item, "summary", "")),
        [theme.slug for theme in getattr(item, "themes", None) or []],
        [str(tag) for tag in getattr(item, "tags", None) or []],
        getattr(item, "attribution", None),
        str(getattr(item, "law_text", "")),
        getattr(item, "reading_minutes", None),
        getattr(item, "description", None),
        getattr(item, "slug", ""),
    )


def site_listing(context: dict) -> str:
    """How every post, page and issue is listed: what every list page depends on."""
    posts = [
        listing(item)
        for name in (
            "articles",
            "drafts",
            "hidden_articles",
            "pages",
            "hidden_pages",
            "draft_pages",
        )
        for item in context.get(name) or []
    ]
    issues = [
        (issue.week, issue.url, issue.subject, issue.preheader, issue.status)
        for issue in context.get("newsletter_issues") or []
    ]
    themes = [(theme.slug, theme.count) for theme in context.get("themes") or []]
    return digest(posts, issues, themes, context.get("current_week"))


class PageFingerprints:
    """Fingerprints for the pages of one build (the site-wide parts are computed once)."""

    def __init__(self, context: dict):
        self.context = context
        self._site: str | None = None
        self._nav: str | None = None

    @property
    def site(self) -> str:
        if self._site is None:
            self._site = site_listing(self.context)
        return self._site

    @property
    def nav(self) -> str:
        """The navigation every page carries: the pages, the themes' names, the links
        that come and go with the site (past issues, search) and its search shards."""
        if self._nav is None:
            context = self.context
            pages = [listing(page) for page in context.get("pages") or []]
            themes = [(t.slug, t.name, t.url) for t in context.get("themes") or []]
            links = [context.get(name) for name in ("newsletter_url", "search_url")]
            self._nav = digest(pages, themes, links, context.get("search_shards"))
        return self._nav

    def page(self, name: str, template_name: str | None, kwargs: dict) -> str:
        article = kwargs.get("article")
        if article is not None:
            # Related reading is picked from these; their listings say all it looks at.
            related = [listing(other) for other in related_candidates(article)]
            return digest(
                "article", name, self.nav, listing(article), article.content,
                str(getattr(article, "modified", "")),
                listing(getattr(article, "prev_article_in_category", None)),
                listing(getattr(article, "next_article_in_category", None)),
                related,
            )  # fmt: skip
        issue = kwargs.get("issue")
        if issue is not None:
            return digest("issue", name, self.nav, issue_fields(issue))
        page = kwargs.get("page")
        extra = page.content if page is not None else ""
        return digest("list", name, template_name, self.site, self.nav, extra)


def search_document(article, version: str) -> str:
    """What a post's search document shows (theme/templates/_post.html): its listing,
    its text and its themes' names, under `version` (the build state's key: code,
    theme and settings, which the document's fingerprint must cover too)."""
    themes = [(theme.slug, theme.name) for theme in getattr(article, "themes", None) or []]
    return digest("search", version, listing(article), article.content, themes)


def issue_fields(issue) -> tuple:
    """What the newsletter's web page and email show of an issue (the tip's text, the
    law's and the story's listings, the links), without rendering any of it."""
    return (
        issue.week, issue.week_label, issue.status, issue.subject, issue.preheader,
        issue.tip_url, listing(issue.tip), issue.tip.content, issue.law_url,
        listing(issue.law), issue.story_url, listing(issue.story), issue.home_url,
        issue.web_url, issue.index_url, issue.url, issue.siteurl,
    )  # fmt: skip
