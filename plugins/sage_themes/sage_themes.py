"""Themes: every post gets one to three, primary first; each theme gets a page and feeds.

Themes are assigned at `article_generator_pretaxonomy`, before Pelican groups
articles, so the theme pages, feeds and index.json all see them. An author's
`Themes:` line wins.
"""

import logging
from dataclasses import dataclass, field
from itertools import chain

from pelican import signals
from pelican.generators import Generator

from sage.feeds import FeedInfo, queue_feeds
from sage.parallel import worker_count
from sage.post_themes import explicit_themes, load_tagger, themes_of_posts

logger = logging.getLogger(__name__)
CONTEXT_KEY = "sage_theme_pages"


@dataclass(eq=False)
class ThemePage:
    """One theme as the templates see it: name, description, URL and its posts."""

    slug: str
    name: str
    description: str
    url: str
    save_as: str
    articles: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.articles)

    def of_kind(self, kind: str) -> list:
        return [article for article in self.articles if article.kind == kind]

    def __str__(self) -> str:
        return self.name


def theme_pages(settings: dict, themes) -> dict[str, ThemePage]:
    return {
        theme.slug: ThemePage(
            theme.slug,
            theme.name,
            theme.description,
            settings["THEMES_URL"].format(slug=theme.slug),
            settings["THEMES_SAVE_AS"].format(slug=theme.slug),
        )
        for theme in themes
    }


def assign_themes(generator) -> None:
    """Set `article.themes` (ThemePage list, primary first) and `article.themes_source`
    ("author" or "tagger") on every article, before Pelican builds its taxonomies."""
    themes, tagger = load_tagger(generator.settings)
    pages = theme_pages(generator.settings, themes)
    generator.context[CONTEXT_KEY] = pages
    # The build state (plugins/sage_build) remembers the tagger's choice for unchanged posts.
    state = generator.settings.get("SAGE_BUILD_STATE")
    cache = state.themes if state is not None else None
    articles = list(
        chain(
            generator.articles,
            generator.drafts,
            generator.hidden_articles,
            generator.translations,
            generator.drafts_translations,
            generator.hidden_translations,
        )
    )
    # _content: the rendered HTML before intrasite links are resolved (not all
    # content is read yet at this signal, so .content would warn about them).
    posts = [
        (article.title, article._content or "", explicit_themes(article.metadata.get("themes")))
        for article in articles
    ]
    workers = worker_count(generator.settings)
    untagged = 0
    for article, (slugs, source) in zip(
        articles, themes_of_posts(tagger, posts, cache, workers), strict=True
    ):
        article.themes_source = source
        article.themes = [pages[slug] for slug in slugs if slug in pages]
        untagged += not article.themes
    if untagged:
        logger.info("%d post(s) matched no theme; `invoke check` lists them", untagged)


class ThemePagesGenerator(Generator):
    """Writes /themes/, /themes/<slug>/ and feeds/themes/<slug>.{atom.xml,json}."""

    def generate_context(self):
        pages = self.context.get(CONTEXT_KEY, {})
        for article in self.context.get("articles", []):
            for theme in article.themes:
                theme.articles.append(article)
        self.context["themes"] = list(pages.values())

    def generate_output(self, writer):
        settings = self.settings
        relative = settings["RELATIVE_URLS"]
        template = self.get_template("theme")
        for theme in self.context["themes"]:
            writer.write_file(
                theme.save_as,
                template,
                self.context,
                relative,
                theme=theme,
                articles=theme.articles,
                url=theme.url,
                template_name="theme",
            )
            feed = FeedInfo(
                title=f"{settings['SITENAME']}: {theme.name}",
                description=theme.description,
                home_url=theme.url,
                atom_path=f"feeds/themes/{theme.slug}.atom.xml",
                json_path=f"feeds/themes/{theme.slug}.json",
            )
            queue_feeds(writer, self.output_path, feed, theme.articles, settings)
        writer.write_file(
            settings["THEMES_INDEX_SAVE_AS"],
            self.get_template("themes"),
            self.context,
            relative,
            url=settings["THEMES_INDEX_URL"],
            template_name="themes",
        )


def get_generators(_pelican):
    return ThemePagesGenerator


def register():
    signals.article_generator_pretaxonomy.connect(assign_themes)
    signals.get_generators.connect(get_generators)
