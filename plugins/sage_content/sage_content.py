"""The content model: kind from the folder, the tip's week, a law's attribution.

Also enforces the content rules (sage/rules.py) before Pelican reads a file, so
a broken post stops the build with one line per problem instead of a traceback
or a silently skipped file.
"""

import hashlib
import logging
from itertools import chain

from markupsafe import Markup
from pelican import signals

from sage import templating
from sage.parallel import fork_map, worker_count
from sage.reader import SageMarkdownReader
from sage.reading import meta_description
from sage.rules import ContentError, check_content, display_path
from sage.taxonomy import load_taxonomy, taxonomy_path
from sage.weeks import week_label, week_of

logger = logging.getLogger(__name__)
PAGE_LISTS = ("pages", "hidden_pages", "draft_pages")


def enforce_rules(generator) -> None:
    """Stop the build on any content error; count the warnings for `invoke check`."""
    settings = generator.settings
    path = taxonomy_path(settings)
    themes = load_taxonomy(path, display=display_path(path))
    # The build state (plugins/sage_build) keeps unchanged files' results between builds.
    state = settings.get("SAGE_BUILD_STATE")
    cache = state.sources if state is not None else None
    workers = worker_count(settings)
    problems = check_content(settings, [theme.slug for theme in themes], cache, workers)
    errors = [problem for problem in problems if problem.is_error]
    if errors:
        raise ContentError(errors)
    if problems:
        logger.info("%d content warning(s); `invoke check` lists them", len(problems))


def all_articles(generator):
    return chain(
        generator.articles,
        generator.translations,
        generator.drafts,
        generator.drafts_translations,
        generator.hidden_articles,
        generator.hidden_translations,
    )


def describe_posts(generator) -> None:
    """Give every article its kind, and tips their week, laws their attribution."""
    settings = generator.settings
    kinds = settings["SAGE_KINDS"]
    for article in all_articles(generator):
        article.kind = kinds[article.category.slug]["kind"]
        requested = str(article.metadata.get("status", "published")).lower()
        article.queued = article.status == "draft" and requested != "draft"
        if article.kind == "tip":
            article.week = week_of(article.date, settings["TIMEZONE"])
            article.week_label = week_label(article.week)
        else:
            article.week = None
        if article.kind == "law":
            article.attribution = article.metadata.get("attribution") or settings.get(
                "SAGE_DEFAULT_ATTRIBUTION", "Unknown Sage"
            )


def use_sage_reader(readers) -> None:
    """Markdown posts are read by sage/reader.py (cmark-gfm), not Python-Markdown."""
    for extension in SageMarkdownReader.file_extensions:
        readers.reader_classes[extension] = SageMarkdownReader


def measure_posts(generators) -> None:
    """Once every post is read (links resolved): what templates show about each post,
    computed once instead of on every page that shows it (and, with a build state,
    only for posts whose text or summary changed since the last build)."""
    if not generators:
        return
    settings = generators[0].settings
    state = settings.get("SAGE_BUILD_STATE")
    known = state.measures if state is not None else {}
    items, keys, todo = [], [], {}
    for generator in generators:
        for item in chain(all_articles(generator) if hasattr(generator, "drafts") else (),
                          *(getattr(generator, name, ()) for name in PAGE_LISTS)):  # fmt: skip
            kind, content, summary = getattr(item, "kind", None), item.content, item.summary
            key = hashlib.blake2b(f"{kind}\0{summary}\0{content}".encode(), digest_size=16).digest()
            if key not in known:
                todo[key] = (kind, content, summary)
            items.append(item)
            keys.append(key)
    measured = {key: known[key] for key in keys if key in known}
    found = fork_map(_measure, list(todo.values()), worker_count(settings))
    measured.update(zip(todo, found, strict=True))
    for item, key in zip(items, keys, strict=True):
        words, item.description, law_text, commentary = measured[key]
        item.word_count = words
        item.reading_minutes = templating.minutes_for(words)
        if getattr(item, "kind", None) == "law":
            item.law_text, item.commentary = Markup(law_text), Markup(commentary)
    if state is not None:
        state.measures = measured


def _measure(post: tuple) -> tuple:
    kind, content, summary = post
    words = len(templating.plain(content).split())
    law_text = commentary = ""
    if kind == "law":
        law_text = str(templating.first_paragraph(content))
        commentary = str(templating.after_first_paragraph(content))
    return words, meta_description(summary), law_text, commentary


def add_template_helpers(generator) -> None:
    generator.env.filters.update(templating.FILTERS)
    generator.env.globals.update(templating.globals_for(generator.settings))


def register():
    signals.article_generator_init.connect(enforce_rules)
    signals.article_generator_pretaxonomy.connect(describe_posts)
    signals.generator_init.connect(add_template_helpers)
    signals.all_generators_finalized.connect(measure_posts)
    signals.readers_init.connect(use_sage_reader)
