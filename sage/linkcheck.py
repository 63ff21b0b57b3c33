"""Link check over a built site: every internal href and src must resolve.

Internal means root-relative ("/tips/x/"), relative ("../x/"), or absolute on
SITEURL. A link to a folder resolves to its index.html; a "#fragment" must name
an id (or a name) in the target page.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINK_ATTRIBUTES = {
    "a": ("href",),
    "link": ("href",),
    "area": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "script": ("src",),
    "iframe": ("src",),
    "audio": ("src",),
    "video": ("src", "poster"),
    "form": ("action",),
}
SKIP_REL = {"preconnect", "dns-prefetch"}


@dataclass(frozen=True)
class Link:
    page: str  # output-relative path of the page, e.g. "tips/x/index.html"
    line: int
    target: str


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[int, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if attributes.get(key):
                self.ids.add(attributes[key])
        if tag == "link" and SKIP_REL & set((attributes.get("rel") or "").split()):
            return
        for name in LINK_ATTRIBUTES.get(tag, ()):
            value = attributes.get(name)
            if not value:
                continue
            if name == "srcset":
                for candidate in value.split(","):
                    if candidate.strip():
                        self.links.append((self.getpos()[0], candidate.split()[0]))
            else:
                self.links.append((self.getpos()[0], value.strip()))


def _resolve(page: str, target: str, siteurl: str) -> tuple[str, str] | None:
    """Map a link to (output-relative path, fragment), or None if it is external."""
    if siteurl and (target == siteurl or target.startswith(siteurl.rstrip("/") + "/")):
        target = target[len(siteurl.rstrip("/")) :] or "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    if target.startswith(("mailto:", "tel:", "javascript:", "data:")):
        return None
    path = unquote(parts.path)
    if not path:
        return page, parts.fragment
    if path.startswith("/"):
        resolved = path.lstrip("/")
    else:
        resolved = posixpath.join(posixpath.dirname(page), path)
    resolved = posixpath.normpath(resolved) if resolved else ""
    if resolved in (".", ""):
        resolved = ""
    if path.endswith("/") or resolved == "":
        resolved = posixpath.join(resolved, "index.html")
    return resolved, parts.fragment


def check_links(output: Path, siteurl: str = "") -> list[tuple[Link, str]]:
    """Return (link, problem) for every internal link in `output` that does not resolve."""
    pages: dict[str, _PageParser] = {}
    for html in sorted(output.rglob("*.html")):
        parser = _PageParser()
        parser.feed(html.read_text(encoding="utf-8", errors="replace"))
        pages[html.relative_to(output).as_posix()] = parser
    problems = []
    for page, parser in pages.items():
        for line, target in parser.links:
            resolved = _resolve(page, target, siteurl)
            if resolved is None:
                continue
            path, fragment = resolved
            link = Link(page, line, target)
            full = output / path
            if full.is_dir():
                full = full / "index.html"
                path = posixpath.join(path, "index.html")
            if not full.is_file():
                problems.append((link, f"broken link: {target} (no {path} in the output)"))
            elif fragment and path in pages and fragment not in pages[path].ids:
                problems.append((link, f'broken link: {target} (no id "{fragment}" in {path})'))
    return problems
