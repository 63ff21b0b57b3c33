"""The newsletter issue the build renders: the email itself, its text part, its web version."""

import json
import re
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import urljoin

import pytest

from newsletter.issues import load_issue
from newsletter.plaintext import html_to_text
from sage.site import BuildError
from sage.weekly import laws_by_week, laws_for_issues, stories_by_week
from tests.conftest import FIXTURE_SITE, SITEURL, build_site

MERGE_TAGS = ["*|UNSUB|*", "*|UPDATE_PROFILE|*", "*|ARCHIVE|*", "*|HTML:LIST_ADDRESS_HTML|*"]
TIP_URL = f"{SITEURL}/tips/promise-the-callback-time-you-can-keep/"


def issues_of(output):
    return output.parent / "newsletter-issues"


class Links(HTMLParser):
    """Every href and src in a document, and the tags seen."""

    def __init__(self):
        super().__init__()
        self.links, self.tags, self.images = [], [], []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append(tag)
        self.links += [attributes[name] for name in ("href", "src") if attributes.get(name)]
        if tag == "img":
            self.images.append(attributes)


def parse(html):
    parser = Links()
    parser.feed(html)
    return parser


def test_every_tip_gets_an_issue_beside_the_output(published_site):
    folder = issues_of(published_site)
    assert sorted(p.name for p in folder.iterdir()) == ["2026-W46", "2026-W47", "2099-W02"]
    for week in folder.iterdir():
        assert sorted(p.name for p in week.iterdir()) == ["email.html", "email.txt", "issue.json"]
    meta = json.loads((folder / "2026-W47/issue.json").read_text())
    assert meta == {
        "week": "2026-W47",
        "week_label": "Week 47 · 16–22 November 2026",
        "title": "Promise the callback time you can keep",
        "subject": "Tip of the week: Promise the callback time you can keep",
        "preheader": "Give a window you can meet, then meet it.",
        "status": "published",
        "date": "2026-11-16T00:00:00-05:00",
        "source": "site/tips/2026-w47-promise-the-callback.md",
        "url": TIP_URL,
        "web_url": f"{SITEURL}/newsletter/2026-W47/",
        "siteurl": SITEURL,
        "timezone": "America/New_York",
        "from_name": "Service Sage",
        "reply_to": "editor@servicesage.example.org",
        "themes": ["expectations", "communication"],
        "audience": None,
    }
    assert json.loads((folder / "2099-W02/issue.json").read_text())["status"] == "queued"


def test_email_html_is_small_inlined_one_column_and_absolute(published_site):
    issue = load_issue(issues_of(published_site), "2026-W47")
    html = issue.html
    assert issue.html_bytes <= 40 * 1024
    for tag in MERGE_TAGS:
        assert tag in html
    document = parse(html)
    assert document.links
    for link in document.links:
        assert link.startswith((SITEURL + "/", "mailto:")) or re.fullmatch(
            r"\*\|[A-Z_:]+\|\*", link
        )
    assert "script" not in document.tags
    assert all(image.get("alt") for image in document.images)
    # CSS inlined: the only stylesheet left holds the @media rules (dark mode, small screens).
    styles = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert len(styles) == 1 and styles[0].lstrip().startswith("@media")
    assert "prefers-color-scheme: dark" in styles[0]
    assert '<meta name="color-scheme" content="light dark">' in html
    assert re.search(r'<p style="[^"]*font-size:17px', html)
    # One column, at most 600 px: a fluid table capped at 600, fixed at 600 for Outlook.
    assert "max-width:600px" in html
    assert '<!--[if mso]><table role="presentation" width="600"' in html
    assert not re.search(r'width="(6[0-9][1-9]|[7-9][0-9]{2}|[0-9]{4,})"', html)


def test_email_holds_the_tip_the_law_of_the_week_and_a_related_story(published_site):
    html = load_issue(issues_of(published_site), "2026-W47").html
    assert "Promise the callback time you can keep</h1>" in html
    assert "Offer a two-hour window instead of a vague" in html
    assert "Give a window you can meet, then meet it." in html  # the preheader
    # The law of the week is the one the home page shows for this week.
    home = (published_site / "index.html").read_text()
    law = re.search(r'id="law-heading".*?<a href="([^"]+)">([^<]+)</a>', home, re.S)
    assert law, "the home page shows a law of the week"
    assert f'href="{urljoin(SITEURL, law.group(1))}"' in html and law.group(2) in html
    # The story shares a theme (communication) with the tip; its hostile title stays text.
    assert f'href="{SITEURL}/stories/alert1-friends/"' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html
    # The tip's own relative link became absolute.
    assert f'href="{SITEURL}/laws/the-law-of-the-other-line/"' in html


def test_plain_text_is_written_for_reading(published_site):
    text = load_issue(issues_of(published_site), "2026-W47").text
    assert (
        "Promise the callback time you can keep\n======================================\n" in text
    )
    assert "\nTry this\n--------\n" in text
    assert "\n- Offer a two-hour window instead of a vague “later today”.\n" in text
    assert not re.search(r"</?(p|a|div|td|tr|table|h[1-6]|ul|ol|li|span|br|em)\b", text)
    assert '<script>alert(1)</script> & "friends"' in text  # a title is text, as typed
    lines = text.splitlines()
    assert max(len(line) for line in lines if not line.startswith("[")) <= 72
    # Links are numbered references, listed once at the end.
    links = dict(re.findall(r"^\[(\d+)\] (\S+)$", text.split("\nLinks:\n")[1], re.M))
    assert links[re.search(r"Read this tip on Service Sage \[(\d+)\]", text).group(1)] == TIP_URL
    assert links[re.search(r"Unsubscribe \[(\d+)\]", text).group(1)] == "*|UNSUB|*"
    assert "*|LIST:ADDRESS|*" in text and "*|HTML:" not in text
    assert len(set(links.values())) == len(links)
    # The hidden preheader and the <head> are not in the text.
    assert "\u034f" not in text and "@media" not in text
    assert text.index("View this email") < text.index("Promise the callback")


def test_web_version_and_the_index_of_past_issues(published_site):
    page = (published_site / "newsletter/2026-W47/index.html").read_text()
    assert 'aria-label="Main"' in page  # the site's base.html
    assert "Promise the callback time you can keep" in page
    assert f'<link rel="canonical" href="{TIP_URL}">' in page
    assert "Law of the week" in page and "From the front line" in page
    assert "*|" not in page
    index = (published_site / "newsletter/index.html").read_text()
    assert index.index("/newsletter/2026-W47/") < index.index("/newsletter/2026-W46/")
    assert "2099" not in index
    assert f"{SITEURL}/newsletter/2026-W47/" in (published_site / "sitemap.xml").read_text()


def test_queued_issue_is_built_for_delivery_but_never_public(published_site, built_site):
    queued = load_issue(issues_of(published_site), "2099-W02")
    assert queued.status == "queued"
    assert "A tip from the future" in queued.html
    # Its links point where the tip will be once published, not at a draft.
    assert f'href="{SITEURL}/tips/a-tip-from-the-future/"' in queued.html
    assert not (published_site / "newsletter/2099-W02").exists()
    assert not list(published_site.rglob("*2099*"))
    # A development build previews it among the drafts.
    preview = (built_site / "drafts/newsletter/2099-W02/index.html").read_text()
    assert "Queued: this issue goes out when its tip publishes" in preview
    assert '<meta name="robots" content="noindex">' in preview
    assert "2099" not in (built_site / "newsletter/index.html").read_text()


def test_development_issues_have_root_relative_links(built_site):
    issue = load_issue(issues_of(built_site), "2026-W47")
    assert issue.siteurl == ""
    assert 'href="/tips/promise-the-callback-time-you-can-keep/"' in issue.html


def test_subject_setting_and_stale_issues(tmp_path):
    stale = tmp_path / "newsletter-issues" / "2020-W01"
    stale.mkdir(parents=True)
    (tmp_path / "newsletter-issues" / "notes").mkdir()
    build_site(FIXTURE_SITE, tmp_path / "output", NEWSLETTER_SUBJECT="{sitename} · {week}: {title}")
    meta = json.loads((tmp_path / "newsletter-issues/2026-W46/issue.json").read_text())
    assert meta["subject"] == "Service Sage · 2026-W46: Write the promise down"
    assert not stale.exists()
    assert (tmp_path / "newsletter-issues" / "notes").is_dir()


def test_bad_newsletter_settings_stop_the_build_with_a_clear_line(tmp_path, caplog):
    with pytest.raises(BuildError):
        build_site(FIXTURE_SITE, tmp_path / "a", NEWSLETTER_SUBJECT="Tip: {name}")
    assert re.search(r"NEWSLETTER_SUBJECT .*\{title\}, \{week\} and \{sitename\}", caplog.text)
    with pytest.raises(BuildError):
        build_site(FIXTURE_SITE, tmp_path / "b", NEWSLETTER_INTERESTS={"themes": {"empathy": "x"}})
    assert "NEWSLETTER_INTERESTS needs a category_id and an every_tip interest id" in caplog.text


# The plain-text writer on its own -----------------------------------------------


def test_plain_text_lists_quotes_and_links():
    html = """<html><head><title>T</title><style>p{}</style></head><body>
    <div aria-hidden="true">hidden preheader</div>
    <h1>A <em>big</em> title</h1>
    <p>See <a href="https://x.org/a">the first</a> and <a href="https://x.org/a">again</a>,
    then <a href="https://x.org/b">another</a>, <a href="https://x.org/c">https://x.org/c</a>
    and <a href="mailto:ed@x.org">ed@x.org</a>.</p>
    <ul><li>One</li><li><p>Two, loose</p><ol><li>inner</li></ol></li></ul>
    <blockquote><p>A quote that goes on long enough to wrap onto a second line of text here.</p></blockquote>
    <pre>  keep   this
  spacing</pre>
    <p>*|HTML:LIST_ADDRESS_HTML|*<br>second line</p>
    </body></html>"""
    assert html_to_text(html) == (
        "A big title\n===========\n\n"
        "See the first [1] and again [1], then another [2], https://x.org/c and\n"
        "ed@x.org.\n\n"
        "- One\n\n- Two, loose\n\n  1. inner\n\n"
        "> A quote that goes on long enough to wrap onto a second line of text\n> here.\n\n"
        "      keep   this\n      spacing\n\n"
        "*|LIST:ADDRESS|*\nsecond line\n\n"
        "Links:\n[1] https://x.org/a\n[2] https://x.org/b\n"
    )


# The week's picks for issues -------------------------------------------------------


def _post(slug, date, themes=()):
    import datetime as dt

    moment = dt.datetime.fromisoformat(date).replace(tzinfo=dt.UTC)
    return SimpleNamespace(
        slug=slug,
        date=moment,
        week=f"{moment.isocalendar()[0]}-W{moment.isocalendar()[1]:02d}",
        themes=[SimpleNamespace(slug=theme) for theme in themes],
    )


def test_queued_issues_continue_the_law_chain_as_if_published():
    laws = [_post(f"law-{n}", f"2026-0{1 + n % 8}-01", ["patience"] if n % 3 else []) for n in range(12)]  # fmt: skip
    tips = [_post(f"tip-{n}", f"2026-09-{7 * n + 1:02d}", ["patience"]) for n in range(4)]
    published, queued = tips[:2], tips[2:]
    picks = laws_for_issues(laws_by_week(published, laws), queued, laws)
    assert picks == laws_by_week(tips, laws)


def test_related_story_prefers_shared_themes_then_fresh_ones():
    tip = _post("tip", "2026-11-16", ["expectations", "communication"])
    later = _post("later", "2026-11-20", ["expectations", "communication"])
    primary = _post("primary", "2026-10-01", ["expectations"])
    secondary = _post("secondary", "2026-11-01", ["communication"])
    unrelated = _post("unrelated", "2026-11-10", ["patience"])
    stories = [later, primary, secondary, unrelated]
    assert stories_by_week([tip], stories)[tip.week] is primary
    # Used in the previous issue: the next best is taken instead.
    before = _post("before", "2026-11-09", ["expectations"])
    assert stories_by_week([before, tip], stories)[tip.week] is secondary
    # No shared theme: the newest story dated before the tip.
    lonely = _post("lonely", "2026-11-16", ["leadership"])
    assert stories_by_week([lonely], stories)[lonely.week] is unrelated
