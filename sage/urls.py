"""Turning a site-relative URL ("tips/x/") into the link a reader or a feed needs."""

from __future__ import annotations

import re

_ROOT_RELATIVE = re.compile(r'(\s(?:href|src)=")/(?!/)')


def site_url(siteurl: str, url: str) -> str:
    """Absolute when SITEURL is set ("https://example.org/tips/x/"), else root-relative."""
    return f"{siteurl.rstrip('/')}/{url}" if siteurl else f"/{url}"


def absolutize(html: str, siteurl: str) -> str:
    """Prefix root-relative href/src in rendered HTML with SITEURL (for feeds and email)."""
    if not siteurl:
        return html
    return _ROOT_RELATIVE.sub(lambda m: f"{m.group(1)}{siteurl.rstrip('/')}/", html)
