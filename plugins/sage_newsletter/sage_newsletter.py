"""The newsletter issue of every tip: the email (HTML + plain text) and its web version.

Each issue is rendered once per build, from the theme's email templates
(theme/email/) with the site's own Jinja environment, so the site and the email
never disagree. Emails go to a folder beside the output (newsletter/issues.py
says where and why); published issues get a public web version at
/newsletter/<week>/ and an index at /newsletter/. Queued and draft tips get
emails for preview and scheduling, but web pages only where drafts go.
"""

import logging
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from time import perf_counter

from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader
from markupsafe import Markup
from pelican import signals
from pelican.generators import Generator

from newsletter.compose import MAX_HTML_BYTES, absolute_links, compose_email
from newsletter.issues import Issue, issue_files, issues_folder, remove_stale, write_issue
from sage.fingerprints import digest, issue_fields
from sage.templating import first_paragraph, plain
from sage.urls import site_url
from sage.weekly import laws_for_issues, stories_by_week

logger = logging.getLogger(__name__)
STATUS_ORDER = {"published": 0, "queued": 1, "draft": 2}
PREHEADER_PADDING = Markup("&#847;&zwnj;&nbsp;" * 30)
DEFAULTS = {
    "NEWSLETTER_SUBJECT": "Tip of the week: {title}",
    "NEWSLETTER_FROM_NAME": "",  # SITENAME when empty
    "NEWSLETTER_REPLY_TO": "",
    "NEWSLETTER_INTERESTS": None,
    "NEWSLETTER_ISSUES_PATH": "",
    "NEWSLETTER_TEMPLATES": "email",  # folder in the theme
    "NEWSLETTER_URL": "newsletter/{week}/",
    "NEWSLETTER_SAVE_AS": "newsletter/{week}/index.html",
    "NEWSLETTER_DRAFT_URL": "drafts/newsletter/{week}/",
    "NEWSLETTER_DRAFT_SAVE_AS": "drafts/newsletter/{week}/index.html",
    "NEWSLETTER_INDEX_URL": "newsletter/",
    "NEWSLETTER_INDEX_SAVE_AS": "newsletter/index.html",
}


class NewsletterSettingError(Exception):
    """A NEWSLETTER_ setting that cannot work; the message names it and the fix."""


def newsletter_settings(settings: dict) -> dict:
    """Every NEWSLETTER_ setting, defaults filled in: the one place they are read."""
    values = {name: settings.get(name, default) for name, default in DEFAULTS.items()}
    values["NEWSLETTER_FROM_NAME"] = values["NEWSLETTER_FROM_NAME"] or settings["SITENAME"]
    # Queued and draft issues get web pages only where the build writes drafts.
    if not settings.get("DRAFT_SAVE_AS"):
        values["NEWSLETTER_DRAFT_SAVE_AS"] = ""
    return values


def audience(interests: dict | None, themes: list[str]) -> dict | None:
    """The Mailchimp interests a tip's campaign targets, or None for the whole list."""
    if not interests:
        return None
    category, every_tip = interests.get("category_id"), interests.get("every_tip")
    if not category or not every_tip:
        raise NewsletterSettingError(
            "NEWSLETTER_INTERESTS needs a category_id and an every_tip interest id; "
            "set both, or set NEWSLETTER_INTERESTS = None to send to the whole list"
        )
    by_theme = interests.get("themes") or {}
    ids = [every_tip] + [by_theme[slug] for slug in themes if slug in by_theme]
    return {"category_id": category, "interest_ids": list(dict.fromkeys(ids))}


def subject_line(pattern: str, title: str, week: str, sitename: str) -> str:
    """NEWSLETTER_SUBJECT filled in: {title}, {week} and {sitename} are available."""
    try:
        return pattern.format(title=title, week=week, sitename=sitename)
    except (KeyError, IndexError, ValueError) as error:
        raise NewsletterSettingError(
            f"NEWSLETTER_SUBJECT {pattern!r} does not format ({error!r}); "
            "use only the fields {title}, {week} and {sitename}"
        ) from None


def check_settings(options: dict) -> None:
    """Fail early, once, on a NEWSLETTER_ setting that would break every issue."""
    subject_line(options["NEWSLETTER_SUBJECT"], "Title", "2026-W01", "Site")
    audience(options["NEWSLETTER_INTERESTS"], [])


@dataclass
class IssueView:
    """One issue as the email and web templates see it."""

    week: str
    week_label: str
    status: str
    tip: object
    law: object | None
    story: object | None
    subject: str
    preheader: str
    tip_url: str  # absolute when SITEURL is set, public even for a queued tip
    law_url: str
    story_url: str
    home_url: str
    web_url: str
    index_url: str
    url: str  # site-relative URL of the web version
    save_as: str
    siteurl: str = ""
    preheader_padding: Markup = PREHEADER_PADDING

    # The HTML parts are made when a template first asks (only changed issues render).
    @cached_property
    def tip_html(self) -> Markup:
        return Markup(absolute_links(self.tip.get_content(self.siteurl), self.tip_url))

    @cached_property
    def law_text(self) -> Markup:
        if self.law is None:
            return Markup("")
        text = first_paragraph(self.law.get_content(self.siteurl))
        return Markup(absolute_links(text, self.law_url))

    @cached_property
    def story_summary(self) -> Markup:
        if self.story is None:
            return Markup("")
        return Markup(absolute_links(self.story.get_summary(self.siteurl), self.story_url))


def public_url(article, settings: dict) -> str:
    """The article's URL once published: a queued tip's future address, not /drafts/."""
    if article.status == "published":
        return article.url
    return settings["ARTICLE_URL"].format(**article.url_format)


def issue_tips(articles: list, drafts: list) -> list:
    """The tip of every week: a published tip wins over a queued one, a queued over a draft."""
    best: dict[str, object] = {}
    for tip in (a for a in [*articles, *drafts] if a.kind == "tip"):
        current = best.get(tip.week)
        if current is None or STATUS_ORDER[issue_status(tip)] < STATUS_ORDER[issue_status(current)]:
            best[tip.week] = tip
    return sorted(best.values(), key=lambda tip: tip.week)


def issue_status(tip) -> str:
    if tip.status == "published":
        return "published"
    return "queued" if tip.queued else "draft"


class NewsletterGenerator(Generator):
    """Renders every tip's issue: the email for delivery and the page for readers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = newsletter_settings(self.settings)
        try:
            check_settings(self.options)
        except NewsletterSettingError as error:
            logger.error("%s", error)  # fatal in our builds: stops with this line
            raise
        email_templates = Path(self.theme) / self.options["NEWSLETTER_TEMPLATES"]
        self.env.loader = ChoiceLoader(
            [self.env.loader, PrefixLoader({"email": FileSystemLoader(str(email_templates))})]
        )
        self.views: list[IssueView] = []

    def generate_context(self):
        tips = issue_tips(self.context.get("articles", []), self.context.get("drafts", []))
        sendable = [tip for tip in tips if issue_status(tip) != "draft"]
        drafts = [tip for tip in tips if issue_status(tip) == "draft"]
        laws = self.context.get("laws", [])
        law_picks = laws_for_issues(self.context.get("laws_by_week", {}), sendable, laws)
        law_picks = laws_for_issues(law_picks, drafts, laws)
        stories = self.context.get("stories", [])
        story_picks = stories_by_week(sendable, stories)
        story_picks = {**stories_by_week(drafts, stories), **story_picks}
        self.views = [
            self.view(tip, law_picks.get(tip.week), story_picks.get(tip.week)) for tip in tips
        ]
        published = [view for view in self.views if view.status == "published"]
        self.context["newsletter_issues"] = published[::-1]
        self.context.update(self.options)

    def view(self, tip, law, story) -> IssueView:
        settings, options = self.settings, self.options
        siteurl = settings.get("SITEURL", "")
        title = str(tip.title)
        status = issue_status(tip)
        tip_url = site_url(siteurl, public_url(tip, settings))
        subject = subject_line(options["NEWSLETTER_SUBJECT"], title, tip.week, settings["SITENAME"])
        web = options["NEWSLETTER_SAVE_AS" if status == "published" else "NEWSLETTER_DRAFT_SAVE_AS"]
        url_key = "NEWSLETTER_URL" if status == "published" else "NEWSLETTER_DRAFT_URL"
        law_url = site_url(siteurl, law.url) if law else ""
        story_url = site_url(siteurl, story.url) if story else ""
        return IssueView(
            week=tip.week,
            week_label=tip.week_label,
            status=status,
            tip=tip,
            law=law,
            story=story,
            subject=subject,
            preheader=plain(tip.summary),
            tip_url=tip_url,
            law_url=law_url,
            story_url=story_url,
            home_url=site_url(siteurl, ""),
            web_url=site_url(siteurl, options["NEWSLETTER_URL"].format(week=tip.week)),
            index_url=site_url(siteurl, options["NEWSLETTER_INDEX_URL"]),
            url=options[url_key].format(week=tip.week),
            save_as=web.format(week=tip.week) if web else "",
            siteurl=siteurl,
        )

    def generate_output(self, writer):
        settings, options = self.settings, self.options
        folder = issues_folder(self.output_path, options["NEWSLETTER_ISSUES_PATH"])
        email = self.env.get_template("email/issue.html")
        page = self.get_template("newsletter")
        relative = settings["RELATIVE_URLS"]
        # A writer that renders in parallel takes the emails too, and skips an issue
        # whose inputs did not change since the last build (plugins/sage_build).
        defer = getattr(writer, "defer", None)
        for view in self.views:
            if defer is None:
                self.write_email(email, view, folder)
            else:
                defer(
                    self.write_email, email, view, folder,
                    fingerprint=digest("email", issue_fields(view), self.options),
                    outputs=tuple(str(path) for path in issue_files(folder, view.week)),
                )  # fmt: skip
            if view.save_as:
                writer.write_file(
                    view.save_as, page, self.context, relative, issue=view, url=view.url,
                    template_name="newsletter",
                )  # fmt: skip
        remove_stale(folder, {view.week for view in self.views})
        writer.write_file(
            options["NEWSLETTER_INDEX_SAVE_AS"],
            self.get_template("newsletters"),
            self.context,
            relative,
            url=options["NEWSLETTER_INDEX_URL"],
            template_name="newsletters",
        )
        logger.info("newsletter: %d issues, written into %s", len(self.views), folder)

    def write_email(self, email, view: IssueView, folder: Path) -> None:
        """Render one issue's email (HTML with inlined CSS, and plain text) to `folder`."""
        settings = self.settings
        started = perf_counter()
        rendered = email.render(
            SITENAME=settings["SITENAME"],
            SITE_TAGLINE=settings.get("SITE_TAGLINE", ""),
            DEFAULT_LANG=settings.get("DEFAULT_LANG", "en"),
            issue=view,
        )
        parts = compose_email(rendered)
        if parts.html_bytes > MAX_HTML_BYTES:
            logger.warning(
                "newsletter %s: the HTML is %.1f KB, over the %d KB we allow; "
                "shorten the tip (Gmail clips near 102 KB)",
                view.week,
                parts.html_bytes / 1024,
                MAX_HTML_BYTES // 1024,
            )
        write_issue(folder, self.issue(view, parts))
        logger.debug(
            "newsletter %s rendered in %.1f ms", view.week, 1000 * (perf_counter() - started)
        )

    def issue(self, view: IssueView, parts) -> Issue:
        settings, tip = self.settings, view.tip
        return Issue(
            week=view.week,
            week_label=view.week_label,
            title=str(tip.title),
            subject=view.subject,
            preheader=view.preheader,
            status=view.status,
            date=tip.date.isoformat(),
            source=f"{Path(settings['PATH']).name}/{tip.relative_source_path}",
            url=view.tip_url,
            web_url=view.web_url,
            siteurl=settings.get("SITEURL", ""),
            timezone=settings["TIMEZONE"],
            from_name=self.options["NEWSLETTER_FROM_NAME"],
            reply_to=self.options["NEWSLETTER_REPLY_TO"],
            themes=[theme.slug for theme in getattr(tip, "themes", [])],
            audience=audience(
                self.options["NEWSLETTER_INTERESTS"],
                [theme.slug for theme in getattr(tip, "themes", [])],
            ),
            html=parts.html,
            text=parts.text,
        )


def get_generators(_pelican):
    return NewsletterGenerator


def register():
    signals.get_generators.connect(get_generators)
