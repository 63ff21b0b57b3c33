"""What the theme needs beyond the content model: related reading, the tips
archive, the Book of Laws order, meta descriptions, and the signup form.

Registered on every generator's Jinja environment, so every page (the
newsletter's web pages included) sees the same helpers and the same form.
"""

import logging

from pelican import signals

from sage import reading, tip_archive
from sage.rules import display_path
from sage.subscribe import subscribe_form
from sage.taxonomy import load_taxonomy, taxonomy_path

logger = logging.getLogger(__name__)
NEWSLETTER_ARCHIVE_URL = "newsletter/"

FILTERS = {
    "related_reading": reading.related_reading,
    "book_order": reading.book_order,
    "meta_description": reading.meta_description,
    "tip_archive": tip_archive.tip_archive,
}


def reader_globals(settings: dict) -> dict:
    """Template globals read from settings in this one place (SUBSCRIBE_*, SEARCH_*)."""
    path = taxonomy_path(settings)
    themes = load_taxonomy(path, display=display_path(path))
    searchable = settings.get("SEARCH_INDEX", True)
    # The footer links the newsletter's archive of past issues once its plugin is on.
    newsletter = "sage_newsletter" in (settings.get("PLUGINS") or [])
    return {
        "subscribe_form": subscribe_form(settings, {theme.slug: theme.name for theme in themes}),
        "search_url": settings.get("SEARCH_URL", "search/") if searchable else None,
        "newsletter_url": NEWSLETTER_ARCHIVE_URL if newsletter else None,
    }


def add_reader_helpers(generator) -> None:
    generator.env.filters.update(FILTERS)
    generator.env.globals.update(reader_globals(generator.settings))


def register():
    signals.generator_init.connect(add_reader_helpers)
