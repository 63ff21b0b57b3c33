"""Site search: Pagefind indexes every published post, offline, in shards.

Pagefind (the `pagefind[bin]` package ships its binary) indexes each post's search
document: the post's article element exactly as its page has it
(theme/templates/_post.html, marked `data-pagefind-body`), alone in a page of its
own at the page's path, so results link to the page. The documents need only the
site model, not the written pages, so indexing can run beside the writing of the
pages instead of after it (plugins/sage_build/search_index.py).

Posts are split into SEARCH_SHARDS fixed shards by a hash of their path; each shard
is one Pagefind bundle under output/pagefind/<n>/, and the search page loads the
first and merges the others (Pagefind's mergeIndex). A shard whose documents did not
change since the last build is kept as it is, so editing one post re-indexes one
shard, not the site; the documents are kept in the build cache, so only the edited
post's is rendered again; and each Pagefind run holds only its shard in memory.
The shard keys live beside the documents, written only once a bundle is complete,
so a build that failed half-way leaves nothing that the next one would trust.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

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
    document: Callable[[str], str],
    *,
    folder: Path | None = None,
    shards: int = DEFAULT_SHARDS,
    workers: int = 2,
) -> int:
    """Index the published posts into output/pagefind/, one bundle per shard.

    `pages` maps each post's page (its output-relative path) to a fingerprint of what
    its search document shows, and `document(page)` renders that document. The
    documents are kept in `folder` between builds (a temporary folder without one),
    each headed by its fingerprint, with a key file per shard that is written once
    its bundle is complete. A shard whose key is unchanged and whose bundle exists is
    kept; in the others, only documents whose fingerprint changed are rendered again.
    Returns how many shards were indexed anew.
    """
    output = Path(output)
    bundle = output / BUNDLE_DIR
    groups: dict[str, dict[str, str]] = {}
    for page, fingerprint in pages.items():
        groups.setdefault(str(shard_of(page, shards)), {})[page] = fingerprint
    with _documents_folder(folder, output) as site:
        keys = {name: _shard_key(group) for name, group in groups.items()}
        todo = [
            name for name in sorted(groups)
            if _read(site / f"{name}.key") != keys[name]
            or not (bundle / name / "pagefind.js").is_file()
        ]  # fmt: skip
        for parent in (bundle, site):
            for entry in parent.iterdir() if parent.is_dir() else ():
                name = entry.name.removesuffix(".key")
                if name not in groups or (name in todo and (parent == bundle or entry.is_file())):
                    shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
        for name in todo:
            _update_documents(site / name, groups[name], document)

        def index(name: str) -> None:
            _run_pagefind(site / name, bundle / name)
            (site / f"{name}.key").write_text(keys[name], encoding="utf-8")

        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            list(pool.map(index, todo))
    return len(todo)


def _shard_key(group: dict[str, str]) -> str:
    return hashlib.blake2b(repr(sorted(group.items())).encode("utf-8"), digest_size=16).hexdigest()


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""


@contextmanager
def _documents_folder(folder: Path | None, output: Path) -> Iterator[Path]:
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        yield folder
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".pagefind-", dir=output.parent) as scratch:
        yield Path(scratch)


def _update_documents(site: Path, group: dict[str, str], document: Callable[[str], str]) -> None:
    """Make `site` hold exactly the shard's documents, each at its page's path: write
    the new and changed ones, delete the ones of posts that left the shard."""
    present = {path.relative_to(site).as_posix() for path in site.rglob("*.html")}
    for page in present - group.keys():
        (site / page).unlink()
    for page, fingerprint in group.items():
        path, header = site / page, f"<!-- search document {fingerprint} -->\n"
        if page in present:
            with path.open(encoding="utf-8") as stream:
                if stream.readline() == header:
                    continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(header + document(page), encoding="utf-8")


def _pagefind() -> list[str]:
    """The Pagefind command: its binary itself (from `pagefind[bin]`), which starts
    faster than the `python -m pagefind` wrapper, or that wrapper if need be."""
    try:
        from pagefind_bin import get_executable

        return [str(get_executable())]
    except (ImportError, OSError):  # no binary package: let the wrapper say so
        return [sys.executable, "-m", "pagefind"]


def _run_pagefind(site: Path, target: Path) -> None:
    command = [*_pagefind(), "--site", str(site), "--output-path", str(target), "--silent"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as error:
        raise SearchIndexError(f"search index: could not run Pagefind ({error})") from None
    if result.returncode != 0 or not (target / "pagefind.js").is_file():
        if "No module named pagefind" in result.stderr:
            detail = "Pagefind is not installed; run: pip install -r requirements.txt"
        else:
            detail = _reason(result.stderr or result.stdout)
        raise SearchIndexError(f"search index: Pagefind failed to write {target}: {detail}")


_NOISE = re.compile(r"^(note:|stack backtrace:|thread '|\d+: |at )")


def _reason(output: str) -> str:
    """The telling line of Pagefind's output: its last, but past a Rust panic's
    backtrace and notes, which say nothing about the cause."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    telling = [line for line in lines if not _NOISE.match(line)]
    return (telling or lines or ["no output"])[-1]
