"""What a reader sees, in real headless Chromium (Playwright + Debian's chromium)."""

import json
import re

import pytest

from tests.browser import ARTIFACTS, FORM_ID, FORM_U

pytestmark = pytest.mark.browser
TIP = "/tips/promise-the-callback-time-you-can-keep/"
WEEK_LABEL = "Week 47 · 16–22 November 2026"
BUDGET_PAGES = {"home": "/", "tip": None, "laws": "/laws/", "theme": "/themes/expectations/"}
HOME_BUDGET_BYTES = 30 * 1024


def test_home_to_theme_to_tip(signup_site, open_page):
    page, watch = open_page(signup_site + "/")
    page.get_by_role("region", name="Browse by theme").get_by_role(
        "link", name=re.compile(r"^Expectations")
    ).click()
    page.wait_for_url(signup_site + "/themes/expectations/")
    assert page.get_by_role("heading", level=1).inner_text() == "Expectations"
    page.get_by_role("link", name="Promise the callback time you can keep").first.click()
    page.wait_for_url(signup_site + TIP)
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Promise the callback time you can keep"
    )
    assert page.locator(".post-header .week-label").inner_text().lower() == WEEK_LABEL.lower()
    assert page.locator(".post-header .week-label").text_content() == WEEK_LABEL
    assert watch.errors == []


def test_search_finds_a_tip_by_a_word_from_its_body(signup_site, open_page):
    page, watch = open_page(signup_site + "/search/")
    page.get_by_label("Search for").fill("plumbing")
    page.locator("#search-results .result a").first.wait_for()
    links = page.locator("#search-results .result a")
    hrefs = {links.nth(i).get_attribute("href") for i in range(links.count())}
    assert {TIP, "/tips/write-the-promise-down/"} <= hrefs
    assert all(re.match(r"^/(tips|laws|stories)/[a-z0-9-]+/$", href) for href in hrefs), hrefs
    assert "result" in page.get_by_role("status").inner_text()
    # A law and a story are found by words from their bodies too; pages are not indexed.
    page.get_by_label("Search for").fill("moving")
    page.locator("#search-results a[href='/laws/the-law-of-the-other-line/']").wait_for()
    page.goto(signup_site + "/search/?q=refund")
    page.locator("#search-results a[href='/stories/the-refund-that-took-nine-calls/']").wait_for()
    page.get_by_label("Search for").fill("publication")  # only in the About page
    page.get_by_role("status").filter(has_text="Nothing found").wait_for()
    assert watch.errors == []
    assert watch.off_site() == []


def test_subscribe_form_posts_without_javascript(signup_site, signup_server, open_page):
    action, posts = signup_server
    page, watch = open_page(signup_site + "/subscribe/", javascript=False)
    form = page.locator("form.subscribe-form")
    assert form.get_attribute("action") == action
    assert form.get_attribute("method") == "post"
    email = page.get_by_label("Your email address")
    assert email.is_visible()
    assert email.get_attribute("type") == "email"
    assert email.get_attribute("name") == "EMAIL"
    assert email.get_attribute("required") is not None
    honeypot = form.locator(f"input[name='b_{FORM_U}_{FORM_ID}']")
    assert honeypot.get_attribute("tabindex") == "-1"
    box = honeypot.bounding_box()
    assert box is None or box["x"] + box["width"] < 0, "the honeypot must be off-screen"
    assert "never share" in form.locator(".privacy").inner_text()
    assert watch.errors == []
    email.fill("reader@example.org")
    page.get_by_label("Patience").check()
    form.get_by_role("button", name="Subscribe").click()
    page.wait_for_load_state()
    assert "Almost finished" in page.content()
    assert len(posts) == 1
    post = posts[0]
    assert post["path"] == f"/subscribe/post?u={FORM_U}&id={FORM_ID}"
    assert post["EMAIL"] == ["reader@example.org"]
    assert post[f"b_{FORM_U}_{FORM_ID}"] == [""]
    assert post["group[4021][2]"] == ["2"]
    assert "group[4021][1]" not in post


def test_the_form_is_on_home_and_tip_pages(signup_site, open_page):
    for path in ("/", TIP):
        page, _ = open_page(signup_site + path)
        assert page.locator("form.subscribe-form[method=post]").count() == 1, path
        assert page.get_by_label("Your email address").get_attribute("type") == "email"


def test_skip_link_moves_focus_to_the_main_content(signup_site, open_page):
    page, _ = open_page(signup_site + TIP, width=375)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    box = page.locator(".skip-link").bounding_box()
    assert box["y"] >= 0, "the focused skip link must be on screen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    inside = page.evaluate("document.getElementById('main').contains(document.activeElement)")
    assert inside, "the next Tab stop after the skip link is inside the main content"


def test_no_console_errors_and_nothing_from_another_host(signup_site, open_page):
    paths = [
        "/",
        TIP,
        "/tips/",
        "/laws/",
        "/laws/the-law-of-the-other-line/",
        "/stories/",
        "/stories/the-refund-that-took-nine-calls/",
        "/stories/alert1-friends/",
        "/themes/",
        "/themes/expectations/",
        "/tags/",
        "/tags/phone/",
        "/about/",
        "/subscribe/",
        "/search/?q=callback",
        "/no-such-page/",
    ]
    for path in paths:
        page, watch = open_page(signup_site + path)
        if path.startswith("/search/"):
            page.locator("#search-results .result").first.wait_for()
        assert watch.errors == [], path
        assert watch.off_site() == [], path
        scripts = page.locator("script[src]").count()
        assert scripts == (1 if path.startswith("/search/") else 0), path
    assert page.get_by_role("heading", level=1).inner_text() == "That page is not here"


def test_screenshots_at_375_and_1280(real_site, open_page):
    """Saved in test-artifacts/ for a human to look at; the layout never scrolls sideways."""
    output, base = real_site
    ARTIFACTS.mkdir(exist_ok=True)
    items = json.loads((output / "index.json").read_text())["items"]
    tip = next(item["url"] for item in items if item["kind"] == "tip")
    pages = {**BUDGET_PAGES, "tip": tip, "theme": "/themes/", "story": "/stories/"}
    for name, path in pages.items():
        for width in (375, 1280):
            for scheme in ("light", "dark") if name == "home" else ("light",):
                page, watch = open_page(base + path, width=width, scheme=scheme)
                shot = ARTIFACTS / f"{name}-{width}{'-dark' if scheme == 'dark' else ''}.png"
                page.screenshot(path=shot, full_page=True)
                assert shot.stat().st_size > 10_000
                overflow = page.evaluate("document.documentElement.scrollWidth")
                assert overflow <= width, f"{path} scrolls sideways at {width}px"
                assert watch.errors == []


def test_pages_fit_320px(signup_site, open_page):
    for path in ("/", TIP, "/laws/", "/tips/", "/themes/", "/subscribe/", "/search/"):
        page, _ = open_page(signup_site + path, width=320)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path


def test_home_page_with_everything_it_loads_is_under_30_kb(real_site, open_page):
    _, base = real_site
    page, watch = open_page(base + "/", width=375)
    page.wait_for_load_state("networkidle")
    # The browser's own account of every byte the page used, uncompressed, whether it
    # came over the network or from its cache: the page itself and each resource.
    sizes = page.evaluate(
        """() => Object.fromEntries(
            [...performance.getEntriesByType("navigation"),
             ...performance.getEntriesByType("resource")]
            .map(entry => [entry.name, entry.decodedBodySize]))"""
    )
    total = sum(sizes.values())
    assert set(sizes) >= {base + "/", base + "/theme/css/site.css"}
    assert all(size > 0 for size in sizes.values()), sizes
    print(f"home page with everything it loads: {total} bytes ({total / 1024:.1f} KB)")
    assert total <= HOME_BUDGET_BYTES, f"home page loads {total} bytes: {sizes}"
    assert watch.off_site() == []


def test_dark_mode_changes_the_colours(signup_site, open_page):
    colours = {}
    for scheme in ("light", "dark"):
        page, _ = open_page(signup_site + TIP, scheme=scheme)
        colours[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert colours["light"] == "rgb(251, 250, 246)"
    assert colours["dark"] == "rgb(18, 21, 19)"


def test_tips_print_without_navigation_or_forms(signup_site, open_page):
    page, _ = open_page(signup_site + TIP)
    page.emulate_media(media="print")
    for selector in (".masthead", ".site-footer", ".subscribe", ".neighbours", ".related"):
        if page.locator(selector).count():
            assert not page.locator(selector).first.is_visible(), selector
    assert page.locator("article h1").is_visible()
    assert page.locator(".print-source").is_visible()
