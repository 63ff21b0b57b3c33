"""Build speed: doing less work, and doing the rest on every core.

- A build state per output folder (sage/build_state.py) remembers what the last
  build knew: unchanged posts are not checked or tagged again, and pages whose
  inputs did not change are not rendered again (sage/fingerprints.py). Files of
  deleted or renamed posts are removed, so an incremental build's output equals a
  clean build's. A change to the code, the theme or the settings starts afresh.
- Pages are rendered after the whole site is known, by forked workers
  (deferred_writer.py); SAGE_WORKERS sets how many (default: one per core).
- Pelican recomputes a post's URL and file name from its settings on every access
  (templates ask dozens of times per page); once every post is read they are fixed,
  so they are stored with Pelican's own `override_url`/`override_save_as` hooks.
- Compiled templates are kept between builds (template_cache.py).
- The search index is built in shards by a forked process started as soon as the
  site is known, beside the page writing (search_index.py): an edit re-indexes
  one shard.
"""

import logging
import threading
from itertools import chain
from pathlib import Path

from pelican import signals

from sage import files, freshness
from sage.build_state import BuildState, load_state
from sage.parallel import worker_count
from sage.search import BUNDLE_DIR, DEFAULT_SHARDS, shard_names

from . import search_index
from .deferred_writer import DeferredWriter
from .template_cache import template_cache

logger = logging.getLogger(__name__)
STATE = "SAGE_BUILD_STATE"
CONTENT_LISTS = freshness.CONTENT_LISTS


def open_state(pelican_object) -> None:
    """Load the last build's state for this output folder and start recording."""
    settings = pelican_object.settings
    wait_for_background()
    if settings.get("SAGE_INCREMENTAL", True):
        freshness.forget(settings)
        state = load_state(settings, freshness.code_version(settings))
    else:
        state = BuildState()  # a clean build that leaves no state behind
    settings[STATE] = state
    files.listen(state.produce)


def freeze_urls(generators) -> None:
    """Compute every post's and page's URL and file once (they cannot change now)."""
    for generator in generators:
        for content in chain.from_iterable(getattr(generator, name, ()) for name in CONTENT_LISTS):
            if not hasattr(content, "override_url"):
                content.override_url = content.url
            if not hasattr(content, "override_save_as"):
                content.override_save_as = content.save_as


def plan_outputs(generators) -> None:
    """The site is known now: note which pages search indexes (and tell the search page
    which shards to load), and which static files the build copies."""
    context, settings = generators[0].context, generators[0].settings
    pages = [article.save_as for article in context.get("articles", [])]
    context["search_shards"] = shard_names(pages, settings.get("SEARCH_SHARDS", DEFAULT_SHARDS))
    state = settings.get(STATE)
    if state is not None:
        state.valid_until = freshness.valid_until(settings, context)
        output = Path(settings["OUTPUT_PATH"])
        for static in context.get("staticfiles", []):
            state.produce(output / static.save_as)


def start_search(generators) -> None:
    """Start the search index in a forked process now, while the pages get written
    (livereload's rebuilds start it once the pages are written: see finish)."""
    settings = generators[0].settings
    state = settings.get(STATE)
    if state is not None and settings.get("SEARCH_INDEX", True):
        start = search_index.prepare(generators, state, worker_count(settings))
        if settings.get("SAGE_BACKGROUND_SEARCH"):
            _SEARCH_LATER.append(start)
        else:
            _SEARCH_JOBS.append(start(True))


def steady_sitemap(generators) -> None:
    """pelican-sitemap dates list pages (home, tags, themes) with the time of the build,
    so two builds of the same content differ; date them with the newest post instead."""
    try:
        from pelican.plugins.sitemap import sitemap
    except ImportError:
        return
    dates = [article.date for article in generators[0].context.get("articles", [])]
    if dates:
        sitemap.generator.now = max(dates)


def finish(pelican_object) -> None:
    """Render the queued pages, index them for search, tidy up, remember the build.

    With SAGE_BACKGROUND_SEARCH (livereload's rebuilds), the search index starts only
    now, so it takes no time from the pages, and everything after the pages runs in
    a thread: open pages reload at once, the index follows a moment later, and the
    next build waits for it first.
    """
    settings = pelican_object.settings
    state = settings.get(STATE)
    writer, DeferredWriter.current = DeferredWriter.current, None
    workers = worker_count(settings)
    if writer is not None:
        writer.flush(workers)
        logger.info("pages: %d rendered, %d unchanged", writer.rendered, writer.kept)
    if state is None:
        return
    output = Path(pelican_object.output_path)
    if settings.get("SAGE_BACKGROUND_SEARCH"):
        while _SEARCH_LATER:  # forked here, from the main thread, as the page workers are
            _SEARCH_JOBS.append(_SEARCH_LATER.pop()(False))
        thread = threading.Thread(
            target=_complete_quietly, args=(settings, state, output), name="search"
        )
        _BACKGROUND.append(thread)
        thread.start()
    else:
        _complete(settings, state, output)


_BACKGROUND: list[threading.Thread] = []
_SEARCH_JOBS: list = []  # the running build's search index job (search_index.py)
_SEARCH_LATER: list = []  # or what starts it, in livereload's rebuilds


def wait_for_background() -> None:
    """Let the last build's background work finish (every build starts with this),
    and collect a search job a failed build left behind."""
    while _BACKGROUND:
        _BACKGROUND.pop().join()
    _SEARCH_LATER.clear()  # a failed build's, never started
    while _SEARCH_JOBS:
        try:
            _SEARCH_JOBS.pop()()
        except Exception:  # that build failed and said so; this one indexes afresh
            logger.debug("search job of a failed build ended", exc_info=True)


def _complete_quietly(settings: dict, state, output: Path) -> None:
    try:
        _complete(settings, state, output)
    except Exception as error:  # reported; the next build redoes what this one did not
        logger.warning("search index not updated (%s); the next build will retry", error)


def _complete(settings: dict, state, output: Path) -> None:
    """Index for search, record every file this build produced, remove the stale ones,
    and save the build state."""
    if _SEARCH_JOBS:
        rebuilt = _SEARCH_JOBS.pop()()
        logger.info("Search index: %d shards rebuilt in %s", rebuilt, output / BUNDLE_DIR)
        for path in (output / BUNDLE_DIR).rglob("*"):
            if path.is_file():
                state.produce(path)
    _record_theme_static(settings, output, state)
    state.produce(output / "sitemap.xml")
    for stale in state.stale_files():
        _remove(Path(stale), output)
    files.listen(None)
    state.save()
    inputs = settings.get("SAGE_INPUTS")
    if inputs and state.path is not None:
        freshness.remember(settings, inputs, state.valid_until, state.produced)


def _record_theme_static(settings: dict, output: Path, state) -> None:
    """The theme's static files are copied every build: they are the build's too."""
    theme_static = output / settings.get("THEME_STATIC_DIR", "theme")
    for folder in settings.get("THEME_STATIC_PATHS", ["static"]):
        source = Path(settings["THEME"]) / folder
        for path in source.rglob("*") if source.is_dir() else ():
            if path.is_file():
                state.produce(theme_static / path.relative_to(source))


def _remove(path: Path, output: Path) -> None:
    """Delete a file this build no longer produces, and folders it leaves empty."""
    try:
        path.unlink()
    except FileNotFoundError:
        return
    folder = path.parent
    while folder != output and output in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            break
        folder = folder.parent


def use_template_cache(generator) -> None:
    generator.env.bytecode_cache = template_cache(generator.settings)


def get_writer(_pelican):
    return DeferredWriter


def register():
    signals.initialized.connect(open_state)
    signals.generator_init.connect(use_template_cache)
    signals.all_generators_finalized.connect(freeze_urls)
    signals.all_generators_finalized.connect(plan_outputs)
    signals.all_generators_finalized.connect(steady_sitemap)
    signals.all_generators_finalized.connect(start_search)
    signals.get_writer.connect(get_writer)
    signals.finalized.connect(finish)
