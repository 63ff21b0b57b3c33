"""Site search: Pagefind indexes the built site once per build, offline.

Pagefind (the `pagefind[bin]` package ships its binary) reads only the parts of
pages marked `data-pagefind-body` (tips, laws and stories) and writes a static
index under output/pagefind/, which the search page loads in the browser.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from pathlib import Path

logger = logging.getLogger(__name__)
BUNDLE_DIR = "pagefind"


class SearchIndexError(Exception):
    """Pagefind could not index the site; the message says why and what to do."""


def index_site(output: str | Path) -> Path:
    """Index `output` with Pagefind, replacing any previous index; return the bundle folder.

    One subprocess per build, whatever the number of pages.
    """
    output = Path(output)
    bundle = output / BUNDLE_DIR
    shutil.rmtree(bundle, ignore_errors=True)
    command = [sys.executable, "-m", "pagefind", "--site", str(output), "--silent"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as error:
        raise SearchIndexError(f"search index: could not run Pagefind ({error})") from None
    if result.returncode != 0 or not (bundle / "pagefind.js").is_file():
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        if "No module named pagefind" in result.stderr:
            detail = ["Pagefind is not installed; run: pip install -r requirements.txt"]
        raise SearchIndexError(f"search index: Pagefind failed: {detail[0]}")
    logger.info("Search index written to %s", bundle)
    return bundle
