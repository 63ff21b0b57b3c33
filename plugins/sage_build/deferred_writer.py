"""A Pelican Writer that renders pages on every core, once all of them are known.

Pelican renders and writes each page the moment a generator asks. Here a request
is recorded instead (after the same overwrite checks, and with the same
`content_written` signal, so the sitemap sees every page) and the rendering
happens when the build is finalized: the work is split between forked worker
processes, which share the finished site model copy-on-write. Other slow,
independent work (the newsletter's emails) joins the same queue with `defer()`.

A page whose bytes are unchanged is not rewritten, so its file keeps its date;
with a build state (sage/build_state.py), a page whose fingerprint is unchanged
since the last build is not even rendered (sage/fingerprints.py).
"""

from __future__ import annotations

import logging
import os
from collections import ChainMap
from collections.abc import Callable
from pathlib import Path

from pelican.plugins import signals
from pelican.utils import sanitised_join
from pelican.writers import FileOverwriteFailedError, Writer

from sage.build_state import BuildState
from sage.files import write_if_changed
from sage.fingerprints import PageFingerprints
from sage.parallel import fork_map

logger = logging.getLogger(__name__)


class DeferredWriter(Writer):
    """Queues page renders and deferred jobs; `flush()` runs them on `workers` processes."""

    current: DeferredWriter | None = None  # the writer of the build in progress

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        DeferredWriter.current = self
        self.jobs: list[tuple[Callable, tuple]] = []
        self.state: BuildState | None = (settings or {}).get("SAGE_BUILD_STATE")
        self.fingerprints: PageFingerprints | None = None
        self.rendered = self.kept = 0

    # Pelican's API -----------------------------------------------------------

    def write_file(  # noqa: PLR0917 - Pelican's signature
        self, name, template, context, relative_urls=False, paginated=None,
        template_name=None, override_output=False, url=None, **kwargs,
    ):  # fmt: skip
        if not name:
            return
        paginating = (
            (paginated or any(key in kwargs for key in ("articles", "dates")))
            and template_name in self.settings["PAGINATED_TEMPLATES"]
            and (
                self.settings["PAGINATED_TEMPLATES"][template_name]
                or self.settings["DEFAULT_PAGINATION"]
            )
        )
        if paginating or relative_urls:
            # Paginated pages and relative URLs are rare here; Pelican does them as usual.
            super().write_file(
                name, template, context, relative_urls, paginated, template_name,
                override_output, url, **kwargs,
            )  # fmt: skip
            return
        path = sanitised_join(self.output_path, name)
        if not self._claim(path, override_output):
            return
        local = {"localsiteurl": context.get("localsiteurl"), "output_file": name, **kwargs}
        signals.content_written.send(path, context=ChainMap(local, context))
        if self.state is not None:
            if self.fingerprints is None:
                self.fingerprints = PageFingerprints(context)
            fingerprint = self.fingerprints.page(name, template_name, kwargs)
            if self._unchanged(fingerprint, [path]):
                return
        self.jobs.append((_render_page, (template, context, local, path)))
        self.rendered += 1

    # Ours ----------------------------------------------------------------------

    def defer(
        self, job: Callable, *args, fingerprint: str | None = None, outputs: tuple = ()
    ) -> None:
        """Run `job(*args)` with the page renders, in whichever worker takes it.

        With a `fingerprint` of its inputs and the files it writes (`outputs`), the job
        is skipped when the last build ran it with the same inputs and its files exist.
        """
        if fingerprint is not None and self._unchanged(fingerprint, list(outputs)):
            return
        self.jobs.append((job, args))

    def _unchanged(self, fingerprint: str, outputs: list[str]) -> bool:
        """Record `outputs` as this build's, and say if last build's files can stay."""
        state = self.state
        if state is None or not outputs:
            return False
        for output in outputs:
            state.next_outputs[output] = fingerprint
            state.produce(output)
        if all(state.outputs.get(output) == fingerprint for output in outputs) and all(
            os.path.exists(output) for output in outputs
        ):
            self.kept += 1
            return True
        return False

    def _claim(self, path: str, override: bool) -> bool:
        """Pelican's overwrite rules (Writer._open_w), checked before rendering."""
        if path in self._overridden_files:
            if override:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{path}" a second time (was previously overwritten)'
                )
            logger.info('Skipping "%s", not overwriting', path)
            return False
        if path in self._written_files and not override:
            raise FileOverwriteFailedError(
                f'Failed to overwrite "{path}" as Pelican has already written to it previously '
                "(set `override=True` if intended)"
            )
        if override:
            self._overridden_files.add(path)
        self._written_files.add(path)
        return True

    def flush(self, workers: int) -> None:
        """Run every queued job, shared between `workers` processes (sage/parallel.py)."""
        jobs, self.jobs = self.jobs, []
        fork_map(_run, jobs, workers)


def _run(job: tuple[Callable, tuple]) -> None:
    function, args = job
    function(*args)


def _render_page(template, context: dict, local: dict, path: str) -> None:
    if local["localsiteurl"]:
        context["localsiteurl"] = local["localsiteurl"]
    output = template.render({**context, **local})
    write_if_changed(Path(path), output)
    logger.info('Writing "%s"', path)
