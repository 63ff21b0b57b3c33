"""Turning a rendered email template into what mail clients need.

Mail clients ignore most <style> blocks, so CSS is inlined (css-inline: Rust,
maintained, ~10x faster than premailer); only the @media rules (dark mode, small
screens) stay in a <style> for the clients that read them. Links must work
outside the site, so every href and src is made absolute. The plain-text part is
written from the same rendered HTML, so the two parts never drift apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

import css_inline

from newsletter.plaintext import html_to_text

# Gmail clips messages near 102 KB of HTML; we keep far below.
MAX_HTML_BYTES = 40 * 1024
_LINK = re.compile(r'(\s(?:href|src)=")([^"]*)(")')
_KEEP = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|\*\|)", re.IGNORECASE)
_INLINER = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False, minify_css=True)


@dataclass(frozen=True)
class EmailParts:
    """The two bodies of one email, ready to send."""

    html: str
    text: str

    @property
    def html_bytes(self) -> int:
        return len(self.html.encode("utf-8"))


def absolute_links(html: str, base_url: str) -> str:
    """Every relative href/src in `html` resolved against `base_url`.

    Links that carry a scheme (https:, mailto:) and Mailchimp merge tags
    (`*|UNSUB|*`) are left alone. With a root-relative `base_url` (a development
    build without SITEURL) links become root-relative.
    """

    def resolve(match: re.Match) -> str:
        value = match.group(2)
        if not value or _KEEP.match(value):
            return match.group(0)
        return f"{match.group(1)}{urljoin(base_url, value)}{match.group(3)}"

    return _LINK.sub(resolve, html)


def compose_email(rendered_html: str) -> EmailParts:
    """The inlined HTML part and the plain-text part of a rendered email template."""
    return EmailParts(html=_INLINER.inline(rendered_html), text=html_to_text(rendered_html))
