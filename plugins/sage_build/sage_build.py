"""Build speed: doing less work, and doing the rest on every core.

- Pages are rendered after the whole site is known, by forked workers
  (deferred_writer.py); SAGE_WORKERS sets how many (default: one per core).
- Pelican recomputes a post's URL from its settings on every access (templates ask
  for it dozens of times per page); once every post is read, each URL is fixed, so
  it is stored with Pelican's own `override_url` hook.
"""

import logging
import os
from itertools import chain

from pelican import signals

from .deferred_writer import DeferredWriter

logger = logging.getLogger(__name__)
CONTENT_LISTS = (
    "articles",
    "translations",
    "drafts",
    "drafts_translations",
    "hidden_articles",
    "hidden_translations",
    "pages",
    "hidden_pages",
    "draft_pages",
    "hidden_translations",
    "draft_translations",
)


def freeze_urls(generators) -> None:
    """Compute every post's and page's URL once (they cannot change after reading)."""
    for generator in generators:
        for content in chain.from_iterable(getattr(generator, name, ()) for name in CONTENT_LISTS):
            if not hasattr(content, "override_url"):
                content.override_url = content.url


def get_writer(_pelican):
    return DeferredWriter


def flush_writer(pelican) -> None:
    """Render every queued page once the generators are done."""
    writer, DeferredWriter.current = DeferredWriter.current, None
    if writer is not None:
        writer.flush(pelican.settings.get("SAGE_WORKERS") or os.cpu_count() or 1)


def register():
    signals.all_generators_finalized.connect(freeze_urls)
    signals.get_writer.connect(get_writer)
    signals.finalized.connect(flush_writer)
