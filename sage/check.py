"""`invoke check`: every content rule, then a build and a link check of its output."""

from __future__ import annotations

from pathlib import Path

from sage.linkcheck import check_links
from sage.post_themes import load_tagger, read_post
from sage.rules import ARTICLE_FOLDERS, Problem, check_content, display_path
from sage.site import BuildError, build, read_settings
from sage.sources import find_sources
from sage.taxonomy import TaxonomyError, load_taxonomy, taxonomy_path


def untagged_posts(settings: dict) -> list[Problem]:
    """A warning for every post that neither names its themes nor matches one."""
    _, tagger = load_tagger(settings)
    warnings = []
    for path in find_sources(Path(settings["PATH"]), folders=ARTICLE_FOLDERS):
        post = read_post(settings, tagger, path)
        if post.source.status != "draft" and not post.themes:
            warnings.append(
                Problem(
                    display_path(path),
                    post.source.line_of("title"),
                    "warning",
                    "no theme matched this post; add a `Themes:` line "
                    f"(`invoke themes --explain {display_path(path)}` shows the scores)",
                )
            )
    return warnings


def run_check(settings_file: str | Path = "pelicanconf.py", **overrides) -> list[Problem]:
    """All problems, errors and warnings, in `file:line` order; builds when rules pass."""
    settings = read_settings(settings_file, **overrides)
    path = taxonomy_path(settings)
    try:
        themes = load_taxonomy(path, display=display_path(path))
        load_tagger(settings)[1].ready()  # the learned layer too
    except TaxonomyError as error:
        where, _, message = str(error).partition(": ")
        return [Problem(where, 1, "error", message)]
    problems = check_content(settings, [theme.slug for theme in themes])
    if any(problem.is_error for problem in problems):
        return problems
    problems.extend(untagged_posts(settings))
    try:
        settings = build(settings_file, **overrides)
    except BuildError as error:
        return [*problems, Problem(display_path(Path(settings_file)), 1, "error", str(error))]
    output = Path(settings["OUTPUT_PATH"])
    for link, message in check_links(output, settings.get("SITEURL", "")):
        problems.append(Problem(display_path(output / link.page), link.line, "error", message))
    return sorted(problems)
