"""Building the site: Pelican run in-process with our settings; publishing safely.

`build()` raises BuildError with sentences a user can act on; `publish()` builds
into a temporary folder next to the output and swaps it in only on success.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from sage.rules import ContentError
from sage.search import SearchIndexError
from sage.subscribe import SubscribeSettingsError
from sage.taxonomy import TaxonomyError

logger = logging.getLogger(__name__)


class BuildError(Exception):
    """The build failed for a reason the author can fix; the message says how."""


def _init_logging(verbosity: int) -> None:
    from pelican.log import init as init_logging

    level = {0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)
    # An error logged by Pelican or a plugin fails the build instead of passing unseen.
    init_logging(level=level, fatal="errors")
    logging.getLogger().setLevel(level)


def read_settings(settings_file: str | Path, **overrides) -> dict:
    """Pelican settings from `settings_file`, with `overrides` (e.g. OUTPUT_PATH) applied."""
    from pelican.settings import read_settings as pelican_read_settings

    # Relative PATH/OUTPUT_PATH in either are resolved against the settings file's folder.
    return pelican_read_settings(str(Path(settings_file).resolve()), override=dict(overrides))


def _reset_sitemap_plugin() -> None:
    """pelican-sitemap keeps per-run state in a module global; a failed run leaves it
    set, and the next in-process build (livereload, tests) would skip sitemap.xml."""
    try:
        from pelican.plugins.sitemap import sitemap
    except ImportError:
        return
    sitemap.generator._main_pelican = None
    sitemap.generator.page_queue = []


def build(settings_file: str | Path = "pelicanconf.py", verbosity: int = 0, **overrides) -> dict:
    """Run Pelican once (our plugins index the output for search as its last step).

    Skips the run when nothing changed since the last successful build of the same
    output (sage/freshness.py; `SAGE_UP_TO_DATE` is then set in the returned
    settings). Returns the settings used; raises BuildError on failure.
    """
    from pelican import Pelican

    _init_logging(verbosity)
    settings = read_settings(settings_file, **overrides)
    if settings.get("SAGE_INCREMENTAL", True):
        from sage import freshness

        settings["SAGE_INPUTS"] = freshness.input_digest(settings)
        if freshness.up_to_date(settings, settings["SAGE_INPUTS"]):
            logger.info("Nothing changed since the last build of %s", settings["OUTPUT_PATH"])
            settings["SAGE_UP_TO_DATE"] = True
            return settings
    _reset_sitemap_plugin()
    try:
        Pelican(settings).run()
    except (ContentError, TaxonomyError, SubscribeSettingsError, SearchIndexError) as error:
        _reset_sitemap_plugin()
        raise BuildError(str(error)) from None
    except RuntimeError as error:
        _reset_sitemap_plugin()
        raise BuildError(f"the build stopped on the error logged above ({error})") from None
    finally:
        from sage import files

        files.listen(None)
    return settings


def publish(
    settings_file: str | Path = "publishconf.py", output: str | Path = "output", **overrides
) -> Path:
    """Build into a temporary folder, then swap it into `output` only if it succeeded.

    A publish is always a clean build (SAGE_INCREMENTAL off): nothing cached is trusted.
    """
    output = Path(output).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-new-", dir=output.parent))
    try:
        overrides.setdefault("SAGE_INCREMENTAL", False)
        build(settings_file, OUTPUT_PATH=str(staging), **overrides)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    os.chmod(staging, 0o755)
    retired = None
    if output.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{output.name}-old-", dir=output.parent))
        retired.rmdir()
        output.rename(retired)
    staging.rename(output)
    if retired:
        shutil.rmtree(retired, ignore_errors=True)
    return output
