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

from sage.feeds import FeedInfo, write_feeds
from sage.rules import display_path, split_list
from sage.taxonomy import load_taxonomy, taxonomy_path

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


def theme_pages(settings: dict) -> dict[str, ThemePage]:
    path = taxonomy_path(settings)
    return {
        theme.slug: ThemePage(
            theme.slug,
            theme.name,
            theme.description,
            settings["THEMES_URL"].format(slug=theme.slug),
            settings["THEMES_SAVE_AS"].format(slug=theme.slug),
        )
        for theme in load_taxonomy(path, display=display_path(path))
    }


def assign_themes(generator) -> None:
    """Set `article.themes` (ThemePage list) and `article.themes_source` on every article."""
    pages = theme_pages(generator.settings)
    generator.context[CONTEXT_KEY] = pages
    for article in chain(
        generator.articles,
        generator.drafts,
        generator.hidden_articles,
        generator.translations,
        generator.drafts_translations,
        generator.hidden_translations,
    ):
        explicit = split_list(str(article.metadata.get("themes") or ""))
        article.themes = [pages[slug] for slug in explicit if slug in pages]
        article.themes_source = "author" if explicit else "none"


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
            write_feeds(self.output_path, feed, theme.articles, settings)
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
