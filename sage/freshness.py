"""Is the output already what a build would produce? Then the build can stop at once.

After a successful build, a small stamp beside the build state records:

- a digest of every input: each file under the content folder (its path, size and
  modification time), the taxonomy, our code and theme (`code_version`), and every
  setting (so SITEURL or a changed pelicanconf.py counts);
- until when the output stays right with no file changing: the site moves on by
  itself when a new week starts (this week's tip) and when a queued post's date
  comes (it is published);
- the files the build produced.

The next build with the same digest, before that moment, with every produced file
still present, has nothing to do. Anything else (and any failed build, which
removes the stamp first) means a real build. Deleting `.cache/` is always safe.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import pickle
import tempfile
from pathlib import Path

import pelican

from sage.build_state import state_key, state_path
from sage.taxonomy import taxonomy_path
from sage.weeks import current_week, shift_week, week_start

logger = logging.getLogger(__name__)
SAGE_ROOT = Path(__file__).resolve().parent
CONTENT_LISTS = (
    "articles", "translations", "drafts", "drafts_translations", "hidden_articles",
    "hidden_translations", "pages", "hidden_pages", "draft_pages", "draft_translations",
)  # fmt: skip


def code_version(settings: dict) -> str:
    """A stamp of everything a build's output depends on besides content and settings:
    our code, the plugins, the theme, and Pelican's version."""
    roots = [SAGE_ROOT, Path(settings["THEME"]), SAGE_ROOT.parent / "newsletter"]
    roots += [Path(path) for path in settings.get("PLUGIN_PATHS", [])]
    stamp = hashlib.sha256(pelican.__version__.encode())
    for root in roots:
        for path in sorted(root.rglob("*")) if root.is_dir() else ():
            if path.is_file() and "__pycache__" not in path.parts:
                info = path.stat()
                stamp.update(f"{path}:{info.st_size}:{info.st_mtime_ns}".encode())
    return stamp.hexdigest()


def input_digest(settings: dict) -> str:
    """A digest of every input of a build of `settings` (see the module's docstring)."""
    digest = hashlib.sha256(state_key(settings, code_version(settings)).encode())
    content = Path(settings["PATH"])
    files = [taxonomy_path(settings)]
    for folder, subfolders, names in os.walk(content):
        subfolders.sort()
        files += [Path(folder, name) for name in sorted(names)]
    for path in files:
        try:
            info = path.stat()
        except OSError:
            digest.update(f"{path}:missing\n".encode())
            continue
        digest.update(f"{path}:{info.st_size}:{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def valid_until(settings: dict, context: dict) -> float | None:
    """When the site changes with no file changing (a Unix time), or None for never."""
    now = dt.datetime.now(dt.UTC)
    moments = []
    if not settings.get("SAGE_CURRENT_WEEK"):
        timezone = settings["TIMEZONE"]
        moments.append(week_start(shift_week(current_week(timezone, now), 1), timezone))
    for name in CONTENT_LISTS:
        for item in context.get(name) or []:
            date = getattr(item, "date", None)
            if isinstance(date, dt.datetime):
                aware = date if date.tzinfo else date.replace(tzinfo=dt.UTC)
                if aware > now:
                    moments.append(aware)
    return min(moment.timestamp() for moment in moments) if moments else None


def _stamp_path(settings: dict) -> Path:
    return state_path(settings).with_suffix(".stamp")


def forget(settings: dict) -> None:
    """A build has started: until it succeeds, the output is not known to be current."""
    _stamp_path(settings).unlink(missing_ok=True)


def remember(settings: dict, inputs: str, until: float | None, produced: set[str]) -> None:
    """A build succeeded: record what it saw and made."""
    path = _stamp_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".stamp-")
    with os.fdopen(handle, "wb") as stream:
        pickle.dump((inputs, until, sorted(produced)), stream, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temporary, path)


def up_to_date(settings: dict, inputs: str) -> bool:
    """True when the last build saw exactly `inputs`, has not expired, and its files exist."""
    try:
        with _stamp_path(settings).open("rb") as stream:
            seen, until, produced = pickle.load(stream)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
        return False
    if seen != inputs or (until is not None and dt.datetime.now(dt.UTC).timestamp() >= until):
        return False
    return all(os.path.exists(path) for path in produced)
