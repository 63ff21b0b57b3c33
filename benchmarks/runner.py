"""One build, as a benchmark runs it in a fresh process.

    python -m benchmarks.runner ours CONTENT OUTPUT CACHE [search] [newsletter]
    python -m benchmarks.runner stock CONTENT OUTPUT CACHE
    python -m benchmarks.runner stock_cached CONTENT OUTPUT CACHE
    python -m benchmarks.runner live CONTENT OUTPUT CACHE PORT

`ours` is `invoke build` with the corpus as content: every plugin, the search
index and the newsletter issues (naming `search` or `newsletter` after the folders
leaves that part out); the cache folder holds the build state between runs.
`stock` is Pelican 4.12 as it comes: default theme and settings, no plugins, its
content cache off; `stock_cached` the same with its content cache on. `live` is
`invoke livereload` on the corpus: it builds, then serves on PORT and rebuilds on
every save until it is stopped.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = str(ROOT / "pelicanconf.py")


def ours(content: str, output: str, cache: str, *leave_out: str) -> None:
    """Our build; `leave_out` ("search", "newsletter") turns parts off, to see their cost."""
    from sage.site import build, read_settings

    overrides = folders(content, output, cache)
    if "search" in leave_out:
        overrides["SEARCH_INDEX"] = False
    if "newsletter" in leave_out:
        plugins = read_settings(SETTINGS)["PLUGINS"]
        overrides["PLUGINS"] = [name for name in plugins if name != "sage_newsletter"]
    build(SETTINGS, **overrides)


def folders(content: str, output: str, cache: str) -> dict:
    """Where one of our builds reads and writes; its newsletter issues go to a folder of
    its own, which benchmarks/bench.py clears with its output."""
    return {
        "PATH": content,
        "OUTPUT_PATH": output,
        "CACHE_PATH": cache,
        "NEWSLETTER_ISSUES_PATH": issues_folder_name(output),
    }


def issues_folder_name(output: str | Path) -> str:
    """The newsletter issues folder of a build into `output`, beside it."""
    return f"{Path(output).name}-newsletter-issues"


def stock(content: str, output: str, cache: str, cached: bool = False) -> None:
    from pelican import Pelican
    from pelican.settings import read_settings

    overrides = {
        "PATH": content,
        "OUTPUT_PATH": output,
        "CACHE_PATH": cache,
        "TIMEZONE": "America/New_York",
        "SITEURL": "",
        "PLUGINS": [],
        "CACHE_CONTENT": cached,
        "LOAD_CONTENT_CACHE": cached,
    }
    Pelican(read_settings(None, override=overrides)).run()


def stock_cached(content: str, output: str, cache: str) -> None:
    """Stock Pelican with its content cache on (Pelican's advice for big sites)."""
    stock(content, output, cache, cached=True)


def live(content: str, output: str, cache: str, port: str) -> None:
    from sage.serve import livereload
    from sage.site import build

    overrides = folders(content, output, cache)
    build(SETTINGS, **overrides)
    print("ready", flush=True)
    livereload(SETTINGS, [f"{content}/**/*"], Path(output), port=int(port), **overrides)


if __name__ == "__main__":
    {"ours": ours, "stock": stock, "stock_cached": stock_cached, "live": live}[sys.argv[1]](
        *sys.argv[2:]
    )
