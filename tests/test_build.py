"""A real Pelican build of the fixture site: the public contracts hold."""

import json
import xml.etree.ElementTree as ET

from tests.conftest import HOSTILE, SITEMAP, SITEURL, read_output

ATOM = "{http://www.w3.org/2005/Atom}"


def test_index_json_lists_published_items_newest_first(built_site):
    items = json.loads(read_output(built_site, "index.json"))["items"]
    assert [item["url"] for item in items] == [
        "/tips/promise-the-callback-time-you-can-keep/",
        "/tips/write-the-promise-down/",
        "/stories/the-refund-that-took-nine-calls/",
        "/laws/the-callback-corollary/",
        "/stories/alert1-friends/",
        "/laws/the-law-of-the-other-line/",
        "/laws/the-law-of-the-chatbot-loop/",
    ]
    first = items[0]
    assert first == {
        "url": "/tips/promise-the-callback-time-you-can-keep/",
        "title": "Promise the callback time you can keep",
        "date": "2026-11-16T00:00:00-05:00",
        "kind": "tip",
        "week": "2026-W47",
        "themes": ["expectations", "communication"],
        "summary": "Give a window you can meet, then meet it.",
    }
    assert {item["kind"] for item in items} == {"tip", "law", "story"}
    assert all(item["week"] is None for item in items if item["kind"] != "tip")


def test_index_json_urls_are_absolute_with_siteurl(published_site):
    items = json.loads(read_output(published_site, "index.json"))["items"]
    assert items[0]["url"] == f"{SITEURL}/tips/promise-the-callback-time-you-can-keep/"
    assert all(item["url"].startswith(SITEURL + "/") for item in items)


def test_queued_tip_is_previewable_in_development_only(built_site, published_site):
    assert (built_site / "drafts/tips/a-tip-from-the-future/index.html").is_file()
    preview = read_output(built_site, "drafts/tips/a-tip-from-the-future/index.html")
    assert "Queued: publishes" in preview
    for output in (built_site, published_site):
        public = [p for p in output.rglob("*") if p.is_file() and "drafts" not in p.parts]
        leaked = [p for p in public if "A tip from the future" in p.read_text(errors="ignore")]
        assert leaked == []
    assert not (published_site / "drafts").exists()


def test_atom_and_json_feeds_for_everything_and_each_kind(published_site):
    for name in ("all", "tips", "laws", "stories"):
        atom = ET.fromstring(read_output(published_site, f"feeds/{name}.atom.xml"))
        entries = atom.findall(f"{ATOM}entry")
        feed = json.loads(read_output(published_site, f"feeds/{name}.json"))
        assert feed["version"] == "https://jsonfeed.org/version/1.1"
        assert feed["feed_url"] == f"{SITEURL}/feeds/{name}.json"
        assert [e.find(f"{ATOM}title").text for e in entries] == [i["title"] for i in feed["items"]]
        assert entries, name
    tips = json.loads(read_output(published_site, "feeds/tips.json"))["items"]
    assert [item["title"] for item in tips] == [
        "Promise the callback time you can keep",
        "Write the promise down",
    ]
    assert tips[0]["url"] == f"{SITEURL}/tips/promise-the-callback-time-you-can-keep/"
    # Links inside the content are absolute, for feed readers.
    assert f'href="{SITEURL}/laws/the-law-of-the-other-line/"' in tips[0]["content_html"]
    assert tips[0]["tags"] == ["Expectations", "Communication"]


def test_theme_pages_and_feeds(built_site):
    page = read_output(built_site, "themes/expectations/index.html")
    assert "Promise the callback time you can keep" in page
    assert "The Callback Corollary" in page
    assert "The refund that took nine calls" not in page
    feed = json.loads(read_output(built_site, "feeds/themes/ownership.json"))
    assert [item["title"] for item in feed["items"]] == ["The refund that took nine calls"]
    assert ET.fromstring(read_output(built_site, "feeds/themes/ownership.atom.xml")) is not None
    index = read_output(built_site, "themes/index.html")
    assert "Expectations" in index and "Experience" in index


def test_sitemap_lists_the_public_pages(published_site):
    root = ET.fromstring(read_output(published_site, "sitemap.xml"))
    urls = {loc.text for loc in root.iter(f"{SITEMAP}loc")}
    for path in (
        "",
        "tips/",
        "laws/the-law-of-the-other-line/",
        "stories/the-refund-that-took-nine-calls/",
        "about/",
        "subscribe/",
        "themes/",
        "themes/expectations/",
    ):
        assert f"{SITEURL}/{path}" in urls
    assert not any("drafts" in url or "404" in url for url in urls)
    robots = read_output(published_site, "robots.txt")
    assert f"Sitemap: {SITEURL}/sitemap.xml" in robots


def test_hostile_title_is_text_everywhere(built_site):
    page = read_output(built_site, "stories/alert1-friends/index.html")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;friends&#34;" in page
    for rel in ("index.html", "stories/index.html", "themes/communication/index.html"):
        assert "<script>alert" not in read_output(built_site, rel)
    atom = ET.fromstring(read_output(built_site, "feeds/stories.atom.xml"))
    titles = [e.find(f"{ATOM}title").text for e in atom.findall(f"{ATOM}entry")]
    assert HOSTILE in titles
    items = json.loads(read_output(built_site, "index.json"))["items"]
    assert HOSTILE in [item["title"] for item in items]
    feed = json.loads(read_output(built_site, "feeds/all.json"))
    assert HOSTILE in [item["title"] for item in feed["items"]]


def test_home_page_shows_this_weeks_tip_and_law(built_site):
    home = read_output(built_site, "index.html")
    assert "Week 47 · 16–22 November 2026" in home
    assert "Promise the callback time you can keep" in home
    assert "Law of the week" in home


def test_laws_default_to_the_unknown_sage(built_site):
    assert "— Unknown Sage" in read_output(built_site, "laws/the-law-of-the-other-line/index.html")
    assert "— A night-shift supervisor" in read_output(
        built_site, "laws/the-callback-corollary/index.html"
    )
