"""The plain-text part of an email, written for reading rather than tag-stripped.

Headings are underlined, paragraphs wrapped, lists bulleted, quotes marked with
"> ", and links become numbered references listed at the end ("Read it [3]").
Elements marked aria-hidden (the preheader) and the <head> are left out. One pass
of a regular-expression tokenizer over the email (our own, well-formed markup):
no dependency, and several times faster than html.parser, because it runs for
every issue of every build.
"""

from __future__ import annotations

import re
from html import unescape

WIDTH = 72
BLOCKS = {
    "address", "article", "blockquote", "body", "center", "div", "dl", "dd", "dt", "footer",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol", "p", "pre",
    "section", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
SKIPPED = {"head", "script", "style", "template", "title"}
RAW_TEXT = {"script", "style"}
UNDERLINES = {"h1": "=", "h2": "-"}
# Mailchimp merge tags that only make sense in HTML, and their plain-text twins.
TEXT_MERGE_TAGS = {"*|HTML:LIST_ADDRESS_HTML|*": "*|LIST:ADDRESS|*"}
_SPACES = re.compile(r"\s+")
_TOKENS = re.compile(
    r"<!--.*?-->|<!\[.*?\]>|<!.*?>|<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>|([^<]+)",
    re.S,
)
_ATTRIBUTE = re.compile(
    r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?"""
)
_BREAK = "\u2028"  # a <br>: a line break that source whitespace cannot fake


def html_to_text(html: str, width: int = WIDTH) -> str:
    """Plain text for `html`: paragraphs, underlined headings, numbered link references."""
    writer = _TextWriter(width)
    position, end = 0, len(html)
    while position < end:
        match = _TOKENS.match(html, position)
        if match is None:  # a "<" that starts no tag is text
            writer.handle_data("<")
            position += 1
            continue
        position = match.end()
        closing, tag, attributes, data = match.groups()
        if data is not None:
            writer.handle_data(unescape(data) if "&" in data else data)
        elif tag is None:
            continue  # a comment or a declaration
        elif closing:
            writer.handle_endtag(tag.lower())
        else:
            tag = tag.lower()
            writer.handle_starttag(tag, _attributes(attributes))
            if tag in RAW_TEXT:  # <style> and <script> hold text, not markup: jump to the end tag
                found = html.lower().find(f"</{tag}", position)
                position = found if found >= 0 else end
            elif attributes.rstrip().endswith("/") and tag not in VOID:
                writer.handle_endtag(tag)
    return writer.result()


def _attributes(text: str) -> dict[str, str]:
    if not text.strip():
        return {}
    return {
        name.lower(): unescape(first or second or third or "")
        for name, first, second, third in _ATTRIBUTE.findall(text.rstrip("/"))
    }


def _wrap(text: str, width: int, first: str, hanging: str) -> str:
    """Greedy word wrap, words never broken (what textwrap does, without its cost)."""
    lines, line = [], first
    fresh = True
    for word in text.split(" "):
        if fresh:
            line += word
            fresh = False
        elif len(line) + 1 + len(word) <= width:
            line += " " + word
        else:
            lines.append(line)
            line, fresh = hanging + word, False
    lines.append(line)
    return "\n".join(lines)


class _TextWriter:
    def __init__(self, width: int):
        self.width = width
        self.blocks: list[str] = []
        self.inline: list[str] = []
        self.links: list[str] = []
        self.skipping: list[str] = []
        self.lists: list[list] = []  # [tag, next number]
        self.bullet = ""
        self.quote = 0
        self.heading = ""
        self.pre = 0
        self.href: str | None = None
        self.link_start = 0

    # Parsing ---------------------------------------------------------------

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self.skipping:
            if tag not in VOID:
                self.skipping.append(tag)
            return
        if tag in SKIPPED or attributes.get("aria-hidden") == "true":
            if tag not in VOID:
                self.skipping.append(tag)
            return
        if tag in BLOCKS:
            self.flush()
        if tag in ("ul", "ol"):
            self.lists.append([tag, 1])
        elif tag == "li" and self.lists:
            kind = self.lists[-1]
            self.bullet = "- " if kind[0] == "ul" else f"{kind[1]}. "
            kind[1] += 1
        elif tag == "blockquote":
            self.quote += 1
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.heading = tag
        elif tag == "pre":
            self.pre += 1
        elif tag == "hr":
            self.blocks.append(self.prefix() + "-" * min(self.width, 20))
        elif tag == "br":
            self.inline.append(_BREAK)
        elif tag == "img" and attributes.get("alt"):
            self.inline.append(attributes["alt"])
        elif tag == "a":
            self.href = (attributes.get("href") or "").strip()
            self.link_start = len(self.inline)

    def handle_endtag(self, tag):
        if self.skipping:
            if self.skipping[-1] == tag:
                self.skipping.pop()
            return
        if tag == "a" and self.href is not None:
            self.close_link()
        if tag in BLOCKS:
            self.flush()
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)
        elif tag == self.heading:
            self.heading = ""
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)

    def handle_data(self, data):
        if not self.skipping:
            self.inline.append(data)

    # Writing ---------------------------------------------------------------

    def close_link(self):
        href, self.href = self.href, None
        text = _SPACES.sub(" ", "".join(self.inline[self.link_start :])).strip()
        if not href or href.startswith("#"):
            return
        shown = href.removeprefix("mailto:")
        if text in (href, shown):
            return
        href = TEXT_MERGE_TAGS.get(href, href)
        if href not in self.links:
            self.links.append(href)
        self.inline.append(f" [{self.links.index(href) + 1}]")

    def prefix(self) -> str:
        return "> " * self.quote + "  " * max(0, len(self.lists) - 1)

    def flush(self):
        if not self.inline:
            return
        raw = "".join(self.inline)
        self.inline = []
        if raw.isspace():
            return
        for html_tag, text_tag in TEXT_MERGE_TAGS.items():
            raw = raw.replace(html_tag, text_tag)
        if self.pre:
            text = raw.replace(_BREAK, "\n").strip("\n")
            if text:
                self.blocks.append("\n".join("    " + line for line in text.splitlines()))
            return
        lines = [_SPACES.sub(" ", line).strip() for line in raw.split(_BREAK)]
        lines = [line for line in lines if line]
        if not lines:
            return
        prefix, bullet = self.prefix(), self.bullet
        self.bullet = ""
        if self.heading in UNDERLINES and not self.quote:
            text = " ".join(lines)
            self.blocks.append(f"{text}\n{UNDERLINES[self.heading] * len(text)}")
            return
        out = []
        hanging = prefix + " " * len(bullet)
        for number, line in enumerate(lines):
            first = prefix + bullet if number == 0 else hanging
            if len(first) + len(line) <= self.width:
                out.append(first + line)
                continue
            out.append(_wrap(line, self.width, first, hanging))
        self.blocks.append("\n".join(out))

    def result(self) -> str:
        self.flush()
        text = "\n\n".join(self.blocks)
        if self.links:
            references = "\n".join(f"[{n}] {href}" for n, href in enumerate(self.links, 1))
            text += "\n\nLinks:\n" + references
        return text + "\n"
