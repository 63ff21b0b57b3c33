"""Jinja filters and globals the theme uses (registered by the sage_content plugin)."""

from __future__ import annotations

import json
import math
import re

from markupsafe import Markup

from sage.urls import site_url
from sage.weeks import week_label

WORDS_PER_MINUTE = 230
_FIRST_P = re.compile(r"^\s*<p>(.*?)</p>(.*)$", re.S)


def plain(html: str) -> str:
    """Rendered HTML as plain text (tags stripped, entities decoded)."""
    return Markup(html or "").striptags()


def reading_minutes(html: str) -> int:
    """Minutes to read, at 230 words a minute, at least one."""
    return minutes_for(len(plain(html).split()))


def minutes_for(words: int) -> int:
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def first_paragraph(html: str) -> Markup:
    """A law's text: the first paragraph of its rendered content."""
    match = _FIRST_P.match(html or "")
    return Markup(match.group(1) if match else html or "")


def after_first_paragraph(html: str) -> Markup:
    """A law's commentary: everything after its first paragraph."""
    match = _FIRST_P.match(html or "")
    return Markup(match.group(2).strip() if match else "")


def json_ld(data) -> Markup:
    """JSON for a <script type="application/ld+json"> block, safe against "</script>"."""
    text = json.dumps(data, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def isodate(moment) -> str:
    return moment.isoformat() if moment else ""


FILTERS = {
    "plain": plain,
    "reading_minutes": reading_minutes,
    "first_paragraph": first_paragraph,
    "after_first_paragraph": after_first_paragraph,
    "json_ld": json_ld,
    "isodate": isodate,
    "week_label": week_label,
}


def globals_for(settings: dict) -> dict:
    siteurl = settings.get("SITEURL", "")
    return {"site_url": lambda url: site_url(siteurl, url)}
