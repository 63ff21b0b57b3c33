"""Site search: Pagefind indexes the built site, offline, in shards.

Pagefind (the `pagefind[bin]` package ships its binary) reads only the parts of
pages marked `data-pagefind-body` (tips, laws and stories). The pages are split
into SEARCH_SHARDS fixed shards by a hash of their path, and each shard is one
Pagefind bundle under output/pagefind/<n>/, indexed from the site in place (a
`--glob` names the shard's pages); the search page loads the first and merges
the others (Pagefind's mergeIndex). A shard whose pages did not change
since the last build is kept as it is, so editing one post re-indexes one
shard, not the site; and each Pagefind run holds only its shard in memory.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

logger = logging.getLogger(__name__)
BUNDLE_DIR = "pagefind"
DEFAULT_SHARDS = 8


class SearchIndexError(Exception):
    """Pagefind could not index the site; the message says why and what to do."""


def shard_of(page: str, shards: int) -> int:
    """The shard of a page (its output-relative path): stable across builds and machines."""
    return zlib.crc32(page.encode("utf-8")) % shards


def shard_names(pages: list[str], shards: int) -> list[str]:
    """The bundle folders the search page must load, in order (empty shards have none)."""
    return [str(n) for n in sorted({shard_of(page, shards) for page in pages})]


def index_site(
    output: str | Path,
    pages: dict[str, str],
    shards: int = DEFAULT_SHARDS,
    previous: dict[str, str] | None = None,
    workers: int = 2,
) -> dict[str, str]:
    """Index `pages` ({output-relative path: fingerprint of its content}) of `output`.

    Shards whose pages and fingerprints equal `previous` (the last build's return
    value) and whose bundle exists are kept. Returns the shard keys for next time.
    """
    output = Path(output)
    bundle = output / BUNDLE_DIR
    groups: dict[str, dict[str, str]] = {}
    for page, fingerprint in pages.items():
        groups.setdefault(str(shard_of(page, shards)), {})[page] = fingerprint
    keys = {name: _shard_key(group) for name, group in groups.items()}
    previous = previous or {}
    todo = [
        name for name in sorted(groups)
        if previous.get(name) != keys[name] or not (bundle / name / "pagefind.js").is_file()
    ]  # fmt: skip
    if bundle.is_dir():
        for entry in bundle.iterdir():
            if entry.name not in groups or entry.name in todo:
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    if todo:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            list(pool.map(lambda name: _index_shard(output, bundle / name, groups[name]), todo))
    logger.info("Search index: %d of %d shards rebuilt in %s", len(todo), len(groups), bundle)
    return keys


def _shard_key(group: dict[str, str]) -> str:
    return format(zlib.crc32(repr(sorted(group.items())).encode("utf-8")), "08x")


def _pagefind() -> list[str]:
    """The Pagefind command: its binary itself (from `pagefind[bin]`), which starts
    faster than the `python -m pagefind` wrapper, or that wrapper if need be."""
    try:
        from pagefind_bin import get_executable

        return [str(get_executable())]
    except (ImportError, OSError):  # no binary package: let the wrapper say so
        return [sys.executable, "-m", "pagefind"]


_GLOB_SPECIAL = set("{}[]*?,\\")


def _index_shard(output: Path, target: Path, pages: dict[str, str]) -> None:
    """Run Pagefind over just these pages of the site (a --glob naming each of them)."""
    if any(_GLOB_SPECIAL & set(page) for page in pages):
        _index_copy(output, target, pages)
        return
    pattern = "{" + ",".join(sorted(pages)) + "}" if len(pages) > 1 else next(iter(pages))
    _run_pagefind(output, target, ["--glob", pattern])


def _index_copy(output: Path, target: Path, pages: dict[str, str]) -> None:
    """The same, for page paths a glob cannot name: over hard links in a scratch folder."""
    with tempfile.TemporaryDirectory(prefix=".pagefind-", dir=output.parent) as scratch:
        for page in pages:
            source, copy = output / page, Path(scratch) / page
            copy.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, copy)
            except OSError:
                shutil.copyfile(source, copy)
        _run_pagefind(Path(scratch), target, [])


def _run_pagefind(site: Path, target: Path, options: list[str]) -> None:
    command = [*_pagefind(), "--site", str(site), *options, "--output-path", str(target)]
    try:
        result = subprocess.run([*command, "--silent"], capture_output=True, text=True, check=False)
    except OSError as error:
        raise SearchIndexError(f"search index: could not run Pagefind ({error})") from None
    if result.returncode != 0 or not (target / "pagefind.js").is_file():
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        if "No module named pagefind" in result.stderr:
            detail = ["Pagefind is not installed; run: pip install -r requirements.txt"]
        raise SearchIndexError(f"search index: Pagefind failed: {detail[0]}")
