"""The search index, built beside the pages (sage/search.py says what it indexes).

Once the site is known (all_generators_finalized), a forked copy of the build
renders every published post's search document and runs Pagefind over them, while
this process goes on to write the pages; the build collects the result at its end.
On two cores this hides much of Pagefind's time behind the page writing.
Livereload's rebuilds fork it once the pages are written instead, so that an open
page reloads first (plugins/sage_build/sage_build.py, `finish`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from pelican.generators import ArticlesGenerator, PelicanTemplateNotFound

from sage.fingerprints import search_document
from sage.parallel import fork_call
from sage.search import DEFAULT_SHARDS, SearchIndexError, index_site

TEMPLATE = "search_document"


def prepare(generators, state, workers: int) -> Callable[[bool], Callable[[], int]]:
    """What starts the index: called, it forks a process that indexes, and returns a
    callable that waits for it and says how many shards were indexed anew. Started
    `beside` the pages, it runs one Pagefind at a time (the pages get this process's
    workers); started after them, as many as there are workers. The documents are
    kept beside the build state (a clean build without one uses a temporary folder)."""
    generator = next(g for g in generators if isinstance(g, ArticlesGenerator))
    settings = generator.settings
    try:
        template = generator.get_template(TEMPLATE)
    except PelicanTemplateNotFound:
        raise SearchIndexError(
            f"search index: the theme has no {TEMPLATE}.html template; add one "
            "(theme/templates/search_document.html shows how) or set SEARCH_INDEX = False"
        ) from None
    context, output = generator.context, settings["OUTPUT_PATH"]
    options = {
        "shards": settings.get("SEARCH_SHARDS", DEFAULT_SHARDS),
        "folder": state.path.with_name(f"{state.path.stem}-search") if state.path else None,
    }

    def start(beside: bool) -> Callable[[], int]:
        run = {**options, "workers": max(1, workers - 1) if beside else workers}
        return fork_call(partial(_index, template, context, output, state.key, run))

    return start


def _index(template, context: dict, output: str, version: str, options: dict) -> int:
    """Index every published post; only the shards that changed are rendered and run."""
    posts = {article.save_as: article for article in context.get("articles", [])}

    def document(page: str) -> str:
        article = posts[page]
        return template.render(
            {**context, "article": article, "category": article.category,
             "url": article.url, "output_file": page}
        )  # fmt: skip

    pages = {page: search_document(article, version) for page, article in posts.items()}
    return index_site(output, pages, document, **options)
