"""The theme, read from real builds of the fixture site: pages, links, sharing tags,
the tips archive, the Book of Laws, themes, search index and the subscribe call."""

import html
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sage.linkcheck import check_links
from sage.site import BuildError
from tests.browser import FORM_ID, FORM_U, INTERESTS
from tests.conftest import FIXTURE_SITE, HOSTILE, SITEMAP, SITEURL, build_site, read_output

TIP = "tips/promise-the-callback-time-you-can-keep/index.html"
OLDER_TIP = "tips/write-the-promise-down/index.html"
HOSTILE_STORY = "stories/alert1-friends/index.html"


def public_pages(output):
    return sorted(
        p for p in output.rglob("*.html") if "drafts" not in p.parts and "pagefind" not in p.parts
    )


def meta(page, key):
    match = re.search(rf'<meta (?:name|property)="{re.escape(key)}" content="([^"]*)">', page)
    return html.unescape(match.group(1)) if match else None


def title(page):
    return html.unescape(re.search(r"<title>(.*?)</title>", page, re.S).group(1))


def test_every_public_page_has_a_unique_title_and_a_description(published_site):
    titles = {}
    for path in public_pages(published_site):
        page = path.read_text(encoding="utf-8")
        titles.setdefault(title(page), []).append(path.relative_to(published_site).as_posix())
        description = meta(page, "description")
        assert description, path
        assert len(description) <= 160, path
        assert page.count("<h1") == 1, path
    assert {t: paths for t, paths in titles.items() if len(paths) > 1} == {}
    assert len(titles) > 25


def test_canonical_open_graph_and_twitter_tags(published_site, built_site):
    page = read_output(published_site, TIP)
    url = f"{SITEURL}/tips/promise-the-callback-time-you-can-keep/"
    assert f'<link rel="canonical" href="{url}">' in page
    assert meta(page, "og:url") == url
    assert meta(page, "og:type") == "article"
    assert meta(page, "og:title") == "Promise the callback time you can keep"
    assert meta(page, "description") == "Give a window you can meet, then meet it."
    assert meta(page, "og:description") == meta(page, "description")
    assert meta(page, "twitter:card") == "summary"
    assert meta(page, "twitter:title") == "Promise the callback time you can keep"
    assert meta(page, "article:published_time") == "2026-11-16T00:00:00-05:00"
    home = read_output(published_site, "index.html")
    assert f'<link rel="canonical" href="{SITEURL}/">' in home
    assert meta(home, "og:type") == "website"
    # Without an absolute SITEURL (development) there is no canonical URL to give.
    assert 'rel="canonical"' not in read_output(built_site, TIP)


def test_json_ld_article_survives_a_hostile_title(published_site):
    page = read_output(published_site, HOSTILE_STORY)
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    data = json.loads(block)
    assert data["@type"] == "Article"
    assert data["headline"] == HOSTILE
    assert data["url"] == f"{SITEURL}/stories/alert1-friends/"
    assert data["datePublished"] == "2026-10-12T00:00:00-04:00"
    assert data["keywords"] == ["Communication"]
    assert meta(page, "og:title") == HOSTILE
    assert "<script>alert" not in page


def test_feed_autodiscovery_on_every_page_and_per_kind_and_theme(published_site):
    for path in public_pages(published_site):
        page = path.read_text(encoding="utf-8")
        assert (
            f'type="application/atom+xml" title="Service Sage: everything (Atom)" href="{SITEURL}/feeds/all.atom.xml"'
            in page
        ), path
        assert f'href="{SITEURL}/feeds/all.json"' in page, path
    assert f'href="{SITEURL}/feeds/laws.atom.xml"' in read_output(published_site, "laws/index.html")
    theme = read_output(published_site, "themes/ownership/index.html")
    assert f'href="{SITEURL}/feeds/themes/ownership.json"' in theme


def test_sitemap_has_tags_and_kind_pages_but_not_search(published_site):
    root = ET.fromstring(read_output(published_site, "sitemap.xml"))
    urls = {loc.text for loc in root.iter(f"{SITEMAP}loc")}
    for path in ("tags/", "tags/phone/", "laws/", "stories/", "themes/ownership/"):
        assert f"{SITEURL}/{path}" in urls
    assert not any("/search/" in url or url.endswith("404.html") for url in urls)


def test_tip_page_week_label_reading_time_themes_neighbours_and_related(built_site):
    page = read_output(built_site, TIP)
    assert (
        '<p class="week-label" data-pagefind-meta="week" data-pagefind-ignore>Week 47 · 16–22 November 2026</p>'
        in page
    )
    assert re.search(r"\d+ min read", page)
    themes = re.search(r'<ul class="chips" aria-label="Themes">(.*?)</ul>', page, re.S).group(1)
    assert re.findall(r'href="(/themes/[a-z]+/)">(\w+)<', themes) == [
        ("/themes/expectations/", "Expectations"),
        ("/themes/communication/", "Communication"),
    ]
    assert re.search(r'rel="prev" href="/tips/write-the-promise-down/"', page)
    assert 'rel="next"' not in page  # the newest tip
    assert 'rel="next" href="/tips/promise-the-callback-time-you-can-keep/"' in read_output(
        built_site, OLDER_TIP
    )
    related = page.split('id="related-heading"')[1].split("</section>")[0]
    assert re.findall(r'class="teaser teaser-(\w+)"', related) == ["tip", "law", "story"]
    assert 'href="/tips/write-the-promise-down/"' in related
    assert 'href="/laws/the-callback-corollary/"' in related
    assert 'href="/stories/alert1-friends/"' in related


def test_tips_archive_shows_every_week_and_folds_gaps(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_SITE, content)
    body = "A real tip body. " * 60
    for date, slug in (("2026-10-19", "w43"), ("2025-12-15", "w51")):
        (content / "tips" / f"{slug}.md").write_text(
            f"Title: Tip {slug}\nDate: {date}\nSummary: S.\n\n{body}\n"
        )
    build_site(content, tmp_path / "output", SEARCH_INDEX=False)
    page = read_output(tmp_path / "output", "tips/index.html")
    years = re.findall(r'<h2 id="year-(\d{4})"', page)
    assert years == ["2026", "2025"]
    rows = re.findall(r'<li class="week-row[^"]*"[^>]*>.*?</li>', page, re.S)
    text = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows]
    assert [t.split(" ")[0:2] for t in text] == [
        ["47", "Week"],
        ["46", "Week"],
        ["–", "Weeks"],
        ["43", "Week"],
        ["–", "Weeks"],
        ["–", "Week"],
        ["51", "Week"],
    ]
    assert "Weeks 44–45 · 26 Oct – 8 Nov 2026: no tip these weeks" in text[2]
    assert "Weeks 1–42 · 29 Dec – 18 Oct 2026: no tip these weeks" in text[4]
    assert "Week 52 · 22 Dec – 28 Dec 2025: no tip this week" in text[5]
    assert "Tip w43" in text[3]


def test_book_of_laws_has_every_law_with_anchor_text_and_attribution(built_site):
    book = read_output(built_site, "laws/index.html")
    entries = re.findall(r'<article class="law" id="([a-z0-9-]+)">(.*?)</article>', book, re.S)
    assert [slug for slug, _ in entries] == [
        "the-callback-corollary",
        "the-law-of-the-chatbot-loop",
        "the-law-of-the-other-line",
    ]
    other_line = dict(entries)["the-law-of-the-other-line"]
    assert '<a href="/laws/the-law-of-the-other-line/">The Law of the Other Line</a>' in other_line
    assert "The line you leave always starts moving the moment you join another one." in other_line
    assert "— Unknown Sage" in other_line
    assert "— A night-shift supervisor" in dict(entries)["the-callback-corollary"]
    # The commentary is on the law's own page, not in the book.
    assert "best queue" not in book
    law = read_output(built_site, "laws/the-law-of-the-other-line/index.html")
    assert "best queue" in law
    assert 'href="/laws/#the-law-of-the-other-line"' in law
    assert 'href="#the-law-of-the-other-line"' in book


def test_themes_index_counts_by_kind_and_descriptions(built_site):
    page = read_output(built_site, "themes/index.html")
    card = page.split('href="/themes/expectations/"')[1].split("</li>")[0]
    assert "<span>2 tips</span><span>1 law</span>" in card
    assert "Setting, managing and resetting" in card
    assert "Nothing yet" in page.split('href="/themes/leadership/"')[1].split("</li>")[0]
    theme = read_output(built_site, "themes/expectations/index.html")
    assert re.findall(r'<h2 id="(\w+)-heading"', theme) == ["tips", "laws"]


def test_pages_link_to_each_other_and_every_link_resolves(built_site):
    home = read_output(built_site, "index.html")
    for href in ("/tips/", "/laws/", "/stories/", "/themes/", "/search/", "/about/", "/subscribe/"):
        assert f'href="{href}"' in home
    assert 'href="/themes/expectations/"' in home
    assert check_links(built_site, "") == []


def test_without_a_form_the_subscribe_call_offers_the_feeds(built_site):
    for rel in ("index.html", TIP, "subscribe/index.html"):
        page = read_output(built_site, rel)
        call = page.split('<section class="subscribe"')[1].split("</section>")[0]
        assert "<form" not in call, rel
        assert 'href="/feeds/all.atom.xml"' in call, rel
        assert 'href="/feeds/all.json"' in call, rel
    assert '<section class="subscribe"' not in read_output(built_site, "about/index.html")


def test_with_a_form_the_subscribe_call_is_mailchimps_embedded_form(signup_build):
    for rel in ("index.html", TIP, "subscribe/index.html"):
        page = read_output(signup_build, rel)
        form = re.search(
            r'<form class="subscribe-form" action="([^"]+)" method="post">(.*?)</form>', page, re.S
        )
        assert form, rel
        action = html.unescape(form.group(1))
        assert action.endswith(f"/subscribe/post?u={FORM_U}&id={FORM_ID}")
        inner = form.group(2)
        assert '<label for="subscribe-email">Your email address</label>' in inner
        assert '<input type="email" id="subscribe-email" name="EMAIL" required' in inner
        assert f'name="b_{FORM_U}_{FORM_ID}" tabindex="-1" value=""' in inner
        assert re.findall(r'name="(group\[\d+\]\[\d+\])" value="(\d+)"> (\w+)', inner) == [
            (INTERESTS["expectations"], "1", "Expectations"),
            (INTERESTS["patience"], "2", "Patience"),
        ]
        assert "never share it" in inner


def test_search_indexes_tips_laws_and_stories_only(built_site):
    shards = sorted((built_site / "pagefind").glob("*/pagefind-entry.json"))
    assert len(shards) > 1
    counts = [json.loads(p.read_text())["languages"]["en"]["page_count"] for p in shards]
    assert sum(counts) == 7
    search_page = read_output(built_site, "search/index.html")
    listed = re.search(r'data-shards="([^"]*)"', search_page).group(1).split(",")
    assert listed == [p.parent.name for p in shards]
    bodies = [
        p.relative_to(built_site).as_posix()
        for p in built_site.rglob("*.html")
        if "data-pagefind-body" in p.read_text(encoding="utf-8")
    ]
    assert sorted(bodies) == sorted(
        [
            TIP,
            OLDER_TIP,
            "laws/the-callback-corollary/index.html",
            "laws/the-law-of-the-chatbot-loop/index.html",
            "laws/the-law-of-the-other-line/index.html",
            HOSTILE_STORY,
            "stories/the-refund-that-took-nine-calls/index.html",
        ]
    )
    scripts = [
        p.relative_to(built_site).as_posix()
        for p in built_site.rglob("*.html")
        if "<script src" in p.read_text(encoding="utf-8")
        or '<script type="module"' in p.read_text(encoding="utf-8")
    ]
    assert scripts == ["search/index.html"]


def search_documents(output: Path) -> dict[str, Path]:
    """The search documents a build keeps in its cache, by page (sage/search.py)."""
    [folder] = (output.parent / ".cache" / "sage").glob("state-*-search")
    return {"/".join(p.relative_to(folder).parts[1:]): p for p in folder.glob("*/**/index.html")}


def test_search_indexes_each_post_as_its_page_shows_it(built_site):
    documents = search_documents(built_site)
    pages = [
        p.relative_to(built_site).as_posix()
        for p in built_site.rglob("*.html")
        if "data-pagefind-body" in p.read_text(encoding="utf-8")
    ]
    assert sorted(documents) == sorted(pages)
    for page, path in documents.items():
        document = path.read_text(encoding="utf-8")
        article = re.search(r"<article [^>]*data-pagefind-body>.*?</article>", document, re.S)
        assert article.group(0) in read_output(built_site, page), page
        assert '<html lang="en">' in document


def test_search_index_keeps_unchanged_shards_and_rebuilds_the_rest(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_SITE, content)
    output = tmp_path / "output"
    build_site(content, output)
    bundle = output / "pagefind"
    shards = {p.name for p in bundle.iterdir() if p.is_dir()}
    stray = bundle / "99"
    stray.mkdir()
    marks = {name: bundle / name / "mark" for name in shards}
    for mark in marks.values():
        mark.write_text("kept")
    story = next((content / "stories").glob("*.md"))
    story.write_text(
        story.read_text(encoding="utf-8") + "\nA new closing line.\n", encoding="utf-8"
    )
    build_site(content, output)
    kept = {name for name, mark in marks.items() if mark.exists()}
    assert not stray.exists()
    assert len(kept) == len(shards) - 1
    assert all((bundle / name / "pagefind.js").is_file() for name in shards)


def test_search_documents_follow_a_change_of_settings(tmp_path):
    output = tmp_path / "output"
    build_site(FIXTURE_SITE, output)
    build_site(FIXTURE_SITE, output, SITENAME="The Other Sage")
    for path in search_documents(output).values():
        assert "From The Other Sage:" in path.read_text(encoding="utf-8"), path


def test_a_shard_left_half_indexed_is_indexed_again(tmp_path):
    """A build that stopped while indexing leaves a shard without its key, or a
    document that does not match its post: the next build redoes that shard."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_SITE, content)
    output = tmp_path / "output"
    build_site(content, output)
    bundle = output / "pagefind"
    documents = search_documents(output)
    tip = "tips/write-the-promise-down/index.html"
    tip_shard = documents[tip].relative_to(documents[tip].parents[3]).parts[0]
    others = sorted({p.name for p in bundle.iterdir()} - {tip_shard})
    interrupted = others[0]
    (documents[tip].parents[3] / f"{interrupted}.key").unlink()
    original = documents[tip].read_text(encoding="utf-8")
    header, body = original.split("\n", 1)
    stale = re.sub(r"[0-9a-f]{32}", "0" * 32, header) + "\n" + body.replace("promise", "pledge")
    documents[tip].write_text(stale, encoding="utf-8")  # a failed build's version of the tip
    key = documents[tip].parents[3] / f"{tip_shard}.key"
    key.write_text("a key from another build", encoding="utf-8")
    for name in [*others, tip_shard]:
        (bundle / name / "mark").write_text("kept")
    law = next((content / "laws").glob("*.md"))  # any change, so that the build runs
    law.write_text(law.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    build_site(content, output)
    redone = {p.name for p in bundle.iterdir() if not (p / "mark").exists()}
    assert {interrupted, tip_shard} <= redone
    assert documents[tip].read_text(encoding="utf-8") == original
    assert (documents[tip].parents[3] / f"{interrupted}.key").is_file()


def test_a_failed_search_index_stops_the_build_with_pagefinds_reason(tmp_path):
    """Pagefind runs in a forked process; its failure still reaches the author as one
    sentence (here a file stands where the index's folder must go)."""
    output = tmp_path / "output"
    output.mkdir()
    (output / "pagefind").write_text("not a folder", encoding="utf-8")
    with pytest.raises(BuildError) as failure:
        build_site(FIXTURE_SITE, output)
    message = str(failure.value)
    assert message.startswith("search index: Pagefind failed to write "), message
    assert "Not a directory" in message and "RUST_BACKTRACE" not in message, message
    assert "Traceback" not in message


def test_a_theme_feed_without_posts_is_the_same_in_every_build(built_site, tmp_path):
    again = tmp_path / "output"
    build_site(FIXTURE_SITE, again)
    empty = [
        path.relative_to(built_site)
        for path in (built_site / "feeds" / "themes").glob("*.atom.xml")
        if "<entry>" not in path.read_text(encoding="utf-8")
    ]
    assert empty  # the fixture leaves some themes without a post
    for path in empty:
        assert (again / path).read_bytes() == (built_site / path).read_bytes(), path
        assert "<updated>1970-01-01T00:00:00+00:00</updated>" in (again / path).read_text()


def test_nothing_is_loaded_from_another_host(published_site):
    loads = re.compile(
        r'<(?:link rel="(?:stylesheet|icon)"[^>]*href|script[^>]*src|img[^>]*src)="([^"]+)"'
    )
    for path in public_pages(published_site):
        for url in loads.findall(path.read_text(encoding="utf-8")):
            assert url.startswith(SITEURL + "/"), (path, url)


def test_every_link_in_the_real_site_resolves(real_site):
    output, _ = real_site
    assert check_links(output, "") == []
