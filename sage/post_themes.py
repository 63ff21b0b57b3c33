"""A post's themes, decided one way everywhere: the build, `invoke check`, `invoke themes`.

An author's `Themes:` line wins; otherwise the tagger reads the title and the
rendered text. This module also writes the editor-facing explanation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from sage.markdown import render
from sage.parallel import fork_map
from sage.rules import aware_date, display_path, split_list
from sage.sources import Source, find_sources, read_source
from sage.tagger import Decision, Tagger, TaggerSettings
from sage.tagger_layer import TABLE_FORMAT
from sage.taxonomy import Theme, learned_path, load_learned, load_taxonomy, taxonomy_path

_CACHE: dict[tuple, tuple[list[Theme], Tagger]] = {}


def load_tagger(settings: dict) -> tuple[list[Theme], Tagger]:
    """The taxonomy and its compiled tagger (with the learned layer when there is one),
    reused while neither file changes."""
    path, learned = taxonomy_path(settings), learned_path(settings)
    tagger_settings = TaggerSettings.from_settings(settings)
    stamps = []
    for file in (path, learned):
        try:
            stamps.append(file.stat().st_mtime_ns if file else None)
        except FileNotFoundError:
            stamps.append(None)
    key = (str(path), str(learned), *stamps, tagger_settings)
    if key not in _CACHE:
        shown = display_path(path)
        themes = load_taxonomy(path, display=shown)
        learned_shown = display_path(learned) if learned else ""
        layer = partial(load_learned, learned, learned_shown)  # read when first needed
        _CACHE.clear()
        tagger = Tagger(themes, tagger_settings, shown, layer, learned_shown)
        has_layer = learned is not None and learned.is_file()
        sources = path.read_bytes() + (learned.read_bytes() if has_layer else b"")
        tagger.version = hashlib.sha256(sources + repr(tagger_settings).encode()).hexdigest()[:16]
        cache = settings.get("CACHE_PATH")
        if cache and settings.get("SAGE_INCREMENTAL", True):
            name = f"tagger-table-{TABLE_FORMAT}-{tagger.version}.pickle"
            tagger.table_file = Path(cache) / "sage" / name
        _CACHE[key] = (themes, tagger)
    return _CACHE[key]


def explicit_themes(value) -> list[str]:
    """The slugs of an author's `Themes:` line (empty when there is none)."""
    return split_list(str(value or ""))


def themes_for(tagger: Tagger, title: str, html: str, explicit: list[str]) -> tuple[list[str], str]:
    """(slugs, who decided): the author's line if any, else the tagger's choice."""
    if explicit:
        return explicit, "author"
    return tagger.tag(title, html), "tagger"


def themes_of_posts(
    tagger: Tagger, posts: list[tuple[str, str, list[str]]], cache: dict | None, workers: int = 1
) -> list[tuple[list[str], str]]:
    """themes_for() of many posts ((title, html, explicit themes) each), the tagging
    shared between `workers` processes. `cache` keeps only this call's posts."""
    keys = [
        hashlib.blake2b(f"{tagger.version}\0{title}\0{html}".encode(), digest_size=16).digest()
        for title, html, _ in posts
    ]
    known = cache if cache is not None else {}
    todo = {
        key: (title, html)
        for key, (title, html, explicit) in zip(keys, posts, strict=True)
        if not explicit and key not in known
    }
    if todo:
        tagger.ready()
    found = fork_map(_tag, [(tagger, *post) for post in todo.values()], workers)
    chosen = {key: known[key] for key in keys if key in known}
    chosen.update(zip(todo, found, strict=True))
    if cache is not None:
        cache.clear()
        cache.update(chosen)
    return [
        (explicit, "author") if explicit else (list(chosen[key]), "tagger")
        for key, (_, _, explicit) in zip(keys, posts, strict=True)
    ]


def _tag(job: tuple) -> list[str]:
    tagger, title, html = job
    return tagger.tag(title, html)


def render_body(settings: dict, markdown_text: str) -> str:
    """Markdown to HTML exactly as the build renders it."""
    return render(markdown_text)


@dataclass
class PostThemes:
    source: Source
    html: str
    themes: list[str]
    decided_by: str
    decision: Decision


def read_post(settings: dict, tagger: Tagger, path: Path) -> PostThemes:
    """Read one post from disk and decide its themes the way the build does."""
    source = read_source(path, Path(settings["PATH"]))
    html = render_body(settings, source.body)
    title = source.get("title") or ""
    decision = tagger.decide(title, html)
    themes, by = themes_for(tagger, title, html, explicit_themes(source.get("themes")))
    return PostThemes(source, html, themes, by, decision)


def _evidence(score, limit: int = 5) -> str:
    """'"automation" (title, 3×), "reminder" (5×)' for the strongest matches."""
    parts = []
    for item in [item for item in score.evidence if not item.minor][:limit]:
        where = []
        if item.title:
            where.append("title")
        if item.body > 1 or (item.body and item.title):
            where.append(f"{item.body}×")
        notes = ["learned"] * item.learned + ["against"] * (item.points < 0) + where
        parts.append(f'"{item.term}"' + (f" ({', '.join(notes)})" if notes else ""))
    return ", ".join(parts)


def explain(settings: dict, path: Path) -> str:
    """An editor's account of why a post has its themes: scores, words, and decisions."""
    themes, tagger = load_tagger(settings)
    names = {theme.slug: theme.name for theme in themes}
    post = read_post(settings, tagger, path)
    decision = post.decision
    ranked = sorted(decision.scores, key=lambda score: -score.score)
    by_slug = {score.slug: score for score in ranked}
    lines = [f"{display_path(path)}: {post.source.get('title') or '(no title)'}", ""]
    lines.append(f"{'theme':<14} {'score':>6}  words and phrases that produced it")
    for score in ranked:
        if score.evidence:
            more = sum(not item.minor for item in score.evidence) - 8
            tail = f", and {more} more" if more > 0 else ""
            lines.append(f"{score.slug:<14} {score.score:>6g}  {_evidence(score, 8)}{tail}")
            if any(item.learned for item in score.evidence):
                learned = sum(item.points for item in score.evidence if item.learned)
                written = sum(item.points for item in score.evidence if not item.learned)
                lines.append(f"{'':<22}(vocabulary {written:+.1f}, learned layer {learned:+.1f})")
    silent = [score.slug for score in ranked if not score.evidence]
    if silent:
        lines.append(f"{'':<14} {0:>6}  nothing matched: {', '.join(silent)}")
    lines.append("")
    settings_used = tagger.settings
    for position, slug in enumerate(decision.themes):
        score = by_slug[slug]
        if position == 0:
            lines.append(
                f"Primary: {names[slug]}, the highest score ({score.score:g}), from "
                f"{_evidence(score)}."
            )
        else:
            ratio = tagger.ratios(decision.length)[0 if position == 1 else 1]
            lines.append(
                f"Also: {names[slug]} ({score.score:g}, at least {ratio:.0%} of the primary's "
                f"score), from {_evidence(score, 3)}."
            )
    if not decision.themes:
        best = ranked[0] if ranked and ranked[0].score > 0 else None
        lines.append(
            f"No theme: the best match, {names[best.slug]}, scored {best.score:g}, under the "
            f"minimum of {settings_used.min_score:g}."
            if best
            else "No theme: not one word of any theme's vocabulary appears in the post."
        )
    runners = [
        score
        for score in ranked
        if score.slug not in decision.themes and score.score >= settings_used.min_score
    ][:3]
    if runners and decision.themes:
        if len(decision.themes) >= settings_used.max_themes:
            why = f"already {settings_used.max_themes} themes"
        else:
            ratio = tagger.ratios(decision.length)[0 if len(decision.themes) == 1 else 1]
            why = f"under {ratio:.0%} of the primary's score"
        lines.append(
            "Not kept ("
            + why
            + "): "
            + ", ".join(f"{names[score.slug]} ({score.score:g})" for score in runners)
            + "."
        )
    if any(item.learned for score in ranked for item in score.evidence):
        lines.append(
            "Learned: weights the learned layer (THEMES_LEARNED_FILE) gives words from "
            "labelled texts; small words such as “of the” count but are not listed."
        )
    if post.decided_by == "author":
        lines.append(
            f"The author's Themes line wins: {', '.join(post.themes)}. "
            "The tagger's reasoning above is shown for comparison."
        )
    elif not post.themes:
        lines.append("Add a `Themes:` line, or give the taxonomy file the words this post uses.")
    return "\n".join(lines)


@dataclass
class ThemeCount:
    slug: str
    name: str
    primary: int = 0
    total: int = 0
    tips: int = 0
    laws: int = 0
    stories: int = 0


def theme_counts(
    settings: dict, now: dt.datetime | None = None
) -> tuple[list[ThemeCount], list[str], int]:
    """Counts per theme over published posts; also the posts with no theme and how many
    carry an explicit Themes line."""
    themes, tagger = load_tagger(settings)
    counts = {theme.slug: ThemeCount(theme.slug, theme.name) for theme in themes}
    moment = now or dt.datetime.now(dt.UTC)
    untagged: list[str] = []
    explicit = 0
    for path in find_sources(Path(settings["PATH"]), folders=("tips", "laws", "stories")):
        post = read_post(settings, tagger, path)
        date = aware_date(post.source.get("date"), settings["TIMEZONE"])
        if post.source.status != "published" or (date and date > moment):
            continue
        explicit += post.decided_by == "author"
        if not post.themes:
            untagged.append(display_path(path))
        for position, slug in enumerate(post.themes):
            if slug not in counts:
                continue
            count = counts[slug]
            count.total += 1
            count.primary += position == 0
            folder = post.source.folder
            setattr(count, folder, getattr(count, folder) + 1)
    return list(counts.values()), untagged, explicit
