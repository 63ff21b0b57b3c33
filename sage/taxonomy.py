"""The theme taxonomy: a TOML file in content/ that authors edit, not code.

Each top-level table is one theme, keyed by its slug, in the order readers see:

    [empathy]
    name = "Empathy"
    description = "Understanding how customers feel: listening, ..."

The tagger's vocabulary for a theme lives in the same table (see sage/tagger.py).
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SLUG_RE = re.compile(r"^[a-z][a-z0-9-]*$")


class TaxonomyError(Exception):
    """The taxonomy file is missing or malformed; the message names file and entry."""


@dataclass(frozen=True)
class Theme:
    slug: str
    name: str
    description: str
    vocabulary: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


_LOADED: dict[tuple, list[Theme]] = {}


def load_taxonomy(path: Path, display: str | None = None) -> list[Theme]:
    """Load and validate the taxonomy; raise TaxonomyError naming the bad entry.

    Parsed once per version of the file (every generator of a build asks for it).
    """
    try:
        info = path.stat()
        key = (str(path), info.st_mtime_ns, info.st_size, display)
    except OSError:
        key = None
    if key in _LOADED:
        return _LOADED[key]
    themes = _load_taxonomy(path, display)
    if key is not None:
        _LOADED.clear()
        _LOADED[key] = themes
    return themes


def _load_taxonomy(path: Path, display: str | None) -> list[Theme]:
    where = display or str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TaxonomyError(
            f"{where}: the theme taxonomy file is missing; restore it from git "
            "or set THEMES_FILE to its path"
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise TaxonomyError(f"{where}: not valid TOML ({error}); fix the syntax") from None
    if not data:
        raise TaxonomyError(f"{where}: no themes defined; add a [slug] table per theme")
    themes = []
    for slug, entry in data.items():
        if not SLUG_RE.match(slug):
            raise TaxonomyError(
                f"{where}: [{slug}]: a theme slug is lowercase letters, digits and "
                "hyphens; rename the table"
            )
        if not isinstance(entry, dict):
            raise TaxonomyError(
                f"{where}: {slug}: expected a table [{slug}] with name and description"
            )
        for key in ("name", "description"):
            value = entry.get(key)
            if not isinstance(value, str) or not value.strip():
                raise TaxonomyError(
                    f'{where}: [{slug}]: {key} is missing or empty; add {key} = "…"'
                )
        vocabulary = {k: v for k, v in entry.items() if k not in ("name", "description")}
        themes.append(Theme(slug, entry["name"].strip(), entry["description"].strip(), vocabulary))
    return themes


def taxonomy_path(settings: dict) -> Path:
    """Where the taxonomy file is, from THEMES_FILE relative to PATH."""
    return Path(settings["PATH"]) / settings.get("THEMES_FILE", "themes.toml")


def learned_path(settings: dict) -> Path | None:
    """Where the learned layer is, from THEMES_LEARNED_FILE relative to PATH; None when
    the setting is empty (the hand-written vocabulary alone)."""
    name = settings.get("THEMES_LEARNED_FILE", "themes-learned.json")
    return Path(settings["PATH"]) / name if name else None


def load_learned(path: Path | None, display: str | None = None) -> dict:
    """The learned layer's weights, {theme slug: {"word" or "two words": weight}}
    (sage/tagger_layer.py). No file, no layer: the vocabulary works alone."""
    if path is None or not path.is_file():
        return {}
    where = display or str(path)
    try:
        weights = json.loads(path.read_text(encoding="utf-8")).get("weights")
    except (json.JSONDecodeError, AttributeError) as error:
        raise TaxonomyError(
            f"{where}: not the learned layer's JSON ({error}); train it again with "
            "`invoke themes --train`, or delete the file"
        ) from None
    if not isinstance(weights, dict):
        raise TaxonomyError(
            f'{where}: no "weights" table; train it again with `invoke themes --train`'
        )
    return weights
